//! The client: the settings a [`ClientBuilder`](super::ClientBuilder) checked, and how
//! one request's URL, headers and credentials are put together from them. Sending is
//! in `send.rs`.

use std::borrow::Cow;
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
use super::parts::{Body, RequestParts, Server};
use super::redact::{ShownHeaders, mark_sensitive_with, redact_url};
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
    /// The base URL is the spec's server: operations with servers of their own go there.
    pub(crate) on_spec_server: bool,
    /// Servers of the spec's operations mapped to other URLs (`server_url`).
    pub(crate) servers: Vec<(String, BaseUrl)>,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) backoff: Backoff,
    /// The default headers; credential-carrying values are marked sensitive.
    pub(crate) headers: HeaderMap,
    /// Header names hidden besides those that look like credentials (added with
    /// `sensitive_header`).
    pub(crate) sensitive_names: Vec<HeaderName>,
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
            .field(
                "servers",
                &c.servers
                    .iter()
                    .map(|(server, url)| (server.as_str(), redact_url(&url.text)))
                    .collect::<Vec<_>>(),
            )
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

    /// The server a request goes to, without a trailing `/`: the request's own base
    /// URL; else the operation's server (mapped by `server_url`; used as the spec gives
    /// it while the client's base URL is the spec's server, else replaced by the base
    /// URL; a relative one resolved against the base URL); else the client's base URL.
    pub(crate) fn base_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<Cow<'_, str>, Error> {
        if let Some(b) = options.base_url.as_deref() {
            return Ok(Cow::Owned(base_url::parse(b)?.text));
        }
        let c = &self.inner;
        let base = c.base_url.text.as_str();
        match parts.server {
            None => Ok(Cow::Borrowed(base)),
            Some(Server::Absolute(server)) => {
                if let Some((_, url)) = c.servers.iter().find(|(s, _)| s == server) {
                    Ok(Cow::Borrowed(url.text.as_str()))
                } else if c.on_spec_server {
                    Ok(Cow::Owned(base_url::parse(server)?.text))
                } else {
                    Ok(Cow::Borrowed(base))
                }
            }
            Some(Server::Relative(server)) => {
                let joined = reqwest::Url::parse(base)
                    .and_then(|b| b.join(server))
                    .map_err(|e| {
                        Error::Config(format!(
                            "the operation's server `{server}` cannot be resolved against the base URL: {e}"
                        ))
                    })?;
                Ok(Cow::Owned(base_url::parse(joined.as_str())?.text))
            }
        }
    }

    /// The URL of a request: the page URL the server gave, or the request's server
    /// (`base_for`), path and query; then credentials that go in the query.
    pub(crate) fn url_for(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        auth_query: &[(&'static str, String)],
    ) -> Result<reqwest::Url, Error> {
        let base = match &parts.url {
            // A page URL replaces the server, path and query.
            Some(_) => Cow::Borrowed(""),
            None => self.base_for(parts, options)?,
        };
        let url = compose_url(&base, parts, auth_query);
        reqwest::Url::parse(&url).map_err(|e| {
            Error::invalid_request(format!("the request's URL cannot be written: {e}"))
        })
    }

    /// The headers of a request: the client's and the body's `Content-Type`; the
    /// operation's header parameters set on the call, each in place of the client's
    /// header of its name; the credentials; the spec's defaults of header parameters
    /// and `Accept`, where nothing above set them; then the request's own options.
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
        if let Body::Bytes { content_type, .. } = &parts.body
            && !defaults.contains_key(header::CONTENT_TYPE)
        {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .map_err(|_| Error::invalid_request("invalid content type"))?,
            );
        }
        let unsendable = |name: &str| {
            Error::invalid_request(format!("header `{name}` has a value that cannot be sent"))
        };
        // A name from the spec that is not a header name fails the request, not the program.
        let header_name = |name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_request(format!("`{name}` is not a valid header name")))
        };
        let mut replaced: Vec<&str> = Vec::new();
        for (name, value) in &parts.headers {
            let value = HeaderValue::from_str(value).map_err(|_| unsendable(name))?;
            let header = header_name(name)?;
            // Cookie parameters add up; a header parameter's values replace the client's.
            if *name != "cookie" && !replaced.contains(name) {
                headers.remove(&header);
                replaced.push(name);
            }
            headers.append(header, value);
        }
        for (k, v) in auth {
            headers.insert(k, v);
        }
        for (name, value) in &parts.header_defaults {
            let header = header_name(name)?;
            if !headers.contains_key(&header) {
                let value = HeaderValue::from_str(value).map_err(|_| unsendable(name))?;
                headers.insert(header, value);
            }
        }
        if !headers.contains_key(header::ACCEPT) {
            headers.insert(header::ACCEPT, HeaderValue::from_static(parts.accept));
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
        // Header parameters, `with_header` and the rest: a credential is hidden from
        // every `Debug`, hooks' included, whoever set it.
        mark_sensitive_with(&mut headers, &self.inner.sensitive_names);
        Ok(headers)
    }

    /// Header names hidden besides those that look like credentials.
    pub(crate) fn sensitive_names(&self) -> &[HeaderName] {
        &self.inner.sensitive_names
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

/// Takes the user-info out of `url`: its basic credentials as an `Authorization` value
/// (marked sensitive), if it had any.
pub(crate) fn take_userinfo(url: &mut reqwest::Url) -> Option<HeaderValue> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let user = decode(url.username());
    let password = url.password().map(decode).unwrap_or_default();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut value = HeaderValue::from_str(&format!("Basic {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
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
