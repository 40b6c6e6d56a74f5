//! Keeping secrets out of what users print: `Debug`, `Display`, logs and errors. This
//! module is the rule; everything that shows a header, a query, a body field or a piece of
//! a response body goes through one of its functions:
//!
//! - [`Secret`] wraps a value that must never be shown (fields the spec marks
//!   `format: password` or `x-sdk-secret: true`, the client's credentials);
//! - [`is_sensitive_name`]: the names whose values are credentials by default
//!   (headers, query parameters, body fields): [`mark_sensitive`] and [`ShownHeaders`]
//!   for headers, [`ShownQuery`] for queries, [`shown_field`] for body fields;
//! - [`excerpt`] and [`scrub_value`]: the only ways to keep text or JSON of a
//!   response body (a `Decode` error's excerpt, a status error's body, an event
//!   frame's excerpt). They hide the value of every key the spec marks secret for that
//!   body (`secrets`, the wire names the generator lists per operation, see
//!   `ApiInfo::secret_fields`) or that looks like a credential;
//! - [`redact_url`]: the password of a URL's user-info.

mod excerpt;

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub(crate) use excerpt::{excerpt, scrub_value, unquoted};

/// What is shown in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// In a list of secret wire names: the body is a secret as a whole.
pub const WHOLE_BODY: &str = "*";

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

/// Whether a header, query parameter or body field of this name carries credentials by
/// default: its value is never shown. Users mark other headers with
/// `ClientBuilder::sensitive_header`.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    // Every request's headers go through here: no allocation.
    let name = name.as_bytes();
    ["cookie", "set-cookie"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        || [
            "key",
            "token",
            "secret",
            "password",
            "auth",
            "session",
            "credential",
        ]
        .iter()
        .any(|word| {
            name.windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// A header value as it may be shown: text, or `<redacted>` when it is marked
/// sensitive or its name looks like a credential's; a URL (`location`) with its
/// credential-like query values and password hidden.
pub(crate) fn shown_header_value(name: &HeaderName, value: &HeaderValue) -> String {
    if value.is_sensitive() || is_sensitive_name(name.as_str()) {
        return REDACTED.to_string();
    }
    let text = String::from_utf8_lossy(value.as_bytes());
    match is_url_header(name) {
        true => shown_url(&text, &[]),
        false => text.into_owned(),
    }
}

/// Headers whose value is a URL, which a server may give with a token in its query
/// (a redirect's `Location`).
fn is_url_header(name: &HeaderName) -> bool {
    matches!(name.as_str(), "location" | "content-location")
}

/// The headers as `name: value` pairs for `Debug` output, sensitive values redacted.
pub(crate) struct ShownHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for ShownHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.0
                    .iter()
                    .map(|(k, v)| (k.as_str(), shown_header_value(k, v))),
            )
            .finish()
    }
}

/// Marks the values of credential-carrying headers (by name) as sensitive, so that
/// `HeaderMap`'s own `Debug` hides them too.
pub(crate) fn mark_sensitive(headers: &mut HeaderMap) {
    mark_sensitive_with(headers, &[]);
}

/// Like [`mark_sensitive`], and also the headers named in `also` (those the client was
/// given with `sensitive_header`).
pub(crate) fn mark_sensitive_with(headers: &mut HeaderMap, also: &[HeaderName]) {
    for (name, value) in headers.iter_mut() {
        if is_sensitive_name(name.as_str()) || also.contains(name) {
            value.set_sensitive(true);
        } else if is_url_header(name) {
            // `HeaderMap`'s own `Debug` can only hide a value whole: a URL that holds
            // a credential is.
            let text = String::from_utf8_lossy(value.as_bytes());
            if shown_url(&text, &[]) != text {
                value.set_sensitive(true);
            }
        }
    }
}

/// A percent-encoded query string (`a=1&api_key=x`) as it may be shown: the values of
/// parameters whose names look like credentials, or are secret for the operation,
/// are `<redacted>`.
pub(crate) fn shown_query(query: &str, secrets: &[&str]) -> String {
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _))
                if is_secret_key(
                    &percent_encoding::percent_decode_str(name).decode_utf8_lossy(),
                    secrets,
                ) =>
            {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    out
}

/// A URL as it may be shown: its user-info password and the values of credential-like
/// or secret query parameters hidden.
pub(crate) fn shown_url(url: &str, secrets: &[&str]) -> String {
    let url = redact_url(url);
    let (before, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url.as_str(), None),
    };
    let Some((base, query)) = before.split_once('?') else {
        return url;
    };
    let mut shown = format!("{base}?{}", shown_query(query, secrets));
    if let Some(fragment) = fragment {
        shown.push('#');
        shown.push_str(fragment);
    }
    shown
}

/// [`shown_query`] for `Debug` output.
pub(crate) struct ShownQuery<'a> {
    pub(crate) query: &'a str,
    pub(crate) secrets: &'a [&'a str],
}

impl fmt::Debug for ShownQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&shown_query(self.query, self.secrets), f)
    }
}

/// [`shown_url`] for `Debug` output.
pub(crate) struct ShownUrl<'a> {
    pub(crate) url: &'a str,
    pub(crate) secrets: &'a [&'a str],
}

impl fmt::Debug for ShownUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&shown_url(self.url, self.secrets), f)
    }
}

/// A body field's value as `Debug` shows it: `<redacted>` when its name looks like a
/// credential or is secret for the operation.
pub(crate) fn shown_field<'a>(name: &str, value: &'a Value, secrets: &[&str]) -> ShownValue<'a> {
    if is_secret_key(name, secrets) {
        ShownValue::Hidden
    } else {
        ShownValue::Plain(value)
    }
}

/// JSON for `Debug` output without the values of the keys named in `secrets` (in any
/// case, with or without `_` and `-`) or named like credentials, at any depth; the
/// whole value when `secrets` holds [`WHOLE_BODY`]. How generated unions whose variants
/// hold secret fields show a value none of the variants read.
pub struct ShownJson<'a> {
    value: &'a Value,
    secrets: &'a [&'a str],
}

impl<'a> ShownJson<'a> {
    /// `value`, to be shown without the values of the wire names `secrets`.
    pub fn new(value: &'a Value, secrets: &'a [&'a str]) -> ShownJson<'a> {
        ShownJson { value, secrets }
    }
}

impl fmt::Debug for ShownJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.value.clone();
        scrub_value(&mut shown, self.secrets);
        fmt::Debug::fmt(&shown, f)
    }
}

/// A value for `Debug` output, or `<redacted>` in its place.
pub(crate) enum ShownValue<'a> {
    Plain(&'a Value),
    Hidden,
}

impl fmt::Debug for ShownValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShownValue::Plain(v) => fmt::Debug::fmt(v, f),
            ShownValue::Hidden => f.write_str(REDACTED),
        }
    }
}

/// Whether the value under `key` is hidden: its name looks like a credential, or is
/// one of `secrets` spelled in any case, with or without `_` and `-` (`recoveryKey`,
/// `recovery_key`: a server whose field was renamed still has its secret hidden).
pub(crate) fn is_secret_key(key: &str, secrets: &[&str]) -> bool {
    is_sensitive_name(key) || secrets.iter().any(|s| same_name(s, key))
}

fn same_name(a: &str, b: &str) -> bool {
    let letters = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    letters(a) == letters(b)
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
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in ["x-app", "accept", "user-agent", "x-request-id"] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn queries_and_urls_hide_credential_and_secret_values() {
        assert_eq!(
            shown_query("a=1&api_key=k&data=q&x", &["data"]),
            "a=1&api_key=<redacted>&data=<redacted>&x"
        );
        assert_eq!(
            shown_url("http://u:p@h/p?access%5Ftoken=t&b=2#f", &[]),
            "http://u:<redacted>@h/p?access%5Ftoken=<redacted>&b=2#f"
        );
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
