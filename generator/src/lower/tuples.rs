//! Two OpenAPI 3.1 readings that openapiv3 cannot hold, taken from the raw value:
//! `prefixItems` (a tuple) and the `examples` list of a schema (documentation).

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Kind, pointer_push};
use crate::ir::Ty;
use crate::load::openapi31::EXAMPLES_KEY;

impl Lowerer<'_> {
    /// `prefixItems: [A, B]` on the array schema at `pointer`: the tuple `(A, B)`, one
    /// type per position (nullable ones as `Option`). Items after the prefix, which
    /// JSON Schema allows unless `items: false`, do not fit a tuple: a warning says so.
    pub(super) fn tuple_ty(&mut self, name: &str, pointer: &str) -> Option<Ty> {
        let raw = self.raw.pointer(pointer)?;
        let prefix = raw.get("prefixItems")?.as_array()?;
        let list_pointer = pointer_push(pointer, "prefixItems");
        if raw.get("items").is_some_and(|i| *i != Value::Bool(false)) {
            self.diags.warning(
                Kind::Unsupported,
                pointer_push(pointer, "items"),
                "items after `prefixItems` are not read: the value is a tuple of the prefix",
            );
        }
        let mut items = Vec::with_capacity(prefix.len());
        for (i, item) in prefix.iter().enumerate() {
            let at = pointer_push(&list_pointer, &i.to_string());
            let ty = match serde_json::from_value::<ReferenceOr<Schema>>(item.clone()) {
                Ok(schema) => {
                    let ty = self.ty_of(&schema, &format!("{name}Item{i}"), &at);
                    if self.facts(&schema, &at).nullable && ty != Ty::Any {
                        Ty::Option(Box::new(ty))
                    } else {
                        ty
                    }
                }
                Err(e) => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        &at,
                        format!(
                            "this tuple item cannot be read ({e}); it is read as any JSON value"
                        ),
                    );
                    Ty::Any
                }
            };
            items.push(ty);
        }
        Some(Ty::Tuple(items))
    }
}

/// Adds a schema's examples (3.1 `examples`, kept by load under `EXAMPLES_KEY`) to its
/// documentation, as the `# Examples` section rustdoc readers look for.
pub(super) fn append_examples(
    doc: &mut Option<String>,
    extensions: &indexmap::IndexMap<String, Value>,
) {
    let Some(Value::Array(examples)) = extensions.get(EXAMPLES_KEY) else {
        return;
    };
    if examples.is_empty() {
        return;
    }
    let mut text = doc.take().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str("# Examples\n");
    for example in examples {
        let json = serde_json::to_string_pretty(example).unwrap_or_default();
        text.push_str(&format!("\n```json\n{json}\n```\n"));
    }
    *doc = Some(text.trim_end().to_string());
}
