//! No input makes the generator panic: specs mutated at random, in their structure
//! and in their text, go through the whole pipeline, which must return files or
//! diagnostics.
//!
//! CI runs 256 cases; a long run: `PROPTEST_CASES=100000 cargo test --release -p
//! sdk-generator --test no_panic`.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};

/// Specs to mutate: the construct fixtures, the broken fixtures that parse, the
/// Beeper spec, and the public OpenAPI 3.1 documents of the corpus (when present).
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = vec![root.join("../spec/beeper-desktop-api.yaml")];
        for dir in ["tests/fixtures/constructs", "tests/fixtures/broken"] {
            let mut found: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            found.sort();
            paths.extend(found);
        }
        if let Ok(dir) = std::fs::read_dir(root.join("../../shared/specs/real-3.1")) {
            let mut found: Vec<_> = dir
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect();
            found.sort();
            paths.extend(found);
        }
        paths
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                sdk_generator::load::parse_text(&text, &mut sdk_generator::Diagnostics::new())
            })
            .filter(Value::is_object)
            .collect()
    })
}

/// Values and keys that matter to a spec reader.
fn vocabulary_value(i: usize) -> Value {
    let values = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1e300),
        json!(18446744073709551615u64),
        json!(""),
        json!("x"),
        json!("{id}"),
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"$ref": "#"}),
        json!({"$ref": "#/components/schemas/User/properties/id"}),
        json!({"$ref": "other.yaml#/X"}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/User"}}}),
        json!({"type": "nonsense"}),
        json!({"type": ["string", "null"]}),
        json!({"oneOf": []}),
        json!({"oneOf": [{"type": "string"}, {"nullable": true}]}),
        json!({"allOf": [{"$ref": "#/components/schemas/Account"}, {"description": "x"}]}),
        json!({"anyOf": [{"type": "integer"}, {"type": "string", "enum": [""]}]}),
        json!({"enum": ["a", "A", "", "+1", "-1", "self", "Self", "unknown"]}),
        json!({"discriminator": {"propertyName": "type"}, "oneOf": [{"type": "object"}]}),
        json!({"additionalProperties": false}),
        json!({"type": "string", "format": "binary"}),
        json!({"name": "id", "in": "path"}),
        json!({"name": "q", "in": "query", "style": "deepObject", "schema": {"type": "object"}}),
        json!("a".repeat(300)),
        // OpenAPI 3.1.
        json!("3.1.0"),
        json!(false),
        json!({"type": ["string", "integer", "null"], "enum": ["a", 1, null], "minimum": 0}),
        json!({"type": ["array", "object"], "prefixItems": [{"type": "string"}], "properties": {"a": {}}}),
        json!({"const": "x"}),
        json!({"const": null}),
        json!({"const": {"a": [1]}}),
        json!({"examples": [1, "a", null]}),
        json!({"type": "array", "prefixItems": [{"$ref": "#/components/schemas/User"}, true, false], "items": false}),
        json!({"exclusiveMinimum": 5, "exclusiveMaximum": "x"}),
        json!({"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"}),
        json!({"$ref": "#/components/schemas/User", "description": "d", "properties": {"b": {"type": "string"}}, "maxLength": 3}),
        json!({"$ref": "#/components/pathItems/Missing"}),
        json!({"$defs": {"A": {"type": "string"}}, "$ref": "#/$defs/A"}),
        json!({"if": {}, "then": {}, "else": {}, "dependentSchemas": {}, "patternProperties": {"^x": {}}}),
        json!({"$dynamicRef": "#node"}),
        json!({"unevaluatedProperties": false, "oneOf": [{"type": "object"}]}),
        json!({"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}),
    ];
    values[i % values.len()].clone()
}

fn vocabulary_key(i: usize) -> &'static str {
    let keys = [
        "$ref",
        "type",
        "enum",
        "required",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "nullable",
        "discriminator",
        "additionalProperties",
        "default",
        "format",
        "readOnly",
        "writeOnly",
        "deprecated",
        "x-sdk-method",
        "x-sdk-pagination",
        "x-sdk-idempotent",
        "in",
        "name",
        "style",
        "explode",
        "schema",
        "content",
        "requestBody",
        "responses",
        "parameters",
        "operationId",
        "tags",
        "security",
        "servers",
        "paths",
        "components",
        "openapi",
        "204",
        "2XX",
        "default",
        "/new/{x}",
        // OpenAPI 3.1.
        "const",
        "examples",
        "prefixItems",
        "$defs",
        "webhooks",
        "pathItems",
        "unevaluatedProperties",
        "exclusiveMinimum",
        "contentEncoding",
        "contentMediaType",
        "jsonSchemaDialect",
        "if",
        "$dynamicRef",
        "patternProperties",
    ];
    keys[i % keys.len()]
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Replace(usize, usize),
    Insert(usize, usize, usize),
    Copy(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
        (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(a, b, c)| Mutation::Insert(a, b, c)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Copy(a, b)),
    ]
}

/// JSON pointers of every node.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match *m {
        Mutation::Delete(i) => {
            let p = pick(i);
            if let Some((parent, key)) = p.rsplit_once('/') {
                let key = key.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.remove(&key);
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < a.len()
                        {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(i, v) => {
            if let Some(node) = doc.pointer_mut(&pick(i)) {
                *node = vocabulary_value(v);
            }
        }
        Mutation::Insert(i, k, v) => {
            if let Some(Value::Object(o)) = doc.pointer_mut(&pick(i)) {
                o.insert(vocabulary_key(k).to_string(), vocabulary_value(v));
            }
        }
        Mutation::Copy(from, to) => {
            let value = doc.pointer(&pick(from)).cloned();
            if let (Some(value), Some(node)) = (value, doc.pointer_mut(&pick(to))) {
                *node = value;
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Text {
    AsJson,
    AsYaml,
    Truncated(usize),
    Spliced(usize, char),
}

fn text_form() -> impl Strategy<Value = Text> {
    prop_oneof![
        4 => Just(Text::AsJson),
        4 => Just(Text::AsYaml),
        1 => any::<usize>().prop_map(Text::Truncated),
        1 => (any::<usize>(), prop::sample::select(vec!['{', '}', '[', ':', '\'', '"', '\n', '\t', '&', '*', '!', '\u{0}', 'é'])).prop_map(|(i, c)| Text::Spliced(i, c)),
    ]
}

fn render(doc: &Value, form: &Text) -> String {
    let yaml = || serde_yaml::to_string(doc).unwrap_or_default();
    let cut = |s: String, i: usize| {
        let mut i = i % (s.len() + 1);
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        (s[..i].to_string(), s[i..].to_string())
    };
    match form {
        Text::AsJson => serde_json::to_string_pretty(doc).unwrap_or_default(),
        Text::AsYaml => yaml(),
        Text::Truncated(i) => cut(yaml(), *i).0,
        Text::Spliced(i, c) => {
            let (a, b) = cut(yaml(), *i);
            format!("{a}{c}{b}")
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_give_files_or_diagnostics(
        seed in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        form in text_form(),
    ) {
        let seeds = seeds();
        // The Beeper spec is the slowest seed; most cases use the small fixtures.
        let mut doc = seeds[if seed % 8 == 0 { 0 } else { 1 + seed % (seeds.len() - 1) }].clone();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let text = render(&doc, &form);
        // A stack overflow aborts the process before proptest can report the input;
        // with NO_PANIC_TRACE=path, each case is saved there first.
        if let Ok(path) = std::env::var("NO_PANIC_TRACE") {
            let _ = std::fs::write(path, &text);
        }
        let options = sdk_generator::Options { source_name: "fuzz.yaml".into(), ..Default::default() };
        match sdk_generator::generate(&text, &options) {
            Ok(generated) => prop_assert!(!generated.files.is_empty()),
            Err(diags) => {
                prop_assert!(diags.has_errors(), "a failure must carry an error");
                // Rendering them must not panic either.
                let _ = diags.render("fuzz.yaml", &text);
            }
        }
    }
}
