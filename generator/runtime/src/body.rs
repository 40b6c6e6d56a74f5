//! Reading response bodies within bounds, whether collected or streamed: a size limit
//! checked as bytes arrive, an idle timeout between chunks, and no buffer sized from
//! what the server declares.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::error::{Error, TransportError};

/// The most allocated up front for a body, whatever its `Content-Length` says: the
/// buffer grows as bytes actually arrive.
const MAX_INITIAL_CAPACITY: usize = 64 * 1024;

/// How much of a body is read, and how long a silence between chunks is tolerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimits {
    pub(crate) max_bytes: usize,
    /// `None` waits forever.
    pub(crate) idle: Option<Duration>,
}

pub(crate) enum ReadError {
    TooLarge(u64),
    /// No bytes for the idle timeout.
    Idle(Duration),
    Transport(reqwest::Error),
}

impl ReadError {
    /// The error a caller sees, for a request that was sent `attempts` times.
    pub(crate) fn into_error(self, request: String, limit: usize, attempts: u32) -> Error {
        match self {
            ReadError::TooLarge(size) => Error::ResponseTooLarge {
                request,
                limit,
                size,
            },
            ReadError::Idle(idle) => Error::Timeout(Box::new(TransportError {
                message: format!("no data for {idle:?} while the body was read"),
                request,
                attempts,
                source: None,
            })),
            ReadError::Transport(e) => Error::Connection(Box::new(TransportError {
                message: "the connection failed while the body was read".to_string(),
                request,
                attempts,
                source: Some(Box::new(e.without_url())),
            })),
        }
    }
}

/// Refuses a body whose declared length is over the limit, before reading any of it.
pub(crate) fn check_declared(response: &reqwest::Response, limit: usize) -> Result<(), ReadError> {
    match response.content_length() {
        Some(len) if len > limit as u64 => Err(ReadError::TooLarge(len)),
        _ => Ok(()),
    }
}

/// The next chunk, within the idle timeout.
async fn next_chunk(
    response: &mut reqwest::Response,
    idle: Option<Duration>,
) -> Result<Option<Bytes>, ReadError> {
    let mut chunk = std::pin::pin!(response.chunk());
    // A chunk already received needs no timer: most small bodies arrive with their
    // headers, and a timer per chunk is a measurable part of a short request.
    if let Some(ready) = futures_util::FutureExt::now_or_never(chunk.as_mut()) {
        return ready.map_err(ReadError::Transport);
    }
    let chunk = match idle {
        Some(idle) => tokio::time::timeout(idle, chunk)
            .await
            .map_err(|_| ReadError::Idle(idle))?,
        None => chunk.await,
    };
    chunk.map_err(ReadError::Transport)
}

/// Reads the whole body, refusing more than the limit instead of buffering it.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limits: BodyLimits,
) -> Result<Bytes, ReadError> {
    check_declared(&response, limits.max_bytes)?;
    let too_large =
        |len: usize| (len > limits.max_bytes).then_some(ReadError::TooLarge(len as u64));
    let Some(first) = next_chunk(&mut response, limits.idle).await? else {
        return Ok(Bytes::new());
    };
    if let Some(e) = too_large(first.len()) {
        return Err(e);
    }
    // A body that arrives in one chunk needs no copy.
    let Some(second) = next_chunk(&mut response, limits.idle).await? else {
        return Ok(first);
    };
    let declared = response.content_length().unwrap_or(0) as usize;
    let mut buf = BytesMut::with_capacity(
        declared
            .min(MAX_INITIAL_CAPACITY)
            .max(first.len() + second.len()),
    );
    buf.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if let Some(e) = too_large(buf.len() + chunk.len()) {
            return Err(e);
        }
        buf.extend_from_slice(&chunk);
        next = next_chunk(&mut response, limits.idle).await?;
    }
    Ok(buf.freeze())
}

/// The body as a stream of chunks that ends with an error as soon as the limit is
/// crossed or the server falls silent for the idle timeout.
pub(crate) fn stream_body(
    response: reqwest::Response,
    limits: BodyLimits,
    request: String,
    attempts: u32,
) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
    struct State {
        response: reqwest::Response,
        read: u64,
        request: String,
    }
    let state = Some(State {
        response,
        read: 0,
        request,
    });
    futures_util::stream::unfold(state, move |state| async move {
        let mut s = state?;
        let failed = |s: State, e: ReadError| {
            Some((
                Err(e.into_error(s.request, limits.max_bytes, attempts)),
                None,
            ))
        };
        match next_chunk(&mut s.response, limits.idle).await {
            Ok(Some(chunk)) => {
                s.read += chunk.len() as u64;
                if s.read > limits.max_bytes as u64 {
                    let size = s.read;
                    return failed(s, ReadError::TooLarge(size));
                }
                Some((Ok(chunk), Some(s)))
            }
            Ok(None) => None,
            Err(e) => failed(s, e),
        }
    })
}
