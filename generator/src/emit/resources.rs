//! The resource tree: accessor structs (`client.bridges().login_sessions()`) and the
//! method of each operation, with its documentation and compiled example. The items
//! behind each method are in `operation`.

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::{argument_decls, operation_items};
use super::{Ctx, doc_attrs, ident, ty_tokens};
use crate::ir::{Api, Example, ExampleArg, Name, Operation, Resource, Ty};

/// `(module name, chunks)` for `src/resources/<module>.rs`: `mod` for the root.
pub fn resource_files(api: &Api) -> Vec<(String, Vec<TokenStream>)> {
    let mut files = Vec::new();
    let mut root: Vec<TokenStream> = vec![{
        let module_idents = api.root.children.iter().map(|c| ident(&c.module));
        let uses = api.root.children.iter().map(|c| {
            let m = ident(&c.module);
            let t = ident(&c.type_name);
            quote!(pub use #m::#t;)
        });
        quote! {
            //! Operations, grouped by resource as in the API's documentation.
            #(pub mod #module_idents;)*
            #(#uses)*
        }
    }];
    resource_chunks(api, &api.root, &mut root);
    files.push((api.root.module.clone(), root));
    for child in &api.root.children {
        let mut chunks: Vec<TokenStream> = vec![{
            let inner_docs: Vec<String> = super::doc_lines(child.doc.as_deref().unwrap_or(""));
            quote! { #(#![doc = #inner_docs])* }
        }];
        collect_items(api, child, &mut chunks);
        files.push((child.module.clone(), chunks));
    }
    files
}

fn collect_items(api: &Api, resource: &Resource, out: &mut Vec<TokenStream>) {
    resource_chunks(api, resource, out);
    for child in &resource.children {
        collect_items(api, child, out);
    }
}

/// One chunk for a resource's accessor, one per operation.
fn resource_chunks(api: &Api, resource: &Resource, out: &mut Vec<TokenStream>) {
    use super::deprecation::{allow_deprecated, operation_touches_deprecated};
    out.push({
        let tokens = resource_accessor(api, resource);
        if resource
            .operations
            .iter()
            .any(|op| operation_touches_deprecated(api, op))
        {
            allow_deprecated(tokens)
        } else {
            tokens
        }
    });
    for op in &resource.operations {
        out.push({
            let tokens = operation_items(op);
            if operation_touches_deprecated(api, op) {
                allow_deprecated(tokens)
            } else {
                tokens
            }
        });
    }
}

/// The accessor struct of a resource (or, for the root, methods on `Client`), with
/// its operations' methods and accessors for its children.
fn resource_accessor(api: &Api, resource: &Resource) -> TokenStream {
    let is_root = resource.path.is_empty();
    let children = resource.children.iter().map(|c| {
        let method = ident(&c.accessor);
        let ty = ident(&c.type_name);
        let ty_path = if is_root {
            let m = ident(&c.module);
            quote!(#m::#ty)
        } else {
            quote!(#ty)
        };
        let doc = doc_attrs(c.doc.as_deref());
        if is_root {
            quote! { #doc pub fn #method(&self) -> #ty_path<'_> { #ty_path { client: self } } }
        } else {
            quote! { #doc pub fn #method(&self) -> #ty_path<'a> { #ty_path { client: self.client } } }
        }
    });
    let methods: Vec<TokenStream> = resource
        .operations
        .iter()
        .map(|op| operation_method(api, op, is_root))
        .collect();
    if is_root {
        quote! {
            impl crate::Client {
                #(#children)*
                #(#methods)*
            }
        }
    } else {
        let name = ident(&resource.type_name);
        let doc = doc_attrs(resource.doc.as_deref());
        quote! {
            #doc
            #[derive(Debug, Clone, Copy)]
            pub struct #name<'a> {
                pub(crate) client: &'a crate::Client,
            }

            impl<'a> #name<'a> {
                #(#children)*
                #(#methods)*
            }
        }
    }
}

/// The method on the accessor that starts a request.
fn operation_method(api: &Api, op: &Operation, is_root: bool) -> TokenStream {
    let method = ident(&op.method_name);
    let params_ty = ident(&op.params_name);
    let request_ty = ident(&op.request_name);
    let (decls, values): (Vec<TokenStream>, Vec<TokenStream>) =
        argument_decls(op).into_iter().unzip();
    let client = if is_root {
        quote!(self.runtime())
    } else {
        quote!(self.client.runtime())
    };
    let docs = method_docs(api, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let too_many = (decls.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #deprecated
        #too_many
        pub fn #method(&self, #(#decls),*) -> #request_ty {
            #request_ty::new(#client, #params_ty::new(#(#values),*))
        }
    }
}

fn method_docs(api: &Api, op: &Operation) -> TokenStream {
    let mut attrs = doc_attrs(Some(&op.doc));
    // Generated Markdown with intra-doc links: printed as it is, not escaped as prose.
    let links =
        std::iter::once(String::new()).chain(op.setters_doc.lines().map(|l| format!(" {l}")));
    attrs.extend(quote!(#(#[doc = #links])*));
    let krate = &api.crate_ident;
    let (hidden_params, call) = example_call(krate, &op.example);
    let binding = match &op.example.binding {
        Some(name) => format!("let {name}"),
        None => "let ()".to_string(),
    };
    let mut example = vec![
        "".to_string(),
        " ```no_run".to_string(),
        format!(
            " # async fn example({}) -> Result<(), {krate}::Error> {{",
            hidden_params.join(", ")
        ),
    ];
    example.extend(
        format!("{binding} = {call}.await?;")
            .lines()
            .map(|l| format!(" {l}")),
    );
    example.extend([
        " # Ok(())".to_string(),
        " # }".to_string(),
        " ```".to_string(),
    ]);
    attrs.extend(quote!(#(#[doc = #example])*));
    attrs
}

/// An example's call as Rust, without `.await`: the method with its arguments, then its
/// setters (one per line, indented, when there are any), and the parameters of the
/// example function (the client, then the values too long to write inline).
pub(crate) fn example_call(krate: &str, example: &Example) -> (Vec<String>, String) {
    let (hidden_params, args) = example_args(krate, &example.args);
    let mut call = format!("{}({})", call_chain(&example.call), args.join(", "));
    let setters: Vec<String> = example
        .setters
        .iter()
        .map(|s| format!(".{}({})", s.name.rust, arg_literal(krate, &s.value)))
        .collect();
    if !setters.is_empty() {
        call = format!("{call}\n    {}\n    ", setters.join("\n    "));
    }
    (hidden_params, call)
}

/// The example's arguments as Rust, and the parameters of the example function: the
/// client, then the values too long to write inline.
pub(crate) fn example_args(krate: &str, args: &[ExampleArg]) -> (Vec<String>, Vec<String>) {
    let mut hidden_params = vec![format!("client: {krate}::Client")];
    let mut call_args = Vec::new();
    for arg in args {
        call_args.push(match arg {
            ExampleArg::Variable { name, ty } => {
                hidden_params.push(format!("{name}: {}", example_type(krate, ty)));
                name.clone()
            }
            literal => arg_literal(krate, literal),
        });
    }
    (hidden_params, call_args)
}

/// An example value as Rust; a `Variable` is its name.
fn arg_literal(krate: &str, arg: &ExampleArg) -> String {
    match arg {
        ExampleArg::Str(s) => format!("{s:?}"),
        ExampleArg::StrList(items) => {
            let items: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(", "))
        }
        ExampleArg::Bool(b) => b.to_string(),
        ExampleArg::Int(i) => i.to_string(),
        ExampleArg::Number(n) => format!("{n:?}"),
        ExampleArg::EnumVariant { ty, variant } => format!("{krate}::models::{ty}::{variant}"),
        ExampleArg::File(path) => format!("{krate}::FilePart::path({path:?})"),
        ExampleArg::Bytes => "vec![0u8; 4]".into(),
        ExampleArg::Text(t) => format!("{t:?}"),
        ExampleArg::Variable { name, .. } => name.clone(),
    }
}

/// `client.bridges().retrieve`: every accessor called, the method named.
pub(crate) fn call_chain(call: &[Name]) -> String {
    let mut chain = String::from("client");
    for (i, part) in call.iter().enumerate() {
        chain.push('.');
        chain.push_str(part);
        if i + 1 < call.len() {
            chain.push_str("()");
        }
    }
    chain
}

fn example_type(krate: &str, ty: &Ty) -> String {
    let tokens = ty_tokens(ty, Ctx::Elsewhere).to_string();
    tokens
        .replace("crate :: ", &format!("{krate}::"))
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}
