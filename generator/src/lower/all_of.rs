//! Objects and `allOf`: the object parts a schema declares or merges (later parts
//! win, `required` accumulates), and the shape of an `allOf`.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::facts::is_annotation_only;
use super::{Lowerer, Shape};
use crate::diagnostics::Kind;
use crate::ir::Ty;
use crate::json_pointer::pointer_push;

/// An object-like piece of an `allOf`, or a plain object.
pub(super) struct ObjectPart<'s> {
    pub(super) properties: Vec<(&'s str, &'s ReferenceOr<Box<Schema>>, String)>,
    pub(super) required: Vec<&'s str>,
    pub(super) additional: Option<&'s AdditionalProperties>,
    pub(super) additional_pointer: String,
}

impl<'s> ObjectPart<'s> {
    /// The part an object schema (typed or not) at `pointer` declares itself.
    pub(super) fn declared(
        properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
        pointer: &str,
    ) -> Self {
        ObjectPart {
            properties: properties
                .iter()
                .map(|(k, v)| (k.as_str(), v, props_pointer(pointer, k)))
                .collect(),
            required: required.iter().map(String::as_str).collect(),
            additional,
            additional_pointer: pointer_push(pointer, "additionalProperties"),
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The object parts of a schema: itself, or the object parts of its `allOf`.
    ///
    /// `expanded` holds the pointers already taken apart in this walk: a schema
    /// reached twice (a cycle, or `allOf: [$ref A, $ref A]`) contributes once,
    /// which keeps the walk linear in the number of schemas.
    pub(super) fn object_parts<'s>(
        &mut self,
        schema: &'s Schema,
        pointer: &str,
        out: &mut Vec<ObjectPart<'s>>,
        expanded: &mut HashSet<String>,
    ) where
        'a: 's,
    {
        if !expanded.insert(pointer.to_owned()) {
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => out.push(ObjectPart::declared(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                pointer,
            )),
            SchemaKind::AllOf { all_of } => self.all_of_parts(all_of, pointer, out, expanded),
            SchemaKind::Any(any) => {
                // A part that only lists `required` (`allOf: [$ref X, {required: [a]}]`)
                // makes X's fields required: it is an object part without properties.
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || any.typ.as_deref() == Some("object")
                    || !any.required.is_empty()
                {
                    out.push(ObjectPart::declared(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        pointer,
                    ));
                }
                if !any.all_of.is_empty() {
                    self.all_of_parts(&any.all_of, pointer, out, expanded);
                }
            }
            _ => {}
        }
    }

    pub(super) fn all_of_parts<'s>(
        &mut self,
        all_of: &'s [ReferenceOr<Schema>],
        pointer: &str,
        out: &mut Vec<ObjectPart<'s>>,
        expanded: &mut HashSet<String>,
    ) where
        'a: 's,
    {
        let list = pointer_push(pointer, "allOf");
        for (i, part) in all_of.iter().enumerate() {
            if let Some((s, at)) = self.resolve(part, &pointer_push(&list, &i.to_string())) {
                self.object_parts(s, &at, out, expanded);
            }
        }
    }

    pub(super) fn all_of_shape(
        &mut self,
        all_of: &[ReferenceOr<Schema>],
        own: Option<ObjectPart<'_>>,
        name: &str,
        pointer: &str,
    ) -> Shape {
        let list = pointer_push(pointer, "allOf");
        let substantive: Vec<(usize, &ReferenceOr<Schema>)> = all_of
            .iter()
            .enumerate()
            .filter(|(_, p)| !is_annotation_only(p))
            .collect();
        // A subtype that only extends its base (`Cat: {allOf: [$ref Pet]}`) is still
        // its own struct: the base is the union of its subtypes.
        let only_extends_base = matches!(substantive.as_slice(), [(_, ReferenceOr::Reference { reference })] if self.is_subtype_of(reference, pointer));
        if own.is_none() && !only_extends_base {
            match substantive.as_slice() {
                [] => return Shape::Ty(Ty::Any),
                [(i, only)] => {
                    return Shape::Ty(self.ty_of(only, name, &pointer_push(&list, &i.to_string())));
                }
                _ => {}
            }
        }
        let mut parts: Vec<ObjectPart<'_>> = Vec::new();
        let mut non_object = Vec::new();
        for (i, part) in &substantive {
            let pp = pointer_push(&list, &i.to_string());
            let Some((s, at)) = self.resolve(part, &pp) else {
                continue;
            };
            // A part naming the schema itself adds nothing to merge.
            if at == pointer {
                continue;
            }
            let before = parts.len();
            self.object_parts(s, &at, &mut parts, &mut HashSet::new());
            if parts.len() == before {
                non_object.push((pp, *part));
            }
        }
        if let Some(own) = own {
            parts.push(own);
        }
        if parts.is_empty() {
            let Some((pp, first)) = non_object.first() else {
                // Only self-references: the alias to itself is reported as a cycle.
                return match substantive.first() {
                    Some((i, first)) => {
                        Shape::Ty(self.ty_of(first, name, &pointer_push(&list, &i.to_string())))
                    }
                    None => Shape::Ty(Ty::Any),
                };
            };
            self.diags.warning(
                Kind::Unsupported,
                list.clone(),
                "`allOf` of schemas that are not objects is not supported; the first one is used",
            );
            return Shape::Ty(self.ty_of(first, name, pp));
        }
        for (pp, _) in &non_object {
            self.diags.warning(
                Kind::Unsupported,
                pp.clone(),
                "only objects can be merged by `allOf`; this part is not an object and is left out (its fields are kept as JSON)",
            );
        }
        // Later parts override earlier ones; `required` accumulates. A later property
        // that only annotates (`kind: {example: x}`) narrows nothing: under `allOf` both
        // schemas apply, so the earlier one's type stands.
        let mut merged = ObjectPart {
            properties: Vec::new(),
            required: Vec::new(),
            additional: None,
            additional_pointer: pointer_push(pointer, "additionalProperties"),
        };
        for part in parts {
            for (wire, prop, pp) in part.properties {
                match merged.properties.iter_mut().find(|(w, _, _)| *w == wire) {
                    Some(_) if is_typeless(prop) => {}
                    Some(slot) => *slot = (wire, prop, pp),
                    None => merged.properties.push((wire, prop, pp)),
                }
            }
            merged.required.extend(part.required);
            if let Some(AdditionalProperties::Schema(_)) = part.additional {
                merged.additional = part.additional;
                merged.additional_pointer = part.additional_pointer;
            }
        }
        self.object_shape(merged, name)
    }
}

/// A property schema that says nothing of its values' type (only annotations such as
/// `description` or `example`).
fn is_typeless(prop: &ReferenceOr<Box<Schema>>) -> bool {
    matches!(prop, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default()))
}

pub(super) fn props_pointer(pointer: &str, key: &str) -> String {
    pointer_push(&pointer_push(pointer, "properties"), key)
}
