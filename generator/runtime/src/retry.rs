//! When to send a request again, and how long to wait first.
//!
//! The rule, also in the README:
//! - A server's `x-should-retry: true|false` decides, whatever the status.
//! - Otherwise 408, 409, 429 and 5xx, timeouts and broken connections are retried, up
//!   to `max_retries` times, with exponential backoff (0.5 s doubling, capped at 8 s,
//!   minus up to 25 % jitter), or after the server's `Retry-After` / `retry-after-ms`
//!   when that is between 0 and 60 s.
//! - A request that may change state (POST, PUT, PATCH, DELETE) is only sent again
//!   when the server cannot have acted on it: the connection was refused before the
//!   request went out, or the server answered 408, 429 or 503, or it said
//!   `x-should-retry: true`. An operation the spec marks `x-sdk-idempotent: true` is
//!   retried like a GET.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Backoff settings; the defaults match the official SDKs of this API.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
        }
    }
}

/// The longest server-requested wait that is honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

impl Backoff {
    /// The wait before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let nominal = self
            .initial
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max);
        let jitter = 1.0 - 0.25 * fastrand::f64();
        nominal.mul_f64(jitter)
    }
}

/// What the status and headers of a failed response say about sending again.
pub fn status_is_retryable(status: StatusCode, headers: &HeaderMap, idempotent: bool) -> bool {
    if let Some(should) = should_retry_header(headers) {
        return should;
    }
    let code = status.as_u16();
    if idempotent {
        matches!(code, 408 | 409 | 429 | 500..=599)
    } else {
        // The server did not act on the request: it timed out waiting for it, limited
        // the rate, or was unavailable.
        matches!(code, 408 | 429 | 503)
    }
}

fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        v if v.eq_ignore_ascii_case("true") => Some(true),
        v if v.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The wait the server asks for, if it is a reasonable one (0 < wait <= 60 s).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let wait = if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Duration::try_from_secs_f64(ms / 1000.0).ok()
    } else if let Some(v) = header("retry-after") {
        match v.parse::<f64>() {
            Ok(secs) => Duration::try_from_secs_f64(secs).ok(),
            Err(_) => httpdate::parse_http_date(v)
                .ok()
                .and_then(|at| at.duration_since(SystemTime::now()).ok()),
        }
    } else {
        None
    }?;
    (!wait.is_zero() && wait <= MAX_RETRY_AFTER).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn statuses() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(
                status_is_retryable(StatusCode::from_u16(code).unwrap(), &none, true),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 422] {
            assert!(
                !status_is_retryable(StatusCode::from_u16(code).unwrap(), &none, true),
                "{code}"
            );
        }
        assert!(!status_is_retryable(
            StatusCode::INTERNAL_SERVER_ERROR,
            &none,
            false
        ));
        assert!(!status_is_retryable(StatusCode::CONFLICT, &none, false));
        assert!(status_is_retryable(
            StatusCode::TOO_MANY_REQUESTS,
            &none,
            false
        ));
        assert!(status_is_retryable(
            StatusCode::SERVICE_UNAVAILABLE,
            &none,
            false
        ));
        let yes = headers(&[("x-should-retry", "true")]);
        let no = headers(&[("x-should-retry", "false")]);
        assert!(status_is_retryable(StatusCode::BAD_REQUEST, &yes, false));
        assert!(!status_is_retryable(
            StatusCode::INTERNAL_SERVER_ERROR,
            &no,
            true
        ));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1500")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "120")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "0")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        let wait = retry_after(&headers(&[("retry-after", &at)])).unwrap();
        assert!(
            wait <= Duration::from_secs(10) && wait >= Duration::from_secs(8),
            "{wait:?}"
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Backoff::default();
        for (retry, nominal) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)] {
            let d = b.delay(retry).as_secs_f64();
            assert!(d <= nominal && d >= nominal * 0.75, "retry {retry}: {d}");
        }
    }
}
