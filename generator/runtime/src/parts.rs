//! A request as an operation describes it: method, path, query, headers, body, and
//! what sending it needs (credentials, whether it may be retried).

use std::fmt;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use super::encoding::{self, Query};
use super::error::Error;
use super::multipart::Multipart;
use super::redact::{REDACTED, ShownQuery, ShownUrl, is_secret_key};

/// A described request: method, path, query, headers and body, plus what the runtime
/// needs to send it (credentials, whether it may be retried). Its `Debug` output shows
/// no body and no value of a credential-like or secret query parameter or header.
#[derive(Clone)]
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
    /// The spec's defaults of header parameters: sent only when neither the call, nor
    /// the client's default headers, nor a credential set the header.
    pub(crate) header_defaults: Vec<(&'static str, &'static str)>,
    pub(crate) body: Body,
    pub(crate) accept: &'static str,
    /// The security requirements the operation accepts, any one of them: each names
    /// schemes that are all sent together.
    pub(crate) auth: &'static [&'static [&'static str]],
    pub(crate) auth_optional: bool,
    /// The operation's own server, instead of the client's base URL.
    pub(crate) server: Option<Server>,
    /// Any of the API's security schemes will do (the escape hatch, which knows none).
    pub(crate) any_scheme: bool,
    pub(crate) idempotent: bool,
    /// The wire names whose values are secret in this operation's bodies; `None` for a
    /// request whose schema is unknown (the API's list applies).
    pub(crate) secret_fields: Option<&'static [&'static str]>,
}

/// A server the spec gives an operation of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    /// An absolute URL (`https://upload.example.com/v2`).
    Absolute(&'static str),
    /// A URL relative to the client's base URL (`/v2`).
    Relative(&'static str),
}

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Bytes { bytes: Bytes, content_type: String },
    Multipart(Multipart),
}

/// A body is data, not shown: its size and type, or the form's fields.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            Body::Bytes {
                bytes,
                content_type,
            } => write!(f, "{} bytes of {content_type}", bytes.len()),
            Body::Multipart(form) => form.fmt(f),
        }
    }
}

impl fmt::Debug for RequestParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets = self.secret_fields.unwrap_or_default();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(
                |(name, value)| match is_secret_key(name, secrets) || *name == "cookie" {
                    true => (*name, REDACTED),
                    false => (*name, value.as_str()),
                },
            )
            .collect();
        f.debug_struct("RequestParts")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &ShownQuery {
                    query: self.query.as_str(),
                    secrets,
                },
            )
            .field(
                "url",
                &self.url.as_deref().map(|u| ShownUrl { url: u, secrets }),
            )
            .field("headers", &headers)
            .field("body", &self.body)
            .field("accept", &self.accept)
            .field("idempotent", &self.idempotent)
            .finish_non_exhaustive()
    }
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
            header_defaults: Vec::new(),
            body: Body::None,
            accept: "application/json",
            auth: &[],
            auth_optional: false,
            server: None,
            any_scheme: false,
            idempotent,
            secret_fields: None,
        }
    }

    /// The wire names whose values are secret in this operation's parameters and
    /// bodies (the generator lists them; `*` for a body that is a secret as a whole):
    /// what excerpts of its response bodies in errors, and its `Debug`, leave out.
    /// Without it, the API's list ([`ApiInfo::secret_fields`](crate::ApiInfo)) applies.
    pub fn secret_fields(mut self, names: &'static [&'static str]) -> RequestParts {
        self.secret_fields = Some(names);
        self
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
        if let Some(v) = encoding::header_value(name, value)? {
            self.headers.push((name, v));
        }
        Ok(self)
    }

    /// The spec's default of a header parameter (an API version header): sent when
    /// the call did not set the parameter and the client has no default header of that
    /// name. `name` is lowercase.
    pub fn header_default(mut self, name: &'static str, value: &'static str) -> RequestParts {
        self.header_defaults.push((name, value));
        self
    }

    /// A cookie parameter; `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<RequestParts, Error> {
        if let Some(v) = encoding::header_value(name, value)? {
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
        let text = encoding::form_body(body)?;
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

    /// The operation's own server, an absolute URL as the spec gives it (variables at
    /// their defaults): used while the client's base URL is the spec's server; a
    /// client pointed elsewhere sends the request there too, unless
    /// [`ClientBuilder::server_url`](super::ClientBuilder::server_url) maps this server.
    pub fn server(mut self, url: &'static str) -> RequestParts {
        self.server = Some(Server::Absolute(url));
        self
    }

    /// The operation's own server, relative to the client's base URL (`/v2`),
    /// resolved against it as RFC 3986 says: it follows the base URL wherever it is.
    pub fn relative_server(mut self, url: &'static str) -> RequestParts {
        self.server = Some(Server::Relative(url));
        self
    }

    /// Marks a state-changing operation as safe to send twice.
    pub fn idempotent(mut self, idempotent: bool) -> RequestParts {
        self.idempotent = idempotent;
        self
    }
}
