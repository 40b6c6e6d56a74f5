//! `x-sdk-events` at the document's root: the API has a live event stream (a
//! WebSocket) at `path`, whose events are the component schema `event` (a union
//! tagged by a property), and whose variant with tag value `resync` is the one the
//! SDK yields itself when events may have been missed.
//!
//! ```yaml
//! x-sdk-events: {path: /v1/ws, event: Event, resync: resync, description: ...}
//! ```

use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Kind, pointer_push};
use crate::ir::{EventStream, SecurityScheme, TypeDef, TypeKind};

const POINTER: &str = "/x-sdk-events";

impl Lowerer<'_> {
    /// Reads `x-sdk-events`; `None` (with an error diagnostic when it is malformed)
    /// when the document has no usable stream.
    pub(super) fn events(
        &mut self,
        types: &[TypeDef],
        schemes: &[SecurityScheme],
    ) -> Option<EventStream> {
        let ext = self.raw.get("x-sdk-events")?;
        let Some(map) = ext.as_object() else {
            self.invalid(
                POINTER,
                "`x-sdk-events` must be an object with `path`, `event` and `resync`".into(),
            );
            return None;
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        let (Some(path), Some(event), Some(resync)) = (text("path"), text("event"), text("resync"))
        else {
            self.invalid(
                POINTER,
                "`x-sdk-events` needs `path`, `event` and `resync`, all strings".into(),
            );
            return None;
        };
        if !path.starts_with('/') {
            self.invalid(
                &pointer_push(POINTER, "path"),
                format!("`path` must start with `/`, found `{path}`"),
            );
            return None;
        }
        let event_pointer = pointer_push(POINTER, "event");
        let Some(event_type) = self.component_names.get(&event).cloned() else {
            self.invalid(
                &event_pointer,
                format!("`event` must name a schema of `components.schemas`, found `{event}`"),
            );
            return None;
        };
        let union = types
            .iter()
            .find(|t| t.name == event_type)
            .and_then(|t| match &t.kind {
                TypeKind::Union(u) => Some(u),
                _ => None,
            });
        let Some((union, tag)) = union.and_then(|u| Some((u, u.tag.clone()?))) else {
            self.invalid(
                &event_pointer,
                format!("`{event}` must be a `oneOf` tagged by a property (a `discriminator`)"),
            );
            return None;
        };
        let Some(resync_variant) = union
            .variants
            .iter()
            .find(|v| v.tag_values.contains(&resync))
            .map(|v| v.name.clone())
        else {
            self.invalid(
                &pointer_push(POINTER, "resync"),
                format!("no variant of `{event}` has the tag value `{resync}`"),
            );
            return None;
        };
        let auth = self.auth(&openapiv3::Operation::default(), POINTER, schemes);
        Some(EventStream {
            path,
            event_type,
            tag,
            resync_tag: resync,
            resync_variant,
            auth,
            doc: text("description").filter(|d| !d.trim().is_empty()),
        })
    }

    fn invalid(&mut self, pointer: &str, message: String) {
        self.diags.push(
            crate::diagnostics::Diagnostic::error(Kind::InvalidExtension, pointer, message)
                .with_hint("see README.md, \"Spec conventions\": x-sdk-events"),
        );
    }
}
