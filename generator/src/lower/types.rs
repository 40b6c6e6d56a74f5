//! Schemas -> types. Every schema becomes either a plain `Ty` (strings, numbers,
//! lists, maps, references) or a named `TypeDef` (structs, enums, unions, aliases).
//! Inline schemas that need a name get one from where they sit: the parent type's name
//! and the property name (`CurrentStepDisplayAndWait` + `display`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Lowerer;
use super::names::{self, Scope, type_name, variant_name};
use crate::diagnostics::{Diagnostic, Kind, percent_decode, pointer_push, unescape_token};
use crate::ir::{
    Additional, EnumVariant, Field, IntFormat, NumFormat, Presence, StringEnum, Struct, Ty,
    TypeDef, TypeKind, Union, UnionVariant,
};

/// The result of looking at one schema: a plain type, or a definition that needs a name.
enum Shape {
    Ty(Ty),
    Def(TypeKind),
}

/// Facts about a schema that its user needs, read through `$ref`s.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    pub default: Option<Value>,
    /// The only value a single-value `enum` allows.
    pub constant: Option<Value>,
}

/// An object-like piece of an `allOf`, or a plain object.
struct ObjectPart<'s> {
    properties: Vec<(&'s str, &'s ReferenceOr<Box<Schema>>, String)>,
    required: Vec<&'s str>,
    additional: Option<&'s AdditionalProperties>,
    additional_pointer: String,
}

impl<'s> ObjectPart<'s> {
    /// The part an object schema (typed or not) at `pointer` declares itself.
    fn declared(
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

const COMPONENT_PREFIX: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// Gives every component schema its Rust name up front, so that references can be
    /// written before the referenced type is lowered.
    pub(super) fn name_components(&mut self) {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let mut keys: Vec<&String> = doc
            .components
            .iter()
            .flat_map(|c| c.schemas.keys())
            .collect();
        keys.sort();
        for key in keys {
            let wanted = type_name(key);
            let (name, changed) = self.type_names.claim(&wanted);
            if changed {
                let other = self
                    .component_names
                    .iter()
                    .find(|(_, n)| **n == wanted)
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default();
                self.diags.push(
                    Diagnostic::warning(
                        Kind::NameCollision,
                        pointer_push("/components/schemas", key),
                        format!("schemas `{other}` and `{key}` both map to the Rust name `{wanted}`; `{key}` is named `{name}`"),
                    )
                    .with_hint("rename one of the schemas"),
                );
            }
            self.component_names.insert(key.clone(), name);
        }
        // Schemas referenced where they sit are named after their place; they are
        // keyed by the reference itself, which no component key can equal.
        for reference in self.foreign.keys() {
            let (name, _) = self.type_names.claim(&super::foreign::name_hint(reference));
            self.component_names.insert(reference.clone(), name);
        }
    }

    pub(super) fn lower_components(&mut self) {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let foreign: &'a indexmap::IndexMap<String, ReferenceOr<Schema>> = self.foreign;
        let mut keys: Vec<&String> = doc
            .components
            .iter()
            .flat_map(|c| c.schemas.keys())
            .collect();
        keys.sort();
        let components = keys.into_iter().filter_map(|k| {
            Some((
                k,
                pointer_push("/components/schemas", k),
                doc.components.as_ref()?.schemas.get(k)?,
            ))
        });
        let foreign = foreign
            .iter()
            .map(|(r, s)| (r, r.trim_start_matches('#').to_string(), s));
        for (key, pointer, schema) in components.chain(foreign) {
            let name = self.component_names[key.as_str()].clone();
            let (kind, facts) = match schema {
                ReferenceOr::Reference { reference } => {
                    let ty = self.ref_ty(reference, &pointer_push(&pointer, "$ref"));
                    (TypeKind::Alias(ty), Facts::default())
                }
                ReferenceOr::Item(schema) => {
                    let kind = match self.shape(schema, &name, &pointer) {
                        Shape::Def(kind) => kind,
                        Shape::Ty(ty) => TypeKind::Alias(ty),
                    };
                    (kind, self.schema_facts(schema, &pointer))
                }
            };
            self.types.insert(
                name.clone(),
                TypeDef {
                    name,
                    source: pointer,
                    doc: facts.description,
                    deprecated: facts.deprecated,
                    kind,
                },
            );
        }
    }

    /// The type of a schema that may be a reference. Inline schemas that need a
    /// definition are named `name_hint` (or the next free variant of it).
    pub(crate) fn ty_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name_hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.ref_ty(reference, &pointer_push(pointer, "$ref"))
            }
            ReferenceOr::Item(schema) => self.inline_ty(schema, name_hint, pointer),
        }
    }

    pub(crate) fn ty_of_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        name_hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.ref_ty(reference, &pointer_push(pointer, "$ref"))
            }
            ReferenceOr::Item(schema) => self.inline_ty(schema, name_hint, pointer),
        }
    }

    /// Like `ty_of`, wrapped in `Option` when the schema is nullable: for list items and
    /// map values, which have no field to carry the nullability.
    fn element_ty(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        name_hint: &str,
        pointer: &str,
    ) -> Ty {
        let ty = self.ty_of_boxed(schema, name_hint, pointer);
        let nullable = self.facts_boxed(schema, pointer).nullable;
        if nullable && ty != Ty::Any {
            Ty::Option(Box::new(ty))
        } else {
            ty
        }
    }

    fn inline_ty(&mut self, schema: &Schema, name_hint: &str, pointer: &str) -> Ty {
        // An inline schema can contain itself through an `allOf` that merges the schema
        // around it; the inner occurrence cannot be expanded again.
        if !self.inline_in_progress.insert(pointer.to_string()) {
            self.diags.push(
                Diagnostic::warning(Kind::CyclicRef, pointer, "this inline schema contains itself (through `allOf`); the inner occurrence is read as any JSON value")
                    .with_hint("give the schema a name under #/components/schemas and refer to it"),
            );
            return Ty::Any;
        }
        let shape = self.shape(schema, name_hint, pointer);
        self.inline_in_progress.remove(pointer);
        match shape {
            Shape::Ty(ty) => ty,
            Shape::Def(kind) => {
                let (name, _) = self.type_names.claim(name_hint);
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
                Ty::Named(name)
            }
        }
    }

    /// `#/components/schemas/X` -> the type named for X.
    fn ref_ty(&mut self, reference: &str, pointer: &str) -> Ty {
        match self.component_key(reference, pointer) {
            Some(key) => Ty::Named(self.component_names[key.as_str()].clone()),
            None => Ty::Any,
        }
    }

    /// The component key a schema `$ref` names, or `None` after a diagnostic.
    pub(crate) fn component_key(&mut self, reference: &str, pointer: &str) -> Option<String> {
        // A reference that points nowhere, or into another document, was reported when
        // the document was loaded; only one to the wrong kind of thing is new here.
        if self.foreign.contains_key(reference) {
            return Some(reference.to_string());
        }
        if let Some(rest) = reference.strip_prefix(COMPONENT_PREFIX)
            && !rest.contains('/')
        {
            let key = unescape_token(&percent_decode(rest));
            let schemas = self.doc.components.as_ref().map(|c| &c.schemas);
            return schemas.is_some_and(|s| s.contains_key(&key)).then_some(key);
        }
        if self.resolves(reference) {
            self.diags.push(
                Diagnostic::error(
                    Kind::InvalidValue,
                    pointer,
                    format!("`$ref` points to `{reference}`, which is not a schema"),
                )
                .with_hint("schema references have the form #/components/schemas/Name"),
            );
        }
        None
    }

    /// Whether a local `$ref` names anything at all in the document.
    pub(crate) fn resolves(&self, reference: &str) -> bool {
        reference
            .strip_prefix('#')
            .is_some_and(|fragment| self.raw.pointer(&percent_decode(fragment)).is_some())
    }

    /// Follows `$ref`s to a schema, reporting unresolved and cyclic references.
    /// Returns the schema and its pointer.
    pub(crate) fn resolve<'s>(
        &mut self,
        schema: &'s ReferenceOr<Schema>,
        pointer: &str,
    ) -> Option<(&'s Schema, String)>
    where
        'a: 's,
    {
        let mut current = schema;
        let mut at = pointer.to_string();
        let mut seen = HashSet::new();
        loop {
            match current {
                ReferenceOr::Item(s) => return Some((s, at)),
                ReferenceOr::Reference { reference } => {
                    let key = self.component_key(reference, &pointer_push(&at, "$ref"))?;
                    if !seen.insert(key.clone()) {
                        self.diags.push(
                            Diagnostic::error(
                                Kind::CyclicRef,
                                pointer_push(&at, "$ref"),
                                format!("`$ref` chain through `{reference}` leads back to itself"),
                            )
                            .with_hint("a reference must end at a schema"),
                        );
                        return None;
                    }
                    let doc: &'a openapiv3::OpenAPI = self.doc;
                    let foreign: &'a indexmap::IndexMap<String, ReferenceOr<Schema>> = self.foreign;
                    match foreign.get(&key) {
                        Some(schema) => {
                            at = key.trim_start_matches('#').to_string();
                            current = schema;
                        }
                        None => {
                            at = pointer_push("/components/schemas", &key);
                            current = doc.components.as_ref().and_then(|c| c.schemas.get(&key))?;
                        }
                    }
                }
            }
        }
    }

    fn resolve_boxed<'s>(
        &mut self,
        schema: &'s ReferenceOr<Box<Schema>>,
        pointer: &str,
    ) -> Option<(&'s Schema, String)>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(s) => Some((s, pointer.to_string())),
            ReferenceOr::Reference { reference } => {
                let key = self.component_key(reference, &pointer_push(pointer, "$ref"))?;
                let doc: &'a openapiv3::OpenAPI = self.doc;
                let foreign: &'a indexmap::IndexMap<String, ReferenceOr<Schema>> = self.foreign;
                match foreign.get(&key) {
                    Some(target) => self.resolve(target, key.trim_start_matches('#')),
                    None => {
                        let target = doc.components.as_ref()?.schemas.get(&key)?;
                        self.resolve(target, &pointer_push("/components/schemas", &key))
                    }
                }
            }
        }
    }

    pub(crate) fn facts(&mut self, schema: &ReferenceOr<Schema>, pointer: &str) -> Facts {
        match self.resolve(schema, pointer) {
            Some((s, at)) => self.schema_facts(s, &at),
            None => Facts::default(),
        }
    }

    pub(crate) fn facts_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        pointer: &str,
    ) -> Facts {
        match self.resolve_boxed(schema, pointer) {
            Some((s, at)) => self.schema_facts(s, &at),
            None => Facts::default(),
        }
    }

    /// The facts of a schema. A schema whose facts depend on themselves
    /// (`A: {allOf: [{$ref: A}]}`) stops the recursion at its second visit.
    fn schema_facts(&mut self, schema: &Schema, pointer: &str) -> Facts {
        if !self.facts_in_progress.insert(pointer.to_string()) {
            return Facts::default();
        }
        let facts = self.schema_facts_inner(schema, pointer);
        self.facts_in_progress.remove(pointer);
        facts
    }

    fn schema_facts_inner(&mut self, schema: &Schema, pointer: &str) -> Facts {
        let data = &schema.schema_data;
        let mut facts = Facts {
            nullable: data.nullable,
            read_only: data.read_only,
            write_only: data.write_only,
            deprecated: data.deprecated,
            description: data
                .description
                .clone()
                .or_else(|| data.title.clone())
                .filter(|d| !d.trim().is_empty()),
            default: data.default.clone(),
            constant: None,
        };
        super::tuples::append_examples(&mut facts.description, &data.extensions);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                facts.nullable |= s.enumeration.iter().any(Option::is_none);
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if let [only] = values.as_slice() {
                    facts.constant = Some(Value::String((*only).clone()));
                }
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                let values: Vec<bool> = b.enumeration.iter().flatten().copied().collect();
                if let [only] = values.as_slice() {
                    facts.constant = Some(Value::Bool(*only));
                }
            }
            SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants } => {
                facts.nullable |= variants.iter().any(is_null_schema);
            }
            SchemaKind::AllOf { all_of } => {
                // `allOf: [{$ref: X}]` with annotations beside it: X's facts, overridden
                // by the annotations.
                let parts: Vec<&ReferenceOr<Schema>> =
                    all_of.iter().filter(|p| !is_annotation_only(p)).collect();
                if let [only] = parts.as_slice() {
                    let index = all_of
                        .iter()
                        .position(|p| std::ptr::eq(p, *only))
                        .unwrap_or(0);
                    let inner = self.facts(
                        only,
                        &pointer_push(&pointer_push(pointer, "allOf"), &index.to_string()),
                    );
                    facts.nullable |= inner.nullable;
                    facts.description = facts.description.or(inner.description);
                    facts.constant = inner.constant;
                    facts.default = facts.default.or(inner.default);
                    facts.deprecated |= inner.deprecated;
                }
                for part in all_of {
                    if let ReferenceOr::Item(p) = part
                        && is_annotation_only(part)
                    {
                        facts.nullable |= p.schema_data.nullable;
                        facts.description = facts
                            .description
                            .or_else(|| p.schema_data.description.clone());
                    }
                }
            }
            SchemaKind::Any(any) => {
                facts.nullable |= any.enumeration.iter().any(Value::is_null);
            }
            _ => {}
        }
        facts
    }

    fn shape(&mut self, schema: &Schema, name: &str, pointer: &str) -> Shape {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return Shape::Def(TypeKind::Enum(
                        self.string_enum(values.into_iter().map(String::as_str), pointer),
                    ));
                }
                Shape::Ty(string_ty(&s.format))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                Shape::Ty(Ty::Integer(int_format(&i.format, i.minimum)))
            }
            SchemaKind::Type(Type::Number(n)) => Shape::Ty(Ty::Number(num_format(&n.format))),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Ty(Ty::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                Shape::Ty(self.array_ty(a.items.as_ref(), name, pointer))
            }
            SchemaKind::Type(Type::Object(o)) => {
                let part = ObjectPart::declared(
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    pointer,
                );
                self.object_shape(part, name)
            }
            SchemaKind::OneOf { one_of } => {
                self.union_shape(one_of, "oneOf", schema, name, pointer)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union_shape(any_of, "anyOf", schema, name, pointer)
            }
            SchemaKind::AllOf { all_of } => self.all_of_shape(all_of, None, name, pointer),
            SchemaKind::Not { .. } => {
                self.diags.push(Diagnostic::warning(
                    Kind::Unsupported,
                    pointer_push(pointer, "not"),
                    "`not` is not supported; the value is read as any JSON value",
                ));
                Shape::Ty(Ty::Any)
            }
            SchemaKind::Any(any) => self.any_shape(any, schema, name, pointer),
        }
    }

    /// A schema that openapiv3 could not file under one kind: no `type`, or keywords of
    /// several kinds together.
    fn any_shape(&mut self, any: &AnySchema, schema: &Schema, name: &str, pointer: &str) -> Shape {
        let has_object_keywords = !any.properties.is_empty() || any.additional_properties.is_some();
        let own_part = || {
            ObjectPart::declared(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                pointer,
            )
        };
        if !any.all_of.is_empty() {
            let own = has_object_keywords.then(own_part);
            return self.all_of_shape(&any.all_of, own, name, pointer);
        }
        let (variants, keyword) = if !any.one_of.is_empty() {
            (&any.one_of, "oneOf")
        } else {
            (&any.any_of, "anyOf")
        };
        if !variants.is_empty() {
            // Variants that only constrain the declared properties (which must be
            // present, which values they take) do not change the shape: the object
            // is typed from its properties.
            let constraints_only = variants.iter().all(|v| match v {
                ReferenceOr::Item(v) => match &v.schema_kind {
                    SchemaKind::Any(a) => {
                        matches!(a.typ.as_deref(), None | Some("object"))
                            && a.items.is_none()
                            && a.one_of.is_empty()
                            && a.all_of.is_empty()
                            && a.any_of.is_empty()
                            && a.properties.keys().all(|k| any.properties.contains_key(k))
                    }
                    SchemaKind::Type(Type::Object(o)) => {
                        o.properties.keys().all(|k| any.properties.contains_key(k))
                    }
                    _ => false,
                },
                ReferenceOr::Reference { .. } => false,
            });
            if has_object_keywords && constraints_only {
                return self.object_shape(own_part(), name);
            }
            if has_object_keywords {
                self.diags.push(Diagnostic::warning(
                    Kind::Unsupported,
                    pointer_push(pointer, keyword),
                    format!("`properties` beside `{keyword}` is not supported; only the properties are typed, and the rest of the object is kept as JSON"),
                ));
                return self.object_shape(own_part(), name);
            }
            return self.union_shape(variants, keyword, schema, name, pointer);
        }
        if any.not.is_some() {
            self.diags.push(Diagnostic::warning(
                Kind::Unsupported,
                pointer_push(pointer, "not"),
                "`not` is not supported; the value is read as any JSON value",
            ));
            return Shape::Ty(Ty::Any);
        }
        if has_object_keywords || any.typ.as_deref() == Some("object") {
            return self.object_shape(own_part(), name);
        }
        if any.items.is_some() || any.typ.as_deref() == Some("array") {
            return Shape::Ty(self.array_ty(any.items.as_ref(), name, pointer));
        }
        let strings: Vec<&str> = any.enumeration.iter().filter_map(Value::as_str).collect();
        let all_strings = any.enumeration.iter().all(|v| v.is_string() || v.is_null());
        if !strings.is_empty() && all_strings && matches!(any.typ.as_deref(), None | Some("string"))
        {
            return Shape::Def(TypeKind::Enum(
                self.string_enum(strings.into_iter(), pointer),
            ));
        }
        match any.typ.as_deref() {
            Some("string") => Shape::Ty(string_ty(&parse_format(any.format.as_deref()))),
            Some("integer") => Shape::Ty(Ty::Integer(int_format(
                &parse_format(any.format.as_deref()),
                any.minimum.map(|m| m as i64),
            ))),
            Some("number") => {
                Shape::Ty(Ty::Number(num_format(&parse_format(any.format.as_deref()))))
            }
            Some("boolean") => Shape::Ty(Ty::Bool),
            _ => Shape::Ty(Ty::Any),
        }
    }

    fn array_ty(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        name: &str,
        pointer: &str,
    ) -> Ty {
        if let Some(tuple) = self.tuple_ty(name, pointer) {
            return tuple;
        }
        match items {
            Some(items) => Ty::Array(Box::new(self.element_ty(
                items,
                &format!("{name}Item"),
                &pointer_push(pointer, "items"),
            ))),
            None => Ty::Array(Box::new(Ty::Any)),
        }
    }

    fn string_enum<'s>(
        &mut self,
        values: impl Iterator<Item = &'s str>,
        pointer: &str,
    ) -> StringEnum {
        let mut scope = Scope::pascal_with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for wire in values {
            if !seen.insert(wire.to_string()) {
                continue;
            }
            let wanted = variant_name(wire);
            // `Unknown` holds values the SDK does not know; a known value named so
            // gets a suffix instead.
            let wanted = if wanted == "Unknown" {
                "UnknownValue".to_string()
            } else {
                wanted
            };
            let (name, changed) = scope.claim(&wanted);
            if changed {
                let other = variants
                    .iter()
                    .find(|v: &&EnumVariant| v.name == wanted)
                    .map(|v| v.wire.clone())
                    .unwrap_or_default();
                self.diags.warning(
                    Kind::NameCollision,
                    pointer_push(pointer, "enum"),
                    format!("enum values `{other}` and `{wire}` both map to the variant `{wanted}`; `{wire}` is `{name}`"),
                );
            }
            variants.push(EnumVariant {
                name,
                wire: wire.to_string(),
            });
        }
        StringEnum { variants }
    }

    fn object_shape(&mut self, part: ObjectPart<'_>, name: &str) -> Shape {
        if part.properties.is_empty() {
            return Shape::Ty(match part.additional {
                Some(AdditionalProperties::Schema(s)) => {
                    let boxed = schema_box(s);
                    Ty::Map(Box::new(self.element_ty(
                        &boxed,
                        &format!("{name}Value"),
                        &part.additional_pointer,
                    )))
                }
                _ => Ty::Object,
            });
        }
        let additional = match part.additional {
            None | Some(AdditionalProperties::Any(true)) => Additional::Keep,
            Some(AdditionalProperties::Any(false)) => Additional::Drop,
            Some(AdditionalProperties::Schema(s)) => {
                let boxed = schema_box(s);
                Additional::Typed(self.element_ty(
                    &boxed,
                    &format!("{name}Value"),
                    &part.additional_pointer,
                ))
            }
        };
        let mut scope = Scope::new();
        let mut fields = Vec::with_capacity(part.properties.len());
        for (wire, prop, pointer) in &part.properties {
            let facts = self.facts_boxed(prop, pointer);
            let ty = self.ty_of_boxed(prop, &format!("{name}{}", type_name(wire)), pointer);
            let (field_name, changed) = scope.claim(&names::snake_name(wire));
            if changed {
                self.diags.warning(
                    Kind::NameCollision,
                    pointer.clone(),
                    format!("property `{wire}` maps to a field name already taken; it is named `{field_name}`"),
                );
            }
            let required = part.required.contains(wire);
            let presence = if facts.read_only || facts.write_only {
                if facts.nullable {
                    Presence::OptionalNullable
                } else {
                    Presence::Optional
                }
            } else {
                match (required, facts.nullable) {
                    (true, false) => Presence::Required,
                    (true, true) => Presence::RequiredNullable,
                    (false, true) => Presence::OptionalNullable,
                    (false, false) => match &facts.default {
                        Some(v) if default_fits(v, &ty) => Presence::Defaulted(v.clone()),
                        _ => Presence::Optional,
                    },
                }
            };
            fields.push(Field {
                name: field_name,
                wire: wire.to_string(),
                ty,
                presence,
                doc: facts.description,
                deprecated: facts.deprecated,
                read_only: facts.read_only,
                write_only: facts.write_only,
                boxed: false,
                constant: facts.constant,
            });
        }
        // The map of undeclared keys takes the name `extra` unless a property has it.
        let (extra_field, _) = scope.claim("extra");
        Shape::Def(TypeKind::Struct(Struct {
            fields,
            additional,
            extra_field,
            in_request: false,
        }))
    }

    fn union_shape(
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
            out.push(UnionVariant {
                name: vname,
                ty,
                tag_values,
                boxed: false,
            });
        }
        Shape::Def(TypeKind::Union(Union {
            tag: tag.map(|(t, _)| t),
            variants: out,
        }))
    }

    /// The property that tells the variants apart, and each variant's values of it:
    /// from `discriminator` when there is one, else a property that every variant
    /// requires with its own fixed values (a union tagged in all but name).
    #[allow(clippy::type_complexity)]
    fn union_tag(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        schema: &Schema,
        list_pointer: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        // Each variant's properties with their fixed string values.
        let mut fixed: Vec<BTreeMap<String, Vec<String>>> = Vec::with_capacity(members.len());
        let mut objects = true;
        for (i, v) in members {
            let vp = pointer_push(list_pointer, &i.to_string());
            let mut props = BTreeMap::new();
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
                            let Some((ps, _)) = self.resolve_boxed(prop, &pp) else {
                                continue;
                            };
                            if let SchemaKind::Type(Type::String(st)) = &ps.schema_kind {
                                let values: Vec<String> =
                                    st.enumeration.iter().flatten().cloned().collect();
                                if !values.is_empty() && required {
                                    props.insert(wire.to_string(), values);
                                }
                            }
                        }
                    }
                }
                None => objects = false,
            }
            fixed.push(props);
        }

        if let Some(d) = &schema.schema_data.discriminator {
            let mut per_variant = Vec::with_capacity(members.len());
            for ((_, v), props) in members.iter().zip(&fixed) {
                let mut values: Vec<String> = Vec::new();
                if let ReferenceOr::Reference { reference } = v {
                    let key = reference
                        .strip_prefix(COMPONENT_PREFIX)
                        .unwrap_or(reference);
                    for (value, target) in &d.mapping {
                        let target_key = target.strip_prefix(COMPONENT_PREFIX).unwrap_or(target);
                        if target == reference || target_key == key {
                            values.push(value.clone());
                        }
                    }
                    if values.is_empty() {
                        values = props
                            .get(&d.property_name)
                            .cloned()
                            .unwrap_or_else(|| vec![unescape_token(key)]);
                    }
                } else if let Some(v) = props.get(&d.property_name) {
                    values = v.clone();
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

    /// The object parts of a schema: itself, or the object parts of its `allOf`.
    ///
    /// `expanded` holds the pointers already taken apart in this walk: a schema
    /// reached twice (a cycle, or `allOf: [$ref A, $ref A]`) contributes once,
    /// which keeps the walk linear in the number of schemas.
    fn object_parts<'s>(
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
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || any.typ.as_deref() == Some("object")
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

    fn all_of_parts<'s>(
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

    fn untagged_variant_name(&mut self, variant: &ReferenceOr<Schema>, pointer: &str) -> String {
        if let ReferenceOr::Reference { reference } = variant
            && let Some(key) = reference.strip_prefix(COMPONENT_PREFIX)
        {
            let key = unescape_token(&percent_decode(key));
            if let Some(name) = self.component_names.get(&key) {
                return name.clone();
            }
        }
        let Some((s, _)) = self.resolve(variant, pointer) else {
            return "Value".into();
        };
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

    fn all_of_shape(
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
        if own.is_none() {
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
        // Later parts override earlier ones; `required` accumulates.
        let mut merged = ObjectPart {
            properties: Vec::new(),
            required: Vec::new(),
            additional: None,
            additional_pointer: pointer_push(pointer, "additionalProperties"),
        };
        for part in parts {
            for (wire, prop, pp) in part.properties {
                match merged.properties.iter_mut().find(|(w, _, _)| *w == wire) {
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

fn props_pointer(pointer: &str, key: &str) -> String {
    pointer_push(&pointer_push(pointer, "properties"), key)
}

fn schema_box(s: &ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s.clone())),
    }
}

/// A `format` read from a schema openapiv3 could not type, as it reads typed ones.
fn parse_format<T: std::str::FromStr>(format: Option<&str>) -> VariantOrUnknownOrEmpty<T> {
    match format {
        None | Some("") => VariantOrUnknownOrEmpty::Empty,
        Some(f) => match f.parse() {
            Ok(v) => VariantOrUnknownOrEmpty::Item(v),
            Err(_) => VariantOrUnknownOrEmpty::Unknown(f.to_string()),
        },
    }
}

fn string_ty(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Bytes,
        _ => Ty::String,
    }
}

fn int_format(format: &VariantOrUnknownOrEmpty<IntegerFormat>, minimum: Option<i64>) -> IntFormat {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => IntFormat::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => IntFormat::I64,
        VariantOrUnknownOrEmpty::Unknown(f) => match f.as_str() {
            "int8" | "int16" => IntFormat::I32,
            "uint8" | "uint16" | "uint32" => IntFormat::U32,
            "uint64" | "uint" => IntFormat::U64,
            _ => IntFormat::I64,
        },
        VariantOrUnknownOrEmpty::Empty => {
            let _ = minimum;
            IntFormat::I64
        }
    }
}

fn num_format(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> NumFormat {
    match format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => NumFormat::F32,
        _ => NumFormat::F64,
    }
}

/// `{nullable: true}` or `{enum: [null]}` as a variant: "or null".
fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = schema else {
        return false;
    };
    match &s.schema_kind {
        SchemaKind::Any(a) => {
            let only_null_enum =
                !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_null);
            let empty = *a == AnySchema::default();
            (empty && s.schema_data.nullable) || only_null_enum || a.typ.as_deref() == Some("null")
        }
        _ => false,
    }
}

/// An `allOf` part that only annotates (`{description: ...}`, `{nullable: true}`).
fn is_annotation_only(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = schema else {
        return false;
    };
    matches!(&s.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

/// Whether a schema's `default` can be written as a value of the field's type.
fn default_fits(value: &Value, ty: &Ty) -> bool {
    match (value, ty) {
        (Value::Bool(_), Ty::Bool) => true,
        (Value::Number(n), Ty::Integer(_)) => n.as_i64().is_some() || n.as_u64().is_some(),
        (Value::Number(_), Ty::Number(_)) => true,
        (Value::String(_), Ty::String) => true,
        // Whether a named type is an enum is only known once all types exist; checked
        // again in `finish_types`.
        (Value::String(_), Ty::Named(_)) => true,
        _ => false,
    }
}
