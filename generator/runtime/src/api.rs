//! What generated code tells the runtime about its API: the facts of the spec that
//! sending a request depends on (user agent, default server, security schemes).

/// Facts about an API, written by the generator into each SDK as a `static`.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiInfo {
    /// The API's title, as the spec names it.
    pub title: &'static str,
    /// The `User-Agent` header sent with every request.
    pub user_agent: &'static str,
    /// The server used when neither the builder nor the environment names one.
    pub default_base_url: Option<&'static str>,
    /// Environment variable read by `from_env` for the base URL.
    pub env_base_url: &'static str,
    /// The security schemes the spec declares, in its order.
    pub security_schemes: &'static [SecuritySchemeInfo],
    /// Every distinct security requirement of the operations: each names schemes
    /// that are sent together.
    pub security_alternatives: &'static [&'static [&'static str]],
    /// Whether every operation needs credentials (none is public).
    pub credentials_required: bool,
    /// Wire names of every field the spec marks secret, in any type: their values are
    /// kept out of the excerpts of bodies whose schema the runtime does not know (the
    /// escape hatch's responses, event frames). Operations give their own list
    /// ([`RequestParts::secret_fields`](crate::RequestParts::secret_fields)). Until
    /// [`ApiInfo::with_secret_fields`] sets it, it is [`WHOLE_BODY`](crate::WHOLE_BODY):
    /// no excerpt shows anything of such a body.
    pub secret_fields: &'static [&'static str],
    /// The absolute servers operations have of their own (`servers` on an operation or
    /// its path item), as the spec gives them: what `ClientBuilder::server_url` maps.
    pub servers: &'static [&'static str],
}

impl ApiInfo {
    /// The facts of an API (`static` items cannot call a builder, so this is a `const
    /// fn` taking every field).
    pub const fn new(
        title: &'static str,
        user_agent: &'static str,
        default_base_url: Option<&'static str>,
        env_base_url: &'static str,
        security_schemes: &'static [SecuritySchemeInfo],
        security_alternatives: &'static [&'static [&'static str]],
        credentials_required: bool,
    ) -> ApiInfo {
        ApiInfo {
            title,
            user_agent,
            default_base_url,
            env_base_url,
            security_schemes,
            security_alternatives,
            credentials_required,
            secret_fields: &[crate::WHOLE_BODY],
            servers: &[],
        }
    }

    /// The API's secret wire names (see [`ApiInfo::secret_fields`]), as the generator
    /// lists them.
    pub const fn with_secret_fields(mut self, names: &'static [&'static str]) -> ApiInfo {
        self.secret_fields = names;
        self
    }

    /// The same facts, with the absolute servers the spec gives operations of their
    /// own (see [`servers`](Self::servers)).
    pub const fn with_servers(mut self, servers: &'static [&'static str]) -> ApiInfo {
        self.servers = servers;
        self
    }

    pub(crate) fn scheme(&self, name: &str) -> Option<&'static SecuritySchemeInfo> {
        self.security_schemes.iter().find(|s| s.name == name)
    }
}

/// One security scheme of the API: how a credential is sent.
#[derive(Debug)]
#[non_exhaustive]
pub struct SecuritySchemeInfo {
    /// The key in the spec's `components.securitySchemes`.
    pub name: &'static str,
    /// Where and how the credential goes into a request.
    pub kind: SchemeKind,
    /// Environment variables `from_env` reads its credential from: one, or the user
    /// name and the password of a basic scheme.
    pub env: &'static [&'static str],
    /// The `ClientBuilder` method that sets its credential, for error messages.
    pub setter: &'static str,
}

impl SecuritySchemeInfo {
    /// A scheme, as the generator describes it.
    pub const fn new(
        name: &'static str,
        kind: SchemeKind,
        env: &'static [&'static str],
        setter: &'static str,
    ) -> SecuritySchemeInfo {
        SecuritySchemeInfo {
            name,
            kind,
            env,
            setter,
        }
    }
}

/// How a security scheme sends its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key in the named header.
    ApiKeyHeader(&'static str),
    /// An API key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key in the named cookie.
    ApiKeyCookie(&'static str),
}
