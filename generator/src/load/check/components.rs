//! Components and security schemes and requirements.

use serde_json::{Map, Value};

use super::{Checker, describe};
use crate::diagnostics::{Diagnostic, Kind, pointer_push};

impl Checker<'_> {
    pub(super) fn components(&mut self, components: &mut Value, pointer: &str) {
        let Some(map) = components.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!(
                    "`components` must be a mapping, found {}",
                    describe(components)
                ),
            );
            return;
        };
        type Section = fn(&mut Checker<'_>, &mut Value, &str);
        let sections: [(&str, Section); 6] = [
            ("schemas", |c, v, p| c.schema(v, p)),
            ("parameters", |c, v, p| {
                if !c.parameter(v, p) {
                    *v = Value::Null;
                }
            }),
            ("responses", |c, v, p| c.response(v, p)),
            ("requestBodies", |c, v, p| c.request_body(v, p)),
            ("headers", |c, v, p| c.header(v, p)),
            ("securitySchemes", |c, v, p| c.security_scheme(v, p)),
        ];
        for (section, check) in sections {
            let p = pointer_push(pointer, section);
            let Some(entries) = map.get_mut(section) else {
                continue;
            };
            let Some(entries) = entries.as_object_mut() else {
                self.diags.error(
                    Kind::InvalidValue,
                    &p,
                    format!("`components.{section}` must be a mapping"),
                );
                continue;
            };
            for (name, value) in entries.iter_mut() {
                check(self, value, &pointer_push(&p, name));
            }
            entries.retain(|_, v| !v.is_null());
        }
        // Sections a client does not use; malformed ones must not stop the load.
        for section in ["examples", "links", "callbacks"] {
            map.remove(section);
        }
    }

    pub(super) fn security_scheme(&mut self, scheme: &mut Value, pointer: &str) {
        let Some(map) = scheme.as_object_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                "a security scheme must be a mapping; ignored",
            );
            *scheme = Value::Null;
            return;
        };
        if map.contains_key("$ref") {
            self.diags.warning(
                Kind::Unsupported,
                pointer,
                "a security scheme given as `$ref` is not supported; ignored",
            );
            *scheme = Value::Null;
            return;
        }
        let ok = match map.get("type").and_then(Value::as_str) {
            Some("apiKey") => {
                map.get("name").is_some_and(Value::is_string)
                    && map
                        .get("in")
                        .and_then(Value::as_str)
                        .is_some_and(|s| ["query", "header", "cookie"].contains(&s))
            }
            Some("http") => map.get("scheme").is_some_and(Value::is_string),
            Some("oauth2") => {
                // The client sends the token it is given; the flows are not used.
                map.insert("flows".into(), Value::Object(Map::new()));
                true
            }
            Some("openIdConnect") => map.get("openIdConnectUrl").is_some_and(Value::is_string),
            _ => false,
        };
        if !ok {
            self.diags.push(
                Diagnostic::warning(Kind::InvalidValue, pointer, "malformed security scheme; ignored, and operations that need it send no credentials")
                    .with_hint("`type` is apiKey (with `name` and `in`), http (with `scheme`), oauth2 (with `flows`) or openIdConnect"),
            );
            *scheme = Value::Null;
        }
    }

    pub(super) fn security_requirements(&mut self, security: &mut Value, pointer: &str) {
        let valid = security.as_array().is_some_and(|list| {
            list.iter().all(|r| {
                r.as_object().is_some_and(|m| {
                    m.values()
                        .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
                })
            })
        });
        if !valid {
            self.diags.warning(Kind::InvalidValue, pointer, "`security` must be a list of mappings from scheme names to lists of scopes; ignored");
            *security = Value::Array(Vec::new());
        }
    }
}
