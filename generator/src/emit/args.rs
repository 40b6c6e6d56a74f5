//! Arguments and assignments: the type a constructor, method or setter takes for a
//! value, how the argument becomes the field's value, and how a setter stores it given
//! the field's presence. Used by models, model setters and operations alike, so that
//! each is written once.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ty_tokens};
use crate::ir::{Presence, Ty};

/// How an argument becomes the value stored.
pub(crate) type Convert = Box<dyn Fn(TokenStream) -> TokenStream>;

/// The argument type for a value of `ty`, and how to turn the argument into the
/// value: strings, named types, dates, secrets and files take `impl Into<..>`; lists of
/// strings or secrets any iterator of what converts into them; maps any iterator of
/// pairs, keys as `impl Into<String>` and values as a value of their type is taken (so
/// that `[("password", "hunter2")]` fills a map of secrets).
pub(crate) fn arg_type_of(ty: &Ty, ctx: Ctx) -> (TokenStream, Convert) {
    match ty {
        Ty::String => (quote!(impl Into<String>), Box::new(|v| quote!(#v.into()))),
        Ty::Named(_) | Ty::DateTime | Ty::Secret | Ty::File => {
            let t = ty_tokens(ty, ctx);
            (quote!(impl Into<#t>), Box::new(|v| quote!(#v.into())))
        }
        Ty::Array(inner) if matches!(**inner, Ty::String | Ty::Secret) => {
            let t = ty_tokens(inner, ctx);
            (
                quote!(impl IntoIterator<Item = impl Into<#t>>),
                Box::new(|v| quote!(#v.into_iter().map(Into::into).collect())),
            )
        }
        Ty::Map(inner) => {
            let converts = matches!(
                **inner,
                Ty::String | Ty::Secret | Ty::Named(_) | Ty::DateTime
            );
            let t = ty_tokens(inner, ctx);
            if converts {
                (
                    quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#t>)>),
                    Box::new(
                        |v| quote!(#v.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
                    ),
                )
            } else {
                (
                    quote!(impl IntoIterator<Item = (impl Into<String>, #t)>),
                    Box::new(|v| quote!(#v.into_iter().map(|(k, v)| (k.into(), v)).collect())),
                )
            }
        }
        _ => (ty_tokens(ty, ctx), Box::new(|v| v)),
    }
}

/// What a setter stores for a set `value` (already converted and boxed) in a field of
/// this presence.
pub(crate) fn assign(presence: &Presence, value: TokenStream) -> TokenStream {
    match presence {
        Presence::Required | Presence::Defaulted(_) => value,
        Presence::Optional | Presence::RequiredNullable => quote!(Some(#value)),
        Presence::OptionalNullable => quote!(Some(crate::runtime::Nullable::Value(#value))),
    }
}
