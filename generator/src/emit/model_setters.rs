//! The chaining setters of model structs (`with_<field>`), named in lower: with `new`,
//! they are how code outside the crate fills a `#[non_exhaustive]` struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{arg_type_of, assign};
use super::{Ctx, ident};
use crate::ir::Field;

/// One `with_<field>` per field that has a setter.
pub fn setters(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .filter_map(|f| f.setter.as_ref().map(|s| setter(f, ident(s))))
        .collect()
}

fn setter(f: &Field, name: proc_macro2::Ident) -> TokenStream {
    let fname = ident(&f.name);
    let (ty, convert) = arg_type_of(&f.ty, Ctx::Models);
    let value = convert(quote!(value));
    let value = if f.boxed {
        quote!(Box::new(#value))
    } else {
        value
    };
    let assign = assign(&f.presence, value);
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
