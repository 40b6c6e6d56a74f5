//! The crate's root module.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, ApiKeyLocation, SecuritySchemeKind};

pub fn lib_rs(api: &Api) -> TokenStream {
    let title = &api.title;
    // The crate README (see `readme`) is the front page, so that its examples are
    // compiled as doctests; the list of webhooks links to the models, so it stays here.
    let docs = super::webhooks::webhook_doc_lines(api);
    let base_env = &api.env.base_url;
    let title_lit = title.as_str();
    let user_agent = format!("{}/{} (rust)", api.crate_name, api.package.version);
    let api_version = api.version.as_str();
    let api_version_doc = format!(
        " The version of {}'s spec this crate was generated from. The crate's own version (`{}`) follows semver of its Rust API instead.",
        api.title_phrase, api.package.version
    );
    let default_base = match &api.default_base_url {
        Some(u) => quote!(Some(#u)),
        None => quote!(None),
    };
    let schemes = api.security_schemes.iter().map(|s| {
        let name = &s.name;
        let kind = match &s.kind {
            SecuritySchemeKind::Bearer => quote!(crate::runtime::SchemeKind::Bearer),
            SecuritySchemeKind::Basic => quote!(crate::runtime::SchemeKind::Basic),
            SecuritySchemeKind::ApiKey { location, name } => match location {
                ApiKeyLocation::Header => quote!(crate::runtime::SchemeKind::ApiKeyHeader(#name)),
                ApiKeyLocation::Query => quote!(crate::runtime::SchemeKind::ApiKeyQuery(#name)),
                ApiKeyLocation::Cookie => quote!(crate::runtime::SchemeKind::ApiKeyCookie(#name)),
            },
        };
        let env = &s.env;
        let setter = s.setter.rust.as_str();
        quote!(crate::runtime::SecuritySchemeInfo::new(#name, #kind, &[#(#env),*], #setter))
    });
    let alternatives = api.security_alternatives.iter().map(|a| quote!(&[#(#a),*]));
    let credentials_required = api.credentials_required;
    let secret_fields = &api.secret_fields;
    let setters = scheme_setters(api);
    let absolute: Vec<&str> = api
        .servers
        .iter()
        .filter(|s| !s.relative)
        .map(|s| s.url.as_str())
        .collect();
    let with_servers = (!absolute.is_empty()).then(|| quote!(.with_servers(&[#(#absolute),*])));
    let server_url = server_url_setter(&api.crate_ident, &absolute);
    let events = super::events::lib_items(api);
    quote! {
        #![doc = include_str!("../README.md")]
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub mod models;
        pub mod resources;

        /// The runtime this crate's operations go through (`sdk-runtime`): its errors,
        /// hooks, secrets, file parts and the escape hatch's request.
        pub use sdk_runtime as runtime;

        #[doc(inline)]
        pub use runtime::{
            ApiResponse, ByteStream, Error, ErrorBody, ErrorKind, FilePart, Items, Nullable, Pages, Request, RequestOptions, StatusError,
        };
        #events

        /// The HTTP client this crate uses, re-exported so that a client passed to
        /// [`ClientBuilder::http_client`] is of the same version.
        pub use runtime::reqwest;

        #[doc = #api_version_doc]
        pub const API_VERSION: &str = #api_version;

        /// What the runtime needs to know about this API.
        static API: runtime::ApiInfo = runtime::ApiInfo::new(
            #title_lit,
            #user_agent,
            #default_base,
            #base_env,
            &[#(#schemes),*],
            &[#(#alternatives),*],
            #credentials_required,
        )
        .with_secret_fields(&[#(#secret_fields),*])#with_servers;

        runtime::sdk_client!(API);
        #setters
        #server_url
    }
}

/// What `Client::from_env` reads, as Markdown lines of the crate README (which is also
/// the crate docs, so no intra-doc links: crates.io shows the same text).
pub(super) fn env_doc_lines(api: &Api) -> Vec<String> {
    let base_env = &api.env.base_url;
    let default_base = match &api.default_base_url {
        Some(url) => format!(" (default `{url}`)"),
        None => String::new(),
    };
    if let Some(t) = &api.env.access_token {
        return vec![
            format!(
                "`Client::from_env()` reads the access token from `{t}` and the server's URL from `{base_env}`{default_base}.",
            ),
            String::new(),
            without_credentials(api, &format!("`{t}`")),
        ];
    }
    if api.security_schemes.is_empty() {
        return vec![format!(
            "`Client::from_env()` reads the server's URL from `{base_env}`{default_base}."
        )];
    }
    let mut docs = vec![
        format!(
            "`Client::from_env()` reads the server's URL from `{base_env}`{default_base} and the credential of each security scheme from its own variable:"
        ),
        String::new(),
    ];
    for s in &api.security_schemes {
        let what = match &s.kind {
            SecuritySchemeKind::Bearer => "a bearer token".to_string(),
            SecuritySchemeKind::Basic => {
                "HTTP basic authentication (user name, password)".to_string()
            }
            SecuritySchemeKind::ApiKey { location, name } => {
                let place = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                };
                format!("an API key in the `{name}` {place}")
            }
        };
        let vars: Vec<String> = s.env.iter().map(|v| format!("`{v}`")).collect();
        docs.push(format!(
            "- {}: `{}`, {what}; or `ClientBuilder::{}`.",
            vars.join(" and "),
            s.name,
            s.setter.rust
        ));
    }
    docs.push(String::new());
    docs.push(format!(
        "An operation sends every credential of one of the security requirements the spec gives it: the first whose credentials are all configured. {}",
        without_credentials(api, "the variables")
    ));
    docs
}

/// What `Client::from_env` does when the environment sets no credential: fail at once
/// when every operation needs one, else build a client for the operations that need
/// none (`variables` names what the error names).
fn without_credentials(api: &Api, variables: &str) -> String {
    if api.credentials_required {
        return format!(
            "Without credentials `Client::from_env()` fails with `ErrorKind::MissingCredentials`, naming {variables}: every operation needs them."
        );
    }
    let mut public = Vec::new();
    collect_public(&api.root, &mut Vec::new(), &mut public);
    let shown: Vec<String> = public.iter().take(3).map(|c| format!("`{c}`")).collect();
    let more = if public.len() > shown.len() {
        ", ..."
    } else {
        ""
    };
    format!(
        "`Client::from_env()` succeeds without credentials, because {} operation{} need{} \
         none ({}{more}): a program can call {} before it has any. Each operation that needs \
         credentials then fails with `ErrorKind::MissingCredentials`, naming {variables}, \
         before anything is sent.",
        public.len(),
        if public.len() == 1 { "" } else { "s" },
        if public.len() == 1 { "s" } else { "" },
        shown.join(", "),
        if public.len() == 1 { "it" } else { "them" },
    )
}

/// `client.info().retrieve()` for every operation that sends no credentials, or may.
fn collect_public(resource: &crate::ir::Resource, chain: &mut Vec<String>, out: &mut Vec<String>) {
    for op in &resource.operations {
        let public = match &op.auth {
            crate::ir::Auth::None => true,
            crate::ir::Auth::Schemes { optional, .. } => *optional,
        };
        if public {
            let mut call = String::from("client");
            for accessor in chain.iter() {
                call.push_str(&format!(".{accessor}()"));
            }
            let args = if super::operation::argument_decls(op).is_empty() {
                "()"
            } else {
                "(..)"
            };
            call.push_str(&format!(".{}{args}", op.method_name.bare));
            out.push(call);
        }
    }
    for child in &resource.children {
        chain.push(child.accessor.bare.clone());
        collect_public(child, chain, out);
        chain.pop();
    }
}

/// `ClientBuilder::server_url`, for an API whose operations have servers of their own.
fn server_url_setter(krate: &str, servers: &[&str]) -> TokenStream {
    let Some(example) = servers.first() else {
        return quote!();
    };
    let list: Vec<String> = servers.iter().map(|s| format!("`{s}`")).collect();
    let docs = [
        format!(
            " Sends the operations the spec puts on `server` (its URL as the spec gives it: {}) to `url` instead.",
            list.join(", ")
        ),
        String::new(),
        " While the base URL is the spec's own server, each such operation goes to its server; a"
            .to_string(),
        " client pointed at another base URL (a mock server, a proxy) sends them there too, unless"
            .to_string(),
        " a server is mapped here. `url` is checked like a base URL; a `server` the spec does not"
            .to_string(),
        " name fails [`build`](Self::build) with `ErrorKind::Config`.".to_string(),
        String::new(),
        " ```no_run".to_string(),
        " # fn example(mock: &str) -> Result<(), Box<dyn std::error::Error>> {".to_string(),
        format!(" let client = {krate}::Client::builder()"),
        "     .base_url(mock)".to_string(),
        format!("     .server_url({example:?}, {example:?}) // keep these on their own server"),
        "     .build()?;".to_string(),
        " # let _ = client;".to_string(),
        " # Ok(())".to_string(),
        " # }".to_string(),
        " ```".to_string(),
    ];
    quote! {
        /// The servers the spec gives operations of their own.
        impl ClientBuilder {
            #(#[doc = #docs])*
            pub fn server_url(self, server: impl Into<String>, url: impl Into<String>) -> ClientBuilder {
                ClientBuilder::from(self.into_runtime().server_url(server, url))
            }
        }
    }
}

/// One `ClientBuilder` method per security scheme, named after it.
fn scheme_setters(api: &Api) -> TokenStream {
    let methods = api.security_schemes.iter().map(|s| {
        let method = super::ident(&s.setter.rust);
        let name = &s.name;
        let mut docs = vec![match &s.kind {
            SecuritySchemeKind::Basic => format!(" User name and password of the `{name}` scheme (HTTP basic authentication)."),
            SecuritySchemeKind::Bearer => format!(" The bearer token of the `{name}` scheme."),
            SecuritySchemeKind::ApiKey { location, name: key } => format!(
                " The API key of the `{name}` scheme, sent in the `{key}` {}.",
                match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                }
            ),
        }];
        if let Some(d) = &s.description {
            docs.push(String::new());
            docs.extend(super::doc_lines(d));
        }
        docs.push(String::new());
        let vars: Vec<String> = s.env.iter().map(|v| format!("`{v}`")).collect();
        docs.push(format!(" [`Client::from_env`](crate::Client::from_env) reads it from {}.", vars.join(" and ")));
        match &s.kind {
            SecuritySchemeKind::Basic => quote! {
                #(#[doc = #docs])*
                pub fn #method(self, user: impl Into<String>, password: impl Into<String>) -> ClientBuilder {
                    self.basic_credential(#name, user, password)
                }
            },
            _ => quote! {
                #(#[doc = #docs])*
                pub fn #method(self, value: impl Into<String>) -> ClientBuilder {
                    self.credential(#name, value)
                }
            },
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        /// The credential of each security scheme of the spec.
        impl ClientBuilder {
            #(#methods)*
        }
    }
}
