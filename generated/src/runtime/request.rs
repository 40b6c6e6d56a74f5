//! Requests: what generated operations describe, and the one generic request type
//! every operation returns.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use super::client::Client;
use super::encoding::Query;
use super::error::Error;
use super::multipart::Multipart;
use super::pagination::WalkLimits;
use super::redact::{REDACTED, is_sensitive_header, redact_url};
use super::response::{ApiResponse, ByteStream, RawResponse};

/// One operation's parameters, and how they become an HTTP request and its response a
/// value. Implemented by the generated `*Params` types.
pub trait Operation: Send + Sync + 'static {
    /// What the operation returns.
    type Output: Send + 'static;

    /// Builds the request. Fails, before anything is sent, on a parameter that cannot
    /// be written (an empty or `..` path segment).
    fn build(&self) -> Result<RequestParts, Error>;

    /// Reads the output from a successful response.
    fn decode(response: RawResponse) -> Result<ApiResponse<Self::Output>, Error>;
}

/// A described request: method, path, query, headers and body, plus what the runtime
/// needs to send it (credentials, whether it may be retried).
#[derive(Debug, Clone)]
pub struct RequestParts {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// Already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Query,
    /// A full URL that replaces the base URL, path and query: the next page's URL as
    /// the server gave it, already checked to be on the client's origin.
    pub(crate) url: Option<String>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) accept: &'static str,
    /// The security requirements the operation accepts, any one of them: each names
    /// schemes that are all sent together.
    pub(crate) auth: &'static [&'static [&'static str]],
    pub(crate) auth_optional: bool,
    /// Any of the API's security schemes will do (the escape hatch, which knows none).
    pub(crate) any_scheme: bool,
    pub(crate) idempotent: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Bytes { bytes: Bytes, content_type: String },
    Multipart(Multipart),
}

impl RequestParts {
    /// A request of the named operation, with its method and already-encoded path.
    pub fn new(operation: &'static str, method: Method, path: String) -> RequestParts {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        RequestParts {
            operation,
            method,
            path,
            query: Query::new(),
            url: None,
            headers: Vec::new(),
            body: Body::None,
            accept: "application/json",
            auth: &[],
            auth_optional: false,
            any_scheme: false,
            idempotent,
        }
    }

    /// Sets the query string.
    pub fn query(mut self, query: Query) -> RequestParts {
        self.query = query;
        self
    }

    /// A header parameter; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<RequestParts, Error> {
        if let Some(v) = super::encoding::header_value(name, value)? {
            self.headers.push((name, v));
        }
        Ok(self)
    }

    /// A cookie parameter; `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<RequestParts, Error> {
        if let Some(v) = super::encoding::header_value(name, value)? {
            self.headers.push(("cookie", format!("{name}={v}")));
        }
        Ok(self)
    }

    /// A JSON body, sent with this `Content-Type`.
    pub fn json<T: Serialize + ?Sized>(
        mut self,
        body: &T,
        content_type: &'static str,
    ) -> Result<RequestParts, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_request(format!("the body cannot be written as JSON: {e}"))
        })?;
        self.body = Body::Bytes {
            bytes: Bytes::from(bytes),
            content_type: content_type.to_string(),
        };
        Ok(self)
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T) -> Result<RequestParts, Error> {
        let text = super::encoding::form_body(body)?;
        self.body = Body::Bytes {
            bytes: Bytes::from(text),
            content_type: "application/x-www-form-urlencoded".to_string(),
        };
        Ok(self)
    }

    /// A body of raw bytes, sent with this `Content-Type`.
    pub fn raw(mut self, bytes: Bytes, content_type: &str) -> RequestParts {
        self.body = Body::Bytes {
            bytes,
            content_type: content_type.to_string(),
        };
        self
    }

    /// A `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> RequestParts {
        self.body = Body::Multipart(form);
        self
    }

    /// The `Accept` header: the media type the operation answers with.
    pub fn accept(mut self, accept: &'static str) -> RequestParts {
        self.accept = accept;
        self
    }

    /// The operation's security requirements (see `auth`); `optional` if it may also
    /// be sent without credentials.
    pub fn auth(
        mut self,
        alternatives: &'static [&'static [&'static str]],
        optional: bool,
    ) -> RequestParts {
        self.auth = alternatives;
        self.auth_optional = optional;
        self
    }

    /// Marks a state-changing operation as safe to send twice.
    pub fn idempotent(mut self, idempotent: bool) -> RequestParts {
        self.idempotent = idempotent;
        self
    }
}

/// Options of one request, over the client's.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The whole request's timeout, over the client's.
    pub timeout: Option<Duration>,
    /// How many times a failed attempt is retried, over the client's.
    pub max_retries: Option<u32>,
    /// Headers added to (or replacing those of) the request.
    pub headers: Vec<(String, String)>,
    /// Another server for this request.
    pub base_url: Option<String>,
    /// Another access token for this request.
    pub access_token: Option<String>,
    /// Another limit on the response body's size.
    pub max_response_size: Option<usize>,
    /// Another longest silence between two chunks of the response body.
    pub idle_timeout: Option<Duration>,
    /// Query parameters added after the operation's own (ones the spec lacks).
    pub extra_query: Vec<(String, String)>,
    /// Fields added to (or replacing those of) the request's body.
    pub extra_body: Vec<(String, serde_json::Value)>,
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        let v = if is_sensitive_header(k) { REDACTED } else { v };
                        (k, v)
                    })
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| REDACTED),
            )
            .field("max_response_size", &self.max_response_size)
            .field("idle_timeout", &self.idle_timeout)
            .field("extra_query", &self.extra_query)
            .field("extra_body", &self.extra_body)
            .finish()
    }
}

/// A request ready to send: await it for the output, or set per-request options
/// first. `P` is the operation's parameters type.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<P> {
    pub(crate) client: Client,
    pub(crate) params: P,
    pub(crate) options: RequestOptions,
    pub(crate) walk: WalkLimits,
}

impl<P: Operation> Request<P> {
    /// A request of the operation `P` on `client`; the generated resource methods are
    /// the usual way to get one.
    pub fn new(client: Client, params: P) -> Request<P> {
        Request {
            client,
            params,
            options: RequestOptions::default(),
            walk: WalkLimits::default(),
        }
    }

    /// The operation's parameters.
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Replaces the operation's parameters.
    pub fn with_params(mut self, params: P) -> Request<P> {
        self.params = params;
        self
    }

    /// Time allowed for each attempt of this request.
    pub fn with_timeout(mut self, timeout: Duration) -> Request<P> {
        self.options.timeout = Some(timeout);
        self
    }

    /// How many times this request is sent again after a retryable failure.
    pub fn with_max_retries(mut self, retries: u32) -> Request<P> {
        self.options.max_retries = Some(retries);
        self
    }

    /// A header for this request only.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request<P> {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Sends this request to another server.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Request<P> {
        self.options.base_url = Some(base_url.into());
        self
    }

    /// Sends this request with another access token.
    pub fn with_access_token(mut self, token: impl Into<String>) -> Request<P> {
        self.options.access_token = Some(token.into());
        self
    }

    /// The largest response body read for this request, collected or streamed.
    pub fn with_max_response_size(mut self, bytes: usize) -> Request<P> {
        self.options.max_response_size = Some(bytes);
        self
    }

    /// The longest silence allowed between two chunks of this request's response body.
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Request<P> {
        self.options.idle_timeout = Some(timeout);
        self
    }

    /// A query parameter the operation does not have (yet), added after its own:
    /// `.with_query("includeHidden", "true")`. The name and value are percent-encoded.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Request<P> {
        self.options.extra_query.push((name.into(), value.into()));
        self
    }

    /// A body field the operation does not have (yet), or a new value for one it has:
    /// `.with_body_field("priority", json!(2))`. It is merged into a JSON object body
    /// (a request without a body gets one), added as a text field to a multipart or
    /// form body (a string as is, any other value as its JSON text); any other body
    /// fails the request with [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest)
    /// before it is sent.
    pub fn with_body_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Request<P> {
        self.options.extra_body.push((name.into(), value.into()));
        self
    }

    /// Replaces every per-request option at once.
    pub fn with_options(mut self, options: RequestOptions) -> Request<P> {
        self.options = options;
        self
    }

    /// Sends the request and returns the decoded output.
    pub async fn send(self) -> Result<P::Output, Error> {
        self.send_with_response().await.map(ApiResponse::into_data)
    }

    /// Sends the request and returns the output with the response's status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<P::Output>, Error> {
        let parts = self.params.build()?;
        let raw = self.client.execute(&parts, &self.options).await?;
        P::decode(raw)
    }
}

impl<P: Operation> IntoFuture for Request<P> {
    type Output = Result<P::Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<P: Operation<Output = bytes::Bytes>> Request<P> {
    /// Sends the request and streams the response body as it arrives, instead of
    /// reading it whole. The timeout covers the wait for the response's headers; the
    /// size limit and the idle timeout apply to the body as it streams.
    pub async fn send_streaming(self) -> Result<ByteStream, Error> {
        let parts = self.params.build()?;
        self.client.execute_streaming(&parts, &self.options).await
    }
}
