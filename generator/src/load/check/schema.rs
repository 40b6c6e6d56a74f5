//! Schemas, and everything nested in them.

use serde_json::{Map, Value};

use super::{Checker, describe};
use crate::diagnostics::{Diagnostic, Kind, pointer_push};

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Deeper schemas are read as any JSON value: everything downstream (openapiv3,
/// lowering, emitting) recurses, and no real API nests schemas this deep.
const MAX_SCHEMA_DEPTH: usize = 32;

impl Checker<'_> {
    /// Checks one schema and everything nested in it.
    pub(super) fn schema(&mut self, schema: &mut Value, pointer: &str) {
        if self.schema_depth >= MAX_SCHEMA_DEPTH {
            self.diags.push(
                Diagnostic::warning(
                    Kind::Unsupported,
                    pointer,
                    format!("schemas nested more than {MAX_SCHEMA_DEPTH} deep are not supported; this one is read as any JSON value"),
                )
                .with_hint("give the inner schema a name under #/components/schemas and refer to it"),
            );
            *schema = Value::Object(Map::new());
            return;
        }
        self.schema_depth += 1;
        self.schema_inner(schema, pointer);
        self.schema_depth -= 1;
    }

    pub(super) fn schema_inner(&mut self, schema: &mut Value, pointer: &str) {
        let Some(map) = schema.as_object_mut() else {
            match schema {
                // `true`/`false` schemas belong to JSON Schema, not OpenAPI 3.0; read
                // `true` as "anything".
                Value::Bool(true) => *schema = Value::Object(Map::new()),
                _ => {
                    self.diags.error(
                        Kind::InvalidValue,
                        pointer,
                        format!("a schema must be a mapping, found {}", describe(schema)),
                    );
                    *schema = Value::Object(Map::new());
                }
            }
            return;
        };
        if self.is_reference(map, pointer) {
            return;
        }
        match map.get("type") {
            None => {}
            Some(Value::String(t)) if TYPES.contains(&t.as_str()) => {}
            // `type: null` is OpenAPI 3.1; its meaning in 3.0 is `nullable: true`.
            Some(Value::String(t)) if t == "null" => {
                self.diags.push(
                    Diagnostic::warning(
                        Kind::InvalidValue,
                        pointer_push(pointer, "type"),
                        "`type: null` is OpenAPI 3.1; it is read as `nullable: true`",
                    )
                    .with_hint("in OpenAPI 3.0, write `nullable: true` (or a `nullable` variant in `oneOf`)"),
                );
                map.remove("type");
                map.insert("nullable".into(), Value::Bool(true));
            }
            Some(Value::String(t)) => {
                let hint = match t.as_str() {
                    "null" => "OpenAPI 3.0 has no `null` type; use `nullable: true`".to_string(),
                    "int" | "long" => "use `type: integer`".to_string(),
                    "float" | "double" => "use `type: number`".to_string(),
                    "bool" => "use `type: boolean`".to_string(),
                    "file" => {
                        "Swagger 2.0's `file` is `type: string, format: binary` in OpenAPI 3.0"
                            .to_string()
                    }
                    _ => format!("`type` is one of {}", TYPES.join(", ")),
                };
                self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        pointer_push(pointer, "type"),
                        format!("unknown schema type `{t}`"),
                    )
                    .with_hint(hint),
                );
                map.remove("type");
            }
            Some(Value::Array(types)) => {
                // A list of types is OpenAPI 3.1. One type and `null` say "that type,
                // nullable", which 3.0 can say too.
                let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
                let nullable = names.contains(&"null");
                let others: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
                let (message, replacement) = match others.as_slice() {
                    [one] if TYPES.contains(one) => (
                        format!("`type` is a list (OpenAPI 3.1); it is read as `type: {one}`{}", if nullable { " with `nullable: true`" } else { "" }),
                        Some(one.to_string()),
                    ),
                    _ => ("`type` is a list of several types (OpenAPI 3.1); the value is read as any JSON value".to_string(), None),
                };
                self.diags.push(
                    Diagnostic::warning(Kind::InvalidValue, pointer_push(pointer, "type"), message)
                        .with_hint("in OpenAPI 3.0 use one type and `nullable: true`, or `oneOf`"),
                );
                map.remove("type");
                if let Some(t) = replacement {
                    map.insert("type".into(), Value::String(t));
                }
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
            Some(other) => {
                self.diags.error(
                    Kind::InvalidValue,
                    pointer_push(pointer, "type"),
                    format!("`type` must be a string, found {}", describe(other)),
                );
                map.remove("type");
            }
        }
        match map.get("required") {
            None => {}
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
            Some(other) => {
                let hint = if other.is_boolean() {
                    "in a Schema Object, `required` lists the names of required properties; `required: true` belongs to parameters"
                } else {
                    "`required` is a list of property names"
                };
                self.diags.push(
                    Diagnostic::warning(
                        Kind::InvalidValue,
                        pointer_push(pointer, "required"),
                        format!(
                            "`required` must be a list of property names, found {}; ignored",
                            describe(other)
                        ),
                    )
                    .with_hint(hint),
                );
                map.remove("required");
            }
        }
        for key in [
            "nullable",
            "readOnly",
            "writeOnly",
            "deprecated",
            "uniqueItems",
            "exclusiveMinimum",
            "exclusiveMaximum",
        ] {
            self.bool_or_drop(map, pointer, key);
        }
        for key in ["format", "pattern", "title", "description"] {
            self.string_or_drop(map, pointer, key);
        }
        self.external_docs_or_drop(map, pointer);
        for key in ["minimum", "maximum", "multipleOf"] {
            if map.get(key).is_some_and(|v| !v.is_number()) {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, key),
                    format!("`{key}` must be a number; ignored"),
                );
                map.remove(key);
            }
        }
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ] {
            if map.get(key).is_some_and(|v| v.as_u64().is_none()) {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, key),
                    format!("`{key}` must be a non-negative integer; ignored"),
                );
                map.remove(key);
            }
        }
        if map.get("enum").is_some_and(|v| !v.is_array()) {
            self.diags.error(
                Kind::InvalidValue,
                pointer_push(pointer, "enum"),
                "`enum` must be a list of values",
            );
            map.remove("enum");
        }
        if let Some(d) = map.get("discriminator") {
            let ok = d.get("propertyName").is_some_and(Value::is_string)
                && d.get("mapping").is_none_or(|m| {
                    m.as_object()
                        .is_some_and(|m| m.values().all(Value::is_string))
                });
            if !ok {
                self.diags.warning(Kind::InvalidValue, pointer_push(pointer, "discriminator"), "`discriminator` needs a `propertyName` string and an optional `mapping` of strings; ignored");
                map.remove("discriminator");
            }
        }
        if let Some(props) = map.get_mut("properties") {
            let p = pointer_push(pointer, "properties");
            match props.as_object_mut() {
                Some(props) => {
                    for (name, prop) in props.iter_mut() {
                        self.schema(prop, &pointer_push(&p, name));
                    }
                }
                None => {
                    self.diags.error(
                        Kind::InvalidValue,
                        &p,
                        format!("`properties` must be a mapping, found {}", describe(props)),
                    );
                    map.remove("properties");
                }
            }
        }
        if let Some(items) = map.get_mut("items") {
            let p = pointer_push(pointer, "items");
            if items.is_array() {
                self.diags.push(
                    Diagnostic::error(Kind::InvalidValue, &p, "`items` must be one schema; a list of schemas (a tuple) is not OpenAPI 3.0")
                        .with_hint("use `items: {oneOf: [...]}`"),
                );
                map.remove("items");
            } else {
                self.schema(items, &p);
            }
        }
        // `prefixItems` (a tuple, OpenAPI 3.1) is read by lowering from the raw value.
        if let Some(prefix) = map.get_mut("prefixItems") {
            let p = pointer_push(pointer, "prefixItems");
            match prefix.as_array_mut() {
                Some(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.schema(item, &pointer_push(&p, &i.to_string()));
                    }
                }
                None => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        &p,
                        "`prefixItems` must be a list of schemas; ignored",
                    );
                    map.remove("prefixItems");
                }
            }
        }
        if let Some(addl) = map.get_mut("additionalProperties")
            && !addl.is_boolean()
        {
            self.schema(addl, &pointer_push(pointer, "additionalProperties"));
        }
        if let Some(not) = map.get_mut("not") {
            self.schema(not, &pointer_push(pointer, "not"));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(list) = map.get_mut(key) else {
                continue;
            };
            let p = pointer_push(pointer, key);
            match list.as_array_mut() {
                Some(items) if !items.is_empty() => {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.schema(item, &pointer_push(&p, &i.to_string()));
                    }
                }
                Some(_) => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        &p,
                        format!("`{key}` is empty; ignored"),
                    );
                    map.remove(key);
                }
                None => {
                    self.diags.error(
                        Kind::InvalidValue,
                        &p,
                        format!(
                            "`{key}` must be a list of schemas, found {}",
                            describe(list)
                        ),
                    );
                    map.remove(key);
                }
            }
        }
    }
}
