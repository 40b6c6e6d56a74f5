//! Builds a `serde_json::Value` from any self-describing deserializer (serde_yaml,
//! serde_json), more leniently than `Value`'s own `Deserialize`:
//! - integers outside the i64/u64 range become floats, with a warning at their place;
//! - mapping keys that are not strings in YAML (`200:`, `true:`) become strings.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, escape_token_into};

struct Context {
    /// Reference tokens from the root to the node being read.
    path: Vec<String>,
    lossy: Vec<(String, String)>,
}

pub fn read<'de, D: Deserializer<'de>>(de: D, diags: &mut Diagnostics) -> Result<Value, D::Error> {
    let ctx = RefCell::new(Context {
        path: Vec::new(),
        lossy: Vec::new(),
    });
    let value = ValueSeed { ctx: &ctx }.deserialize(de)?;
    for (pointer, literal) in ctx.into_inner().lossy {
        diags.push(
            Diagnostic::warning(
                Kind::LossyNumber,
                pointer,
                format!("the integer {literal} is outside the 64-bit range; it is read as a floating-point number"),
            )
            .with_hint("use a value within -9223372036854775808..=18446744073709551615"),
        );
    }
    Ok(value)
}

#[derive(Clone, Copy)]
struct ValueSeed<'c> {
    ctx: &'c RefCell<Context>,
}

impl ValueSeed<'_> {
    fn lossy(&self, literal: String) {
        let mut ctx = self.ctx.borrow_mut();
        let mut pointer = String::new();
        for token in &ctx.path {
            pointer.push('/');
            escape_token_into(&mut pointer, token);
        }
        ctx.lossy.push((pointer, literal));
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        if let Ok(i) = i64::try_from(v) {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = u64::try_from(v) {
            return Ok(Value::Number(u.into()));
        }
        self.lossy(v.to_string());
        Ok(Number::from_f64(v as f64).map_or(Value::Null, Value::Number))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        if let Ok(u) = u64::try_from(v) {
            return Ok(Value::Number(u.into()));
        }
        self.lossy(v.to_string());
        Ok(Number::from_f64(v as f64).map_or(Value::Null, Value::Number))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // YAML allows .inf and .nan, which JSON cannot hold; they become null.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        self.deserialize(de)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        self.deserialize(de)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tagged value (`!tag value`): keep the value, drop the tag.
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            self.ctx.borrow_mut().path.push(items.len().to_string());
            let next = seq.next_element_seed(self);
            self.ctx.borrow_mut().path.pop();
            match next? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            self.ctx.borrow_mut().path.push(key.clone());
            let value = map.next_value_seed(self);
            self.ctx.borrow_mut().path.pop();
            out.insert(key, value?);
        }
        Ok(Value::Object(out))
    }
}

/// Reads a mapping key as a string, whatever scalar it is.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<String, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}
