//! Types: structs (with a `Deserialize` that keeps unknown keys without buffering),
//! forward-compatible string enums, unions, aliases.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::format::{Chunk, Unit};
use super::{Ctx, doc_attrs, field_init, ident, ty_tokens};
use crate::ir::{
    Additional, Api, Enum, Field, Presence, Resource, ResponseKind, Struct, Ty, TypeDef, TypeKind,
};

/// `src/models/mod.rs`, which re-exports every file (so that `models::X` names
/// every type), and each file of `models/` with its types, one item at a time: a unit
/// of formatting per type, in the order of the files.
pub(super) fn model_units(api: &Api) -> Vec<Unit<'_>> {
    let mut units: Vec<Unit<'_>> = vec![Box::new(|| {
        let modules: Vec<_> = api.model_files.iter().map(|f| ident(&f.module)).collect();
        // The modules are public, to browse the types by resource; every type is also
        // re-exported here, so that `models::Name` works as it always did.
        let mut docs = vec![
            " Request and response types of the API, by resource: each module holds the types"
                .to_string(),
            " of one resource's operations, and every type is also here, by its name alone"
                .to_string(),
        ];
        match api
            .model_files
            .iter()
            .find_map(|f| Some((&f.module, f.types.first()?)))
        {
            Some((module, ty)) => {
                docs.push(format!(" (`models::{module}::{ty}` is `models::{ty}`)."))
            }
            None => docs.push(" too.".to_string()),
        }
        vec![(
            "src/models/mod.rs".to_string(),
            vec![
                quote! {
                    #(#![doc = #docs])*
                    #(pub mod #modules; pub use #modules::*;)*
                }
                .into(),
            ],
        )]
    })];
    let mut ops = Vec::new();
    collect_status_ops(&api.root, &mut ops);
    for file in &api.model_files {
        let path = format!("src/models/{}.rs", file.module);
        units.push(Box::new({
            let path = path.clone();
            move || {
                let docs = super::doc_lines(&file.doc);
                // One line per import, so that a new one adds a line and reflows none.
                // A deprecated type is the crate's own to name: its import allows it.
                let uses = file.imports.iter().map(|n| {
                    let i = ident(n);
                    let deprecated = api
                        .types
                        .binary_search_by(|t| t.name.cmp(n))
                        .is_ok_and(|k| api.types[k].deprecated);
                    let allow = deprecated.then(|| quote!(#[allow(deprecated)]));
                    quote!(#allow use super::#i;)
                });
                let uses = quote!(#(#uses)*);
                vec![(
                    path.clone(),
                    vec![quote! { #(#![doc = #docs])* #uses }.into()],
                )]
            }
        }));
        for name in &file.types {
            if let Ok(i) = api.types.binary_search_by(|t| t.name.cmp(name)) {
                let path = path.clone();
                units.push(Box::new(move || {
                    vec![(path.clone(), type_def(api, &api.types[i]))]
                }));
            }
        }
        for name in &file.response_enums {
            if let Some(op) = ops
                .iter()
                .find(|op| op.response.by_status_name.as_ref() == Some(name))
            {
                let (path, op) = (path.clone(), *op);
                units.push(Box::new(move || {
                    vec![(path.clone(), vec![status_enum(op).into()])]
                }));
            }
        }
    }
    units
}

/// A type's items: one chunk, or two for a string enum, whose trait impls are the same
/// for every enum but its name.
fn type_def(api: &Api, def: &TypeDef) -> Vec<Chunk> {
    if let TypeKind::Enum(e) = &def.kind
        && !e.integer
        && !super::deprecation::type_touches_deprecated(api, def)
    {
        return vec![
            enum_def(def, e).into(),
            Chunk::Named {
                key: "enum_impls",
                name: def.name.clone(),
                tokens: enum_impls,
            },
        ];
    }
    let tokens = match &def.kind {
        TypeKind::Struct(s) if s.multipart => multipart_struct(def, s),
        TypeKind::Struct(s) => struct_def(api, def, s),
        TypeKind::Enum(e) if e.integer => integer_enum_def(def, e),
        TypeKind::Enum(e) => {
            let impls = enum_impls(&def.name);
            let def = enum_def(def, e);
            quote!(#def #impls)
        }
        TypeKind::Union(u) => super::unions::union_def(def, u),
        TypeKind::Alias(ty) => {
            let name = ident(&def.name);
            let docs = doc_attrs(def.doc.as_deref());
            let ty = ty_tokens(ty, Ctx::Models);
            quote! { #docs pub type #name = #ty; }
        }
    };
    if !super::deprecation::type_touches_deprecated(api, def) {
        return vec![tokens.into()];
    }
    match super::deprecation::allow_deprecated_file(tokens) {
        Ok(file) => vec![Chunk::File(file)],
        Err(tokens) => vec![tokens.into()],
    }
}

/// The Rust type of a field, with its presence and box.
pub(crate) fn field_ty(field: &Field, ctx: Ctx) -> TokenStream {
    let mut ty = ty_tokens(&field.ty, ctx);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    match field.presence {
        Presence::Required | Presence::Defaulted(_) => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(Option<crate::runtime::Nullable<#ty>>),
    }
}

/// The value a field starts with when it is not an argument of `new`.
fn initial_value(field: &Field, api: &Api) -> TokenStream {
    match (&field.presence, &field.constant) {
        (Presence::Required, Some(c)) => {
            let value = literal(c, &field.ty, api, Ctx::Models);
            if field.boxed {
                quote!(Box::new(#value))
            } else {
                value
            }
        }
        (Presence::Defaulted(v), _) => literal(v, &field.ty, api, Ctx::Models),
        _ => quote!(None),
    }
}

/// A JSON value as a Rust expression of type `ty`.
pub(crate) fn literal(value: &Value, ty: &Ty, api: &Api, ctx: Ctx) -> TokenStream {
    match (value, ty) {
        (Value::Bool(b), _) => quote!(#b),
        (Value::String(s), Ty::String) => quote!(String::from(#s)),
        (Value::String(s), Ty::Named(n)) => {
            let ty = ty_tokens(&Ty::Named(n.clone()), ctx);
            let is_enum = api
                .types
                .iter()
                .any(|t| t.name == *n && matches!(t.kind, TypeKind::Enum(_)));
            if is_enum {
                quote!(#ty::from(#s))
            } else {
                quote!(Default::default())
            }
        }
        (Value::Number(n), Ty::Named(name)) => {
            // An enum of integers, by its value.
            let ty = ty_tokens(&Ty::Named(name.clone()), ctx);
            let is_enum = api
                .types
                .iter()
                .any(|t| t.name == *name && matches!(&t.kind, TypeKind::Enum(e) if e.integer));
            match n.as_i64() {
                Some(v) if is_enum => {
                    let lit = proc_macro2::Literal::i64_suffixed(v);
                    quote!(#ty::from(#lit))
                }
                _ => quote!(Default::default()),
            }
        }
        (Value::Number(n), Ty::Integer(f)) => {
            let v = n.as_i64().unwrap_or_default();
            let lit = match f {
                crate::ir::IntFormat::I32 => proc_macro2::Literal::i32_suffixed(v as i32),
                crate::ir::IntFormat::I64 => proc_macro2::Literal::i64_suffixed(v),
                crate::ir::IntFormat::U32 => proc_macro2::Literal::u32_suffixed(v as u32),
                crate::ir::IntFormat::U64 => {
                    proc_macro2::Literal::u64_suffixed(n.as_u64().unwrap_or(v as u64))
                }
            };
            quote!(#lit)
        }
        (Value::Number(n), Ty::Number(f)) => {
            let v = n.as_f64().unwrap_or_default();
            let lit = match f {
                crate::ir::NumFormat::F32 => proc_macro2::Literal::f32_suffixed(v as f32),
                crate::ir::NumFormat::F64 => proc_macro2::Literal::f64_suffixed(v),
            };
            quote!(#lit)
        }
        _ => quote!(Default::default()),
    }
}

fn struct_def(api: &Api, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let extra_name = ident(&s.extra_field);
    let mut fields = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.name);
        let ty = field_ty(f, Ctx::Models);
        let docs = doc_attrs(f.doc.as_deref());
        let mut serde_args = Vec::new();
        if f.wire != f.name.bare {
            let wire = &f.wire;
            serde_args.push(quote!(rename = #wire));
        }
        if matches!(f.presence, Presence::Optional | Presence::OptionalNullable) {
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        fields.push(quote! { #docs #deprecated #serde_attr pub #fname: #ty, });
    }
    let extra = match &s.additional {
        Additional::Keep => Some(quote! {
            /// Keys this version of the SDK does not know, kept as they arrived and
            /// written back unchanged.
            #[serde(flatten)]
            pub #extra_name: std::collections::BTreeMap<String, serde_json::Value>,
        }),
        Additional::Typed(ty) => {
            let ty = ty_tokens(ty, Ctx::Models);
            Some(quote! {
                /// Keys other than the declared fields.
                #[serde(flatten)]
                pub #extra_name: std::collections::BTreeMap<String, #ty>,
            })
        }
        Additional::Drop => None,
    };

    // The constructor: required fields as arguments, the rest at their start values.
    let args: Vec<&Field> = s.fields.iter().filter(|f| f.is_argument()).collect();
    let params = args.iter().map(|f| {
        let n = ident(&f.name);
        let (ty, _) = super::args::arg_type_of(&f.ty, Ctx::Models);
        quote!(#n: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        if f.is_argument() {
            let (_, convert) = super::args::arg_type_of(&f.ty, Ctx::Models);
            let value = convert(quote!(#n));
            if f.boxed {
                quote!(#n: Box::new(#value))
            } else {
                field_init(&n, value)
            }
        } else {
            let v = initial_value(f, api);
            quote!(#n: #v)
        }
    });
    let extra_init = (s.additional != Additional::Drop)
        .then(|| quote!(#extra_name: std::collections::BTreeMap::new(),));
    let too_many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let default_impl = args.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self { Self::new() }
            }
        }
    });
    let deserialize = struct_deserialize(api, def, s);
    let setters = super::model_setters::setters(&s.fields);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }

        impl #name {
            /// A value with the required fields; the others are unset.
            #too_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }

            #(#setters)*
        }

        #default_impl
        #deserialize
    }
}

/// `Deserialize` by a visitor that matches known keys and keeps the rest, without the
/// buffering `#[serde(flatten)]` would cost on the way in.
fn struct_deserialize(api: &Api, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let expecting = format!("an object `{}`", def.name);
    let extra_name = ident(&s.extra_field);
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut finals = Vec::new();
    for f in &s.fields {
        // Named after the field, not its position, so that adding a field changes
        // only the lines that mention it.
        let local = ident(&format!("v_{}", f.name.bare));
        let fname = ident(&f.name);
        let wire = &f.wire;
        let mut ty = ty_tokens(&f.ty, Ctx::Models);
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        // A date-time is read by the runtime's fast path (`de::Rfc3339`); `read(T)` reads
        // a `T` in which the field's type stands for itself.
        let date_time = f.ty == Ty::DateTime && !f.boxed;
        // A best-effort list whose items reach secret fields tells the items that did
        // not decode which names their `Debug` hides.
        let secrets = &f.undecoded_secrets;
        let read = |wrapped: TokenStream| {
            if date_time {
                quote!(map.next_value::<crate::runtime::de::Rfc3339<#wrapped>>()?.0)
            } else if !secrets.is_empty() {
                quote!(crate::runtime::de::hide_secrets(map.next_value()?, &[#(#secrets),*]))
            } else {
                quote!(map.next_value()?)
            }
        };
        match &f.presence {
            Presence::Required => {
                let read = read(quote!(#ty));
                locals.push(quote!(let mut #local: Option<#ty> = None;));
                arms.push(quote!(#wire => #local = Some(#read),));
                finals.push(quote!(#fname: #local.ok_or_else(|| crate::runtime::de::missing::<__A::Error>(#wire))?,));
            }
            Presence::RequiredNullable => {
                let read = read(quote!(Option<#ty>));
                locals.push(quote!(let mut #local: Option<Option<#ty>> = None;));
                arms.push(quote!(#wire => #local = Some(#read),));
                finals.push(quote!(#fname: #local.ok_or_else(|| crate::runtime::de::missing::<__A::Error>(#wire))?,));
            }
            Presence::Optional => {
                let read = read(quote!(Option<#ty>));
                locals.push(quote!(let mut #local: Option<#ty> = None;));
                arms.push(quote!(#wire => #local = #read,));
                finals.push(quote!(#fname: #local,));
            }
            Presence::OptionalNullable => {
                let read = read(quote!(crate::runtime::Nullable<#ty>));
                locals.push(quote!(let mut #local: Option<crate::runtime::Nullable<#ty>> = None;));
                arms.push(quote!(#wire => #local = Some(#read),));
                finals.push(quote!(#fname: #local,));
            }
            Presence::Defaulted(v) => {
                let default = literal(v, &f.ty, api, Ctx::Models);
                let read = read(quote!(Option<#ty>));
                locals.push(quote!(let mut #local: Option<#ty> = None;));
                arms.push(quote!(#wire => #local = #read,));
                if matches!(v, Value::Bool(_) | Value::Number(_)) {
                    finals.push(quote!(#fname: #local.unwrap_or(#default),));
                } else {
                    finals.push(quote!(#fname: #local.unwrap_or_else(|| #default),));
                }
            }
        }
    }
    let (extra_local, other_arm, extra_final) = match &s.additional {
        Additional::Keep | Additional::Typed(_) => (
            quote!(let mut #extra_name = std::collections::BTreeMap::new();),
            quote!(_ => { #extra_name.insert(key.into_string(), map.next_value()?); }),
            quote!(#extra_name,),
        ),
        Additional::Drop => (
            quote!(),
            quote!(_ => { map.next_value::<serde::de::IgnoredAny>()?; }),
            quote!(),
        ),
    };
    // The empty object (no fields, other keys dropped) reads past every key.
    let read_keys = if arms.is_empty() && s.additional == Additional::Drop {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<crate::runtime::de::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    #other_arm
                }
            }
        }
    };
    // The decoder's own names (`__Visitor`, `__D`, `__A`) start with underscores, which
    // no type name from the spec does, so a schema cannot shadow them.
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #(#locals)*
                        #extra_local
                        #read_keys
                        Ok(#name { #(#finals)* #extra_final })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// A multipart body: its fields, files as `FilePart`, and how they become a form.
fn multipart_struct(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let mut fields = Vec::new();
    let mut pushes = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.name);
        let wire = &f.wire;
        let docs = doc_attrs(f.doc.as_deref());
        let required = matches!(f.presence, Presence::Required);
        let base = ty_tokens(&f.ty, Ctx::Models);
        let ty = if required {
            base.clone()
        } else {
            quote!(Option<#base>)
        };
        fields.push(quote! { #docs pub #fname: #ty, });
        pushes.push(match (f.ty == Ty::File, required) {
            (true, true) => quote!(let form = form.file(#wire, &self.#fname);),
            (true, false) => quote!(let form = form.file_opt(#wire, &self.#fname);),
            (false, _) => quote!(let form = form.text(#wire, &self.#fname)?;),
        });
        if required && f.constant.is_none() {
            let (arg, convert) = super::args::arg_type_of(&f.ty, Ctx::Models);
            params.push(quote!(#fname: #arg));
            let v = convert(quote!(#fname));
            inits.push(field_init(&fname, v));
        } else if let (true, Some(c)) = (required, &f.constant) {
            let v = c
                .as_str()
                .map(|s| quote!(#s.into()))
                .unwrap_or_else(|| quote!(Default::default()));
            inits.push(quote!(#fname: #v));
        } else {
            inits.push(quote!(#fname: None));
        }
    }
    let too_many = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let setters = super::model_setters::setters(&s.fields);
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// A body with the required fields; the others are unset.
            #too_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*

            /// The body as a multipart form (used by the operation that sends it).
            #[doc(hidden)]
            pub fn to_multipart(&self) -> Result<crate::runtime::Multipart, crate::runtime::Error> {
                let form = crate::runtime::Multipart::new();
                #(#pushes)*
                Ok(form)
            }
        }
    }
}

fn enum_def(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = doc_attrs(Some(&v.doc));
        quote! { #doc #vname, }
    });
    let as_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#vname => #wire,)
    });
    let known = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Some(Self::#vname),)
    });
    let default_impl = (e.variants.len() == 1).then(|| {
        let only = ident(&e.variants[0].name);
        quote! {
            /// The only value this enum documents.
            impl Default for #name {
                fn default() -> Self { Self::#only }
            }
        }
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }

            fn known(value: &str) -> Option<Self> {
                match value {
                    #(#known)*
                    _ => None,
                }
            }
        }

        #default_impl
    }
}

/// The trait impls of the string enum `name`, which differ by the name alone.
fn enum_impls(name: &str) -> TokenStream {
    let expecting = format!("a `{name}` string");
    let name = ident(name);
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Unknown(value.to_owned()))
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::known(&value) {
                    Some(known) => known,
                    None => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                crate::runtime::de::string_enum(deserializer, #expecting, Self::known, Self::Unknown)
            }
        }
    }
}

/// An enum of integers (a `oneOf` of integer `const`s): named values, and `Unknown`
/// for any other integer, kept as received and written back unchanged.
fn integer_enum_def(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let value = |wire: &str| proc_macro2::Literal::i64_unsuffixed(wire.parse().unwrap_or_default());
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = doc_attrs(Some(&v.doc));
        quote! { #doc #vname, }
    });
    let values = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let n = value(&v.wire);
        quote!(Self::#vname => #n,)
    });
    let known = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let n = value(&v.wire);
        quote!(#n => Some(Self::#vname),)
    });
    let default_impl = (e.variants.len() == 1).then(|| {
        let only = ident(&e.variants[0].name);
        quote! {
            /// The only value this enum documents.
            impl Default for #name {
                fn default() -> Self { Self::#only }
            }
        }
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know, kept as received.
            Unknown(i64),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#values)*
                    Self::Unknown(value) => *value,
                }
            }

            fn known(value: i64) -> Option<Self> {
                match value {
                    #(#known)*
                    _ => None,
                }
            }
        }

        #default_impl

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                Self::known(value).unwrap_or(Self::Unknown(value))
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// Operations whose success responses differ by status.
fn collect_status_ops<'a>(resource: &'a Resource, out: &mut Vec<&'a crate::ir::Operation>) {
    out.extend(
        resource
            .operations
            .iter()
            .filter(|op| op.response.by_status_name.is_some()),
    );
    for child in &resource.children {
        collect_status_ops(child, out);
    }
}

/// The enum of an operation's responses by status.
fn status_enum(op: &crate::ir::Operation) -> TokenStream {
    let name = ident(op.response.by_status_name.as_deref().unwrap_or("Response"));
    let variants = op.response.statuses.iter().map(|s| {
        let vname = ident(&s.variant);
        let doc = format!(" {}", s.doc);
        match &s.kind {
            ResponseKind::Json(ty) => {
                let ty = ty_tokens(ty, Ctx::Models);
                quote!(#[doc = #doc] #vname(#ty),)
            }
            ResponseKind::Text => quote!(#[doc = #doc] #vname(String),),
            ResponseKind::Bytes => quote!(#[doc = #doc] #vname(bytes::Bytes),),
            ResponseKind::Empty | ResponseKind::ByStatus => quote!(#[doc = #doc] #vname,),
        }
    });
    let doc = format!(" {}", op.response.doc);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::{Chunk, Named, format_chunk};
    use super::enum_impls;

    /// The trait impls of an enum formatted once per length of its name, then named,
    /// are the impls formatted for the name, whatever the length (long names wrap).
    #[test]
    fn enum_impls_formatted_by_length_are_the_same() {
        let long = "Long".repeat(30);
        let mut cache = Named::default();
        for len in [1, 2, 6, 20, 45, 60, 70, 80, 95, 120] {
            for name in [
                format!("Z{}", &long[..len - 1]),
                format!("Q{}", &long[..len - 1]),
            ] {
                let mut direct = String::new();
                format_chunk(
                    Chunk::Tokens(enum_impls(&name)),
                    &mut Named::default(),
                    &mut direct,
                );
                let mut named = String::new();
                let chunk = Chunk::Named {
                    key: "enum_impls",
                    name: name.clone(),
                    tokens: enum_impls,
                };
                format_chunk(chunk, &mut cache, &mut named);
                assert_eq!(named, direct, "{name}");
            }
        }
    }
}
