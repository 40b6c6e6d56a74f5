//! Unions: an enum of the variants and `Unknown`, read by the tag when there is one,
//! else by the evidence lowering recorded (the variant the value fits best).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{Ctx, doc_attrs, ident, ty_tokens};
use crate::ir::{Evidence, JsonKind, TypeDef, Union};

pub(super) fn union_def(def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let mut ty = ty_tokens(&v.ty, Ctx::Models);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let doc = doc_attrs(Some(&v.doc));
        quote! { #doc #vname(#ty), }
    });
    let decoding = match &u.tag {
        Some(tag) => tagged_decoding(&name, u, tag),
        None => untagged_decoding(&name, u),
    };
    // A union whose variants hold secrets shows its `Unknown` JSON without their values;
    // the others derive `Debug`.
    let (derive_debug, debug_impl) = match u.secret_fields.as_slice() {
        [] => (quote!(Debug,), quote!()),
        secrets => {
            let arms = u.variants.iter().map(|v| {
                let vname = ident(&v.name);
                let label = &v.name;
                quote!(Self::#vname(v) => f.debug_tuple(#label).field(v).finish(),)
            });
            (
                quote!(),
                quote! {
                    /// The `Unknown` JSON is shown without the values of the secret
                    /// fields of the variants.
                    impl std::fmt::Debug for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            match self {
                                #(#arms)*
                                Self::Unknown(v) => f
                                    .debug_tuple("Unknown")
                                    .field(&crate::runtime::ShownJson::new(v, &[#(#secrets),*]))
                                    .finish(),
                            }
                        }
                    }
                },
            )
        }
    };
    quote! {
        #docs
        #deprecated
        #[derive(#derive_debug Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        // Variants hold whole objects; boxing them would cost an allocation per value.
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know, kept as JSON.
            Unknown(serde_json::Value),
        }

        #decoding

        #debug_impl
    }
}

/// A tagged union reads the variant its tag names straight from the input, through
/// the runtime's `de::tagged` (one pass, errors with their JSON path).
fn tagged_decoding(name: &proc_macro2::Ident, u: &Union, tag: &str) -> TokenStream {
    let choices = u
        .variants
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.tag_values.is_empty())
        .map(|(i, v)| {
            let values = &v.tag_values;
            let i = proc_macro2::Literal::u16_unsuffixed(i as u16);
            quote! { #(#values)|* => Some(#i), }
        });
    let reads = u.variants.iter().enumerate().map(|(i, v)| {
        let vname = ident(&v.name);
        let i = proc_macro2::Literal::u16_unsuffixed(i as u16);
        quote! { #i => serde::Deserialize::deserialize(deserializer).map(Self::#vname), }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                crate::runtime::de::tagged(deserializer)
            }
        }

        impl crate::runtime::de::Tagged for #name {
            const TAG: &'static str = #tag;

            fn variant(tag: &str) -> Option<u16> {
                match tag {
                    #(#choices)*
                    _ => None,
                }
            }

            fn read<'de, __D: serde::Deserializer<'de>>(variant: u16, deserializer: __D) -> Result<Self, __D::Error> {
                match variant {
                    #(#reads)*
                    _ => Err(serde::de::Error::custom("no such variant")),
                }
            }

            fn unknown(value: serde_json::Value) -> Self {
                Self::Unknown(value)
            }
        }
    }
}

/// An untagged union reads the value as JSON, then the variants it fits, best fit
/// first, by the evidence lowering recorded.
fn untagged_decoding(name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let evidence = u.variants.iter().map(|v| evidence_tokens(&v.evidence));
    let arms = u.variants.iter().enumerate().map(|(i, v)| {
        let vname = ident(&v.name);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! {
            #i => serde::Deserialize::deserialize(&value).map(Self::#vname),
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                const EVIDENCE: &[crate::runtime::de::Evidence] = &[#(#evidence),*];
                for candidate in crate::runtime::de::rank_variants(&value, EVIDENCE) {
                    let read: Result<Self, serde_json::Error> = match candidate {
                        #(#arms)*
                        _ => continue,
                    };
                    if let Ok(read) = read {
                        return Ok(read);
                    }
                }
                Ok(Self::Unknown(value))
            }
        }
    }
}

/// One `crate::runtime::de::Evidence` value.
fn evidence_tokens(e: &Evidence) -> TokenStream {
    let kind = match e.kind {
        JsonKind::Any => quote!(Any),
        JsonKind::Object => {
            let required = &e.required;
            let known = &e.known;
            let constants = e.constants.iter().filter_map(|(key, value)| {
                let value = match value {
                    Value::String(s) => quote!(Str(#s)),
                    Value::Bool(b) => quote!(Bool(#b)),
                    Value::Number(n) => {
                        let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64()?);
                        quote!(Int(#n))
                    }
                    _ => return None,
                };
                Some(quote!((#key, crate::runtime::de::Constant::#value)))
            });
            let open = e.open;
            return quote! {
                crate::runtime::de::Evidence::object(
                    &[#(#required),*],
                    &[#(#constants),*],
                    &[#(#known),*],
                    #open,
                )
            };
        }
        JsonKind::Array => quote!(Array),
        JsonKind::String if !e.strings.is_empty() => {
            let strings = &e.strings;
            return quote!(crate::runtime::de::Evidence::strings(&[#(#strings),*]));
        }
        JsonKind::String => quote!(String),
        JsonKind::Integer => quote!(Integer),
        JsonKind::Number => quote!(Number),
        JsonKind::Bool => quote!(Bool),
    };
    quote!(crate::runtime::de::Evidence::of(crate::runtime::de::JsonKind::#kind))
}
