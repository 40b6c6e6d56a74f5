//! The event stream's protocol: what generated code says about it ([`EventsInfo`]),
//! the subscription ([`ChatSubscription`]), and what one frame from the server is.
//!
//! The client sends `{"type": "subscriptions.set", "requestID", "chatIDs"}`; the server
//! sends `ready`, `subscriptions.updated` and `error` control messages, and domain events
//! that all carry `type`, `seq` (one more per event on a connection), `chatID` and `ids`,
//! and usually `ts`.
//!
//! The connection reads only a frame's envelope ([`scan`]: its type, `seq` and `ts`, and
//! what a control message says), so that a gap in `seq` is seen at every frame, even one
//! that does not decode; the reader decodes the event itself ([`decode_event`]).

use std::fmt;

use reqwest::StatusCode;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, Visitor};
use serde_json::{Value, json};

use super::de::Key;
use super::error::{DecodeError, Error, StatusError};

/// What the generated code tells the runtime about the event stream.
#[derive(Debug)]
pub struct EventsInfo {
    /// Path of the WebSocket, appended to the client's base URL.
    pub path: &'static str,
    /// The property that names an event's type (`type`).
    pub tag: &'static str,
    /// The tag value of the event the SDK yields after a reconnect or a `seq` gap.
    pub resync: &'static str,
    /// Security requirements, any one of which the upgrade request may carry (each
    /// names schemes sent together).
    pub auth: &'static [&'static [&'static str]],
    /// Whether the upgrade request may also carry no credential.
    pub auth_optional: bool,
}

/// Which chats to receive events of.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatSubscription {
    /// Every chat (`["*"]` on the wire).
    All,
    /// Just these chats. The server refuses `*` mixed with IDs.
    Only(Vec<String>),
    /// No events at all, until the subscription changes (`[]` on the wire).
    Paused,
}

impl ChatSubscription {
    /// Just these chats.
    pub fn only<I, S>(ids: I) -> ChatSubscription
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ChatSubscription::Only(ids.into_iter().map(Into::into).collect())
    }

    pub(crate) fn wire(&self) -> Vec<String> {
        match self {
            ChatSubscription::All => vec!["*".to_string()],
            ChatSubscription::Only(ids) => ids.clone(),
            ChatSubscription::Paused => Vec::new(),
        }
    }
}

/// One frame from the server, decoded.
#[derive(Debug)]
#[non_exhaustive]
pub enum Frame<E> {
    /// The connection is ready; the subscription in force.
    Ready {
        /// The chats subscribed to (`*` for all).
        chat_ids: Vec<String>,
    },
    /// The answer to `subscriptions.set`.
    SubscriptionsUpdated {
        /// The ID of the command this answers, if it had one.
        request_id: Option<String>,
        /// The chats now subscribed to (`*` for all).
        chat_ids: Vec<String>,
    },
    /// A command was refused.
    Refused {
        /// The ID of the refused command, if it had one.
        request_id: Option<String>,
        /// Why it was refused.
        error: Error,
    },
    /// An event, with its `seq` and `ts` when it has them.
    Event {
        /// The event's sequence number.
        seq: Option<i64>,
        /// The server's time when it sent the event, in milliseconds since the Unix epoch.
        ts: Option<i64>,
        /// The event itself.
        event: E,
    },
}

/// Label of the stream in errors.
pub(crate) const STREAM: &str = "WS events";

/// Decodes one text frame. A frame that is not JSON, or an event of a known type
/// with the wrong shape, is an [`Error::Decode`] with the JSON path that failed;
/// an event of a type `E` does not know is decoded as `E`'s unknown variant.
/// Without knowing the API's secret fields, no excerpt shows anything of the frame.
pub fn decode_frame<E: DeserializeOwned>(text: &str) -> Result<Frame<E>, Error> {
    let secrets = &[crate::WHOLE_BODY];
    let (envelope, _) = scan(text);
    match envelope.control {
        Some(control) => Ok(control_frame(control, envelope, text, secrets)),
        None => Ok(Frame::Event {
            seq: envelope.seq,
            ts: envelope.ts,
            event: decode_event(text, secrets)?,
        }),
    }
}

fn control_frame<E>(
    control: Control,
    envelope: Envelope,
    text: &str,
    secrets: &[&str],
) -> Frame<E> {
    match control {
        Control::Ready => Frame::Ready {
            chat_ids: envelope.chat_ids,
        },
        Control::Updated => Frame::SubscriptionsUpdated {
            request_id: envelope.request_id,
            chat_ids: envelope.chat_ids,
        },
        Control::Refused => Frame::Refused {
            request_id: envelope.request_id,
            error: refusal(text, secrets),
        },
    }
}

/// The server's refusal of a command, as an [`Error::Status`] of kind `BadRequest`
/// with its `code` and `message`; the values of `secrets` (the API's secret wire names,
/// see `redact/`) are left out of its body.
pub(crate) fn refusal(text: &str, secrets: &[&str]) -> Error {
    Error::Status(Box::new(StatusError::new(
        StatusCode::BAD_REQUEST,
        Default::default(),
        text.as_bytes(),
        STREAM.into(),
        1,
        secrets,
    )))
}

/// Decodes an event frame as `E`; an error names the JSON path that failed, and its
/// excerpt leaves out the values of `secrets`.
pub(crate) fn decode_event<E: DeserializeOwned>(text: &str, secrets: &[&str]) -> Result<E, Error> {
    let source = match serde_json::from_str::<E>(text) {
        Ok(event) => return Ok(event),
        Err(source) => source,
    };
    // Decoded again, tracking the path, only now that it failed: an event that
    // decodes pays nothing for it.
    let mut reader = serde_json::Deserializer::from_str(text);
    let path = match serde_path_to_error::deserialize::<_, E>(&mut reader) {
        // `?` stands for a key that was never read (the frame ended first).
        Err(e) => e.path().to_string().trim_end_matches(".?").to_string(),
        Ok(_) => ".".to_string(),
    };
    Err(Error::Decode(Box::new(DecodeError::new(
        StatusCode::SWITCHING_PROTOCOLS,
        path,
        text.as_bytes(),
        512,
        secrets,
        STREAM.into(),
        1,
        source,
    ))))
}

/// What may have been missed: the SDK's own event, made as `E`'s resync variant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resync {
    pub(crate) reason: &'static str,
    /// The subscription at the time (`*`: every chat).
    pub(crate) chat_ids: Vec<String>,
    /// `ts` of the last event received before the gap.
    pub(crate) since: Option<i64>,
    /// `seq` of the last event received before the gap.
    pub(crate) last_seq: Option<i64>,
}

impl Resync {
    /// One resync for two in a row, with nothing between them: what the first one
    /// covers (it goes back further), for the chats of both.
    pub(crate) fn merge(&mut self, later: Resync) {
        let all = |ids: &[String]| ids.iter().any(|id| id == "*");
        if all(&self.chat_ids) || all(&later.chat_ids) {
            self.chat_ids = vec!["*".to_string()];
        } else {
            for id in later.chat_ids {
                if !self.chat_ids.contains(&id) {
                    self.chat_ids.push(id);
                }
            }
        }
    }

    /// As `E`, through its decoder like any event (the SDK's own JSON: no secret in it).
    pub(crate) fn event<E: DeserializeOwned>(&self, info: &EventsInfo) -> Result<E, Error> {
        let mut value = json!({
            "reason": self.reason,
            "chatIDs": self.chat_ids,
            "since": self.since,
            "lastSeq": self.last_seq,
        });
        value[info.tag] = Value::String(info.resync.to_string());
        decode_event(&value.to_string(), &[])
    }
}

/// A control message's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    Ready,
    Updated,
    Refused,
}

/// What the connection reads of a frame: enough to track `seq` and to answer the
/// control messages. Fields are filled as they are read, so that a frame cut short or
/// malformed after its `seq` still gives its `seq`.
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    /// A control message, when the frame is one and could be read whole.
    pub(crate) control: Option<Control>,
    pub(crate) seq: Option<i64>,
    pub(crate) ts: Option<i64>,
    pub(crate) request_id: Option<String>,
    pub(crate) chat_ids: Vec<String>,
}

/// Reads a frame's envelope; the error, if the frame is not whole, valid JSON (an event
/// that starts as the API documents, `{"type":"…","seq":…,"ts":…,`, is read only that
/// far: the rest is the reader's to decode).
pub(crate) fn scan(text: &str) -> (Envelope, Option<serde_json::Error>) {
    if let Some(envelope) = documented_start(text) {
        return (envelope, None);
    }
    let mut envelope = Envelope::default();
    let mut control = None;
    let mut reader = serde_json::Deserializer::from_str(text);
    let read = EnvelopeSeed {
        envelope: &mut envelope,
        control: &mut control,
    }
    .deserialize(&mut reader)
    .and_then(|()| reader.end());
    match read {
        Ok(()) => {
            envelope.control = control;
            (envelope, None)
        }
        Err(e) => (envelope, Some(e)),
    }
}

/// The envelope of an event that starts exactly as the API's documentation shows (and
/// servers write): `{"type":"<event>","seq":<integer>,"ts":<integer>` then `,` or `}`,
/// without spaces or escapes; `None` for anything else, which is then read in full.
fn documented_start(text: &str) -> Option<Envelope> {
    let rest = text.strip_prefix(r#"{"type":""#)?;
    let end = rest.find('"')?;
    let kind = &rest[..end];
    if kind.contains('\\') || matches!(kind, "ready" | "subscriptions.updated" | "error") {
        return None;
    }
    let (seq, rest) = integer(rest[end + 1..].strip_prefix(r#","seq":"#)?)?;
    let (ts, rest) = integer(rest.strip_prefix(r#","ts":"#)?)?;
    matches!(rest.as_bytes().first(), Some(b',' | b'}')).then(|| Envelope {
        seq: Some(seq),
        ts: Some(ts),
        ..Envelope::default()
    })
}

/// A JSON integer at the start of `text` that fits an `i64`, and what follows it.
fn integer(text: &str) -> Option<(i64, &str)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let end = text.len() - digits.len() + len;
    // JSON has no leading zeros (`012`) nor fractions or exponents here.
    let leading_zero = len > 1 && digits.starts_with('0');
    if len == 0 || leading_zero || matches!(text.as_bytes().get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    Some((text[..end].parse().ok()?, &text[end..]))
}

struct EnvelopeSeed<'a> {
    envelope: &'a mut Envelope,
    control: &'a mut Option<Control>,
}

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "type" => {
                    *self.control = match map.next_value::<Scalar>()? {
                        Scalar::Str(s) if s == "ready" => Some(Control::Ready),
                        Scalar::Str(s) if s == "subscriptions.updated" => Some(Control::Updated),
                        Scalar::Str(s) if s == "error" => Some(Control::Refused),
                        _ => None,
                    }
                }
                "seq" => self.envelope.seq = map.next_value::<Scalar>()?.int(),
                "ts" => self.envelope.ts = map.next_value::<Scalar>()?.int(),
                "requestID" => {
                    if let Scalar::Str(s) = map.next_value::<Scalar>()? {
                        self.envelope.request_id = Some(s);
                    }
                }
                "chatIDs" => self.envelope.chat_ids = map.next_value::<Strings>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    // Anything but an object has no envelope; it is still read through, so that the
    // reader's decoder reports what is wrong with it.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A value of the envelope, whatever its type: an integer or a string are kept, and
/// anything else is read through and dropped.
enum Scalar {
    Int(i64),
    Str(String),
    Other,
}

impl Scalar {
    fn int(self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(i),
            _ => None,
        }
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map_or(Scalar::Other, Scalar::Int))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// The strings of a list (other items dropped); not a list: none.
struct Strings(Vec<String>);

impl<'de> de::Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Strings, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Scalar>()? {
                    if let Scalar::Str(s) = item {
                        out.push(s);
                    }
                }
                Ok(Strings(out))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Strings, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Strings(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Strings, E> {
                Ok(Strings(Vec::new()))
            }
        }
        deserializer.deserialize_any(StringsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read_up_to_where_a_frame_breaks() {
        let (envelope, error) =
            scan(r#"{"type": "message.upserted", "chatID": "c", "seq": 5, "ids": ["m"#);
        assert_eq!((envelope.seq, envelope.ts), (Some(5), None));
        assert!(error.is_some());
        assert_eq!(envelope.control, None);
        // Wrong types in the envelope are dropped, the rest is read.
        let (envelope, error) = scan(r#"{"seq": "5", "ts": {"a": [1]}, "type": "x", "n": 1.5}"#);
        assert_eq!(
            (envelope.seq, envelope.ts, error.is_none()),
            (None, None, true)
        );
        let (envelope, _) = scan("[1, 2]");
        assert_eq!(envelope.seq, None);
        let (_, error) = scan("{not json");
        assert!(error.is_some());
    }

    #[test]
    fn an_event_that_starts_as_documented_is_read_only_that_far() {
        let (envelope, error) = scan(r#"{"type":"message.upserted","seq":5,"ts":-9,"ids":[1, }}}"#);
        assert_eq!(
            (envelope.seq, envelope.ts, error.is_none()),
            (Some(5), Some(-9), true)
        );
        // Anything else is read in full, as JSON.
        for text in [
            r#"{"type": "message.upserted", "seq": 5, "ts": 9, "ids": [1, }}}"#,
            r#"{"type":"message.upserted","seq":05,"ts":9,"ids":[1, }}}"#,
            r#"{"type":"message.upserted","seq":5.0,"ts":9,"ids":[1, }}}"#,
            r#"{"type":"message.upserted","seq":5,"ts":99999999999999999999,"ids":[1, }}}"#,
            r#"{"type":"message.upserted","seq":5,"ts":9 ,"ids":[1, }}}"#,
        ] {
            assert!(scan(text).1.is_some(), "{text}");
        }
        // A control message is read whole.
        let (envelope, _) = scan(r#"{"type":"error","seq":1,"ts":2,"requestID":"r9","code":"X"}"#);
        assert_eq!(envelope.control, Some(Control::Refused));
        assert_eq!(envelope.request_id.as_deref(), Some("r9"));
    }

    #[test]
    fn control_messages_are_known_only_when_read_whole() {
        let (envelope, _) = scan(
            r#"{"type": "subscriptions.updated", "requestID": "r1", "chatIDs": ["a", 1, "b"]}"#,
        );
        assert_eq!(envelope.control, Some(Control::Updated));
        assert_eq!(envelope.request_id.as_deref(), Some("r1"));
        assert_eq!(envelope.chat_ids, ["a", "b"]);
        let (envelope, _) = scan(r#"{"type": "ready", "chatIDs": ["#);
        assert_eq!(envelope.control, None);
    }

    #[test]
    fn resyncs_in_a_row_cover_the_chats_of_both() {
        let resync = |ids: &[&str], since| Resync {
            reason: "gap",
            chat_ids: ids.iter().map(|s| s.to_string()).collect(),
            since,
            last_seq: None,
        };
        let mut first = resync(&["a"], Some(1));
        first.merge(resync(&["b", "a"], Some(5)));
        assert_eq!(first, resync(&["a", "b"], Some(1)));
        first.merge(resync(&["*"], None));
        assert_eq!(first, resync(&["*"], Some(1)));
    }
}
