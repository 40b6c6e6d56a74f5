//! The SDK's one error type.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::redact::{excerpt, mark_sensitive, scrub_value, unquoted};
use super::retry;

/// Everything an SDK call can fail with. Branch on [`Error::kind`]; details are on
/// the variants.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not a success.
    Status(Box<StatusError>),
    /// The connection failed or broke before a complete response arrived.
    Connection(Box<TransportError>),
    /// No complete response within the configured timeout.
    Timeout(Box<TransportError>),
    /// The server broke the HTTP protocol (a status outside 100–599); not retried.
    Protocol(Box<TransportError>),
    /// The response arrived but its body does not have the documented shape.
    Decode(Box<DecodeError>),
    /// The request could not be built; nothing was sent.
    InvalidRequest(String),
    /// The operation needs credentials and none are configured; nothing was sent.
    MissingCredentials(String),
    /// The response body is larger than the client's limit; it was not read.
    ResponseTooLarge {
        /// `METHOD /path` of the request.
        request: String,
        /// The client's limit, in bytes.
        limit: usize,
        /// The size the response announced (`Content-Length`) or reached, in bytes.
        size: u64,
    },
    /// The client's configuration is invalid (a base URL that is not a URL, a header
    /// value that cannot be sent).
    Config(String),
    /// A walk through the pages was handed a cursor it had already followed (the same
    /// one again, or a cycle); it stopped after the pages it had read instead of
    /// requesting forever. Nothing was sent for the repeated cursor.
    RepeatedCursor {
        /// `METHOD /path` of the paginated operation.
        request: String,
        /// The page that would have been requested a second time (1 is the first).
        page: usize,
    },
    /// A walk through the pages got the same page twice in a row, byte for byte,
    /// although it asked for another (a server that ignores the page parameter); it
    /// stopped after the pages it had read instead of requesting forever.
    RepeatedPage {
        /// `METHOD /path` of the paginated operation.
        request: String,
        /// The page that repeated the one before it (1 is the first).
        page: usize,
    },
    /// A walk through the pages was handed a next-page URL on another origin than the
    /// client's (scheme, host and port): it was not followed, so that no credential
    /// reaches another server. Nothing was sent for it.
    ForeignNextPage {
        /// `METHOD /path` of the paginated operation.
        request: String,
        /// The page that URL would have been (1 is the first).
        page: usize,
        /// The origin of the URL (`https://other.example`), or why it is no URL.
        origin: String,
    },
}

/// What kind of failure an [`Error`] is: the cases callers usually branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400
    BadRequest,
    /// 401
    Authentication,
    /// 403
    PermissionDenied,
    /// 404
    NotFound,
    /// 409
    Conflict,
    /// 422
    UnprocessableEntity,
    /// 429
    RateLimited,
    /// 500 and above
    Server,
    /// Any other status that is not a success.
    OtherStatus,
    /// The server could not be reached, or the connection broke.
    Connection,
    /// No complete response within the configured timeout.
    Timeout,
    /// The server broke the HTTP protocol (a status outside 100–599).
    Protocol,
    /// The response body does not have the documented shape.
    Decode,
    /// The response body is larger than the client's limit.
    ResponseTooLarge,
    /// The request could not be built; nothing was sent.
    InvalidRequest,
    /// The operation needs credentials and none are configured.
    MissingCredentials,
    /// The client's configuration is invalid.
    Config,
    /// A paginated walk was handed a cursor, offset or URL it had already followed, or
    /// got the same page twice in a row.
    RepeatedCursor,
    /// A paginated walk was handed a next-page URL on another origin.
    ForeignNextPage,
}

impl ErrorKind {
    /// The kind of failure a response with this (unsuccessful) status is.
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::OtherStatus,
        }
    }
}

impl Error {
    /// What kind of failure this is, to branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Status(e) => ErrorKind::from_status(e.status),
            Error::Connection(_) => ErrorKind::Connection,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::Protocol(_) => ErrorKind::Protocol,
            Error::Decode(_) => ErrorKind::Decode,
            Error::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
            Error::InvalidRequest(_) => ErrorKind::InvalidRequest,
            Error::MissingCredentials(_) => ErrorKind::MissingCredentials,
            Error::Config(_) => ErrorKind::Config,
            Error::RepeatedCursor { .. } | Error::RepeatedPage { .. } => ErrorKind::RepeatedCursor,
            Error::ForeignNextPage { .. } => ErrorKind::ForeignNextPage,
        }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether the client's retry rule would send the request again after this
    /// failure, had it retries left: the failure may pass (no connection, a timeout, a
    /// 408, 409, 429 or 5xx, or the server's `x-should-retry: true`), and sending again
    /// cannot do twice what the server may have done once.
    ///
    /// For a GET (or HEAD, OPTIONS, TRACE) that is every such failure. For a POST,
    /// PUT, PATCH or DELETE, only a failure where the server cannot have acted: the
    /// connection was refused before the request went out, or the server answered
    /// 408, 429 or 503 (or `x-should-retry: true`). So a POST that timed out, or got a
    /// 500, is not retryable: the server may have sent the message already. An
    /// operation the spec marks safe to repeat (`x-sdk-idempotent`), which the client
    /// itself retries like a GET, counts as a POST here: the error does not record the
    /// mark, and `false` errs on the side of not sending twice. Errors of other kinds
    /// (a response of the wrong shape, a request refused before sending, a page walk
    /// that stopped) are not retryable: the same request fails the same way.
    ///
    /// The client has already retried a retryable failure `max_retries` times when it
    /// returns it ([`attempts`](Self::attempts) says how many); this tells code with
    /// retries of its own (a queue, a later run) whether to try again.
    ///
    /// ```
    /// # async fn example(request: impl std::future::IntoFuture<Output = Result<(), sdk_runtime::Error>>) -> Result<(), sdk_runtime::Error> {
    /// match request.await {
    ///     Err(e) if e.is_retryable() => { /* put it back on the queue */ }
    ///     other => other?,
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Status(e) => {
                retry::status_is_retryable(e.status, &e.headers, safe_method(&e.request))
            }
            Error::Connection(e) | Error::Timeout(e) => e.not_sent() || safe_method(&e.request),
            // A status outside 100-599 is not retried: the peer does not speak HTTP.
            Error::Protocol(_)
            | Error::Decode(_)
            | Error::ResponseTooLarge { .. }
            | Error::InvalidRequest(_)
            | Error::MissingCredentials(_)
            | Error::Config(_)
            | Error::RepeatedCursor { .. }
            | Error::RepeatedPage { .. }
            | Error::ForeignNextPage { .. } => false,
        }
    }

    /// The status error, if this is one.
    pub fn as_status(&self) -> Option<&StatusError> {
        match self {
            Error::Status(e) => Some(e),
            _ => None,
        }
    }

    /// How many times the request was sent (1 when it was not retried, 0 when it was
    /// never sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Status(e) => e.attempts,
            Error::Connection(e) | Error::Timeout(e) | Error::Protocol(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::ResponseTooLarge { .. } => 1,
            Error::InvalidRequest(_)
            | Error::MissingCredentials(_)
            | Error::Config(_)
            | Error::RepeatedCursor { .. }
            | Error::RepeatedPage { .. }
            | Error::ForeignNextPage { .. } => 0,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Error {
        Error::InvalidRequest(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status(e) => e.fmt(f),
            Error::Connection(e) => write!(f, "connection error: {e}"),
            Error::Timeout(e) => write!(f, "timed out: {e}"),
            Error::Protocol(e) => write!(f, "protocol error: {e}"),
            Error::Decode(e) => e.fmt(f),
            Error::ResponseTooLarge {
                request,
                limit,
                size,
            } => {
                write!(
                    f,
                    "the response of {request} is {size} bytes, more than the limit of {limit}"
                )
            }
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::MissingCredentials(m) => write!(f, "missing credentials: {m}"),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
            Error::RepeatedCursor { request, page } => write!(
                f,
                "{request}: page {page} would follow a cursor this walk already followed; stopped instead of looping"
            ),
            Error::RepeatedPage { request, page } => write!(
                f,
                "{request}: page {page} is the same as page {}, although another was asked for; stopped instead of looping",
                page.saturating_sub(1)
            ),
            Error::ForeignNextPage {
                request,
                page,
                origin,
            } => write!(
                f,
                "{request}: the URL of page {page} is on another origin ({origin}) than the client's; not followed, so that no credential is sent there"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection(e) | Error::Timeout(e) | Error::Protocol(e) => {
                e.source.as_deref().map(|s| s as _)
            }
            Error::Decode(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// A response with a status that is not a success.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusError {
    /// The response's status.
    pub status: StatusCode,
    /// The response's headers (credentials redacted).
    pub headers: HeaderMap,
    /// The API's error object, when the body is one.
    pub body: Option<ErrorBody>,
    /// The body as text (lossy UTF-8), possibly shortened; empty when there was none.
    /// The values of fields the spec marks secret, and of keys named like credentials,
    /// are `<redacted>`, here and in `body`.
    pub raw_body: String,
    /// `METHOD /path` of the request.
    pub request: String,
    /// How many times the request was sent.
    pub attempts: u32,
}

/// The API's error object: `{"code": ..., "message": ..., "details": {...}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The error's machine-readable code, when the body has one.
    pub code: Option<String>,
    /// The error's message for people, when the body has one.
    pub message: Option<String>,
    /// Further details of the error, as the server sent them.
    pub details: Option<Value>,
    /// The whole body as JSON.
    pub json: Value,
}

impl StatusError {
    /// What kind of failure the status is.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_status(self.status)
    }

    /// The error body's `code`, if any.
    pub fn code(&self) -> Option<&str> {
        self.body.as_ref()?.code.as_deref()
    }

    /// The error body's `message`, if any.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref()?.message.as_deref()
    }

    /// The error body's `details`, if any.
    pub fn details(&self) -> Option<&Value> {
        self.body.as_ref()?.details.as_ref()
    }

    /// The error of a response; `secrets` are the wire names whose values its body's
    /// excerpt and JSON leave out (see `redact/`).
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
        request: String,
        attempts: u32,
        secrets: &[&str],
    ) -> StatusError {
        let mut headers = headers;
        // `set-cookie` and the like stay out of `Debug` output.
        mark_sensitive(&mut headers);
        let parsed = serde_json::from_slice::<Value>(body).ok().map(|mut json| {
            scrub_value(&mut json, secrets);
            // Some APIs nest the object: {"error": {"code": ..., "message": ...}}.
            let object = match json.get("error") {
                Some(inner) if inner.is_object() => inner,
                _ => &json,
            };
            let text = |k: &str| {
                object.get(k).and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            ErrorBody {
                code: text("code"),
                message: text("message")
                    .or_else(|| text("error"))
                    .or_else(|| text("title")),
                details: object.get("details").filter(|d| !d.is_null()).cloned(),
                json: json.clone(),
            }
        });
        StatusError {
            status,
            headers,
            body: parsed,
            raw_body: excerpt(body, 4096, secrets).0,
            request,
            attempts,
        }
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} returned {}", self.request, self.status)?;
        match (&self.body, self.raw_body.is_empty()) {
            (Some(body), _) if body.code.is_some() || body.message.is_some() => {
                if let Some(code) = &body.code {
                    write!(f, ": {code}")?;
                }
                if let Some(message) = &body.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            (_, true) => write!(f, " with no body"),
            (_, false) => write!(f, ": {}", one_line(&self.raw_body, 200)),
        }
    }
}

/// A failure to exchange a request and response with the server.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What went wrong.
    pub message: String,
    /// `METHOD /path` of the request.
    pub request: String,
    /// How many times the request was sent.
    pub attempts: u32,
    /// The underlying error of the HTTP client, if any.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A failure of one attempt with no underlying error: what the event stream reports
    /// about its own protocol (a binary frame, an answer that did not come).
    #[cfg(feature = "events")]
    pub(crate) fn once(request: impl Into<String>, message: impl Into<String>) -> Box<Self> {
        Box::new(TransportError {
            message: message.into(),
            request: request.into(),
            attempts: 1,
            source: None,
        })
    }

    /// The request never reached the server: the connection was refused or could not
    /// be made.
    fn not_sent(&self) -> bool {
        self.source
            .as_deref()
            .and_then(|e| e.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_connect)
    }
}

/// Whether `request` (`METHOD /path`, as errors name an HTTP request) is of a method
/// that changes nothing on the server, so that sending it again is always safe.
fn safe_method(request: &str) -> bool {
    matches!(
        request.split(' ').next(),
        Some("GET" | "HEAD" | "OPTIONS" | "TRACE")
    )
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.request, self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// A response body that does not match the documented shape.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The response's status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as a path: `items[3].accounts[0].status`.
    pub path: String,
    /// The start of the body, for context. The values of fields the spec marks secret
    /// for this response, and of keys named like credentials, are `<redacted>`.
    pub excerpt: String,
    /// `METHOD /path` of the request.
    pub request: String,
    /// How many times the request was sent.
    pub attempts: u32,
    /// The JSON decoder's error. When the body held a secret value, the values it
    /// quotes are `<redacted>`.
    pub source: serde_json::Error,
}

impl DecodeError {
    /// The error for `body`, which did not decode: an excerpt of at most `max` bytes,
    /// and the decoder's message, without the values of `secrets` (see `redact/`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        status: StatusCode,
        path: String,
        body: &[u8],
        max: usize,
        secrets: &[&str],
        request: String,
        attempts: u32,
        source: serde_json::Error,
    ) -> DecodeError {
        let (excerpt, held_secret) = excerpt(body, max, secrets);
        // The decoder quotes the value it could not read, which may be the secret (or
        // hold it, in a union read from a buffered value): without values then.
        let source = match held_secret {
            true => <serde_json::Error as serde::de::Error>::custom(unquoted(&source.to_string())),
            false => source,
        };
        DecodeError {
            status,
            path,
            excerpt,
            request,
            attempts,
            source,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response of {} at `{}`: {}",
            self.request, self.path, self.source
        )?;
        if !self.excerpt.is_empty() {
            write!(f, " (body starts: {})", one_line(&self.excerpt, 120))?;
        }
        Ok(())
    }
}

fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max_chars {
        let mut s: String = flat.chars().take(max_chars).collect();
        s.push('…');
        s
    } else {
        flat
    }
}
