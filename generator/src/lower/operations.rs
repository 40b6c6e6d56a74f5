//! Operations -> the resource tree of request builders.
//!
//! Where an operation lives comes from the spec: `x-sdk-method:
//! bridges.login_sessions.create`, or else its first tag as the resource and its
//! `operationId` (without the tag's name in front) as the method.

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;
use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr, RequestBody as OaRequestBody, Response as OaResponse, StatusCode,
};
use serde_json::Value;

use super::Lowerer;
use super::names::{Scope, bare, snake_name, type_name};
use crate::diagnostics::{Diagnostic, Kind, pointer_push, unescape_token};
use crate::ir::{
    Auth, BodyMedia, Field, FlattenedBody, HttpMethod, Operation, Pagination, Param, ParamLocation,
    ParamStyle, PathSegment, Presence, RequestBody, Resource, Response, ResponseKind,
    SecurityScheme, StatusResponse, Ty, TypeKind,
};

/// Builder methods and fields that a parameter may not shadow.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "send_with_response",
    "into_future",
    "with_timeout",
    "with_max_retries",
    "with_header",
    "with_options",
    "stream",
    "pages",
    "items",
    "client",
    "options",
    "body",
    "new",
    "clone",
    "fmt",
];

/// Accessor methods every resource struct has besides its operations.
const RESOURCE_RESERVED: &[&str] = &["client", "new", "clone", "fmt", "builder", "from_env"];

pub(super) const METHODS: [(&str, HttpMethod); 8] = [
    ("get", HttpMethod::Get),
    ("put", HttpMethod::Put),
    ("post", HttpMethod::Post),
    ("delete", HttpMethod::Delete),
    ("options", HttpMethod::Options),
    ("head", HttpMethod::Head),
    ("patch", HttpMethod::Patch),
    ("trace", HttpMethod::Trace),
];

/// An operation before the names that depend on its neighbours are settled.
struct Pending {
    resource: Vec<String>,
    method_wanted: String,
    op: Operation,
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self, schemes: &[crate::ir::SecurityScheme]) -> Resource {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let mut pending = Vec::new();
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        for (path, item) in &doc.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let path_pointer = pointer_push("/paths", path);
            for (key, method) in METHODS {
                let op = match method {
                    HttpMethod::Get => &item.get,
                    HttpMethod::Put => &item.put,
                    HttpMethod::Post => &item.post,
                    HttpMethod::Delete => &item.delete,
                    HttpMethod::Options => &item.options,
                    HttpMethod::Head => &item.head,
                    HttpMethod::Patch => &item.patch,
                    HttpMethod::Trace => &item.trace,
                };
                let Some(op) = op else { continue };
                let pointer = pointer_push(&path_pointer, key);
                if let Some(id) = &op.operation_id {
                    if let Some(first) = seen_ids.get(id) {
                        self.diags.push(
                            Diagnostic::error(
                                Kind::DuplicateOperationId,
                                pointer_push(&pointer, "operationId"),
                                format!("operationId `{id}` is also used at #{first}"),
                            )
                            .with_hint("operationIds must be unique within the document"),
                        );
                    } else {
                        seen_ids.insert(id.clone(), pointer.clone());
                    }
                }
                if let Some(p) =
                    self.lower_operation(path, method, op, &item.parameters, &pointer, schemes)
                {
                    pending.push(p);
                }
            }
        }
        self.build_tree(pending)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        op: &OaOperation,
        shared_params: &[ReferenceOr<Parameter>],
        pointer: &str,
        schemes: &[SecurityScheme],
    ) -> Option<Pending> {
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| derived_id(method, path));
        let (resource, method_wanted) = self.placement(op, &id, pointer);
        let base = pascal_join(
            resource
                .iter()
                .map(String::as_str)
                .chain([bare(&method_wanted)]),
        );

        let mut scope = Scope::with_reserved(BUILDER_RESERVED);
        let mut params = self.params(op, shared_params, &base, pointer, &mut scope);
        let path_segments = self.path_segments(path, &mut params, pointer, &mut scope);
        let body = match &op.request_body {
            Some(body) => self.request_body(
                body,
                &base,
                &pointer_push(pointer, "requestBody"),
                &mut scope,
            ),
            None => None,
        };
        let response = self.response(op, &base, &pointer_push(pointer, "responses"));
        let auth = self.auth(op, schemes);
        let idempotent = method.is_safe()
            || op
                .extensions
                .get("x-sdk-idempotent")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let pagination = match op.extensions.get("x-sdk-pagination") {
            Some(ext) => self.pagination(
                ext,
                &params,
                &response,
                &pointer_push(pointer, "x-sdk-pagination"),
            ),
            None => None,
        };
        // A path that does not fit its parameters was reported; the rest of the
        // operation was still lowered so that its other faults show in the same run.
        let path_segments = path_segments?;
        Some(Pending {
            resource: resource.clone(),
            method_wanted,
            op: Operation {
                id,
                sdk_name: String::new(),
                method_name: String::new(),
                params_name: String::new(),
                http_method: method,
                path: path.to_string(),
                path_segments,
                params,
                body,
                response,
                auth,
                idempotent,
                pagination,
                summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
                description: op.description.clone().filter(|s| !s.trim().is_empty()),
                deprecated: op.deprecated,
                source: pointer.to_string(),
            },
        })
    }

    /// The resource path and method name for an operation.
    fn placement(&mut self, op: &OaOperation, id: &str, pointer: &str) -> (Vec<String>, String) {
        if let Some(ext) = op.extensions.get("x-sdk-method") {
            let at = pointer_push(pointer, "x-sdk-method");
            match ext.as_str() {
                Some(s) if !s.is_empty() && s.split('.').all(is_snake_identifier) => {
                    // Keywords (`type`) become raw identifiers like any other name.
                    let mut parts: Vec<String> = s.split('.').map(snake_name).collect();
                    let method = parts.pop().unwrap_or_default();
                    return (parts, method);
                }
                _ => self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidExtension,
                        at,
                        format!(
                            "`x-sdk-method` must be a dotted path of snake_case names, found {ext}"
                        ),
                    )
                    .with_hint("for example `bridges.login_sessions.create`"),
                ),
            }
        }
        let method = snake_name(id);
        match op.tags.first() {
            Some(tag) => {
                let resource = snake_name(tag);
                let resource = bare(&resource).to_string();
                let stripped = bare(&method)
                    .strip_prefix(&format!("{resource}_"))
                    .map(snake_name);
                (
                    vec![resource],
                    stripped.filter(|m| !m.is_empty()).unwrap_or(method),
                )
            }
            None => (Vec::new(), method),
        }
    }

    fn params(
        &mut self,
        op: &OaOperation,
        shared: &[ReferenceOr<Parameter>],
        base: &str,
        pointer: &str,
        scope: &mut Scope,
    ) -> Vec<Param> {
        // Operation parameters override path-item parameters of the same name and place.
        let mut merged: Vec<(&Parameter, String, Option<String>)> = Vec::new();
        let shared_pointer = pointer
            .rsplit_once('/')
            .map_or(String::new(), |(p, _)| pointer_push(p, "parameters"));
        let lists = [
            (shared, shared_pointer),
            (
                op.parameters.as_slice(),
                pointer_push(pointer, "parameters"),
            ),
        ];
        for (list, list_pointer) in &lists {
            for (i, p) in list.iter().enumerate() {
                let Some((param, at, component)) =
                    self.resolve_param(p, &pointer_push(list_pointer, &i.to_string()))
                else {
                    continue;
                };
                let data = param.parameter_data_ref();
                let same = |(q, _, _): &(&Parameter, String, Option<String>)| {
                    q.parameter_data_ref().name == data.name
                        && std::mem::discriminant(*q) == std::mem::discriminant(param)
                };
                match merged.iter_mut().find(|e| same(e)) {
                    Some(slot) => *slot = (param, at, component),
                    None => merged.push((param, at, component)),
                }
            }
        }
        // Path parameters first, as the method's leading arguments.
        merged.sort_by_key(|(p, _, _)| !matches!(p, Parameter::Path { .. }));

        let mut out = Vec::with_capacity(merged.len());
        for (param, at, component) in merged {
            let data = param.parameter_data_ref();
            let (location, style) = match param {
                Parameter::Path { style, .. } => {
                    if !matches!(style, PathStyle::Simple) {
                        self.diags.warning(Kind::Unsupported, pointer_push(&at, "style"), "path parameter styles other than `simple` are not supported; `simple` is used");
                    }
                    (ParamLocation::Path, ParamStyle::Simple)
                }
                Parameter::Query { style, .. } => {
                    let style = match style {
                        QueryStyle::Form if data.explode.unwrap_or(true) => {
                            ParamStyle::FormExploded
                        }
                        QueryStyle::Form => ParamStyle::FormCompact,
                        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    (ParamLocation::Query, style)
                }
                Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::FormExploded),
            };
            let required = data.required || location == ParamLocation::Path;
            if location == ParamLocation::Path && !data.required {
                self.diags.warning(
                    Kind::InvalidValue,
                    at.clone(),
                    format!(
                        "path parameter `{}` must be `required: true`; it is treated as required",
                        data.name
                    ),
                );
            }
            let type_hint = match &component {
                Some(key) => type_name(key),
                None => format!("{base}{}", type_name(&data.name)),
            };
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.ty_of(schema, &type_hint, &pointer_push(&at, "schema"))
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.warning(Kind::Unsupported, pointer_push(&at, "content"), "a parameter with `content` is not supported; its value is sent as a string");
                    Ty::String
                }
            };
            let wanted = snake_name(&data.name);
            let wanted = if scope.contains(&wanted) {
                format!("{}_{}", bare(&wanted), location_word(location))
            } else {
                wanted
            };
            let (name, _) = scope.claim(&wanted);
            let mut doc = data.description.clone().filter(|d| !d.trim().is_empty());
            if doc.is_none()
                && let ParameterSchemaOrContent::Schema(schema) = &data.format
            {
                doc = self.facts(schema, &pointer_push(&at, "schema")).description;
            }
            out.push(Param {
                name,
                wire: data.name.clone(),
                location,
                ty,
                required,
                style,
                doc,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        out
    }

    /// Follows a parameter `$ref` to `#/components/parameters/...`. Returns the
    /// parameter, its pointer, and its component key if it is shared.
    fn resolve_param<'p>(
        &mut self,
        p: &'p ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Option<(&'p Parameter, String, Option<String>)>
    where
        'a: 'p,
    {
        let mut current = p;
        let mut at = pointer.to_string();
        let mut key = None;
        for _ in 0..16 {
            match current {
                ReferenceOr::Item(param) => return Some((param, at, key)),
                ReferenceOr::Reference { reference } => {
                    let doc: &'a openapiv3::OpenAPI = self.doc;
                    let found = reference
                        .strip_prefix("#/components/parameters/")
                        .map(unescape_token)
                        .and_then(|k| doc.components.as_ref()?.parameters.get(&k).map(|p| (k, p)));
                    let Some((k, target)) = found else {
                        if !self.resolves(reference) {
                            return None;
                        }
                        self.diags.push(
                            Diagnostic::error(
                                Kind::InvalidValue,
                                pointer_push(&at, "$ref"),
                                format!("`$ref` points to `{reference}`, which is not a parameter"),
                            )
                            .with_hint(
                                "parameter references have the form #/components/parameters/Name",
                            ),
                        );
                        return None;
                    };
                    at = pointer_push("/components/parameters", &k);
                    key = Some(k);
                    current = target;
                }
            }
        }
        self.diags.error(
            Kind::CyclicRef,
            pointer,
            "parameter `$ref`s lead back to themselves",
        );
        None
    }

    /// Splits the path template into literal text and parameters, checking that each
    /// `{name}` has a path parameter and each path parameter a `{name}`.
    /// Splits the path template into literal text and parameters. A `{name}` without a
    /// path parameter gets a string parameter, and a path parameter that is not in the
    /// template is dropped, each with a warning: the URL the spec means is still built.
    fn path_segments(
        &mut self,
        path: &str,
        params: &mut Vec<Param>,
        pointer: &str,
        scope: &mut Scope,
    ) -> Option<Vec<PathSegment>> {
        let path_pointer = pointer
            .rsplit_once('/')
            .map_or(pointer, |(p, _)| p)
            .to_string();
        let mut names = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.diags.error(
                    Kind::InvalidValue,
                    path_pointer.clone(),
                    format!("path `{path}` has a `{{` without a closing `}}`"),
                );
                return None;
            };
            names.push(rest[open + 1..close].to_string());
            rest = &rest[close + 1..];
        }
        let is_path = |p: &Param, name: &str| p.location == ParamLocation::Path && p.wire == name;
        let mut kept = Vec::with_capacity(params.len());
        for p in params.drain(..) {
            if p.location == ParamLocation::Path && !names.contains(&p.wire) {
                self.diags.push(
                    Diagnostic::warning(Kind::UnknownPathParameter, pointer.to_string(), format!("path parameter `{}` does not appear in the path `{path}`; it is left out", p.wire))
                        .with_hint(format!("add `{{{}}}` to the path, or make it a query parameter", p.wire)),
                );
            } else {
                kept.push(p);
            }
        }
        *params = kept;
        for name in &names {
            if params.iter().any(|p| is_path(p, name)) {
                continue;
            }
            self.diags.push(
                Diagnostic::warning(Kind::MissingPathParameter, pointer.to_string(), format!("path `{path}` has `{{{name}}}`, but the operation has no path parameter `{name}`; a string parameter is assumed"))
                    .with_hint(format!("add a parameter with `name: {name}` and `in: path`")),
            );
            let (rust, _) = scope.claim(&snake_name(name));
            let at = params
                .iter()
                .take_while(|p| p.location == ParamLocation::Path)
                .count();
            params.insert(
                at,
                Param {
                    name: rust,
                    wire: name.clone(),
                    location: ParamLocation::Path,
                    ty: Ty::String,
                    required: true,
                    style: ParamStyle::Simple,
                    doc: None,
                    deprecated: false,
                },
            );
        }
        let mut segments = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap_or(0);
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_string()));
            }
            let name = &rest[open + 1..close];
            let index = params.iter().position(|p| is_path(p, name))?;
            segments.push(PathSegment::Param(index));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_string()));
        }
        Some(segments)
    }

    pub(super) fn request_body(
        &mut self,
        body: &ReferenceOr<OaRequestBody>,
        base: &str,
        pointer: &str,
        scope: &mut Scope,
    ) -> Option<RequestBody> {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, pointer.to_string()),
            ReferenceOr::Reference { reference } => {
                let key = reference
                    .strip_prefix("#/components/requestBodies/")
                    .map(unescape_token);
                match key
                    .as_ref()
                    .and_then(|k| doc.components.as_ref()?.request_bodies.get(k))
                {
                    Some(ReferenceOr::Item(b)) => (
                        b,
                        pointer_push("/components/requestBodies", key.as_deref().unwrap_or("")),
                    ),
                    _ => {
                        if !self.resolves(reference) {
                            return None;
                        }
                        self.diags.push(
                            Diagnostic::error(Kind::InvalidValue, pointer_push(pointer, "$ref"), format!("`$ref` points to `{reference}`, which is not a request body"))
                                .with_hint("request body references have the form #/components/requestBodies/Name"),
                        );
                        return None;
                    }
                }
            }
        };
        let (media_type, media, mt) = body
            .content
            .iter()
            .map(|(k, v)| (k, classify_media(k), v))
            .min_by_key(|(_, media, _)| media_rank(*media))?;
        let mt_pointer = pointer_push(&pointer_push(&at, "content"), media_type);
        let content_type = media_type
            .split(';')
            .next()
            .unwrap_or(media_type)
            .trim()
            .to_string();
        let doc_text = body.description.clone().filter(|d| !d.trim().is_empty());
        let structured = matches!(
            media,
            BodyMedia::Json | BodyMedia::FormUrlEncoded | BodyMedia::Multipart
        );
        let name = format!("{base}Body");
        let ty = match (&mt.schema, media) {
            (Some(schema), _) if structured => {
                // Form and multipart bodies are flat lists of fields: give them their own
                // struct even when the schema is a shared one.
                let flatten_ref = !matches!(media, BodyMedia::Json);
                match schema {
                    ReferenceOr::Reference { .. } if flatten_ref => {
                        let resolved = self.resolve(schema, &pointer_push(&mt_pointer, "schema"));
                        match resolved {
                            Some((s, spointer)) if is_object_schema(s) => {
                                let inline = ReferenceOr::Item(s.clone());
                                self.ty_of(&inline, &name, &spointer)
                            }
                            _ => self.ty_of(schema, &name, &pointer_push(&mt_pointer, "schema")),
                        }
                    }
                    _ => self.ty_of(schema, &name, &pointer_push(&mt_pointer, "schema")),
                }
            }
            (None, BodyMedia::Json) => Ty::Any,
            (_, BodyMedia::Text) => Ty::String,
            _ => Ty::Bytes,
        };
        // An inline object body is set field by field through the builder.
        let flatten_candidate = match &mt.schema {
            Some(ReferenceOr::Item(_)) => structured,
            Some(ReferenceOr::Reference { .. }) => {
                matches!(media, BodyMedia::FormUrlEncoded | BodyMedia::Multipart)
            }
            None => false,
        };
        let flattened = match (&ty, flatten_candidate) {
            (Ty::Named(n), true) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => {
                    let fields: Vec<Field> = s.fields.clone();
                    let mut setters = Vec::with_capacity(fields.len());
                    for f in &fields {
                        let wanted = if scope.contains(&f.name) {
                            format!("{}_body", bare(&f.name))
                        } else {
                            f.name.clone()
                        };
                        setters.push(scope.claim(&wanted).0);
                    }
                    Some(FlattenedBody {
                        type_name: n.clone(),
                        fields,
                        setters,
                    })
                }
                _ => None,
            },
            _ => None,
        };
        if flattened.is_none() && !scope.contains("body") {
            scope.reserve("body");
        }
        if media == BodyMedia::Multipart && flattened.is_none() {
            self.diags.warning(
                Kind::Unsupported,
                mt_pointer.clone(),
                "a multipart body that is not an object is sent as raw bytes",
            );
        }
        Some(RequestBody {
            media: if media == BodyMedia::Multipart && flattened.is_none() {
                BodyMedia::Binary
            } else {
                media
            },
            content_type,
            ty,
            required: body.required,
            flattened,
            doc: doc_text,
        })
    }

    fn response(&mut self, op: &OaOperation, base: &str, pointer: &str) -> Response {
        let mut entries: Vec<(Option<u16>, &ReferenceOr<OaResponse>, String)> = Vec::new();
        for (code, resp) in &op.responses.responses {
            match code {
                StatusCode::Code(c) if (200..300).contains(c) => {
                    entries.push((Some(*c), resp, pointer_push(pointer, &c.to_string())))
                }
                StatusCode::Range(2) => entries.push((None, resp, pointer_push(pointer, "2XX"))),
                _ => {}
            }
        }
        let mut from_default = false;
        if entries.is_empty()
            && let Some(default) = &op.responses.default
        {
            entries.push((None, default, pointer_push(pointer, "default")));
            from_default = true;
        }
        let multiple = entries.len() > 1;
        let mut statuses = Vec::new();
        for (status, resp, at) in entries {
            let hint = match (multiple, status) {
                (true, Some(c)) => format!("{base}Response{c}"),
                _ => format!("{base}Response"),
            };
            let kind = self.response_kind(resp, status, &hint, &at);
            let variant = match status {
                Some(c) => status_variant(c),
                None if from_default => "Default".to_string(),
                None => "Success".to_string(),
            };
            statuses.push(StatusResponse {
                status,
                variant,
                kind,
            });
        }
        let first = statuses
            .first()
            .map(|s| s.kind.clone())
            .unwrap_or(ResponseKind::Empty);
        if statuses.iter().all(|s| s.kind == first) {
            return Response {
                kind: first,
                by_status_name: None,
                statuses,
            };
        }
        let (name, _) = self.type_names.claim(&format!("{base}Response"));
        Response {
            kind: ResponseKind::ByStatus,
            by_status_name: Some(name),
            statuses,
        }
    }

    fn response_kind(
        &mut self,
        resp: &ReferenceOr<OaResponse>,
        status: Option<u16>,
        hint: &str,
        pointer: &str,
    ) -> ResponseKind {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let borrowed_from_elsewhere: OaResponse;
        let (resp, at) = match resp {
            ReferenceOr::Item(r) => (r, pointer.to_string()),
            ReferenceOr::Reference { reference } => {
                let key = reference
                    .strip_prefix("#/components/responses/")
                    .map(unescape_token);
                match key
                    .as_ref()
                    .and_then(|k| doc.components.as_ref()?.responses.get(k))
                {
                    Some(ReferenceOr::Item(r)) => (
                        r,
                        pointer_push("/components/responses", key.as_deref().unwrap_or("")),
                    ),
                    _ => {
                        if !self.resolves(reference) {
                            return ResponseKind::Empty;
                        }
                        // Something with `content` (a request body, say) reads as a
                        // response whose content it is.
                        let fragment = reference.trim_start_matches('#');
                        let target = self
                            .raw
                            .pointer(&crate::diagnostics::percent_decode(fragment));
                        let as_response =
                            target.filter(|t| t.get("content").is_some()).and_then(|t| {
                                let mut t = t.clone();
                                t.as_object_mut()?
                                    .entry("description")
                                    .or_insert_with(|| Value::String(String::new()));
                                serde_json::from_value::<OaResponse>(t).ok()
                            });
                        let Some(response) = as_response else {
                            self.diags.push(
                                Diagnostic::error(
                                    Kind::InvalidValue,
                                    pointer_push(pointer, "$ref"),
                                    format!(
                                        "`$ref` points to `{reference}`, which is not a response"
                                    ),
                                )
                                .with_hint(
                                    "response references have the form #/components/responses/Name",
                                ),
                            );
                            return ResponseKind::Empty;
                        };
                        self.diags.push(
                            Diagnostic::warning(
                                Kind::InvalidValue,
                                pointer_push(pointer, "$ref"),
                                format!("`$ref` points to `{reference}`, which is not a response; its `content` is used as the response's"),
                            )
                            .with_hint("response references have the form #/components/responses/Name"),
                        );
                        borrowed_from_elsewhere = response;
                        (&borrowed_from_elsewhere, fragment.to_string())
                    }
                }
            }
        };
        if status == Some(204) || status == Some(205) || resp.content.is_empty() {
            return ResponseKind::Empty;
        }
        let Some((media_type, media, mt)) = resp
            .content
            .iter()
            .map(|(k, v)| (k, classify_media(k), v))
            .filter(|(_, m, _)| !matches!(m, BodyMedia::FormUrlEncoded | BodyMedia::Multipart))
            .min_by_key(|(_, m, _)| media_rank(*m))
        else {
            return ResponseKind::Bytes;
        };
        match media {
            BodyMedia::Json => match &mt.schema {
                Some(schema) => {
                    let mp = pointer_push(
                        &pointer_push(&pointer_push(&at, "content"), media_type),
                        "schema",
                    );
                    ResponseKind::Json(self.ty_of(schema, hint, &mp))
                }
                None => ResponseKind::Json(Ty::Any),
            },
            BodyMedia::Text => ResponseKind::Text,
            _ => ResponseKind::Bytes,
        }
    }

    fn auth(&mut self, op: &OaOperation, schemes: &[SecurityScheme]) -> Auth {
        let requirements = op.security.as_ref().or(self.doc.security.as_ref());
        let Some(requirements) = requirements else {
            return Auth::None;
        };
        let mut names = Vec::new();
        let mut optional = false;
        for req in requirements {
            if req.is_empty() {
                optional = true;
            }
            // A requirement naming several schemes needs all of them; the SDK sends the
            // first, which covers the common single-scheme case.
            if let Some(name) = req.keys().find(|k| schemes.iter().any(|s| &s.name == *k))
                && !names.contains(name)
            {
                names.push(name.clone());
            }
        }
        if names.is_empty() {
            Auth::None
        } else {
            Auth::Schemes { names, optional }
        }
    }

    fn pagination(
        &mut self,
        ext: &Value,
        params: &[Param],
        response: &Response,
        pointer: &str,
    ) -> Option<Pagination> {
        let text = |key: &str| ext.get(key).and_then(Value::as_str).map(str::to_owned);
        let fail = |this: &mut Self, msg: String| {
            this.diags.push(
                Diagnostic::error(Kind::InvalidExtension, pointer.to_string(), msg)
                    .with_hint("x-sdk-pagination has `items`, `cursorParam`, `nextCursor`, and optionally `hasMore`, `directionParam` and `nextCursorByDirection`"),
            );
            None
        };
        let (Some(items), Some(cursor_param), Some(next_cursor)) =
            (text("items"), text("cursorParam"), text("nextCursor"))
        else {
            return fail(
                self,
                "`x-sdk-pagination` needs `items`, `cursorParam` and `nextCursor`".into(),
            );
        };
        let ResponseKind::Json(Ty::Named(page)) = &response.kind else {
            return fail(
                self,
                "a paginated operation must return a JSON object".into(),
            );
        };
        let Some(TypeKind::Struct(page_struct)) = self.types.get(page).map(|t| t.kind.clone())
        else {
            return fail(self, format!("the page type `{page}` is not an object"));
        };
        let field = |wire: &str| page_struct.fields.iter().find(|f| f.wire == wire);
        let Some(items_field) = field(&items) else {
            return fail(
                self,
                format!("the page type `{page}` has no field `{items}`"),
            );
        };
        let Ty::Array(item_ty) = &items_field.ty else {
            return fail(self, format!("`{items}` of `{page}` is not a list"));
        };
        let Some(cursor_index) = params
            .iter()
            .position(|p| p.wire == cursor_param && p.location == ParamLocation::Query)
        else {
            return fail(
                self,
                format!("the operation has no query parameter `{cursor_param}`"),
            );
        };
        let Some(next) = field(&next_cursor) else {
            return fail(
                self,
                format!("the page type `{page}` has no field `{next_cursor}`"),
            );
        };
        let has_more_field = match text("hasMore") {
            Some(h) => match field(&h) {
                Some(f) => Some(f.name.clone()),
                None => return fail(self, format!("the page type `{page}` has no field `{h}`")),
            },
            None => None,
        };
        let mut direction = None;
        if let Some(dp) = text("directionParam") {
            let Some(index) = params
                .iter()
                .position(|p| p.wire == dp && p.location == ParamLocation::Query)
            else {
                return fail(self, format!("the operation has no query parameter `{dp}`"));
            };
            let mut by = BTreeMap::new();
            if let Some(map) = ext.get("nextCursorByDirection").and_then(Value::as_object) {
                for (value, wire) in map {
                    let Some(f) = wire.as_str().and_then(field) else {
                        return fail(
                            self,
                            format!(
                                "`nextCursorByDirection.{value}` does not name a field of `{page}`"
                            ),
                        );
                    };
                    by.insert(value.clone(), f.name.clone());
                }
            }
            direction = Some((index, by));
        }
        Some(Pagination {
            items_field: items_field.name.clone(),
            item_ty: (**item_ty).clone(),
            cursor_param: cursor_index,
            has_more_field,
            next_cursor_field: next.name.clone(),
            direction,
        })
    }

    /// Places operations into the resource tree, settling method and builder names.
    fn build_tree(&mut self, pending: Vec<Pending>) -> Resource {
        let docs = self.resource_docs();
        let mut root = Resource {
            path: Vec::new(),
            type_name: "Client".into(),
            doc: None,
            operations: Vec::new(),
            children: Vec::new(),
        };
        // Resources first, so that method names can avoid accessor names.
        for p in &pending {
            let mut node = &mut root;
            for (depth, part) in p.resource.iter().enumerate() {
                let index = match node
                    .children
                    .iter()
                    .position(|c| c.path.last() == Some(part))
                {
                    Some(i) => i,
                    None => {
                        let path = p.resource[..=depth].to_vec();
                        let key = path.join(".");
                        node.children.push(Resource {
                            type_name: pascal_join(path.iter().map(String::as_str)),
                            doc: docs.get(&key).cloned(),
                            path,
                            operations: Vec::new(),
                            children: Vec::new(),
                        });
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[index];
            }
        }
        let mut params_names = Scope::pascal();
        reserve_type_names(&root, &mut params_names);
        let mut method_scopes: HashMap<Vec<String>, Scope> = HashMap::new();
        for mut p in pending {
            let node = find_mut(&mut root, &p.resource);
            let scope = method_scopes.entry(p.resource.clone()).or_insert_with(|| {
                let mut s = Scope::with_reserved(RESOURCE_RESERVED);
                for c in &node.children {
                    if let Some(last) = c.path.last() {
                        s.reserve(last);
                    }
                }
                s
            });
            let (method_name, changed) = scope.claim(&p.method_wanted);
            if changed {
                self.diags.warning(
                    Kind::NameCollision,
                    p.op.source.clone(),
                    format!("method name `{}` is already taken in this resource; this operation is `{method_name}`", p.method_wanted),
                );
            }
            let wanted_builder = pascal_join(
                p.resource
                    .iter()
                    .map(String::as_str)
                    .chain([bare(&method_name), "params"]),
            );
            let (params_name, _) = params_names.claim(&wanted_builder);
            let mut sdk = p.resource.clone();
            sdk.push(bare(&method_name).to_string());
            p.op.sdk_name = sdk.join(".");
            p.op.method_name = method_name;
            p.op.params_name = params_name;
            node.operations.push(p.op);
        }
        root
    }

    /// Descriptions of resources: `x-sdk-resources`, else the tag's description.
    fn resource_docs(&self) -> HashMap<String, String> {
        let mut docs = HashMap::new();
        for tag in &self.doc.tags {
            if let Some(d) = &tag.description {
                docs.insert(bare(&snake_name(&tag.name)).to_string(), d.clone());
            }
        }
        if let Some(map) = self.raw.get("x-sdk-resources").and_then(Value::as_object) {
            for (k, v) in map {
                if let Some(d) = v.as_str() {
                    docs.insert(k.clone(), d.to_string());
                }
            }
        }
        docs
    }

    /// Marks every struct reachable from a request body or parameter as used in
    /// requests, then settles what depends on it.
    pub(super) fn mark_request_types(&mut self, root: &Resource) {
        let mut stack: Vec<Ty> = Vec::new();
        collect_request_tys(root, &mut stack);
        let mut seen = std::collections::HashSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Named(n) => {
                    if !seen.insert(n.clone()) {
                        continue;
                    }
                    let Some(def) = self.types.get_mut(&n) else {
                        continue;
                    };
                    match &mut def.kind {
                        TypeKind::Struct(s) => {
                            s.in_request = true;
                            stack.extend(s.fields.iter().map(|f| f.ty.clone()));
                            if let crate::ir::Additional::Typed(t) = &s.additional {
                                stack.push(t.clone());
                            }
                        }
                        TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                        TypeKind::Alias(t) => stack.push(t.clone()),
                        TypeKind::Enum(_) => {}
                    }
                }
                Ty::Array(t) | Ty::Map(t) | Ty::Option(t) => stack.push(*t),
                Ty::Tuple(items) => stack.extend(items),
                _ => {}
            }
        }
    }

    /// Final passes over the types: three-state fields only where requests need them,
    /// defaults only where they can be written, boxes where types nest in themselves.
    pub(super) fn finish_types(&mut self) -> Vec<crate::ir::TypeDef> {
        let enums: std::collections::HashSet<String> = self
            .types
            .values()
            .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
            .map(|t| t.name.clone())
            .collect();
        for def in self.types.values_mut() {
            if let TypeKind::Struct(s) = &mut def.kind {
                for f in &mut s.fields {
                    if f.presence == Presence::OptionalNullable && !s.in_request {
                        f.presence = Presence::Optional;
                    }
                    if let (Presence::Defaulted(_), Ty::Named(n)) = (&f.presence, &f.ty)
                        && !enums.contains(n)
                    {
                        f.presence = Presence::Optional;
                    }
                }
            }
        }
        super::cycles::box_cycles(&mut self.types, self.diags);
        std::mem::take(&mut self.types).into_values().collect()
    }
}

fn reserve_type_names(resource: &Resource, scope: &mut Scope) {
    scope.reserve(&resource.type_name);
    for child in &resource.children {
        reserve_type_names(child, scope);
    }
}

fn collect_request_tys(resource: &Resource, out: &mut Vec<Ty>) {
    for op in &resource.operations {
        if let Some(body) = &op.body {
            out.push(body.ty.clone());
        }
        out.extend(op.params.iter().map(|p| p.ty.clone()));
    }
    for child in &resource.children {
        collect_request_tys(child, out);
    }
}

fn find_mut<'r>(root: &'r mut Resource, path: &[String]) -> &'r mut Resource {
    let mut node = root;
    for part in path {
        let Some(i) = node
            .children
            .iter()
            .position(|c| c.path.last() == Some(part))
        else {
            break;
        };
        node = &mut node.children[i];
    }
    node
}

/// PascalCase words joined into one type name, valid even when the first word starts
/// with a digit (`303` + `params` -> `V303Params`).
fn pascal_join<'w>(words: impl Iterator<Item = &'w str>) -> String {
    let joined: String = words.map(|w| w.to_upper_camel_case()).collect();
    type_name(&joined)
}

fn is_snake_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `GET /pets/{petId}` -> `get_pets_by_pet_id`.
fn derived_id(method: HttpMethod, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by_{}", bare(&snake_name(param)))),
            None => words.push(bare(&snake_name(segment)).to_string()),
        }
    }
    words.join("_")
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn classify_media(media_type: &str) -> BodyMedia {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || essence.ends_with("+json")
        || essence == "text/json"
        || essence.starts_with("application/json")
    {
        BodyMedia::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyMedia::FormUrlEncoded
    } else if essence.starts_with("multipart/") {
        BodyMedia::Multipart
    } else if essence.starts_with("text/") {
        BodyMedia::Text
    } else {
        BodyMedia::Binary
    }
}

fn media_rank(media: BodyMedia) -> u8 {
    match media {
        BodyMedia::Json => 0,
        BodyMedia::FormUrlEncoded => 1,
        BodyMedia::Multipart => 2,
        BodyMedia::Text => 3,
        BodyMedia::Binary => 4,
    }
}

fn is_object_schema(s: &openapiv3::Schema) -> bool {
    match &s.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => !o.properties.is_empty(),
        openapiv3::SchemaKind::Any(a) => !a.properties.is_empty(),
        openapiv3::SchemaKind::AllOf { .. } => true,
        _ => false,
    }
}

fn status_variant(code: u16) -> String {
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        _ => return format!("Status{code}"),
    };
    name.to_string()
}
