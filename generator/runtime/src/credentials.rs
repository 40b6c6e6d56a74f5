//! Credentials: what the client holds, and the headers, query pairs and cookies that
//! carry them for one operation.
//!
//! An operation lists alternatives (the spec's security requirement objects); each
//! alternative names schemes that are all sent together. The first alternative whose
//! credentials are all configured is sent; none is an error that names what is missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use reqwest::header::{self, HeaderName, HeaderValue};

use super::api::{ApiInfo, SchemeKind, SecuritySchemeInfo};
use super::error::Error;
use super::options::RequestOptions;
use super::parts::RequestParts;
use super::redact::Secret;

/// The credential of one scheme.
#[derive(Debug, Clone)]
pub(crate) enum Credential {
    /// A bearer token or an API key.
    Token(Secret<String>),
    Basic {
        user: String,
        password: Secret<String>,
    },
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    /// `ClientBuilder::access_token`: the credential of bearer schemes, and of the
    /// API's only scheme, when they have none of their own.
    pub(crate) token: Option<Secret<String>>,
    /// `ClientBuilder::basic_auth`: basic schemes without a credential of their own.
    pub(crate) basic: Option<(String, Secret<String>)>,
    /// Credentials by scheme name (per-scheme setters and `from_env`).
    pub(crate) by_scheme: BTreeMap<String, Credential>,
}

/// What carries an operation's credentials.
#[derive(Default)]
pub(crate) struct AuthParts {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) query: Vec<(&'static str, String)>,
}

impl Credentials {
    /// Whether `access_token` (the client's or the request's) stands for this scheme.
    fn token_applies(info: &ApiInfo, scheme: &SecuritySchemeInfo) -> bool {
        matches!(scheme.kind, SchemeKind::Bearer) || info.security_schemes.len() == 1
    }

    fn resolve(
        &self,
        info: &ApiInfo,
        scheme: &SecuritySchemeInfo,
        override_token: Option<&Secret<String>>,
    ) -> Option<Credential> {
        let general = Self::token_applies(info, scheme);
        if let SchemeKind::Basic = scheme.kind {
            return self.by_scheme.get(scheme.name).cloned().or_else(|| {
                self.basic
                    .clone()
                    .map(|(user, password)| Credential::Basic { user, password })
            });
        }
        if general && let Some(t) = override_token {
            return Some(Credential::Token(t.clone()));
        }
        self.by_scheme.get(scheme.name).cloned().or_else(|| {
            general
                .then(|| self.token.clone().map(Credential::Token))
                .flatten()
        })
    }

    /// The headers and query pairs that carry the operation's credentials: those of
    /// its first alternative that is fully configured.
    pub(crate) fn for_request(
        &self,
        info: &ApiInfo,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<AuthParts, Error> {
        if parts.auth.is_empty() && !parts.any_scheme {
            return Ok(AuthParts::default());
        }
        let override_token = options.access_token.clone().map(Secret::new);
        let mut missing: Vec<Vec<&SecuritySchemeInfo>> = Vec::new();
        // The operation's requirements in its order of preference; for the escape hatch,
        // which knows none, every requirement of the API's operations.
        let alternatives = if parts.any_scheme {
            info.security_alternatives
        } else {
            parts.auth
        };
        for alternative in alternatives {
            let mut found = Vec::new();
            let mut lacking = Vec::new();
            for name in *alternative {
                let Some(scheme) = info.scheme(name) else {
                    continue;
                };
                match self.resolve(info, scheme, override_token.as_ref()) {
                    Some(c) => found.push((scheme, c)),
                    None => lacking.push(scheme),
                }
            }
            if lacking.is_empty() {
                return carry(&found);
            }
            missing.push(lacking);
        }
        if parts.auth_optional {
            return Ok(AuthParts::default());
        }
        Err(Error::MissingCredentials(format!(
            "{} `{}` needs credentials that are not configured: {}",
            parts.method,
            parts.operation,
            describe_missing(&missing)
        )))
    }

    /// Reads the credential of every scheme that has none yet from its environment
    /// variables (an empty variable counts as unset).
    pub(crate) fn read_env(&mut self, info: &ApiInfo, read: impl Fn(&str) -> Option<String>) {
        for scheme in info.security_schemes {
            if self.by_scheme.contains_key(scheme.name) {
                continue;
            }
            let credential = match (scheme.kind, scheme.env) {
                (SchemeKind::Basic, [user, password]) => match (read(user), read(password)) {
                    (Some(user), Some(password)) => Some(Credential::Basic {
                        user,
                        password: Secret::new(password),
                    }),
                    _ => None,
                },
                (SchemeKind::Basic, _) => None,
                // `access_token` set on the builder wins over the environment.
                _ if Self::token_applies(info, scheme) && self.token.is_some() => None,
                (_, [var, ..]) => read(var).map(|v| Credential::Token(Secret::new(v))),
                (_, []) => None,
            };
            if let Some(c) = credential {
                self.by_scheme.insert(scheme.name.to_string(), c);
            }
        }
    }

    /// For `Client::from_env`: an error naming the variables that are missing when no
    /// alternative is fully configured and the client could not work without one (every
    /// operation needs credentials, or an alternative is configured only in part).
    pub(crate) fn check_env(&self, info: &ApiInfo) -> Result<(), Error> {
        let mut missing = Vec::new();
        let mut partly = false;
        for alternative in info.security_alternatives {
            let schemes: Vec<&SecuritySchemeInfo> =
                alternative.iter().filter_map(|n| info.scheme(n)).collect();
            let lacking: Vec<&SecuritySchemeInfo> = schemes
                .iter()
                .copied()
                .filter(|s| self.resolve(info, s, None).is_none())
                .collect();
            if lacking.is_empty() {
                return Ok(());
            }
            partly |= lacking.len() < schemes.len();
            missing.push(lacking);
        }
        if missing.is_empty() || !(info.credentials_required || partly) {
            return Ok(());
        }
        Err(Error::MissingCredentials(format!(
            "the environment does not configure the credentials the API needs: {}",
            describe_missing(&missing)
        )))
    }
}

/// `set A_ID and A_SECRET (ClientBuilder::a_id, ClientBuilder::a_secret), or set TOKEN
/// (ClientBuilder::token)`.
fn describe_missing(missing: &[Vec<&SecuritySchemeInfo>]) -> String {
    let mut out = String::new();
    for (i, lacking) in missing.iter().enumerate() {
        if i > 0 {
            out.push_str(", or ");
        }
        let vars: Vec<&str> = lacking.iter().flat_map(|s| s.env.iter().copied()).collect();
        let setters: Vec<String> = lacking
            .iter()
            .map(|s| format!("ClientBuilder::{}", s.setter))
            .collect();
        let _ = write!(out, "set {} ({})", and_list(&vars), setters.join(", "));
    }
    out
}

fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The credentials of one alternative, each where its scheme puts it.
fn carry(found: &[(&SecuritySchemeInfo, Credential)]) -> Result<AuthParts, Error> {
    let sensitive = |v: String| -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(&v).map_err(|_| {
            Error::Config(
                "the credential contains characters that cannot be sent in a header".into(),
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    };
    let mut out = AuthParts::default();
    let mut cookies = Vec::new();
    for (scheme, credential) in found {
        match (scheme.kind, credential) {
            (SchemeKind::Basic, Credential::Basic { user, password }) => {
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{user}:{}", password.expose()));
                out.headers
                    .push((header::AUTHORIZATION, sensitive(format!("Basic {token}"))?));
            }
            (_, Credential::Basic { .. }) | (SchemeKind::Basic, _) => {}
            (SchemeKind::Bearer, Credential::Token(t)) => out.headers.push((
                header::AUTHORIZATION,
                sensitive(format!("Bearer {}", t.expose()))?,
            )),
            (SchemeKind::ApiKeyHeader(name), Credential::Token(t)) => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
                out.headers.push((name, sensitive(t.expose().clone())?));
            }
            (SchemeKind::ApiKeyQuery(param), Credential::Token(t)) => {
                out.query.push((param, t.expose().clone()));
            }
            (SchemeKind::ApiKeyCookie(name), Credential::Token(t)) => {
                cookies.push(format!("{name}={}", t.expose()));
            }
        }
    }
    // Several cookies travel in one header.
    if !cookies.is_empty() {
        out.headers
            .push((header::COOKIE, sensitive(cookies.join("; "))?));
    }
    Ok(out)
}
