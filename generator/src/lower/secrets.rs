//! Which wire names carry secrets: decided here, once the types are final, so that the
//! runtime can keep the values of fields the spec marks secret (`format: password`,
//! `x-sdk-secret: true`, typed `Ty::Secret`) out of the excerpts of response bodies
//! that its errors hold (a body that did not decode, an error status's body, an event
//! frame). Types already keep them out of `Debug`; an excerpt is text the runtime cut
//! from the wire before any type read it, so it can only go by name.
//!
//! A field is listed by its wire name when its value holds a secret directly: a secret
//! string, a list or map of them, an alias or union of such a type, or an object whose
//! undeclared keys are secrets (`additionalProperties: {format: password}`): the
//! runtime hides the whole value of a key so named. Each operation gets the names of
//! its parameters, request body and success responses, reached through every type they
//! name; `*` stands for a body that is a secret as a whole. The API gets every name of
//! every type and parameter, for bodies whose schema the runtime does not know. A union
//! gets the names its variants reach: its `Unknown` JSON (a value no variant read, such
//! as a secret of an unexpected type) is shown without their values; so is the JSON
//! of a best-effort list's item that did not decode, by the names its item type reaches
//! (the struct field's `undecoded_secrets`).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::ir::{Additional, Operation, Resource, ResponseKind, Ty, TypeDef, TypeKind};

/// The value of a body that is a secret as a whole.
pub const WHOLE_BODY: &str = "*";

/// Fills `secret_fields` of every operation of the tree and of every union; returns
/// the API's list.
pub(super) fn mark(root: &mut Resource, types: &mut [TypeDef]) -> Vec<String> {
    let snapshot = types.to_vec();
    let finder = Finder {
        types: snapshot.iter().map(|t| (t.name.as_str(), t)).collect(),
    };
    let mut every = BTreeSet::new();
    mark_resource(root, &finder, &mut every);
    for t in types.iter_mut() {
        let mut names = BTreeSet::new();
        finder.collect(&Ty::Named(t.name.clone()), &mut names, &mut HashSet::new());
        every.extend(names.iter().cloned());
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                f.undecoded_secrets = finder.of_best_effort(&f.ty);
            }
        }
        if let TypeKind::Union(u) = &mut t.kind {
            // A variant that is a secret itself: a value none read may be one.
            if finder.holds_secret(&Ty::Named(t.name.clone()), &mut HashSet::new()) {
                names.insert(WHOLE_BODY.to_string());
            }
            u.secret_fields = names.into_iter().collect();
        }
    }
    every.into_iter().collect()
}

fn mark_resource(resource: &mut Resource, finder: &Finder<'_>, every: &mut BTreeSet<String>) {
    for op in &mut resource.operations {
        op.secret_fields = finder.of_operation(op);
        // The API's list holds parameters' names too; `*` is per body only.
        every.extend(
            op.secret_fields
                .iter()
                .filter(|n| *n != WHOLE_BODY)
                .cloned(),
        );
    }
    for child in &mut resource.children {
        mark_resource(child, finder, every);
    }
}

struct Finder<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
}

impl Finder<'_> {
    fn of_operation(&self, op: &Operation) -> Vec<String> {
        let mut names = BTreeSet::new();
        let mut seen = HashSet::new();
        for p in &op.params {
            if self.holds_secret(&p.ty, &mut HashSet::new()) {
                names.insert(p.wire.clone());
            }
        }
        let mut bodies: Vec<&Ty> = op.body.iter().map(|b| &b.ty).collect();
        if let ResponseKind::Json(t) = &op.response.kind {
            bodies.push(t);
        }
        for status in &op.response.statuses {
            if let ResponseKind::Json(t) = &status.kind {
                bodies.push(t);
            }
        }
        for body in bodies {
            if self.holds_secret(body, &mut HashSet::new()) {
                names.insert(WHOLE_BODY.to_string());
            }
            self.collect(body, &mut names, &mut seen);
        }
        names.into_iter().collect()
    }

    /// The names the undecoded items of a best-effort list of type `ty` hide (empty
    /// when it is none or its items reach no secret): what their type reaches, `*` when
    /// an item is a secret as a whole.
    fn of_best_effort(&self, ty: &Ty) -> Vec<String> {
        let item = match ty {
            Ty::BestEffort(item) => item,
            Ty::Array(t) | Ty::Map(t) | Ty::Option(t) => return self.of_best_effort(t),
            _ => return Vec::new(),
        };
        let mut names = BTreeSet::new();
        self.collect(item, &mut names, &mut HashSet::new());
        if self.holds_secret(item, &mut HashSet::new()) {
            names.insert(WHOLE_BODY.to_string());
        }
        names.into_iter().collect()
    }

    /// Adds the wire names of the secret fields of every type `ty` reaches.
    fn collect(&self, ty: &Ty, names: &mut BTreeSet<String>, seen: &mut HashSet<String>) {
        match ty {
            Ty::Named(name) => {
                if !seen.insert(name.clone()) {
                    return;
                }
                let Some(def) = self.types.get(name.as_str()) else {
                    return;
                };
                match &def.kind {
                    TypeKind::Struct(s) => {
                        for f in &s.fields {
                            if self.holds_secret(&f.ty, &mut HashSet::new()) {
                                names.insert(f.wire.clone());
                            }
                            self.collect(&f.ty, names, seen);
                        }
                        if let Additional::Typed(t) = &s.additional {
                            self.collect(t, names, seen);
                        }
                    }
                    TypeKind::Union(u) => {
                        for v in &u.variants {
                            self.collect(&v.ty, names, seen);
                        }
                    }
                    TypeKind::Alias(t) => self.collect(t, names, seen),
                    TypeKind::Enum(_) => {}
                }
            }
            Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => {
                self.collect(t, names, seen)
            }
            Ty::Tuple(items) => {
                for t in items {
                    self.collect(t, names, seen);
                }
            }
            _ => {}
        }
    }

    /// Whether a value of `ty` is a secret, or holds secrets at places no name tells
    /// (list items, map values, undeclared keys): then the whole value is hidden.
    fn holds_secret(&self, ty: &Ty, guard: &mut HashSet<String>) -> bool {
        match ty {
            Ty::Secret => true,
            Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => {
                self.holds_secret(t, guard)
            }
            Ty::Tuple(items) => items.iter().any(|t| self.holds_secret(t, guard)),
            Ty::Named(name) => {
                if !guard.insert(name.clone()) {
                    return false;
                }
                match self.types.get(name.as_str()).map(|d| &d.kind) {
                    Some(TypeKind::Alias(t)) => self.holds_secret(t, guard),
                    Some(TypeKind::Union(u)) => {
                        u.variants.iter().any(|v| self.holds_secret(&v.ty, guard))
                    }
                    Some(TypeKind::Struct(s)) => match &s.additional {
                        Additional::Typed(t) => self.holds_secret(t, guard),
                        _ => false,
                    },
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
