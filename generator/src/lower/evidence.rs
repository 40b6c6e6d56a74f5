//! What a value of each variant of an untagged union looks like (its JSON kind; for
//! objects the required, fixed and declared keys), so that the decoder picks the
//! variant a value fits best instead of the first that reads it; and a warning for
//! variants that no value can tell apart.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{Evidence, IntFormat, JsonKind, NumFormat, Ty, UnionVariant};

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
    /// first of them that reads the value, so the later ones are never chosen. Every
    /// such pair is named.
    pub(super) fn warn_indistinguishable(&mut self, variants: &[UnionVariant], pointer: &str) {
        let mut pairs = Vec::new();
        for (j, later) in variants.iter().enumerate() {
            for earlier in variants[..j]
                .iter()
                .filter(|earlier| shadows(earlier, later))
            {
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

/// Whether every value `later` can take is read as `earlier`, which comes first: the
/// decoder ranks the variants as `runtime::de::rank_variants` does (variants a value
/// cannot be dropped; then most fixed values matched, most required keys, fewest
/// undeclared keys, most declared keys present, fewest declared keys absent; the spec's
/// order last), so `later` is chosen only for a value it reads that `earlier` cannot,
/// or fits better.
fn shadows(earlier: &UnionVariant, later: &UnionVariant) -> bool {
    let (a, b) = (&earlier.evidence, &later.evidence);
    match (a.kind, b.kind) {
        (JsonKind::Object, JsonKind::Object) => object_shadows(a, b),
        // Any JSON value, with nothing to rank it by: it takes every value of a later
        // variant that is not an object (an object is ranked by its keys).
        (JsonKind::Any, kind) if earlier.ty == Ty::Any => kind != JsonKind::Object,
        // Every integer is a number, and fits both equally.
        (JsonKind::Number, JsonKind::Integer) => {
            reads_all(&earlier.ty, &Ty::Number(NumFormat::F64))
        }
        (x, y) if x != y => false,
        (JsonKind::String, _) if !(a.strings.is_empty() && b.strings.is_empty()) => {
            // Enums take only their values, and are preferred for them: a later enum is
            // shadowed only by an earlier one that takes all of its values.
            !a.strings.is_empty()
                && !b.strings.is_empty()
                && b.strings.iter().all(|v| a.strings.contains(v))
        }
        // Scalars and lists: the first reads every value of the second when its type
        // takes all of them (a plain string before a date-time, a number before an
        // integer).
        _ => reads_all(&earlier.ty, &later.ty),
    }
}

/// Whether a value of type `earlier` can hold every value of type `later`.
fn reads_all(earlier: &Ty, later: &Ty) -> bool {
    match (earlier, later) {
        (x, y) if x == y => true,
        (Ty::Any, _) => true,
        (Ty::String, Ty::String | Ty::Secret | Ty::DateTime | Ty::Date) => true,
        (Ty::Number(NumFormat::F64), Ty::Number(_) | Ty::Integer(_)) => true,
        (Ty::Integer(IntFormat::I64), Ty::Integer(IntFormat::I32 | IntFormat::U32)) => true,
        (Ty::Array(x), Ty::Array(y)) | (Ty::Map(x), Ty::Map(y)) => reads_all(x, y),
        _ => false,
    }
}

/// Whether an object variant `b` is never chosen over `a`, which comes first: no value
/// that `b` reads is one `a` cannot read, or fits `b` better. Each key adds to the
/// difference of the two scores in one direction whatever the others are, so the
/// value that favours `b` most is the one with `b`'s required and fixed keys, the keys
/// only `b` declares, and an undeclared key when only `b` takes any key: `b` is
/// shadowed if even that value fits `a` at least as well.
fn object_shadows(a: &Evidence, b: &Evidence) -> bool {
    use std::collections::BTreeSet;
    fn set(v: &[String]) -> BTreeSet<&str> {
        v.iter().map(String::as_str).collect()
    }
    let (a_known, b_known) = (set(&a.known), set(&b.known));
    // A value without a key `a` requires, or with another value where `a` has a fixed
    // one, is not `a`.
    if !set(&a.required).is_subset(&set(&b.required)) {
        return false;
    }
    if !a.constants.iter().all(|c| b.constants.contains(c)) {
        return false;
    }
    // A key of both whose values are of different kinds: reading tells them apart.
    let kinds_differ = a.property_kinds.iter().any(|(k, kind)| {
        b.property_kinds.iter().any(|(k2, kind2)| {
            k == k2 && kind != kind2 && *kind != JsonKind::Any && *kind2 != JsonKind::Any
        })
    });
    if kinds_differ {
        return false;
    }
    // The value that favours `b` most.
    let mut keys: BTreeSet<&str> = set(&b.required);
    keys.extend(b.constants.iter().map(|(k, _)| k.as_str()));
    keys.extend(b_known.difference(&a_known).copied());
    let fresh = b.open && !a.open;
    let score = |e: &Evidence, known: &BTreeSet<&str>| {
        let present = keys.iter().filter(|k| known.contains(*k)).count();
        let undeclared = if e.open {
            0
        } else {
            keys.len() - present + usize::from(fresh)
        };
        let constants = e.constants.len();
        (
            constants,
            e.required.len(),
            -(undeclared as isize),
            present,
            -((known.len() - present) as isize),
        )
    };
    score(b, &b_known) <= score(a, &a_known)
}
