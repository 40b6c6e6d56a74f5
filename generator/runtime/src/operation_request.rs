//! The request type every operation of an SDK gets in the SDK's own crate
//! ([`operation_request!`]), written once here: the operation's parameters with the
//! per-request options of [`Request`](crate::Request), to which the generated code adds
//! the operation's setters (only the crate that defines a type may add methods to it).

/// Defines the request type of one operation: `$params` (an
/// [`Operation`](crate::Operation)) ready to send, with the per-request options of
/// [`Request`](crate::Request). The generated code adds the operation's setters to it.
/// After the parameters type, `paginated` adds the page walks of
/// [`Paginated`](crate::Paginated) operations and `streaming` the body streaming of
/// operations whose output is bytes.
///
/// An operation's request is awaited for its output (`IntoFuture`), or sent with
/// `send_with_response()` for the output with the response's status and headers.
#[macro_export]
macro_rules! operation_request {
    ($(#[$attr:meta])* $vis:vis struct $name:ident($params:ty);) => {
        $crate::operation_request!(@common $(#[$attr])* $vis struct $name($params));
    };
    ($(#[$attr:meta])* $vis:vis struct $name:ident($params:ty); paginated) => {
        $crate::operation_request!(@common $(#[$attr])* $vis struct $name($params));
        $crate::operation_request!(@paginated $name($params));
    };
    ($(#[$attr:meta])* $vis:vis struct $name:ident($params:ty); streaming) => {
        $crate::operation_request!(@common $(#[$attr])* $vis struct $name($params));
        $crate::operation_request!(@streaming $name($params));
    };
    (@common $(#[$attr:meta])* $vis:vis struct $name:ident($params:ty)) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        $vis struct $name {
            request: $crate::Request<$params>,
        }

        impl $name {
            /// The request of `params` on `client`; the client's method of the
            /// operation is the usual way to get one.
            pub fn new(client: &$crate::Client, params: $params) -> $name {
                $name {
                    request: $crate::Request::new(client.clone(), params),
                }
            }

            /// The operation's parameters.
            pub fn params(&self) -> &$params {
                self.request.params()
            }

            /// The operation's parameters, to change in place.
            pub fn params_mut(&mut self) -> &mut $params {
                self.request.params_mut()
            }

            /// Replaces the operation's parameters.
            pub fn with_params(self, params: $params) -> $name {
                $name {
                    request: self.request.with_params(params),
                }
            }

            /// Time allowed for each attempt of this request, over the client's.
            pub fn with_timeout(self, timeout: ::std::time::Duration) -> $name {
                $name {
                    request: self.request.with_timeout(timeout),
                }
            }

            /// How many times this request is sent again after a retryable failure,
            /// over the client's.
            pub fn with_max_retries(self, retries: u32) -> $name {
                $name {
                    request: self.request.with_max_retries(retries),
                }
            }

            /// A header for this request only (replacing one of the same name).
            pub fn with_header(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> $name {
                $name {
                    request: self.request.with_header(name, value),
                }
            }

            /// Sends this request to another server (checked like the client's base
            /// URL), in place of the client's base URL or the operation's own server.
            pub fn with_base_url(self, base_url: impl ::core::convert::Into<::std::string::String>) -> $name {
                $name {
                    request: self.request.with_base_url(base_url),
                }
            }

            /// Sends this request with another access token.
            pub fn with_access_token(self, token: impl ::core::convert::Into<::std::string::String>) -> $name {
                $name {
                    request: self.request.with_access_token(token),
                }
            }

            /// The largest response body read for this request, collected or streamed.
            pub fn with_max_response_size(self, bytes: usize) -> $name {
                $name {
                    request: self.request.with_max_response_size(bytes),
                }
            }

            /// The longest silence allowed between two chunks of this request's
            /// response body.
            pub fn with_idle_timeout(self, timeout: ::std::time::Duration) -> $name {
                $name {
                    request: self.request.with_idle_timeout(timeout),
                }
            }

            /// A query parameter the operation does not have (yet), added after its
            /// own: `.with_query("includeHidden", "true")`.
            pub fn with_query(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> $name {
                $name {
                    request: self.request.with_query(name, value),
                }
            }

            /// A body field the operation does not have (yet), or a new value for one
            /// it has: `.with_body_field("priority", json!(2))`. See
            /// [`Request::with_body_field`]($crate::Request::with_body_field).
            pub fn with_body_field(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<$crate::serde_json::Value>,
            ) -> $name {
                $name {
                    request: self.request.with_body_field(name, value),
                }
            }

            /// Replaces every per-request option at once.
            pub fn with_options(self, options: $crate::RequestOptions) -> $name {
                $name {
                    request: self.request.with_options(options),
                }
            }

            /// Sends the request and returns the decoded output; awaiting the request
            /// does the same.
            pub async fn send(
                self,
            ) -> ::core::result::Result<<$params as $crate::Operation>::Output, $crate::Error> {
                self.request.send().await
            }

            /// Sends the request and returns the output with the response's status and
            /// headers.
            pub async fn send_with_response(
                self,
            ) -> ::core::result::Result<
                $crate::ApiResponse<<$params as $crate::Operation>::Output>,
                $crate::Error,
            > {
                self.request.send_with_response().await
            }

            /// The runtime's request this one wraps.
            pub fn into_request(self) -> $crate::Request<$params> {
                self.request
            }
        }

        impl ::core::convert::From<$name> for $crate::Request<$params> {
            fn from(request: $name) -> $crate::Request<$params> {
                request.request
            }
        }

        impl ::core::future::IntoFuture for $name {
            type Output = ::core::result::Result<<$params as $crate::Operation>::Output, $crate::Error>;
            type IntoFuture = <$crate::Request<$params> as ::core::future::IntoFuture>::IntoFuture;

            fn into_future(self) -> Self::IntoFuture {
                ::core::future::IntoFuture::into_future(self.request)
            }
        }
    };
    (@paginated $name:ident($params:ty)) => {
        impl $name {
            /// Ends a walk (`pages`, `stream`, `collect_all`) after `n` pages, as if the
            /// last page had been reached: a bound on how many requests one walk sends.
            pub fn max_pages(self, n: usize) -> $name {
                $name {
                    request: self.request.max_pages(n),
                }
            }

            /// Ends a walk (`stream`, `collect_all`) after `n` items, as if the last
            /// page had been reached; no page beyond the one holding the `n`th item is
            /// fetched.
            pub fn max_items(self, n: usize) -> $name {
                $name {
                    request: self.request.max_items(n),
                }
            }

            /// Every page, starting with this request's, fetched as the stream is
            /// polled: `while let Some(page) = pages.try_next().await? { .. }`. See
            /// [`Request::pages`]($crate::Request::pages) for where a walk stops.
            pub fn pages(self) -> $crate::Pages<$params> {
                self.request.pages()
            }

            /// Every item of every page, fetched as the stream is polled:
            /// `while let Some(item) = items.try_next().await? { .. }`.
            pub fn stream(self) -> $crate::Items<$params> {
                self.request.stream()
            }

            /// Every item of every page, collected (up to the `max_items` cap).
            pub async fn collect_all(
                self,
            ) -> ::core::result::Result<
                ::std::vec::Vec<<$params as $crate::Paginated>::Item>,
                $crate::Error,
            > {
                self.request.collect_all().await
            }

            /// The first `n` items at most, fetching only the pages they need.
            pub async fn take_items(
                self,
                n: usize,
            ) -> ::core::result::Result<
                ::std::vec::Vec<<$params as $crate::Paginated>::Item>,
                $crate::Error,
            > {
                self.request.take_items(n).await
            }
        }
    };
    (@streaming $name:ident($params:ty)) => {
        impl $name {
            /// Sends the request and streams the response body as it arrives, instead
            /// of reading it whole. The timeout covers the wait for the response's
            /// headers; the size limit and the idle timeout apply to the body as it
            /// streams.
            pub async fn send_streaming(self) -> ::core::result::Result<$crate::ByteStream, $crate::Error> {
                self.request.send_streaming().await
            }
        }
    };
}
