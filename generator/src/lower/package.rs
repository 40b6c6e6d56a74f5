//! The generated crate's package metadata, from the `x-sdk` keys at the document's
//! root, else generic defaults that suit any API:
//!
//! ```yaml
//! x-sdk:
//!   crate-version: 7.0.0          # semver of the Rust API, bumped by the maintainer
//!   description: Rust SDK for ...
//!   repository: https://...
//!   homepage: https://...
//!   documentation: https://...    # default: docs.rs
//!   keywords: [chat, messaging]   # at most 5
//!   categories: [api-bindings]
//!   license: MIT OR Apache-2.0    # the crate's; default: info.license, else none
//! ```
//!
//! The crate's version is not the API's: an API release that changes nothing in the
//! Rust API is no reason for a major version, and a breaking change to the Rust API
//! (on an unchanged API) needs one.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, pointer_push};
use crate::ir::Package;

const POINTER: &str = "/x-sdk";
const HINT: &str = "see README.md, \"Spec conventions\": x-sdk";
/// What crates.io accepts: at most 5 keywords of at most 20 characters.
const MAX_KEYWORDS: usize = 5;
const MAX_KEYWORD_LEN: usize = 20;

/// What the package metadata is read from.
pub(super) struct Facts<'a> {
    pub sdk: Option<&'a Value>,
    pub title: &'a str,
    pub api_version: &'a str,
    pub crate_name: &'a str,
    pub external_docs: Option<&'a str>,
    /// The licence the user asked for (`--license`), over everything in the spec.
    pub license: Option<&'a str>,
    /// `info.license`: `{name, identifier?, url?}`.
    pub info_license: Option<&'a Value>,
}

pub(super) fn package(facts: Facts<'_>, diags: &mut Diagnostics) -> Package {
    let Facts {
        sdk,
        title,
        api_version,
        crate_name,
        external_docs,
        license,
        info_license,
    } = facts;
    let empty = Map::new();
    let map = sdk.and_then(Value::as_object).unwrap_or(&empty);
    let mut reader = Reader { map, diags };
    let version = match reader.text("crate-version") {
        Some(v) if is_semver(&v) => v,
        Some(v) => {
            reader.invalid(
                "crate-version",
                format!("`crate-version` must be a semver version such as `1.2.0`, found `{v}`"),
            );
            api_crate_version(api_version)
        }
        None => api_crate_version(api_version),
    };
    let description = reader.text("description").unwrap_or_else(|| {
        format!(
            "Rust SDK for {} (generated from its OpenAPI spec).",
            title_phrase(title).replace('"', "'")
        )
    });
    let repository = reader.url("repository");
    let homepage = reader
        .url("homepage")
        .or_else(|| external_docs.filter(|u| is_url(u)).map(str::to_owned));
    let documentation = reader
        .url("documentation")
        .or_else(|| Some(format!("https://docs.rs/{crate_name}")));
    let keywords = reader.list("keywords", is_keyword).unwrap_or_else(|| {
        ["api", "client", "sdk"]
            .map(String::from)
            .into_iter()
            .collect()
    });
    if keywords.len() > MAX_KEYWORDS {
        reader.invalid(
            "keywords",
            format!("crates.io takes at most {MAX_KEYWORDS} keywords; the rest are left out"),
        );
    }
    let categories = reader
        .list("categories", |c| !c.is_empty() && c.is_ascii())
        .unwrap_or_else(|| vec!["api-bindings".into(), "web-programming::http-client".into()]);
    let license = match license {
        Some(l) => Some(l.trim().to_string()).filter(|l| !l.is_empty()),
        None => reader
            .text("license")
            .or_else(|| info_license.and_then(|l| spdx_of_info_license(l, reader.diags))),
    };
    Package {
        license,
        version,
        description,
        repository,
        homepage,
        documentation,
        keywords: keywords.into_iter().take(MAX_KEYWORDS).collect(),
        categories,
        // Decided with the servers (`servers::tls_by_default`).
        tls_by_default: true,
    }
}

/// The SPDX expression of `info.license`: its 3.1 `identifier`, else its `name` when
/// that reads as one (`MIT`, `Apache-2.0`; `Apache 2.0` is taken for `Apache-2.0`).
/// A name that does not is a warning, and the crate gets no licence: a licence is the
/// API owner's to grant, not the generator's to guess.
fn spdx_of_info_license(license: &Value, diags: &mut Diagnostics) -> Option<String> {
    if let Some(id) = license.get("identifier").and_then(Value::as_str) {
        return Some(id.trim().to_string()).filter(|id| !id.is_empty());
    }
    let name = license.get("name").and_then(Value::as_str)?.trim();
    let known = match name.to_ascii_lowercase().as_str() {
        "apache 2.0" | "apache-2.0" | "apache license 2.0" | "apache license, version 2.0" => {
            Some("Apache-2.0")
        }
        "mit" | "mit license" => Some("MIT"),
        "bsd-3-clause" | "bsd 3-clause" => Some("BSD-3-Clause"),
        _ => None,
    };
    if let Some(id) = known {
        return Some(id.to_string());
    }
    let spdx_like = !name.is_empty()
        && name
            .split(" OR ")
            .flat_map(|part| part.split(" AND "))
            .all(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
            });
    if spdx_like {
        return Some(name.to_string());
    }
    diags.warning(
        Kind::InvalidExtension,
        "/info/license/name",
        format!("the licence `{name}` is not an SPDX expression; the crate gets no `license` (set one with `--license` or `x-sdk.license`)"),
    );
    None
}

struct Reader<'a> {
    map: &'a Map<String, Value>,
    diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn text(&mut self, key: &str) -> Option<String> {
        let value = self.map.get(key)?;
        match value.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => {
                self.invalid(key, format!("`{key}` must be a non-empty string"));
                None
            }
        }
    }

    fn url(&mut self, key: &str) -> Option<String> {
        let url = self.text(key)?;
        if is_url(&url) {
            Some(url)
        } else {
            self.invalid(
                key,
                format!("`{key}` must be an http(s) URL, found `{url}`"),
            );
            None
        }
    }

    /// A list of strings; an item that `valid` refuses is left out with a warning.
    fn list(&mut self, key: &str, valid: fn(&str) -> bool) -> Option<Vec<String>> {
        let value = self.map.get(key)?;
        let Some(items) = value.as_array() else {
            self.invalid(key, format!("`{key}` must be a list of strings"));
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) if valid(s) => out.push(s.to_string()),
                _ => self.invalid(
                    &format!("{key}/{i}"),
                    format!("`{key}` item {item} is not one crates.io accepts; it is left out"),
                ),
            }
        }
        Some(out)
    }

    /// A warning: the manifest is still written, without the value.
    fn invalid(&mut self, key: &str, message: String) {
        let mut pointer = POINTER.to_string();
        for token in key.split('/') {
            pointer = pointer_push(&pointer, token);
        }
        self.diags
            .push(Diagnostic::warning(Kind::InvalidExtension, pointer, message).with_hint(HINT));
    }
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// crates.io's rule: ASCII letters first, then letters, digits, `_`, `-` or `+`.
fn is_keyword(k: &str) -> bool {
    k.len() <= MAX_KEYWORD_LEN
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

/// `MAJOR.MINOR.PATCH`, optionally with `-pre` and `+build` parts.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| is_number(p))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// The API's version if Cargo accepts it, else `0.1.0`.
fn api_crate_version(version: &str) -> String {
    let core = version.trim().trim_start_matches('v');
    let parts: Vec<&str> = core.split('.').collect();
    match parts.as_slice() {
        [a, b, c] if is_number(a) && is_number(b) && is_number(c) => core.to_string(),
        [a, b] if is_number(a) && is_number(b) => format!("{core}.0"),
        [a] if is_number(a) => format!("{core}.0.0"),
        _ => "0.1.0".to_string(),
    }
}

/// `the Stripe API`; `The Foo API` keeps its own article (`the Foo API`), so that
/// "Rust SDK for the The Foo API" cannot happen.
pub(super) fn title_phrase(title: &str) -> String {
    let title = title.trim();
    match title.split_once(char::is_whitespace) {
        Some((article, rest)) if article.eq_ignore_ascii_case("the") => {
            format!("the {}", rest.trim_start())
        }
        _ => format!("the {title}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_cargo_cannot_read_give_0_1_0() {
        assert_eq!(api_crate_version("6.0.0"), "6.0.0");
        assert_eq!(api_crate_version("1.0"), "1.0.0");
        assert_eq!(api_crate_version("v2"), "2.0.0");
        assert_eq!(api_crate_version("2023-08-16"), "0.1.0");
        assert_eq!(api_crate_version(""), "0.1.0");
        assert_eq!(api_crate_version("1.0.0-beta"), "0.1.0");
    }

    fn facts<'a>(
        sdk: Option<&'a serde_json::Value>,
        license: Option<&'a str>,
        info_license: Option<&'a serde_json::Value>,
    ) -> Facts<'a> {
        Facts {
            sdk,
            title: "Pets",
            api_version: "6.0.0",
            crate_name: "pets",
            external_docs: None,
            license,
            info_license,
        }
    }

    #[test]
    fn the_licence_is_the_options_else_x_sdk_else_info_license_else_none() {
        let sdk = serde_json::json!({"license": "MIT OR Apache-2.0"});
        let info = serde_json::json!({"name": "Apache 2.0"});
        let mut diags = Diagnostics::new();
        let license = |f: Facts<'_>, d: &mut Diagnostics| package(f, d).license;
        assert_eq!(
            license(facts(Some(&sdk), Some("MPL-2.0"), Some(&info)), &mut diags).as_deref(),
            Some("MPL-2.0")
        );
        assert_eq!(
            license(facts(Some(&sdk), None, Some(&info)), &mut diags).as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            license(facts(None, None, Some(&info)), &mut diags).as_deref(),
            Some("Apache-2.0")
        );
        let id = serde_json::json!({"name": "whatever", "identifier": "BSD-2-Clause"});
        assert_eq!(
            license(facts(None, None, Some(&id)), &mut diags).as_deref(),
            Some("BSD-2-Clause")
        );
        assert_eq!(license(facts(None, None, None), &mut diags), None);
        assert!(diags.is_empty());
        // Not an SPDX expression: no licence, and a warning that says how to set one.
        let prose = serde_json::json!({"name": "Proprietary, all rights reserved"});
        assert_eq!(license(facts(None, None, Some(&prose)), &mut diags), None);
        assert_eq!(diags.iter().count(), 1);
    }

    #[test]
    fn a_title_with_its_own_article_is_not_given_another() {
        let mut diags = Diagnostics::new();
        let described = |title: &str, diags: &mut Diagnostics| {
            let facts = Facts {
                title,
                ..facts(None, None, None)
            };
            package(facts, diags).description
        };
        assert_eq!(
            described("The Pets API", &mut diags),
            "Rust SDK for the Pets API (generated from its OpenAPI spec)."
        );
        assert_eq!(
            described("Theory API", &mut diags),
            "Rust SDK for the Theory API (generated from its OpenAPI spec)."
        );
        assert_eq!(title_phrase("the  Museum API"), "the Museum API");
        assert_eq!(title_phrase("Stripe API"), "the Stripe API");
    }

    #[test]
    fn x_sdk_keys_override_the_defaults_and_bad_ones_warn() {
        let sdk = serde_json::json!({
            "crate-version": "7.0.0",
            "homepage": "https://example.com/api",
            "repository": "not a url",
            "keywords": ["chat", "9lives", "messaging"],
        });
        let mut diags = Diagnostics::new();
        let p = package(facts(Some(&sdk), None, None), &mut diags);
        assert_eq!(p.version, "7.0.0");
        assert_eq!(p.homepage.as_deref(), Some("https://example.com/api"));
        assert_eq!(p.repository, None);
        assert_eq!(p.documentation.as_deref(), Some("https://docs.rs/pets"));
        assert_eq!(p.keywords, ["chat", "messaging"]);
        let pointers: Vec<_> = diags.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/x-sdk/repository", "/x-sdk/keywords/1"]);

        let bad = serde_json::json!({"crate-version": "7"});
        let mut diags = Diagnostics::new();
        let p = package(facts(Some(&bad), None, None), &mut diags);
        assert_eq!(p.version, "6.0.0");
        assert_eq!(diags.iter().count(), 1);
    }
}
