//! Small pieces the generated `Deserialize` impls share.
//!
//! Structs are read by hand-written visitors rather than `#[derive(Deserialize)]`
//! with `#[serde(flatten)]`, so that unknown keys are kept without buffering the whole
//! object: a response decodes about as fast as with a plain derive.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// An object key, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads a string enum: `known` maps the values the SDK knows, anything else is kept
/// by `unknown`. Allocates only for unknown values.
pub fn string_enum<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct EnumVisitor<T> {
        expecting: &'static str,
        known: fn(&str) -> Option<T>,
        unknown: fn(String) -> T,
        marker: PhantomData<T>,
    }
    impl<'de, T> Visitor<'de> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.known)(v).unwrap_or_else(|| (self.unknown)(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            match (self.known)(&v) {
                Some(t) => Ok(t),
                None => Ok((self.unknown)(v)),
            }
        }
    }
    deserializer.deserialize_str(EnumVisitor {
        expecting,
        known,
        unknown,
        marker: PhantomData,
    })
}

/// The error for a required field that is missing.
pub fn missing<E: de::Error>(field: &'static str) -> E {
    E::missing_field(field)
}
