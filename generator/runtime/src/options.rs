//! Options of one request: settings of the client changed for it, and what the spec
//! does not describe yet (extra query parameters and body fields).

use std::time::Duration;

use super::redact::{REDACTED, is_secret_key, is_sensitive_name, redact_url, shown_field};

/// Options of one request, over the client's.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The whole request's timeout, over the client's.
    pub timeout: Option<Duration>,
    /// How many times a failed attempt is retried, over the client's.
    pub max_retries: Option<u32>,
    /// Headers added to (or replacing those of) the request.
    pub headers: Vec<(String, String)>,
    /// Another server for this request.
    pub base_url: Option<String>,
    /// Another access token for this request.
    pub access_token: Option<String>,
    /// Another limit on the response body's size.
    pub max_response_size: Option<usize>,
    /// Another longest silence between two chunks of the response body.
    pub idle_timeout: Option<Duration>,
    /// Query parameters added after the operation's own (ones the spec lacks).
    pub extra_query: Vec<(String, String)>,
    /// Fields added to (or replacing those of) the request's body.
    pub extra_body: Vec<(String, serde_json::Value)>,
}

/// Credentials and secrets hidden: header values, extra query parameters and extra
/// body fields whose names look like credentials, the access token, the base URL's
/// password.
impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.fmt_hiding(f, &[])
    }
}

impl RequestOptions {
    /// `Debug` output that also hides the values of the extra query parameters and body
    /// fields named in `secrets` (the API's secret wire names).
    pub(crate) fn fmt_hiding(
        &self,
        f: &mut std::fmt::Formatter<'_>,
        secrets: &[&str],
    ) -> std::fmt::Result {
        let query: Vec<(&str, &str)> = self
            .extra_query
            .iter()
            .map(|(k, v)| match is_secret_key(k, secrets) {
                true => (k.as_str(), REDACTED),
                false => (k.as_str(), v.as_str()),
            })
            .collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        let v = if is_sensitive_name(k) { REDACTED } else { v };
                        (k, v)
                    })
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| REDACTED),
            )
            .field("max_response_size", &self.max_response_size)
            .field("idle_timeout", &self.idle_timeout)
            .field("extra_query", &query)
            .field(
                "extra_body",
                &self
                    .extra_body
                    .iter()
                    .map(|(k, v)| (k, shown_field(k, v, secrets)))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Bounds of one walk through the pages, set on the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WalkLimits {
    pub(crate) max_pages: Option<usize>,
    pub(crate) max_items: Option<usize>,
}
