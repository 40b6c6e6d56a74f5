//! Structural check of the raw document, before `openapiv3` reads it.
//!
//! Every value of the wrong type is reported at its exact pointer. What can be dropped
//! without changing the meaning of the rest (a malformed `required`, a `format` that
//! is not a string) is dropped with a warning, so that one slip in a large spec does
//! not stop generation; what cannot is an error.
//!
//! By concern: this file holds the document's top level and the small checks shared by
//! the others; `paths.rs` paths, operations, parameters, bodies and responses; `schema.rs`
//! schemas; `components.rs` components and security; `refs.rs` that every `$ref` resolves.

mod components;
mod paths;
mod refs;
mod schema;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, pointer_push};

/// Returns false if the document cannot be read as OpenAPI 3.0 (or 3.1 brought to its
/// shape) at all.
pub fn check_document(root: &mut Value, diags: &mut Diagnostics) -> bool {
    let mut c = Checker {
        diags,
        schema_depth: 0,
    };
    let Some(doc) = root.as_object_mut() else {
        let message = if root.is_null() {
            "the spec has no content".to_string()
        } else {
            format!("the document must be a mapping, found {}", describe(root))
        };
        c.diags.error(Kind::InvalidValue, "", message);
        return false;
    };
    let errors = |d: &Diagnostics| d.iter().filter(|d| d.is_error()).count();
    let before = errors(c.diags);
    c.version(doc);
    if errors(c.diags) > before {
        return false;
    }
    c.info(doc);
    match doc.get_mut("paths") {
        None => {
            c.diags.warning(
                Kind::InvalidValue,
                "",
                "the document has no `paths`; no operations are generated",
            );
            doc.insert("paths".into(), Value::Object(Map::new()));
        }
        Some(paths) => c.paths(paths, "/paths"),
    }
    if let Some(webhooks) = doc.get_mut("webhooks") {
        c.webhooks(webhooks, "/webhooks");
    }
    if let Some(components) = doc.get_mut("components") {
        c.components(components, "/components");
    }
    if let Some(security) = doc.get_mut("security") {
        c.security_requirements(security, "/security");
    }
    if let Some(tags) = doc.get_mut("tags") {
        c.tags(tags, "/tags");
    }
    c.external_docs_or_drop(doc, "");
    c.servers(doc, "");
    let refs = refs::check_refs(doc);
    for d in refs {
        c.diags.push(d);
    }
    true
}

struct Checker<'d> {
    diags: &'d mut Diagnostics,
    /// How many schemas enclose the one being checked.
    schema_depth: usize,
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() > 40 => "a string".into(),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

impl Checker<'_> {
    /// The `servers` of the document, a path item or an operation: each needs a `url`
    /// string and a string `default` for each variable; a server without them is
    /// dropped with a warning rather than failing the document (lowering decides which
    /// URLs it can use), as are a variable's `enum` and `description` of the wrong type.
    fn servers(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let at = pointer_push(pointer, "servers");
        let Some(servers) = map.get_mut("servers") else {
            return;
        };
        let Some(list) = servers.as_array_mut() else {
            self.diags
                .warning(Kind::InvalidValue, at, "`servers` must be a list; ignored");
            map.remove("servers");
            return;
        };
        let usable = |server: &Value| {
            server.get("url").is_some_and(Value::is_string)
                && server.get("variables").is_none_or(|vars| {
                    vars.as_object().is_some_and(|m| {
                        m.values()
                            .all(|v| v.get("default").is_some_and(Value::is_string))
                    })
                })
        };
        for (i, server) in list.iter_mut().enumerate() {
            let server_at = pointer_push(&at, &i.to_string());
            if !usable(server) {
                self.diags.warning(
                    Kind::InvalidValue,
                    server_at,
                    "a server needs a `url` string, and a string `default` for each variable; ignored",
                );
                continue;
            }
            if let Some(server) = server.as_object_mut() {
                self.string_or_drop(server, &server_at, "description");
            }
            let Some(vars) = server.get_mut("variables").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, var) in vars.iter_mut() {
                let var_at = pointer_push(&pointer_push(&server_at, "variables"), name);
                let Some(var) = var.as_object_mut() else {
                    continue;
                };
                self.string_list_or_drop(var, &var_at, "enum");
                self.string_or_drop(var, &var_at, "description");
            }
        }
        list.retain(usable);
    }

    fn version(&mut self, doc: &mut Map<String, Value>) {
        match doc.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0") => {}
            // Normalized to the 3.0 shape by `openapi31` before this check.
            Some(Value::String(v)) if v.starts_with("3.1") => {}
            Some(Value::String(v)) => self.diags.push(Diagnostic::error(
                Kind::UnsupportedVersion,
                "/openapi",
                format!("OpenAPI version `{v}` is not supported; this generator reads OpenAPI 3.0 and 3.1"),
            )),
            Some(other) => self.diags.push(
                Diagnostic::error(
                    Kind::InvalidValue,
                    "/openapi",
                    format!(
                        "`openapi` must be a version string such as \"3.0.3\", found {}",
                        describe(other)
                    ),
                )
                .with_hint("quote the version: openapi: \"3.0.3\""),
            ),
            None if doc.contains_key("swagger") => self.diags.push(
                Diagnostic::error(
                    Kind::UnsupportedVersion,
                    "/swagger",
                    "Swagger 2.0 documents are not supported; this generator reads OpenAPI 3.0 and 3.1",
                )
                .with_hint("convert the document to OpenAPI 3.0 or 3.1 first"),
            ),
            None => self.diags.push(
                Diagnostic::error(
                    Kind::InvalidValue,
                    "",
                    "the document has no `openapi` version field",
                )
                .with_hint("add `openapi: 3.0.3` at the top"),
            ),
        }
    }

    fn info(&mut self, doc: &mut Map<String, Value>) {
        let info = doc
            .entry("info")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(info) = info.as_object_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                "/info",
                "`info` must be a mapping; ignored",
            );
            doc.insert("info".into(), Value::Object(Map::new()));
            return self.info(doc);
        };
        for key in ["title", "version"] {
            match info.get(key) {
                Some(Value::String(_)) => {}
                Some(Value::Number(n)) => {
                    // `version: 1.0` is a common slip; keep its text.
                    let s = n.to_string();
                    info.insert(key.into(), Value::String(s));
                }
                Some(other) => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        format!("/info/{key}"),
                        format!("`info.{key}` must be a string, found {}", describe(other)),
                    );
                    info.insert(key.into(), Value::String(String::new()));
                }
                None => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        "/info",
                        format!("`info` has no `{key}`"),
                    );
                    info.insert(key.into(), Value::String(String::new()));
                }
            }
        }
        self.string_or_drop(info, "/info", "description");
        // Contact and terms are not used by a client; the licence may name the crate's
        // (a `name`, and in 3.1 an SPDX `identifier`), and is dropped when it cannot.
        info.remove("contact");
        info.remove("termsOfService");
        let licence_usable = info.get("license").is_some_and(|l| {
            l.get("name").is_some_and(Value::is_string)
                && l.get("url").is_none_or(Value::is_string)
                && l.get("identifier").is_none_or(Value::is_string)
        });
        if !licence_usable {
            info.remove("license");
        }
    }

    fn tags(&mut self, tags: &mut Value, pointer: &str) {
        let Some(list) = tags.as_array_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                "`tags` must be a list; ignored",
            );
            *tags = Value::Array(Vec::new());
            return;
        };
        list.retain(|t| t.get("name").is_some_and(Value::is_string));
        // Only a tag's name and description matter to a client.
        for t in list.iter_mut() {
            if let Some(t) = t.as_object_mut() {
                t.retain(|k, v| k == "name" || (k == "description" && v.is_string()));
            }
        }
    }

    /// `externalDocs` needs a `url`; a malformed one is dropped (a client has no use
    /// for it, and openapiv3 would reject the whole schema).
    fn external_docs_or_drop(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        if let Some(d) = map.get("externalDocs")
            && !d.get("url").is_some_and(Value::is_string)
        {
            self.diags.warning(
                Kind::InvalidValue,
                pointer_push(pointer, "externalDocs"),
                "`externalDocs` needs a `url` string; ignored",
            );
            map.remove("externalDocs");
        }
    }

    fn string_or_drop(&mut self, map: &mut Map<String, Value>, pointer: &str, key: &str) {
        if let Some(v) = map.get(key)
            && !v.is_string()
        {
            self.diags.warning(
                Kind::InvalidValue,
                pointer_push(pointer, key),
                format!("`{key}` must be a string, found {}; ignored", describe(v)),
            );
            map.remove(key);
        }
    }

    fn bool_or_drop(&mut self, map: &mut Map<String, Value>, pointer: &str, key: &str) {
        if let Some(v) = map.get(key)
            && !v.is_boolean()
        {
            self.diags.warning(
                Kind::InvalidValue,
                pointer_push(pointer, key),
                format!(
                    "`{key}` must be true or false, found {}; ignored",
                    describe(v)
                ),
            );
            map.remove(key);
        }
    }

    fn string_list_or_drop(&mut self, map: &mut Map<String, Value>, pointer: &str, key: &str) {
        if let Some(v) = map.get(key)
            && !v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        {
            self.diags.warning(
                Kind::InvalidValue,
                pointer_push(pointer, key),
                format!("`{key}` must be a list of strings; ignored"),
            );
            map.remove(key);
        }
    }
}
