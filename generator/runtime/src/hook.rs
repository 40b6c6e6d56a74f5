//! Hooks: user code that sees (and may change) every attempt of every HTTP request,
//! and observes how each attempt ended. For tracing exporters, metrics, or refreshing
//! a token after a `401`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

use super::error::{Error, TransportError};
use super::redact::{ShownHeaders, ShownUrl, mark_sensitive, mark_sensitive_with};
use reqwest::header::HeaderName;

/// The future a [`Hook`] method returns: `Box::pin(async move { .. })`.
pub type HookFuture<'a, T = ()> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Code run around every attempt of every HTTP request of a [`Client`](super::Client),
/// registered with [`ClientBuilder::hook`](super::ClientBuilder::hook). Retries are
/// attempts of their own: a request sent three times calls each method three times.
///
/// Both methods are async (they return a boxed future), so a hook may await (a token
/// refresh, a channel). They cannot break the client's bounds: each call must finish
/// within the request's timeout, or the request fails with
/// [`ErrorKind::Timeout`](super::ErrorKind::Timeout) (a client built with
/// `timeout(None)` waits as long as the hook takes). A hook that asks for a retry is
/// held to the request's `max_retries` like any other retry.
///
/// Hooks see the HTTP requests of operations and of the escape hatch
/// ([`Client::request`](super::Client::request)), and the upgrade request of every
/// connection (and reconnection) of the event stream (operation `events`, answered by
/// `101 Switching Protocols`); the WebSocket frames after it are not HTTP and are not
/// seen.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use sdk_runtime::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
///
/// #[derive(Default)]
/// struct CountAttempts(AtomicU64);
///
/// impl Hook for CountAttempts {
///     fn after_attempt<'a>(
///         &'a self,
///         _request: &'a AttemptRequest,
///         _outcome: &'a AttemptOutcome,
///     ) -> HookFuture<'a, AfterAttempt> {
///         self.0.fetch_add(1, Ordering::Relaxed);
///         Box::pin(async { AfterAttempt::Proceed })
///     }
/// }
///
/// # static API: sdk_runtime::ApiInfo = sdk_runtime::ApiInfo::new(
/// #     "Example", "example/1.0 (rust)", Some("http://localhost:8080"), "EXAMPLE_BASE_URL", &[], &[], false,
/// # );
/// // An SDK's `Client::builder()` is this builder, for its API.
/// let client = sdk_runtime::ClientBuilder::new(&API)
///     .hook(CountAttempts::default())
///     .build()?;
/// # Ok::<(), sdk_runtime::Error>(())
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called just before an attempt is sent, with the headers it will carry (the
    /// credentials among them). Changes to the headers are sent; the method and URL
    /// cannot be changed, so that a hook cannot send the credentials elsewhere.
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        let _ = request;
        Box::pin(std::future::ready(()))
    }

    /// Called when an attempt has ended: with the response's status and headers (its
    /// body not yet decoded), or with the failure. Return [`AfterAttempt::Retry`] to
    /// send the request again at once (after refreshing a token, say) when the attempt
    /// failed and retries are left; a success is never retried.
    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        let _ = (request, outcome);
        Box::pin(std::future::ready(AfterAttempt::Proceed))
    }
}

/// A shared hook: register a clone and keep the other to read what it gathered.
impl<H: Hook> Hook for Arc<H> {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        (**self).before_attempt(request)
    }

    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        (**self).after_attempt(request, outcome)
    }
}

/// What a hook wants after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AfterAttempt {
    /// Let the client decide (retry a retryable failure, or return the result).
    Proceed,
    /// Send the request again now, if it failed and retries are left, whatever its
    /// method: the hook knows the failure is worth retrying (a refreshed token).
    Retry,
}

/// One attempt of a request, as a hook sees it. `Debug` output hides credential
/// header values and credential-like or secret query values. Credential headers are
/// marked sensitive before each hook sees them, those an earlier hook added included,
/// so that the header map's own `Debug` hides them too.
pub struct AttemptRequest {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) attempt: u32,
    /// The operation's secret wire names, hidden from the query in `Debug`.
    pub(crate) secrets: &'static [&'static str],
}

impl AttemptRequest {
    /// The operation's name (`accounts.list`), or `custom` for the escape hatch.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL, credentials in the query included (for API-key-in-query schemes).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The headers the attempt is sent with, credentials included.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers to send; a header whose name looks like a credential is marked
    /// sensitive after the hook returns (before the next hook sees it), so it is never
    /// logged or shown.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

impl fmt::Debug for AttemptRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field(
                "url",
                &ShownUrl {
                    url: self.url.as_str(),
                    secrets: self.secrets,
                },
            )
            .field("headers", &ShownHeaders(&self.headers))
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// How one attempt ended, as a hook sees it. Credential values of the response's
/// headers (`set-cookie`, an `x-auth-token`) are marked sensitive and hidden from
/// `Debug`.
pub struct AttemptOutcome {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: Option<HeaderMap>,
    pub(crate) error: Option<String>,
    pub(crate) timed_out: bool,
    pub(crate) elapsed: Duration,
    pub(crate) will_retry: bool,
}

impl fmt::Debug for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptOutcome")
            .field("status", &self.status)
            .field("headers", &self.headers.as_ref().map(ShownHeaders))
            .field("error", &self.error)
            .field("timed_out", &self.timed_out)
            .field("elapsed", &self.elapsed)
            .field("will_retry", &self.will_retry)
            .finish()
    }
}

impl AttemptOutcome {
    /// An attempt started at `started` and ending now, with nothing known yet.
    pub(crate) fn new(started: std::time::Instant) -> AttemptOutcome {
        AttemptOutcome {
            status: None,
            headers: None,
            error: None,
            timed_out: false,
            elapsed: started.elapsed(),
            will_retry: false,
        }
    }

    /// Marks the credential values of the response's headers (`set-cookie`, an
    /// `x-auth-token`) sensitive, so that neither this type's `Debug` nor the header
    /// map's shows them.
    pub(crate) fn mark_sensitive(&mut self) {
        if let Some(headers) = &mut self.headers {
            mark_sensitive(headers);
        }
    }

    /// The response's status, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The response's headers, when a response arrived (credential values marked
    /// sensitive).
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.headers.as_ref()
    }

    /// Whether the attempt succeeded: a 2xx response, or `101 Switching Protocols` to
    /// the event stream's upgrade request.
    pub fn is_success(&self) -> bool {
        self.status
            .is_some_and(|s| s.is_success() || s == StatusCode::SWITCHING_PROTOCOLS)
            && self.error.is_none()
    }

    /// Why the attempt got no usable response (the connection failed, the time ran
    /// out, the body was too large or stalled), if that is how it ended.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the attempt ran out of time.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// From the attempt's start to its end (the response's body read, unless it is
    /// streamed).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Whether the client itself will send the request again (a retryable failure
    /// with retries left), whatever the hooks answer.
    pub fn will_retry(&self) -> bool {
        self.will_retry
    }
}

/// The client's hooks, in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Arc<dyn Hook>>);

/// What the hooks are told of one attempt besides the request itself.
pub(crate) struct Attempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) number: u32,
    pub(crate) timeout: Option<Duration>,
    /// `METHOD /path`, for errors.
    pub(crate) label: &'a str,
    pub(crate) secrets: &'static [&'static str],
    /// Header names the client hides besides those that look like credentials.
    pub(crate) sensitive: &'a [HeaderName],
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}

impl Hooks {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs the hooks' `before_attempt` on one attempt about to be sent, and puts the
    /// headers they leave into it; what they saw, for `after_attempt`. Without hooks,
    /// `None` at no cost.
    pub(crate) async fn before_sending(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<Option<AttemptRequest>, Error> {
        if self.is_empty() {
            return Ok(None);
        }
        let mut seen = AttemptRequest {
            operation: attempt.operation,
            method: request.method().clone(),
            url: request.url().clone(),
            headers: std::mem::take(request.headers_mut()),
            attempt: attempt.number,
            secrets: attempt.secrets,
        };
        self.before_attempt(&mut seen, attempt).await?;
        *request.headers_mut() = seen.headers.clone();
        Ok(Some(seen))
    }

    /// Runs every hook's `before_attempt` on `request`, each within the timeout. The
    /// credential headers are marked sensitive before each hook, so that a hook that
    /// logs never sees in clear one an earlier hook added.
    async fn before_attempt(
        &self,
        request: &mut AttemptRequest,
        attempt: &Attempt<'_>,
    ) -> Result<(), Error> {
        for hook in &self.0 {
            mark_sensitive_with(&mut request.headers, attempt.sensitive);
            bounded(
                hook.before_attempt(request),
                attempt.timeout,
                attempt.label,
                attempt.number,
            )
            .await?;
        }
        mark_sensitive_with(&mut request.headers, attempt.sensitive);
        Ok(())
    }

    /// Shows the hooks how an attempt ended; whether one asked for a retry. Without
    /// hooks (`seen` is `None`) the outcome is not even built.
    pub(crate) async fn observe(
        &self,
        seen: Option<&AttemptRequest>,
        outcome: impl FnOnce() -> AttemptOutcome,
        timeout: Option<Duration>,
        label: &str,
    ) -> Result<bool, Error> {
        match seen {
            None => Ok(false),
            Some(seen) => self.after_attempt(seen, &outcome(), timeout, label).await,
        }
    }

    /// Runs every hook's `after_attempt`; whether any asked for a retry.
    async fn after_attempt(
        &self,
        request: &AttemptRequest,
        outcome: &AttemptOutcome,
        timeout: Option<Duration>,
        label: &str,
    ) -> Result<bool, Error> {
        let mut retry = false;
        for hook in &self.0 {
            let asked = bounded(
                hook.after_attempt(request, outcome),
                timeout,
                label,
                request.attempt,
            )
            .await?;
            retry |= asked == AfterAttempt::Retry;
        }
        Ok(retry)
    }
}

/// A hook's future, within the request's timeout.
async fn bounded<T>(
    future: HookFuture<'_, T>,
    timeout: Option<Duration>,
    label: &str,
    attempt: u32,
) -> Result<T, Error> {
    let Some(limit) = timeout else {
        return Ok(future.await);
    };
    tokio::time::timeout(limit, future).await.map_err(|_| {
        Error::Timeout(Box::new(TransportError {
            message: format!("a hook did not finish within {limit:?}"),
            request: label.to_string(),
            attempts: attempt,
            source: None,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_credentials_in_headers_and_query() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer s3cret".parse().unwrap());
        headers.insert("x-api-key", "k3y".parse().unwrap());
        headers.insert("x-trace", "t1".parse().unwrap());
        mark_sensitive(&mut headers);
        let request = AttemptRequest {
            operation: "custom",
            method: Method::GET,
            url: Url::parse("http://h/v1/x?api_key=q5ecret&page=2&data=qr5ecret").unwrap(),
            headers,
            attempt: 2,
            secrets: &["data"],
        };
        let shown = format!("{request:?}");
        for secret in ["s3cret", "k3y", "q5ecret", "qr5ecret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        for kept in ["t1", "page=2", "attempt: 2"] {
            assert!(shown.contains(kept), "{shown}");
        }
    }
}
