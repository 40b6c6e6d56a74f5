//! The chaining setters of model structs (`with_<field>`), named in lower: with `new`,
//! they are how code outside the crate fills a `#[non_exhaustive]` struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::arg_type;
use super::{Ctx, ident};
use crate::ir::{Field, Presence, Ty};

/// One `with_<field>` per field that has a setter. In a multipart body every optional
/// field is a plain `Option` and a file is a `FilePart`.
pub fn setters(fields: &[Field], multipart: bool) -> Vec<TokenStream> {
    fields
        .iter()
        .filter_map(|f| f.setter.as_ref().map(|s| setter(f, ident(s), multipart)))
        .collect()
}

fn setter(f: &Field, name: proc_macro2::Ident, multipart: bool) -> TokenStream {
    let fname = ident(&f.name);
    let (ty, value) = if multipart && f.ty == Ty::Bytes {
        (
            quote!(impl Into<crate::runtime::FilePart>),
            quote!(value.into()),
        )
    } else {
        let (ty, convert) = arg_type(f, Ctx::Models);
        (ty, convert(quote!(value)))
    };
    let value = if f.boxed {
        quote!(Box::new(#value))
    } else {
        value
    };
    let assign = match f.presence {
        _ if multipart => quote!(Some(#value)),
        Presence::Required | Presence::Defaulted(_) => value,
        Presence::OptionalNullable => quote!(Some(crate::runtime::Nullable::Value(#value))),
        Presence::Optional | Presence::RequiredNullable => quote!(Some(#value)),
    };
    let doc = format!(" Sets `{}` (`{}` on the wire).", f.name.bare, f.wire);
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #[doc = #doc]
        #deprecated
        #[must_use]
        pub fn #name(mut self, value: #ty) -> Self {
            self.#fname = #assign;
            self
        }
    }
}
