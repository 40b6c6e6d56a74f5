//! What the generated documentation says, decided once the tree and the types are
//! final: each method's text, the links to its request type and setters, its compiled
//! example (argument values, the setters shown, the variable the result is bound to),
//! the crate's example call, and which bodies are multipart.

use serde_json::Value;

use crate::ir::{
    BodyMedia, Example, ExampleArg, ExampleSetter, Name, Operation, Resource, ResponseKind,
    SetterRole, Ty, TypeDef, TypeKind,
};

/// The most setters an example call shows.
const MAX_EXAMPLE_SETTERS: usize = 3;
/// The most setters a method's documentation links by name.
const MAX_LINKED_SETTERS: usize = 12;

/// Fills in each operation's `doc`, `setters_doc` and `example`, and returns the crate's
/// example call.
pub(super) fn document(root: &mut Resource, types: &[TypeDef]) -> Option<Vec<Name>> {
    let mut chain = Vec::new();
    document_resource(root, types, &mut chain);
    first_call_without_arguments(root)
}

fn document_resource(resource: &mut Resource, types: &[TypeDef], chain: &mut Vec<Name>) {
    for op in &mut resource.operations {
        op.doc = method_doc(op);
        op.setters_doc = setters_doc(op);
        op.example = example(op, types, chain);
    }
    for child in &mut resource.children {
        chain.push(child.accessor.clone());
        document_resource(child, types, chain);
        chain.pop();
    }
}

/// Bodies sent as `multipart/form-data` are plain structs with files.
pub(super) fn mark_multipart(resource: &Resource, types: &mut [TypeDef]) {
    for op in &resource.operations {
        if let Some(body) = &op.body
            && body.media == BodyMedia::Multipart
            && let Some(flat) = &body.flattened
            && let Ok(i) = types.binary_search_by(|t| t.name.cmp(&flat.type_name))
            && let TypeKind::Struct(s) = &mut types[i].kind
        {
            s.multipart = true;
            s.fields
                .iter_mut()
                .for_each(super::bodies::as_multipart_field);
        }
    }
    for child in &resource.children {
        mark_multipart(child, types);
    }
}

fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    // Undescribed (and warned about): the operation's ID says what it is.
    if op.summary.is_none() && op.description.is_none() {
        text.push_str(&format!("The `{}` operation.\n\n", op.id));
    }
    if let Some(s) = &op.summary {
        text.push_str(s.trim_end_matches('.'));
        text.push_str(".\n\n");
    }
    if let Some(d) = &op.description
        && op.summary.as_deref().map(str::trim) != Some(d.trim())
    {
        text.push_str(d);
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", op.http_method.as_str(), op.path));
    if let Some(server) = &op.server {
        text.push_str(&match (&server.default, server.relative) {
            (_, false) => format!(
                " on `{}`, the operation's own server (see \"Servers\" in the crate docs)",
                server.url
            ),
            (Some(d), true) => format!(
                " on `{}`, relative to the client's base URL (`{d}` by default; see \"Servers\" in the crate docs)",
                server.url
            ),
            (None, true) => format!(
                " on `{}`, relative to the client's base URL (see \"Servers\" in the crate docs)",
                server.url
            ),
        });
    }
    if op.pagination.is_some() {
        text.push_str("\n\nAwait it for one page; `.stream()` walks every item of every page.");
    }
    text
}

/// The request type's page lists the operation's setters: linked from the method, each
/// setter by name, so that a reader of the method finds them. The method and the request
/// type are in the same module, so the links are by name.
fn setters_doc(op: &Operation) -> String {
    let request = &op.request_name;
    let setters = optional_setters(op);
    if setters.is_empty() {
        return format!(
            "Returns a [`{request}`]: await it for the result, or set per-request options on \
             it first (`.with_timeout(..)`, `.with_header(..)`, ...)."
        );
    }
    // A raw identifier cannot be a link's path (`r#type` reads as `r` and a fragment):
    // those link to the method's anchor on the type's page, which has the bare name.
    let links: Vec<String> = setters
        .iter()
        .map(|s| match s.rust.starts_with("r#") {
            true => format!("[`{}`]({request}#method.{})", s.bare, s.bare),
            false => format!("[`{}`]({request}::{})", s.bare, s.rust),
        })
        .collect();
    // An operation with dozens of parameters lists the first few; its page has all.
    let more = match links.len().saturating_sub(MAX_LINKED_SETTERS) {
        0 => String::new(),
        n => format!(", and {n} more"),
    };
    format!(
        "Optional parameters are set on the returned [`{request}`] before it is awaited: {}{more}.",
        links[..links.len().min(MAX_LINKED_SETTERS)].join(", ")
    )
}

/// The setters of an operation's request, in order: optional parameters, then optional
/// body fields (or the whole optional body).
fn optional_setters(op: &Operation) -> Vec<Name> {
    let mut out: Vec<Name> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| p.name.clone())
        .collect();
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => out.extend(
                flat.setters
                    .iter()
                    .filter(|s| matches!(s.role, SetterRole::Setter { .. }))
                    .map(|s| s.name.clone()),
            ),
            // The whole body, when it is optional: its setter is `body` (the name the
            // parameters leave free for it).
            None if !body.required => out.push(Name {
                rust: "body".into(),
                bare: "body".into(),
            }),
            None => {}
        }
    }
    out
}

/// The example call: simple arguments written out, others taken as parameters of the
/// example function so that it stays short.
fn example(op: &Operation, types: &[TypeDef], chain: &[Name]) -> Example {
    let mut args = Vec::new();
    // The spec's own example of a value, when it fits its type; else one made up.
    for p in op.params.iter().filter(|p| p.required) {
        let given = p
            .example
            .as_ref()
            .and_then(|v| example_from(types, &p.ty, v));
        args.push(
            given
                .or_else(|| example_value(types, &p.ty, &p.wire))
                .unwrap_or_else(|| ExampleArg::Variable {
                    name: p.name.bare.clone(),
                    ty: p.ty.clone(),
                }),
        );
    }
    let body_example = op
        .body
        .as_ref()
        .and_then(|b| b.example.as_ref())
        .and_then(Value::as_object);
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => {
                let arguments = flat
                    .fields
                    .iter()
                    .zip(&flat.setters)
                    .filter(|(_, s)| s.role == SetterRole::Argument);
                for (f, setter) in arguments {
                    let given = body_example
                        .and_then(|e| e.get(&f.wire))
                        .and_then(|v| example_from(types, &f.ty, v));
                    let arg = if f.ty == Ty::File {
                        ExampleArg::File("photo.png".into())
                    } else {
                        given
                            .or_else(|| example_value(types, &f.ty, &f.wire))
                            .unwrap_or_else(|| ExampleArg::Variable {
                                name: setter.name.bare.clone(),
                                ty: f.ty.clone(),
                            })
                    };
                    args.push(arg);
                }
            }
            None if body.required => args.push(match body.media {
                BodyMedia::Binary => ExampleArg::Bytes,
                BodyMedia::Text => ExampleArg::Text("text".into()),
                _ => ExampleArg::Variable {
                    name: "body".into(),
                    ty: body.ty.clone(),
                },
            }),
            None => {}
        }
    }
    let mut call = chain.to_vec();
    call.push(op.method_name.clone());
    let binding = match &op.response.kind {
        ResponseKind::Empty => None,
        _ => Some(result_binding(op, chain)),
    };
    Example {
        call,
        args,
        setters: example_setters(op, types),
        binding,
    }
}

/// The setters a caller most likely needs: those the spec's own request examples set
/// (a parameter's `example`, the keys of the body's `example`), with those values, in
/// the order of the request's setters, at most `MAX_EXAMPLE_SETTERS`. A value that has
/// no literal of the setter's type is left out; without examples, no setter is shown.
fn example_setters(op: &Operation, types: &[TypeDef]) -> Vec<ExampleSetter> {
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        if let Some(value) = p
            .example
            .as_ref()
            .and_then(|v| example_from(types, &p.ty, v))
        {
            out.push(ExampleSetter {
                name: p.name.clone(),
                value,
            });
        }
    }
    if let Some(body) = &op.body
        && let Some(flat) = &body.flattened
        && let Some(Value::Object(example)) = &body.example
    {
        for (f, setter) in flat.fields.iter().zip(&flat.setters) {
            if !matches!(setter.role, SetterRole::Setter { .. }) {
                continue;
            }
            if let Some(value) = example
                .get(&f.wire)
                .and_then(|v| example_from(types, &f.ty, v))
            {
                out.push(ExampleSetter {
                    name: setter.name.clone(),
                    value,
                });
            }
        }
    }
    out.truncate(MAX_EXAMPLE_SETTERS);
    out
}

/// The literal of a spec example's value for a setter of type `ty`, when it has one.
fn example_from(types: &[TypeDef], ty: &Ty, value: &Value) -> Option<ExampleArg> {
    match (ty, value) {
        (Ty::String | Ty::Secret, Value::String(s)) => Some(ExampleArg::Str(s.clone())),
        (Ty::Bool, Value::Bool(b)) => Some(ExampleArg::Bool(*b)),
        (Ty::Integer(_), Value::Number(n)) => n.as_i64().map(ExampleArg::Int),
        (Ty::Number(_), Value::Number(n)) => n.as_f64().map(ExampleArg::Number),
        (Ty::Array(inner), Value::Array(items)) if **inner == Ty::String => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(ExampleArg::StrList),
        (Ty::Named(n), Value::String(wire)) => {
            let def = types
                .binary_search_by(|t| t.name.as_str().cmp(n))
                .ok()
                .map(|i| &types[i])?;
            match &def.kind {
                TypeKind::Enum(e) => {
                    e.variants
                        .iter()
                        .find(|v| &v.wire == wire)
                        .map(|v| ExampleArg::EnumVariant {
                            ty: n.clone(),
                            variant: v.name.clone(),
                        })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `accounts` for a list, `account` for a retrieve, `page` for a page.
fn result_binding(op: &Operation, chain: &[Name]) -> String {
    if op.pagination.is_some() {
        return "page".into();
    }
    let resource = chain.last().map(|r| r.bare.as_str());
    match (op.method_name.bare.as_str(), resource) {
        ("list", Some(r)) => r.to_string(),
        ("search", _) => "results".into(),
        ("retrieve" | "get", Some(r)) => r.strip_suffix('s').unwrap_or(r).to_string(),
        _ => "response".into(),
    }
}

/// A literal for an example argument, when the type has a simple one.
fn example_value(types: &[TypeDef], ty: &Ty, wire: &str) -> Option<ExampleArg> {
    match ty {
        Ty::String | Ty::Secret => Some(ExampleArg::Str(example_string(wire))),
        Ty::Bool => Some(ExampleArg::Bool(true)),
        Ty::Integer(_) => Some(ExampleArg::Int(10)),
        Ty::Number(_) => Some(ExampleArg::Number(1.0)),
        Ty::Named(n) => {
            let def = types
                .binary_search_by(|t| t.name.as_str().cmp(n))
                .ok()
                .map(|i| &types[i])?;
            match &def.kind {
                TypeKind::Enum(e) => e.variants.first().map(|v| ExampleArg::EnumVariant {
                    ty: n.clone(),
                    variant: v.name.clone(),
                }),
                _ => None,
            }
        }
        Ty::Array(inner) if **inner == Ty::String => {
            Some(ExampleArg::StrList(vec![example_string(wire)]))
        }
        _ => None,
    }
}

/// `chatID` -> `chat-1`, `accountIDs` -> `account-1`, else the wire name itself.
fn example_string(wire: &str) -> String {
    let lower = wire.to_ascii_lowercase();
    if lower.ends_with("ids") {
        format!("{}-1", &wire[..wire.len() - 3])
    } else if lower.ends_with("id") {
        format!("{}-1", &wire[..wire.len() - 2])
    } else {
        wire.to_string()
    }
    .trim_start_matches('-')
    .to_string()
}

/// The first operation, depth first, that needs no arguments.
/// The call the crate's README starts with: the first operation without arguments that
/// only reads (running the example changes nothing on the server), else the first one
/// without arguments.
fn first_call_without_arguments(root: &Resource) -> Option<Vec<Name>> {
    let no_arguments = |op: &&Operation| {
        op.params.iter().all(|p| !p.required) && op.body.as_ref().is_none_or(|b| !b.required)
    };
    let mut ops = Vec::new();
    let mut stack = vec![root];
    while let Some(r) = stack.pop() {
        ops.extend(r.operations.iter().filter(no_arguments));
        stack.extend(r.children.iter().rev());
    }
    ops.iter()
        .find(|op| op.http_method.is_safe())
        .or(ops.first())
        .map(|op| op.example.call.clone())
}
