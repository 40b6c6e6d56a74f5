//! Structural check of the raw document, before `openapiv3` reads it.
//!
//! Every value of the wrong type is reported at its exact pointer. What can be dropped
//! without changing the meaning of the rest (a malformed `required`, a `format` that
//! is not a string) is dropped with a warning, so that one slip in a large spec does
//! not stop generation; what cannot is an error.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, closest, percent_decode, pointer_push};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Returns false if the document cannot be read as OpenAPI 3.0 at all.
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
    // Servers: only an absolute URL with defaults for its variables is used (the
    // default base URL); others are dropped rather than failing the document.
    if let Some(servers) = doc.get_mut("servers") {
        match servers.as_array_mut() {
            Some(list) => {
                let usable = |server: &Value| {
                    server.get("url").is_some_and(Value::is_string)
                        && server.get("variables").is_none_or(|vars| {
                            vars.as_object().is_some_and(|m| {
                                m.values()
                                    .all(|v| v.get("default").is_some_and(Value::is_string))
                            })
                        })
                };
                for (i, server) in list.iter().enumerate() {
                    if !usable(server) {
                        c.diags.warning(
                            Kind::InvalidValue,
                            format!("/servers/{i}"),
                            "a server needs a `url` string, and a string `default` for each variable; ignored",
                        );
                    }
                }
                list.retain(usable);
            }
            None => {
                c.diags.warning(
                    Kind::InvalidValue,
                    "/servers",
                    "`servers` must be a list; ignored",
                );
                doc.remove("servers");
            }
        }
    }
    let refs = check_refs(doc);
    for d in refs {
        c.diags.push(d);
    }
    true
}

/// Every `$ref` in the document, used or not, must name something in it.
fn check_refs(doc: &Map<String, Value>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> =
        doc.iter().map(|(k, v)| (pointer_push("", k), v)).collect();
    while let Some((pointer, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(d) = check_ref(doc, reference, &pointer_push(&pointer, "$ref"))
                {
                    out.push(d);
                }
                // Examples are data, not schema: a `$ref` key inside them is just a key.
                for (k, v) in map {
                    if k != "example" && k != "examples" && !k.starts_with("x-") {
                        stack.push((pointer_push(&pointer, k), v));
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    stack.push((pointer_push(&pointer, &i.to_string()), v));
                }
            }
            _ => {}
        }
    }
    out
}

fn check_ref(doc: &Map<String, Value>, reference: &str, pointer: &str) -> Option<Diagnostic> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Some(
            Diagnostic::error(
                Kind::Unsupported,
                pointer,
                format!("`$ref` to another document (`{reference}`) is not supported"),
            )
            .with_hint("bundle the spec into one document first"),
        );
    };
    let tokens: Vec<String> = fragment
        .split('/')
        .skip(1)
        .map(|t| crate::diagnostics::unescape_token(&percent_decode(t)))
        .collect();
    let mut current: Option<&Value> = None;
    let mut parent: Option<&Map<String, Value>> = Some(doc);
    for (depth, token) in tokens.iter().enumerate() {
        let next = match (depth, current) {
            (0, _) => doc.get(token),
            (_, Some(Value::Object(m))) => {
                parent = Some(m);
                m.get(token)
            }
            (_, Some(Value::Array(a))) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(v) => current = Some(v),
            None => {
                let mut d = Diagnostic::error(
                    Kind::UnresolvedRef,
                    pointer,
                    format!("`$ref` points to `{reference}`, which does not exist"),
                );
                if depth + 1 == tokens.len() {
                    let scope = if depth == 0 { Some(doc) } else { parent };
                    if let Some(similar) = scope.and_then(|m| closest(token, m.keys())) {
                        let base = reference.rsplit_once('/').map_or("#", |(b, _)| b);
                        d = d.with_hint(format!("did you mean `{base}/{similar}`?"));
                    }
                } else if tokens.first().map(String::as_str) == Some("definitions") {
                    d = d.with_hint("`#/definitions` is Swagger 2.0; OpenAPI 3.0 keeps schemas under `#/components/schemas`");
                }
                return Some(d);
            }
        }
    }
    None
}

struct Checker<'d> {
    diags: &'d mut Diagnostics,
    /// How many schemas enclose the one being checked.
    schema_depth: usize,
}

/// Deeper schemas are read as any JSON value: everything downstream (openapiv3,
/// lowering, emitting) recurses, and no real API nests schemas this deep.
const MAX_SCHEMA_DEPTH: usize = 32;

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
    fn version(&mut self, doc: &mut Map<String, Value>) {
        match doc.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0") => {}
            Some(Value::String(v)) if v.starts_with("3.1") => self.diags.push(
                Diagnostic::error(Kind::UnsupportedVersion, "/openapi", format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0"))
                    .with_hint("OpenAPI 3.1 changes `nullable`, `exclusiveMinimum` and `type`; convert the document to 3.0.3"),
            ),
            Some(Value::String(v)) => self.diags.push(Diagnostic::error(
                Kind::UnsupportedVersion,
                "/openapi",
                format!("OpenAPI version `{v}` is not supported; this generator reads OpenAPI 3.0"),
            )),
            Some(other) => self.diags.push(
                Diagnostic::error(Kind::InvalidValue, "/openapi", format!("`openapi` must be a version string such as \"3.0.3\", found {}", describe(other)))
                    .with_hint("quote the version: openapi: \"3.0.3\""),
            ),
            None if doc.contains_key("swagger") => self.diags.push(
                Diagnostic::error(Kind::UnsupportedVersion, "/swagger", "Swagger 2.0 documents are not supported; this generator reads OpenAPI 3.0")
                    .with_hint("convert the document to OpenAPI 3.0 first"),
            ),
            None => self.diags.push(
                Diagnostic::error(Kind::InvalidValue, "", "the document has no `openapi` version field")
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
        // Contact and license are not used by a client.
        info.remove("contact");
        info.remove("license");
        info.remove("termsOfService");
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

    fn paths(&mut self, paths: &mut Value, pointer: &str) {
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

    fn path_item(&mut self, item: &mut Value, pointer: &str) {
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
        map.remove("servers");
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

    fn operation(&mut self, op: &mut Value, pointer: &str) {
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
        map.remove("servers");
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

    fn parameter_list(&mut self, params: &mut Value, pointer: &str) {
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
    fn parameter(&mut self, p: &mut Value, pointer: &str) -> bool {
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
        map.remove("examples");
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
    fn is_reference(&mut self, map: &mut Map<String, Value>, pointer: &str) -> bool {
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

    fn request_body(&mut self, body: &mut Value, pointer: &str) {
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

    fn content(&mut self, content: &mut Value, pointer: &str) {
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
            // document in openapiv3.
            mt.remove("encoding");
            mt.remove("examples");
        }
    }

    fn responses(&mut self, responses: &mut Value, pointer: &str) {
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

    fn response(&mut self, response: &mut Value, pointer: &str) {
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

    fn headers(&mut self, headers: &mut Value, pointer: &str) {
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
    fn header(&mut self, header: &mut Value, pointer: &str) {
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

    fn components(&mut self, components: &mut Value, pointer: &str) {
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

    fn security_scheme(&mut self, scheme: &mut Value, pointer: &str) {
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

    fn security_requirements(&mut self, security: &mut Value, pointer: &str) {
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

    /// Checks one schema and everything nested in it.
    fn schema(&mut self, schema: &mut Value, pointer: &str) {
        if self.schema_depth >= MAX_SCHEMA_DEPTH {
            self.diags.push(
                Diagnostic::warning(
                    Kind::Unsupported,
                    pointer,
                    format!("schemas nested more than {MAX_SCHEMA_DEPTH} deep are not supported; this one is read as any JSON value"),
                )
                .with_hint("give the inner schema a name under #/components/schemas and refer to it"),
            );
            *schema = Value::Object(Map::new());
            return;
        }
        self.schema_depth += 1;
        self.schema_inner(schema, pointer);
        self.schema_depth -= 1;
    }

    fn schema_inner(&mut self, schema: &mut Value, pointer: &str) {
        let Some(map) = schema.as_object_mut() else {
            match schema {
                // `true`/`false` schemas belong to JSON Schema, not OpenAPI 3.0; read
                // `true` as "anything".
                Value::Bool(true) => *schema = Value::Object(Map::new()),
                _ => {
                    self.diags.error(
                        Kind::InvalidValue,
                        pointer,
                        format!("a schema must be a mapping, found {}", describe(schema)),
                    );
                    *schema = Value::Object(Map::new());
                }
            }
            return;
        };
        if self.is_reference(map, pointer) {
            return;
        }
        match map.get("type") {
            None => {}
            Some(Value::String(t)) if TYPES.contains(&t.as_str()) => {}
            // `type: null` is OpenAPI 3.1; its meaning in 3.0 is `nullable: true`.
            Some(Value::String(t)) if t == "null" => {
                self.diags.push(
                    Diagnostic::warning(
                        Kind::InvalidValue,
                        pointer_push(pointer, "type"),
                        "`type: null` is OpenAPI 3.1; it is read as `nullable: true`",
                    )
                    .with_hint("in OpenAPI 3.0, write `nullable: true` (or a `nullable` variant in `oneOf`)"),
                );
                map.remove("type");
                map.insert("nullable".into(), Value::Bool(true));
            }
            Some(Value::String(t)) => {
                let hint = match t.as_str() {
                    "null" => "OpenAPI 3.0 has no `null` type; use `nullable: true`".to_string(),
                    "int" | "long" => "use `type: integer`".to_string(),
                    "float" | "double" => "use `type: number`".to_string(),
                    "bool" => "use `type: boolean`".to_string(),
                    "file" => {
                        "Swagger 2.0's `file` is `type: string, format: binary` in OpenAPI 3.0"
                            .to_string()
                    }
                    _ => format!("`type` is one of {}", TYPES.join(", ")),
                };
                self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        pointer_push(pointer, "type"),
                        format!("unknown schema type `{t}`"),
                    )
                    .with_hint(hint),
                );
                map.remove("type");
            }
            Some(Value::Array(types)) => {
                // A list of types is OpenAPI 3.1. One type and `null` say "that type,
                // nullable", which 3.0 can say too.
                let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
                let nullable = names.contains(&"null");
                let others: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
                let (message, replacement) = match others.as_slice() {
                    [one] if TYPES.contains(one) => (
                        format!("`type` is a list (OpenAPI 3.1); it is read as `type: {one}`{}", if nullable { " with `nullable: true`" } else { "" }),
                        Some(one.to_string()),
                    ),
                    _ => ("`type` is a list of several types (OpenAPI 3.1); the value is read as any JSON value".to_string(), None),
                };
                self.diags.push(
                    Diagnostic::warning(Kind::InvalidValue, pointer_push(pointer, "type"), message)
                        .with_hint("in OpenAPI 3.0 use one type and `nullable: true`, or `oneOf`"),
                );
                map.remove("type");
                if let Some(t) = replacement {
                    map.insert("type".into(), Value::String(t));
                }
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
            Some(other) => {
                self.diags.error(
                    Kind::InvalidValue,
                    pointer_push(pointer, "type"),
                    format!("`type` must be a string, found {}", describe(other)),
                );
                map.remove("type");
            }
        }
        match map.get("required") {
            None => {}
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
            Some(other) => {
                let hint = if other.is_boolean() {
                    "in a Schema Object, `required` lists the names of required properties; `required: true` belongs to parameters"
                } else {
                    "`required` is a list of property names"
                };
                self.diags.push(
                    Diagnostic::warning(
                        Kind::InvalidValue,
                        pointer_push(pointer, "required"),
                        format!(
                            "`required` must be a list of property names, found {}; ignored",
                            describe(other)
                        ),
                    )
                    .with_hint(hint),
                );
                map.remove("required");
            }
        }
        for key in [
            "nullable",
            "readOnly",
            "writeOnly",
            "deprecated",
            "uniqueItems",
            "exclusiveMinimum",
            "exclusiveMaximum",
        ] {
            self.bool_or_drop(map, pointer, key);
        }
        for key in ["format", "pattern", "title", "description"] {
            self.string_or_drop(map, pointer, key);
        }
        self.external_docs_or_drop(map, pointer);
        for key in ["minimum", "maximum", "multipleOf"] {
            if map.get(key).is_some_and(|v| !v.is_number()) {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, key),
                    format!("`{key}` must be a number; ignored"),
                );
                map.remove(key);
            }
        }
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ] {
            if map.get(key).is_some_and(|v| v.as_u64().is_none()) {
                self.diags.warning(
                    Kind::InvalidValue,
                    pointer_push(pointer, key),
                    format!("`{key}` must be a non-negative integer; ignored"),
                );
                map.remove(key);
            }
        }
        if map.get("enum").is_some_and(|v| !v.is_array()) {
            self.diags.error(
                Kind::InvalidValue,
                pointer_push(pointer, "enum"),
                "`enum` must be a list of values",
            );
            map.remove("enum");
        }
        if let Some(d) = map.get("discriminator") {
            let ok = d.get("propertyName").is_some_and(Value::is_string)
                && d.get("mapping").is_none_or(|m| {
                    m.as_object()
                        .is_some_and(|m| m.values().all(Value::is_string))
                });
            if !ok {
                self.diags.warning(Kind::InvalidValue, pointer_push(pointer, "discriminator"), "`discriminator` needs a `propertyName` string and an optional `mapping` of strings; ignored");
                map.remove("discriminator");
            }
        }
        if let Some(props) = map.get_mut("properties") {
            let p = pointer_push(pointer, "properties");
            match props.as_object_mut() {
                Some(props) => {
                    for (name, prop) in props.iter_mut() {
                        self.schema(prop, &pointer_push(&p, name));
                    }
                }
                None => {
                    self.diags.error(
                        Kind::InvalidValue,
                        &p,
                        format!("`properties` must be a mapping, found {}", describe(props)),
                    );
                    map.remove("properties");
                }
            }
        }
        if let Some(items) = map.get_mut("items") {
            let p = pointer_push(pointer, "items");
            if items.is_array() {
                self.diags.push(
                    Diagnostic::error(Kind::InvalidValue, &p, "`items` must be one schema; a list of schemas (a tuple) is not OpenAPI 3.0")
                        .with_hint("use `items: {oneOf: [...]}`"),
                );
                map.remove("items");
            } else {
                self.schema(items, &p);
            }
        }
        if let Some(addl) = map.get_mut("additionalProperties")
            && !addl.is_boolean()
        {
            self.schema(addl, &pointer_push(pointer, "additionalProperties"));
        }
        if let Some(not) = map.get_mut("not") {
            self.schema(not, &pointer_push(pointer, "not"));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(list) = map.get_mut(key) else {
                continue;
            };
            let p = pointer_push(pointer, key);
            match list.as_array_mut() {
                Some(items) if !items.is_empty() => {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.schema(item, &pointer_push(&p, &i.to_string()));
                    }
                }
                Some(_) => {
                    self.diags.warning(
                        Kind::InvalidValue,
                        &p,
                        format!("`{key}` is empty; ignored"),
                    );
                    map.remove(key);
                }
                None => {
                    self.diags.error(
                        Kind::InvalidValue,
                        &p,
                        format!(
                            "`{key}` must be a list of schemas, found {}",
                            describe(list)
                        ),
                    );
                    map.remove(key);
                }
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
