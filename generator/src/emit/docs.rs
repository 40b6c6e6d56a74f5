//! Documentation generated from the IR: the table of operations in the README.

use crate::ir::{Api, Operation, Resource, SetterRole};

/// A Markdown table of every operation: resource, HTTP method and path, Rust call.
pub fn operations_table(api: &Api) -> String {
    let mut rows = Vec::new();
    collect(&api.root, &mut rows);
    let mut out = format!(
        "{} operations.\n\n| resource | HTTP | path | Rust call |\n|---|---|---|---|\n",
        rows.len()
    );
    for (resource, op) in rows {
        let resource = if resource.is_empty() {
            "(client)".to_string()
        } else {
            resource
        };
        let mut notes = Vec::new();
        if op.pagination.is_some() {
            notes.push("paginated");
        }
        if matches!(op.auth, crate::ir::Auth::None) {
            notes.push("public");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        out.push_str(&format!(
            "| {resource} | {} | `{}` | `{}`{notes} |\n",
            op.http_method.as_str(),
            op.path,
            call(op)
        ));
    }
    out
}

fn collect<'a>(resource: &'a Resource, out: &mut Vec<(String, &'a Operation)>) {
    for op in &resource.operations {
        out.push((resource.path.join("."), op));
    }
    for child in &resource.children {
        collect(child, out);
    }
}

/// `client.bridges().login_sessions().create(bridge_id)`: the required arguments.
fn call(op: &Operation) -> String {
    let mut chain = String::from("client");
    let parts: Vec<&str> = op.sdk_name.split('.').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        chain.push_str(&format!(".{part}()"));
    }
    let mut args: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.bare.as_str())
        .collect();
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => args.extend(
                flat.setters
                    .iter()
                    .filter(|s| s.role == SetterRole::Argument)
                    .map(|s| s.name.bare.as_str()),
            ),
            None if body.required => args.push("body"),
            None => {}
        }
    }
    format!("{chain}.{}({})", op.method_name.bare, args.join(", "))
}
