//! A value's JSON text as serde_json reads it, without decoding it: borrowed from the
//! input when the input is in memory. For values decoded later (best-effort items, keys
//! of a tagged union that come before its tag).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A value as read, before decoding: its JSON text, or (from a deserializer that is
/// not serde_json's) the value itself.
pub(super) enum Captured<'de> {
    Text(Cow<'de, str>),
    Value(Value),
}

/// The name by which serde_json's deserializers hand over a value's raw text (the
/// protocol of its `RawValue`, which this follows to borrow the text where `Box<RawValue>`
/// would copy it). Another deserializer reads the value as JSON instead.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl Captured<'_> {
    /// The value as JSON.
    pub(super) fn into_value(self) -> Result<Value, serde_json::Error> {
        match self {
            Captured::Text(text) => serde_json::from_str(&text),
            Captured::Value(value) => Ok(value),
        }
    }
}

/// [`capture`] as a seed, for `MapAccess::next_value_seed`.
pub(super) struct CaptureSeed;

impl<'de> de::DeserializeSeed<'de> for CaptureSeed {
    type Value = Captured<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Captured<'de>, D::Error> {
        capture(deserializer)
    }
}

pub(super) fn capture<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Captured<'de>, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, CaptureVisitor)
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    /// serde_json's raw text: one entry, the token and the text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
        let Some(key) = map.next_key::<Text<'de>>()? else {
            return Ok(Captured::Value(Value::Object(Default::default())));
        };
        if key.0 == RAW_VALUE_TOKEN {
            return Ok(Captured::Text(map.next_value::<Text<'de>>()?.0));
        }
        // A map from a deserializer that does not know the token: the value itself.
        let mut object = serde_json::Map::new();
        object.insert(key.0.into_owned(), map.next_value()?);
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            object.insert(k, v);
        }
        Ok(Captured::Value(Value::Object(object)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Captured<'de>, D::Error> {
        Value::deserialize(deserializer).map(Captured::Value)
    }
}

/// A string, borrowed from the input when it can be.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_a_value_in_memory_is_borrowed_as_serde_json_hands_it_over() {
        // serde_json's protocol for raw values, followed by `capture`: should its token
        // change, this fails (the values would still decode, through `Value`).
        let mut reader = serde_json::Deserializer::from_str(r#"{"id": "a", "n": [1, 2]}"#);
        match capture(&mut reader).unwrap() {
            Captured::Text(Cow::Borrowed(text)) => assert_eq!(text, r#"{"id": "a", "n": [1, 2]}"#),
            Captured::Text(Cow::Owned(_)) => panic!("copied"),
            Captured::Value(_) => panic!("read as a Value"),
        }
        let value = serde_json::json!({"id": "a"});
        assert!(matches!(
            capture(&value).unwrap(),
            Captured::Text(Cow::Owned(_))
        ));
    }
}
