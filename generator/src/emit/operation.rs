//! One operation's items: its parameters type (what `new` takes, the fields), how it
//! becomes a request (`Operation::build`), how its response is read
//! (`Operation::decode`), the setters of its optional parts, and its pagination.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{arg_type_of, assign};
use super::{Ctx, doc_attrs, field_init, ident, ty_tokens};
use crate::ir::{
    Auth, BodyMedia, ClearSetter, Field, Name, Operation, Param, ParamLocation, ParamStyle,
    PathSegment, Presence, ResponseKind, SetterRole, Ty, ValueShape,
};

/// The arguments of an operation's method: path parameters, required parameters,
/// required body fields (or the whole body).
enum Arg<'o> {
    Param(&'o Param),
    BodyField(&'o Field, &'o Name),
    Body,
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
                    if setter.role == SetterRole::Argument {
                        args.push(Arg::BodyField(f, &setter.name));
                    }
                }
            }
            None if body.required => args.push(Arg::Body),
            None => {}
        }
    }
    args
}

/// `(name: Type, name)` for each argument of an operation's method (and of its
/// parameters' `new`).
pub(super) fn argument_decls(op: &Operation) -> Vec<(TokenStream, TokenStream)> {
    arguments(op)
        .iter()
        .map(|a| {
            let (name, ty) = match a {
                Arg::Param(p) => (ident(&p.name), arg_type_of(&p.ty, Ctx::Elsewhere).0),
                Arg::BodyField(f, setter) => (ident(setter), arg_type_of(&f.ty, Ctx::Elsewhere).0),
                Arg::Body => (ident("body"), body_arg_type(op).0),
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

/// The parameters type, its `Operation` impl, setters, and pagination.
pub(super) fn operation_items(op: &Operation) -> TokenStream {
    let name = ident(&op.params_name);
    let doc = format!(" {}", op.params_doc);
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
        let docs = doc_attrs(body.doc.as_deref());
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
                    .filter(|(_, s)| s.role == SetterRole::Argument)
                    .map(|(_, s)| {
                        let s = ident(&s.name);
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
    let request = request_type(op);
    let setters = setters(op);
    let pagination = super::pagination::pagination_impl(op);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_fn
        }

        #default_impl
        #operation_impl
        // The operation's own setters come first on the request type's page, before
        // the per-request options every request has.
        #setters
        #request
        #pagination
    }
}

fn operation_impl(op: &Operation) -> TokenStream {
    let name = ident(&op.params_name);
    let output = output_ty(op);
    let sdk_name = &op.sdk_name;
    let method = ident(op.http_method.as_str());
    let path = path_statements(op);
    let query = query_statements(op);
    let headers = header_statements(op);
    let body = body_statement(op);
    let accept = accept_statement(op);
    let auth = match &op.auth {
        Auth::None => quote!(),
        auth => {
            let (alternatives, optional) = auth_tokens(auth);
            quote!(let parts = parts.auth(#alternatives, #optional);)
        }
    };
    let idempotent = (op.idempotent && !op.http_method.is_safe())
        .then(|| quote!(let parts = parts.idempotent(true);));
    let server = op.server.as_ref().map(|s| {
        let url = &s.url;
        if s.relative {
            quote!(let parts = parts.relative_server(#url);)
        } else {
            quote!(let parts = parts.server(#url);)
        }
    });
    let decode = decode_expr(op);
    let secrets = &op.secret_fields;
    // Every operation says which of its wire names are secret, none included: without
    // it, the runtime would hide the API's whole list from its errors' excerpts.
    let secrets = quote!(let parts = parts.secret_fields(&[#(#secrets),*]););
    quote! {
        impl crate::runtime::Operation for #name {
            type Output = #output;

            fn build(&self) -> Result<crate::runtime::RequestParts, crate::runtime::Error> {
                #(#path)*
                let parts = crate::runtime::RequestParts::new(#sdk_name, crate::runtime::reqwest::Method::#method, path);
                #query
                #(#headers)*
                #body
                #accept
                #auth
                #server
                #idempotent
                #secrets
                Ok(parts)
            }

            fn decode(response: crate::runtime::RawResponse) -> Result<crate::runtime::ApiResponse<Self::Output>, crate::runtime::Error> {
                #decode
            }
        }
    }
}

/// The path, one literal or parameter at a time; a path of one literal is not `mut`.
fn path_statements(op: &Operation) -> Vec<TokenStream> {
    if let [PathSegment::Literal(text)] = op.path_segments.as_slice() {
        return vec![quote!(let path = String::from(#text);)];
    }
    if op.path_segments.is_empty() {
        return vec![quote!(let path = String::from("/");)];
    }
    let mut stmts = Vec::new();
    for (i, seg) in op.path_segments.iter().enumerate() {
        match seg {
            PathSegment::Literal(text) if i == 0 => {
                stmts.push(quote!(let mut path = String::from(#text);))
            }
            PathSegment::Literal(text) => stmts.push(quote!(path.push_str(#text);)),
            PathSegment::Param(index) => {
                if i == 0 {
                    stmts.push(quote!(let mut path = String::new();));
                }
                let p = &op.params[*index];
                let n = ident(&p.name);
                let wire = &p.wire;
                stmts.push(quote!(crate::runtime::push_path_param(&mut path, #wire, &self.#n)?;));
            }
        }
    }
    stmts
}

fn query_statements(op: &Operation) -> TokenStream {
    let queries: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let n = ident(&p.name);
            let wire = &p.wire;
            let Some(encoding) = &p.query else {
                return quote!();
            };
            let style = match encoding.style {
                ParamStyle::FormExploded => quote!(FormExploded),
                ParamStyle::FormCompact => quote!(FormCompact),
                ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                ParamStyle::PipeDelimited => quote!(PipeDelimited),
                ParamStyle::DeepObject => quote!(DeepObject),
            };
            let style = quote!(crate::runtime::QueryStyle::#style);
            match encoding.shape {
                ValueShape::Scalar => quote!(query.push_scalar(#wire, &self.#n)?;),
                ValueShape::List => quote!(query.push_list(#wire, &self.#n, #style)?;),
                ValueShape::Object => quote!(query.push_object(#wire, &self.#n, #style)?;),
                ValueShape::Any => quote!(query.push(#wire, &self.#n, #style)?;),
            }
        })
        .collect();
    if queries.is_empty() {
        return quote!();
    }
    quote! {
        let mut query = crate::runtime::Query::new();
        #(#queries)*
        let parts = parts.query(query);
    }
}

fn header_statements(op: &Operation) -> Vec<TokenStream> {
    op.params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .map(|p| {
            let n = ident(&p.name);
            if p.location == ParamLocation::Header {
                let wire = p.wire.to_ascii_lowercase();
                let default = p
                    .default
                    .as_ref()
                    .map(|value| quote!(let parts = parts.header_default(#wire, #value);));
                quote! {
                    let parts = parts.header(#wire, &self.#n)?;
                    #default
                }
            } else {
                let wire = &p.wire;
                quote!(let parts = parts.cookie(#wire, &self.#n)?;)
            }
        })
        .collect()
}

/// The body, encoded by its media type; an optional whole body only when set.
fn body_statement(op: &Operation) -> Option<TokenStream> {
    let b = op.body.as_ref()?;
    let content_type = &b.content_type;
    let optional_whole = b.flattened.is_none() && !b.required;
    let value = if optional_whole {
        quote!(body)
    } else {
        quote!(&self.body)
    };
    let stmt = match b.media {
        BodyMedia::Json => quote!(parts.json(#value, #content_type)?),
        BodyMedia::FormUrlEncoded => quote!(parts.form(#value)?),
        BodyMedia::Multipart => quote!(parts.multipart(self.body.to_multipart()?)),
        BodyMedia::Binary | BodyMedia::Text => {
            let owned = if optional_whole {
                quote!(body.clone())
            } else {
                quote!(self.body.clone())
            };
            quote!(parts.raw(bytes::Bytes::from(#owned), #content_type))
        }
    };
    Some(if optional_whole {
        quote! {
            let parts = match &self.body {
                Some(body) => #stmt,
                None => parts,
            };
        }
    } else {
        quote!(let parts = #stmt;)
    })
}

fn accept_statement(op: &Operation) -> Option<TokenStream> {
    let accept = match &op.response.kind {
        ResponseKind::Empty => "*/*",
        ResponseKind::Text => "text/plain, */*",
        ResponseKind::Bytes => "application/octet-stream, */*",
        ResponseKind::ByStatus => "application/json, */*",
        ResponseKind::Json(_) => return None,
    };
    Some(quote!(let parts = parts.accept(#accept);))
}

/// How the response is read: by its kind, or by status into the response enum.
fn decode_expr(op: &Operation) -> TokenStream {
    match &op.response.kind {
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
    }
}

/// The operation's request type, through the runtime's `operation_request!`: with
/// the page walks of a paginated operation, or body streaming for bytes.
fn request_type(op: &Operation) -> TokenStream {
    let name = ident(&op.request_name);
    let params = ident(&op.params_name);
    let doc = format!(" {}", op.request_doc);
    let kind = if op.pagination.is_some() {
        quote!(paginated)
    } else if op.response.kind == ResponseKind::Bytes {
        quote!(streaming)
    } else {
        quote!()
    };
    quote! {
        crate::runtime::operation_request! {
            #[doc = #doc]
            pub struct #name(#params);
            #kind
        }
    }
}

/// Setters for optional parameters and optional body fields, on the request itself:
/// `client.accounts().contacts().list(id).limit(10).await`.
fn setters(op: &Operation) -> TokenStream {
    let name = ident(&op.request_name);
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
                self.params_mut().#n = Some(#v);
                self
            }
        });
    }
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(flat) => {
                for (f, setter) in flat.fields.iter().zip(&flat.setters) {
                    let SetterRole::Setter { clear } = &setter.role else {
                        continue;
                    };
                    methods.extend(body_field_setters(f, &setter.name, clear.as_ref()));
                }
            }
            None if !body.required => {
                let (ty, convert) = body_arg_type(op);
                methods.push(quote! {
                    /// The request body.
                    pub fn body(mut self, body: #ty) -> Self {
                        self.params_mut().body = Some(#convert);
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
        impl #name {
            #(#methods)*
        }
    }
}

/// The setter of an optional body field, and its `clear_` when it has one.
fn body_field_setters(f: &Field, setter: &Name, clear: Option<&ClearSetter>) -> Vec<TokenStream> {
    let fname = ident(&f.name);
    let s = ident(setter);
    let docs = doc_attrs(f.doc.as_deref());
    let (ty, convert) = arg_type_of(&f.ty, Ctx::Elsewhere);
    let v = convert(quote!(value));
    let boxed = if f.boxed { quote!(Box::new(#v)) } else { v };
    let assign = assign(&f.presence, boxed);
    let mut out = vec![quote! {
        #docs
        pub fn #s(mut self, value: #ty) -> Self {
            self.params_mut().body.#fname = #assign;
            self
        }
    }];
    if let Some(clear) = clear {
        let doc = doc_attrs(Some(&clear.doc));
        let clear = ident(&clear.name);
        let value = if f.presence == Presence::OptionalNullable {
            quote!(Some(crate::runtime::Nullable::Null))
        } else {
            quote!(None)
        };
        out.push(quote! {
            #doc
            pub fn #clear(mut self) -> Self {
                self.params_mut().body.#fname = #value;
                self
            }
        });
    }
    out
}

/// `&[&["a", "b"], &["c"]]` and the optional flag, for `RequestParts::auth`.
pub(super) fn auth_tokens(auth: &Auth) -> (TokenStream, bool) {
    match auth {
        Auth::None => (quote!(&[]), false),
        Auth::Schemes {
            alternatives,
            optional,
        } => {
            let alternatives = alternatives.iter().map(|a| quote!(&[#(#a),*]));
            (quote!(&[#(#alternatives),*]), *optional)
        }
    }
}
