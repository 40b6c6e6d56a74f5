//! Keeping secrets out of what users print: `Debug`, `Display`, logs and errors.
//!
//! [`Secret`] wraps a value that must never be shown (request fields the spec marks
//! `format: password` or `x-sdk-secret: true`, the client's credentials); the other
//! helpers decide which header values and which parts of a URL are shown.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What is shown in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// A value that never shows in `Debug` or `Display` output, logs or errors; it is
/// serialized (sent) as the plain value. Read it with [`Secret::expose`].
///
/// ```
/// use sdk_runtime::Secret;
/// let key: Secret<String> = Secret::from("EsTc 1234");
/// assert_eq!(format!("{key:?}"), "<redacted>");
/// assert_eq!(key.expose(), "EsTc 1234");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself: the one way to see it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// The secret value itself.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Secret<T> {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Secret<String> {
        Secret(value.to_string())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

/// Whether a header of this name carries credentials by default: its value is never
/// shown. Users mark others with `ClientBuilder::sensitive_header`.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || [
        "key",
        "token",
        "secret",
        "password",
        "auth",
        "session",
        "credential",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// A header value as it may be shown: text, or `<redacted>` when it is sensitive.
pub(crate) fn shown_header_value(value: &HeaderValue) -> String {
    if value.is_sensitive() {
        REDACTED.to_string()
    } else {
        String::from_utf8_lossy(value.as_bytes()).into_owned()
    }
}

/// The headers as `name: value` pairs for `Debug` output, sensitive values redacted.
pub(crate) struct ShownHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for ShownHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.0
                    .iter()
                    .map(|(k, v)| (k.as_str(), shown_header_value(v))),
            )
            .finish()
    }
}

/// Marks the values of credential-carrying headers (by name) as sensitive, so that
/// `HeaderMap`'s own `Debug` hides them too.
pub(crate) fn mark_sensitive(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if is_sensitive_header(name.as_str()) {
            value.set_sensitive(true);
        }
    }
}

/// The URL with the password of its user-info replaced: `http://u:<redacted>@host/`.
/// Works on any text, URL or not, so that error messages about a bad URL are safe too.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_string();
    };
    format!(
        "{}{}{REDACTED}{}",
        &url[..authority_start],
        &userinfo[..=colon],
        &url[authority_start + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_replaced() {
        assert_eq!(
            redact_url("http://me:hunter2@localhost:1/api"),
            "http://me:<redacted>@localhost:1/api"
        );
        assert_eq!(
            redact_url("http://a:b:c@h?x=@y"),
            "http://a:<redacted>@h?x=@y"
        );
        assert_eq!(redact_url("http://me@host/"), "http://me@host/");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("http://host/p@th"), "http://host/p@th");
    }

    #[test]
    fn credential_header_names() {
        for name in [
            "Authorization",
            "cookie",
            "x-api-key",
            "X-Auth-Token",
            "apikey",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in ["x-app", "accept", "user-agent", "x-request-id"] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    #[test]
    fn secrets_show_nothing_and_serialize_plainly() {
        let s = Secret::from("k");
        assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"k\"");
        let back: Secret<String> = serde_json::from_str("\"k\"").unwrap();
        assert_eq!(back, s);
    }
}
