//! Tagged unions (a `discriminator`), read in one pass: the variant's fields are decoded
//! straight from the input, without a `serde_json::Value` in between, so that a union
//! decodes as fast as its variant alone and an error inside the variant names its JSON
//! path. That needs the tag before the other keys, as servers write it; the values of
//! keys that come before the tag are set aside as their JSON text (borrowed from the
//! input, not decoded) and decoded from it once the tag is known (an error inside one of
//! those names its key in the message, after the path of the union). A tag value the
//! union does not know, a missing tag, or a value that is not an object is kept as JSON.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::Value;

use super::key::Key;
use super::raw::{CaptureSeed, Captured};

/// A tagged union, as generated code describes it to [`tagged`].
pub trait Tagged: Sized {
    /// The property whose value names the variant (`type`).
    const TAG: &'static str;

    /// The variant a tag value selects (a number of the union's choosing), or `None`
    /// for a value the union does not know.
    fn variant(tag: &str) -> Option<u16>;

    /// Reads the variant [`variant`](Self::variant) chose from `deserializer`, which
    /// yields the whole object, the tag included.
    fn read<'de, D: Deserializer<'de>>(variant: u16, deserializer: D) -> Result<Self, D::Error>;

    /// A value the union does not know, kept as it arrived.
    fn unknown(value: Value) -> Self;
}

/// Reads a [`Tagged`] union: what its `Deserialize` impl calls.
pub fn tagged<'de, D: Deserializer<'de>, T: Tagged>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<T: Tagged> TaggedVisitor<T> {
    /// Anything but an object: kept as JSON.
    fn other<E: de::Error>(value: Value) -> Result<T, E> {
        Ok(T::unknown(value))
    }
}

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before: Vec<(String, Captured<'de>)> = Vec::new();
        loop {
            let Some(key) = map.next_key::<Key<'de>>()? else {
                return as_json(before).map(|object| T::unknown(Value::Object(object)));
            };
            if key.as_str() != T::TAG {
                let value = map.next_value_seed(CaptureSeed)?;
                before.push((key.into_string(), value));
                continue;
            }
            let tag = map.next_value::<TagValue<'de>>()?;
            let variant = match &tag {
                TagValue::Text(text) => T::variant(text),
                TagValue::Other(_) => None,
            };
            return match variant {
                Some(variant) => T::read(
                    variant,
                    MapAccessDeserializer::new(Replay {
                        before: before.into_iter(),
                        tag: Some(tag),
                        value: None,
                        rest: map,
                        tag_name: T::TAG,
                    }),
                ),
                None => {
                    let mut object = as_json(before)?;
                    object.insert(T::TAG.to_string(), tag.into_value());
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        object.insert(k, v);
                    }
                    Ok(T::unknown(Value::Object(object)))
                }
            };
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let value = serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Self::other(value)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Self::other(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::other(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::other(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Self::other(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::other(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Self::other(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Self::other(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Self::other(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The values set aside before the tag, as JSON.
fn as_json<E: de::Error>(
    before: Vec<(String, Captured<'_>)>,
) -> Result<serde_json::Map<String, Value>, E> {
    before
        .into_iter()
        .map(|(k, v)| v.into_value().map(|v| (k, v)).map_err(E::custom))
        .collect()
}

/// The tag's value: text (borrowed from the input when it can be), or any other JSON.
enum TagValue<'de> {
    Text(Cow<'de, str>),
    Other(Value),
}

impl TagValue<'_> {
    fn into_value(self) -> Value {
        match self {
            TagValue::Text(text) => Value::String(text.into_owned()),
            TagValue::Other(value) => value,
        }
    }
}

impl<'de> Deserialize<'de> for TagValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl<'de> Visitor<'de> for TagVisitor {
            type Value = TagValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tag")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Text(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::from(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<TagValue<'de>, E> {
                Ok(TagValue::Other(Value::Null))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<TagValue<'de>, A::Error> {
                Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(TagValue::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagValue<'de>, A::Error> {
                Deserialize::deserialize(MapAccessDeserializer::new(map)).map(TagValue::Other)
            }
        }
        deserializer.deserialize_any(TagVisitor)
    }
}

/// The tag's text as a value for the variant: a string, also where the variant's field
/// is optional (`Option<T>` asks for an option, which a plain string deserializer does
/// not give).
struct TagText<'de, E> {
    text: Cow<'de, str>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for TagText<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.text {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// What `Replay` yields for a key before its value: a value read before the tag, or the
/// tag's own.
enum Held<'de> {
    Before(String, Captured<'de>),
    Tag(TagValue<'de>),
}

/// The object again for the variant: the keys read before the tag, the tag, then the
/// rest straight from the input.
struct Replay<'de, A> {
    before: std::vec::IntoIter<(String, Captured<'de>)>,
    tag: Option<TagValue<'de>>,
    /// The value of the key just yielded, before or the tag's.
    value: Option<Held<'de>>,
    rest: A,
    tag_name: &'static str,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            let name: StringDeserializer<A::Error> = key.clone().into_deserializer();
            self.value = Some(Held::Before(key, value));
            return seed.deserialize(name).map(Some);
        }
        if let Some(tag) = self.tag.take() {
            self.value = Some(Held::Tag(tag));
            let name = BorrowedStrDeserializer::<A::Error>::new(self.tag_name);
            return seed.deserialize(name).map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(Held::Before(key, value)) => {
                let at = |e: serde_json::Error| de::Error::custom(format_args!("at `{key}`: {e}"));
                match value {
                    Captured::Text(Cow::Borrowed(text)) => seed
                        .deserialize(&mut serde_json::Deserializer::from_str(text))
                        .map_err(at),
                    other => seed
                        .deserialize(other.into_value().map_err(at)?)
                        .map_err(at),
                }
            }
            Some(Held::Tag(TagValue::Text(text))) => seed.deserialize(TagText {
                text,
                error: PhantomData,
            }),
            Some(Held::Tag(TagValue::Other(value))) => seed
                .deserialize(value)
                .map_err(|e| de::Error::custom(format_args!("at `{}`: {e}", self.tag_name))),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest
            .size_hint()
            .map(|n| n + self.before.len() + usize::from(self.tag.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Circle {
        // Optional, as a variant may declare its tag.
        kind: Option<String>,
        radius: u32,
        center: Option<Vec<i32>>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Square {
        kind: String,
        side: u32,
    }

    #[derive(Debug, PartialEq)]
    enum Shape {
        Circle(Circle),
        Square(Square),
        Unknown(Value),
    }

    impl Tagged for Shape {
        const TAG: &'static str = "kind";
        fn variant(tag: &str) -> Option<u16> {
            match tag {
                "circle" => Some(0),
                "square" => Some(1),
                _ => None,
            }
        }
        fn read<'de, D: Deserializer<'de>>(
            variant: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            match variant {
                0 => Deserialize::deserialize(deserializer).map(Shape::Circle),
                _ => Deserialize::deserialize(deserializer).map(Shape::Square),
            }
        }
        fn unknown(value: Value) -> Self {
            Shape::Unknown(value)
        }
    }

    impl<'de> Deserialize<'de> for Shape {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            tagged(deserializer)
        }
    }

    fn path_of(text: &str) -> (String, String) {
        let mut reader = serde_json::Deserializer::from_str(text);
        let e = serde_path_to_error::deserialize::<_, Shape>(&mut reader).unwrap_err();
        (e.path().to_string(), e.into_inner().to_string())
    }

    #[test]
    fn the_tag_picks_the_variant_wherever_it_is_and_whatever_the_input() {
        let circle = Shape::Circle(Circle {
            kind: Some("circle".into()),
            radius: 2,
            center: Some(vec![1, -1]),
        });
        for text in [
            r#"{"kind": "circle", "radius": 2, "center": [1, -1]}"#,
            r#"{"radius": 2, "kind": "circle", "center": [1, -1]}"#,
            r#"{"radius": 2, "center": [1, -1], "kind": "circle"}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<Shape>(text).unwrap(),
                circle,
                "{text}"
            );
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(Shape::deserialize(&value).unwrap(), circle, "{text}");
            assert_eq!(
                serde_json::from_value::<Shape>(value).unwrap(),
                circle,
                "{text}"
            );
            let mut reader = std::io::Cursor::new(text.as_bytes());
            assert_eq!(
                serde_json::from_reader::<_, Shape>(&mut reader).unwrap(),
                circle
            );
        }
        assert_eq!(
            serde_json::from_str::<Shape>(r#"{"side": 3, "kind": "square"}"#).unwrap(),
            Shape::Square(Square {
                kind: "square".into(),
                side: 3
            })
        );
    }

    #[test]
    fn what_the_union_does_not_know_is_kept_as_json() {
        for text in [
            r#"{"kind": "triangle", "sides": [3, 4, 5]}"#,
            r#"{"sides": [3, 4, 5], "kind": "triangle"}"#,
            r#"{"sides": [3, 4, 5]}"#,
            r#"{"kind": 7}"#,
            r#"{"kind": null}"#,
            r#"{}"#,
            r#"[1, "circle"]"#,
            r#""circle""#,
            "12",
            "null",
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                serde_json::from_str::<Shape>(text).unwrap(),
                Shape::Unknown(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn an_error_inside_the_variant_names_its_path() {
        assert_eq!(
            path_of(r#"{"kind": "circle", "radius": 2, "center": [1, "x"]}"#).0,
            "center[1]"
        );
        assert_eq!(path_of(r#"{"kind": "circle", "radius": -2}"#).0, "radius");
        // Before the tag: the key is in the message.
        let (path, message) = path_of(r#"{"radius": 2, "center": [1, "x"], "kind": "circle"}"#);
        assert_eq!(path, ".");
        assert!(
            message.starts_with("at `center`: invalid type"),
            "{message}"
        );
        let (_, message) = path_of(r#"{"kind": "square"}"#);
        assert!(message.contains("missing field `side`"), "{message}");
    }
}
