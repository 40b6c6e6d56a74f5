//! The resource tree: operations placed by their resource path, method and builder
//! names settled against their neighbours; then the passes over the finished types.

use std::collections::HashMap;

use serde_json::Value;

use super::Lowerer;
use super::names::{self, Scope, bare};
use super::operations::{CLIENT_RESERVED, Pending, RESOURCE_RESERVED, pascal_join};
use crate::diagnostics::Kind;
use crate::ir::{Name, Presence, Resource, Ty, TypeKind};

impl<'a> Lowerer<'a> {
    /// Places operations into the resource tree, settling method and builder names.
    pub(super) fn build_tree(&mut self, pending: Vec<Pending>) -> Resource {
        let docs = self.resource_docs();
        let mut root = Resource {
            path: Vec::new(),
            type_name: "Client".into(),
            accessor: Name::default(),
            module: "mod".into(),
            doc: None,
            operations: Vec::new(),
            children: Vec::new(),
        };
        // Resources first, so that method names can avoid accessor names.
        for p in &pending {
            let mut node = &mut root;
            for (depth, part) in p.resource.iter().enumerate() {
                let index = match node
                    .children
                    .iter()
                    .position(|c| c.path.last() == Some(part))
                {
                    Some(i) => i,
                    None => {
                        let path = p.resource[..=depth].to_vec();
                        let key = path.join(".");
                        // A resource without a description still says what it is.
                        let doc = docs
                            .get(&key)
                            .cloned()
                            .unwrap_or_else(|| format!("The `{key}` resource."));
                        node.children.push(Resource {
                            type_name: pascal_join(path.iter().map(String::as_str)),
                            accessor: names::name(part.clone()),
                            module: module_name(&p.resource[0]),
                            doc: Some(doc),
                            path,
                            operations: Vec::new(),
                            children: Vec::new(),
                        });
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[index];
            }
        }
        let mut params_names = Scope::pascal();
        reserve_type_names(&root, &mut params_names);
        let mut method_scopes: HashMap<Vec<String>, Scope> = HashMap::new();
        for mut p in pending {
            let node = find_mut(&mut root, &p.resource);
            let scope = method_scopes.entry(p.resource.clone()).or_insert_with(|| {
                let mut s = Scope::with_reserved(RESOURCE_RESERVED);
                if p.resource.is_empty() {
                    CLIENT_RESERVED.iter().for_each(|name| s.reserve(name));
                }
                for c in &node.children {
                    if let Some(last) = c.path.last() {
                        s.reserve(last);
                    }
                }
                s
            });
            let (method_name, changed) = scope.claim(&p.method_wanted);
            if changed {
                self.diags.warning(
                    Kind::NameCollision,
                    p.op.source.clone(),
                    format!("method name `{}` is already taken in this resource; this operation is `{method_name}`", p.method_wanted),
                );
            }
            let wanted_builder = pascal_join(
                p.resource
                    .iter()
                    .map(String::as_str)
                    .chain([bare(&method_name), "params"]),
            );
            let (params_name, _) = params_names.claim(&wanted_builder);
            let wanted_request = pascal_join(
                p.resource
                    .iter()
                    .map(String::as_str)
                    .chain([bare(&method_name), "request"]),
            );
            let (request_name, _) = params_names.claim(&wanted_request);
            let mut sdk = p.resource.clone();
            sdk.push(bare(&method_name).to_string());
            p.op.sdk_name = sdk.join(".");
            p.op.method_name = names::name(method_name);
            p.op.params_name = params_name;
            p.op.request_name = request_name;
            node.operations.push(p.op);
        }
        root
    }

    /// Descriptions of resources: `x-sdk-resources`, else the tag's description.
    pub(super) fn resource_docs(&self) -> HashMap<String, String> {
        let mut docs = HashMap::new();
        for tag in &self.doc.tags {
            if let Some(d) = &tag.description {
                docs.insert(
                    bare(&self.resource_of_tag(&tag.name)).to_string(),
                    d.clone(),
                );
            }
        }
        if let Some(map) = self.raw.get("x-sdk-resources").and_then(Value::as_object) {
            for (k, v) in map {
                if let Some(d) = v.as_str() {
                    docs.insert(k.clone(), d.to_string());
                }
            }
        }
        docs
    }

    /// Marks every struct reachable from a request body or parameter as used in
    /// requests, then settles what depends on it.
    pub(super) fn mark_request_types(&mut self, root: &Resource) {
        let mut stack: Vec<Ty> = Vec::new();
        collect_request_tys(root, &mut stack);
        let mut seen = std::collections::HashSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Named(n) => {
                    if !seen.insert(n.clone()) {
                        continue;
                    }
                    let Some(def) = self.types.get_mut(&n) else {
                        continue;
                    };
                    match &mut def.kind {
                        TypeKind::Struct(s) => {
                            s.in_request = true;
                            stack.extend(s.fields.iter().map(|f| f.ty.clone()));
                            if let crate::ir::Additional::Typed(t) = &s.additional {
                                stack.push(t.clone());
                            }
                        }
                        TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                        TypeKind::Alias(t) => stack.push(t.clone()),
                        TypeKind::Enum(_) => {}
                    }
                }
                Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => stack.push(*t),
                Ty::Tuple(items) => stack.extend(items),
                _ => {}
            }
        }
    }

    /// Final passes over the types: three-state fields only where requests need them,
    /// defaults only where they can be written, boxes where types nest in themselves.
    pub(super) fn finish_types(&mut self) -> Vec<crate::ir::TypeDef> {
        // Enums by name, and whether their values are integers.
        let enums: HashMap<String, bool> = self
            .types
            .values()
            .filter_map(|t| match &t.kind {
                TypeKind::Enum(e) => Some((t.name.clone(), e.integer)),
                _ => None,
            })
            .collect();
        for def in self.types.values_mut() {
            if let TypeKind::Struct(s) = &mut def.kind {
                for f in &mut s.fields {
                    if f.presence == Presence::OptionalNullable && !s.in_request {
                        f.presence = Presence::Optional;
                    }
                    // A default is written for an enum whose values are of its kind.
                    if let (Presence::Defaulted(v), Ty::Named(n)) = (&f.presence, &f.ty)
                        && enums.get(n) != Some(&v.is_number())
                    {
                        f.presence = Presence::Optional;
                    }
                }
            }
        }
        for def in self.types.values_mut() {
            if let TypeKind::Struct(s) = &mut def.kind {
                name_model_setters(s);
            }
        }
        super::cycles::box_cycles(&mut self.types, self.diags);
        std::mem::take(&mut self.types).into_values().collect()
    }
}

/// `with_<field>` for every field a user sets after `new` (all but its arguments and
/// constants): the structs are `#[non_exhaustive]`, so this and `new` are how code
/// outside the crate builds request bodies and test fixtures. The methods the struct
/// already has are reserved, so that no setter takes their name.
fn name_model_setters(s: &mut crate::ir::Struct) {
    let mut scope = Scope::with_reserved(&["new", "to_multipart"]);
    for f in &mut s.fields {
        let fixed = f.is_argument() || (f.constant.is_some() && f.presence == Presence::Required);
        f.setter = (!fixed).then(|| {
            names::name(
                scope
                    .claim(&format!("with_{}", f.name.bare.trim_matches('_')))
                    .0,
            )
        });
    }
}

fn reserve_type_names(resource: &Resource, scope: &mut Scope) {
    scope.reserve(&resource.type_name);
    for child in &resource.children {
        reserve_type_names(child, scope);
    }
}

fn collect_request_tys(resource: &Resource, out: &mut Vec<Ty>) {
    for op in &resource.operations {
        if let Some(body) = &op.body {
            out.push(body.ty.clone());
        }
        out.extend(op.params.iter().map(|p| p.ty.clone()));
    }
    for child in &resource.children {
        collect_request_tys(child, out);
    }
}

/// The file of a top-level resource: its name, with `_` after a keyword (a file name
/// cannot be a raw identifier) and after `mod` (the root's file).
fn module_name(resource: &str) -> String {
    let bare = names::bare(resource);
    if names::escape_keyword(bare.to_string()) != bare || bare == "mod" {
        format!("{bare}_")
    } else {
        bare.to_string()
    }
}

fn find_mut<'r>(root: &'r mut Resource, path: &[String]) -> &'r mut Resource {
    let mut node = root;
    for part in path {
        let Some(i) = node
            .children
            .iter()
            .position(|c| c.path.last() == Some(part))
        else {
            break;
        };
        node = &mut node.children[i];
    }
    node
}
