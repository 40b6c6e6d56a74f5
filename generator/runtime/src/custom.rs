//! The escape hatch: requests to endpoints the spec does not describe (yet), sent like
//! every generated operation (credentials, retries, timeouts, limits, errors, hooks).

use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::encoding::{Query, QueryStyle};
use super::error::Error;
use super::options::{RequestOptions, WalkLimits};
use super::parts::RequestParts;
use super::redact::ShownQuery;
use super::request::{Operation, Request};
use super::response::{ApiResponse, RawResponse};

/// How the escape hatch reads a response body into its output: JSON into any
/// deserializable type, or [`RawBody`] for the bytes as they are.
pub trait FromResponse: Sized + Send + 'static {
    /// Reads the output from a successful response.
    fn from_response(response: RawResponse) -> Result<ApiResponse<Self>, Error>;

    /// The `Accept` header sent.
    fn accept() -> &'static str {
        "application/json"
    }
}

impl<T: DeserializeOwned + Send + 'static> FromResponse for T {
    fn from_response(response: RawResponse) -> Result<ApiResponse<T>, Error> {
        response.json()
    }
}

/// A response body as bytes, undecoded: `client.get::<RawBody>(path)`; such a request
/// can also stream the body with `send_streaming`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl RawBody {
    /// The body's bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl std::ops::Deref for RawBody {
    type Target = Bytes;

    fn deref(&self) -> &Bytes {
        &self.0
    }
}

impl FromResponse for RawBody {
    fn from_response(response: RawResponse) -> Result<ApiResponse<RawBody>, Error> {
        response.bytes().map(|r| r.map(RawBody))
    }

    fn accept() -> &'static str {
        "*/*"
    }
}

/// The parameters of a request the spec does not describe, made by
/// [`Client::request`] and its shorthands; `T` is what the response's JSON body is
/// decoded into (`serde_json::Value` for any JSON, `()` for a body that is empty or
/// ignored, or [`RawBody`] for the bytes).
pub struct Custom<T> {
    method: Method,
    path: String,
    query: Query,
    body: Option<Bytes>,
    idempotent: Option<bool>,
    /// The first setter that failed; reported when the request is sent.
    error: Option<String>,
    _output: PhantomData<fn() -> T>,
}

impl<T> Clone for Custom<T> {
    fn clone(&self) -> Self {
        Custom {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            idempotent: self.idempotent,
            error: self.error.clone(),
            _output: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Custom<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custom")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &ShownQuery {
                    query: self.query.as_str(),
                    secrets: &[],
                },
            )
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

impl<T> Custom<T> {
    fn parts(&self) -> Result<RequestParts, Error> {
        if let Some(e) = &self.error {
            return Err(Error::invalid_request(e.clone()));
        }
        check_path(&self.path)?;
        // A CONNECT goes out as `CONNECT host:port`, without the path: a tunnel, not a
        // request to the API.
        if self.method == Method::CONNECT {
            return Err(Error::invalid_request(
                "CONNECT opens a tunnel to a host, not a request to a path of the API; it is not sent",
            ));
        }
        let mut parts = RequestParts::new("custom", self.method.clone(), self.path.clone())
            .query(self.query.clone())
            // Sent with the API's credentials when some are configured; whether the
            // endpoint needs them is for the server to say.
            .auth(&[], true);
        parts.any_scheme = true;
        if let Some(bytes) = &self.body {
            parts = parts.raw(bytes.clone(), "application/json");
        }
        if let Some(idempotent) = self.idempotent {
            parts = parts.idempotent(idempotent);
        }
        Ok(parts)
    }
}

impl<T: FromResponse> Operation for Custom<T> {
    type Output = T;

    fn build(&self) -> Result<RequestParts, Error> {
        self.parts().map(|p| p.accept(T::accept()))
    }

    fn decode(response: RawResponse) -> Result<ApiResponse<T>, Error> {
        T::from_response(response)
    }
}

/// The escape hatch: any endpoint of the server, for those the spec does not have yet.
impl Client {
    /// A request to `path` (relative to the base URL: `/v1/new-thing`) that the spec does
    /// not describe. It is sent like every operation: with the client's credentials
    /// (when configured), retries, timeouts, size limits, hooks and typed errors; await
    /// it for the JSON body decoded into `T`.
    ///
    /// The path must start with `/`, and may not hold `?`, `#`, `\`, `.` or `..`
    /// segments, or name another host (`//host`, `https://…`): a credential never
    /// leaves the base URL's server (use [`Request::with_base_url`] for another
    /// server). Characters not allowed in a URL path (spaces, non-ASCII) are
    /// percent-encoded; the rest is sent as written.
    ///
    /// ```no_run
    /// # async fn example(client: sdk_runtime::Client) -> Result<(), sdk_runtime::Error> {
    /// use sdk_runtime::reqwest::Method;
    /// let value: serde_json::Value = client
    ///     .request(Method::POST, "/v1/new-thing")
    ///     .query("dryRun", true)
    ///     .json(serde_json::json!({"name": "x"}))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn request<T>(&self, method: Method, path: impl Into<String>) -> Request<Custom<T>> {
        Request {
            client: self.clone(),
            params: Custom {
                method,
                path: path.into(),
                query: Query::new(),
                body: None,
                idempotent: None,
                error: None,
                _output: PhantomData,
            },
            options: RequestOptions::default(),
            walk: WalkLimits::default(),
        }
    }

    /// A `GET` of a path the spec does not describe; see [`Client::request`].
    pub fn get<T>(&self, path: impl Into<String>) -> Request<Custom<T>> {
        self.request(Method::GET, path)
    }

    /// A `POST` to a path the spec does not describe; see [`Client::request`].
    pub fn post<T>(&self, path: impl Into<String>) -> Request<Custom<T>> {
        self.request(Method::POST, path)
    }

    /// A `PUT` to a path the spec does not describe; see [`Client::request`].
    pub fn put<T>(&self, path: impl Into<String>) -> Request<Custom<T>> {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` of a path the spec does not describe; see [`Client::request`].
    pub fn patch<T>(&self, path: impl Into<String>) -> Request<Custom<T>> {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` of a path the spec does not describe; see [`Client::request`].
    pub fn delete<T>(&self, path: impl Into<String>) -> Request<Custom<T>> {
        self.request(Method::DELETE, path)
    }
}

impl<T> Request<Custom<T>> {
    /// A query parameter (`None` adds nothing; a list repeats the name). A value that
    /// cannot be written fails the request when it is sent.
    pub fn query(mut self, name: &str, value: impl Serialize) -> Self {
        if let Err(e) = self
            .params
            .query
            .push(name, &value, QueryStyle::FormExploded)
        {
            self.params.error.get_or_insert(e.to_string());
        }
        self
    }

    /// The JSON body (`Content-Type: application/json`).
    pub fn json(mut self, body: impl Serialize) -> Self {
        match serde_json::to_vec(&body) {
            Ok(bytes) => self.params.body = Some(Bytes::from(bytes)),
            Err(e) => {
                self.params
                    .error
                    .get_or_insert(format!("the body cannot be written as JSON: {e}"));
            }
        }
        self
    }

    /// Whether the request may be sent again after a failure that may have reached the
    /// server (a timeout, a broken connection, a `500`). By default only `GET`, `HEAD`,
    /// `OPTIONS` and `TRACE` are; `PUT` and `DELETE` usually are too.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.params.idempotent = Some(idempotent);
        self
    }
}

impl Request<Custom<RawBody>> {
    /// Sends the request and streams the response body as it arrives, within the size
    /// limit and the idle timeout, instead of reading it whole (as the generated
    /// download operations do).
    pub async fn send_streaming(self) -> Result<super::response::ByteStream, Error> {
        let parts = self.params.build()?;
        self.client.execute_streaming(&parts, &self.options).await
    }
}

/// Refuses a path that would leave the base URL: another host (`//host`, an absolute
/// URL, a `\` that URL parsers read as `/`), or a dot segment that climbs out of the
/// base URL's path.
fn check_path(path: &str) -> Result<(), Error> {
    let bad = |why: &str| Err(Error::invalid_request(format!("path `{path}` {why}")));
    if path.contains("://") {
        return bad(
            "is an absolute URL; paths are relative to the client's base URL (set another server with `with_base_url`)",
        );
    }
    if !path.starts_with('/') {
        return bad("must start with `/`: it is relative to the client's base URL");
    }
    if path.starts_with("//") {
        return bad("starts with `//`, which would name another host");
    }
    if path.contains('\\') {
        return bad("holds `\\`, which URL parsers read as `/`");
    }
    if path.contains(['?', '#']) {
        return bad("holds `?` or `#`; add query parameters with `.query(name, value)`");
    }
    if path.chars().any(char::is_control) {
        return bad("holds a control character");
    }
    let dot = |s: &str| {
        let s = s.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    };
    if path.split('/').any(dot) {
        return bad("holds a `.` or `..` segment, which would climb out of the base URL");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_base_url_are_refused() {
        for bad in [
            "https://evil.example/v1/x",
            "http://evil.example",
            "//evil.example/x",
            "/\\evil.example",
            "v1/x",
            "",
            "/v1/../../admin",
            "/v1/%2e%2E/admin",
            "/v1/.%2e",
            "/v1/.",
            "/v1/x?y=1",
            "/v1/x#f",
            "/v1/\tx",
        ] {
            let e = check_path(bad).expect_err(bad);
            assert_eq!(e.kind(), super::super::ErrorKind::InvalidRequest, "{bad}");
        }
    }

    #[test]
    fn accepted_paths_stay_under_the_base_url() {
        let base = reqwest::Url::parse("http://127.0.0.1:9/api").unwrap();
        for good in [
            "/v1/x",
            "/v1/a b/ü",
            "/v1/..x/y..",
            "/v1/%2F",
            "/",
            "/@evil.example",
            "/:80@evil.example/",
        ] {
            check_path(good).unwrap_or_else(|e| panic!("{good}: {e}"));
            let url = reqwest::Url::parse(&format!("{}{good}", base.as_str())).unwrap();
            assert_eq!(url.origin(), base.origin(), "{good}");
            assert!(url.path().starts_with("/api/"), "{good}: {url}");
        }
    }
}
