//! The crate's manifest and root module.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, ApiKeyLocation, SecuritySchemeKind};

pub fn lib_rs(api: &Api) -> TokenStream {
    let title = &api.title;
    // The crate README (see `readme`) is the front page, so that its examples are
    // compiled as doctests; the list of webhooks links to the models, so it stays here.
    let docs = super::webhooks::webhook_doc_lines(api);
    let token_env = api.env.access_token.as_deref();
    let base_env = &api.env.base_url;
    let title_lit = title.as_str();
    let user_agent = format!("{}/{} (rust)", api.crate_name, api.package.version);
    let api_version = api.version.as_str();
    let api_version_doc = format!(
        " The version of the {title}'s spec this crate was generated from. The crate's own version (`{}`) follows semver of its Rust API instead.",
        api.package.version
    );
    let default_base = match &api.default_base_url {
        Some(u) => quote!(Some(#u)),
        None => quote!(None),
    };
    let env_token = match token_env {
        Some(t) => quote!(Some(#t)),
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
        quote!(crate::runtime::SecuritySchemeInfo { name: #name, kind: #kind })
    });
    let events = super::events::lib_items(api);
    quote! {
        #![doc = include_str!("../README.md")]
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]

        pub mod models;
        pub mod resources;
        pub mod runtime;

        pub use runtime::{
            ApiResponse, ByteStream, Client, ClientBuilder, Error, ErrorBody, ErrorKind, FilePart, Nullable, Request, RequestOptions, StatusError,
        };
        #events

        /// The HTTP client this crate uses, re-exported so that a client passed to
        /// [`ClientBuilder::http_client`] is of the same version.
        pub use reqwest;

        #[doc = #api_version_doc]
        pub const API_VERSION: &str = #api_version;

        /// What the runtime needs to know about this API.
        pub(crate) static API: runtime::ApiInfo = runtime::ApiInfo {
            title: #title_lit,
            user_agent: #user_agent,
            default_base_url: #default_base,
            env_access_token: #env_token,
            env_base_url: #base_env,
            security_schemes: &[#(#schemes),*],
        };
    }
}
