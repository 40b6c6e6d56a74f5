//! Deprecated types and fields carry `#[deprecated]`, so that users see a warning;
//! the crate's own code that names them (their impls, the fields and parameters of
//! other types) allows it, item by item.

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::ir::{Additional, Api, Operation, ResponseKind, Ty, TypeDef, TypeKind};

fn is_deprecated_type(api: &Api, name: &str) -> bool {
    api.types
        .binary_search_by(|t| t.name.as_str().cmp(name))
        .is_ok_and(|i| api.types[i].deprecated)
}

fn ty_mentions(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Named(n) => is_deprecated_type(api, n),
        Ty::Array(t) | Ty::Map(t) | Ty::Option(t) | Ty::BestEffort(t) => ty_mentions(api, t),
        Ty::Tuple(items) => items.iter().any(|t| ty_mentions(api, t)),
        _ => false,
    }
}

/// Whether the items of a type name something deprecated: itself, a field, or the
/// type of a field or variant.
pub fn type_touches_deprecated(api: &Api, def: &TypeDef) -> bool {
    if def.deprecated {
        return true;
    }
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields
                .iter()
                .any(|f| f.deprecated || ty_mentions(api, &f.ty))
                || matches!(&s.additional, Additional::Typed(t) if ty_mentions(api, t))
        }
        TypeKind::Union(u) => u.variants.iter().any(|v| ty_mentions(api, &v.ty)),
        TypeKind::Alias(t) => ty_mentions(api, t),
        TypeKind::Enum(_) => false,
    }
}

/// Whether an operation's parameters, body or output name something deprecated.
pub fn operation_touches_deprecated(api: &Api, op: &Operation) -> bool {
    let output = match &op.response.kind {
        ResponseKind::Json(t) => ty_mentions(api, t),
        _ => op
            .response
            .statuses
            .iter()
            .any(|s| matches!(&s.kind, ResponseKind::Json(t) if ty_mentions(api, t))),
    };
    let body = op.body.as_ref().is_some_and(|b| {
        ty_mentions(api, &b.ty)
            || b.flattened.as_ref().is_some_and(|f| {
                f.fields
                    .iter()
                    .any(|f| f.deprecated || ty_mentions(api, &f.ty))
            })
    });
    output || body || op.params.iter().any(|p| ty_mentions(api, &p.ty))
}

/// Adds `#[allow(deprecated)]` to every item of the tokens.
pub fn allow_deprecated(tokens: TokenStream) -> TokenStream {
    match allow_deprecated_file(tokens) {
        Ok(file) => file.into_token_stream(),
        Err(tokens) => tokens,
    }
}

/// The tokens parsed, with `#[allow(deprecated)]` on every item; the tokens back if
/// they do not parse. Formatting takes the parsed file as it is, where the tokens of
/// [`allow_deprecated`] would be parsed a second time.
pub fn allow_deprecated_file(tokens: TokenStream) -> Result<syn::File, TokenStream> {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return Err(tokens);
    };
    let allow: syn::Attribute = syn::parse_quote!(#[allow(deprecated)]);
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            _ => continue,
        };
        attrs.push(allow.clone());
    }
    Ok(file)
}
