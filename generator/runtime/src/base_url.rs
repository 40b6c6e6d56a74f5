//! Base URLs: one check for the client's, the environment's and a request's, and
//! whether a URL points at this machine (which decides the proxy rule).

use std::net::IpAddr;

use reqwest::Url;

use super::error::Error;
use super::redact::redact_url;

/// Whether this build can speak TLS (the `rustls` or `native-tls` feature): without
/// it an https base URL is refused up front rather than failing on every request.
pub(crate) const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// A base URL that passed [`parse`]: http or https, a host, no query, no fragment.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// Normalized, without a trailing `/`: paths are appended to it.
    pub(crate) text: String,
    pub(crate) loopback: bool,
}

/// Checks a base URL; a clear `Config` error (with any password redacted) otherwise.
pub(crate) fn parse(url: &str) -> Result<BaseUrl, Error> {
    let bad = |why: &str| Error::Config(format!("base URL `{}` {why}", redact_url(url)));
    let parsed = Url::parse(url.trim()).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("must be http or https"));
    }
    if parsed.scheme() == "https" && !TLS {
        return Err(bad(
            "is https, but this build has no TLS: enable the `rustls` or `native-tls` feature",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    // A query or fragment would end up between the base and every operation's path.
    if parsed.query().is_some() {
        return Err(bad(
            "has a query (`?`); a base URL is a scheme, a host and a path",
        ));
    }
    if parsed.fragment().is_some() {
        return Err(bad(
            "has a fragment (`#`); a base URL is a scheme, a host and a path",
        ));
    }
    Ok(BaseUrl {
        loopback: is_loopback(&parsed),
        text: parsed.as_str().trim_end_matches('/').to_string(),
    })
}

/// `localhost` (and `*.localhost`), 127.0.0.0/8 and `::1`: this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let d = host.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused() {
        let ok = parse("http://localhost:23373/").unwrap();
        assert_eq!(ok.text, "http://localhost:23373");
        assert!(ok.loopback);
        assert!(!parse("http://h.example").unwrap().loopback);
        assert!(parse("http://[::1]:1").unwrap().loopback);
        assert!(parse("http://127.0.0.2").unwrap().loopback);
        for bad in [
            "http://h/?x=1",
            "http://h/#a",
            "ftp://h",
            "localhost:1",
            "http://",
            "file:///x",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.kind(), super::super::ErrorKind::Config, "{bad}");
        }
        let e = parse("http://u:hunter2@h/?x").unwrap_err().to_string();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    fn https_is_accepted_with_tls() {
        assert_eq!(
            parse("https://h.example/api/").unwrap().text,
            "https://h.example/api"
        );
    }

    /// `cargo test -p <crate> --no-default-features --lib` (CI runs it).
    #[test]
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    fn https_without_tls_is_a_config_error_that_says_which_feature() {
        let e = parse("https://u:hunter2@h.example/api").unwrap_err();
        assert_eq!(e.kind(), super::super::ErrorKind::Config);
        let text = e.to_string();
        assert!(text.contains("`rustls` or `native-tls`"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
