//! Security: the schemes of `components.securitySchemes` with the environment
//! variables and builder methods that configure them, and each operation's
//! requirements (alternatives of schemes sent together).

use heck::ToShoutySnakeCase;
use openapiv3::{ReferenceOr, SecurityScheme as OaSecurityScheme};

use super::Lowerer;
use super::names::{self, Scope};
use crate::diagnostics::Kind;
use crate::ir::{ApiKeyLocation, Auth, SecurityScheme, SecuritySchemeKind};
use crate::json_pointer::pointer_push;

/// Methods of an SDK's `ClientBuilder` (the runtime's `sdk_client!` macro): a
/// generated per-scheme setter must not take one of these names.
const BUILDER_METHODS: &[&str] = &[
    "from_env",
    "base_url",
    // Generated for an API whose operations have servers of their own.
    "server_url",
    "credential",
    "basic_credential",
    "timeout",
    "connect_timeout",
    "max_retries",
    "retry_backoff",
    "default_header",
    "sensitive_header",
    "max_response_size",
    "idle_timeout",
    "proxy",
    "http_client",
    "add_root_certificate",
    "events_tls_config",
    "hook",
    "build",
    "into_runtime",
    "default",
    "clone",
];

impl Lowerer<'_> {
    /// `env_prefix` (`BEEPER`) names the variables; `access_token` is the variable of
    /// an API with a single token scheme (`x-sdk.env.accessToken`, or `<PREFIX>_ACCESS_TOKEN`).
    pub(super) fn security_schemes(
        &mut self,
        env_prefix: &str,
        access_token: &str,
        base_url_env: &str,
    ) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        let Some(components) = &self.doc.components else {
            return out;
        };
        let supported: Vec<_> = components
            .security_schemes
            .iter()
            .filter_map(|(name, s)| match s {
                ReferenceOr::Item(s) => Some((name, s)),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let single = supported.len() == 1;
        let mut setters = Scope::with_reserved(BUILDER_METHODS);
        let mut vars = Scope::with_reserved(&[base_url_env]);
        for (name, scheme) in supported {
            let pointer = pointer_push("/components/securitySchemes", name);
            let kind = self.scheme_kind(scheme, &pointer);
            let stem = format!(
                "{env_prefix}_{}",
                names::bare(&names::snake_name(name)).to_shouty_snake_case()
            );
            let mut env = match (&kind, single) {
                (SecuritySchemeKind::Basic, true) => {
                    vec![
                        format!("{env_prefix}_USERNAME"),
                        format!("{env_prefix}_PASSWORD"),
                    ]
                }
                (SecuritySchemeKind::Basic, false) => {
                    vec![format!("{stem}_USERNAME"), format!("{stem}_PASSWORD")]
                }
                (SecuritySchemeKind::Bearer, true) => vec![access_token.to_string()],
                _ => vec![stem],
            };
            for var in &mut env {
                *var = vars.claim(var).0;
            }
            // Each scheme's setter is named after it; the one scheme of an API is named
            // after what it is: an access token, or a user name and password.
            let wanted = match (&kind, single) {
                (SecuritySchemeKind::Basic, true) => "basic_auth".to_string(),
                (SecuritySchemeKind::Bearer, true) => "access_token".to_string(),
                _ => names::snake_name(name),
            };
            let (rust, renamed) = setters.claim(&wanted);
            let rust = if renamed {
                setters
                    .claim(&format!("{}_credential", names::bare(&wanted)))
                    .0
            } else {
                rust
            };
            let setter = names::name(rust);
            let description = match scheme {
                OaSecurityScheme::APIKey { description, .. }
                | OaSecurityScheme::HTTP { description, .. }
                | OaSecurityScheme::OAuth2 { description, .. }
                | OaSecurityScheme::OpenIDConnect { description, .. } => description.clone(),
            };
            out.push(SecurityScheme {
                name: name.clone(),
                kind,
                env,
                setter,
                description: description
                    .map(|d| super::html_docs::html_to_markdown(&d))
                    .filter(|d| !d.trim().is_empty()),
            });
        }
        out
    }

    fn scheme_kind(&mut self, scheme: &OaSecurityScheme, pointer: &str) -> SecuritySchemeKind {
        match scheme {
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
        }
    }

    /// The operation's requirements (its own `security`, else the document's): each
    /// requirement object is one alternative whose schemes are all sent.
    pub(super) fn auth(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        schemes: &[SecurityScheme],
    ) -> Auth {
        let (requirements, at) = match (&op.security, &self.doc.security) {
            (Some(own), _) => (own, pointer_push(pointer, "security")),
            (None, Some(doc)) => (doc, "/security".to_string()),
            (None, None) => return Auth::None,
        };
        let mut alternatives: Vec<Vec<String>> = Vec::new();
        let mut optional = false;
        for (i, req) in requirements.iter().enumerate() {
            if req.is_empty() {
                optional = true;
                continue;
            }
            let mut alternative = Vec::new();
            let mut complete = true;
            for name in req.keys() {
                if schemes.iter().any(|s| &s.name == name) {
                    alternative.push(name.clone());
                } else {
                    complete = false;
                    self.diags.warning(
                        Kind::InvalidValue,
                        pointer_push(&pointer_push(&at, &i.to_string()), name),
                        format!("no security scheme `{name}` is defined (or it is not one the SDK sends); requirements naming it are left out"),
                    );
                }
            }
            if complete && !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        }
        if alternatives.is_empty() {
            Auth::None
        } else {
            Auth::Schemes {
                alternatives,
                optional,
            }
        }
    }
}

/// Every distinct alternative of the operations, in order of first use, and whether
/// every operation needs one.
pub(super) fn alternatives<'a>(auths: impl Iterator<Item = &'a Auth>) -> (Vec<Vec<String>>, bool) {
    let mut all: Vec<Vec<String>> = Vec::new();
    let mut required = true;
    let mut any = false;
    for auth in auths {
        any = true;
        match auth {
            Auth::None => required = false,
            Auth::Schemes {
                alternatives,
                optional,
            } => {
                required &= !optional;
                for a in alternatives {
                    if !all.contains(a) {
                        all.push(a.clone());
                    }
                }
            }
        }
    }
    (all, required && any)
}
