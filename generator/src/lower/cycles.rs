//! Types that contain themselves (a struct with a field of its own type, directly or
//! through others) need a `Box` somewhere in the cycle. Lists and maps already put
//! their elements on the heap, so only direct containment counts.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind};
use crate::ir::{Ty, TypeDef, TypeKind};

/// The named types a value of `ty` holds inline (a tuple holds several).
fn direct_target(ty: &Ty) -> Vec<&str> {
    match ty {
        Ty::Named(n) => vec![n],
        Ty::Option(inner) | Ty::BestEffort(inner) => direct_target(inner),
        Ty::Tuple(items) => items.iter().flat_map(direct_target).collect(),
        _ => Vec::new(),
    }
}

pub fn box_cycles(types: &mut BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    let names: Vec<&String> = types.keys().collect();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, name) in names.iter().enumerate() {
        let def = &types[*name];
        let targets: Vec<&Ty> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::Enum(_) => Vec::new(),
        };
        for t in targets {
            for j in direct_target(t).into_iter().filter_map(|n| index.get(n)) {
                edges[i].push(*j);
            }
        }
    }
    let component = strongly_connected(&edges);
    let in_cycle = |from: usize, to: &str| {
        index.get(to).is_some_and(|&j| {
            component[j] == component[from] && (j != from || edges[from].contains(&from))
        })
    };

    let mut updates: Vec<(String, Vec<usize>)> = Vec::new();
    let mut alias_cycles = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let def = &types[*name];
        match &def.kind {
            TypeKind::Struct(s) => {
                let boxed: Vec<usize> = s
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| direct_target(&f.ty).into_iter().any(|t| in_cycle(i, t)))
                    .map(|(k, _)| k)
                    .collect();
                if !boxed.is_empty() {
                    updates.push(((*name).clone(), boxed));
                }
            }
            TypeKind::Union(u) => {
                let boxed: Vec<usize> = u
                    .variants
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| direct_target(&v.ty).into_iter().any(|t| in_cycle(i, t)))
                    .map(|(k, _)| k)
                    .collect();
                if !boxed.is_empty() {
                    updates.push(((*name).clone(), boxed));
                }
            }
            TypeKind::Alias(t) => {
                if direct_target(t).into_iter().any(|t| in_cycle(i, t)) {
                    alias_cycles.push(((*name).clone(), def.source.clone()));
                }
            }
            TypeKind::Enum(_) => {}
        }
    }
    for (name, indices) in updates {
        match &mut types.get_mut(&name).expect("name taken from the map").kind {
            TypeKind::Struct(s) => indices.into_iter().for_each(|k| s.fields[k].boxed = true),
            TypeKind::Union(u) => indices.into_iter().for_each(|k| u.variants[k].boxed = true),
            _ => {}
        }
    }
    // A type alias cannot name itself, even through a box.
    for (name, source) in alias_cycles {
        diags.push(
            Diagnostic::error(Kind::CyclicRef, source, format!("schema `{name}` is defined only in terms of itself"))
                .with_hint("a chain of `$ref`s (or of single-schema allOf/oneOf) must end at a schema with a shape"),
        );
        if let Some(def) = types.get_mut(&name) {
            def.kind = TypeKind::Alias(Ty::Any);
        }
    }
}

/// Tarjan's algorithm, iterative so deep type graphs do not overflow the stack.
/// Returns the component number of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = next_component;
                        if w == v {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn finds_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
