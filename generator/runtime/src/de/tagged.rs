//! Tagged unions (a `discriminator`), read in one pass: the variant's fields are decoded
//! straight from the input, without a `serde_json::Value` in between, so that a union
//! decodes as fast as its variant alone and an error inside the variant names its JSON
//! path. That needs the tag before the other keys, as servers write it; keys that come
//! before the tag are read as JSON first and replayed (an error inside one of those
//! names its place in the message, after the path of the union). A tag value the union
//! does not know, a missing tag, or a value that is not an object is kept as JSON.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::Value;

use super::key::Key;

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
        let mut before: Vec<(String, Value)> = Vec::new();
        loop {
            let Some(key) = map.next_key::<Key<'de>>()? else {
                return Ok(T::unknown(Value::Object(before.into_iter().collect())));
            };
            if key.as_str() != T::TAG {
                let value = map.next_value::<Value>()?;
                before.push((key.into_string(), value));
                continue;
            }
            let tag = map.next_value::<Value>()?;
            return match tag.as_str().and_then(T::variant) {
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
                    let mut object: serde_json::Map<String, Value> = before.into_iter().collect();
                    object.insert(T::TAG.to_string(), tag);
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

/// The object again for the variant: the keys read before the tag, the tag, then the
/// rest straight from the input.
struct Replay<A> {
    before: std::vec::IntoIter<(String, Value)>,
    tag: Option<Value>,
    /// The value of the key just yielded from `before` (or the tag's), with its key.
    value: Option<(String, Value)>,
    rest: A,
    tag_name: &'static str,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            let name: StringDeserializer<A::Error> = key.clone().into_deserializer();
            self.value = Some((key, value));
            return seed.deserialize(name).map(Some);
        }
        if let Some(tag) = self.tag.take() {
            self.value = Some((self.tag_name.to_string(), tag));
            let name = BorrowedStrDeserializer::<A::Error>::new(self.tag_name);
            return seed.deserialize(name).map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some((key, value)) => seed
                .deserialize(value)
                .map_err(|e| de::Error::custom(format_args!("at `{key}`: {e}"))),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest
            .size_hint()
            .map(|n| n + self.before.len() + usize::from(self.tag.is_some()))
    }
}
