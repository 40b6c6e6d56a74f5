//! The operation trait generated parameters implement, and [`Request`]: an operation
//! ready to send, with its per-request options.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use super::client::Client;
use super::error::Error;
use super::options::{RequestOptions, WalkLimits};
use super::parts::RequestParts;
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

/// A request ready to send: await it for the output, or set per-request options
/// first. `P` is the operation's parameters type. Its `Debug` output hides credentials
/// and secrets: the parameters' secret fields, credential headers, and extra query
/// parameters and body fields named like credentials or like the API's secret fields.
#[derive(Clone)]
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<P> {
    pub(crate) client: Client,
    pub(crate) params: P,
    pub(crate) options: RequestOptions,
    pub(crate) walk: WalkLimits,
}

impl<P: std::fmt::Debug> std::fmt::Debug for Request<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        /// The options, hiding the API's secret field names too.
        struct Options<'a>(&'a RequestOptions, &'a [&'a str]);
        impl std::fmt::Debug for Options<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt_hiding(f, self.1)
            }
        }
        let secrets = self.client.api_info().secret_fields;
        f.debug_struct("Request")
            .field("client", &self.client)
            .field("params", &self.params)
            .field("options", &Options(&self.options, secrets))
            .field("walk", &self.walk)
            .finish()
    }
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

    /// The operation's parameters, to change in place.
    pub fn params_mut(&mut self) -> &mut P {
        &mut self.params
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

    /// Sends this request to another server, in place of the client's base URL or the
    /// operation's own server.
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
