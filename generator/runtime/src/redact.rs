//! Keeping secrets out of what users print: `Debug`, `Display`, logs and errors. This
//! file is the rule; everything that shows a header, a query, a body field or a piece of
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

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

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

/// At most `max` bytes of a response body as text, for an error to hold: cut at a
/// character boundary (`…` marks the cut), with the value of every key that
/// [`is_secret_key`] (whatever JSON it is: a string, a number, an object) replaced by
/// `"<redacted>"`, and the whole body hidden when `secrets` holds [`WHOLE_BODY`]. Also
/// whether the body held any such value anywhere, not only in the excerpt: the decoder's
/// message then must not quote values either (see [`unquoted`]).
///
/// It reads the body as JSON tokens, leniently: a body cut short, or not JSON at all,
/// is read as far as it goes, and text that is no JSON is kept as it is.
pub(crate) fn excerpt(body: &[u8], max: usize, secrets: &[&str]) -> (String, bool) {
    if body.is_empty() {
        return (String::new(), false);
    }
    if secrets.contains(&WHOLE_BODY) {
        return (format!("{REDACTED} ({} bytes)", body.len()), true);
    }
    let (kept, found) = Scrubber::new(body, secrets).run(max);
    let cut = kept.len() > max;
    let mut text = String::from_utf8_lossy(&kept[..kept.len().min(max)]).into_owned();
    // A cut inside a character shows as U+FFFD; drop it.
    if cut {
        while text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push('…');
    }
    (text, found)
}

/// `message` with everything it quotes (`"…"` and `` `…` ``, where serde writes the
/// values it could not read) replaced by `<redacted>`.
pub(crate) fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open] as char;
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        // A string value may hold escaped quotes: skip them.
        let mut close = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                c if c == quote && !escaped => {
                    close = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        out.push_str(REDACTED);
        match close {
            Some(i) => {
                out.push(quote);
                rest = &after[i + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces, in place, the value of every key that [`is_secret_key`] with
/// `"<redacted>"`, at any depth; the whole value when `secrets` holds [`WHOLE_BODY`].
pub(crate) fn scrub_value(value: &mut Value, secrets: &[&str]) {
    if secrets.contains(&WHOLE_BODY) {
        *value = Value::String(REDACTED.to_string());
        return;
    }
    // Depth-first without recursion: a server's JSON can be nested deeply.
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if is_secret_key(k, secrets) {
                        *v = Value::String(REDACTED.to_string());
                    } else {
                        stack.push(v);
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// The containers a JSON reader is in, one bit each (set: an object), so that a body
/// nested a million deep costs 128 KiB, not a word per level.
#[derive(Default)]
struct Nesting {
    bits: Vec<u64>,
    depth: usize,
}

impl Nesting {
    fn push(&mut self, object: bool) {
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.bits.len() {
            self.bits.push(0);
        }
        if object {
            self.bits[word] |= 1 << bit;
        } else {
            self.bits[word] &= !(1 << bit);
        }
        self.depth += 1;
    }

    fn pop(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn in_object(&self) -> bool {
        let Some(top) = self.depth.checked_sub(1) else {
            return false;
        };
        self.bits[top / 64] & (1 << (top % 64)) != 0
    }
}

/// The lenient JSON token reader behind [`excerpt`].
struct Scrubber<'a> {
    body: &'a [u8],
    secrets: &'a [&'a str],
    at: usize,
    nesting: Nesting,
    /// In an object, waiting for a key (after `{` or `,`).
    key_next: bool,
    /// The last key read names a secret: the next value is hidden.
    secret_next: bool,
}

impl<'a> Scrubber<'a> {
    fn new(body: &'a [u8], secrets: &'a [&'a str]) -> Scrubber<'a> {
        Scrubber {
            body,
            secrets,
            at: 0,
            nesting: Nesting::default(),
            key_next: false,
            secret_next: false,
        }
    }

    /// The scrubbed text, at least `max + 1` bytes of it when the body is longer (so
    /// that the caller sees the cut), and whether any value was hidden anywhere in the
    /// body: past `max`, the body is still read, without keeping it.
    fn run(mut self, max: usize) -> (Vec<u8>, bool) {
        let mut out = Vec::with_capacity(max.min(self.body.len()) + 16);
        let mut found = false;
        let keep = |out: &mut Vec<u8>, bytes: &[u8]| {
            if out.len() <= max {
                out.extend_from_slice(&bytes[..bytes.len().min(max + 1 - out.len())]);
            }
        };
        while self.at < self.body.len() {
            let start = self.at;
            let c = self.body[start];
            let value_start =
                matches!(c, b'"' | b'{' | b'[' | b'-' | b'0'..=b'9') || c.is_ascii_alphabetic();
            if value_start && self.secret_next {
                self.secret_next = false;
                self.at = self.value_end(start);
                found = true;
                keep(&mut out, b"\"<redacted>\"");
                continue;
            }
            match c {
                b'"' => {
                    self.at = string_end(self.body, start);
                    // A key where one is due, or a string that a `:` follows (a server's
                    // JSON may lack the `,` before it).
                    let is_key = self.nesting.in_object()
                        && (self.key_next || next_byte(self.body, self.at) == Some(b':'));
                    if is_key {
                        let key = unescape(&self.body[start..self.at]);
                        self.secret_next = is_secret_key(&key, self.secrets);
                        self.key_next = false;
                    }
                }
                b'{' | b'[' => {
                    self.at += 1;
                    self.nesting.push(c == b'{');
                    self.key_next = c == b'{';
                }
                b'}' | b']' => {
                    self.at += 1;
                    self.nesting.pop();
                    self.key_next = false;
                    self.secret_next = false;
                }
                b',' => {
                    self.at += 1;
                    self.secret_next = false;
                    self.key_next = self.nesting.in_object();
                }
                _ => self.at += 1,
            }
            keep(&mut out, &self.body[start..self.at]);
        }
        (out, found)
    }

    /// The end of the value that starts at `start`: a string, a container with all it
    /// holds, or a bare word (number, literal) up to the next delimiter.
    fn value_end(&self, start: usize) -> usize {
        let body = self.body;
        match body[start] {
            b'"' => string_end(body, start),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = start;
                while i < body.len() {
                    match body[i] {
                        b'"' => {
                            i = string_end(body, i);
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return i + 1;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                body.len()
            }
            _ => {
                let mut i = start;
                while i < body.len()
                    && !matches!(body[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
                {
                    i += 1;
                }
                i
            }
        }
    }
}

/// The first byte at or after `at` that is not white space.
fn next_byte(body: &[u8], at: usize) -> Option<u8> {
    body.get(at..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// The index just past the string that starts (with `"`) at `start`, or the body's
/// end when it is cut short.
fn string_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    body.len()
}

/// The text of a JSON string token (with its quotes, the closing one possibly
/// missing), its escapes read (`\u004b` is `K`).
fn unescape(token: &[u8]) -> String {
    let inner = &token[1..];
    let inner = inner.strip_suffix(b"\"").unwrap_or(inner);
    let text = String::from_utf8_lossy(inner);
    if !text.contains('\\') {
        return text.into_owned();
    }
    let quoted = format!("\"{text}\"");
    serde_json::from_str::<String>(&quoted).unwrap_or_else(|_| text.into_owned())
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

    fn shown(body: &str, max: usize, secrets: &[&str]) -> (String, bool) {
        excerpt(body.as_bytes(), max, secrets)
    }

    #[test]
    fn excerpts_hide_the_values_of_secret_keys_whatever_they_hold() {
        let body = r#"{"id": "a1", "recoveryKey": "RK-1", "data": {"k": ["x", 2]}, "n": 5, "pin": 1234, "list": [{"data": "QR-2"}], "tail": true}"#;
        let (text, found) = shown(body, 4096, &["data", "pin"]);
        assert!(found);
        assert_eq!(
            text,
            r#"{"id": "a1", "recoveryKey": "<redacted>", "data": "<redacted>", "n": 5, "pin": "<redacted>", "list": [{"data": "<redacted>"}], "tail": true}"#
        );
        // Nothing secret: the body as it is, and no value hidden.
        let (text, found) = shown(r#"{"id": "a1", "x": [1, "data"]}"#, 4096, &["data"]);
        assert_eq!(
            (text.as_str(), found),
            (r#"{"id": "a1", "x": [1, "data"]}"#, false)
        );
    }

    #[test]
    fn excerpts_hide_secrets_that_straddle_the_cut_and_spelled_otherwise() {
        // The cut falls inside the secret: nothing of it is shown.
        let (text, found) = shown(r#"{"recoveryKey": "RK-0123456789", "b": 1}"#, 22, &[]);
        assert!(found);
        assert_eq!(text, r#"{"recoveryKey": "<reda…"#);
        // A body cut short by the server inside the secret.
        let (text, _) = shown(r#"{"x": 1, "data": "QR-01234"#, 4096, &["data"]);
        assert_eq!(text, r#"{"x": 1, "data": "<redacted>""#);
        // Escaped or otherwise spelled keys are the same key.
        for body in [
            r#"{"d\u0061ta": "QR-1"}"#,
            r#"{"DATA": "QR-1"}"#,
            r#"{"backup_codes": ["QR-1"]}"#,
        ] {
            let (text, found) = shown(body, 4096, &["data", "backupCodes"]);
            assert!(found && !text.contains("QR-1"), "{body}: {text}");
        }
        // A secret beyond the excerpt is still found (the decoder's message may quote it).
        let body = format!(r#"{{"pad": "{}", "data": "QR-1"}}"#, "p".repeat(300));
        let (text, found) = shown(&body, 200, &["data"]);
        assert!(found && text.ends_with('…') && text.len() < 210, "{text}");
        // A whole body that is a secret.
        let (text, found) = shown(r#"{"a": "QR-1"}"#, 4096, &[WHOLE_BODY]);
        assert_eq!((text.as_str(), found), ("<redacted> (13 bytes)", true));
    }

    #[test]
    fn excerpts_of_deep_and_broken_bodies_stay_bounded() {
        let deep = format!(
            "{}{{\"data\": \"QR-1\"}}{}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (text, found) = shown(&deep, 200, &["data"]);
        assert!(found && text.chars().count() <= 201, "{}", text.len());
        let (text, _) = shown("<html>data: QR-1</html>", 4096, &["data"]);
        assert_eq!(
            text, "<html>data: QR-1</html>",
            "text that is no JSON is kept"
        );
        for broken in [
            "{\"data\" \"QR-1\", ]]]}}}",
            "{\"a\": 1 \"data\": \"QR-1\"}",
            "{\"a\": \"x\" \"data\" : \"QR-1\"}",
        ] {
            let (text, found) = shown(broken, 4096, &["data"]);
            assert!(found && !text.contains("QR-1"), "{broken}: {text}");
        }
    }

    #[test]
    fn json_values_and_decoder_messages_lose_their_secrets() {
        let mut value = serde_json::json!({"code": "X", "details": {"data": "QR-1", "items": [{"apiKey": "K"}]}});
        scrub_value(&mut value, &["data"]);
        assert_eq!(
            value,
            serde_json::json!({"code": "X", "details": {"data": "<redacted>", "items": [{"apiKey": "<redacted>"}]}})
        );
        assert_eq!(
            unquoted(r#"invalid type: string "RK-\"1", expected u32 at line 1 column 9"#),
            r#"invalid type: string "<redacted>", expected u32 at line 1 column 9"#
        );
        assert_eq!(
            unquoted("invalid type: integer `1234`, expected a string"),
            "invalid type: integer `<redacted>`, expected a string"
        );
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
