//! Request bodies and responses: the media type chosen, the body's type (flattened
//! into the builder when it is an inline object), the response's type by status.

use openapiv3::{
    Operation as OaOperation, ReferenceOr, RequestBody as OaRequestBody, Response as OaResponse,
    StatusCode,
};
use serde_json::Value;

use super::Lowerer;
use super::names::{self, Scope};
use super::refs::RefError;
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{
    BodyMedia, BodySetter, ClearSetter, Field, FlattenedBody, Presence, RequestBody, Response,
    ResponseKind, SetterRole, StatusResponse, Ty, TypeKind,
};
use crate::json_pointer::{percent_decode, pointer_push};

impl<'a> Lowerer<'a> {
    pub(super) fn request_body(
        &mut self,
        body: &ReferenceOr<OaRequestBody>,
        base: &str,
        pointer: &str,
        scope: &mut Scope,
    ) -> Option<RequestBody> {
        let resolved = self.resolve_ref::<OaRequestBody, _>(body, pointer)?;
        let (body, at) = (resolved.item, resolved.pointer);
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
        self.body_holders.insert(name.clone(), base.to_string());
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
                    let multipart = media == BodyMedia::Multipart;
                    let mut fields: Vec<Field> = s.fields.clone();
                    if multipart {
                        fields.iter_mut().for_each(as_multipart_field);
                    }
                    let setters = fields
                        .iter()
                        .map(|f| body_setter(f, multipart, scope))
                        .collect();
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
            // `examples` is folded into `example` by the loader.
            example: mt.example.clone(),
        })
    }

    pub(super) fn response(&mut self, op: &OaOperation, base: &str, pointer: &str) -> Response {
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
                doc: String::new(),
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
                doc: String::new(),
                statuses,
            };
        }
        let (name, _) = self.type_names.claim(&format!("{base}Response"));
        Response {
            kind: ResponseKind::ByStatus,
            by_status_name: Some(name),
            doc: String::new(),
            statuses,
        }
    }

    pub(super) fn response_kind(
        &mut self,
        resp: &ReferenceOr<OaResponse>,
        status: Option<u16>,
        hint: &str,
        pointer: &str,
    ) -> ResponseKind {
        let borrowed_from_elsewhere: OaResponse;
        let (resp, at) = match self.follow::<OaResponse, _>(resp, pointer) {
            Ok(resolved) => (resolved.item, resolved.pointer),
            Err(RefError::Reported) => return ResponseKind::Empty,
            Err(RefError::WrongKind { reference, at }) => {
                // Something with `content` (a request body, say) reads as a response
                // whose content it is.
                let fragment = reference.trim_start_matches('#');
                let target = self.raw.pointer(&percent_decode(fragment));
                let as_response = target.filter(|t| t.get("content").is_some()).and_then(|t| {
                    let mut t = t.clone();
                    t.as_object_mut()?
                        .entry("description")
                        .or_insert_with(|| Value::String(String::new()));
                    serde_json::from_value::<OaResponse>(t).ok()
                });
                let Some(response) = as_response else {
                    self.wrong_kind::<OaResponse>(&reference, at);
                    return ResponseKind::Empty;
                };
                self.diags.push(
                    Diagnostic::warning(
                        Kind::InvalidValue,
                        at,
                        format!("`$ref` points to `{reference}`, which is not a response; its `content` is used as the response's"),
                    )
                    .with_hint("response references have the form #/components/responses/Name"),
                );
                borrowed_from_elsewhere = response;
                (&borrowed_from_elsewhere, fragment.to_string())
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
}

/// How the builder sets a field of a flattened body: a required one as an argument of
/// the method, an optional one by a setter (and a nullable one cleared by
/// A field of a multipart body, which is a plain struct turned into a form: binary
/// fields are files, and an optional field is a plain `Option` (a form has no `null`).
pub(super) fn as_multipart_field(f: &mut Field) {
    if f.ty == Ty::Bytes {
        f.ty = Ty::File;
    }
    f.presence = match &f.presence {
        Presence::Required => Presence::Required,
        _ => Presence::Optional,
    };
}

/// `clear_<setter>`, except in multipart bodies, which have no `null`); fixed and
/// read-only ones not at all. A name a parameter already has takes `_body`. A field
/// named `body` keeps its name: the builder's own `body` setter is only for bodies that
/// are not set field by field, and no parameter can take the name.
fn body_setter(f: &Field, multipart: bool, scope: &mut Scope) -> BodySetter {
    let name = if f.name.rust == "body" {
        names::name("body".to_string())
    } else {
        let wanted = if scope.contains(&f.name) {
            format!("{}_body", f.name.bare)
        } else {
            f.name.rust.clone()
        };
        names::name(scope.claim(&wanted).0)
    };
    let role = if f.is_argument() {
        SetterRole::Argument
    } else if f.read_only || (f.constant.is_some() && f.presence == Presence::Required) {
        SetterRole::Fixed
    } else {
        let nullable = matches!(
            f.presence,
            Presence::OptionalNullable | Presence::RequiredNullable
        );
        let clear = (nullable && !multipart).then(|| ClearSetter {
            name: names::name(scope.claim(&format!("clear_{}", name.bare)).0),
            doc: format!("Sends `{}` as `null`.", f.wire),
        });
        SetterRole::Setter { clear }
    };
    BodySetter { name, role }
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
