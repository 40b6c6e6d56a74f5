//! The client types every SDK defines in its own crate ([`sdk_client!`]): its `Client`
//! and `ClientBuilder`, written once here. An SDK needs types of its own because Rust
//! lets only the crate that defines a type add methods to it: the API's resources and
//! operations on the client, a setter per security scheme on the builder.

/// Defines an SDK's `Client` (a wrapper of [`Client`](crate::Client) that the generated
/// code adds the API's resources and operations to) and its `ClientBuilder` (which the
/// generated code adds a setter per security scheme to), for the API `$api`, a
/// `static` [`ApiInfo`](crate::ApiInfo).
///
/// ```
/// static API: sdk_runtime::ApiInfo = sdk_runtime::ApiInfo::new(
///     "Example API", "example/1.0.0 (rust)", Some("http://localhost:8080"), "EXAMPLE_BASE_URL",
///     &[], &[], false,
/// );
/// sdk_runtime::sdk_client!(API);
///
/// let client = Client::builder().max_retries(0).build()?;
/// assert_eq!(client.base_url(), "http://localhost:8080");
/// # Ok::<(), sdk_runtime::Error>(())
/// ```
#[macro_export]
macro_rules! sdk_client {
    ($api:path) => {
        /// A client of the API: its resources and operations are methods. Cheap to
        /// clone: clones share one connection pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: $crate::Client,
        }

        impl Client {
            /// A builder with the defaults: the spec's server, a 30 s timeout per
            /// attempt, 2 retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    inner: $crate::ClientBuilder::new(&$api),
                }
            }

            /// A client configured from the environment: the credential and base URL
            /// variables named in the crate docs. It fails with
            /// [`ErrorKind::MissingCredentials`]($crate::ErrorKind::MissingCredentials),
            /// naming the variables to set, only when the client could not work without
            /// them (every operation needs credentials, or a set of credentials sent
            /// together is configured only in part). An API with operations that need no
            /// credentials gets a client without them: those operations work, and the
            /// others fail with `MissingCredentials` before anything is sent.
            pub fn from_env() -> ::core::result::Result<Client, $crate::Error> {
                Client::builder()
                    .inner
                    .from_env()
                    .build_with_required_credentials()
                    .map(Client::from)
            }

            /// A builder with this client's settings and its connection pool: change
            /// some, and `build()` a second client that shares the pool.
            pub fn to_builder(&self) -> ClientBuilder {
                ClientBuilder {
                    inner: self.runtime.to_builder(),
                }
            }

            /// The server this client sends requests to.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            /// The runtime's client this one wraps, for code written against the
            /// runtime itself.
            pub fn runtime(&self) -> &$crate::Client {
                &self.runtime
            }

            /// The escape hatch: a request to any path under the base URL, sent like
            /// every operation (credentials, retries, timeouts, size limits, hooks,
            /// typed errors), its response decoded into `T`: `serde_json::Value` for any
            /// JSON, `()` to ignore the body, [`RawBody`]($crate::RawBody) for the bytes.
            /// A path that could leave the configured server (`https://…`, `//host`,
            /// `\`, `..`) is refused with `InvalidRequest` before anything is sent.
            pub fn request<T: $crate::FromResponse>(
                &self,
                method: $crate::reqwest::Method,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.request(method, path)
            }

            /// The escape hatch's `GET`: see [`request`](Self::request).
            pub fn get<T: $crate::FromResponse>(
                &self,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.get(path)
            }

            /// The escape hatch's `POST`: see [`request`](Self::request).
            pub fn post<T: $crate::FromResponse>(
                &self,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.post(path)
            }

            /// The escape hatch's `PUT`: see [`request`](Self::request).
            pub fn put<T: $crate::FromResponse>(
                &self,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.put(path)
            }

            /// The escape hatch's `PATCH`: see [`request`](Self::request).
            pub fn patch<T: $crate::FromResponse>(
                &self,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.patch(path)
            }

            /// The escape hatch's `DELETE`: see [`request`](Self::request).
            pub fn delete<T: $crate::FromResponse>(
                &self,
                path: impl ::core::convert::Into<::std::string::String>,
            ) -> $crate::Request<$crate::Custom<T>> {
                self.runtime.delete(path)
            }
        }

        impl ::core::convert::From<$crate::Client> for Client {
            fn from(runtime: $crate::Client) -> Client {
                Client { runtime }
            }
        }

        /// Builds a [`Client`]: every setting has a default, so `build()` works at
        /// once; `from_env()` fills in what the environment sets.
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct ClientBuilder {
            inner: $crate::ClientBuilder,
        }

        impl ClientBuilder {
            /// Fills in what is not set yet from the environment: the credential of each
            /// security scheme and the base URL, from the variables named in the crate
            /// docs (an empty variable counts as unset).
            pub fn from_env(self) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.from_env(),
                }
            }

            /// The server to talk to, e.g. `http://localhost:8080`. A path is kept:
            /// `http://host/api` sends requests to `http://host/api/v1/...`. It must be
            /// http or https with a host and no query or fragment, or `build()` fails
            /// with [`ErrorKind::Config`]($crate::ErrorKind::Config).
            pub fn base_url(
                self,
                url: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.base_url(url),
                }
            }

            /// The credential (a token or an API key) of one security scheme of the
            /// spec, by its name in `components.securitySchemes`; the crate's setter of
            /// each scheme is the usual way.
            pub fn credential(
                self,
                scheme: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.credential(scheme, value),
                }
            }

            /// User name and password of one HTTP basic security scheme of the spec, by
            /// its name in `components.securitySchemes`.
            pub fn basic_credential(
                self,
                scheme: impl ::core::convert::Into<::std::string::String>,
                user: impl ::core::convert::Into<::std::string::String>,
                password: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.basic_credential(scheme, user, password),
                }
            }

            /// Time allowed for each attempt, from connecting to the end of the response
            /// body (default 30 s); `None` waits forever.
            pub fn timeout(
                self,
                timeout: impl ::core::convert::Into<::core::option::Option<::std::time::Duration>>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.timeout(timeout),
                }
            }

            /// Time allowed to open a connection (default 5 s). Ignored with
            /// [`http_client`](Self::http_client).
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.connect_timeout(timeout),
                }
            }

            /// How many times a failed request is sent again (default 2). Which failures
            /// are retried is in the crate docs ("Retries").
            pub fn max_retries(self, retries: u32) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.max_retries(retries),
                }
            }

            /// The wait before the first retry and the longest wait (defaults 0.5 s and
            /// 8 s); it doubles in between, minus up to 25 % jitter.
            pub fn retry_backoff(
                self,
                initial: ::std::time::Duration,
                max: ::std::time::Duration,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.retry_backoff(initial, max),
                }
            }

            /// A header sent with every request. Values of credential-like names
            /// (`authorization`, `cookie`, and names with `key`, `token`, `secret`,
            /// `password`, `auth`, `session` or `credential` in them) never show in
            /// `Debug` output, logs or errors; [`sensitive_header`](Self::sensitive_header)
            /// hides any other.
            pub fn default_header(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.default_header(name, value),
                }
            }

            /// A header sent with every request whose value is a secret: it never shows
            /// in `Debug` output, logs or errors, whatever its name.
            pub fn sensitive_header(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.sensitive_header(name, value),
                }
            }

            /// The largest response body read (default 64 MiB), collected or streamed;
            /// a larger one is refused with
            /// [`ErrorKind::ResponseTooLarge`]($crate::ErrorKind::ResponseTooLarge) as
            /// soon as its declared length or the bytes read cross the limit.
            pub fn max_response_size(self, bytes: usize) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.max_response_size(bytes),
                }
            }

            /// The longest silence allowed between two chunks of a response body
            /// (default 30 s); `None` waits forever. A body that stalls longer fails
            /// with [`ErrorKind::Timeout`]($crate::ErrorKind::Timeout).
            pub fn idle_timeout(
                self,
                timeout: impl ::core::convert::Into<::core::option::Option<::std::time::Duration>>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.idle_timeout(timeout),
                }
            }

            /// Sends every request through this proxy (`http://host:port`), whatever
            /// the base URL. Without it, a loopback base URL (`localhost`, `127.0.0.1`,
            /// `::1`) is reached directly, ignoring `HTTP_PROXY` and the like, so that
            /// credentials stay on the machine; other base URLs use the environment's
            /// proxies.
            pub fn proxy(
                self,
                url: impl ::core::convert::Into<::std::string::String>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.proxy(url),
                }
            }

            /// Runs `hook` around every attempt of every request (after the hooks added
            /// before it): to see, and change, each attempt's headers, and to observe
            /// how it ended. See [`Hook`]($crate::Hook).
            pub fn hook(self, hook: impl $crate::Hook) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.hook(hook),
                }
            }

            /// Sends requests through an existing `reqwest::Client` (its proxy,
            /// redirect, TLS and pool settings apply; the timeouts and limits set here
            /// still apply), the event stream's upgrade request included. It must be
            /// of the `reqwest` this crate re-exports; the event stream needs it to
            /// speak HTTP/1.1 to the server (`http1_only`, if it would use HTTP/2).
            pub fn http_client(self, client: $crate::reqwest::Client) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.http_client(client),
                }
            }

            /// Trusts one more root certificate (PEM, one or more `CERTIFICATE`
            /// sections, or DER) besides the platform's, for `https://` requests (and
            /// a `wss://` event stream); e.g. the certificate of a proxy with its own
            /// certificate authority. It configures the client the builder makes: a
            /// certificate that cannot be read, or one given with
            /// [`http_client`](Self::http_client), fails [`build`](Self::build).
            #[cfg(any(feature = "rustls", feature = "native-tls"))]
            #[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
            pub fn add_root_certificate(
                self,
                certificate: impl ::core::convert::AsRef<[u8]>,
            ) -> ClientBuilder {
                ClientBuilder {
                    inner: self.inner.add_root_certificate(certificate),
                }
            }

            /// Checks the settings and builds the client: the base URL must be http or
            /// https with a host and no query or fragment, and every header must be
            /// sendable; else [`ErrorKind::Config`]($crate::ErrorKind::Config).
            pub fn build(self) -> ::core::result::Result<Client, $crate::Error> {
                self.inner.build().map(Client::from)
            }

            /// The runtime's builder this one wraps.
            pub fn into_runtime(self) -> $crate::ClientBuilder {
                self.inner
            }
        }

        impl ::core::convert::From<$crate::ClientBuilder> for ClientBuilder {
            fn from(inner: $crate::ClientBuilder) -> ClientBuilder {
                ClientBuilder { inner }
            }
        }

        impl ::core::default::Default for ClientBuilder {
            fn default() -> ClientBuilder {
                Client::builder()
            }
        }
    };
}
