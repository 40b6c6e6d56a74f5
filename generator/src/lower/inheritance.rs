//! Inheritance-style discriminators: a base schema with a `discriminator` whose
//! subtypes extend it (`Dog: {allOf: [{$ref: Pet}, {...}]}`), named by the `mapping`
//! or, for subtypes the mapping leaves out, by their schema names. The base becomes a
//! union tagged by the property, with one variant per subtype (each a struct with the
//! base's fields and its own), one for the base itself when the mapping names it (a
//! struct of its own fields, `<Base>Base`), and `Unknown` for a value of the tag the SDK
//! does not know.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::names::Scope;
use super::refs::component_key;
use super::{Lowerer, Shape};
use crate::ir::{Evidence, Ty, TypeDef, TypeKind, Union, UnionVariant};
use crate::json_pointer::{percent_decode, pointer_push, unescape_token};

/// A base schema's discriminator: the tag property and its subtypes with their values.
#[derive(Debug, Clone)]
pub(crate) struct Inheritance {
    pub property: String,
    /// Subtype component key -> the tag values that select it, in the mapping's order;
    /// the base's own key for values that map to the base itself.
    pub subtypes: Vec<(String, Vec<String>)>,
}

/// The component key a mapping's target names: a `$ref`, or a bare schema name.
fn mapped_key(target: &str) -> String {
    component_key::<Schema>(target).unwrap_or_else(|| unescape_token(&percent_decode(target)))
}

/// The components an `allOf` of this schema extends by `$ref`.
fn extended(schema: &Schema) -> Vec<String> {
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => return Vec::new(),
    };
    all_of
        .iter()
        .filter_map(|part| match part {
            ReferenceOr::Reference { reference } => component_key::<Schema>(reference),
            _ => None,
        })
        .collect()
}

impl<'a> Lowerer<'a> {
    /// Finds every base schema with a discriminator and subtypes that extend it.
    pub(super) fn find_inheritance(&mut self) {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let Some(components) = &doc.components else {
            return;
        };
        // Base key -> the components that extend it, sorted by key.
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                for base in extended(schema) {
                    children.entry(base).or_default().push(key.clone());
                }
            }
        }
        for list in children.values_mut() {
            list.sort();
        }
        for (key, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(d) = &schema.schema_data.discriminator else {
                continue;
            };
            // A `oneOf`/`anyOf` with a discriminator is a union already.
            if matches!(
                schema.schema_kind,
                SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
            ) || matches!(&schema.schema_kind, SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty())
            {
                continue;
            }
            let mut subtypes: Vec<(String, Vec<String>)> = Vec::new();
            for (value, target) in &d.mapping {
                let target_key = mapped_key(target);
                if !components.schemas.contains_key(&target_key) {
                    continue;
                }
                match subtypes.iter_mut().find(|(k, _)| *k == target_key) {
                    Some((_, values)) => values.push(value.clone()),
                    None => subtypes.push((target_key, vec![value.clone()])),
                }
            }
            // Subtypes the mapping leaves out are named by their schema names.
            for child in children.get(key).into_iter().flatten() {
                if !subtypes.iter().any(|(k, _)| k == child) {
                    subtypes.push((child.clone(), vec![child.clone()]));
                }
            }
            // Only the base itself: a plain struct, not a union.
            if subtypes.iter().all(|(k, _)| k == key) {
                continue;
            }
            self.inheritance.insert(
                key.clone(),
                Inheritance {
                    property: d.property_name.clone(),
                    subtypes,
                },
            );
        }
    }

    /// Whether `pointer` is the schema of a subtype that extends `base` (so that an
    /// `allOf` of the base alone still makes the subtype its own struct).
    pub(super) fn is_subtype_of(&self, base_reference: &str, pointer: &str) -> bool {
        let Some(base) = component_key::<Schema>(base_reference) else {
            return false;
        };
        let Some(inheritance) = self.inheritance.get(&base) else {
            return false;
        };
        inheritance
            .subtypes
            .iter()
            .any(|(k, _)| pointer == pointer_push("/components/schemas", k))
    }

    /// The union a base schema becomes. A tag value mapped to the base itself selects a
    /// struct of the base's own fields, lowered here as `<Base>Base`.
    pub(super) fn inheritance_union(
        &mut self,
        base: &str,
        schema: &Schema,
        pointer: &str,
    ) -> Option<TypeKind> {
        let inheritance = self.inheritance.get(base)?.clone();
        let mut scope = Scope::pascal_with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(inheritance.subtypes.len());
        for (key, values) in inheritance.subtypes {
            let type_name = if key == base {
                self.own_struct(base, schema, pointer)
            } else {
                self.component_names.get(&key).cloned()
            };
            // A base that is not an object has no struct of its own: its values stay
            // `Unknown`.
            let (Some(type_name), Some(variant)) =
                (type_name, self.component_names.get(&key).cloned())
            else {
                continue;
            };
            let wanted = if variant == "Unknown" {
                "UnknownValue".to_string()
            } else {
                variant
            };
            let (name, _) = scope.claim(&wanted);
            variants.push(UnionVariant {
                name,
                ty: Ty::Named(type_name),
                tag_values: values,
                boxed: false,
                evidence: Evidence::default(),
                doc: String::new(),
            });
        }
        Some(TypeKind::Union(Union {
            tag: Some(inheritance.property),
            variants,
            secret_fields: Vec::new(),
        }))
    }

    /// The base's own fields as a struct of their own, for tag values that map to the
    /// base itself; its name, once lowered.
    fn own_struct(&mut self, base: &str, schema: &Schema, pointer: &str) -> Option<String> {
        let base_name = self.component_names.get(base)?.clone();
        let (name, _) = self.type_names.claim(&format!("{base_name}Base"));
        let Shape::Def(kind @ TypeKind::Struct(_)) = self.shape(schema, &name, pointer) else {
            return None;
        };
        let facts = self.schema_facts(schema, pointer);
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                source: pointer.to_string(),
                doc: facts.description,
                deprecated: facts.deprecated,
                kind,
            },
        );
        Some(name)
    }
}
