//! Responses: the raw bytes the client read, and decoded values with their status and
//! headers.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::body::{BodyLimits, stream_body};
use super::error::{DecodeError, Error};
use super::redact::{ShownHeaders, mark_sensitive};

/// A successful response, read in full. Its `Debug` output shows the body's size, not
/// the body.
#[derive(Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request: String,
    pub(crate) attempts: u32,
    /// The wire names whose values a decoding error's excerpt leaves out.
    pub(crate) secrets: &'static [&'static str],
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field("body_bytes", &self.body.len())
            .field("request", &self.request)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A decoded value with the status and headers of the response that carried it. Its
/// `Debug` output hides credential header values (`set-cookie`, `x-auth-token`).
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The response's status.
    pub status: StatusCode,
    /// The response's headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub data: T,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl<T: std::fmt::Debug> std::fmt::Debug for ApiResponse<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field("data", &self.data)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl<T> ApiResponse<T> {
    /// The decoded body, without status and headers.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Changes the decoded body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            data: f(self.data),
            attempts: self.attempts,
        }
    }
}

impl RawResponse {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    fn with<T>(self, data: T) -> ApiResponse<T> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            data,
            attempts: self.attempts,
        }
    }

    /// Decodes a JSON body. An empty body reads as `null`.
    pub fn json<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let body: &[u8] = if self.body.is_empty() {
            b"null"
        } else {
            &self.body
        };
        match serde_json::from_slice::<T>(body) {
            Ok(data) => Ok(self.with(data)),
            Err(source) => {
                // Decode again, tracking the path, only now that it failed: the
                // successful path pays nothing for it.
                let mut de = serde_json::Deserializer::from_slice(body);
                let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                    // `?` stands for a key that was never read (the input ended first).
                    Err(e) => e.path().to_string().trim_end_matches(".?").to_string(),
                    Ok(_) => ".".to_string(),
                };
                Err(Error::Decode(Box::new(DecodeError::new(
                    self.status,
                    path,
                    &self.body,
                    200,
                    self.secrets,
                    self.request,
                    self.attempts,
                    source,
                ))))
            }
        }
    }

    /// A response without content: the body, if any, is ignored.
    pub fn empty(self) -> Result<ApiResponse<()>, Error> {
        Ok(self.with(()))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(self) -> Result<ApiResponse<String>, Error> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(self.with(text))
    }

    /// The body as bytes.
    pub fn bytes(self) -> Result<ApiResponse<Bytes>, Error> {
        let body = self.body.clone();
        Ok(self.with(body))
    }
}

/// A response body read as it arrives, chunk by chunk.
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(
        response: reqwest::Response,
        limits: BodyLimits,
        request: String,
        attempts: u32,
    ) -> ByteStream {
        let status = response.status();
        let mut headers = response.headers().clone();
        mark_sensitive(&mut headers);
        ByteStream {
            status,
            headers,
            attempts,
            inner: Box::pin(stream_body(response, limits, request, attempts)),
        }
    }

    pub(crate) fn from_bytes(raw: RawResponse) -> ByteStream {
        let body = raw.body;
        ByteStream {
            status: raw.status,
            headers: raw.headers,
            attempts: raw.attempts,
            inner: Box::pin(futures_util::stream::once(async move { Ok(body) })),
        }
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How many times the request was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = self.inner.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
