//! Lower: `openapiv3::OpenAPI` -> IR. The one place where names and shapes are decided.

mod all_of;
mod bodies;
mod cycles;
mod docs;
mod events;
mod facts;
mod foreign;
mod model_files;
pub mod names;
mod operations;
mod package;
mod pagination;
mod params;
mod path_template;
mod refs;
mod tree;
mod tuples;
mod types;
mod unions;
mod webhooks;

use std::collections::{BTreeMap, HashMap};

use heck::ToShoutySnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme as OaSecurityScheme};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Kind};
use crate::ir::{Api, ApiKeyLocation, EnvVars, SecurityScheme, SecuritySchemeKind, TypeDef};
use crate::json_pointer::pointer_push;
use names::Scope;

/// Settings that do not come from the spec.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides `x-sdk.crate` and the name derived from `info.title`.
    pub crate_name: Option<String>,
}

pub fn lower(doc: &OpenAPI, raw: &Value, options: &Options, diags: &mut Diagnostics) -> Api {
    let foreign = foreign::collect(doc, raw);
    let mut lowerer = Lowerer::new(doc, raw, &foreign, diags);
    lowerer.name_components();
    lowerer.lower_components();
    let security_schemes = lowerer.security_schemes();
    let mut root = lowerer.lower_operations(&security_schemes);
    lowerer.mark_request_types(&root);
    let webhooks = lowerer.lower_webhooks();
    let mut types = lowerer.finish_types();
    docs::mark_multipart(&root, &mut types);
    let crate_example = docs::document(&mut root, &types);
    let model_files = model_files::model_files(&root, &types);
    let events = lowerer.events(&types, &security_schemes);

    let sdk = raw.get("x-sdk");
    let crate_name = options
        .crate_name
        .clone()
        .or_else(|| {
            sdk.and_then(|s| s.get("crate"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| default_crate_name(&doc.info.title));
    let env_prefix = crate_name.to_shouty_snake_case();
    let env_value = |key: &str| {
        sdk.and_then(|s| s.get("env"))
            .and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let env = EnvVars {
        access_token: if security_schemes.is_empty() {
            None
        } else {
            Some(env_value("accessToken").unwrap_or_else(|| format!("{env_prefix}_ACCESS_TOKEN")))
        },
        base_url: env_value("baseUrl").unwrap_or_else(|| format!("{env_prefix}_BASE_URL")),
    };

    let package = package::package(
        sdk,
        &doc.info.title,
        &doc.info.version,
        &crate_name,
        doc.external_docs.as_ref().map(|d| d.url.as_str()),
        lowerer.diags,
    );

    Api {
        package,
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc
            .info
            .description
            .clone()
            .filter(|d| !d.trim().is_empty()),
        crate_ident: crate_name.replace('-', "_"),
        crate_name,
        crate_example,
        default_base_url: default_base_url(doc),
        env,
        security_schemes,
        types,
        model_files,
        root,
        events,
        webhooks,
    }
}

fn default_crate_name(title: &str) -> String {
    let name = heck::ToKebabCase::to_kebab_case(names::snake_name(title).trim_start_matches("r#"));
    let name = name.trim_matches('-').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}").trim_end_matches('-').to_string()
    } else {
        name
    }
}

/// The first server's URL with its variables at their defaults, if it is absolute.
fn default_base_url(doc: &OpenAPI) -> Option<String> {
    let server = doc.servers.first()?;
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    absolute.then(|| url.trim_end_matches('/').to_string())
}

pub(crate) struct Lowerer<'a> {
    pub doc: &'a OpenAPI,
    pub raw: &'a Value,
    /// Schemas referenced where they sit (see `foreign`), by reference.
    pub foreign: &'a indexmap::IndexMap<String, ReferenceOr<openapiv3::Schema>>,
    pub diags: &'a mut Diagnostics,
    /// Component schema key -> Rust type name.
    pub component_names: HashMap<String, String>,
    /// Every Rust type name handed out (components first, then inline types).
    pub type_names: Scope,
    pub types: BTreeMap<String, TypeDef>,
    /// Schemas whose facts are being read, to stop at a schema that depends on itself.
    pub facts_in_progress: std::collections::HashSet<String>,
    /// Inline schemas being lowered, to stop at one that contains itself.
    pub inline_in_progress: std::collections::HashSet<String>,
}

impl<'a> Lowerer<'a> {
    fn new(
        doc: &'a OpenAPI,
        raw: &'a Value,
        foreign: &'a indexmap::IndexMap<String, ReferenceOr<openapiv3::Schema>>,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Lowerer {
            doc,
            raw,
            foreign,
            diags,
            component_names: HashMap::new(),
            type_names: Scope::pascal(),
            types: BTreeMap::new(),
            facts_in_progress: std::collections::HashSet::new(),
            inline_in_progress: std::collections::HashSet::new(),
        }
    }

    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        let Some(components) = &self.doc.components else {
            return out;
        };
        for (name, scheme) in &components.security_schemes {
            let pointer = pointer_push("/components/securitySchemes", name);
            let ReferenceOr::Item(scheme) = scheme else {
                continue;
            };
            let kind = match scheme {
                OaSecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    SecuritySchemeKind::Bearer
                }
                OaSecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                    SecuritySchemeKind::Basic
                }
                OaSecurityScheme::HTTP { scheme, .. } => {
                    self.diags.warning(
                        Kind::Unsupported,
                        pointer,
                        format!("HTTP authentication scheme `{scheme}` is not supported; its credential is sent as a bearer token"),
                    );
                    SecuritySchemeKind::Bearer
                }
                OaSecurityScheme::APIKey { location, name, .. } => SecuritySchemeKind::ApiKey {
                    location: match location {
                        openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                        openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                        openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                    },
                    name: name.clone(),
                },
                // The SDK does not run OAuth flows; it sends the access token it is given.
                OaSecurityScheme::OAuth2 { .. } | OaSecurityScheme::OpenIDConnect { .. } => {
                    SecuritySchemeKind::Bearer
                }
            };
            out.push(SecurityScheme {
                name: name.clone(),
                kind,
            });
        }
        out
    }
}
