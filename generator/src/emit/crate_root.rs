//! The crate's manifest and root module.

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmitOptions, GENERATED_MARKER, crate_ident};
use crate::ir::{Api, ApiKeyLocation, Resource, SecuritySchemeKind};

/// Dependencies of a generated crate: those of its runtime.
pub fn cargo_dependencies() -> &'static str {
    r#"bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
fastrand = "2"
futures-core = "0.3"
futures-util = "0.3"
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13.5", default-features = false, features = ["rustls", "stream", "multipart"] }
serde = { version = "1.0", features = ["derive"] }
serde_json = "1.0.145"
serde_path_to_error = "0.1.20"
tokio = { version = "1", features = ["time", "fs"] }
tokio-util = { version = "0.7", default-features = false, features = ["io"] }
tracing = "0.1"
"#
}

pub fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    let version = crate_version(&api.version);
    let description = format!(
        "Rust SDK for the {} (generated from its OpenAPI spec).",
        api.title.replace('"', "'")
    );
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        r#"# {GENERATED_MARKER} by sdk-generator from {source}. Do not edit: change the spec and run `cargo xtask codegen`.

[package]
name = "{name}"
version = "{version}"
edition = "2024"
description = "{description}"
license = "MIT OR Apache-2.0"
publish = false

[dependencies]
{deps}{workspace}"#,
        source = options.source_name,
        name = api.crate_name,
        deps = cargo_dependencies(),
    )
}

/// The API's version if Cargo accepts it, else `0.1.0`.
fn crate_version(version: &str) -> String {
    let core = version.trim().trim_start_matches('v');
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    match parts.as_slice() {
        [a, b, c] if numeric(a) && numeric(b) && numeric(c) => core.to_string(),
        [a, b] if numeric(a) && numeric(b) => format!("{core}.0"),
        [a] if numeric(a) => format!("{core}.0.0"),
        _ => "0.1.0".to_string(),
    }
}

pub fn lib_rs(api: &Api) -> TokenStream {
    let krate = crate_ident(api);
    let title = &api.title;
    let mut docs = vec![format!(" # {title}"), String::new()];
    if let Some(d) = &api.description {
        docs.extend(super::doc_lines(d));
        docs.push(String::new());
    }
    docs.push(format!(
        " A Rust client of the {title}, generated from its OpenAPI spec."
    ));
    docs.push(String::new());
    let token_env = api.env.access_token.as_deref();
    let base_env = &api.env.base_url;
    match token_env {
        Some(t) => docs.push(format!(" [`Client::from_env`] reads the access token from `{t}` and the server from `{base_env}`.")),
        None => docs.push(format!(" [`Client::from_env`] reads the server from `{base_env}`.")),
    }
    if let Some(url) = &api.default_base_url {
        docs.push(format!(
            " Without `{base_env}`, the client talks to `{url}`."
        ));
    }
    docs.push(String::new());
    docs.extend(super::webhooks::webhook_doc_lines(api));
    if let Some(example) = first_example_call(&api.root) {
        docs.extend([
            " ```no_run".to_string(),
            format!(" # async fn example() -> Result<(), {krate}::Error> {{"),
            format!(" let client = {krate}::Client::from_env()?;"),
            format!(" let response = {example}.await?;"),
            " # let _ = response;".to_string(),
            " # Ok(())".to_string(),
            " # }".to_string(),
            " ```".to_string(),
        ]);
    }

    let title_lit = title.as_str();
    let user_agent = format!("{}/{} (rust)", api.crate_name, crate_version(&api.version));
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
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]

        pub mod models;
        pub mod resources;
        pub mod runtime;

        pub use runtime::{
            ApiResponse, ByteStream, Client, ClientBuilder, Error, ErrorBody, ErrorKind, FilePart, Nullable, Request, RequestOptions, StatusError,
        };

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

/// A call of the first operation that needs no arguments, for the crate's example.
fn first_example_call(root: &Resource) -> Option<String> {
    let mut stack = vec![root];
    while let Some(r) = stack.pop() {
        for op in &r.operations {
            let no_args = op.params.iter().all(|p| !p.required)
                && op.body.as_ref().is_none_or(|b| !b.required);
            if no_args {
                let mut call = String::from("client");
                for part in &r.path {
                    call.push_str(&format!(".{part}()"));
                }
                call.push_str(&format!(".{}()", op.method_name.trim_start_matches("r#")));
                return Some(call);
            }
        }
        stack.extend(r.children.iter().rev());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::crate_version;

    #[test]
    fn versions() {
        assert_eq!(crate_version("6.0.0"), "6.0.0");
        assert_eq!(crate_version("1.0"), "1.0.0");
        assert_eq!(crate_version("v2"), "2.0.0");
        assert_eq!(crate_version("2023-08-16"), "0.1.0");
        assert_eq!(crate_version(""), "0.1.0");
        assert_eq!(crate_version("1.0.0-beta"), "0.1.0");
    }
}
