//! Building a [`Client`]: its settings, checked once by [`ClientBuilder::build`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::api::ApiInfo;
use super::attempt::same_origin_redirects;
use super::base_url;
use super::body::BodyLimits;
use super::client::{Client, Inner};
use super::credentials::{Credential, Credentials};
use super::error::Error;
use super::hook::{Hook, Hooks};
use super::redact::{self, Secret, redact_url};
use super::retry::Backoff;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    info: &'static ApiInfo,
    base_url: Option<String>,
    /// Servers of the spec's operations mapped to other URLs (`server_url`).
    servers: Vec<(String, String)>,
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
                let value = if h.sensitive || redact::is_sensitive_name(&h.name) {
                    redact::REDACTED.to_string()
                } else {
                    String::from_utf8_lossy(&h.value).into_owned()
                };
                (h.name.as_str(), value)
            })
            .collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field(
                "servers",
                &self
                    .servers
                    .iter()
                    .map(|(server, url)| (server.as_str(), redact_url(url)))
                    .collect::<Vec<_>>(),
            )
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
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the defaults (the spec's server, a 30 s timeout, 2 retries) for
    /// the API `info` describes; an SDK's `Client::builder()` calls this.
    pub fn new(info: &'static ApiInfo) -> ClientBuilder {
        ClientBuilder {
            info,
            base_url: None,
            servers: Vec::new(),
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

    /// Checks that the credentials the API cannot work without are configured, then
    /// builds the client: an SDK's `Client::from_env` calls this after
    /// [`from_env`](Self::from_env). It fails with
    /// [`ErrorKind::MissingCredentials`](super::ErrorKind::MissingCredentials), naming
    /// the variables to set, when every operation needs credentials and none are
    /// configured, or when a set of credentials sent together is configured only in
    /// part. An API with public operations builds without them: those operations work,
    /// and the others fail before sending anything.
    pub fn build_with_required_credentials(self) -> Result<Client, Error> {
        self.credentials.check_env(self.info)?;
        self.build()
    }

    /// The server to talk to, e.g. `http://localhost:23373`. A path is kept:
    /// `http://host/api` sends requests to `http://host/api/v1/...`.
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(url.into());
        self
    }

    /// Sends the operations the spec gives `server` (an absolute server of an operation
    /// or path item, as [`ApiInfo::servers`] lists it) to `url` instead. Without it,
    /// such an operation goes to its own server while the base URL is the spec's
    /// server, and to the base URL when the client is pointed elsewhere (a mock server,
    /// a proxy), so that no request leaves for a server the user did not name. `url` is
    /// checked like a base URL, and a `server` the spec does not name fails
    /// [`build`](Self::build) with a `Config` error; the last mapping of a server wins.
    pub fn server_url(
        mut self,
        server: impl Into<String>,
        url: impl Into<String>,
    ) -> ClientBuilder {
        self.servers.push((server.into(), url.into()));
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
    /// and pool settings apply; the timeouts and limits set here still apply), the
    /// event stream's upgrade request included. A WebSocket goes over HTTP/1.1: a
    /// client that speaks HTTP/2 to the server (`http2_prior_knowledge`, or ALPN `h2`
    /// over TLS) cannot open the event stream; `reqwest::ClientBuilder::http1_only`
    /// keeps it to HTTP/1.1.
    pub fn http_client(mut self, client: reqwest::Client) -> ClientBuilder {
        self.http = Some(client);
        self
    }

    /// Trusts one more root certificate (PEM, one or more `CERTIFICATE` sections, or
    /// DER) besides the platform's, for `https://` requests and the `wss://` event
    /// stream alike (one HTTP client carries both); e.g. the certificate of a proxy
    /// that serves a local API over TLS. It configures the client the builder makes:
    /// with [`http_client`](Self::http_client), give it to that client instead
    /// (`reqwest::ClientBuilder::tls_certs_merge`); [`build`](Self::build) refuses
    /// both together, as it refuses a certificate that cannot be read.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
    pub fn add_root_certificate(mut self, certificate: impl AsRef<[u8]>) -> ClientBuilder {
        self.root_certificates.push(certificate.as_ref().to_vec());
        self
    }

    /// Checks the settings and builds the client: the base URL must be http or https
    /// with a host and no query or fragment, and every header must be sendable.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.as_deref().or(self.info.default_base_url).ok_or_else(|| {
            Error::Config(format!("no base URL: the spec names no absolute server; set {} or call ClientBuilder::base_url", self.info.env_base_url))
        })?;
        let base_url = base_url::parse(base_url)?;
        // The operations' own servers are used as the spec gives them only while the
        // client talks to the spec's server.
        let on_spec_server = self
            .info
            .default_base_url
            .and_then(|d| base_url::parse(d).ok())
            .is_some_and(|d| d.text == base_url.text);
        let mut servers: Vec<(String, base_url::BaseUrl)> = Vec::new();
        for (server, url) in &self.servers {
            let server = server.trim().trim_end_matches('/');
            if !self.info.servers.contains(&server) {
                let known: Vec<String> =
                    self.info.servers.iter().map(|s| format!("`{s}`")).collect();
                return Err(Error::Config(format!(
                    "`{}` is not a server of the spec's operations ({})",
                    redact_url(server),
                    if known.is_empty() {
                        "it gives none".to_string()
                    } else {
                        format!("those are {}", known.join(", "))
                    }
                )));
            }
            let url = base_url::parse(url)?;
            servers.retain(|(s, _)| s != server);
            servers.push((server.to_string(), url));
        }
        let mut headers = HeaderMap::new();
        for h in &self.headers {
            let name = &h.name;
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            let mut v = HeaderValue::from_bytes(&h.value).map_err(|_| {
                Error::Config(format!("the value of header `{name}` cannot be sent"))
            })?;
            v.set_sensitive(h.sensitive || redact::is_sensitive_name(name));
            headers.append(n, v);
        }
        // Names `sensitive_header` hid that do not look like credentials: hidden on
        // every request too, when a hook or `with_header` sets them.
        let mut sensitive_names: Vec<HeaderName> = Vec::new();
        for (k, v) in &headers {
            if v.is_sensitive()
                && !redact::is_sensitive_name(k.as_str())
                && !sensitive_names.contains(k)
            {
                sensitive_names.push(k.clone());
            }
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
        let roots = root_certificates(&self.root_certificates)?;
        let http = match self.http {
            Some(_) if !roots.is_empty() => {
                return Err(Error::Config(
                    "add_root_certificate configures the HTTP client the builder makes; with http_client, add the root certificate to that client".into(),
                ));
            }
            Some(h) => h,
            None => {
                let mut http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .pool_idle_timeout(Duration::from_secs(90))
                    .redirect(same_origin_redirects());
                #[cfg(any(feature = "rustls", feature = "native-tls"))]
                for root in roots.iter().cloned() {
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
                let with = if roots.is_empty() {
                    ""
                } else {
                    " with the root certificates added"
                };
                http.build().map_err(|e| {
                    Error::Config(format!("could not build the HTTP client{with}: {e}"))
                })?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                info: self.info,
                http,
                base_url,
                on_spec_server,
                servers,
                credentials: self.credentials,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                headers,
                sensitive_names,
                base_headers,
                body_limits: self.body_limits,
                proxy: self.proxy,
                hooks: self.hooks,
            }),
        })
    }
}

/// The root certificates given to `add_root_certificate`, each PEM (one or more
/// `CERTIFICATE` sections) or one DER certificate. What the TLS library can tell is
/// checked here; the rest when the HTTP client is built.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn root_certificates(given: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>, Error> {
    let bad = |why: String| Error::Config(format!("a root certificate cannot be used: {why}"));
    let mut roots = Vec::new();
    for bytes in given {
        if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            let certs = reqwest::Certificate::from_pem_bundle(bytes)
                .map_err(|e| bad(format!("bad PEM: {e}")))?;
            if certs.is_empty() {
                return Err(bad("the PEM has no CERTIFICATE section".into()));
            }
            roots.extend(certs);
        } else {
            roots.push(reqwest::Certificate::from_der(bytes).map_err(|e| bad(e.to_string()))?);
        }
    }
    Ok(roots)
}

/// Without TLS there is no root certificate to add.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn root_certificates(_: &[Vec<u8>]) -> Result<Vec<()>, Error> {
    Ok(Vec::new())
}

impl Client {
    /// A builder with this client's settings and its connection pool: change some,
    /// and `build()` a second client that shares the pool.
    pub fn to_builder(&self) -> ClientBuilder {
        let c = &self.inner;
        ClientBuilder {
            info: c.info,
            base_url: Some(c.base_url.text.clone()),
            servers: c
                .servers
                .iter()
                .map(|(server, url)| (server.clone(), url.text.clone()))
                .collect(),
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
            // Already in the HTTP client above, which the new client shares.
            root_certificates: Vec::new(),
        }
    }
}
