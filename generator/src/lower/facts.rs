//! Facts about a schema that the place using it needs (nullable, read-only, its
//! description, default and constant), read through `$ref`s and `allOf`.

use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Lowerer;
use super::refs::RefOr;
use crate::json_pointer::pointer_push;

/// Facts about a schema that its user needs, read through `$ref`s.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    pub default: Option<Value>,
    /// The only value a single-value `enum` allows.
    pub constant: Option<Value>,
}

impl<'a> Lowerer<'a> {
    pub(crate) fn facts<R: RefOr<Schema> + ?Sized>(&mut self, schema: &R, pointer: &str) -> Facts {
        match self.resolve(schema, pointer) {
            Some((s, at)) => self.schema_facts(s, &at),
            None => Facts::default(),
        }
    }

    /// The facts of a schema. A schema whose facts depend on themselves
    /// (`A: {allOf: [{$ref: A}]}`) stops the recursion at its second visit.
    pub(super) fn schema_facts(&mut self, schema: &Schema, pointer: &str) -> Facts {
        if !self.facts_in_progress.insert(pointer.to_string()) {
            return Facts::default();
        }
        let facts = self.schema_facts_inner(schema, pointer);
        self.facts_in_progress.remove(pointer);
        facts
    }

    pub(super) fn schema_facts_inner(&mut self, schema: &Schema, pointer: &str) -> Facts {
        let data = &schema.schema_data;
        let mut facts = Facts {
            nullable: data.nullable,
            read_only: data.read_only,
            write_only: data.write_only,
            deprecated: data.deprecated,
            description: data
                .description
                .clone()
                .or_else(|| data.title.clone())
                .filter(|d| !d.trim().is_empty()),
            default: data.default.clone(),
            constant: None,
        };
        super::tuples::append_examples(&mut facts.description, &data.extensions);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                facts.nullable |= s.enumeration.iter().any(Option::is_none);
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if let [only] = values.as_slice() {
                    facts.constant = Some(Value::String((*only).clone()));
                }
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                let values: Vec<bool> = b.enumeration.iter().flatten().copied().collect();
                if let [only] = values.as_slice() {
                    facts.constant = Some(Value::Bool(*only));
                }
            }
            SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants } => {
                facts.nullable |= variants.iter().any(is_null_schema);
            }
            SchemaKind::AllOf { all_of } => {
                // `allOf: [{$ref: X}]` with annotations beside it: X's facts, overridden
                // by the annotations.
                let parts: Vec<&ReferenceOr<Schema>> =
                    all_of.iter().filter(|p| !is_annotation_only(p)).collect();
                if let [only] = parts.as_slice() {
                    let index = all_of
                        .iter()
                        .position(|p| std::ptr::eq(p, *only))
                        .unwrap_or(0);
                    let inner = self.facts(
                        only,
                        &pointer_push(&pointer_push(pointer, "allOf"), &index.to_string()),
                    );
                    facts.nullable |= inner.nullable;
                    facts.description = facts.description.or(inner.description);
                    facts.constant = inner.constant;
                    facts.default = facts.default.or(inner.default);
                    facts.deprecated |= inner.deprecated;
                }
                for part in all_of {
                    if let ReferenceOr::Item(p) = part
                        && is_annotation_only(part)
                    {
                        facts.nullable |= p.schema_data.nullable;
                        facts.description = facts
                            .description
                            .or_else(|| p.schema_data.description.clone());
                    }
                }
            }
            SchemaKind::Any(any) => {
                facts.nullable |= any.enumeration.iter().any(Value::is_null);
            }
            _ => {}
        }
        facts
    }
}

/// `{nullable: true}` or `{enum: [null]}` as a variant: "or null".
pub(super) fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = schema else {
        return false;
    };
    match &s.schema_kind {
        SchemaKind::Any(a) => {
            let only_null_enum =
                !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_null);
            let empty = *a == AnySchema::default();
            (empty && s.schema_data.nullable) || only_null_enum || a.typ.as_deref() == Some("null")
        }
        _ => false,
    }
}

/// An `allOf` part that only annotates (`{description: ...}`, `{nullable: true}`).
pub(super) fn is_annotation_only(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = schema else {
        return false;
    };
    matches!(&s.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}
