//! OpenAPI 3.1 -> the 3.0 shape the rest of the generator reads.
//!
//! Runs on the raw JSON value, before the structural check and before `openapiv3`
//! (which reads 3.0 only). Each 3.1 construct becomes its 3.0 equivalent where one
//! exists (`type: [T, "null"]` is `nullable`, `const` a one-value `enum`, a numeric
//! `exclusiveMinimum` a `minimum` with the flag); the few that 3.0 cannot say are kept
//! in keywords lowering reads itself (`prefixItems`, `webhooks`, `x-sdk-examples`); what
//! the generator cannot map is a located warning and reads as JSON. A 3.0 document
//! passes through untouched.

use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, pointer_push};

/// The only schema dialect the generator reads (the OpenAPI 3.1 default).
pub const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Where the examples of a 3.1 schema (`examples: [...]`) are kept for lowering, which
/// turns them into documentation: openapiv3 keeps `x-` keys and drops unknown ones.
pub const EXAMPLES_KEY: &str = "x-sdk-examples";

/// The types a schema can name, `null` aside.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Keywords that only describe a schema: kept beside an `allOf` that stands for a
/// `$ref` with siblings, where lowering reads them as annotations of the reference.
pub const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "example",
    "nullable",
    "externalDocs",
    EXAMPLES_KEY,
];

/// Keywords that constrain a value without changing its shape: beside a `$ref` they
/// stay on the schema (lowering keeps the referenced type).
const CONSTRAINTS: [&str; 13] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Deeper schemas are left as they are; the structural check reads them as any JSON
/// value (it has the same kind of bound), so recursion here stays bounded too.
const MAX_DEPTH: usize = 40;

/// Whether the document declares OpenAPI 3.1.
pub fn is_31(root: &Value) -> bool {
    root.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
}

/// Brings a 3.1 document to the 3.0 shape; does nothing to other documents.
pub fn normalize(root: &mut Value, diags: &mut Diagnostics) {
    if !is_31(root) {
        return;
    }
    let Some(doc) = root.as_object_mut() else {
        return;
    };
    let mut n = Normalizer { diags };
    n.dialect(doc);
    if let Some(Value::Object(info)) = doc.get_mut("info") {
        // `summary` is new in 3.1; with no description it is the best one there is.
        if let Some(summary) = info.remove("summary")
            && summary.is_string()
            && !info.contains_key("description")
        {
            info.insert("description".into(), summary);
        }
    }
    n.inline_path_items(doc);
    // `paths` is optional in 3.1: a document of webhooks or components is complete.
    if !doc.contains_key("paths")
        && (doc.contains_key("webhooks") || doc.contains_key("components"))
    {
        doc.insert("paths".into(), Value::Object(Map::new()));
    }
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = doc.get_mut(section) {
            for (key, item) in items.iter_mut() {
                if !key.starts_with("x-") {
                    n.path_item(item, &pointer_push(&format!("/{section}"), key));
                }
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for (section, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            let p = pointer_push("/components", section);
            let mut unusable = Vec::new();
            for (name, entry) in entries.iter_mut() {
                let at = pointer_push(&p, name);
                match section.as_str() {
                    "schemas" => n.schema(entry, &at, 0),
                    "securitySchemes" if !n.security_scheme(entry, &at) => {
                        unusable.push(name.clone());
                    }
                    _ => n.walk(entry, &at),
                }
            }
            for name in unusable {
                entries.remove(&name);
            }
        }
    }
}

struct Normalizer<'d> {
    diags: &'d mut Diagnostics,
}

impl Normalizer<'_> {
    fn dialect(&mut self, doc: &mut Map<String, Value>) {
        match doc.get("jsonSchemaDialect") {
            None => {}
            Some(Value::String(d)) if d.trim_end_matches('#') == DEFAULT_DIALECT => {}
            Some(other) => self.diags.push(
                Diagnostic::error(
                    Kind::Unsupported,
                    "/jsonSchemaDialect",
                    format!(
                        "schema dialect {other} is not supported; this generator reads the OpenAPI 3.1 default dialect"
                    ),
                )
                .with_hint(format!(
                    "remove `jsonSchemaDialect`, or set it to \"{DEFAULT_DIALECT}\""
                )),
            ),
        }
        doc.remove("jsonSchemaDialect");
    }

    /// Path items given as `$ref` to `#/components/pathItems/...` (3.1) are written in
    /// place, so that the 3.0 reading finds their operations where they are used.
    fn inline_path_items(&mut self, doc: &mut Map<String, Value>) {
        let Some(Value::Object(library)) = doc.get("components").and_then(|c| c.get("pathItems"))
        else {
            return;
        };
        let library = library.clone();
        for section in ["paths", "webhooks"] {
            let Some(Value::Object(items)) = doc.get_mut(section) else {
                continue;
            };
            for (key, item) in items.iter_mut() {
                let Some(Value::String(reference)) = item.get("$ref") else {
                    continue;
                };
                let Some(name) = reference.strip_prefix("#/components/pathItems/") else {
                    continue;
                };
                let name = crate::diagnostics::unescape_token(name);
                match library.get(&name) {
                    // A referenced item that is itself a `$ref` is left to the check,
                    // which reports a path item `$ref` it cannot follow.
                    Some(Value::Object(target)) if !target.contains_key("$ref") => {
                        let mut merged = target.clone();
                        // `summary` and `description` beside the `$ref` override.
                        if let Value::Object(here) = item {
                            for (k, v) in here.iter() {
                                if k != "$ref" {
                                    merged.insert(k.clone(), v.clone());
                                }
                            }
                        }
                        *item = Value::Object(merged);
                    }
                    _ => {
                        let at = pointer_push(&pointer_push(&format!("/{section}"), key), "$ref");
                        self.diags.warning(
                            Kind::Unsupported,
                            at,
                            format!("`{reference}` is not a path item in `components.pathItems`; its operations are skipped"),
                        );
                        *item = Value::Object(Map::new());
                    }
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, pointer: &str) {
        let Value::Object(map) = item else {
            return;
        };
        const METHODS: [&str; 8] = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        for (key, value) in map.iter_mut() {
            let p = pointer_push(pointer, key);
            if key == "parameters" {
                self.walk(value, &p);
            } else if let Value::Object(op) = value
                && METHODS.contains(&key.as_str())
            {
                // `responses` is optional in 3.1: an operation without one returns
                // nothing worth reading.
                if !op.contains_key("responses") {
                    op.insert("responses".into(), json!({"default": {"description": ""}}));
                }
                self.walk(value, &p);
            }
        }
    }

    /// Walks a part of the document that is not a schema, normalizing every schema in
    /// it (the values of `schema` keys).
    fn walk(&mut self, value: &mut Value, pointer: &str) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let p = pointer_push(pointer, key);
                    match key.as_str() {
                        "schema" => self.schema(v, &p, 0),
                        "example" | "examples" => {}
                        k if k.starts_with("x-") => {}
                        _ => self.walk(v, &p),
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    self.walk(v, &pointer_push(pointer, &i.to_string()));
                }
            }
            _ => {}
        }
    }

    /// `mutualTLS` (3.1) is set up in the HTTP client's TLS configuration, not sent
    /// with requests.
    /// Returns false for a scheme to drop.
    fn security_scheme(&mut self, scheme: &mut Value, pointer: &str) -> bool {
        if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            self.diags.push(
                Diagnostic::warning(
                    Kind::Unsupported,
                    pointer_push(pointer, "type"),
                    "a `mutualTLS` security scheme is not sent with requests; ignored",
                )
                .with_hint(
                    "give the client certificate to the HTTP client (`ClientBuilder::http_client`)",
                ),
            );
            return false;
        }
        true
    }

    fn schema(&mut self, schema: &mut Value, pointer: &str, depth: usize) {
        if depth >= MAX_DEPTH {
            return;
        }
        match schema {
            Value::Bool(true) => *schema = Value::Object(Map::new()),
            Value::Bool(false) => {
                self.diags.warning(
                    Kind::Unsupported,
                    pointer,
                    "the schema `false` (no value is valid) is read as any JSON value",
                );
                *schema = Value::Object(Map::new());
            }
            Value::Object(map) => self.schema_map(map, pointer, depth),
            // Not a schema at all: the check reports it.
            _ => {}
        }
    }

    fn schema_map(&mut self, map: &mut Map<String, Value>, pointer: &str, depth: usize) {
        self.unmappable(map, pointer);
        for key in [
            "$schema",
            "$id",
            "$anchor",
            "$comment",
            "$dynamicAnchor",
            "$vocabulary",
        ] {
            map.remove(key);
        }
        self.subschemas(map, pointer, depth);
        if let Some(examples) = map.remove("examples") {
            match examples {
                Value::Array(list) if !list.is_empty() => {
                    if !map.contains_key("example") {
                        map.insert("example".into(), list[0].clone());
                    }
                    map.insert(EXAMPLES_KEY.into(), Value::Array(list));
                }
                _ => {}
            }
        }
        self.constant(map);
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            // A number is the bound itself in 3.1; 3.0 has a flag on the bound.
            if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
                map.insert(bound.into(), Value::Number(n));
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
        self.content_encoding(map);
        // `unevaluatedProperties` is `additionalProperties` for a plain object, and
        // the nearest thing for one built with `allOf`.
        // Beside `oneOf`/`anyOf` it speaks of the variants' properties, which the
        // union's variants already type: nothing to add there.
        let union = map.contains_key("oneOf") || map.contains_key("anyOf");
        if let Some(u) = map.remove("unevaluatedProperties")
            && !map.contains_key("additionalProperties")
            && u != Value::Bool(true)
            && !union
        {
            map.insert("additionalProperties".into(), u);
        }
        self.types(map, pointer);
        if map.contains_key("$ref") {
            self.ref_with_siblings(map);
        }
    }

    /// Keywords the generator cannot map: a warning, and the value read as JSON.
    fn unmappable(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for key in ["$dynamicRef", "$recursiveRef"] {
            if map.contains_key(key) {
                self.diags.push(
                    Diagnostic::warning(
                        Kind::Unsupported,
                        pointer_push(pointer, key),
                        format!("`{key}` (a dynamic reference) is not supported; the value is read as any JSON value"),
                    )
                    .with_hint("use a plain `$ref`"),
                );
                let kept: Map<String, Value> = map
                    .iter()
                    .filter(|(k, _)| ["description", "title"].contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                *map = kept;
                return;
            }
        }
        let mut dropped = Vec::new();
        for key in [
            "if",
            "then",
            "else",
            "dependentSchemas",
            "patternProperties",
        ] {
            if map.remove(key).is_some() {
                dropped.push(key);
            }
        }
        if dropped.is_empty() {
            return;
        }
        let object = map.contains_key("properties")
            || map.get("type").and_then(Value::as_str) == Some("object");
        let what = if object {
            // What these keywords add to an object lands in its map of other keys.
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.remove("unevaluatedProperties");
            "the keys it adds are kept as JSON values in the type's map of other keys"
        } else if map
            .keys()
            .any(|k| !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str()))
        {
            "the value is read by the rest of its schema"
        } else {
            "the value is read as any JSON value"
        };
        for key in dropped {
            self.diags.warning(
                Kind::Unsupported,
                pointer_push(pointer, key),
                format!("`{key}` is not supported; {what}"),
            );
        }
    }

    fn subschemas(&mut self, map: &mut Map<String, Value>, pointer: &str, depth: usize) {
        for (key, value) in map.iter_mut() {
            let p = pointer_push(pointer, key);
            match key.as_str() {
                "items"
                | "additionalProperties"
                | "unevaluatedProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                    if !value.is_boolean() =>
                {
                    self.schema(value, &p, depth + 1);
                }
                "properties" | "$defs" | "definitions" => {
                    if let Value::Object(entries) = value {
                        for (name, s) in entries.iter_mut() {
                            self.schema(s, &pointer_push(&p, name), depth + 1);
                        }
                    }
                }
                "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                    if let Value::Array(list) = value {
                        for (i, s) in list.iter_mut().enumerate() {
                            self.schema(s, &pointer_push(&p, &i.to_string()), depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
        // A tuple closed by `items: false` has no element schema in 3.0 terms.
        if map.contains_key("prefixItems") && map.get("items") == Some(&Value::Bool(false)) {
            map.remove("items");
        }
    }

    /// `const: v` is `enum: [v]`, typed by the value when the schema has no `type`.
    fn constant(&mut self, map: &mut Map<String, Value>) {
        let Some(value) = map.remove("const") else {
            return;
        };
        if value.is_null() {
            map.insert("type".into(), Value::String("null".into()));
            return;
        }
        map.insert("enum".into(), Value::Array(vec![value.clone()]));
        if !map.contains_key("type") {
            let t = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(t) = t {
                map.insert("type".into(), Value::String(t.into()));
            }
        }
    }

    /// `contentEncoding: base64` is 3.0's `format: byte`; a string with a
    /// `contentMediaType` and no encoding is raw bytes (`format: binary`), as in a
    /// multipart file part or an `application/octet-stream` body.
    fn content_encoding(&mut self, map: &mut Map<String, Value>) {
        let encoding = map.remove("contentEncoding");
        let media = map.remove("contentMediaType");
        if map.contains_key("format") {
            return;
        }
        let format = match encoding.as_ref().and_then(Value::as_str) {
            Some(e) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => {
                Some("byte")
            }
            Some(_) => None,
            None if media.is_some() => Some("binary"),
            None => None,
        };
        if let Some(format) = format {
            if !map.contains_key("type") {
                map.insert("type".into(), Value::String("string".into()));
            }
            map.insert("format".into(), Value::String(format.into()));
        }
    }

    /// `type` lists: one type and `null` is a nullable type; several types are a
    /// `oneOf` of one schema per type, each with the keywords that belong to it.
    fn types(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let names: Vec<String> = match map.get("type") {
            Some(Value::String(t)) if t == "null" => vec!["null".into()],
            Some(Value::Array(list)) => {
                let mut names = Vec::new();
                for t in list.iter().filter_map(Value::as_str) {
                    if !names.iter().any(|n: &String| n == t) {
                        names.push(t.to_string());
                    }
                }
                names
            }
            _ => return,
        };
        let nullable = names.iter().any(|t| t == "null");
        let mut others: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|t| *t != "null")
            .collect();
        // Every integer is a number: `[integer, number]` is a number.
        if others.contains(&"number") {
            others.retain(|t| *t != "integer");
        }
        map.remove("type");
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
                if values.is_empty() {
                    map.remove("enum");
                }
            }
        }
        match others.as_slice() {
            [] => {}
            [one] => {
                map.insert("type".into(), Value::String((*one).into()));
            }
            several if ["oneOf", "anyOf"].iter().any(|k| map.contains_key(*k)) => {
                self.diags.warning(
                    Kind::Unsupported,
                    pointer_push(pointer, "type"),
                    format!("a list of types ({}) beside `oneOf`/`anyOf` is not supported; the types are left to the variants", several.join(", ")),
                );
            }
            several => {
                let variants: Vec<Value> = several
                    .iter()
                    .filter(|t| TYPES.contains(t))
                    .map(|t| Value::Object(split_off(map, t)))
                    .collect();
                // Each variant took the values of its own type.
                map.remove("enum");
                map.insert("oneOf".into(), Value::Array(variants));
            }
        }
    }

    /// A `$ref` with siblings (3.1): the reference becomes `allOf: [{$ref}]`, which
    /// lowering reads as the referenced type; annotations and constraints stay beside
    /// it, and keywords that add to the shape become a second `allOf` part.
    fn ref_with_siblings(&mut self, map: &mut Map<String, Value>) {
        let siblings = map
            .keys()
            .any(|k| k != "$ref" && !k.starts_with("x-") && k != "$defs" && k != "definitions");
        if !siblings {
            return;
        }
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        let mut parts = vec![json!({"$ref": reference})];
        let mut shape = Map::new();
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let keep_beside = key.starts_with("x-")
                || ANNOTATIONS.contains(&key.as_str())
                || CONSTRAINTS.contains(&key.as_str())
                || ["$defs", "definitions", "format"].contains(&key.as_str());
            if !keep_beside && let Some(v) = map.remove(&key) {
                shape.insert(key, v);
            }
        }
        if !shape.is_empty() {
            parts.push(Value::Object(shape));
        }
        map.insert("allOf".into(), Value::Array(parts));
    }
}

/// The schema for one member of a type list: `type: t` and the keywords of `map`
/// that apply to that type (moved out of `map`; `enum` values are split by type).
fn split_off(map: &mut Map<String, Value>, t: &str) -> Map<String, Value> {
    let keywords: &[&str] = match t {
        "string" => &["minLength", "maxLength", "pattern", "format"],
        "number" | "integer" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
        "array" => &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
            "discriminator",
        ],
        _ => &[],
    };
    let mut out = Map::new();
    out.insert("type".into(), Value::String(t.into()));
    for k in keywords {
        // `format` can belong to strings or numbers; it goes with the first that fits.
        let fits = *k != "format"
            || map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| format_fits(f, t));
        if fits && let Some(v) = map.remove(*k) {
            out.insert((*k).into(), v);
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let mine: Vec<Value> = values
            .iter()
            .filter(|v| value_has_type(v, t))
            .cloned()
            .collect();
        if !mine.is_empty() {
            out.insert("enum".into(), Value::Array(mine));
        }
    }
    out
}

fn format_fits(format: &str, t: &str) -> bool {
    let numeric = ["int32", "int64", "uint32", "uint64", "float", "double"].contains(&format);
    match t {
        "number" | "integer" => numeric,
        "string" => !numeric,
        _ => false,
    }
}

fn value_has_type(v: &Value, t: &str) -> bool {
    match (v, t) {
        (Value::String(_), "string") | (Value::Bool(_), "boolean") => true,
        (Value::Number(_), "number") => true,
        (Value::Number(n), "integer") => n.is_i64() || n.is_u64(),
        (Value::Array(_), "array") | (Value::Object(_), "object") => true,
        _ => false,
    }
}
