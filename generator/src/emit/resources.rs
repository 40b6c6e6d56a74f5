//! The resource tree: accessor structs (`client.bridges().login_sessions()`), one
//! parameters type per operation (how it becomes a request, how its response is
//! read), and the setters of its optional parameters.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{arg_type, arg_type_of, is_argument};
use super::{Ctx, crate_ident, doc_attrs, field_init, ident, ty_tokens};
use crate::ir::{
    Api, Auth, BodyMedia, Field, Operation, Param, ParamLocation, ParamStyle, PathSegment,
    Presence, Resource, ResponseKind, Ty, TypeKind,
};
use crate::lower::names::bare;

/// `(module name, tokens)` for `src/resources/<module>.rs`: `mod` for the root.
/// `(module name, chunks)` for `src/resources/<module>.rs`: `mod` for the root.
pub fn resource_files(api: &Api) -> Vec<(String, Vec<super::Chunk<'_>>)> {
    let mut files = Vec::new();
    let modules: Vec<String> = api.root.children.iter().map(module_name).collect();
    let head_modules = modules.clone();
    let mut root: Vec<super::Chunk<'_>> = vec![Box::new(move || {
        let module_idents = head_modules.iter().map(|m| ident(m));
        let uses = api.root.children.iter().zip(&head_modules).map(|(c, m)| {
            let m = ident(m);
            let t = ident(&c.type_name);
            quote!(pub use #m::#t;)
        });
        quote! {
            //! Operations, grouped by resource as in the API's documentation.
            #(pub mod #module_idents;)*
            #(#uses)*
        }
    })];
    resource_chunks(api, &api.root, &mut root);
    files.push(("mod".to_string(), root));
    for (child, module) in api.root.children.iter().zip(modules) {
        let mut chunks: Vec<super::Chunk<'_>> = vec![Box::new(move || {
            let doc = child
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{}` resource.", child.path.join(".")));
            let inner_docs: Vec<String> = super::doc_lines(&doc);
            quote! { #(#![doc = #inner_docs])* }
        })];
        collect_items(api, child, &mut chunks);
        files.push((module, chunks));
    }
    files
}

fn module_name(resource: &Resource) -> String {
    // Resource names are snake_case already, and valid identifiers; a keyword is
    // spelled without `r#` in a file name, so it gets a `_` instead.
    let name = bare(resource.path.last().map_or("root", String::as_str)).to_string();
    let name = if crate::lower::names::escape_keyword(name.clone()) != name {
        format!("{name}_")
    } else {
        name
    };
    // `mod` is the root module's file.
    if name == "mod" { "mod_".into() } else { name }
}

fn collect_items<'a>(api: &'a Api, resource: &'a Resource, out: &mut Vec<super::Chunk<'a>>) {
    resource_chunks(api, resource, out);
    for child in &resource.children {
        collect_items(api, child, out);
    }
}

/// One chunk for a resource's accessor, one per operation.
fn resource_chunks<'a>(api: &'a Api, resource: &'a Resource, out: &mut Vec<super::Chunk<'a>>) {
    use super::deprecation::{allow_deprecated, operation_touches_deprecated};
    out.push(Box::new(move || {
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
    }));
    for op in &resource.operations {
        out.push(Box::new(move || {
            let tokens = operation_items(api, op);
            if operation_touches_deprecated(api, op) {
                allow_deprecated(tokens)
            } else {
                tokens
            }
        }));
    }
}

/// The accessor struct of a resource (or, for the root, methods on `Client`), with
/// its operations' methods and accessors for its children.
fn resource_accessor(api: &Api, resource: &Resource) -> TokenStream {
    let is_root = resource.path.is_empty();
    let children = resource.children.iter().map(|c| {
        let method = ident(c.path.last().map_or("", String::as_str));
        let ty = ident(&c.type_name);
        let ty_path = if is_root {
            let m = ident(&module_name(c));
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
            impl crate::runtime::Client {
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
                pub(crate) client: &'a crate::runtime::Client,
            }

            impl<'a> #name<'a> {
                #(#children)*
                #(#methods)*
            }
        }
    }
}

/// The arguments of an operation's method: path parameters, required parameters,
/// required body fields (or the whole body).
enum Arg<'o> {
    Param(&'o Param),
    BodyField(&'o Field, &'o str),
    Body(&'o Ty),
}

fn arguments(op: &Operation) -> Vec<Arg<'_>> {
    let mut args: Vec<Arg<'_>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(Arg::Param)
        .collect();
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => {
                for (f, setter) in flat.fields.iter().zip(&flat.setters) {
                    if is_argument(f) {
                        args.push(Arg::BodyField(f, setter));
                    }
                }
            }
            None if body.required => args.push(Arg::Body(&body.ty)),
            None => {}
        }
    }
    args
}

/// The argument type of a body field: files of a multipart body are `FilePart`s.
#[allow(clippy::type_complexity)]
fn body_field_arg(
    op: &Operation,
    f: &Field,
) -> (TokenStream, Box<dyn Fn(TokenStream) -> TokenStream>) {
    let multipart = op
        .body
        .as_ref()
        .is_some_and(|b| b.media == BodyMedia::Multipart);
    if multipart && f.ty == Ty::Bytes {
        (
            quote!(impl Into<crate::runtime::FilePart>),
            Box::new(|v| quote!(#v.into())),
        )
    } else {
        arg_type(f, Ctx::Elsewhere)
    }
}

/// `(name: Type, name)` for each argument of an operation's method (and of its
/// parameters' `new`).
fn argument_decls(op: &Operation) -> Vec<(TokenStream, TokenStream)> {
    arguments(op)
        .iter()
        .map(|a| {
            let (name, ty) = match a {
                Arg::Param(p) => (ident(&p.name), arg_type_of(&p.ty, Ctx::Elsewhere).0),
                Arg::BodyField(f, setter) => (ident(setter), body_field_arg(op, f).0),
                Arg::Body(_) => (ident("body"), body_arg_type(op).0),
            };
            (quote!(#name: #ty), quote!(#name))
        })
        .collect()
}

fn body_ty(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    Some(match (&body.flattened, body.media) {
        (Some(flat), _) => ty_tokens(&Ty::Named(flat.type_name.clone()), Ctx::Elsewhere),
        (None, BodyMedia::Binary) => quote!(bytes::Bytes),
        (None, BodyMedia::Text) => quote!(String),
        (None, _) => ty_tokens(&body.ty, Ctx::Elsewhere),
    })
}

fn body_arg_type(op: &Operation) -> (TokenStream, TokenStream) {
    let body = op
        .body
        .as_ref()
        .expect("only called for operations with a body");
    match body.media {
        BodyMedia::Binary => (quote!(impl Into<bytes::Bytes>), quote!(body.into())),
        BodyMedia::Text => (quote!(impl Into<String>), quote!(body.into())),
        _ => {
            let t = ty_tokens(&body.ty, Ctx::Elsewhere);
            (t, quote!(body))
        }
    }
}

fn output_ty(op: &Operation) -> TokenStream {
    match &op.response.kind {
        ResponseKind::Empty => quote!(()),
        ResponseKind::Json(ty) => ty_tokens(ty, Ctx::Elsewhere),
        ResponseKind::Text => quote!(String),
        ResponseKind::Bytes => quote!(bytes::Bytes),
        ResponseKind::ByStatus => {
            let name = op.response.by_status_name.as_deref().unwrap_or("Response");
            ty_tokens(&Ty::Named(name.to_string()), Ctx::Elsewhere)
        }
    }
}

fn param_field_ty(p: &Param) -> TokenStream {
    let ty = ty_tokens(&p.ty, Ctx::Elsewhere);
    if p.required { ty } else { quote!(Option<#ty>) }
}

/// The method on the accessor that starts a request.
fn operation_method(api: &Api, op: &Operation, is_root: bool) -> TokenStream {
    let method = ident(&op.method_name);
    let params_ty = ident(&op.params_name);
    let params_path = quote!(#params_ty);
    let (decls, values): (Vec<TokenStream>, Vec<TokenStream>) =
        argument_decls(op).into_iter().unzip();
    let client = if is_root {
        quote!(self.clone())
    } else {
        quote!(self.client.clone())
    };
    let docs = method_docs(api, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let too_many = (decls.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #deprecated
        #too_many
        pub fn #method(&self, #(#decls),*) -> crate::runtime::Request<#params_path> {
            crate::runtime::Request::new(#client, #params_path::new(#(#values),*))
        }
    }
}

fn method_docs(api: &Api, op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(s.trim_end_matches('.'));
        text.push_str(".\n\n");
    }
    if let Some(d) = &op.description
        && op.summary.as_deref().map(str::trim) != Some(d.trim())
    {
        text.push_str(d);
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", op.http_method.as_str(), op.path));
    if op.pagination.is_some() {
        text.push_str("\n\nAwait it for one page; `.stream()` walks every item of every page.");
    }
    let mut attrs = doc_attrs(Some(&text));
    // A compiled example of the call; complex arguments come in as parameters of the
    // example function so that it stays short.
    let krate = crate_ident(api);
    let mut hidden_params = vec![format!("client: {krate}::Client")];
    let mut call_args = Vec::new();
    for a in arguments(op) {
        match a {
            Arg::Param(p) => match example_value(api, &p.ty, &p.wire) {
                Some(v) => call_args.push(v),
                None => {
                    hidden_params.push(format!(
                        "{}: {}",
                        bare(&p.name),
                        example_type(&krate, &p.ty)
                    ));
                    call_args.push(bare(&p.name).to_string());
                }
            },
            Arg::BodyField(f, _)
                if f.ty == Ty::Bytes
                    && op
                        .body
                        .as_ref()
                        .is_some_and(|b| b.media == BodyMedia::Multipart) =>
            {
                call_args.push(format!("{krate}::FilePart::path(\"photo.png\")"));
            }
            Arg::BodyField(f, setter) => match example_value(api, &f.ty, &f.wire) {
                Some(v) => call_args.push(v),
                None => {
                    hidden_params.push(format!(
                        "{}: {}",
                        bare(setter),
                        example_type(&krate, &f.ty)
                    ));
                    call_args.push(bare(setter).to_string());
                }
            },
            Arg::Body(ty) => match op.body.as_ref().map(|b| b.media) {
                Some(BodyMedia::Binary) => call_args.push("vec![0u8; 4]".into()),
                Some(BodyMedia::Text) => call_args.push("\"text\"".into()),
                _ => {
                    hidden_params.push(format!("body: {}", example_type(&krate, ty)));
                    call_args.push("body".into());
                }
            },
        }
    }
    let mut chain = String::from("client");
    for part in op
        .sdk_name
        .split('.')
        .take(op.sdk_name.split('.').count() - 1)
    {
        chain.push_str(&format!(".{part}()"));
    }
    let call = format!(
        "{chain}.{}({})",
        bare(&op.method_name),
        call_args.join(", ")
    );
    let binding = match &op.response.kind {
        ResponseKind::Empty => "let ()".to_string(),
        _ => format!("let {}", result_binding(op)),
    };
    let example = [
        "".to_string(),
        " ```no_run".to_string(),
        format!(
            " # async fn example({}) -> Result<(), {krate}::Error> {{",
            hidden_params.join(", ")
        ),
        format!(" {binding} = {call}.await?;"),
        " # Ok(())".to_string(),
        " # }".to_string(),
        " ```".to_string(),
    ];
    attrs.extend(quote!(#(#[doc = #example])*));
    attrs
}

fn result_binding(op: &Operation) -> String {
    let resource = op.sdk_name.split('.').rev().nth(1).map(bare);
    if op.pagination.is_some() {
        return "page".into();
    }
    match (bare(&op.method_name), resource) {
        ("list", Some(r)) => r.to_string(),
        ("search", _) => "results".into(),
        ("retrieve" | "get", Some(r)) => r.strip_suffix('s').unwrap_or(r).to_string(),
        _ => "response".into(),
    }
}

/// A literal for an example argument, when the type has a simple one.
fn example_value(api: &Api, ty: &Ty, wire: &str) -> Option<String> {
    let krate = crate_ident(api);
    match ty {
        Ty::String | Ty::Secret => Some(format!("{:?}", example_string(wire))),
        Ty::Bool => Some("true".into()),
        Ty::Integer(_) => Some("10".into()),
        Ty::Number(_) => Some("1.0".into()),
        Ty::Named(n) => match api.types.iter().find(|t| t.name == *n).map(|t| &t.kind) {
            Some(TypeKind::Enum(e)) => e
                .variants
                .first()
                .map(|v| format!("{krate}::models::{n}::{}", bare(&v.name))),
            _ => None,
        },
        Ty::Array(inner) if **inner == Ty::String => Some(format!("[{:?}]", example_string(wire))),
        _ => None,
    }
}

fn example_string(wire: &str) -> String {
    let lower = wire.to_ascii_lowercase();
    if lower.ends_with("ids") {
        format!("{}-1", &wire[..wire.len() - 3])
    } else if lower.ends_with("id") {
        format!("{}-1", &wire[..wire.len() - 2])
    } else {
        wire.to_string()
    }
    .trim_start_matches('-')
    .to_string()
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

/// The parameters type, its `Operation` impl, setters, and pagination.
fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.params_name);
    let doc = format!(
        " Parameters of `{}` (`{} {}`).",
        op.sdk_name,
        op.http_method.as_str(),
        op.path
    );
    let mut fields = Vec::new();
    for p in &op.params {
        let n = ident(&p.name);
        let ty = param_field_ty(p);
        let docs = doc_attrs(p.doc.as_deref());
        fields.push(quote! { #docs pub #n: #ty, });
    }
    if let Some(body) = &op.body {
        let ty = body_ty(op).unwrap_or_default();
        let ty = if body.flattened.is_none() && !body.required {
            quote!(Option<#ty>)
        } else {
            ty
        };
        let docs = doc_attrs(Some(body.doc.as_deref().unwrap_or("The request body.")));
        fields.push(quote! { #docs pub body: #ty, });
    }

    // `new`: the method's arguments.
    let args = arguments(op);
    let decls = argument_decls(op).into_iter().map(|(decl, _)| decl);
    let mut inits = Vec::new();
    for p in &op.params {
        let n = ident(&p.name);
        if p.required {
            let (_, convert) = arg_type_of(&p.ty, Ctx::Elsewhere);
            let v = convert(quote!(#n));
            inits.push(field_init(&n, v));
        } else {
            inits.push(quote!(#n: None));
        }
    }
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => {
                let ty = ty_tokens(&Ty::Named(flat.type_name.clone()), Ctx::Elsewhere);
                let values = flat
                    .fields
                    .iter()
                    .zip(&flat.setters)
                    .filter(|(f, _)| is_argument(f))
                    .map(|(_, s)| {
                        let s = ident(s);
                        quote!(#s)
                    });
                inits.push(quote!(body: #ty::new(#(#values),*)));
            }
            None if body.required => {
                let (_, convert) = body_arg_type(op);
                inits.push(field_init(&ident("body"), convert));
            }
            None => inits.push(quote!(body: None)),
        }
    }
    let too_many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let default_impl = args.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self { Self::new() }
            }
        }
    });
    let new_fn = quote! {
        /// Parameters with the required values; the optional ones are unset.
        #too_many
        pub fn new(#(#decls),*) -> Self {
            Self { #(#inits),* }
        }
    };

    let operation_impl = operation_impl(op);
    let setters = setters(op);
    let pagination = pagination_impl(api, op);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_fn
        }

        #default_impl
        #operation_impl
        #setters
        #pagination
    }
}

fn operation_impl(op: &Operation) -> TokenStream {
    let name = ident(&op.params_name);
    let output = output_ty(op);
    let sdk_name = &op.sdk_name;
    let method = ident(op.http_method.as_str());

    // The path, one literal or parameter at a time.
    let mut path_stmts = Vec::new();
    let mut first = true;
    for seg in &op.path_segments {
        match seg {
            PathSegment::Literal(text) if first => {
                path_stmts.push(quote!(let mut path = String::from(#text);))
            }
            PathSegment::Literal(text) => path_stmts.push(quote!(path.push_str(#text);)),
            PathSegment::Param(i) => {
                if first {
                    path_stmts.push(quote!(let mut path = String::new();));
                }
                let p = &op.params[*i];
                let n = ident(&p.name);
                let wire = &p.wire;
                path_stmts
                    .push(quote!(crate::runtime::push_path_param(&mut path, #wire, &self.#n)?;));
            }
        }
        first = false;
    }
    if first {
        path_stmts.push(quote!(let path = String::from("/");));
    }
    let path_is_mut = op.path_segments.len() > 1
        || matches!(op.path_segments.first(), Some(PathSegment::Param(_)));
    if !path_is_mut && let Some(PathSegment::Literal(text)) = op.path_segments.first() {
        path_stmts = vec![quote!(let path = String::from(#text);)];
    }

    let queries: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let n = ident(&p.name);
            let wire = &p.wire;
            let style = match p.style {
                ParamStyle::FormExploded | ParamStyle::Simple => quote!(FormExploded),
                ParamStyle::FormCompact => quote!(FormCompact),
                ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                ParamStyle::PipeDelimited => quote!(PipeDelimited),
                ParamStyle::DeepObject => quote!(DeepObject),
            };
            quote!(query.push(#wire, &self.#n, crate::runtime::QueryStyle::#style)?;)
        })
        .collect();
    let query = if queries.is_empty() {
        quote!()
    } else {
        quote! {
            let mut query = crate::runtime::Query::new();
            #(#queries)*
            let parts = parts.query(query);
        }
    };
    let headers = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .map(|p| {
            let n = ident(&p.name);
            let wire = p.wire.to_ascii_lowercase();
            if p.location == ParamLocation::Header {
                quote!(let parts = parts.header(#wire, &self.#n)?;)
            } else {
                let wire = &p.wire;
                quote!(let parts = parts.cookie(#wire, &self.#n)?;)
            }
        });
    let body = op.body.as_ref().map(|b| {
        let content_type = &b.content_type;
        let value = if b.flattened.is_none() && !b.required {
            quote!(body)
        } else {
            quote!(&self.body)
        };
        let stmt = match b.media {
            BodyMedia::Json => quote!(parts.json(#value, #content_type)?),
            BodyMedia::FormUrlEncoded => quote!(parts.form(#value)?),
            BodyMedia::Multipart => quote!(parts.multipart(self.body.to_multipart()?)),
            BodyMedia::Binary | BodyMedia::Text => {
                let owned = if b.flattened.is_none() && !b.required {
                    quote!(body.clone())
                } else {
                    quote!(self.body.clone())
                };
                quote!(parts.raw(bytes::Bytes::from(#owned), #content_type))
            }
        };
        if b.flattened.is_none() && !b.required {
            quote! {
                let parts = match &self.body {
                    Some(body) => #stmt,
                    None => parts,
                };
            }
        } else {
            quote!(let parts = #stmt;)
        }
    });
    let accept = match &op.response.kind {
        ResponseKind::Empty => Some("*/*"),
        ResponseKind::Text => Some("text/plain, */*"),
        ResponseKind::Bytes => Some("application/octet-stream, */*"),
        ResponseKind::ByStatus => Some("application/json, */*"),
        ResponseKind::Json(_) => None,
    }
    .map(|a| quote!(let parts = parts.accept(#a);));
    let auth = match &op.auth {
        Auth::None => quote!(),
        Auth::Schemes { names, optional } => {
            quote!(let parts = parts.auth(&[#(#names),*], #optional);)
        }
    };
    let idempotent = (op.idempotent && !op.http_method.is_safe())
        .then(|| quote!(let parts = parts.idempotent(true);));
    let decode = match &op.response.kind {
        ResponseKind::Empty => quote!(response.empty()),
        ResponseKind::Json(_) => quote!(response.json()),
        ResponseKind::Text => quote!(response.text()),
        ResponseKind::Bytes => quote!(response.bytes()),
        ResponseKind::ByStatus => {
            let enum_ty = output_ty(op);
            let read = |s: &crate::ir::StatusResponse| {
                let v = ident(&s.variant);
                match &s.kind {
                    ResponseKind::Json(ty) => {
                        let ty = ty_tokens(ty, Ctx::Elsewhere);
                        quote!(Ok(response.json::<#ty>()?.map(#enum_ty::#v)))
                    }
                    ResponseKind::Text => quote!(Ok(response.text()?.map(#enum_ty::#v))),
                    ResponseKind::Bytes => quote!(Ok(response.bytes()?.map(#enum_ty::#v))),
                    _ => quote!(Ok(response.empty()?.map(|()| #enum_ty::#v))),
                }
            };
            let arms = op.response.statuses.iter().filter_map(|s| {
                let code = s.status?;
                let r = read(s);
                Some(quote!(#code => #r,))
            });
            // A range (2XX) takes every other status; else the first one does.
            let fallback = op
                .response
                .statuses
                .iter()
                .find(|s| s.status.is_none())
                .or(op.response.statuses.first())
                .map(read);
            quote! {
                match response.status().as_u16() {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
    };
    quote! {
        impl crate::runtime::Operation for #name {
            type Output = #output;

            fn build(&self) -> Result<crate::runtime::RequestParts, crate::runtime::Error> {
                #(#path_stmts)*
                let parts = crate::runtime::RequestParts::new(#sdk_name, crate::runtime::Method::#method, path);
                #query
                #(#headers)*
                #body
                #accept
                #auth
                #idempotent
                Ok(parts)
            }

            fn decode(response: crate::runtime::RawResponse) -> Result<crate::runtime::ApiResponse<Self::Output>, crate::runtime::Error> {
                #decode
            }
        }
    }
}

/// Setters for optional parameters and optional body fields, on the request itself:
/// `client.accounts().contacts().list(id).limit(10).await`.
fn setters(op: &Operation) -> TokenStream {
    let name = ident(&op.params_name);
    let mut methods = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let n = ident(&p.name);
        let (ty, convert) = arg_type_of(&p.ty, Ctx::Elsewhere);
        let v = convert(quote!(value));
        let docs = doc_attrs(p.doc.as_deref());
        let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
        methods.push(quote! {
            #docs
            #deprecated
            pub fn #n(mut self, value: #ty) -> Self {
                self.params.#n = Some(#v);
                self
            }
        });
    }
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => {
                for (f, setter) in flat.fields.iter().zip(&flat.setters) {
                    if is_argument(f)
                        || f.read_only
                        || f.constant.is_some() && matches!(f.presence, Presence::Required)
                    {
                        continue;
                    }
                    let fname = ident(&f.name);
                    let s = ident(setter);
                    let docs = doc_attrs(f.doc.as_deref());
                    let (ty, convert) = body_field_arg(op, f);
                    let v = convert(quote!(value));
                    let boxed = if f.boxed { quote!(Box::new(#v)) } else { v };
                    // Multipart bodies are plain structs: every optional field is an Option.
                    let multipart = body.media == BodyMedia::Multipart;
                    let assign = match f.presence {
                        Presence::Required => boxed,
                        _ if multipart => quote!(Some(#boxed)),
                        Presence::OptionalNullable => {
                            quote!(Some(crate::runtime::Nullable::Value(#boxed)))
                        }
                        Presence::Defaulted(_) => boxed,
                        Presence::Optional | Presence::RequiredNullable => quote!(Some(#boxed)),
                    };
                    methods.push(quote! {
                        #docs
                        pub fn #s(mut self, value: #ty) -> Self {
                            self.params.body.#fname = #assign;
                            self
                        }
                    });
                    if !multipart
                        && (f.presence == Presence::OptionalNullable
                            || f.presence == Presence::RequiredNullable)
                    {
                        let clear = ident(&format!("clear_{}", bare(setter)));
                        let doc = format!(" Sends `{}` as `null`.", f.wire);
                        let value = if f.presence == Presence::OptionalNullable {
                            quote!(Some(crate::runtime::Nullable::Null))
                        } else {
                            quote!(None)
                        };
                        methods.push(quote! {
                            #[doc = #doc]
                            pub fn #clear(mut self) -> Self {
                                self.params.body.#fname = #value;
                                self
                            }
                        });
                    }
                }
            }
            None if !body.required => {
                let (ty, convert) = body_arg_type(op);
                methods.push(quote! {
                    /// The request body.
                    pub fn body(mut self, body: #ty) -> Self {
                        self.params.body = Some(#convert);
                        self
                    }
                });
            }
            None => {}
        }
    }
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        impl crate::runtime::Request<#name> {
            #(#methods)*
        }
    }
}

fn pagination_impl(api: &Api, op: &Operation) -> TokenStream {
    let Some(pg) = &op.pagination else {
        return quote!();
    };
    let ResponseKind::Json(Ty::Named(page_name)) = &op.response.kind else {
        return quote!();
    };
    let Some(TypeKind::Struct(page)) = api
        .types
        .iter()
        .find(|t| t.name == *page_name)
        .map(|t| &t.kind)
    else {
        return quote!();
    };
    let name = ident(&op.params_name);
    let page_ty = ty_tokens(&Ty::Named(page_name.clone()), Ctx::Elsewhere);
    let item_ty = ty_tokens(&pg.item_ty, Ctx::Elsewhere);
    let field = |rust: &str| page.fields.iter().find(|f| f.name == rust);
    let items = ident(&pg.items_field);
    let cursor_param = ident(&op.params[pg.cursor_param].name);

    // `Option<&String>` of a cursor field, whatever its presence.
    let cursor_of = |rust: &str| -> TokenStream {
        let f = ident(rust);
        match field(rust).map(|f| &f.presence) {
            Some(Presence::Required) | Some(Presence::Defaulted(_)) => quote!(Some(&page.#f)),
            Some(Presence::OptionalNullable) => quote!(page.#f.as_ref().and_then(|c| match c {
                crate::runtime::Nullable::Value(c) => Some(c),
                crate::runtime::Nullable::Null => None,
            })),
            _ => quote!(page.#f.as_ref()),
        }
    };
    let has_more = match pg.has_more_field.as_deref() {
        Some(h) => {
            let f = ident(h);
            match field(h).map(|f| &f.presence) {
                Some(Presence::Required) | Some(Presence::Defaulted(_)) => quote!(Some(page.#f)),
                _ => quote!(page.#f),
            }
        }
        None => quote!(None),
    };
    let default_cursor = cursor_of(&pg.next_cursor_field);
    let cursor_expr = match &pg.direction {
        Some((index, by)) if !by.is_empty() => {
            let p = &op.params[*index];
            let d = ident(&p.name);
            let as_str = match (&p.ty, p.required) {
                (Ty::String, false) => quote!(self.#d.as_deref()),
                (Ty::String, true) => quote!(Some(self.#d.as_str())),
                (_, false) => quote!(self.#d.as_ref().map(|d| d.as_str())),
                (_, true) => quote!(Some(self.#d.as_str())),
            };
            let arms = by.iter().map(|(value, rust)| {
                let c = cursor_of(rust);
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
        impl crate::runtime::Paginated for #name {
            type Item = #item_ty;

            fn next_page(&self, page: &#page_ty) -> Option<Self> {
                let cursor = crate::runtime::next_cursor(#has_more, page.#items.is_empty(), #cursor_expr)?;
                Some(Self { #cursor_param: Some(cursor), ..self.clone() })
            }

            fn into_items(page: #page_ty) -> Vec<Self::Item> {
                page.#items
            }
        }
    }
}
