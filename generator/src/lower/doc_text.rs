//! The finished text of every doc comment the SDK shows, decided here so that emit
//! only prints it. The spec's descriptions get the notes the generator adds (default,
//! constant, read-only); what the spec cannot describe (enum values, union variants,
//! statuses, parameter structs) gets text from its facts; and a public item the spec
//! leaves undescribed gets a sentence from where it sits, with an `undocumented`
//! warning at its place so that the spec can say more.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Kind};
use crate::ir::{
    Field, Operation, ParamLocation, Presence, Resource, ResponseKind, Struct, Ty, TypeDef,
    TypeKind, Union,
};

/// Where an inline type sits: what its fallback sentence names.
enum Place {
    /// The type of a property (or of the items or values of one).
    Field {
        parent: String,
        wire: String,
        part: &'static str,
    },
    /// The schema of a parameter (or of its items).
    Param { op: String, wire: String },
    /// A request body.
    Body { op: String, doc: Option<String> },
    /// One variant of a union.
    Variant { parent: String },
    /// A response.
    Response { op: String },
}

/// Fills in every doc of `types` and of the operations under `root`.
pub(super) fn finish(root: &mut Resource, types: &mut [TypeDef], diags: &mut Diagnostics) {
    let mut places = HashMap::new();
    type_places(types, &mut places);
    operation_places(root, types, &mut places);
    for def in types.iter_mut() {
        finish_type(def, places.get(&def.name), diags);
    }
    finish_operations(root, types, diags);
}

/// Inline types sit at or below the pointer of what names them.
fn inline_in(types: &[TypeDef], ty: &Ty, at: &str) -> Option<String> {
    let name = named(ty)?;
    let i = types.binary_search_by(|t| t.name.as_str().cmp(name)).ok()?;
    types[i].source.starts_with(at).then(|| name.to_string())
}

/// The named type inside lists, maps and options.
fn named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => named(t),
        _ => None,
    }
}

fn type_places(types: &[TypeDef], places: &mut HashMap<String, Place>) {
    for def in types {
        match &def.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    if let Some(n) = inline_in(types, &f.ty, &f.source) {
                        let part = match &f.ty {
                            Ty::Array(_) => "items",
                            Ty::Map(_) => "values",
                            _ => "value",
                        };
                        // A property merged from the schema that declares it (`allOf`)
                        // is documented as that schema's, whichever type came first.
                        let parent = super::types::declaring_key(&f.source)
                            .map(|key| format!("/components/schemas/{key}"))
                            .and_then(|source| types.iter().find(|t| t.source == source))
                            .map_or(&def.name, |t| &t.name);
                        places.entry(n).or_insert(Place::Field {
                            parent: parent.clone(),
                            wire: f.wire.clone(),
                            part,
                        });
                    }
                }
            }
            TypeKind::Union(u) => {
                for v in &u.variants {
                    if let Some(n) = inline_in(types, &v.ty, &def.source) {
                        places.entry(n).or_insert(Place::Variant {
                            parent: def.name.clone(),
                        });
                    }
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
}

fn operation_places(root: &Resource, types: &[TypeDef], places: &mut HashMap<String, Place>) {
    for op in &root.operations {
        for p in &op.params {
            if let Some(n) = inline_in(types, &p.ty, &p.source) {
                places.entry(n).or_insert(Place::Param {
                    op: op.sdk_name.clone(),
                    wire: p.wire.clone(),
                });
            }
        }
        if let Some(body) = &op.body
            && let Some(n) = named(&body.ty)
        {
            // Shared schemas are documented where they are declared.
            let inline =
                body.flattened.is_some() || inline_in(types, &body.ty, &op.source).is_some();
            if inline {
                places.entry(n.to_string()).or_insert(Place::Body {
                    op: op.sdk_name.clone(),
                    doc: body.doc.clone(),
                });
            }
        }
        for s in &op.response.statuses {
            if let ResponseKind::Json(ty) = &s.kind
                && let Some(n) = inline_in(types, ty, &op.source)
            {
                places.entry(n).or_insert(Place::Response {
                    op: op.sdk_name.clone(),
                });
            }
        }
    }
    for child in &root.children {
        operation_places(child, types, places);
    }
}

fn undocumented(diags: &mut Diagnostics, pointer: &str, what: String) {
    diags.push(
        Diagnostic::warning(
            Kind::Undocumented,
            pointer,
            format!("{what} has no description; the SDK documents it with a generated sentence"),
        )
        .with_hint("add a `description`"),
    );
}

fn finish_type(def: &mut TypeDef, place: Option<&Place>, diags: &mut Diagnostics) {
    let constant = match &def.kind {
        TypeKind::Enum(e) if e.variants.len() == 1 => Some(match e.variants[0].wire.as_str() {
            "" => "\"\"".to_string(),
            wire => wire.replace('`', "'"),
        }),
        _ => None,
    };
    if def.doc.is_none() {
        let doc = match (place, &constant) {
            // A request body described on the `requestBody` rather than its schema.
            (Some(Place::Body { doc: Some(d), .. }), _) => d.clone(),
            // A single value says everything there is to say.
            (Some(Place::Field { parent, wire, .. }), Some(value)) => {
                format!("The `{wire}` of `{parent}`: always `{value}`.")
            }
            (_, Some(value)) => format!("Always `{value}`."),
            (place, None) => {
                undocumented(diags, &def.source, format!("the schema of `{}`", def.name));
                fallback(def, place)
            }
        };
        def.doc = Some(doc);
    }
    let name = def.name.clone();
    match &mut def.kind {
        TypeKind::Struct(s) => finish_fields(&name, s, diags),
        TypeKind::Enum(e) => {
            for v in &mut e.variants {
                let value = if v.wire.is_empty() {
                    "`\"\"`".to_string()
                } else {
                    format!("`{}`", v.wire.replace('`', "'"))
                };
                // A description the spec gives the value follows it.
                v.doc = if v.doc.trim().is_empty() {
                    value
                } else {
                    format!("{value}: {}", v.doc.trim())
                };
            }
        }
        TypeKind::Union(u) => {
            finish_variants(u);
            let how = match &u.tag {
                Some(tag) => format!(
                    "Told apart by `{tag}`; a value of `{tag}` this SDK does not know reads as `Unknown`."
                ),
                None => "Read as the variant the value fits best (its fixed values, required keys, \
                         fewest undeclared keys, then the most of its declared keys present and the \
                         fewest absent), trying the next on failure; a value that fits none reads as \
                         `Unknown`."
                    .to_string(),
            };
            let doc = def.doc.get_or_insert_default();
            doc.push_str("\n\n");
            doc.push_str(&how);
        }
        TypeKind::Alias(_) => {}
    }
}

/// A sentence from where the type sits, for a type the spec does not describe.
fn fallback(def: &TypeDef, place: Option<&Place>) -> String {
    match place {
        Some(Place::Field { parent, wire, part }) => match *part {
            "items" => format!("One item of the `{wire}` list of `{parent}`."),
            "values" => format!("One value of the `{wire}` map of `{parent}`."),
            _ => format!("The `{wire}` of `{parent}`."),
        },
        Some(Place::Param { op, wire }) => format!("A value of the `{wire}` parameter of `{op}`."),
        Some(Place::Body { op, .. }) => format!("The request body of `{op}`."),
        Some(Place::Variant { parent }) => format!("One form of `{parent}`."),
        Some(Place::Response { op }) => format!("The response of `{op}`."),
        // A component schema, or one referenced where it sits in another file.
        None => match def.source.strip_prefix("/components/schemas/") {
            Some(key) if !key.contains('/') => format!(
                "The `{}` schema of the API.",
                crate::json_pointer::unescape_token(key)
            ),
            _ => format!("The `{}` type of the API.", def.name),
        },
    }
}

fn finish_fields(parent: &str, s: &mut Struct, diags: &mut Diagnostics) {
    for f in &mut s.fields {
        let described = f.doc.is_some();
        let mut text = f.doc.take().unwrap_or_default();
        // A fixed value documents itself; anything else the spec should describe.
        if !described && f.constant.is_none() {
            undocumented(
                diags,
                &f.source,
                format!("property `{}` of `{parent}`", f.wire),
            );
            text = format!("The `{}` of `{parent}`.", f.wire);
        }
        for note in field_notes(f) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&note);
        }
        f.doc = Some(text);
    }
}

/// What the generator knows about a field beyond its description.
fn field_notes(f: &Field) -> Vec<String> {
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: sent by the server, ignored in requests.".to_string());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned.".to_string());
    }
    if let Presence::Defaulted(v) = &f.presence {
        notes.push(format!("Defaults to `{v}` when absent."));
    }
    if let Some(c) = &f.constant {
        notes.push(format!("Always `{c}`."));
    }
    notes
}

fn finish_variants(u: &mut Union) {
    for v in &mut u.variants {
        v.doc = match &u.tag {
            Some(tag) => format!(
                "`{tag}`: {}",
                v.tag_values
                    .iter()
                    .map(|t| format!("`{}`", t.replace('`', "'")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!("The value as {}.", ty_phrase(&v.ty)),
        };
    }
}

/// `a boolean`, `a list`, `` a `Message` ``: what an untagged variant holds.
fn ty_phrase(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Secret => "a string".into(),
        Ty::Bool => "a boolean".into(),
        Ty::Integer(_) => "an integer".into(),
        Ty::Number(_) => "a number".into(),
        Ty::DateTime => "a date and time".into(),
        Ty::Date => "a date".into(),
        Ty::Bytes => "bytes".into(),
        Ty::File => "a file".into(),
        Ty::Any => "any JSON value".into(),
        Ty::Object | Ty::Map(_) => "an object".into(),
        Ty::Named(n) => format!("a `{n}`"),
        Ty::Array(_) | Ty::Tuple(_) => "a list".into(),
        Ty::Option(t) => format!("{} or null", ty_phrase(t)),
        Ty::BestEffort(t) => format!("{}, or the JSON that is not one", ty_phrase(t)),
    }
}

fn finish_operations(resource: &mut Resource, types: &[TypeDef], diags: &mut Diagnostics) {
    for op in &mut resource.operations {
        finish_operation(op, types, diags);
    }
    for child in &mut resource.children {
        finish_operations(child, types, diags);
    }
}

fn finish_operation(op: &mut Operation, types: &[TypeDef], diags: &mut Diagnostics) {
    if op.summary.is_none() && op.description.is_none() {
        undocumented(diags, &op.source, format!("operation `{}`", op.id));
    }
    // The request type is in the same module: linked by name, since its page (not this
    // one) lists the setters.
    op.params_doc = format!(
        "Parameters of `{}` (`{} {}`), as a [`{}`] sends them: its setters fill in the optional ones.",
        op.sdk_name,
        op.http_method.as_str(),
        op.path,
        op.request_name
    );
    op.request_doc = format!(
        "A `{}` request (`{} {}`), ready to send: await it for the result, or set its optional parameters and per-request options first.",
        op.sdk_name,
        op.http_method.as_str(),
        op.path
    );
    for p in &mut op.params {
        if p.doc.is_none() {
            undocumented(diags, &p.source, format!("parameter `{}`", p.wire));
            let location = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            };
            p.doc = Some(format!("The `{}` {location} parameter.", p.wire));
        }
        let body_type = p.location == ParamLocation::Header
            && p.wire.eq_ignore_ascii_case("content-type")
            && op.body.is_some();
        if let (true, Some(doc)) = (body_type, &mut p.doc) {
            doc.push_str("\n\nWithout it, the body's own media type is sent.");
        }
        if let (Some(value), Some(doc)) = (&p.default, &mut p.doc) {
            doc.push_str(&format!(
                "\n\nSent as `{value}` when not set (the spec's default). \
                 `ClientBuilder::default_header(\"{}\", ..)` sends another value with every \
                 request; a value set here wins over both.",
                p.wire
            ));
        }
    }
    if let Some(body) = &mut op.body {
        if body.doc.is_none() {
            body.doc = Some("The request body.".into());
        }
        // The builder's setters show the body struct's finished field docs.
        if let Some(flat) = &mut body.flattened
            && let Ok(i) = types.binary_search_by(|t| t.name.cmp(&flat.type_name))
            && let TypeKind::Struct(s) = &types[i].kind
        {
            for f in &mut flat.fields {
                if let Some(finished) = s.fields.iter().find(|d| d.wire == f.wire) {
                    f.doc.clone_from(&finished.doc);
                }
            }
        }
    }
    op.response.doc = format!("The response of `{}`, by status.", op.sdk_name);
    for s in &mut op.response.statuses {
        s.doc = match s.status {
            Some(code) => format!("Status {code}."),
            None => "Any other success status.".to_string(),
        };
    }
}
