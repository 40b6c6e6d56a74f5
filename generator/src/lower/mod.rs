//! Lower: `openapiv3::OpenAPI` -> IR. The one place where names and shapes are decided.

mod all_of;
mod bodies;
mod cycles;
mod doc_text;
mod docs;
mod events;
mod evidence;
mod facts;
mod foreign;
mod html_docs;
mod inheritance;
mod model_files;
pub mod names;
mod operations;
mod package;
mod pagination;
mod pagination_infer;
mod params;
mod path_template;
mod refs;
mod secrets;
mod security;
mod servers;
mod tree;
mod tuples;
mod types;
mod unions;
mod webhooks;

use std::collections::{BTreeMap, HashMap};

use heck::ToShoutySnakeCase;
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::ir::{Api, EnvVars, SecuritySchemeKind, Ty, TypeDef, TypeKind};
use names::Scope;

/// Settings that do not come from the spec.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides `x-sdk.crate` and the name derived from `info.title`.
    pub crate_name: Option<String>,
    /// The crate's licence (an SPDX expression), over `x-sdk.license` and
    /// `info.license`.
    pub license: Option<String>,
}

pub fn lower(doc: &OpenAPI, raw: &Value, options: &Options, diags: &mut Diagnostics) -> Api {
    let foreign = foreign::collect(doc, raw);
    let mut lowerer = Lowerer::new(doc, raw, &foreign, diags);
    lowerer.name_components();
    lowerer.find_inheritance();
    lowerer.lower_components();
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
    let base_url_env = env_value("baseUrl").unwrap_or_else(|| format!("{env_prefix}_BASE_URL"));
    let token_env =
        env_value("accessToken").unwrap_or_else(|| format!("{env_prefix}_ACCESS_TOKEN"));
    let security_schemes = lowerer.security_schemes(&env_prefix, &token_env, &base_url_env);
    let mut root = lowerer.lower_operations(&security_schemes);
    lowerer.mark_request_types(&root);
    let webhooks = lowerer.lower_webhooks();
    let mut types = lowerer.finish_types();
    html_docs::convert_all(&mut root, &mut types);
    pagination::settle_access(&mut root, &types);
    params::settle_shapes(&mut root, &types);
    docs::mark_multipart(&root, &mut types);
    let crate_example = docs::document(&mut root, &types);
    doc_text::finish(&mut root, &mut types, lowerer.diags);
    let model_files = model_files::model_files(&root, &types);
    let events = lowerer.events(&types, &security_schemes);
    let secret_fields = secrets::mark(&mut root, &mut types);
    let mut header_defaults: Vec<(String, String)> = Vec::new();
    for p in root.all_operations().into_iter().flat_map(|op| &op.params) {
        if let Some(value) = &p.default
            && !header_defaults
                .iter()
                .any(|(n, v)| n == &p.wire && v == value)
        {
            header_defaults.push((p.wire.clone(), value.clone()));
        }
    }
    let servers = servers::server_uses(&root);
    let auths = root.all_operations().into_iter().map(|op| &op.auth);
    let (security_alternatives, credentials_required) =
        security::alternatives(auths.chain(events.iter().map(|e| &e.auth)));

    let env = EnvVars {
        access_token: match security_schemes.as_slice() {
            [only] if only.kind == SecuritySchemeKind::Bearer => only.env.first().cloned(),
            _ => None,
        },
        base_url: base_url_env,
    };

    let info_license = raw.pointer("/info/license");
    let mut package = package::package(
        package::Facts {
            sdk,
            title: &doc.info.title,
            api_version: &doc.info.version,
            crate_name: &crate_name,
            external_docs: doc.external_docs.as_ref().map(|d| d.url.as_str()),
            license: options.license.as_deref(),
            info_license,
        },
        lowerer.diags,
    );
    package.tls_by_default = servers::tls_by_default(doc, &servers);

    Api {
        package,
        title: doc.info.title.clone(),
        title_phrase: package::title_phrase(&doc.info.title),
        version: doc.info.version.clone(),
        description: doc
            .info
            .description
            .as_deref()
            .map(html_docs::html_to_markdown)
            .filter(|d| !d.trim().is_empty()),
        crate_ident: crate_name.replace('-', "_"),
        crate_name,
        crate_example,
        default_base_url: servers::default_base_url(doc),
        env,
        security_schemes,
        security_alternatives,
        credentials_required,
        types,
        model_files,
        root,
        events,
        webhooks,
        secret_fields,
        header_defaults,
        servers,
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

/// The result of looking at one schema: a plain type, or a definition that needs a name.
/// Here, not in `types`, because `all_of`, `unions` and `inheritance` build them too.
pub(super) enum Shape {
    Ty(Ty),
    Def(TypeKind),
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
    /// Base schemas whose discriminator names subtypes that extend them, by key.
    pub inheritance: BTreeMap<String, inheritance::Inheritance>,
    /// The type each inline schema became, by pointer: a schema reached again (a
    /// shared parameter, a property merged by `allOf`) is one type, not a copy.
    pub inline_types: HashMap<String, crate::ir::Ty>,
    /// The parent (struct or operation) whose inline string enums are being lowered,
    /// and the enums it has by their values: identical ones share one type.
    pub enum_parent: Option<String>,
    pub parent_enums: HashMap<(String, Vec<String>), crate::ir::Ty>,
    /// Request body type names (`ChatsUpdateBody`) -> the operation's name
    /// (`ChatsUpdate`), which names the body's inline property types.
    pub body_holders: HashMap<String, String>,
    /// The names the properties of the object being lowered would give their types:
    /// a list's items do not take one of them (see `names::item_type_name`).
    pub sibling_types: std::collections::HashSet<String>,
    /// The words every tag starts with, up to an API version (`api20100401` of
    /// `Api20100401Call`): the resources are named without them.
    pub tag_prefix: Vec<String>,
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
            inheritance: BTreeMap::new(),
            inline_types: HashMap::new(),
            enum_parent: None,
            parent_enums: HashMap::new(),
            body_holders: HashMap::new(),
            sibling_types: std::collections::HashSet::new(),
            tag_prefix: Vec::new(),
        }
    }
}
