//! Load: spec text -> a JSON value -> checked and repaired -> `openapiv3::OpenAPI`.
//!
//! The text goes through a JSON value first, for two reasons: numbers outside the
//! 64-bit range (which serde's buffered content cannot hold, so a direct
//! deserialization of some real specs fails) are read as floats; and the structure is
//! checked with exact JSON pointers before `openapiv3` sees it, because its
//! `#[serde(flatten)]` maps lose the place of an error.

mod check;
pub mod openapi31;
mod value;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, Location, pointer_push};

/// A loaded document: the typed model, and the raw value for extensions and for
/// lookups the typed model does not keep.
pub struct Loaded {
    pub openapi: OpenAPI,
    pub raw: Value,
}

/// Parses and checks a spec. Warnings are pushed to `diags`; on any error the result is
/// `None` and the errors are in `diags`.
pub fn load(text: &str, diags: &mut Diagnostics) -> Option<Loaded> {
    let mut raw = parse_text(text, diags)?;
    // A 3.1 document is first brought to the 3.0 shape that the check and openapiv3 read.
    openapi31::normalize(&mut raw, diags);
    // The check repairs what it reports where it can, so that lowering still runs and
    // finds the faults further on: all diagnostics come in one run. It returns false
    // when the document cannot be read further (not OpenAPI 3.0, not a mapping).
    if !check::check_document(&mut raw, diags) {
        return None;
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(&raw) {
        Ok(openapi) => Some(Loaded { openapi, raw }),
        Err(e) => {
            let pointer = path_to_pointer(e.path());
            diags.push(Diagnostic::error(
                Kind::InvalidValue,
                pointer,
                format!("not a valid OpenAPI 3.0 or 3.1 document: {}", e.inner()),
            ));
            None
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Reads YAML or JSON text into a JSON value. A syntax error is one diagnostic with
/// the parser's position.
pub fn parse_text(text: &str, diags: &mut Diagnostics) -> Option<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        diags.push(Diagnostic::error(Kind::Syntax, "", "the spec is empty"));
        return None;
    }
    if trimmed.starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text);
        let result = value::read(&mut de, diags).and_then(|v| de.end().map(|()| v));
        return match result {
            Ok(v) => Some(v),
            Err(e) => {
                let loc = Location {
                    line: e.line().max(1),
                    column: e.column().max(1),
                };
                diags.push(
                    Diagnostic::error(
                        Kind::Syntax,
                        "",
                        format!("invalid JSON: {}", strip_position(&e.to_string())),
                    )
                    .at(loc),
                );
                None
            }
        };
    }
    let de = serde_yaml::Deserializer::from_str(text);
    match value::read(de, diags) {
        Ok(v) => Some(v),
        Err(e) => {
            let loc = e.location().map(|l| Location {
                line: l.line().max(1),
                column: l.column().max(1),
            });
            let mut d = Diagnostic::error(
                Kind::Syntax,
                "",
                format!("invalid YAML: {}", strip_position(&e.to_string())),
            );
            d.location = loc;
            diags.push(d);
            None
        }
    }
}

/// serde's messages say "at line L column C", which the diagnostic already shows.
fn strip_position(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        // Skip "L column C".
        let skip = after
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == ' ' || "column".contains(*c)))
            .map_or(after.len(), |(k, _)| k);
        rest = &after[skip..];
    }
    out.push_str(rest);
    out.trim_end_matches([' ', ',']).to_string()
}
