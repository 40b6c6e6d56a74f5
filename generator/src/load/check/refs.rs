//! Every `$ref` in the document, used or not, must name something in it.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, closest, percent_decode, pointer_push};

/// Every `$ref` in the document, used or not, must name something in it.
pub(super) fn check_refs(doc: &Map<String, Value>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> = doc
        .iter()
        // Extensions are not OpenAPI: a `$ref` in them is the extension's business.
        .filter(|(k, _)| !k.starts_with("x-"))
        .map(|(k, v)| (pointer_push("", k), v))
        .collect();
    while let Some((pointer, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(d) = check_ref(doc, reference, &pointer_push(&pointer, "$ref"))
                {
                    out.push(d);
                }
                // Examples are data, not schema: a `$ref` key inside them is just a key.
                for (k, v) in map {
                    if k != "example" && k != "examples" && !k.starts_with("x-") {
                        stack.push((pointer_push(&pointer, k), v));
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    stack.push((pointer_push(&pointer, &i.to_string()), v));
                }
            }
            _ => {}
        }
    }
    out
}

fn check_ref(doc: &Map<String, Value>, reference: &str, pointer: &str) -> Option<Diagnostic> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Some(
            Diagnostic::error(
                Kind::Unsupported,
                pointer,
                format!("`$ref` to another document (`{reference}`) is not supported"),
            )
            .with_hint("bundle the spec into one document first"),
        );
    };
    let tokens: Vec<String> = fragment
        .split('/')
        .skip(1)
        .map(|t| crate::diagnostics::unescape_token(&percent_decode(t)))
        .collect();
    let mut current: Option<&Value> = None;
    let mut parent: Option<&Map<String, Value>> = Some(doc);
    for (depth, token) in tokens.iter().enumerate() {
        let next = match (depth, current) {
            (0, _) => doc.get(token),
            (_, Some(Value::Object(m))) => {
                parent = Some(m);
                m.get(token)
            }
            (_, Some(Value::Array(a))) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(v) => current = Some(v),
            None => {
                let mut d = Diagnostic::error(
                    Kind::UnresolvedRef,
                    pointer,
                    format!("`$ref` points to `{reference}`, which does not exist"),
                );
                if depth + 1 == tokens.len() {
                    let scope = if depth == 0 { Some(doc) } else { parent };
                    if let Some(similar) = scope.and_then(|m| closest(token, m.keys())) {
                        let base = reference.rsplit_once('/').map_or("#", |(b, _)| b);
                        d = d.with_hint(format!("did you mean `{base}/{similar}`?"));
                    }
                } else if tokens.first().map(String::as_str) == Some("definitions") {
                    d = d.with_hint("`#/definitions` is Swagger 2.0; OpenAPI 3 keeps schemas under `#/components/schemas`");
                }
                return Some(d);
            }
        }
    }
    None
}
