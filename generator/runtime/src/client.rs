//! The client: the settings a [`ClientBuilder`](super::ClientBuilder) checked, and how
//! one request's URL, headers and credentials are put together from them. Sending is
//! in `send.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::api::ApiInfo;
use super::base_url::{self, BaseUrl};
use super::body::BodyLimits;
use super::credentials::{AuthParts, Credentials};
use super::encoding::Query;
use super::error::Error;
use super::hook::Hooks;
use super::options::RequestOptions;
use super::parts::{Body, RequestParts};
use super::redact::{ShownHeaders, redact_url};
use super::retry::Backoff;

/// The runtime's client of one API: what generated code sends requests through. Cheap
/// to clone: clones share one connection pool. An SDK wraps it in a `Client` of its
/// own, whose methods are the API's operations.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// The settings of a client, as built.
pub(crate) struct Inner {
    pub(crate) info: &'static ApiInfo,
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: BaseUrl,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) backoff: Backoff,
    /// The default headers; credential-carrying values are marked sensitive.
    pub(crate) headers: HeaderMap,
    /// What every request starts from: the user agent and the default headers.
    pub(crate) base_headers: HeaderMap,
    pub(crate) body_limits: BodyLimits,
    pub(crate) proxy: Option<String>,
    pub(crate) hooks: Hooks,
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

impl Client {
    /// The server this client sends requests to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url.text
    }

    /// The facts of the API this client talks to.
    pub fn api_info(&self) -> &'static ApiInfo {
        self.inner.info
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn hooks(&self) -> &Hooks {
        &self.inner.hooks
    }

    pub(crate) fn backoff(&self) -> Backoff {
        self.inner.backoff
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    pub(crate) fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// The body limits of one request: its own, else the client's.
    pub(crate) fn body_limits(&self, options: &RequestOptions) -> BodyLimits {
        let c = &self.inner.body_limits;
        BodyLimits {
            max_bytes: options.max_response_size.unwrap_or(c.max_bytes),
            idle: options.idle_timeout.or(c.idle),
        }
    }

    /// The URL of a request: the page URL the server gave, or the base URL (the
    /// request's own, else the client's), path and query; then credentials that go in
    /// the query.
    pub(crate) fn url_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        auth_query: &[(&'static str, String)],
    ) -> Result<reqwest::Url, Error> {
        let other_base;
        let base = match options.base_url.as_deref() {
            Some(b) => {
                other_base = base_url::parse(b)?;
                &other_base.text
            }
            None => &self.inner.base_url.text,
        };
        let url = compose_url(base, parts, auth_query);
        reqwest::Url::parse(&url).map_err(|e| {
            Error::invalid_request(format!("the request's URL cannot be written: {e}"))
        })
    }

    /// The headers of a request: the client's, `Accept` and `Content-Type`, the
    /// credentials, the operation's header parameters, then the request's own.
    pub(crate) fn headers_for(
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
    pub(crate) fn credentials_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<AuthParts, Error> {
        self.inner
            .credentials
            .for_request(self.inner.info, parts, options)
    }
}

/// `base` + path + query, or the full URL a page gave; with the credentials that go in
/// the query appended.
fn compose_url(base: &str, parts: &RequestParts, auth_query: &[(&'static str, String)]) -> String {
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
