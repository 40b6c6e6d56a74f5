//! Which file of `models/` each type is written in: the file of the one top-level
//! resource whose operations use it, or `shared` when several (or none) do. Public
//! paths do not change: `models/mod.rs` re-exports every file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{Additional, ModelFile, Operation, Resource, ResponseKind, Ty, TypeDef, TypeKind};

/// The file of types that more than one resource (or no operation) uses.
const SHARED: &str = "shared";
/// The file of types only the client's own operations use.
const CLIENT: &str = "client";

pub(super) fn model_files(root: &Resource, types: &[TypeDef]) -> Vec<ModelFile> {
    let by_name: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    // Each type's users, and each response enum's file.
    let mut users: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut response_enums: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut groups: Vec<(&str, Vec<&Operation>)> = vec![(CLIENT, root.operations.iter().collect())];
    for child in &root.children {
        let mut ops = Vec::new();
        collect_operations(child, &mut ops);
        groups.push((child.module.as_str(), ops));
    }
    for (module, ops) in &groups {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Ty> = Vec::new();
        for op in ops {
            operation_tys(op, &mut stack);
            if let Some(name) = &op.response.by_status_name {
                response_enums.entry(module).or_default().push(name.clone());
            }
        }
        while let Some(ty) = stack.pop() {
            let name = match ty {
                Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => {
                    stack.push(t);
                    continue;
                }
                Ty::Named(n) => n.as_str(),
                _ => continue,
            };
            if !seen.insert(name) {
                continue;
            }
            users.entry(name).or_default().insert(module);
            if let Some(def) = by_name.get(name) {
                type_tys(def, &mut stack);
            }
        }
    }
    let mut files: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for def in types {
        let module = match users.get(def.name.as_str()) {
            Some(u) if u.len() == 1 => u.iter().next().copied().unwrap_or(SHARED),
            _ => SHARED,
        };
        files.entry(module).or_default().0.push(def.name.clone());
    }
    for (module, enums) in response_enums {
        files.entry(module).or_default().1.extend(enums);
    }
    files
        .into_iter()
        .map(|(module, (names, enums))| {
            let imports = imports(&names, &enums, &by_name, root);
            ModelFile {
                doc: match module {
                    SHARED => {
                        "Types used by more than one resource, or by no operation.".to_string()
                    }
                    CLIENT => "Types of the client's own operations.".to_string(),
                    m => format!("Types of the `{m}` resource."),
                },
                module: module.to_string(),
                types: names,
                response_enums: enums,
                imports,
            }
        })
        .collect()
}

/// Types of other files that a file's types name: its `use super::{..}`.
fn imports(
    names: &[String],
    enums: &[String],
    by_name: &HashMap<&str, &TypeDef>,
    root: &Resource,
) -> Vec<String> {
    let mut stack: Vec<&Ty> = Vec::new();
    for name in names {
        if let Some(def) = by_name.get(name.as_str()) {
            type_tys(def, &mut stack);
        }
    }
    let mut ops = Vec::new();
    collect_operations(root, &mut ops);
    for op in ops {
        if op
            .response
            .by_status_name
            .as_ref()
            .is_some_and(|n| enums.contains(n))
        {
            for s in &op.response.statuses {
                if let ResponseKind::Json(ty) = &s.kind {
                    stack.push(ty);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => stack.push(t),
            Ty::Tuple(items) => stack.extend(items),
            Ty::Named(n) if !names.contains(n) => {
                out.insert(n.clone());
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

fn collect_operations<'r>(resource: &'r Resource, out: &mut Vec<&'r Operation>) {
    out.extend(&resource.operations);
    for child in &resource.children {
        collect_operations(child, out);
    }
}

/// The types an operation names directly (and the collections around them).
fn operation_tys<'o>(op: &'o Operation, out: &mut Vec<&'o Ty>) {
    out.extend(op.params.iter().map(|p| &p.ty));
    if let Some(body) = &op.body {
        out.push(&body.ty);
    }
    if let ResponseKind::Json(ty) = &op.response.kind {
        out.push(ty);
    }
    for s in &op.response.statuses {
        if let ResponseKind::Json(ty) = &s.kind {
            out.push(ty);
        }
    }
}

/// The types a type names: fields, variants, the aliased type, the `extra` values.
fn type_tys<'t>(def: &'t TypeDef, out: &mut Vec<&'t Ty>) {
    match &def.kind {
        TypeKind::Struct(s) => {
            out.extend(s.fields.iter().map(|f| &f.ty));
            if let Additional::Typed(t) = &s.additional {
                out.push(t);
            }
        }
        TypeKind::Union(u) => out.extend(u.variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(t) => out.push(t),
        TypeKind::Enum(_) => {}
    }
}
