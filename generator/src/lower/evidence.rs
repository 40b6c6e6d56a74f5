//! What a value of each variant of an untagged union looks like (its JSON kind; for
//! objects the required, fixed and declared keys), so that the decoder picks the
//! variant a value fits best instead of the first that reads it; and a warning for
//! variants that no value can tell apart.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{Evidence, JsonKind, Ty, UnionVariant};

impl<'a> Lowerer<'a> {
    pub(super) fn variant_evidence(
        &mut self,
        variant: &ReferenceOr<Schema>,
        pointer: &str,
    ) -> Evidence {
        let Some((schema, at)) = self.resolve(variant, pointer) else {
            return Evidence::default();
        };
        let kind = json_kind(schema);
        if kind != JsonKind::Object {
            // A string enum takes only its values (anything else would be `Unknown`).
            let strings = match &schema.schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    s.enumeration.iter().flatten().cloned().collect()
                }
                SchemaKind::Any(a) => a
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            return Evidence {
                kind,
                strings,
                ..Evidence::default()
            };
        }
        let mut parts = Vec::new();
        self.object_parts(schema, &at, &mut parts, &mut HashSet::new());
        if parts.is_empty() {
            // An `allOf` of non-objects: nothing is known about it.
            return Evidence::default();
        }
        let mut evidence = Evidence {
            kind,
            ..Evidence::default()
        };
        // Write-only properties are never in a response, whatever `required` says.
        let mut write_only = Vec::new();
        for part in parts {
            for (wire, prop, prop_pointer) in part.properties {
                if !evidence.known.iter().any(|k| k == wire) {
                    evidence.known.push(wire.to_string());
                }
                if self.facts(prop, &prop_pointer).write_only {
                    write_only.push(wire);
                }
                if let Some((prop_schema, _)) = self.resolve(prop, &prop_pointer)
                    && !evidence.property_kinds.iter().any(|(k, _)| k == wire)
                {
                    evidence
                        .property_kinds
                        .push((wire.to_string(), json_kind(prop_schema)));
                }
                if let Some(value) = self.fixed_value(prop, &prop_pointer)
                    && !evidence.constants.iter().any(|(k, _)| k == wire)
                {
                    evidence.constants.push((wire.to_string(), value));
                }
            }
            for wire in part.required {
                if !write_only.contains(&wire) && !evidence.required.iter().any(|k| k == wire) {
                    evidence.required.push(wire.to_string());
                }
            }
            if let Some(AdditionalProperties::Schema(_)) = part.additional {
                evidence.open = true;
            }
        }
        // An object that declares no keys takes any key.
        evidence.open |= evidence.known.is_empty();
        evidence
    }

    /// The one value a property may have: a single-value `enum` of strings, booleans
    /// or integers (OpenAPI 3.1's `const` reads as one).
    fn fixed_value(&mut self, prop: &ReferenceOr<Box<Schema>>, pointer: &str) -> Option<Value> {
        let (schema, _) = self.resolve(prop, pointer)?;
        let values: Vec<Value> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s
                .enumeration
                .iter()
                .flatten()
                .cloned()
                .map(Value::String)
                .collect(),
            SchemaKind::Type(Type::Boolean(b)) => b
                .enumeration
                .iter()
                .flatten()
                .copied()
                .map(Value::Bool)
                .collect(),
            SchemaKind::Type(Type::Integer(i)) => i
                .enumeration
                .iter()
                .flatten()
                .copied()
                .map(Value::from)
                .collect(),
            SchemaKind::Any(a) => a
                .enumeration
                .iter()
                .filter(|v| !v.is_null())
                .cloned()
                .collect(),
            _ => return None,
        };
        match values.as_slice() {
            [only @ (Value::String(_) | Value::Bool(_))] => Some(only.clone()),
            [only @ Value::Number(n)] if n.is_i64() => Some(only.clone()),
            _ => None,
        }
    }

    /// Warns about variants that no value can tell apart: the decoder then takes the
    /// first of them that reads the value, so the later ones are never chosen.
    pub(super) fn warn_indistinguishable(&mut self, variants: &[UnionVariant], pointer: &str) {
        let mut pairs = Vec::new();
        for (j, later) in variants.iter().enumerate() {
            if let Some(earlier) = variants[..j].iter().find(|earlier| shadows(earlier, later)) {
                pairs.push(format!(
                    "`{}` is shadowed by `{}`",
                    later.name, earlier.name
                ));
            }
        }
        if pairs.is_empty() {
            return;
        }
        self.diags.push(
            Diagnostic::warning(
                Kind::AmbiguousUnion,
                pointer,
                format!(
                    "no value tells these variants apart, so the earlier one is always chosen: {}",
                    pairs.join("; ")
                ),
            )
            .with_hint("give the variants a `discriminator`, a property with a fixed value, or different required properties"),
        );
    }
}

/// The kind of JSON value a schema describes.
fn json_kind(schema: &Schema) -> JsonKind {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => JsonKind::String,
        SchemaKind::Type(Type::Integer(_)) => JsonKind::Integer,
        SchemaKind::Type(Type::Number(_)) => JsonKind::Number,
        SchemaKind::Type(Type::Boolean(_)) => JsonKind::Bool,
        SchemaKind::Type(Type::Array(_)) => JsonKind::Array,
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => JsonKind::Object,
        SchemaKind::Any(a) => match a.typ.as_deref() {
            Some("string") => JsonKind::String,
            Some("integer") => JsonKind::Integer,
            Some("number") => JsonKind::Number,
            Some("boolean") => JsonKind::Bool,
            Some("array") => JsonKind::Array,
            Some("object") => JsonKind::Object,
            _ if !a.properties.is_empty()
                || a.additional_properties.is_some()
                || !a.all_of.is_empty() =>
            {
                JsonKind::Object
            }
            _ if a.items.is_some() => JsonKind::Array,
            _ if !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_string) => {
                JsonKind::String
            }
            _ => JsonKind::Any,
        },
        _ => JsonKind::Any,
    }
}

/// Whether every value `later` can take is read as `earlier`, which comes first.
fn shadows(earlier: &UnionVariant, later: &UnionVariant) -> bool {
    let (a, b) = (&earlier.evidence, &later.evidence);
    if a.kind != b.kind {
        return false;
    }
    if a.kind == JsonKind::Object {
        let set = |v: &[String]| v.iter().cloned().collect::<std::collections::BTreeSet<_>>();
        // Same keys whose values are of different kinds: reading tells them apart.
        let kinds_differ = a.property_kinds.iter().any(|(k, kind)| {
            b.property_kinds.iter().any(|(k2, kind2)| {
                k == k2 && kind != kind2 && *kind != JsonKind::Any && *kind2 != JsonKind::Any
            })
        });
        return set(&a.required) == set(&b.required)
            && set(&a.known) == set(&b.known)
            && a.open == b.open
            && a.constants.len() == b.constants.len()
            && a.constants.iter().all(|c| b.constants.contains(c))
            && !kinds_differ;
    }
    if a.kind == JsonKind::String && !(a.strings.is_empty() && b.strings.is_empty()) {
        // Enums take only their values: shadowed only by one that takes all of them.
        return !a.strings.is_empty()
            && !b.strings.is_empty()
            && b.strings.iter().all(|v| a.strings.contains(v));
    }
    // Scalars and lists: the same type, or a first one that takes every value of
    // its kind (a plain string before a date-time).
    earlier.ty == later.ty || matches!(earlier.ty, Ty::String | Ty::Number(_) | Ty::Bool)
}
