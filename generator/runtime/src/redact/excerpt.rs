//! What an error keeps of a response body: an excerpt of its text ([`excerpt`]) or its
//! JSON ([`scrub_value`]) without the values of secret keys, and a decoder's message
//! without the values it quotes ([`unquoted`]). The rule of which keys are secret is
//! the parent module's ([`is_secret_key`]).

use serde_json::Value;

use super::{REDACTED, WHOLE_BODY, is_secret_key};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
