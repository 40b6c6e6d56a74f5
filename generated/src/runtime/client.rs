//! The client: configuration, credentials, and the one function that sends requests
//! (with retries, timeouts and logging) for every operation.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::attempt::{Failure, same_origin_redirects};
use super::base_url::{self, BaseUrl};
use super::body::{self, BodyLimits, ReadError};
use super::credentials::{AuthParts, Credential, Credentials};
use super::encoding::Query;
use super::error::{Error, StatusError, TransportError};
use super::extras;
use super::hook::{AttemptOutcome, Hook, Hooks};
use super::redact::{self, Secret, ShownHeaders, redact_url};
use super::request::{Body, RequestOptions, RequestParts};
use super::response::{ByteStream, RawResponse};
use super::retry::{self, Backoff};
#[cfg(feature = "events")]
use super::upgrade::WsTls;
#[cfg(feature = "rustls")]
use super::ws_tls;

/// Facts about the API that the generated code hands to the runtime.
#[derive(Debug)]
pub struct ApiInfo {
    /// The API's title, as the spec names it.
    pub title: &'static str,
    /// The `User-Agent` header sent with every request.
    pub user_agent: &'static str,
    /// The server used when neither the builder nor the environment names one.
    pub default_base_url: Option<&'static str>,
    /// Environment variable read by `from_env` for the base URL.
    pub env_base_url: &'static str,
    /// The security schemes the spec declares, in its order.
    pub security_schemes: &'static [SecuritySchemeInfo],
    /// Every distinct security requirement of the operations: each names schemes
    /// that are sent together.
    pub security_alternatives: &'static [&'static [&'static str]],
    /// Whether every operation needs credentials (none is public).
    pub credentials_required: bool,
}

impl ApiInfo {
    pub(crate) fn scheme(&self, name: &str) -> Option<&'static SecuritySchemeInfo> {
        self.security_schemes.iter().find(|s| s.name == name)
    }
}

#[derive(Debug)]
/// One security scheme of the API: how a credential is sent.
pub struct SecuritySchemeInfo {
    /// The key in the spec's `components.securitySchemes`.
    pub name: &'static str,
    /// Where and how the credential goes into a request.
    pub kind: SchemeKind,
    /// Environment variables `from_env` reads its credential from: one, or the user
    /// name and the password of a basic scheme.
    pub env: &'static [&'static str],
    /// The `ClientBuilder` method that sets its credential.
    pub setter: &'static str,
}

#[derive(Debug, Clone, Copy)]
/// How a security scheme sends its credential.
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key in the named header.
    ApiKeyHeader(&'static str),
    /// An API key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key in the named cookie.
    ApiKeyCookie(&'static str),
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    info: &'static ApiInfo,
    http: reqwest::Client,
    base_url: BaseUrl,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    /// Credential-carrying values are marked sensitive.
    headers: HeaderMap,
    /// What every request starts from: the user agent and the default headers.
    base_headers: HeaderMap,
    body_limits: BodyLimits,
    proxy: Option<String>,
    hooks: Hooks,
    /// The builder's TLS settings, kept for `to_builder`.
    root_certificates: Vec<Vec<u8>>,
    #[cfg(feature = "rustls")]
    events_tls_config: Option<Arc<rustls::ClientConfig>>,
    #[cfg(feature = "events")]
    events_tls: Arc<WsTls>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &redact_url(&c.base_url.text))
            .field("credentials", &c.credentials)
            .field("timeout", &c.timeout)
            .field("max_retries", &c.max_retries)
            .field("default_headers", &ShownHeaders(&c.headers))
            .field("max_response_size", &c.body_limits.max_bytes)
            .field("idle_timeout", &c.body_limits.idle)
            .field("proxy", &c.proxy.as_deref().map(redact_url))
            .field("hooks", &c.hooks)
            .finish_non_exhaustive()
    }
}

/// The configuration, for other parts of the crate that talk to the server (the event
/// stream reads the same base URL, token and headers).
#[allow(dead_code, reason = "read by transports other than `send`")]
impl Client {
    /// The HTTP client, for other transports of the crate (the event stream).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The headers sent with every request (credential values marked sensitive).
    pub(crate) fn default_headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// Whether the base URL points at this machine.
    pub(crate) fn base_url_is_loopback(&self) -> bool {
        self.inner.base_url.loopback
    }

    pub(crate) fn api_info(&self) -> &'static ApiInfo {
        self.inner.info
    }
}

impl Client {
    /// A builder with the defaults: the spec's server, a 30 s timeout, 2 retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new(&crate::API)
    }

    /// A client configured from the environment: the credential and base URL
    /// variables named in the crate docs. Missing credentials are an error here, naming
    /// the variables to set, only when the client could not work without them (every
    /// operation needs credentials, or a set of credentials sent together is configured
    /// only in part); otherwise operations that need them fail without sending anything.
    pub fn from_env() -> Result<Client, Error> {
        let builder = Client::builder().from_env();
        builder.credentials.check_env(builder.info)?;
        builder.build()
    }

    /// The server this client sends requests to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url.text
    }

    /// A builder with this client's settings and its connection pool: change some,
    /// and `build()` a second client that shares the pool.
    pub fn to_builder(&self) -> ClientBuilder {
        let c = &self.inner;
        ClientBuilder {
            info: c.info,
            base_url: Some(c.base_url.text.clone()),
            credentials: c.credentials.clone(),
            timeout: c.timeout,
            connect_timeout: c.connect_timeout,
            max_retries: c.max_retries,
            backoff: c.backoff,
            // Byte for byte: a value need not be text to be sent.
            headers: c
                .headers
                .iter()
                .map(|(k, v)| DefaultHeader {
                    name: k.as_str().to_string(),
                    value: v.as_bytes().to_vec(),
                    sensitive: v.is_sensitive(),
                })
                .collect(),
            http: Some(c.http.clone()),
            body_limits: c.body_limits,
            proxy: c.proxy.clone(),
            hooks: c.hooks.clone(),
            root_certificates: c.root_certificates.clone(),
            #[cfg(feature = "rustls")]
            events_tls_config: c.events_tls_config.clone(),
        }
    }

    /// The body limits of one request: its own, else the client's.
    fn body_limits(&self, options: &RequestOptions) -> BodyLimits {
        let c = &self.inner.body_limits;
        BodyLimits {
            max_bytes: options.max_response_size.unwrap_or(c.max_bytes),
            idle: options.idle_timeout.or(c.idle),
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

    /// Like `execute`, but a success response's body is left unread, to be streamed
    /// within the size limit and the idle timeout. The timeout covers the wait for the
    /// response's headers only.
    pub(crate) async fn execute_streaming(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<ByteStream, Error> {
        let limits = self.body_limits(options);
        match self.send(parts, options, true).await? {
            Sent::Streaming {
                response,
                request,
                attempts,
            } => match body::check_declared(&response, limits.max_bytes) {
                Ok(()) => Ok(ByteStream::new(response, limits, request, attempts)),
                Err(e) => Err(e.into_error(request, limits.max_bytes, attempts)),
            },
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
        let merged;
        let parts = if extras::any(options) {
            merged = extras::apply(parts.clone(), options)?;
            &merged
        } else {
            parts
        };
        let limits = self.body_limits(options);
        let request_label = format!("{} {}", parts.method, parts.path);
        let auth = self.credentials_for(parts, options)?;
        let other_base;
        let base = match options.base_url.as_deref() {
            Some(b) => {
                other_base = base_url::parse(b)?;
                &other_base.text
            }
            None => &c.base_url.text,
        };
        let url = Self::url(base, parts, &auth.query);
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::invalid_request(format!("the request's URL cannot be written: {e}"))
        })?;
        let headers = self.headers_for(parts, options, auth.headers)?;
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
            // The headers are moved into the request, not merged into an empty map: the
            // profile showed that merge (and the map's growth) as a cost of its own.
            let mut request = match &parts.body {
                Body::Multipart(form) => c
                    .http
                    .request(parts.method.clone(), url.clone())
                    .headers(headers.clone())
                    .multipart(form.to_form().await?)
                    .build()
                    .map_err(|e| {
                        Error::invalid_request(format!("the request cannot be built: {e}"))
                    })?,
                body => {
                    let mut request = reqwest::Request::new(parts.method.clone(), url.clone());
                    *request.headers_mut() = headers.clone();
                    if let Body::Bytes { bytes, .. } = body {
                        *request.body_mut() = Some(bytes.clone().into());
                    }
                    request
                }
            };
            if let (Some(t), false) = (timeout, streaming) {
                *request.timeout_mut() = Some(t);
            }
            // What the hooks saw of this attempt; `None` without hooks.
            let seen = c
                .hooks
                .before_sending(
                    &mut request,
                    parts.operation,
                    attempt,
                    timeout,
                    &request_label,
                )
                .await?;
            let started = Instant::now();
            tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, "sending request");
            let sending = c.http.execute(request);
            let sent = match (streaming, timeout) {
                (true, Some(t)) => match tokio::time::timeout(t, sending).await {
                    Ok(result) => result.map_err(Failure::from),
                    Err(_) => Err(Failure::timed_out(None)),
                },
                _ => sending.await.map_err(Failure::from),
            };
            let outcome = match sent {
                Ok(response) if streaming && response.status().is_success() => {
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, status = response.status().as_u16(), attempt, elapsed_ms = started.elapsed().as_millis() as u64, "response, streaming its body");
                    let observed = || AttemptOutcome {
                        status: Some(response.status()),
                        headers: Some(response.headers().clone()),
                        ..AttemptOutcome::new(started)
                    };
                    c.hooks
                        .observe(seen.as_ref(), observed, timeout, &request_label)
                        .await?;
                    return Ok(Sent::Streaming {
                        response,
                        request: request_label,
                        attempts: attempt,
                    });
                }
                Ok(response) => {
                    let status = response.status();
                    let response_headers = response.headers().clone();
                    match body::read_body(response, limits).await {
                        Ok(body) => Ok((status, response_headers, body)),
                        Err(ReadError::TooLarge(size)) => {
                            let observed = || AttemptOutcome {
                                status: Some(status),
                                headers: Some(response_headers.clone()),
                                error: Some("the response body is larger than the limit".into()),
                                ..AttemptOutcome::new(started)
                            };
                            c.hooks
                                .observe(seen.as_ref(), observed, timeout, &request_label)
                                .await?;
                            return Err(Error::ResponseTooLarge {
                                request: request_label,
                                limit: limits.max_bytes,
                                size,
                            });
                        }
                        Err(ReadError::Idle(idle)) => Err(Failure {
                            message: Some(format!("no data for {idle:?} while the body was read")),
                            ..Failure::timed_out(None)
                        }),
                        Err(ReadError::Transport(e)) => Err(Failure::from(e)),
                    }
                }
                Err(failure) => match failure.unsendable() {
                    Some(message) => {
                        let observed = || AttemptOutcome {
                            error: Some(message.clone()),
                            ..AttemptOutcome::new(started)
                        };
                        c.hooks
                            .observe(seen.as_ref(), observed, timeout, &request_label)
                            .await?;
                        return Err(Error::invalid_request(message));
                    }
                    None => Err(failure),
                },
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let retries_left = attempt <= max_retries;
            match outcome {
                Ok((status, response_headers, body)) if status.is_success() => {
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, status = status.as_u16(), attempt, elapsed_ms, "response");
                    let observed = || AttemptOutcome {
                        status: Some(status),
                        headers: Some(response_headers.clone()),
                        ..AttemptOutcome::new(started)
                    };
                    c.hooks
                        .observe(seen.as_ref(), observed, timeout, &request_label)
                        .await?;
                    return Ok(Sent::Read(RawResponse {
                        status,
                        headers: response_headers,
                        body,
                        request: request_label,
                        attempts: attempt,
                    }));
                }
                Ok((status, response_headers, body)) => {
                    let retryable = retries_left
                        && retry::status_is_retryable(status, &response_headers, parts.idempotent);
                    let observed = || AttemptOutcome {
                        status: Some(status),
                        headers: Some(response_headers.clone()),
                        will_retry: retryable,
                        ..AttemptOutcome::new(started)
                    };
                    let hook_retry = c
                        .hooks
                        .observe(seen.as_ref(), observed, timeout, &request_label)
                        .await?;
                    if retryable || (retries_left && hook_retry) {
                        // A hook's retry (after a token refresh) goes at once.
                        let wait = match retryable {
                            true => retry::retry_after(&response_headers)
                                .unwrap_or_else(|| c.backoff.delay(attempt - 1)),
                            false => Duration::ZERO,
                        };
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
                Err(failure) => {
                    let Failure {
                        source,
                        not_sent,
                        timed_out,
                        message,
                    } = failure;
                    let retryable = retries_left && (parts.idempotent || not_sent);
                    let observed = || AttemptOutcome {
                        error: Some(match &message {
                            Some(m) => m.clone(),
                            None if timed_out => "no response in time".to_string(),
                            None => "the connection failed".to_string(),
                        }),
                        timed_out,
                        will_retry: retryable,
                        ..AttemptOutcome::new(started)
                    };
                    let hook_retry = c
                        .hooks
                        .observe(seen.as_ref(), observed, timeout, &request_label)
                        .await?;
                    if retryable || (retries_left && hook_retry) {
                        let wait = match retryable {
                            true => c.backoff.delay(attempt - 1),
                            false => Duration::ZERO,
                        };
                        tracing::info!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, elapsed_ms, timed_out, wait_ms = wait.as_millis() as u64, "retrying after transport error");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(operation = parts.operation, method = %parts.method, path = %parts.path, attempt, elapsed_ms, timed_out, "transport error");
                    let message = message.unwrap_or_else(|| {
                        if timed_out {
                            format!("no response within {:?}", timeout.unwrap_or_default())
                        } else if not_sent {
                            "could not connect".to_string()
                        } else {
                            "the connection failed before a complete response arrived".to_string()
                        }
                    });
                    // The URL can hold credentials (API keys in the query); errors show the
                    // method and path only.
                    let source = source.map(|e| {
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

    fn url(base: &str, parts: &RequestParts, auth_query: &[(&'static str, String)]) -> String {
        if let Some(full) = &parts.url {
            let mut url = full.clone();
            let mut query = Query::new();
            for (k, v) in auth_query {
                query.push_raw(k, v);
            }
            if !query.is_empty() {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(query.as_str());
            }
            return url;
        }
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
        // Cloning the headers every request shares is cheaper than building a map: the
        // profile of a short request showed `HeaderMap::with_capacity` as the runtime's
        // largest cost of its own.
        let mut headers = self.inner.base_headers.clone();
        let defaults = &self.inner.headers;
        if !defaults.contains_key(header::ACCEPT) {
            headers.insert(header::ACCEPT, HeaderValue::from_static(parts.accept));
        }
        if let Body::Bytes { content_type, .. } = &parts.body
            && !defaults.contains_key(header::CONTENT_TYPE)
        {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .map_err(|_| Error::invalid_request("invalid content type"))?,
            );
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
    fn credentials_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<AuthParts, Error> {
        self.inner
            .credentials
            .for_request(self.inner.info, parts, options)
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

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    info: &'static ApiInfo,
    base_url: Option<String>,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    headers: Vec<DefaultHeader>,
    http: Option<reqwest::Client>,
    body_limits: BodyLimits,
    proxy: Option<String>,
    hooks: Hooks,
    root_certificates: Vec<Vec<u8>>,
    #[cfg(feature = "rustls")]
    events_tls_config: Option<Arc<rustls::ClientConfig>>,
}

/// A default header as configured: the value's bytes, kept exactly.
#[derive(Clone)]
struct DefaultHeader {
    name: String,
    value: Vec<u8>,
    sensitive: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|h| {
                let value = if h.sensitive || redact::is_sensitive_header(&h.name) {
                    redact::REDACTED.to_string()
                } else {
                    String::from_utf8_lossy(&h.value).into_owned()
                };
                (h.name.as_str(), value)
            })
            .collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("default_headers", &headers)
            .field("max_response_size", &self.body_limits.max_bytes)
            .field("idle_timeout", &self.body_limits.idle)
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("hooks", &self.hooks)
            .field("root_certificates", &self.root_certificates.len())
            .field("events_tls_config", &self.has_events_tls_config())
            .finish_non_exhaustive()
    }
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
            body_limits: BodyLimits {
                max_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                idle: Some(DEFAULT_IDLE_TIMEOUT),
            },
            proxy: None,
            hooks: Hooks::default(),
            root_certificates: Vec::new(),
            #[cfg(feature = "rustls")]
            events_tls_config: None,
        }
    }

    /// Fills in what is not set yet from the environment: the credential of each
    /// security scheme and the base URL variables named in the crate docs (an empty
    /// variable counts as unset).
    pub fn from_env(mut self) -> ClientBuilder {
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        self.credentials.read_env(self.info, read);
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

    /// The access token sent to operations that need one: the credential of every
    /// bearer scheme (and of the API's only scheme, whatever its kind) that has none
    /// of its own.
    pub fn access_token(mut self, token: impl Into<String>) -> ClientBuilder {
        self.credentials.token = Some(Secret::new(token.into()));
        self
    }

    /// The credential (a token or an API key) of one named security scheme of the
    /// spec; the generated setter of each scheme calls this.
    pub fn credential(
        mut self,
        scheme: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.credentials
            .by_scheme
            .insert(scheme.into(), Credential::Token(Secret::new(value.into())));
        self
    }

    /// User name and password for every HTTP basic scheme that has none of its own.
    pub fn basic_auth(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> ClientBuilder {
        self.credentials.basic = Some((user.into(), Secret::new(password.into())));
        self
    }

    /// User name and password of one named HTTP basic scheme of the spec.
    pub fn basic_credential(
        mut self,
        scheme: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> ClientBuilder {
        self.credentials.by_scheme.insert(
            scheme.into(),
            Credential::Basic {
                user: user.into(),
                password: Secret::new(password.into()),
            },
        );
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

    /// A header sent with every request. Values of credential-like names
    /// (`authorization`, `cookie`, and names with `key`, `token`, `secret`, `password`,
    /// `auth`, `session` or `credential` in them) never show in `Debug` output, logs or
    /// errors; [`sensitive_header`](Self::sensitive_header) hides any other.
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.push_header(name.into(), value.into(), false);
        self
    }

    /// A header sent with every request whose value is a secret: it never shows in
    /// `Debug` output, logs or errors, whatever its name.
    pub fn sensitive_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.push_header(name.into(), value.into(), true);
        self
    }

    fn push_header(&mut self, name: String, value: String, sensitive: bool) {
        self.headers.push(DefaultHeader {
            name,
            value: value.into_bytes(),
            sensitive,
        });
    }

    /// The largest response body read (default 64 MiB), collected or streamed; a
    /// larger one is refused with
    /// [`Error::ResponseTooLarge`](super::Error::ResponseTooLarge) as soon as its
    /// declared length or the bytes read cross the limit.
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.body_limits.max_bytes = bytes;
        self
    }

    /// The longest silence allowed between two chunks of a response body, collected
    /// or streamed (default 30 s); `None` waits forever. A body that stalls longer
    /// fails with [`ErrorKind::Timeout`](super::ErrorKind::Timeout).
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> ClientBuilder {
        self.body_limits.idle = timeout.into();
        self
    }

    /// Sends every request through this proxy (`http://host:port`), whatever the base
    /// URL. Without it, a loopback base URL (`localhost`, `127.0.0.1`, `::1`) is reached
    /// directly, ignoring `HTTP_PROXY` and the like, so that the token stays on the
    /// machine; other base URLs use the proxies of the environment.
    pub fn proxy(mut self, url: impl Into<String>) -> ClientBuilder {
        self.proxy = Some(url.into());
        self
    }

    /// Runs `hook` around every attempt of every request (after the hooks added
    /// before it): to see, and change, each attempt's headers, and to observe how it
    /// ended. See [`Hook`].
    pub fn hook(mut self, hook: impl Hook) -> ClientBuilder {
        self.hooks.0.push(std::sync::Arc::new(hook));
        self
    }

    /// Sends requests through an existing `reqwest::Client` (its proxy, redirect, TLS
    /// and pool settings apply; the timeouts and limits set here still apply). The
    /// event stream does not go through it: its TLS setup is
    /// [`add_root_certificate`](Self::add_root_certificate) or
    /// [`events_tls_config`](Self::events_tls_config).
    pub fn http_client(mut self, client: reqwest::Client) -> ClientBuilder {
        self.http = Some(client);
        self
    }

    /// Trusts one more root certificate (PEM, one or more `CERTIFICATE` sections, or
    /// DER) besides the platform's, for `https://` requests and the `wss://` event
    /// stream alike; e.g. the certificate of a proxy that serves Beeper Desktop over
    /// TLS. With [`http_client`](Self::http_client), that client's own settings apply
    /// to requests, and this to the event stream only. A certificate that cannot be
    /// read fails [`build`](Self::build).
    #[cfg(feature = "rustls")]
    pub fn add_root_certificate(mut self, certificate: impl AsRef<[u8]>) -> ClientBuilder {
        self.root_certificates.push(certificate.as_ref().to_vec());
        self
    }

    /// The TLS setup of the `wss://` event stream, instead of the platform's roots
    /// plus [`add_root_certificate`](Self::add_root_certificate) (the HTTP side's).
    /// Its ALPN protocols are replaced by `http/1.1`, the one a WebSocket upgrade
    /// goes over. Requests are not affected: give them the same setup through
    /// [`http_client`](Self::http_client) (`reqwest::ClientBuilder::tls_backend_preconfigured`).
    #[cfg(feature = "rustls")]
    pub fn events_tls_config(mut self, config: Arc<rustls::ClientConfig>) -> ClientBuilder {
        self.events_tls_config = Some(config);
        self
    }

    /// Checks the settings and builds the client: the base URL must be http or https
    /// with a host and no query or fragment, and every header must be sendable.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.as_deref().or(self.info.default_base_url).ok_or_else(|| {
            Error::Config(format!("no base URL: the spec names no absolute server; set {} or call ClientBuilder::base_url", self.info.env_base_url))
        })?;
        let base_url = base_url::parse(base_url)?;
        let mut headers = HeaderMap::new();
        for h in &self.headers {
            let name = &h.name;
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            let mut v = HeaderValue::from_bytes(&h.value).map_err(|_| {
                Error::Config(format!("the value of header `{name}` cannot be sent"))
            })?;
            v.set_sensitive(h.sensitive || redact::is_sensitive_header(name));
            headers.append(n, v);
        }
        let mut base_headers = HeaderMap::with_capacity(headers.len() + 4);
        base_headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(self.info.user_agent),
        );
        // Replaced as a whole, so that a default header with several values keeps them all.
        for k in headers.keys() {
            base_headers.remove(k);
        }
        for (k, v) in &headers {
            base_headers.append(k.clone(), v.clone());
        }
        #[cfg(feature = "rustls")]
        let mut extra_roots = Vec::new();
        #[cfg(feature = "rustls")]
        for certificate in &self.root_certificates {
            extra_roots.extend(ws_tls::parse_roots(certificate)?);
        }
        let http = match self.http {
            Some(h) => h,
            None => {
                let mut http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .pool_idle_timeout(Duration::from_secs(90))
                    .redirect(same_origin_redirects());
                #[cfg(feature = "rustls")]
                for root in &extra_roots {
                    let root = reqwest::Certificate::from_der(root).map_err(|e| {
                        Error::Config(format!("a root certificate cannot be used: {e}"))
                    })?;
                    http = http.add_root_certificate(root);
                }
                match &self.proxy {
                    Some(proxy) => {
                        let proxy = reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                            Error::Config(format!(
                                "proxy `{}` cannot be used: {e}",
                                redact_url(proxy)
                            ))
                        })?;
                        http = http.proxy(proxy);
                    }
                    // The local API's token must not leave the machine through a proxy.
                    None if base_url.loopback => http = http.no_proxy(),
                    None => {}
                }
                http.build()
                    .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                info: self.info,
                http,
                base_url,
                credentials: self.credentials,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                headers,
                base_headers,
                body_limits: self.body_limits,
                proxy: self.proxy,
                hooks: self.hooks,
                #[cfg(all(feature = "events", feature = "rustls"))]
                events_tls: Arc::new(WsTls::new(extra_roots, self.events_tls_config.as_ref())),
                #[cfg(all(feature = "events", not(feature = "rustls")))]
                events_tls: Arc::new(WsTls),
                root_certificates: self.root_certificates,
                #[cfg(feature = "rustls")]
                events_tls_config: self.events_tls_config,
            }),
        })
    }
}

impl ClientBuilder {
    fn has_events_tls_config(&self) -> bool {
        #[cfg(feature = "rustls")]
        return self.events_tls_config.is_some();
        #[cfg(not(feature = "rustls"))]
        false
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Client::builder()
    }
}

// Read by the live event stream (`events.rs`, `ws.rs`), which opens its own connection
// with the same base URL, default headers and credentials as every HTTP request.
#[cfg(feature = "events")]
impl Client {
    /// The `http(s)://` URL and the headers of the WebSocket upgrade request to `path`.
    /// The credential header is marked sensitive, so it is never logged.
    pub(crate) fn upgrade_request(
        &self,
        path: &str,
        auth: &'static [&'static [&'static str]],
        auth_optional: bool,
    ) -> Result<(String, HeaderMap), Error> {
        let mut parts = RequestParts::new("events", reqwest::Method::GET, path.to_string());
        parts.auth = auth;
        parts.auth_optional = auth_optional;
        let options = RequestOptions::default();
        let auth = self.credentials_for(&parts, &options)?;
        let url = Self::url(&self.inner.base_url.text, &parts, &auth.query);
        let headers = self.headers_for(&parts, &options, auth.headers)?;
        Ok((url, headers))
    }

    /// The TLS setup of `wss://` event streams, shared by the client's clones.
    pub(crate) fn events_tls(&self) -> Arc<WsTls> {
        self.inner.events_tls.clone()
    }

    /// The retry settings, which the event stream's reconnection follows.
    pub(crate) fn retry_settings(&self) -> (u32, Backoff, Option<Duration>) {
        let c = &self.inner;
        (c.max_retries, c.backoff, c.timeout)
    }
}
