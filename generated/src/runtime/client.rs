//! The client: configuration, credentials, and the one function that sends requests
//! (with retries, timeouts and logging) for every operation.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::error::{Error, StatusError, TransportError};
use super::request::{Body, RequestOptions, RequestParts};
use super::response::{ByteStream, RawResponse};
use super::retry::{self, Backoff};

/// Facts about the API that the generated code hands to the runtime.
#[derive(Debug)]
pub struct ApiInfo {
    pub title: &'static str,
    pub user_agent: &'static str,
    pub default_base_url: Option<&'static str>,
    /// Environment variable read by `from_env` for the access token.
    pub env_access_token: Option<&'static str>,
    /// Environment variable read by `from_env` for the base URL.
    pub env_base_url: &'static str,
    pub security_schemes: &'static [SecuritySchemeInfo],
}

#[derive(Debug)]
pub struct SecuritySchemeInfo {
    pub name: &'static str,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, Copy)]
pub enum SchemeKind {
    Bearer,
    Basic,
    ApiKeyHeader(&'static str),
    ApiKeyQuery(&'static str),
    ApiKeyCookie(&'static str),
}

/// A secret that never shows in `Debug` output, logs or errors.
#[derive(Clone, PartialEq, Eq)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, Default)]
struct Credentials {
    /// Sent for bearer and API key schemes that have no credential of their own.
    token: Option<Secret>,
    basic: Option<(String, Secret)>,
    /// Credentials for named schemes.
    by_scheme: BTreeMap<String, Secret>,
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A client of the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    info: &'static ApiInfo,
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    max_retries: u32,
    backoff: Backoff,
    headers: HeaderMap,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &c.base_url)
            .field("credentials", &c.credentials)
            .field("timeout", &c.timeout)
            .field("max_retries", &c.max_retries)
            .field("default_headers", &c.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults: the spec's server, a 30 s timeout, 2 retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new(&crate::API)
    }

    /// A client configured from the environment: the access token and base URL
    /// variables named in the crate docs. A missing token is not an error here;
    /// operations that need one fail without sending anything.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().from_env().build()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A builder with this client's settings and its connection pool: change some,
    /// and `build()` a second client that shares the pool.
    pub fn to_builder(&self) -> ClientBuilder {
        let c = &self.inner;
        ClientBuilder {
            info: c.info,
            base_url: Some(c.base_url.clone()),
            credentials: c.credentials.clone(),
            timeout: c.timeout,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: c.max_retries,
            backoff: c.backoff,
            headers: c
                .headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect(),
            http: Some(c.http.clone()),
            max_response_bytes: c.max_response_bytes,
        }
    }

    /// Sends a request, retrying as the policy allows, and reads the whole response.
    pub(crate) async fn execute(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        match self.send(parts, options, false).await? {
            Sent::Read(raw) => Ok(raw),
            Sent::Streaming { .. } => unreachable!("a response is only left unread when asked for"),
        }
    }

    /// Like `execute`, but a success response's body is left unread, to be streamed.
    /// The timeout covers the wait for the response's headers only.
    pub(crate) async fn execute_streaming(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<ByteStream, Error> {
        match self.send(parts, options, true).await? {
            Sent::Streaming {
                response,
                request,
                attempts,
            } => Ok(ByteStream::new(response, request, attempts)),
            Sent::Read(raw) => Ok(ByteStream::from_bytes(raw)),
        }
    }

    async fn send(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        streaming: bool,
    ) -> Result<Sent, Error> {
        let c = &self.inner;
        let request_label = format!("{} {}", parts.method, parts.path);
        let (auth_headers, auth_query) = self.credentials_for(parts, options)?;
        let url = self.url(parts, options, &auth_query);
        let headers = self.headers_for(parts, options, auth_headers)?;
        // A body read from a stream can only be sent once.
        let repeatable = match &parts.body {
            Body::Multipart(form) => form.is_repeatable(),
            _ => true,
        };
        let max_retries = if repeatable {
            options.max_retries.unwrap_or(c.max_retries)
        } else {
            0
        };
        let timeout = options.timeout.or(c.timeout);

        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let mut builder = c
                .http
                .request(parts.method.clone(), &url)
                .headers(headers.clone());
            if let (Some(t), false) = (timeout, streaming) {
                builder = builder.timeout(t);
            }
            builder = match &parts.body {
                Body::None => builder,
                Body::Bytes { bytes, .. } => builder.body(bytes.clone()),
                Body::Multipart(form) => builder.multipart(form.to_form().await?),
            };
            tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, "sending request");
            let sent = match (streaming, timeout) {
                (true, Some(t)) => match tokio::time::timeout(t, builder.send()).await {
                    Ok(result) => result.map_err(Some),
                    Err(_) => Err(None),
                },
                _ => builder.send().await.map_err(Some),
            };
            let outcome = match sent {
                Ok(response) if streaming && response.status().is_success() => {
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, status = response.status().as_u16(), attempt, elapsed_ms = started.elapsed().as_millis() as u64, "response, streaming its body");
                    return Ok(Sent::Streaming {
                        response,
                        request: request_label,
                        attempts: attempt,
                    });
                }
                Ok(response) => {
                    let status = response.status();
                    let response_headers = response.headers().clone();
                    match read_body(response, c.max_response_bytes).await {
                        Ok(body) => Ok((status, response_headers, body)),
                        Err(ReadError::TooLarge(size)) => {
                            return Err(Error::ResponseTooLarge {
                                request: request_label,
                                limit: c.max_response_bytes,
                                size,
                            });
                        }
                        Err(ReadError::Transport(e)) => Err((Some(e), false)),
                    }
                }
                Err(Some(e)) => {
                    let not_sent = e.is_connect();
                    Err((Some(e), not_sent))
                }
                // The wait for the headers of a streamed response timed out.
                Err(None) => Err((None, false)),
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let retries_left = attempt <= max_retries;
            match outcome {
                Ok((status, response_headers, body)) if status.is_success() => {
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, status = status.as_u16(), attempt, elapsed_ms, "response");
                    return Ok(Sent::Read(RawResponse {
                        status,
                        headers: response_headers,
                        body,
                        request: request_label,
                        attempts: attempt,
                    }));
                }
                Ok((status, response_headers, body)) => {
                    let retryable =
                        retry::status_is_retryable(status, &response_headers, parts.idempotent);
                    if retries_left && retryable {
                        let wait = retry::retry_after(&response_headers)
                            .unwrap_or_else(|| c.backoff.delay(attempt - 1));
                        tracing::info!(operation = parts.operation, method = %parts.method, path = %parts.path, status = status.as_u16(), attempt, elapsed_ms, wait_ms = wait.as_millis() as u64, "retrying after error status");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, status = status.as_u16(), attempt, elapsed_ms, "error status");
                    return Err(Error::Status(Box::new(StatusError::new(
                        status,
                        response_headers,
                        &body,
                        request_label,
                        attempt,
                    ))));
                }
                Err((e, not_sent)) => {
                    let timed_out = e.as_ref().is_none_or(reqwest::Error::is_timeout);
                    if retries_left && (parts.idempotent || not_sent) {
                        let wait = c.backoff.delay(attempt - 1);
                        tracing::info!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, elapsed_ms, timed_out, wait_ms = wait.as_millis() as u64, "retrying after transport error");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, elapsed_ms, timed_out, "transport error");
                    let message = if timed_out {
                        format!("no response within {:?}", timeout.unwrap_or_default())
                    } else if not_sent {
                        "could not connect".to_string()
                    } else {
                        "the connection failed before a complete response arrived".to_string()
                    };
                    // The URL can hold credentials (API keys in the query); errors show the
                    // method and path only.
                    let source = e.map(|e| {
                        Box::new(e.without_url()) as Box<dyn std::error::Error + Send + Sync>
                    });
                    let err = Box::new(TransportError {
                        message,
                        request: request_label,
                        attempts: attempt,
                        source,
                    });
                    return Err(if timed_out {
                        Error::Timeout(err)
                    } else {
                        Error::Connection(err)
                    });
                }
            }
        }
    }

    fn url(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        auth_query: &[(&'static str, String)],
    ) -> String {
        let base = options
            .base_url
            .as_deref()
            .map_or(self.inner.base_url.as_str(), |b| b.trim_end_matches('/'));
        let mut url =
            String::with_capacity(base.len() + parts.path.len() + parts.query.as_str().len() + 1);
        url.push_str(base);
        url.push_str(&parts.path);
        let mut query = parts.query.clone();
        for (k, v) in auth_query {
            query.push_raw(k, v);
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(query.as_str());
        }
        url
    }

    fn headers_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        auth: Vec<(HeaderName, HeaderValue)>,
    ) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::with_capacity(8 + parts.headers.len());
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(self.inner.info.user_agent),
        );
        headers.insert(header::ACCEPT, HeaderValue::from_static(parts.accept));
        if let Body::Bytes { content_type, .. } = &parts.body {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .map_err(|_| Error::invalid_request("invalid content type"))?,
            );
        }
        for (k, v) in &self.inner.headers {
            headers.insert(k.clone(), v.clone());
        }
        for (k, v) in auth {
            headers.insert(k, v);
        }
        for (name, value) in &parts.headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_request(format!("header `{name}` has a value that cannot be sent"))
            })?;
            headers.append(HeaderName::from_static(name), value);
        }
        for (name, value) in &options.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_request(format!("`{name}` is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_request(format!("header `{name}` has a value that cannot be sent"))
            })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }

    /// Headers and query pairs that carry the operation's credentials.
    #[allow(clippy::type_complexity)]
    fn credentials_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<(Vec<(HeaderName, HeaderValue)>, Vec<(&'static str, String)>), Error> {
        if parts.auth.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let override_token = options.access_token.clone().map(Secret);
        let creds = &self.inner.credentials;
        for name in parts.auth {
            let Some(scheme) = self
                .inner
                .info
                .security_schemes
                .iter()
                .find(|s| s.name == *name)
            else {
                continue;
            };
            let secret = override_token
                .as_ref()
                .or(creds.by_scheme.get(*name))
                .or(creds.token.as_ref());
            let sensitive = |v: String| -> Result<HeaderValue, Error> {
                let mut value = HeaderValue::from_str(&v).map_err(|_| {
                    Error::Config(
                        "the credential contains characters that cannot be sent in a header".into(),
                    )
                })?;
                value.set_sensitive(true);
                Ok(value)
            };
            match scheme.kind {
                SchemeKind::Bearer => {
                    if let Some(s) = secret {
                        return Ok((
                            vec![(header::AUTHORIZATION, sensitive(format!("Bearer {}", s.0))?)],
                            Vec::new(),
                        ));
                    }
                }
                SchemeKind::Basic => {
                    if let Some((user, pass)) = &creds.basic {
                        use base64_lite::encode;
                        let token = encode(format!("{user}:{}", pass.0).as_bytes());
                        return Ok((
                            vec![(header::AUTHORIZATION, sensitive(format!("Basic {token}"))?)],
                            Vec::new(),
                        ));
                    }
                }
                SchemeKind::ApiKeyHeader(header_name) => {
                    if let Some(s) = secret {
                        let name =
                            HeaderName::from_bytes(header_name.as_bytes()).map_err(|_| {
                                Error::Config(format!("`{header_name}` is not a valid header name"))
                            })?;
                        return Ok((vec![(name, sensitive(s.0.clone())?)], Vec::new()));
                    }
                }
                SchemeKind::ApiKeyQuery(param) => {
                    if let Some(s) = secret {
                        return Ok((Vec::new(), vec![(param, s.0.clone())]));
                    }
                }
                SchemeKind::ApiKeyCookie(cookie) => {
                    if let Some(s) = secret {
                        return Ok((
                            vec![(header::COOKIE, sensitive(format!("{cookie}={}", s.0))?)],
                            Vec::new(),
                        ));
                    }
                }
            }
        }
        if parts.auth_optional {
            return Ok((Vec::new(), Vec::new()));
        }
        let hint = match self.inner.info.env_access_token {
            Some(var) => format!("set {var} or call ClientBuilder::access_token"),
            None => "configure credentials on the ClientBuilder".to_string(),
        };
        Err(Error::MissingCredentials(format!(
            "{} `{}` needs credentials, and none are configured; {hint}",
            parts.method, parts.operation
        )))
    }
}

enum Sent {
    Read(RawResponse),
    Streaming {
        response: reqwest::Response,
        request: String,
        attempts: u32,
    },
}

enum ReadError {
    TooLarge(u64),
    Transport(reqwest::Error),
}

/// Reads the body, refusing more than `limit` bytes instead of buffering it.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, ReadError> {
    if let Some(len) = response.content_length()
        && len > limit as u64
    {
        return Err(ReadError::TooLarge(len));
    }
    let mut buf =
        BytesMut::with_capacity(response.content_length().map_or(8 * 1024, |l| l as usize));
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if buf.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge((buf.len() + chunk.len()) as u64));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    info: &'static ApiInfo,
    base_url: Option<String>,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    max_response_bytes: usize,
}

impl ClientBuilder {
    pub(crate) fn new(info: &'static ApiInfo) -> ClientBuilder {
        ClientBuilder {
            info,
            base_url: None,
            credentials: Credentials::default(),
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff::default(),
            headers: Vec::new(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Fills in what is not set yet from the environment: the access token and the
    /// base URL variables (an empty variable counts as unset).
    pub fn from_env(mut self) -> ClientBuilder {
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if self.credentials.token.is_none()
            && let Some(token) = self.info.env_access_token.and_then(read)
        {
            self.credentials.token = Some(Secret(token));
        }
        if self.base_url.is_none() {
            self.base_url = read(self.info.env_base_url);
        }
        self
    }

    /// The server to talk to, e.g. `http://localhost:23373`. A path is kept:
    /// `http://host/api` sends requests to `http://host/api/v1/...`.
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(url.into());
        self
    }

    /// The access token (bearer token, or API key) sent to operations that need one.
    pub fn access_token(mut self, token: impl Into<String>) -> ClientBuilder {
        self.credentials.token = Some(Secret(token.into()));
        self
    }

    /// A credential for one named security scheme of the spec.
    pub fn credential(
        mut self,
        scheme: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.credentials
            .by_scheme
            .insert(scheme.into(), Secret(value.into()));
        self
    }

    /// User name and password for HTTP basic authentication.
    pub fn basic_auth(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> ClientBuilder {
        self.credentials.basic = Some((user.into(), Secret(password.into())));
        self
    }

    /// Time allowed for each attempt, from connecting to the end of the response body
    /// (default 30 s); `None` waits forever.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> ClientBuilder {
        self.timeout = timeout.into();
        self
    }

    /// Time allowed to open a connection (default 5 s). Ignored with `http_client`.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a failed request is sent again (default 2).
    pub fn max_retries(mut self, retries: u32) -> ClientBuilder {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry and the longest wait (defaults 0.5 s and 8 s).
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> ClientBuilder {
        self.backoff = Backoff { initial, max };
        self
    }

    /// A header sent with every request.
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The largest response body read (default 64 MiB); a larger one is refused with
    /// [`Error::ResponseTooLarge`](super::Error::ResponseTooLarge).
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_response_bytes = bytes;
        self
    }

    /// Sends requests through an existing `reqwest::Client` (its proxy, TLS and pool
    /// settings apply; the timeout set here still applies per attempt).
    pub fn http_client(mut self, client: reqwest::Client) -> ClientBuilder {
        self.http = Some(client);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.as_deref().or(self.info.default_base_url).ok_or_else(|| {
            Error::Config(format!("no base URL: the spec names no absolute server; set {} or call ClientBuilder::base_url", self.info.env_base_url))
        })?;
        let parsed = reqwest::Url::parse(base_url)
            .map_err(|e| Error::Config(format!("base URL `{base_url}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL `{base_url}` must be http or https"
            )));
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            let v = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!("the value of header `{name}` cannot be sent"))
            })?;
            headers.append(n, v);
        }
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .pool_idle_timeout(Duration::from_secs(90))
                .build()
                .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                info: self.info,
                http,
                base_url: base_url.trim_end_matches('/').to_string(),
                credentials: self.credentials,
                timeout: self.timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                headers,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Client::builder()
    }
}

/// Just enough base64 for basic authentication, to spare a dependency.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn encodes() {
            assert_eq!(super::encode(b"user:pass"), "dXNlcjpwYXNz");
            assert_eq!(super::encode(b"a"), "YQ==");
            assert_eq!(super::encode(b"ab"), "YWI=");
        }
    }
}

// Read by the live event stream (`events.rs`, `ws.rs`), which opens its own connection
// with the same base URL, default headers and credentials as every HTTP request.
impl Client {
    /// The `http(s)://` URL and the headers of the WebSocket upgrade request to `path`.
    /// The credential header is marked sensitive, so it is never logged.
    pub(crate) fn upgrade_request(
        &self,
        path: &str,
        auth: &'static [&'static str],
        auth_optional: bool,
    ) -> Result<(String, HeaderMap), Error> {
        let mut parts = RequestParts::new("events", reqwest::Method::GET, path.to_string());
        parts.auth = auth;
        parts.auth_optional = auth_optional;
        let options = RequestOptions::default();
        let (auth_headers, auth_query) = self.credentials_for(&parts, &options)?;
        let url = self.url(&parts, &options, &auth_query);
        let headers = self.headers_for(&parts, &options, auth_headers)?;
        Ok((url, headers))
    }

    /// The retry settings, which the event stream's reconnection follows.
    pub(crate) fn retry_settings(&self) -> (u32, Backoff, Option<Duration>) {
        let c = &self.inner;
        (c.max_retries, c.backoff, c.timeout)
    }
}
