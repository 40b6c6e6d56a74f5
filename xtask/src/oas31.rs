//! `cargo xtask oas31`: the Beeper spec written as OpenAPI 3.1, kept as a test fixture.
//!
//! The conversion uses the 3.1 spelling wherever 3.0 and 3.1 differ, so that the
//! generator's 3.1 reading is tested on the whole real API: `nullable` becomes a `null`
//! type (or a `null` variant), exclusive bounds become numbers, `example` an `examples`
//! list, `format: binary`/`byte` a `contentMediaType`/`contentEncoding`, one-value enums
//! `const`, and `allOf: [$ref]` with annotations a `$ref` with siblings.
//! `xtask/tests/oas31_beeper.rs` checks that the fixture is what this conversion makes
//! of the current spec, and that both lower to the same IR but for the listed differences.

use std::path::Path;

use serde_json::{Map, Value, json};

/// The converted spec, relative to the workspace root.
pub const FIXTURE: &str = "xtask/tests/fixtures/beeper-desktop-api-3.1.json";

/// Keywords that only annotate (the generator's list, with 3.1's `examples`): beside an
/// `allOf` of one `$ref` they become siblings of the `$ref` itself in 3.1.
fn is_annotation(key: &str) -> bool {
    key == "examples"
        || key.starts_with("x-")
        || sdk_generator::load::openapi31::ANNOTATIONS.contains(&key)
}

/// The fixture's text for the spec at `spec` (YAML or JSON): pretty JSON, which the
/// generator reads like YAML.
pub fn convert_file(spec: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut diags = sdk_generator::Diagnostics::new();
    let mut value = sdk_generator::load::parse_text(&text, &mut diags)
        .ok_or_else(|| format!("{}: cannot be read", spec.display()))?;
    convert(&mut value);
    let mut out = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

/// Rewrites a 3.0 document as 3.1, in place.
pub fn convert(doc: &mut Value) {
    if let Some(v) = doc.get_mut("openapi") {
        *v = Value::String("3.1.0".into());
    }
    let Some(map) = doc.as_object_mut() else {
        return;
    };
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "components" => {
                let Value::Object(sections) = value else {
                    continue;
                };
                for (section, entries) in sections.iter_mut() {
                    let Value::Object(entries) = entries else {
                        continue;
                    };
                    for entry in entries.values_mut() {
                        if section == "schemas" {
                            schema(entry);
                        } else {
                            walk(entry);
                        }
                    }
                }
            }
            k if k.starts_with("x-") => {}
            _ => walk(value),
        }
    }
}

/// A part of the document that is not a schema: its `schema` values are.
fn walk(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match key.as_str() {
                    "schema" => schema(v),
                    "example" | "examples" => {}
                    k if k.starts_with("x-") => {}
                    _ => walk(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

fn schema(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    for (key, v) in map.iter_mut() {
        match key.as_str() {
            "items" | "additionalProperties" | "not" => schema(v),
            "properties" => {
                if let Value::Object(props) = v {
                    props.values_mut().for_each(schema);
                }
            }
            "allOf" | "oneOf" | "anyOf" => {
                if let Value::Array(list) = v {
                    list.iter_mut().for_each(schema);
                }
            }
            _ => {}
        }
    }
    if let Some(example) = map.remove("example") {
        map.insert("examples".into(), json!([example]));
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match map.remove(flag) {
            Some(Value::Bool(true)) => {
                if let Some(n) = map.remove(bound) {
                    map.insert(flag.into(), n);
                }
            }
            Some(Value::Bool(false)) | None => {}
            Some(other) => {
                map.insert(flag.into(), other);
            }
        }
    }
    match map.get("format").and_then(Value::as_str) {
        Some("binary") => {
            map.remove("format");
            map.insert("contentMediaType".into(), "application/octet-stream".into());
        }
        Some("byte") => {
            map.remove("format");
            map.insert("contentEncoding".into(), "base64".into());
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && let [only] = values.as_slice()
        && !only.is_null()
    {
        let only = only.clone();
        map.remove("enum");
        map.insert("const".into(), only);
    }
    if map.remove("nullable") == Some(Value::Bool(true)) {
        nullable(map);
    }
    ref_siblings(map);
}

/// 3.0's `nullable: true` in 3.1: `null` joins the type list (and the enum, which would
/// otherwise not allow it), or joins a union as a variant.
fn nullable(map: &mut Map<String, Value>) {
    if let Some(Value::String(t)) = map.get("type") {
        let t = t.clone();
        map.insert("type".into(), json!([t, "null"]));
        if let Some(Value::Array(values)) = map.get_mut("enum")
            && !values.iter().any(Value::is_null)
        {
            values.push(Value::Null);
        }
        if let Some(c) = map.remove("const") {
            map.insert("enum".into(), json!([c, null]));
        }
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            variants.push(json!({"type": "null"}));
            return;
        }
    }
    // `allOf` (or no type at all): the whole schema, or null.
    let inner: Map<String, Value> = std::mem::take(map);
    let (annotations, shape): (Map<String, Value>, Map<String, Value>) =
        inner.into_iter().partition(|(k, _)| is_annotation(k));
    *map = annotations;
    let shape = simplify_all_of(shape);
    map.insert("anyOf".into(), json!([shape, {"type": "null"}]));
}

/// `allOf: [X]` alone is X.
fn simplify_all_of(mut shape: Map<String, Value>) -> Value {
    if shape.len() == 1
        && let Some(Value::Array(parts)) = shape.get("allOf")
        && parts.len() == 1
    {
        return parts[0].clone();
    }
    if shape.is_empty() {
        shape.insert("description".into(), "any value".into());
    }
    Value::Object(shape)
}

/// `allOf: [{$ref}]` with annotations beside it is a `$ref` with siblings in 3.1.
fn ref_siblings(map: &mut Map<String, Value>) {
    let Some(Value::Array(parts)) = map.get("allOf") else {
        return;
    };
    let [only] = parts.as_slice() else {
        return;
    };
    let Some(reference) = only
        .get("$ref")
        .filter(|_| only.as_object().is_some_and(|o| o.len() == 1))
    else {
        return;
    };
    if map.keys().all(|k| k == "allOf" || is_annotation(k)) {
        let reference = reference.clone();
        map.remove("allOf");
        map.insert("$ref".into(), reference);
    }
}
