//! Credentials: what the client holds, and the headers or query pairs that carry
//! them for one operation.

use std::collections::BTreeMap;

use reqwest::header::{self, HeaderName, HeaderValue};

use super::client::{ApiInfo, SchemeKind};
use super::error::Error;
use super::redact::Secret;
use super::request::{RequestOptions, RequestParts};

#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    /// Sent for bearer and API key schemes that have no credential of their own.
    pub(crate) token: Option<Secret<String>>,
    pub(crate) basic: Option<(String, Secret<String>)>,
    /// Credentials for named schemes.
    pub(crate) by_scheme: BTreeMap<String, Secret<String>>,
}

impl Credentials {
    /// Headers and query pairs that carry the operation's credentials.
    #[allow(clippy::type_complexity)]
    pub(crate) fn for_request(
        &self,
        info: &ApiInfo,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<(Vec<(HeaderName, HeaderValue)>, Vec<(&'static str, String)>), Error> {
        if parts.auth.is_empty() && !parts.any_scheme {
            return Ok((Vec::new(), Vec::new()));
        }
        let override_token = options.access_token.clone().map(Secret::new);
        let creds = self;
        // The operation's schemes in its order of preference; for the escape hatch,
        // which knows none, the API's.
        let any = parts.any_scheme;
        let names = parts.auth.iter().copied().chain(
            info.security_schemes
                .iter()
                .filter(move |_| any)
                .map(|s| s.name),
        );
        for name in names {
            let Some(scheme) = info.security_schemes.iter().find(|s| s.name == name) else {
                continue;
            };
            let secret = override_token
                .as_ref()
                .or(creds.by_scheme.get(name))
                .or(creds.token.as_ref());
            let sensitive = |v: String| -> Result<HeaderValue, Error> {
                let mut value = HeaderValue::from_str(&v).map_err(|_| {
                    Error::Config(
                        "the credential contains characters that cannot be sent in a header".into(),
                    )
                })?;
                value.set_sensitive(true);
                Ok(value)
            };
            match scheme.kind {
                SchemeKind::Bearer => {
                    if let Some(s) = secret {
                        return Ok((
                            vec![(
                                header::AUTHORIZATION,
                                sensitive(format!("Bearer {}", s.expose()))?,
                            )],
                            Vec::new(),
                        ));
                    }
                }
                SchemeKind::Basic => {
                    if let Some((user, pass)) = &creds.basic {
                        use base64_lite::encode;
                        let token = encode(format!("{user}:{}", pass.expose()).as_bytes());
                        return Ok((
                            vec![(header::AUTHORIZATION, sensitive(format!("Basic {token}"))?)],
                            Vec::new(),
                        ));
                    }
                }
                SchemeKind::ApiKeyHeader(header_name) => {
                    if let Some(s) = secret {
                        let name =
                            HeaderName::from_bytes(header_name.as_bytes()).map_err(|_| {
                                Error::Config(format!("`{header_name}` is not a valid header name"))
                            })?;
                        return Ok((vec![(name, sensitive(s.expose().clone())?)], Vec::new()));
                    }
                }
                SchemeKind::ApiKeyQuery(param) => {
                    if let Some(s) = secret {
                        return Ok((Vec::new(), vec![(param, s.expose().clone())]));
                    }
                }
                SchemeKind::ApiKeyCookie(cookie) => {
                    if let Some(s) = secret {
                        return Ok((
                            vec![(
                                header::COOKIE,
                                sensitive(format!("{cookie}={}", s.expose()))?,
                            )],
                            Vec::new(),
                        ));
                    }
                }
            }
        }
        if parts.auth_optional {
            return Ok((Vec::new(), Vec::new()));
        }
        let hint = match info.env_access_token {
            Some(var) => format!("set {var} or call ClientBuilder::access_token"),
            None => "configure credentials on the ClientBuilder".to_string(),
        };
        Err(Error::MissingCredentials(format!(
            "{} `{}` needs credentials, and none are configured; {hint}",
            parts.method, parts.operation
        )))
    }
}

/// Just enough base64 for basic authentication, to spare a dependency.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn encodes() {
            assert_eq!(super::encode(b"user:pass"), "dXNlcjpwYXNz");
            assert_eq!(super::encode(b"a"), "YQ==");
            assert_eq!(super::encode(b"ab"), "YWI=");
        }
    }
}
