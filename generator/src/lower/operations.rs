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
use super::names::{self, Scope, bare, snake_name, type_name};
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

/// An operation of the document and the place decided for it.
pub(super) struct OperationAt<'o> {
    pub(super) path: &'o str,
    pub(super) method: HttpMethod,
    pub(super) op: &'o OaOperation,
    pub(super) shared: &'o [ReferenceOr<Parameter>],
    /// The path item's `servers`.
    pub(super) servers: &'o [openapiv3::Server],
    pub(super) pointer: &'o str,
    pub(super) id: String,
    pub(super) resource: Vec<String>,
    pub(super) method_name: String,
}

/// An operation before the names that depend on its neighbours are settled.
pub(super) struct Pending {
    pub(super) resource: Vec<String>,
    pub(super) method_wanted: String,
    pub(super) op: Operation,
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self, schemes: &[crate::ir::SecurityScheme]) -> Resource {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        self.tag_prefix = tag_prefix(doc);
        let mut placed = Vec::new();
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
                let id = op.operation_id.clone().unwrap_or_else(|| {
                    let whole = [Part::Literal(path)];
                    let template = path_template::parse(path);
                    derived_id(method, template.as_deref().unwrap_or(&whole))
                });
                let place = self.placement(op, &id, &pointer);
                placed.push((path, method, op, item, pointer, id, place));
            }
        }
        // A name shortened by what it repeated, which another operation of the same
        // resource also wants, stays whole (before any type is named after it).
        let mut wanted: HashMap<(Vec<String>, String), usize> = HashMap::new();
        for (.., (resource, method, _)) in &placed {
            *wanted
                .entry((resource.clone(), method.clone()))
                .or_default() += 1;
        }
        let mut pending = Vec::new();
        for (path, method, op, item, pointer, id, (resource, short, full)) in placed {
            let method_name = if wanted[&(resource.clone(), short.clone())] > 1 {
                full
            } else {
                short
            };
            let operation = OperationAt {
                path,
                method,
                op,
                shared: &item.parameters,
                servers: &item.servers,
                pointer: &pointer,
                id,
                resource,
                method_name,
            };
            if let Some(p) = self.lower_operation(operation, schemes) {
                pending.push(p);
            }
        }
        self.build_tree(pending)
    }

    pub(super) fn lower_operation(
        &mut self,
        at: OperationAt<'_>,
        schemes: &[SecurityScheme],
    ) -> Option<Pending> {
        let OperationAt {
            path,
            method,
            op,
            shared: shared_params,
            servers: item_servers,
            pointer,
            id,
            resource,
            method_name: method_wanted,
        } = at;
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
        let server = self.operation_server(&op.servers, item_servers, pointer);
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
                server,
                idempotent,
                pagination,
                summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
                description: op.description.clone().filter(|s| !s.trim().is_empty()),
                doc: String::new(),
                setters_doc: String::new(),
                example: Default::default(),
                deprecated: op.deprecated,
                source: pointer.to_string(),
                secret_fields: Vec::new(),
            },
        })
    }

    /// The resource path and method name for an operation, and the method's name
    /// before the words it repeats were taken off.
    pub(super) fn placement(
        &mut self,
        op: &OaOperation,
        id: &str,
        pointer: &str,
    ) -> (Vec<String>, String, String) {
        if let Some(ext) = op.extensions.get("x-sdk-method") {
            let at = pointer_push(pointer, "x-sdk-method");
            match ext.as_str() {
                Some(s) if !s.is_empty() && s.split('.').all(is_snake_identifier) => {
                    // Keywords (`type`) become raw identifiers like any other name.
                    let mut parts: Vec<String> = s.split('.').map(snake_name).collect();
                    let method = parts.pop().unwrap_or_default();
                    return (parts, method.clone(), method);
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
                let full_tag = bare(&snake_name(tag)).to_string();
                let resource = self.resource_of_tag(tag);
                // The operation id may repeat the tag, its API version or the resource:
                // `conversations_v1_list_conversation` in `ConversationsV1Conversation`
                // is `list`.
                let repeats = [full_tag.as_str(), &self.tag_prefix.join("_"), &resource];
                let stripped = strip_repeated(bare(&method), &repeats, bare(&resource));
                (vec![resource], stripped, method)
            }
            None => {
                let stripped = strip_repeated(bare(&method), &[], "");
                (Vec::new(), stripped, method)
            }
        }
    }

    /// The resource a tag names: its snake_case name without the words every tag
    /// starts with up to an API version (`api20100401_call` -> `call`).
    pub(super) fn resource_of_tag(&self, tag: &str) -> String {
        let name = bare(&snake_name(tag)).to_string();
        let words: Vec<&str> = name.split('_').collect();
        if !self.tag_prefix.is_empty()
            && words.len() > self.tag_prefix.len()
            && words.iter().zip(&self.tag_prefix).all(|(w, p)| w == p)
        {
            return bare(&snake_name(&words[self.tag_prefix.len()..].join("_"))).to_string();
        }
        name
    }
}

/// The words that every operation's tag starts with, when they end in an API version
/// word (`v1`, `20100401`): `conversations_v1` of `ConversationsV1Conversation` and
/// `ConversationsV1Message`. Each tag keeps at least one word of its own.
fn tag_prefix(doc: &openapiv3::OpenAPI) -> Vec<String> {
    let mut tags: Vec<Vec<String>> = Vec::new();
    for (_, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            if let Some(tag) = op.tags.first() {
                let words: Vec<String> = bare(&snake_name(tag))
                    .split('_')
                    .map(str::to_owned)
                    .collect();
                if !tags.contains(&words) {
                    tags.push(words);
                }
            }
        }
    }
    let Some(first) = tags.first() else {
        return Vec::new();
    };
    let mut common = first.len();
    for words in &tags {
        common = common.min(words.len().saturating_sub(1));
        common = common.min(first.iter().zip(words).take_while(|(a, b)| a == b).count());
    }
    let mut prefix = first[..common].to_vec();
    while prefix.last().is_some_and(|w| !names::is_version_word(w)) {
        prefix.pop();
    }
    prefix
}

/// What an operation does, when its id is this word and the resource's name.
const VERBS: &[&str] = &[
    "list",
    "get",
    "fetch",
    "retrieve",
    "read",
    "show",
    "find",
    "search",
    "query",
    "count",
    "create",
    "add",
    "post",
    "put",
    "new",
    "update",
    "patch",
    "edit",
    "modify",
    "replace",
    "upsert",
    "set",
    "delete",
    "remove",
    "destroy",
    "cancel",
    "archive",
    "restore",
    "enable",
    "disable",
    "start",
    "stop",
    "send",
    "upload",
    "download",
    "import",
    "export",
    "copy",
    "move",
    "merge",
    "assign",
    "unassign",
    "approve",
    "reject",
    "submit",
    "verify",
    "validate",
    "test",
    "reset",
    "revoke",
    "refresh",
    "sync",
    "run",
    "trigger",
    "publish",
    "unpublish",
    "accept",
    "decline",
    "close",
    "reopen",
    "lock",
    "unlock",
    "subscribe",
    "unsubscribe",
    "follow",
    "unfollow",
    "register",
    "deregister",
    "attach",
    "detach",
    "invite",
    "join",
    "leave",
];

/// A method name without what it repeats: one of `repeats` (the tag, its version
/// prefix, the resource) or an API version word in front, as long as a word is left;
/// and the resource (or one of it) behind a lone verb (`list_calls`, `fetch_call` in
/// `calls`; not `list_special_events` in `events`, where `special` says which, nor
/// `silo_metric` in `metrics`).
fn strip_repeated(method: &str, repeats: &[&str], resource: &str) -> String {
    let mut name = method.to_string();
    loop {
        let before = name.clone();
        for r in repeats.iter().filter(|r| !r.is_empty()) {
            if let Some(rest) = name.strip_prefix(&format!("{r}_")) {
                name = rest.to_string();
            }
        }
        if let Some((first, rest)) = name.split_once('_')
            && names::is_version_word(first)
        {
            name = rest.to_string();
        }
        if name == before {
            break;
        }
    }
    if !resource.is_empty() {
        for end in [resource.to_string(), singular(resource)] {
            if let Some(rest) = name.strip_suffix(&format!("_{end}"))
                && VERBS.contains(&rest)
            {
                name = rest.to_string();
                break;
            }
        }
    }
    snake_name(&name)
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

/// The singular of a snake_case name whose last word reads as an English plural
/// (`incidents` -> `incident`, `access_policies` -> `access_policy`).
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        name[..name.len() - 2].to_string()
    } else if ["ss", "us", "is", "os"].iter().any(|s| name.ends_with(s)) {
        name.to_string()
    } else {
        name.strip_suffix('s').unwrap_or(name).to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_tags_and_versions_are_left_out_of_names() {
        let doc: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/v1/Conversations": {"get": {"tags": ["ConversationsV1Conversation"], "responses": {}}},
                "/v1/Messages": {"get": {"tags": ["ConversationsV1Message"], "responses": {}}},
            },
        }))
        .unwrap();
        assert_eq!(tag_prefix(&doc), ["conversations", "v1"]);
        let repeats = [
            "conversations_v1_conversation",
            "conversations_v1",
            "conversation",
        ];
        assert_eq!(
            strip_repeated(
                "conversations_v1_list_conversation",
                &repeats,
                "conversation"
            ),
            "list"
        );
        assert_eq!(
            strip_repeated("list_conversation", &repeats, "conversation"),
            "list"
        );
        assert_eq!(strip_repeated("v2_list_things", &[], ""), "list_things");
        assert_eq!(strip_repeated("list_incidents", &[], "incidents"), "list");
        assert_eq!(strip_repeated("get_incident", &[], "incidents"), "get");
        // What is left must be the verb alone: `special` says which events.
        assert_eq!(
            strip_repeated("list_special_events", &[], "events"),
            "list_special_events"
        );
        assert_eq!(strip_repeated("silo_metric", &[], "metrics"), "silo_metric");
        // A word is always left.
        assert_eq!(
            strip_repeated("incidents", &["incidents"], "incidents"),
            "incidents"
        );
        assert_eq!(singular("access_policies"), "access_policy");
        assert_eq!(singular("status"), "status");
    }
}
