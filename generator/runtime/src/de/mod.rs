//! Small pieces the generated `Deserialize` impls share.
//!
//! Structs are read by hand-written visitors rather than `#[derive(Deserialize)]`
//! with `#[serde(flatten)]`, so that unknown keys are kept without buffering the whole
//! object: a response decodes about as fast as with a plain derive. Tagged unions are
//! read in one pass too ([`tagged`]), and a list the spec marks best effort keeps the
//! items that do not decode as JSON ([`BestEffort`]). Date-times take a fast path for
//! the common RFC 3339 form ([`Rfc3339`]).

mod best_effort;
mod key;
mod raw;
mod tagged;
mod time;

pub use best_effort::{BestEffort, HoldsUndecoded, Undecoded, hide_secrets};
pub use key::Key;
pub use tagged::{Tagged, tagged};
pub use time::Rfc3339;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

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

/// The JSON kind of value a union variant reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// Anything (a nested union, any JSON value).
    Any,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A JSON string.
    String,
    /// A number without a fraction.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Bool,
}

/// A fixed value of a property: a single-value `enum` or a `const`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constant {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
}

impl Constant {
    fn matches(self, value: &serde_json::Value) -> bool {
        match self {
            Constant::Str(s) => value.as_str() == Some(s),
            Constant::Bool(b) => value.as_bool() == Some(b),
            Constant::Int(i) => value.as_i64() == Some(i),
        }
    }
}

/// What the spec says a value of one variant of an untagged union looks like; the
/// generator writes one per variant.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    /// The kind of JSON value the variant reads.
    pub kind: JsonKind,
    /// Keys the variant requires.
    pub required: &'static [&'static str],
    /// Keys with a fixed value (required or not).
    pub constants: &'static [(&'static str, Constant)],
    /// Every key the variant declares.
    pub known: &'static [&'static str],
    /// The variant takes any key (a map, or typed additional properties).
    pub open: bool,
    /// The only strings a string enum variant takes (empty: any string).
    pub strings: &'static [&'static str],
}

impl Evidence {
    /// A variant that is not an object: only its kind is known.
    pub const fn of(kind: JsonKind) -> Self {
        Evidence {
            kind,
            required: &[],
            constants: &[],
            known: &[],
            open: false,
            strings: &[],
        }
    }

    /// A string enum variant: it takes only these values.
    pub const fn strings(strings: &'static [&'static str]) -> Self {
        Evidence {
            strings,
            ..Evidence::of(JsonKind::String)
        }
    }

    /// An object variant.
    pub const fn object(
        required: &'static [&'static str],
        constants: &'static [(&'static str, Constant)],
        known: &'static [&'static str],
        open: bool,
    ) -> Self {
        Evidence {
            kind: JsonKind::Object,
            required,
            constants,
            known,
            open,
            strings: &[],
        }
    }

    /// `None` when the value cannot be this variant: the wrong kind, a required key
    /// missing, or a fixed value that differs. Otherwise a score that is higher the
    /// better the value fits: fixed values matched, then required keys present, then
    /// fewer undeclared keys, then more declared keys present, then fewer declared
    /// keys absent (of two variants that declare every key of the value, the one that
    /// declares least besides).
    fn score(&self, value: &serde_json::Value) -> Option<Score> {
        use serde_json::Value;
        let kind_fits = match (self.kind, value) {
            (JsonKind::Any, _) => true,
            (JsonKind::Object, Value::Object(_))
            | (JsonKind::Array, Value::Array(_))
            | (JsonKind::String, Value::String(_))
            | (JsonKind::Number, Value::Number(_))
            | (JsonKind::Bool, Value::Bool(_)) => true,
            (JsonKind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            _ => false,
        };
        if !kind_fits {
            return None;
        }
        if let (false, Value::String(s)) = (self.strings.is_empty(), value) {
            // One of the enum's values is evidence; another string is not this variant.
            return self
                .strings
                .contains(&s.as_str())
                .then_some((1, 0, 0, 0, 0));
        }
        let Value::Object(map) = value else {
            return Some((0, 0, 0, 0, 0));
        };
        if !self.required.iter().all(|k| map.contains_key(*k)) {
            return None;
        }
        let mut constants = 0;
        for (key, constant) in self.constants {
            match map.get(*key) {
                // `null` says nothing: a nullable property may hold it.
                None | Some(Value::Null) => {}
                Some(v) if constant.matches(v) => constants += 1,
                Some(_) => return None,
            }
        }
        let known = map
            .keys()
            .filter(|k| self.known.contains(&k.as_str()))
            .count();
        let unknown = if self.open { 0 } else { map.len() - known };
        let absent = self.known.len().saturating_sub(known);
        Some((
            constants,
            self.required.len(),
            -(unknown as isize),
            known,
            -(absent as isize),
        ))
    }
}

/// How well a value fits a variant, compared in order (see `Evidence::score`).
type Score = (usize, usize, isize, usize, isize);

/// The variants a value may be, best fit first; variants that fit equally well keep
/// the spec's order, so order decides only between variants the data cannot tell
/// apart. Variants the value cannot be are left out.
pub fn rank_variants(value: &serde_json::Value, variants: &[Evidence]) -> Vec<usize> {
    let mut scored: Vec<(usize, Score)> = variants
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((i, e.score(value)?)))
        .collect();
    // Stable: equal scores stay in declaration order.
    scored.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(i, _)| i).collect()
}
