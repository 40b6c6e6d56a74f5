//! `oneOf`/`anyOf` -> unions: one enum for a union of string enums, else variants
//! told apart by a tag (the `discriminator`, or a property every variant requires with
//! its own fixed values), else by evidence (see `evidence`).

use std::collections::{BTreeMap, HashSet};

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::facts::is_null_schema;
use super::names::{Scope, variant_name};
use super::refs::component_key;
use super::types::IntegerValue;
use super::{Lowerer, Shape};
use crate::diagnostics::Kind;
use crate::ir::{Evidence, Ty, TypeKind, Union, UnionVariant};
use crate::json_pointer::{pointer_push, unescape_token};

impl<'a> Lowerer<'a> {
    pub(super) fn union_shape(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        keyword: &str,
        schema: &Schema,
        name: &str,
        pointer: &str,
    ) -> Shape {
        let list_pointer = pointer_push(pointer, keyword);
        let members: Vec<(usize, &ReferenceOr<Schema>)> = variants
            .iter()
            .enumerate()
            .filter(|(_, v)| !is_null_schema(v))
            .collect();
        match members.as_slice() {
            [] => return Shape::Ty(Ty::Any),
            [(i, only)] => {
                return Shape::Ty(self.ty_of(
                    only,
                    name,
                    &pointer_push(&list_pointer, &i.to_string()),
                ));
            }
            _ => {}
        }

        // A oneOf of string enums (each value with its own description) is one enum.
        let mut enum_values: Vec<String> = Vec::new();
        let mut all_enums = true;
        for (i, v) in &members {
            match self.resolve(v, &pointer_push(&list_pointer, &i.to_string())) {
                Some((s, _)) => match &s.schema_kind {
                    SchemaKind::Type(Type::String(st))
                        if st.enumeration.iter().any(Option::is_some) =>
                    {
                        enum_values.extend(st.enumeration.iter().flatten().cloned());
                    }
                    _ => all_enums = false,
                },
                None => all_enums = false,
            }
        }
        if all_enums {
            return Shape::Def(TypeKind::Enum(
                self.string_enum(enum_values.iter().map(String::as_str), &list_pointer),
            ));
        }
        // A oneOf of integer consts (OpenAPI 3.1 writes an integer enum with a name
        // for each value this way) is one enum of integers.
        if let Some(values) = self.integer_values(&members, &list_pointer) {
            return Shape::Def(TypeKind::Enum(self.integer_enum(&values, &list_pointer)));
        }

        let tag = self.union_tag(&members, schema, &list_pointer);
        let mut scope = Scope::pascal_with_reserved(&["Unknown"]);
        let mut out = Vec::with_capacity(members.len());
        for (i, v) in &members {
            let vp = pointer_push(&list_pointer, &i.to_string());
            let (wanted, tag_values) = match &tag {
                Some((_, values)) => {
                    let values = values[out.len()].clone();
                    (variant_name(&values[0]), values)
                }
                None => (self.untagged_variant_name(v, &vp), Vec::new()),
            };
            let wanted = if wanted == "Unknown" {
                "UnknownValue".to_string()
            } else {
                wanted
            };
            let (vname, _) = scope.claim(&wanted);
            let ty = self.ty_of(v, &format!("{name}{vname}"), &vp);
            let evidence = if tag.is_none() {
                self.variant_evidence(v, &vp)
            } else {
                Evidence::default()
            };
            out.push(UnionVariant {
                name: vname,
                ty,
                tag_values,
                boxed: false,
                evidence,
                doc: String::new(),
            });
        }
        if tag.is_none() {
            self.warn_indistinguishable(&out, &list_pointer);
        }
        Shape::Def(TypeKind::Union(Union {
            tag: tag.map(|(t, _)| t),
            variants: out,
            secret_fields: Vec::new(),
        }))
    }

    /// Each variant's one integer value, name and description, when every variant is
    /// an integer with a single allowed value (`{title: RED, const: 1}`).
    fn integer_values(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        list_pointer: &str,
    ) -> Option<Vec<IntegerValue>> {
        let mut values = Vec::with_capacity(members.len());
        for (i, v) in members {
            let (s, _) = self.resolve(*v, &pointer_push(list_pointer, &i.to_string()))?;
            let SchemaKind::Type(Type::Integer(it)) = &s.schema_kind else {
                return None;
            };
            let [Some(value)] = it.enumeration.as_slice() else {
                return None;
            };
            let data = &s.schema_data;
            let name = data
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .or_else(|| match v {
                    ReferenceOr::Reference { reference } => component_key::<Schema>(reference),
                    ReferenceOr::Item(_) => None,
                });
            values.push(IntegerValue {
                value: *value,
                name,
                description: data.description.clone().filter(|d| !d.trim().is_empty()),
            });
        }
        Some(values)
    }

    /// The property that tells the variants apart, and each variant's values of it:
    /// from `discriminator` when there is one, else a property that every variant
    /// requires with its own fixed values (a union tagged in all but name).
    #[allow(clippy::type_complexity)]
    pub(super) fn union_tag(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        schema: &Schema,
        list_pointer: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        // Each variant's required properties with their fixed string values, and its
        // optional ones with a single value (read only for a `discriminator`'s
        // property: the discriminator makes it the tag whether or not it is required).
        let mut fixed: Vec<BTreeMap<String, Vec<String>>> = Vec::with_capacity(members.len());
        let mut optional_single: Vec<BTreeMap<String, String>> = Vec::with_capacity(members.len());
        let mut objects = true;
        for (i, v) in members {
            let vp = pointer_push(list_pointer, &i.to_string());
            let mut props = BTreeMap::new();
            let mut singles = BTreeMap::new();
            match self.resolve(v, &vp) {
                Some((s, at)) => {
                    let mut parts = Vec::new();
                    self.object_parts(s, &at, &mut parts, &mut HashSet::new());
                    if parts.is_empty() {
                        objects = false;
                    }
                    for part in parts {
                        for (wire, prop, pp) in part.properties {
                            let required = part.required.contains(&wire);
                            let Some((ps, _)) = self.resolve(prop, &pp) else {
                                continue;
                            };
                            if let SchemaKind::Type(Type::String(st)) = &ps.schema_kind {
                                let values: Vec<String> =
                                    st.enumeration.iter().flatten().cloned().collect();
                                if !values.is_empty() && required {
                                    props.insert(wire.to_string(), values);
                                } else if let [only] = values.as_slice() {
                                    singles.insert(wire.to_string(), only.clone());
                                }
                            }
                        }
                    }
                }
                None => objects = false,
            }
            fixed.push(props);
            optional_single.push(singles);
        }

        if let Some(d) = &schema.schema_data.discriminator {
            let mut per_variant = Vec::with_capacity(members.len());
            for (((_, v), props), singles) in members.iter().zip(&fixed).zip(&optional_single) {
                let mut values: Vec<String> = Vec::new();
                if let ReferenceOr::Reference { reference } = v {
                    let key = component_key::<Schema>(reference);
                    for (value, target) in &d.mapping {
                        // A mapping's target is a `$ref` or a bare schema name.
                        let target_key =
                            component_key::<Schema>(target).unwrap_or_else(|| target.clone());
                        if target == reference || key.as_ref() == Some(&target_key) {
                            values.push(value.clone());
                        }
                    }
                    if values.is_empty() {
                        values = discriminator_values(props, singles, &d.property_name)
                            .unwrap_or_else(|| {
                                vec![key.clone().unwrap_or_else(|| unescape_token(reference))]
                            });
                    }
                } else if let Some(v) = discriminator_values(props, singles, &d.property_name) {
                    values = v;
                }
                if values.is_empty() {
                    self.diags.warning(
                        Kind::Unsupported,
                        pointer_push(list_pointer.rsplit_once('/').map_or(list_pointer, |(p, _)| p), "discriminator"),
                        format!("a variant has no value for the discriminator `{}`; the union is read untagged", d.property_name),
                    );
                    return None;
                }
                per_variant.push(values);
            }
            // A value that selects two variants cannot tell them apart.
            let mut seen = HashSet::new();
            if let Some(shared) = per_variant
                .iter()
                .flatten()
                .find(|v| !seen.insert(v.as_str()))
            {
                self.diags.warning(
                    Kind::Unsupported,
                    pointer_push(list_pointer.rsplit_once('/').map_or(list_pointer, |(p, _)| p), "discriminator"),
                    format!("the discriminator value `{shared}` selects more than one variant; the union is read untagged"),
                );
                return None;
            }
            return Some((d.property_name.clone(), per_variant));
        }

        if !objects || fixed.is_empty() {
            return None;
        }
        // Candidates in the order of the first variant's properties... which BTreeMap
        // sorts; `type` and `kind` are preferred as the conventional tag names.
        let mut candidates: Vec<&String> = fixed[0].keys().collect();
        candidates.sort_by_key(|c| (c.as_str() != "type", c.as_str() != "kind", c.as_str()));
        'candidate: for candidate in candidates {
            let mut seen = HashSet::new();
            let mut per_variant = Vec::with_capacity(fixed.len());
            for props in &fixed {
                let Some(values) = props.get(candidate) else {
                    continue 'candidate;
                };
                for v in values {
                    if !seen.insert(v.clone()) {
                        continue 'candidate;
                    }
                }
                per_variant.push(values.clone());
            }
            return Some((candidate.clone(), per_variant));
        }
        None
    }

    pub(super) fn untagged_variant_name(
        &mut self,
        variant: &ReferenceOr<Schema>,
        pointer: &str,
    ) -> String {
        if let ReferenceOr::Reference { reference } = variant
            && let Some(key) = component_key::<Schema>(reference)
            && let Some(name) = self.component_names.get(&key)
        {
            return name.clone();
        }
        let Some((s, _)) = self.resolve(variant, pointer) else {
            return "Value".into();
        };
        // A name the spec gives: the variant's `title`, else the one fixed value of
        // an object's property (`kind: circle` -> `Circle`).
        if let Some(title) = s
            .schema_data
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        {
            // A variant name shadows nothing: `None` stays `None`.
            return variant_name(title);
        }
        let evidence = self.variant_evidence(variant, pointer);
        let fixed: Vec<&str> = evidence
            .constants
            .iter()
            .filter_map(|(_, v)| v.as_str())
            .collect();
        if let [only] = fixed.as_slice() {
            return variant_name(only);
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.iter().flatten().count() == 1 => {
                variant_name(
                    st.enumeration
                        .iter()
                        .flatten()
                        .next()
                        .map_or("", String::as_str),
                )
            }
            SchemaKind::Type(Type::String(_)) => "String".into(),
            SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
            SchemaKind::Type(Type::Number(_)) => "Number".into(),
            SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
            SchemaKind::Type(Type::Array(_)) => "Array".into(),
            SchemaKind::Type(Type::Object(_)) => "Object".into(),
            SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => "String".into(),
            SchemaKind::Any(a) if !a.properties.is_empty() => "Object".into(),
            _ => "Value".into(),
        }
    }
}

/// A variant's values of the discriminator's property: its fixed values if it requires
/// the property, else the one value it allows there.
fn discriminator_values(
    required: &BTreeMap<String, Vec<String>>,
    optional_single: &BTreeMap<String, String>,
    property: &str,
) -> Option<Vec<String>> {
    required
        .get(property)
        .cloned()
        .or_else(|| optional_single.get(property).map(|v| vec![v.clone()]))
}
