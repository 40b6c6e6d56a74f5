//! Operations -> the resource tree of request builders.
//!
//! Where an operation lives comes from the spec: `x-sdk-method:
//! bridges.login_sessions.create`, or else its first tag as the resource and its
//! `operationId` (without the tag's name in front) as the method.

use std::collections::HashMap;

use heck::ToUpperCamelCase;
use openapiv3::{Operation as OaOperation, Parameter, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use super::names::{Scope, bare, snake_name, type_name};
use super::pagination::PagedOp;
use super::path_template::{self, Part, TemplateError};
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{HttpMethod, Operation, Resource, SecurityScheme};
use crate::json_pointer::pointer_push;

/// Builder methods and fields that a parameter may not shadow.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "send_with_response",
    "into_future",
    "with_timeout",
    "with_max_retries",
    "with_header",
    "with_options",
    "with_base_url",
    "with_access_token",
    "with_max_response_size",
    "with_idle_timeout",
    "with_params",
    "params",
    // For what the spec lacks: `Request::with_query`, `Request::with_body_field`.
    "with_query",
    "with_body_field",
    "send_streaming",
    "stream",
    "pages",
    "items",
    "max_pages",
    "max_items",
    "collect_all",
    "take_items",
    "client",
    "options",
    "body",
    "new",
    "clone",
    "fmt",
];

/// Accessor methods every resource struct has besides its operations.
pub(super) const RESOURCE_RESERVED: &[&str] =
    &["client", "new", "clone", "fmt", "builder", "from_env"];

/// Methods of the runtime's `Client` that an operation at the root may not take: its
/// configuration and the escape hatch (`client.get::<T>(path)` and friends).
pub(super) const CLIENT_RESERVED: &[&str] = &[
    "base_url",
    "to_builder",
    "request",
    "get",
    "post",
    "put",
    "patch",
    "delete",
];

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
pub(super) struct Pending {
    pub(super) resource: Vec<String>,
    pub(super) method_wanted: String,
    pub(super) op: Operation,
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

    pub(super) fn lower_operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        op: &OaOperation,
        shared_params: &[ReferenceOr<Parameter>],
        pointer: &str,
        schemes: &[SecurityScheme],
    ) -> Option<Pending> {
        // The template is parsed here, once; a malformed one is reported, and the rest of
        // the operation is still lowered so that its other faults show in the same run.
        let template = path_template::parse(path);
        if let Err(TemplateError::Unclosed) = template {
            let path_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
            self.diags.error(
                Kind::InvalidValue,
                path_pointer,
                format!("path `{path}` has a `{{` without a closing `}}`"),
            );
        }
        let id = op.operation_id.clone().unwrap_or_else(|| {
            let whole = [Part::Literal(path)];
            derived_id(method, template.as_deref().unwrap_or(&whole))
        });
        let (resource, method_wanted) = self.placement(op, &id, pointer);
        let base = pascal_join(
            resource
                .iter()
                .map(String::as_str)
                .chain([bare(&method_wanted)]),
        );

        let mut scope = Scope::with_reserved(BUILDER_RESERVED);
        let mut params = self.params(op, shared_params, &base, pointer, &mut scope);
        let path_segments = match &template {
            Ok(parts) => Some(self.path_segments(path, parts, &mut params, pointer, &mut scope)),
            Err(_) => None,
        };
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
        let auth = self.auth(op, pointer, schemes);
        let idempotent = method.is_safe()
            || op
                .extensions
                .get("x-sdk-idempotent")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let pagination = self.pagination(&PagedOp {
            op,
            shared: shared_params,
            method,
            path,
            params: &params,
            response: &response,
            pointer,
        });
        // A path that does not fit its parameters was reported; the rest of the
        // operation was still lowered so that its other faults show in the same run.
        let path_segments = path_segments?;
        Some(Pending {
            resource: resource.clone(),
            method_wanted,
            op: Operation {
                id,
                sdk_name: String::new(),
                method_name: Default::default(),
                params_name: String::new(),
                request_name: String::new(),
                params_doc: String::new(),
                request_doc: String::new(),
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
                doc: String::new(),
                setters_doc: String::new(),
                example: Default::default(),
                deprecated: op.deprecated,
                source: pointer.to_string(),
            },
        })
    }

    /// The resource path and method name for an operation.
    pub(super) fn placement(
        &mut self,
        op: &OaOperation,
        id: &str,
        pointer: &str,
    ) -> (Vec<String>, String) {
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
}

/// PascalCase words joined into one type name, valid even when the first word starts
/// with a digit (`303` + `params` -> `V303Params`).
pub(super) fn pascal_join<'w>(words: impl Iterator<Item = &'w str>) -> String {
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
fn derived_id(method: HttpMethod, template: &[Part<'_>]) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for part in template {
        match part {
            Part::Param(param) => words.push(format!("by_{}", bare(&snake_name(param)))),
            Part::Literal(text) => words.extend(
                text.split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| bare(&snake_name(s)).to_string()),
            ),
        }
    }
    words.join("_")
}
