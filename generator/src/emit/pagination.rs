//! The `Paginated` impl of a paginated operation: where the items are and where the
//! next page is, printed from the walk lower chose. The rules (when a walk ends, the
//! loop guard) live once in the runtime; this only reads the page's fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ident, ty_tokens};
use crate::ir::{
    CursorSource, FieldAccess, FieldPath, FieldStep, Operation, PageWalk, ResponseKind, Ty,
};

pub(super) fn pagination_impl(op: &Operation) -> TokenStream {
    let Some(pg) = &op.pagination else {
        return quote!();
    };
    let ResponseKind::Json(page_ty) = &op.response.kind else {
        return quote!();
    };
    let name = ident(&op.params_name);
    let page_ty = ty_tokens(page_ty, Ctx::Elsewhere);
    let item_ty = ty_tokens(&pg.item_ty, Ctx::Elsewhere);
    let (is_empty, count, last, into_items) = match &pg.items_field {
        Some(step) => {
            let f = ident(&step.rust);
            match step.access {
                FieldAccess::Plain => (
                    quote!(page.#f.is_empty()),
                    quote!(page.#f.len()),
                    quote!(page.#f.last()),
                    quote!(page.#f),
                ),
                FieldAccess::Optional => (
                    quote!(page.#f.as_ref().is_none_or(|items| items.is_empty())),
                    quote!(page.#f.as_ref().map_or(0, Vec::len)),
                    quote!(page.#f.as_ref().and_then(|items| items.last())),
                    quote!(page.#f.unwrap_or_default()),
                ),
                FieldAccess::OptionalNullable => (
                    quote!(page.#f.as_ref().and_then(|n| n.as_ref().into_option()).is_none_or(|items| items.is_empty())),
                    quote!(page.#f.as_ref().and_then(|n| n.as_ref().into_option()).map_or(0, Vec::len)),
                    quote!(page.#f.as_ref().and_then(|n| n.as_ref().into_option()).and_then(|items| items.last())),
                    quote!(page.#f.and_then(|n| n.into_option()).unwrap_or_default()),
                ),
            }
        }
        None => (
            quote!(page.is_empty()),
            quote!(page.len()),
            quote!(page.last()),
            quote!(page),
        ),
    };
    let flag = |f: &Option<FieldPath>| match f {
        Some(f) => copied(f),
        None => quote!(None),
    };
    let number = |f: &Option<FieldPath>| match f {
        Some(f) => {
            let v = copied(f);
            quote!(#v.and_then(crate::runtime::to_i64))
        }
        None => quote!(None),
    };
    let body = match &pg.walk {
        PageWalk::Cursor {
            param,
            next,
            has_more,
            direction,
        } => {
            let cursor_param = ident(&op.params[*param].name);
            let has_more = flag(has_more);
            let default_cursor = match next {
                CursorSource::Field(f) => field_ref(f, quote!(page)),
                CursorSource::LastItem(f) => chain(&f.steps, Access::Maybe(last.clone())),
            };
            let cursor_expr = match direction {
                Some((index, by)) if !by.is_empty() => {
                    let p = &op.params[*index];
                    let d = ident(&p.name);
                    let as_str = match (&p.ty, p.required) {
                        (Ty::String, false) => quote!(self.#d.as_deref()),
                        (_, false) => quote!(self.#d.as_ref().map(|d| d.as_str())),
                        (_, true) => quote!(Some(self.#d.as_str())),
                    };
                    let arms = by.iter().map(|(value, f)| {
                        let c = field_ref(f, quote!(page));
                        quote!(Some(#value) => #c,)
                    });
                    quote! {
                        match #as_str {
                            #(#arms)*
                            _ => #default_cursor,
                        }
                    }
                }
                _ => default_cursor,
            };
            quote! {
                let cursor = crate::runtime::next_cursor(#has_more, #is_empty, #cursor_expr)?;
                Some(crate::runtime::NextPage::Params(Self { #cursor_param: Some(cursor), ..self.clone() }))
            }
        }
        PageWalk::Offset {
            param,
            has_more,
            total,
        } => {
            let p = ident(&op.params[*param].name);
            let has_more = flag(has_more);
            let total = number(total);
            quote! {
                let offset = crate::runtime::next_offset(
                    self.#p.and_then(crate::runtime::to_i64),
                    #count,
                    #has_more,
                    #total,
                )?;
                Some(crate::runtime::NextPage::Params(Self { #p: Some(crate::runtime::from_i64(offset)?), ..self.clone() }))
            }
        }
        PageWalk::PageNumber {
            param,
            first,
            has_more,
            total_pages,
        } => {
            let p = ident(&op.params[*param].name);
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            let has_more = flag(has_more);
            let total = number(total_pages);
            quote! {
                let number = crate::runtime::next_page_number(
                    self.#p.and_then(crate::runtime::to_i64),
                    #first,
                    #is_empty,
                    #has_more,
                    #total,
                )?;
                Some(crate::runtime::NextPage::Params(Self { #p: Some(crate::runtime::from_i64(number)?), ..self.clone() }))
            }
        }
        PageWalk::NextUrl { next } => {
            let url = field_ref(next, quote!(page));
            quote! {
                crate::runtime::next_cursor(None, #is_empty, #url).map(crate::runtime::NextPage::Url)
            }
        }
        PageWalk::LinkHeader => quote! {
            if #is_empty {
                return None;
            }
            crate::runtime::link_next(headers).map(crate::runtime::NextPage::Url)
        },
    };
    let same_page = match &pg.walk {
        PageWalk::Offset { .. } | PageWalk::PageNumber { .. } | PageWalk::LinkHeader => {
            quote!(
                const SAME_PAGE_ENDS_WALK: bool = true;
            )
        }
        PageWalk::Cursor { .. } | PageWalk::NextUrl { .. } => quote!(),
    };
    // Only the walks that read them name the headers and the page.
    let headers_arg = match &pg.walk {
        PageWalk::LinkHeader => quote!(headers),
        _ => quote!(_headers),
    };
    quote! {
        impl crate::runtime::Paginated for #name {
            type Item = #item_ty;
            #same_page

            fn next_page(
                &self,
                page: &#page_ty,
                #headers_arg: &crate::runtime::reqwest::header::HeaderMap,
            ) -> Option<crate::runtime::NextPage<Self>> {
                #body
            }

            fn into_items(page: #page_ty) -> Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// Where an access chain is: a place that is always there, or an `Option<&T>`.
enum Access {
    Definite(TokenStream),
    Maybe(TokenStream),
}

/// `Option<T>` of a `Copy` field of the page (a flag, a count): the field itself when
/// it is a plain `Option` one step down.
fn copied(path: &FieldPath) -> TokenStream {
    let (last, before) = match path.steps.split_last() {
        Some(split) => split,
        None => return quote!(None),
    };
    if before.iter().all(|s| s.access == FieldAccess::Plain)
        && path.steps.iter().all(|s| s.variant_of.is_none())
    {
        let names = path.steps.iter().map(|s| ident(&s.rust));
        match last.access {
            FieldAccess::Plain => return quote!(Some(page #(.#names)*)),
            FieldAccess::Optional => return quote!(page #(.#names)*),
            FieldAccess::OptionalNullable => {}
        }
    }
    let r = field_ref(path, quote!(page));
    quote!(#r.copied())
}

/// `Option<&T>` of a field of `root`, whatever the presence of each step.
fn field_ref(path: &FieldPath, root: TokenStream) -> TokenStream {
    chain(&path.steps, Access::Definite(root))
}

fn chain(steps: &[FieldStep], start: Access) -> TokenStream {
    let mut at = start;
    for step in steps {
        // A field of one variant of a union: that variant's struct, or nothing.
        if let Some((union, variant)) = &step.variant_of {
            let union = ty_tokens(&Ty::Named(union.clone()), Ctx::Elsewhere);
            let variant = ident(variant);
            let pick = quote!(match u { #union::#variant(v) => Some(v), _ => None });
            at = match at {
                Access::Definite(e) => Access::Maybe(quote!({ let u = &#e; #pick })),
                Access::Maybe(e) => Access::Maybe(quote!(#e.and_then(|u| #pick))),
            };
        }
        let f = ident(&step.rust);
        at = match (at, step.access) {
            (Access::Definite(e), FieldAccess::Plain) => Access::Definite(quote!(#e.#f)),
            (Access::Definite(e), FieldAccess::Optional) => Access::Maybe(quote!(#e.#f.as_ref())),
            (Access::Definite(e), FieldAccess::OptionalNullable) => {
                Access::Maybe(quote!(#e.#f.as_ref().and_then(|n| n.as_ref().into_option())))
            }
            (Access::Maybe(e), FieldAccess::Plain) => Access::Maybe(quote!(#e.map(|v| &v.#f))),
            (Access::Maybe(e), FieldAccess::Optional) => {
                Access::Maybe(quote!(#e.and_then(|v| v.#f.as_ref())))
            }
            (Access::Maybe(e), FieldAccess::OptionalNullable) => Access::Maybe(
                quote!(#e.and_then(|v| v.#f.as_ref()).and_then(|n| n.as_ref().into_option())),
            ),
        };
    }
    match at {
        Access::Definite(e) => quote!(Some(&#e)),
        Access::Maybe(e) => e,
    }
}
