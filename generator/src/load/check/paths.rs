//! Paths, operations, parameters, request bodies, responses and headers.

use serde_json::{Map, Value};

use super::{Checker, describe};
use crate::diagnostics::{Diagnostic, Kind, pointer_push};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Checker<'_> {
    pub(super) fn paths(&mut self, paths: &mut Value, pointer: &str) {
        let Some(map) = paths.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!(
                    "`paths` must be a mapping of path templates, found {}",
                    describe(paths)
                ),
            );
            return;
        };
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let p = pointer_push(pointer, &key);
            if key.starts_with("x-") {
                continue;
            }
            if !key.starts_with('/') {
                self.diags.warning(
                    Kind::InvalidValue,
                    &p,
                    format!("path `{key}` does not start with `/`"),
                );
            }
            let item = map.get_mut(&key).expect("key listed above");
            self.path_item(item, &p);
        }
    }

    /// `webhooks` (OpenAPI 3.1): path items of requests the API sends; checked like
    /// paths, without the path template rules.
    pub(super) fn webhooks(&mut self, webhooks: &mut Value, pointer: &str) {
        let Some(map) = webhooks.as_object_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                format!(
                    "`webhooks` must be a mapping, found {}; ignored",
                    describe(webhooks)
                ),
            );
            *webhooks = Value::Object(Map::new());
            return;
        };
        for (name, item) in map.iter_mut() {
            if !name.starts_with("x-") {
                self.path_item(item, &pointer_push(pointer, name));
            }
        }
    }

    pub(super) fn path_item(&mut self, item: &mut Value, pointer: &str) {
        let Some(map) = item.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("a path item must be a mapping, found {}", describe(item)),
            );
            return;
        };
        if map.contains_key("$ref") {
            self.diags.push(
                Diagnostic::warning(
                    Kind::Unsupported,
                    pointer_push(pointer, "$ref"),
                    "a path item given as `$ref` is not supported; its operations are skipped",
                )
                .with_hint("write the path item inline"),
            );
            map.clear();
            return;
        }
        self.servers(map, pointer);
        if let Some(params) = map.get_mut("parameters") {
            self.parameter_list(params, &pointer_push(pointer, "parameters"));
        }
        for method in METHODS {
            if let Some(op) = map.get_mut(method) {
                self.operation(op, &pointer_push(pointer, method));
            }
        }
        self.string_or_drop(map, pointer, "summary");
        self.string_or_drop(map, pointer, "description");
    }

    pub(super) fn operation(&mut self, op: &mut Value, pointer: &str) {
        let Some(map) = op.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("an operation must be a mapping, found {}", describe(op)),
            );
            return;
        };
        self.string_or_drop(map, pointer, "operationId");
        self.external_docs_or_drop(map, pointer);
        self.servers(map, pointer);
        self.string_or_drop(map, pointer, "summary");
        self.string_or_drop(map, pointer, "description");
        self.bool_or_drop(map, pointer, "deprecated");
        self.string_list_or_drop(map, pointer, "tags");
        if let Some(params) = map.get_mut("parameters") {
            self.parameter_list(params, &pointer_push(pointer, "parameters"));
        }
        if let Some(body) = map.get_mut("requestBody") {
            self.request_body(body, &pointer_push(pointer, "requestBody"));
        }
        match map.get_mut("responses") {
            Some(responses) => self.responses(responses, &pointer_push(pointer, "responses")),
            None => {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer,
                    "the operation has no `responses`; it is taken to return nothing",
                );
                map.insert("responses".into(), Value::Object(Map::new()));
            }
        }
        if let Some(security) = map.get_mut("security") {
            self.security_requirements(security, &pointer_push(pointer, "security"));
        }
        if let Some(callbacks) = map.get("callbacks") {
            if !callbacks.is_object() {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, "callbacks"),
                    "`callbacks` must be a mapping; ignored",
                );
                map.remove("callbacks");
            } else {
                // Callbacks describe requests the server makes; a client has nothing to
                // generate for them, and they are not read further.
                map.remove("callbacks");
            }
        }
    }

    pub(super) fn parameter_list(&mut self, params: &mut Value, pointer: &str) {
        let Some(list) = params.as_array_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("`parameters` must be a list, found {}", describe(params)),
            );
            return;
        };
        let mut keep = Vec::with_capacity(list.len());
        for (i, p) in list.drain(..).enumerate() {
            let mut p = p;
            if self.parameter(&mut p, &pointer_push(pointer, &i.to_string())) {
                keep.push(p);
            }
        }
        *list = keep;
    }

    /// Returns false if the parameter is unusable and was dropped.
    pub(super) fn parameter(&mut self, p: &mut Value, pointer: &str) -> bool {
        let Some(map) = p.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("a parameter must be a mapping, found {}", describe(p)),
            );
            return false;
        };
        if self.is_reference(map, pointer) {
            return true;
        }
        let name_ok = matches!(map.get("name"), Some(Value::String(_)));
        if !name_ok {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                "the parameter has no `name` string",
            );
        }
        match map.get("in") {
            Some(Value::String(s))
                if ["query", "header", "path", "cookie"].contains(&s.as_str()) => {}
            Some(Value::String(s)) => {
                self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        pointer_push(pointer, "in"),
                        format!("unknown parameter location `{s}`"),
                    )
                    .with_hint("`in` is one of query, header, path, cookie"),
                );
                return false;
            }
            Some(other) => {
                self.diags.error(
                    Kind::InvalidValue,
                    pointer_push(pointer, "in"),
                    format!("`in` must be a string, found {}", describe(other)),
                );
                return false;
            }
            None => {
                self.diags
                    .error(Kind::InvalidValue, pointer, "the parameter has no `in`");
                return false;
            }
        }
        self.bool_or_drop(map, pointer, "required");
        self.bool_or_drop(map, pointer, "deprecated");
        promote_first_example(map);
        self.bool_or_drop(map, pointer, "explode");
        self.bool_or_drop(map, pointer, "allowEmptyValue");
        self.bool_or_drop(map, pointer, "allowReserved");
        self.string_or_drop(map, pointer, "description");
        if let Some(style) = map.get("style") {
            let known = [
                "matrix",
                "label",
                "form",
                "simple",
                "spaceDelimited",
                "pipeDelimited",
                "deepObject",
            ];
            if !style.as_str().is_some_and(|s| known.contains(&s)) {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, "style"),
                    format!(
                        "unknown parameter style {}; the default style is used",
                        describe(style)
                    ),
                );
                map.remove("style");
            }
        }
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, &pointer_push(pointer, "schema"));
        } else if let Some(content) = map.get_mut("content") {
            self.content(content, &pointer_push(pointer, "content"));
        } else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                "the parameter has neither `schema` nor `content`; it is taken to be a string",
            );
            map.insert("schema".into(), serde_json::json!({"type": "string"}));
        }
        name_ok
    }

    /// Whether `map` is a `$ref` to follow (its siblings are dropped). A `$ref` that is
    /// not a string is reported and removed, and the map is checked as an inline object.
    pub(super) fn is_reference(&mut self, map: &mut Map<String, Value>, pointer: &str) -> bool {
        match map.get("$ref") {
            Some(Value::String(_)) => {
                // Siblings of `$ref` are ignored in OpenAPI 3.0.
                map.retain(|k, _| k == "$ref" || k.starts_with("x-"));
                true
            }
            Some(other) => {
                self.diags.error(
                    Kind::InvalidValue,
                    pointer_push(pointer, "$ref"),
                    format!("`$ref` must be a string, found {}", describe(other)),
                );
                // Removed, so that the rest is checked (and read) as an inline object.
                map.remove("$ref");
                false
            }
            None => false,
        }
    }

    pub(super) fn request_body(&mut self, body: &mut Value, pointer: &str) {
        let Some(map) = body.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("a request body must be a mapping, found {}", describe(body)),
            );
            return;
        };
        if self.is_reference(map, pointer) {
            return;
        }
        self.bool_or_drop(map, pointer, "required");
        self.string_or_drop(map, pointer, "description");
        match map.get_mut("content") {
            Some(content) => self.content(content, &pointer_push(pointer, "content")),
            None => {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer,
                    "the request body has no `content`; it is ignored",
                );
                map.insert("content".into(), Value::Object(Map::new()));
            }
        }
    }

    pub(super) fn content(&mut self, content: &mut Value, pointer: &str) {
        let Some(map) = content.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!(
                    "`content` must be a mapping of media types, found {}",
                    describe(content)
                ),
            );
            return;
        };
        for (media, value) in map.iter_mut() {
            let p = pointer_push(pointer, media);
            let Some(mt) = value.as_object_mut() else {
                if value.is_null() {
                    *value = Value::Object(Map::new());
                    continue;
                }
                self.diags.error(
                    Kind::InvalidValue,
                    &p,
                    format!(
                        "a media type object must be a mapping, found {}",
                        describe(value)
                    ),
                );
                continue;
            };
            if let Some(schema) = mt.get_mut("schema") {
                self.schema(schema, &pointer_push(&p, "schema"));
            }
            // Neither is used by a client, and a malformed one would fail the whole
            // document in openapiv3 (the first example's value is kept as `example`).
            mt.remove("encoding");
            promote_first_example(mt);
        }
    }

    pub(super) fn responses(&mut self, responses: &mut Value, pointer: &str) {
        let Some(map) = responses.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!(
                    "`responses` must be a mapping of status codes, found {}",
                    describe(responses)
                ),
            );
            return;
        };
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            if key.starts_with("x-") {
                continue;
            }
            let p = pointer_push(pointer, &key);
            let valid_code = key == "default"
                || (key.len() == 3 && key.chars().all(|c| c.is_ascii_digit()))
                || (key.len() == 3
                    && key.as_bytes()[0].is_ascii_digit()
                    && &key[1..].to_ascii_uppercase() == "XX");
            if !valid_code {
                self.diags.warning(Kind::InvalidValue, &p, format!("`{key}` is not a status code, a range such as 2XX, or `default`; the response is ignored"));
                map.remove(&key);
                continue;
            }
            if key[1..] == *"xx" {
                // openapiv3 only reads upper-case ranges.
                let value = map.remove(&key).expect("present");
                map.insert(format!("{}XX", &key[..1]), value);
                continue;
            }
            let response = map.get_mut(&key).expect("present");
            self.response(response, &p);
        }
    }

    pub(super) fn response(&mut self, response: &mut Value, pointer: &str) {
        let Some(map) = response.as_object_mut() else {
            self.diags.error(
                Kind::InvalidValue,
                pointer,
                format!("a response must be a mapping, found {}", describe(response)),
            );
            return;
        };
        if self.is_reference(map, pointer) {
            return;
        }
        match map.get("description") {
            Some(Value::String(_)) => {}
            Some(_) | None => {
                // Required by OpenAPI, but nothing in a client depends on it.
                map.insert("description".into(), Value::String(String::new()));
            }
        }
        if let Some(content) = map.get_mut("content") {
            self.content(content, &pointer_push(pointer, "content"));
        }
        if let Some(headers) = map.get_mut("headers") {
            self.headers(headers, &pointer_push(pointer, "headers"));
        }
        map.remove("links");
    }

    pub(super) fn headers(&mut self, headers: &mut Value, pointer: &str) {
        let Some(map) = headers.as_object_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                "`headers` must be a mapping; ignored",
            );
            *headers = Value::Object(Map::new());
            return;
        };
        for (name, header) in map.iter_mut() {
            self.header(header, &pointer_push(pointer, name));
        }
        map.retain(|_, h| !h.is_null());
    }

    /// Leaves `null` in place of a header that cannot be used.
    pub(super) fn header(&mut self, header: &mut Value, pointer: &str) {
        let Some(h) = header.as_object_mut() else {
            self.diags.warning(
                Kind::InvalidValue,
                pointer,
                "a header must be a mapping; ignored",
            );
            *header = Value::Null;
            return;
        };
        if self.is_reference(h, pointer) {
            return;
        }
        // `name` and `in` are not allowed in a header object, and openapiv3 rejects them;
        // `style` can only be `simple`; examples are not used.
        h.remove("name");
        h.remove("in");
        h.remove("style");
        h.remove("examples");
        if let Some(schema) = h.get_mut("schema") {
            self.schema(schema, &pointer_push(pointer, "schema"));
        } else if !h.contains_key("content") {
            h.insert("schema".into(), serde_json::json!({"type": "string"}));
        }
    }
}

/// Keeps the value of the first inline entry of `examples` as `example`, when there is
/// none (lowering shows it in the generated examples), and drops `examples`: its entries
/// may be `$ref`s to `components.examples`, which is not kept, and a malformed one would
/// fail the whole document in openapiv3. `example` is any JSON value, so it cannot.
fn promote_first_example(map: &mut Map<String, Value>) {
    let Some(Value::Object(examples)) = map.remove("examples") else {
        return;
    };
    if map.contains_key("example") {
        return;
    }
    if let Some(value) = examples.values().find_map(|e| e.get("value")) {
        map.insert("example".to_string(), value.clone());
    }
}
