//! The crate docs' list of webhooks (OpenAPI 3.1): requests the API sends, with the
//! types of their payloads.

use crate::ir::{Api, Ty};

/// Doc lines (each starting with a space, as `lib_rs` writes them); none without webhooks.
pub fn webhook_doc_lines(api: &Api) -> Vec<String> {
    if api.webhooks.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        " # Webhooks".to_string(),
        String::new(),
        " The API sends these requests to your server; the client has no methods for them."
            .to_string(),
        " Read a request's body with `serde_json::from_slice` into the payload type.".to_string(),
        String::new(),
    ];
    for h in &api.webhooks {
        let payload = match (&h.payload, &h.content_type) {
            (Some(ty), Some(media)) => format!("{} (`{media}`)", payload_link(ty)),
            _ => "no body".to_string(),
        };
        let summary = h
            .summary
            .as_deref()
            .map(|s| {
                format!(
                    ": {}",
                    super::escape_doc_line(s.trim().trim_end_matches('.'))
                )
            })
            .unwrap_or_default();
        lines.push(format!(
            " - `{} {}`{summary}; payload {payload}.",
            h.method.as_str(),
            h.name
        ));
    }
    lines.push(String::new());
    lines
}

fn payload_link(ty: &Ty) -> String {
    match ty {
        Ty::Named(name) => format!("[`models::{name}`]"),
        other => format!(
            "`{}`",
            super::ty_tokens(other, super::Ctx::Elsewhere)
                .to_string()
                .replace(' ', "")
        ),
    }
}
