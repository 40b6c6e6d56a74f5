//! The crate's manifest and root module.

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmitOptions, GENERATED_MARKER};
use crate::ir::{Api, ApiKeyLocation, SecuritySchemeKind};

/// The workspace manifest, whose "runtime of the generated SDK" section is the one list
/// of the runtime's dependencies: the workspace builds `generated/` with it, and every
/// generated crate gets a copy.
const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");
const RUNTIME_SECTION: &str = "# runtime of the generated SDK";

/// Dependencies of a generated crate: those of its runtime, sorted by name.
pub fn cargo_dependencies() -> String {
    runtime_dependencies(WORKSPACE_MANIFEST)
}

fn runtime_dependencies(manifest: &str) -> String {
    let mut deps: Vec<&str> = Vec::new();
    let mut lines = manifest
        .lines()
        .skip_while(|l| !l.starts_with(RUNTIME_SECTION));
    for line in lines.by_ref().skip(1) {
        let line = line.trim();
        if line.starts_with('[') || (line.starts_with('#') && !deps.is_empty()) {
            break;
        }
        if !line.is_empty() && !line.starts_with('#') {
            deps.push(line);
        }
    }
    deps.sort_by_key(|l| l.split('=').next().unwrap_or("").trim());
    deps.iter().map(|l| format!("{l}\n")).collect()
}

/// The workspace's requirement of one dependency (`wiremock = "0.6.5"`), so that the
/// SDK's dev-dependencies use the same version as the workspace's tests.
fn workspace_dependency(manifest: &str, name: &str) -> Option<String> {
    manifest
        .lines()
        .map(str::trim)
        .find(|l| l.split('=').next().is_some_and(|k| k.trim() == name))
        .map(|l| format!("{l}\n"))
}

pub fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    let version = crate_version(&api.version);
    let description = format!(
        "Rust SDK for the {} (generated from its OpenAPI spec).",
        api.title.replace('"', "'")
    );
    // A standalone crate has no examples; the workspace's SDK has one that tests an
    // app against a wiremock server.
    let (workspace, dev_deps) = if options.standalone {
        ("\n[workspace]\n", String::new())
    } else {
        let deps = workspace_dependency(WORKSPACE_MANIFEST, "wiremock").unwrap_or_default();
        ("", format!("\n[dev-dependencies]\n{deps}"))
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
{deps}{dev_deps}{workspace}"#,
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
    let krate = &api.crate_ident;
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
    let base_env = &api.env.base_url;
    docs.extend(env_doc_lines(api));
    if let Some(url) = &api.default_base_url {
        docs.push(format!(
            " Without `{base_env}`, the client talks to `{url}`."
        ));
    }
    docs.push(String::new());
    docs.extend(super::webhooks::webhook_doc_lines(api));
    if let Some(call) = &api.crate_example {
        let example = format!("{}()", super::resources::call_chain(call));
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
        let setter = s.setter.method();
        quote!(crate::runtime::SecuritySchemeInfo { name: #name, kind: #kind, env: &[#(#env),*], setter: #setter })
    });
    let alternatives = api.security_alternatives.iter().map(|a| quote!(&[#(#a),*]));
    let credentials_required = api.credentials_required;
    let setters = scheme_setters(api);
    let events = super::events::lib_items(api);
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub mod models;
        pub mod resources;
        pub mod runtime;

        pub use runtime::{
            ApiResponse, ByteStream, Client, ClientBuilder, Error, ErrorBody, ErrorKind, FilePart, Nullable, Request, RequestOptions, StatusError,
        };
        #events

        /// What the runtime needs to know about this API.
        pub(crate) static API: runtime::ApiInfo = runtime::ApiInfo {
            title: #title_lit,
            user_agent: #user_agent,
            default_base_url: #default_base,
            env_base_url: #base_env,
            security_schemes: &[#(#schemes),*],
            security_alternatives: &[#(#alternatives),*],
            credentials_required: #credentials_required,
        };
        #setters
    }
}

/// What `Client::from_env` reads, for the crate docs.
fn env_doc_lines(api: &Api) -> Vec<String> {
    let base_env = &api.env.base_url;
    if let Some(t) = &api.env.access_token {
        return vec![format!(
            " [`Client::from_env`] reads the access token from `{t}` and the server from `{base_env}`."
        )];
    }
    let mut docs = vec![format!(
        " [`Client::from_env`] reads the server from `{base_env}`."
    )];
    if api.security_schemes.is_empty() {
        return docs;
    }
    docs[0] = format!(
        " [`Client::from_env`] reads the server from `{base_env}` and the credential of each security scheme from its own variable:"
    );
    docs.push(String::new());
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
            " - {}: `{}`, {what}; or [`ClientBuilder::{}`].",
            vars.join(" and "),
            s.name,
            s.setter.method()
        ));
    }
    docs.push(String::new());
    docs.push(" An operation sends every credential of one of the security requirements the spec gives it: the first whose credentials are all configured.".to_string());
    docs
}

/// One `ClientBuilder` method per security scheme, when the API has several.
fn scheme_setters(api: &Api) -> TokenStream {
    let methods = api.security_schemes.iter().filter_map(|s| {
        let crate::ir::Setter::Generated(method) = &s.setter else {
            return None;
        };
        let method = super::ident(&method.rust);
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
        Some(match &s.kind {
            SecuritySchemeKind::Basic => quote! {
                #(#[doc = #docs])*
                pub fn #method(self, user: impl Into<String>, password: impl Into<String>) -> crate::runtime::ClientBuilder {
                    self.basic_credential(#name, user, password)
                }
            },
            _ => quote! {
                #(#[doc = #docs])*
                pub fn #method(self, value: impl Into<String>) -> crate::runtime::ClientBuilder {
                    self.credential(#name, value)
                }
            },
        })
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        /// The credential of each security scheme of the spec.
        impl crate::runtime::ClientBuilder {
            #(#methods)*
        }
    }
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

    #[test]
    fn runtime_dependencies_come_from_the_workspace_manifest() {
        let deps = super::cargo_dependencies();
        for name in [
            "reqwest",
            "serde",
            "serde_json",
            "tokio",
            "chrono",
            "tracing",
        ] {
            assert!(
                deps.lines().any(|l| l.starts_with(&format!("{name} ="))),
                "{name} missing from:\n{deps}"
            );
        }
        // The generator's own and the tests' dependencies stay out.
        assert!(!deps.contains("openapiv3") && !deps.contains("insta"));
        let manifest = "[x]\n# runtime of the generated SDK: note\n# more\nb = \"1\"\n\na = \"2\"\n# tests\nc = \"3\"\n";
        assert_eq!(
            super::runtime_dependencies(manifest),
            "a = \"2\"\nb = \"1\"\n"
        );
    }

    #[test]
    fn dev_dependencies_take_the_workspace_version() {
        let manifest = "[x]\nwiremock-extra = \"1\"\nwiremock = \"0.6.5\"\n";
        assert_eq!(
            super::workspace_dependency(manifest, "wiremock").as_deref(),
            Some("wiremock = \"0.6.5\"\n")
        );
        assert_eq!(super::workspace_dependency(manifest, "absent"), None);
    }
}
