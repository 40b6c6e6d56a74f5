//! Webhooks (OpenAPI 3.1): the requests an API sends to its users. Their payloads
//! become types, for code that receives them; the client gets no methods for them.

use openapiv3::Operation as OaOperation;
use serde_json::Value;

use super::Lowerer;
use super::names::{Scope, type_name};
use super::operations::METHODS;
use crate::diagnostics::{Kind, pointer_push};
use crate::ir::Webhook;

impl<'a> Lowerer<'a> {
    /// Webhooks in document order, each with its payload type.
    pub(super) fn lower_webhooks(&mut self) -> Vec<Webhook> {
        let raw: &'a Value = self.raw;
        let Some(Value::Object(hooks)) = raw.get("webhooks") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, item) in hooks.iter().filter(|(k, _)| !k.starts_with("x-")) {
            let Value::Object(item) = item else {
                continue;
            };
            let item_pointer = pointer_push("/webhooks", name);
            let methods: Vec<_> = METHODS
                .iter()
                .filter(|(key, _)| item.contains_key(*key))
                .collect();
            for (key, method) in &methods {
                let pointer = pointer_push(&item_pointer, key);
                let op: OaOperation = match serde_json::from_value(item[*key].clone()) {
                    Ok(op) => op,
                    Err(e) => {
                        self.diags.warning(
                            Kind::InvalidValue,
                            &pointer,
                            format!("the webhook's operation cannot be read ({e}); no payload type is generated for it"),
                        );
                        continue;
                    }
                };
                // `NewPetWebhook`, and its inline payload `NewPetWebhookBody`; the
                // method joins the name only when the webhook has several.
                let mut base = format!("{}Webhook", type_name(name));
                if methods.len() > 1 {
                    base.push_str(&type_name(key));
                }
                let body = op.request_body.as_ref().and_then(|b| {
                    self.request_body(
                        b,
                        &base,
                        &pointer_push(&pointer, "requestBody"),
                        &mut Scope::new(),
                    )
                });
                let summary = op
                    .summary
                    .clone()
                    .or_else(|| {
                        item.get("summary")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .or_else(|| {
                        op.description
                            .as_deref()
                            .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
                            .map(|l| l.trim().to_owned())
                    })
                    .filter(|s| !s.trim().is_empty());
                out.push(Webhook {
                    name: name.clone(),
                    method: *method,
                    content_type: body.as_ref().map(|b| b.content_type.clone()),
                    payload: body.map(|b| b.ty),
                    summary,
                    source: pointer,
                });
            }
        }
        out
    }
}
