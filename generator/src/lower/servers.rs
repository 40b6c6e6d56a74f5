//! Servers: the document's first one is the client's default base URL; an operation
//! (or its path item) with `servers` of its own is sent to its first one instead. What
//! the runtime does with them (a client pointed elsewhere takes them along, a builder
//! method maps one to another URL) is in the crate README that `emit::readme` writes.

use openapiv3::{OpenAPI, Server};

use super::Lowerer;
use crate::diagnostics::Kind;
use crate::ir::{OperationServer, Resource, ServerUse};
use crate::json_pointer::pointer_push;

/// A server's URL with its variables at their defaults, without a trailing `/`.
fn with_defaults(server: &Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url.trim_end_matches('/').to_string()
}

fn is_absolute(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The first server's URL with its variables at their defaults, if it is absolute.
pub(super) fn default_base_url(doc: &OpenAPI) -> Option<String> {
    let url = with_defaults(doc.servers.first()?);
    is_absolute(&url).then_some(url)
}

/// Whether the crate's default features include TLS: yes unless every server the
/// document names (its own and the operations') is plain `http://`, as an API on the
/// user's own machine is. Without servers, or with a relative one, the scheme is unknown,
/// and TLS stays.
pub(super) fn tls_by_default(doc: &OpenAPI, uses: &[ServerUse]) -> bool {
    let plain = |url: &str| url.to_ascii_lowercase().starts_with("http://");
    let own: Vec<String> = doc.servers.iter().map(with_defaults).collect();
    own.is_empty()
        || !own.iter().all(|u| plain(u))
        || !uses.iter().all(|u| !u.relative && plain(&u.url))
}

impl Lowerer<'_> {
    /// The server an operation is sent to when the spec gives it one of its own: the
    /// first of the operation's `servers`, else of its path item's. `None` when neither
    /// has any, or it is the document's server. A URL that cannot be used (a variable
    /// without a value, another scheme than http(s), a query) is a warning, and the
    /// operation goes to the client's base URL.
    pub(super) fn operation_server(
        &mut self,
        own: &[Server],
        item: &[Server],
        pointer: &str,
    ) -> Option<OperationServer> {
        let path_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
        let (server, at) = match (own.first(), item.first()) {
            (Some(s), _) => (s, pointer_push(&pointer_push(pointer, "servers"), "0")),
            (None, Some(s)) => (s, pointer_push(&pointer_push(path_pointer, "servers"), "0")),
            (None, None) => return None,
        };
        let mut url = with_defaults(server);
        let base = default_base_url(self.doc);
        let unusable = if url.contains(['{', '}']) {
            Some("has a variable without a value in `variables`")
        } else if url.contains(['?', '#']) {
            Some("has a query or fragment")
        } else if url.contains("://") && !is_absolute(&url) {
            Some("is neither http nor https")
        } else if is_absolute(&url) && url.split("://").nth(1).is_none_or(|rest| rest.is_empty()) {
            Some("has no host")
        } else {
            None
        };
        if let Some(why) = unusable {
            self.diags.warning(
                Kind::Unsupported,
                pointer_push(&at, "url"),
                format!(
                    "the server `{}` {why}; the operation is sent to the client's base URL",
                    server.url
                ),
            );
            return None;
        }
        // `//host/path` names a host: it takes the document's scheme (else https) and
        // is absolute, so that it never follows the base URL to another host.
        if url.starts_with("//") {
            let scheme = base
                .as_deref()
                .and_then(|b| b.split_once("://"))
                .map_or("https", |(s, _)| s);
            url = format!("{scheme}:{url}");
        }
        let relative = !is_absolute(&url);
        let default = match (&base, relative) {
            (_, false) => Some(url.clone()),
            (Some(base), true) => Some(resolve(base, &url)),
            (None, true) => None,
        };
        if default.is_some() && default == base {
            return None;
        }
        Some(OperationServer {
            url,
            relative,
            default,
        })
    }
}

/// `reference` resolved against the absolute URL `base` (RFC 3986, section 5.2) as the
/// runtime resolves it (`Url::join`), without a trailing `/`: `/v2` against
/// `https://h/v1` is `https://h/v2`, `v2` is `https://h/v2` too (it replaces the last
/// segment), `./v2` under `https://h/v1/` is `https://h/v1/v2`.
pub(super) fn resolve(base: &str, reference: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let (authority, base_path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let merged = if reference.starts_with('/') {
        reference.to_string()
    } else if reference.is_empty() {
        base_path.to_string()
    } else {
        // The base's path up to its last `/`, then the reference.
        let dir = base_path.rfind('/').map_or("/", |i| &base_path[..=i]);
        format!("{dir}{reference}")
    };
    let path = remove_dot_segments(&merged);
    format!("{scheme}://{authority}{path}")
        .trim_end_matches('/')
        .to_string()
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// The operations' own servers, each once in the order operations first use it, with
/// the operations sent to it.
pub(super) fn server_uses(root: &Resource) -> Vec<ServerUse> {
    let mut uses: Vec<ServerUse> = Vec::new();
    for op in root.all_operations() {
        let Some(server) = &op.server else { continue };
        match uses.iter_mut().find(|u| u.url == server.url) {
            Some(u) => u.operations.push(op.sdk_name.clone()),
            None => uses.push(ServerUse {
                url: server.url.clone(),
                relative: server.relative,
                default: server.default.clone(),
                operations: vec![op.sdk_name.clone()],
            }),
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::{resolve, tls_by_default};
    use crate::ir::ServerUse;

    fn doc(servers: &str) -> openapiv3::OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nservers: {servers}\n"
        );
        serde_yaml::from_str(&text).unwrap()
    }

    fn own(url: &str, relative: bool) -> ServerUse {
        ServerUse {
            url: url.into(),
            relative,
            default: None,
            operations: vec!["op".into()],
        }
    }

    /// TLS leaves the defaults only when every server named is plain http; a scheme
    /// the document does not give (no servers, a relative one) keeps it.
    #[test]
    fn tls_is_a_default_unless_every_server_is_plain_http() {
        let local =
            doc("[{url: 'http://localhost:{port}', variables: {port: {default: '23373'}}}]");
        assert!(!tls_by_default(&local, &[]));
        assert!(!tls_by_default(&local, &[own("HTTP://files.local", false)]));
        assert!(tls_by_default(
            &local,
            &[own("https://files.example", false)]
        ));
        assert!(tls_by_default(&local, &[own("/files", true)]));
        assert!(tls_by_default(&doc("[]"), &[]));
        assert!(tls_by_default(&doc("[{url: /api}]"), &[]));
        assert!(tls_by_default(
            &doc("[{url: 'http://a.example'}, {url: 'https://b.example'}]"),
            &[]
        ));
    }

    /// The same answers as `url::Url::join`, which the runtime uses.
    #[test]
    fn relative_servers_resolve_as_rfc_3986_says() {
        let base = "https://api.example.com/v1";
        assert_eq!(resolve(base, "/v2"), "https://api.example.com/v2");
        assert_eq!(resolve(base, "v2"), "https://api.example.com/v2");
        assert_eq!(
            resolve(base, "/v3/mirror"),
            "https://api.example.com/v3/mirror"
        );
        assert_eq!(resolve(base, "../x"), "https://api.example.com/x");
        assert_eq!(resolve(base, ""), "https://api.example.com/v1");
        assert_eq!(
            resolve("https://h.example/a/b/", "./c"),
            "https://h.example/a/b/c"
        );
        assert_eq!(
            resolve("http://localhost:9999", "/files"),
            "http://localhost:9999/files"
        );
        assert_eq!(
            resolve("http://localhost:9999", "files"),
            "http://localhost:9999/files"
        );
    }
}
