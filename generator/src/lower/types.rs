//! Schemas -> types. Every schema becomes either a plain `Ty` (strings, numbers,
//! lists, maps, references) or a named `TypeDef` (structs, enums, unions, aliases).
//! Inline schemas that need a name get one from where they sit: the parent type's name
//! and the property name (`CurrentStepDisplayAndWait` + `display`).

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::all_of::ObjectPart;
use super::facts::Facts;
use super::names::{self, Scope, type_name, variant_name};
use super::refs::{RefOr, View};
use super::{Lowerer, Shape};
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{
    Additional, Enum, EnumVariant, Field, IntFormat, NumFormat, Presence, Struct, Ty, TypeDef,
    TypeKind,
};
use crate::json_pointer::pointer_push;

/// One value of an integer enum written as a `oneOf` of `const`s: the value, the name
/// the spec gives it, and its description.
pub(super) struct IntegerValue {
    pub value: i64,
    pub name: Option<String>,
    pub description: Option<String>,
}

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
                ReferenceOr::Item(schema) if self.inheritance.contains_key(key.as_str()) => {
                    let kind = self
                        .inheritance_union(key, schema, &pointer)
                        .unwrap_or(TypeKind::Alias(Ty::Any));
                    (kind, self.schema_facts(schema, &pointer))
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
    pub(crate) fn ty_of<R: RefOr<Schema> + ?Sized>(
        &mut self,
        schema: &R,
        name_hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema.view() {
            View::Ref(reference) => self.ref_ty(reference, &pointer_push(pointer, "$ref")),
            View::Item(schema) => self.inline_ty(schema, name_hint, pointer),
        }
    }

    /// Like `ty_of`, wrapped in `Option` when the schema is nullable: for list items and
    /// map values, which have no field to carry the nullability.
    pub(super) fn element_ty(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        name_hint: &str,
        pointer: &str,
    ) -> Ty {
        let ty = self.ty_of(schema, name_hint, pointer);
        let nullable = self.facts(schema, pointer).nullable;
        if nullable && ty != Ty::Any {
            Ty::Option(Box::new(ty))
        } else {
            ty
        }
    }

    pub(super) fn inline_ty(&mut self, schema: &Schema, name_hint: &str, pointer: &str) -> Ty {
        // One schema, one type: a schema reached again by its place (a parameter of
        // `components/parameters` used by several operations) is not lowered twice.
        if let Some(ty) = self.inline_types.get(pointer) {
            return ty.clone();
        }
        let ty = self.inline_ty_uncached(schema, name_hint, pointer);
        self.inline_types.insert(pointer.to_string(), ty.clone());
        ty
    }

    fn inline_ty_uncached(&mut self, schema: &Schema, name_hint: &str, pointer: &str) -> Ty {
        // An inline schema can contain itself through an `allOf` that merges the schema
        // around it; the inner occurrence cannot be expanded again.
        if !self.inline_in_progress.insert(pointer.to_string()) {
            self.diags.push(
                Diagnostic::warning(Kind::CyclicRef, pointer, "this inline schema contains itself (through `allOf`); the inner occurrence is read as any JSON value")
                    .with_hint("give the schema a name under #/components/schemas and refer to it"),
            );
            return Ty::Any;
        }
        let titled = names::titled_type_name(schema.schema_data.title.as_deref(), &self.type_names);
        let name_hint = titled.as_deref().unwrap_or(name_hint);
        let shape = self.shape(schema, name_hint, pointer);
        self.inline_in_progress.remove(pointer);
        match shape {
            Shape::Ty(ty) => ty,
            Shape::Def(kind) => {
                // Identical inline enums under one parent (two properties, or two
                // parameters, with the same values) are one type.
                let parent_key = match (&kind, &self.enum_parent) {
                    (TypeKind::Enum(e), Some(parent)) => Some((
                        parent.clone(),
                        e.variants
                            .iter()
                            .map(|v| v.wire.clone())
                            .collect::<Vec<_>>(),
                    )),
                    _ => None,
                };
                if let Some(ty) = parent_key.as_ref().and_then(|k| self.parent_enums.get(k)) {
                    return ty.clone();
                }
                let (name, _) = self.type_names.claim(name_hint);
                if let Some(key) = parent_key {
                    self.parent_enums.insert(key, Ty::Named(name.clone()));
                }
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

    /// `#/components/schemas/X` -> the type named for X (the alias, when X is one).
    pub(super) fn ref_ty(&mut self, reference: &str, pointer: &str) -> Ty {
        match self.ref_key::<Schema>(reference, pointer) {
            Some(key) => Ty::Named(self.component_names[key.as_str()].clone()),
            None => Ty::Any,
        }
    }

    /// Follows `$ref`s to a schema; returns the schema and its pointer.
    pub(crate) fn resolve<'s, R: RefOr<Schema> + ?Sized>(
        &mut self,
        schema: &'s R,
        pointer: &str,
    ) -> Option<(&'s Schema, String)>
    where
        'a: 's,
    {
        self.resolve_ref(schema, pointer)
            .map(|r| (r.item, r.pointer))
    }

    pub(super) fn shape(&mut self, schema: &Schema, name: &str, pointer: &str) -> Shape {
        let is_array = matches!(&schema.schema_kind, SchemaKind::Type(Type::Array(_)))
            || matches!(&schema.schema_kind, SchemaKind::Any(a) if a.items.is_some() || a.typ.as_deref() == Some("array"));
        if best_effort(schema) && !is_array {
            self.diags.warning(
                Kind::Unsupported,
                pointer_push(pointer, "x-sdk-best-effort"),
                "`x-sdk-best-effort` applies to arrays (their items) only; this value is decoded as usual",
            );
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return Shape::Def(TypeKind::Enum(
                        self.string_enum(values.into_iter().map(String::as_str), pointer),
                    ));
                }
                Shape::Ty(self.secret_or(schema, string_ty(&s.format), pointer))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                Shape::Ty(Ty::Integer(int_format(&i.format, i.minimum)))
            }
            SchemaKind::Type(Type::Number(n)) => Shape::Ty(Ty::Number(num_format(&n.format))),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Ty(Ty::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                Shape::Ty(self.array_ty(a.items.as_ref(), best_effort(schema), name, pointer))
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
    pub(super) fn any_shape(
        &mut self,
        any: &AnySchema,
        schema: &Schema,
        name: &str,
        pointer: &str,
    ) -> Shape {
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
            return Shape::Ty(self.array_ty(
                any.items.as_ref(),
                best_effort(schema),
                name,
                pointer,
            ));
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
            Some("string") => Shape::Ty(self.secret_or(
                schema,
                string_ty(&parse_format(any.format.as_deref())),
                pointer,
            )),
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

    /// A plain string the spec marks secret (`format: password`, `x-sdk-secret: true`)
    /// becomes `Ty::Secret`; other types are kept, with a warning when the extension
    /// asks for what cannot be done.
    fn secret_or(&mut self, schema: &Schema, ty: Ty, pointer: &str) -> Ty {
        let password = matches!(
            &schema.schema_kind,
            SchemaKind::Type(Type::String(s))
                if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        ) || matches!(&schema.schema_kind, SchemaKind::Any(a) if a.format.as_deref() == Some("password"));
        let marked = schema.schema_data.extensions.get("x-sdk-secret") == Some(&Value::Bool(true));
        if !(password || marked) {
            return ty;
        }
        if ty == Ty::String {
            return Ty::Secret;
        }
        if marked {
            self.diags.warning(
                Kind::Unsupported,
                pointer_push(pointer, "x-sdk-secret"),
                "`x-sdk-secret` applies to plain strings only; this value is not redacted",
            );
        }
        ty
    }

    /// A list: its items' type, each kept as JSON when it does not decode if the list
    /// is `best_effort`.
    pub(super) fn array_ty(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        best_effort: bool,
        name: &str,
        pointer: &str,
    ) -> Ty {
        if let Some(tuple) = self.tuple_ty(name, pointer) {
            return tuple;
        }
        let ty = self.list_ty(items, name, pointer);
        match ty {
            Ty::Array(item) if best_effort && *item != Ty::Any => {
                Ty::Array(Box::new(Ty::BestEffort(item)))
            }
            ty => ty,
        }
    }

    fn list_ty(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        name: &str,
        pointer: &str,
    ) -> Ty {
        match items {
            Some(items) => {
                let singular = names::item_type_name(name);
                let hint = if self.type_names.contains(&singular)
                    || self.sibling_types.contains(&singular)
                {
                    format!("{name}Item")
                } else {
                    singular
                };
                Ty::Array(Box::new(self.element_ty(
                    items,
                    &hint,
                    &pointer_push(pointer, "items"),
                )))
            }
            None => Ty::Array(Box::new(Ty::Any)),
        }
    }

    pub(super) fn string_enum<'s>(
        &mut self,
        values: impl Iterator<Item = &'s str>,
        pointer: &str,
    ) -> Enum {
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
                doc: String::new(),
            });
        }
        Enum {
            variants,
            integer: false,
        }
    }

    /// An enum of integers: each value named by its `title` (else by its component's
    /// name, else spelled out), documented by its description.
    pub(super) fn integer_enum(&mut self, values: &[IntegerValue], pointer: &str) -> Enum {
        let mut scope = Scope::pascal_with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for v in values {
            if !seen.insert(v.value) {
                continue;
            }
            let wanted = match &v.name {
                Some(name) => variant_name(name),
                None => variant_name(&v.value.to_string()),
            };
            let wanted = if wanted == "Unknown" {
                "UnknownValue".to_string()
            } else {
                wanted
            };
            let (name, changed) = scope.claim(&wanted);
            if changed {
                self.diags.warning(
                    Kind::NameCollision,
                    pointer,
                    format!("two values are named `{wanted}`; `{}` is `{name}`", v.value),
                );
            }
            variants.push(EnumVariant {
                name,
                wire: v.value.to_string(),
                doc: v.description.clone().unwrap_or_default(),
            });
        }
        Enum {
            variants,
            integer: true,
        }
    }

    pub(super) fn object_shape(&mut self, part: ObjectPart<'_>, name: &str) -> Shape {
        // `additionalProperties: false` without properties is the empty object: a struct
        // without fields (written `{}`, other keys dropped), not any object. An inline
        // request body of that shape is then sent as `{}`, as an empty body struct.
        let empty_object = matches!(part.additional, Some(AdditionalProperties::Any(false)));
        if part.properties.is_empty() && !empty_object {
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
        let outer_parent = self.enum_parent.replace(name.to_string());
        let body_of = self.body_holders.get(name).cloned();
        // A property merged from another schema (`allOf: [$ref Base, ...]`) names its
        // type after that schema, where it is declared: every type that extends the
        // base shares it, whichever of them is lowered first.
        let hints: Vec<String> = part
            .properties
            .iter()
            .map(
                |(wire, _, pointer)| match self.declaring_component(pointer) {
                    Some(holder) if holder != name => {
                        names::property_type_name(&holder, None, wire)
                    }
                    _ => names::property_type_name(name, body_of.as_deref(), wire),
                },
            )
            .collect();
        // Nested objects set their own siblings and put these back when done.
        let outer = std::mem::replace(&mut self.sibling_types, hints.iter().cloned().collect());
        for ((wire, prop, pointer), hint) in part.properties.iter().zip(&hints) {
            let facts = self.facts(prop, pointer);
            let ty = self.ty_of(prop, hint, pointer);
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
                name: names::name(field_name),
                wire: wire.to_string(),
                source: pointer.clone(),
                ty,
                presence,
                doc: facts.description,
                deprecated: facts.deprecated,
                read_only: facts.read_only,
                write_only: facts.write_only,
                boxed: false,
                constant: facts.constant,
                setter: None,
                undecoded_secrets: Vec::new(),
            });
        }
        self.enum_parent = outer_parent;
        self.sibling_types = outer;
        // The map of undeclared keys takes the name `extra` unless a property has it.
        let (extra_field, _) = scope.claim("extra");
        Shape::Def(TypeKind::Struct(Struct {
            fields,
            additional,
            extra_field,
            in_request: false,
            multipart: false,
        }))
    }
}

impl Lowerer<'_> {
    /// The type name of the component schema that declares the property at `pointer`,
    /// when it is one of its own properties (`/components/schemas/Base/properties/x`,
    /// also within the component's `allOf` parts).
    fn declaring_component(&self, pointer: &str) -> Option<String> {
        let key = declaring_key(pointer)?;
        self.component_names
            .get(&crate::json_pointer::unescape_token(key))
            .cloned()
    }
}

/// The key of the component schema a property pointer belongs to directly: `Base` of
/// `/components/schemas/Base/properties/x` and `/components/schemas/Base/allOf/1/properties/x`.
pub(super) fn declaring_key(pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    let (key, mut rest) = rest.split_once('/')?;
    while let Some(after) = rest.strip_prefix("allOf/") {
        let (_, next) = after.split_once('/')?;
        rest = next;
    }
    let property = rest.strip_prefix("properties/")?;
    (!property.contains('/')).then_some(key)
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

/// Whether a schema's `default` can be written as a value of the field's type.
fn default_fits(value: &Value, ty: &Ty) -> bool {
    match (value, ty) {
        (Value::Bool(_), Ty::Bool) => true,
        (Value::Number(n), Ty::Integer(_)) => n.as_i64().is_some() || n.as_u64().is_some(),
        (Value::Number(_), Ty::Number(_)) => true,
        (Value::String(_), Ty::String) => true,
        // Whether a named type is an enum (of strings, or of integers) is only known
        // once all types exist; checked again in `finish_types`.
        (Value::String(_), Ty::Named(_)) => true,
        (Value::Number(n), Ty::Named(_)) => n.as_i64().is_some(),
        _ => false,
    }
}

/// Whether the spec marks a list's items best effort (`x-sdk-best-effort: true`): each
/// one that does not have the documented shape is kept as JSON instead of failing the
/// object around it.
fn best_effort(schema: &Schema) -> bool {
    schema.schema_data.extensions.get("x-sdk-best-effort") == Some(&Value::Bool(true))
}
