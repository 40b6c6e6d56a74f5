//! Schemas referenced where they sit rather than under `#/components/schemas`:
//! `$ref: '#/components/parameters/state/schema'` is a valid JSON reference to a
//! schema. They are collected before lowering and then treated like components.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::refs::component_key;
use crate::diagnostics::percent_decode;

/// Every local schema reference that does not point under `#/components/schemas`,
/// with the schema found there (when it is one).
pub fn collect(doc: &OpenAPI, raw: &Value) -> IndexMap<String, ReferenceOr<Schema>> {
    let mut refs = Vec::new();
    visit_document(doc, &mut refs);
    let mut found: IndexMap<String, ReferenceOr<Schema>> = IndexMap::new();
    while let Some(reference) = refs.pop() {
        if found.contains_key(&reference) {
            continue;
        }
        let Some(fragment) = reference.strip_prefix('#') else {
            continue;
        };
        let Some(value) = raw.pointer(&percent_decode(fragment)) else {
            continue;
        };
        let Ok(schema) = serde_json::from_value::<ReferenceOr<Schema>>(value.clone()) else {
            continue;
        };
        // The schema found may refer to more of them.
        visit_ref(&schema, &mut refs);
        found.insert(reference, schema);
    }
    found.sort_keys();
    found
}

/// A Rust name for a schema at `reference`: its telling parts
/// (`#/components/parameters/state/schema` -> `State`).
pub fn name_hint(reference: &str) -> String {
    let tokens: Vec<String> = reference
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(crate::diagnostics::unescape_token)
        .collect();
    let skip_head = if tokens.first().map(String::as_str) == Some("components") {
        2
    } else {
        1
    };
    let mut words = Vec::new();
    for t in tokens.iter().skip(skip_head) {
        match t.as_str() {
            "schema"
            | "content"
            | "properties"
            | "items"
            | "oneOf"
            | "anyOf"
            | "allOf"
            | "additionalProperties"
            // JSON Schema's (OpenAPI 3.1) places for local definitions.
            | "$defs"
            | "definitions" => {}
            t if t.contains('/') => {}
            t if t.chars().all(|c| c.is_ascii_digit()) => words.push(format!("Variant{t}")),
            t => words.push(super::names::type_name(t)),
        }
    }
    if words.is_empty() {
        "Schema".to_string()
    } else {
        words.concat()
    }
}

fn visit_document(doc: &OpenAPI, out: &mut Vec<String>) {
    if let Some(c) = &doc.components {
        c.schemas.values().for_each(|s| visit_ref(s, out));
        for p in c.parameters.values() {
            if let ReferenceOr::Item(p) = p {
                visit_parameter(p, out);
            }
        }
        for r in c.responses.values() {
            if let ReferenceOr::Item(r) = r {
                r.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| visit_ref(s, out));
            }
        }
        for b in c.request_bodies.values() {
            if let ReferenceOr::Item(b) = b {
                b.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| visit_ref(s, out));
            }
        }
    }
    for item in doc.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for p in &item.parameters {
            if let ReferenceOr::Item(p) = p {
                visit_parameter(p, out);
            }
        }
        for (_, op) in item.iter() {
            for p in &op.parameters {
                if let ReferenceOr::Item(p) = p {
                    visit_parameter(p, out);
                }
            }
            if let Some(ReferenceOr::Item(b)) = &op.request_body {
                b.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| visit_ref(s, out));
            }
            let responses = op
                .responses
                .responses
                .values()
                .chain(op.responses.default.iter());
            for r in responses {
                if let ReferenceOr::Item(r) = r {
                    r.content
                        .values()
                        .filter_map(|m| m.schema.as_ref())
                        .for_each(|s| visit_ref(s, out));
                }
            }
        }
    }
}

fn visit_parameter(p: &Parameter, out: &mut Vec<String>) {
    match &p.parameter_data_ref().format {
        openapiv3::ParameterSchemaOrContent::Schema(s) => visit_ref(s, out),
        openapiv3::ParameterSchemaOrContent::Content(c) => c
            .values()
            .filter_map(|m| m.schema.as_ref())
            .for_each(|s| visit_ref(s, out)),
    }
}

/// A reference to a schema that is not itself a component: anywhere else, or inside
/// one (`#/components/schemas/Pet/properties/owner`).
pub fn is_foreign(reference: &str) -> bool {
    reference.starts_with("#/") && component_key::<Schema>(reference).is_none()
}

fn note(reference: &str, out: &mut Vec<String>) {
    if is_foreign(reference) {
        out.push(reference.to_string());
    }
}

fn visit_ref(s: &ReferenceOr<Schema>, out: &mut Vec<String>) {
    match s {
        ReferenceOr::Reference { reference } => note(reference, out),
        ReferenceOr::Item(s) => visit_schema(s, out),
    }
}

fn visit_boxed(s: &ReferenceOr<Box<Schema>>, out: &mut Vec<String>) {
    match s {
        ReferenceOr::Reference { reference } => note(reference, out),
        ReferenceOr::Item(s) => visit_schema(s, out),
    }
}

fn visit_additional(a: &Option<AdditionalProperties>, out: &mut Vec<String>) {
    if let Some(AdditionalProperties::Schema(s)) = a {
        visit_ref(s, out);
    }
}

fn visit_schema(schema: &Schema, out: &mut Vec<String>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values().for_each(|p| visit_boxed(p, out));
            visit_additional(&o.additional_properties, out);
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                visit_boxed(items, out);
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            list.iter().for_each(|s| visit_ref(s, out));
        }
        SchemaKind::Not { not } => visit_ref(not, out),
        SchemaKind::Any(a) => {
            a.properties.values().for_each(|p| visit_boxed(p, out));
            visit_additional(&a.additional_properties, out);
            if let Some(items) = &a.items {
                visit_boxed(items, out);
            }
            a.one_of
                .iter()
                .chain(&a.all_of)
                .chain(&a.any_of)
                .for_each(|s| visit_ref(s, out));
            if let Some(not) = &a.not {
                visit_ref(not, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_hint;

    #[test]
    fn names_from_places() {
        assert_eq!(
            name_hint("#/components/parameters/automation_actions_action_type/schema"),
            "AutomationActionsActionType"
        );
        assert_eq!(
            name_hint(
                "#/components/responses/CacheResponse/content/application~1json/schema/oneOf/0"
            ),
            "CacheResponseVariant0"
        );
        assert_eq!(
            name_hint("#/components/schemas/Pet/properties/owner"),
            "PetOwner"
        );
    }
}
