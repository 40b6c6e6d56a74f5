//! Pagination: `x-sdk-pagination` says how to walk an operation's pages; without it,
//! `pagination_infer.rs` recognises the common patterns. Both end in one
//! [`Pagination`]; this file reads the extension and has what both need: the page's
//! shape and its fields by dotted path.

use std::collections::BTreeMap;

use openapiv3::{Operation as OaOperation, Parameter, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{
    CursorSource, Field, FieldAccess, FieldPath, FieldStep, HttpMethod, IntFormat, PageWalk,
    Pagination, Param, ParamLocation, Presence, Resource, Response, ResponseKind, Struct, Ty,
    TypeDef, TypeKind,
};
use crate::json_pointer::pointer_push;

const HINT: &str = "x-sdk-pagination has `items` and one of `cursorParam` (with `nextCursor` or `cursorFromLastItem`, and optionally `hasMore`, `directionParam`, `nextCursorByDirection`), `offsetParam` (optionally `total`, `hasMore`), `pageParam` (optionally `firstPage`, `totalPages`, `hasMore`), `nextUrl`, `linkHeader: true`; or `false` to turn inference off";

/// What the operation's response is, as a page.
pub(super) struct Page {
    /// The page's type and struct, when the page is an object.
    pub(super) fields: Option<(String, Struct)>,
    /// The page's type when the page is the list itself.
    pub(super) list: Option<Ty>,
}

/// The operation a pagination is decided for.
pub(super) struct PagedOp<'o> {
    pub(super) op: &'o OaOperation,
    pub(super) shared: &'o [ReferenceOr<Parameter>],
    pub(super) method: HttpMethod,
    pub(super) path: &'o str,
    pub(super) params: &'o [Param],
    pub(super) response: &'o Response,
    pub(super) pointer: &'o str,
}

impl<'a> Lowerer<'a> {
    /// The pagination of an operation: as `x-sdk-pagination` says (`false`: none), else
    /// as inferred (reported as a note), else none.
    pub(super) fn pagination(&mut self, target: &PagedOp<'_>) -> Option<Pagination> {
        match target.op.extensions.get("x-sdk-pagination") {
            Some(Value::Bool(false)) => None,
            Some(ext) => {
                let at = pointer_push(target.pointer, "x-sdk-pagination");
                match self.explicit_pagination(ext, target) {
                    Ok(p) => Some(p),
                    Err(msg) => {
                        self.diags.push(
                            Diagnostic::error(Kind::InvalidExtension, at, msg).with_hint(HINT),
                        );
                        None
                    }
                }
            }
            None => self.infer_pagination(target),
        }
    }

    fn explicit_pagination(
        &mut self,
        ext: &Value,
        target: &PagedOp<'_>,
    ) -> Result<Pagination, String> {
        let Some(obj) = ext.as_object() else {
            return Err("`x-sdk-pagination` is an object, or `false`".into());
        };
        let text = |key: &str| -> Result<Option<&str>, String> {
            match obj.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(format!("`{key}` of `x-sdk-pagination` is a string")),
            }
        };
        let page = self.page_of(target.response)?;
        let (items_field, item_ty) = match (text("items")?, &page) {
            (
                Some(items),
                Page {
                    fields: Some((name, s)),
                    ..
                },
            ) => {
                let (step, ty) = items_step(name, s, items)?;
                (Some(step), ty)
            }
            (None, Page { list: Some(ty), .. }) => (None, ty.clone()),
            (Some(_), _) => return Err("`items` names a field, but the page is a list".into()),
            (None, _) => return Err("`x-sdk-pagination` needs `items`".into()),
        };
        let fields = page.fields.as_ref();
        let field = |this: &Self, key: &str, want: &Ty| -> Result<Option<FieldPath>, String> {
            let Some(dotted) = text(key)? else {
                return Ok(None);
            };
            let Some((name, s)) = fields else {
                return Err(format!("`{key}`: the page is a list, it has no fields"));
            };
            this.typed_path(name, s, dotted, want).map(Some)
        };
        let has_more = field(self, "hasMore", &Ty::Bool)?;
        let kinds = [
            "cursorParam",
            "offsetParam",
            "pageParam",
            "nextUrl",
            "linkHeader",
        ];
        let given: Vec<&str> = kinds.into_iter().filter(|k| obj.contains_key(*k)).collect();
        let walk = match given.as_slice() {
            ["cursorParam"] => {
                let param = walk_param(
                    target.params,
                    text("cursorParam")?.unwrap_or(""),
                    &Ty::String,
                )?;
                let next = match (text("nextCursor")?, text("cursorFromLastItem")?) {
                    (Some(_), None) => CursorSource::Field(
                        field(self, "nextCursor", &Ty::String)?.ok_or("`nextCursor` is empty")?,
                    ),
                    (None, Some(dotted)) => {
                        CursorSource::LastItem(self.item_path(&item_ty, dotted)?)
                    }
                    _ => {
                        return Err(
                            "a cursor walk needs one of `nextCursor` and `cursorFromLastItem`"
                                .into(),
                        );
                    }
                };
                let direction = match text("directionParam")? {
                    Some(dp) => {
                        let Some(index) = target
                            .params
                            .iter()
                            .position(|p| p.wire == dp && p.location == ParamLocation::Query)
                        else {
                            return Err(format!("the operation has no query parameter `{dp}`"));
                        };
                        let mut by = BTreeMap::new();
                        if let Some(map) =
                            obj.get("nextCursorByDirection").and_then(Value::as_object)
                        {
                            for (value, wire) in map {
                                let (Some(wire), Some((name, s))) = (wire.as_str(), fields) else {
                                    return Err(format!(
                                        "`nextCursorByDirection.{value}` does not name a field of the page"
                                    ));
                                };
                                by.insert(
                                    value.clone(),
                                    self.typed_path(name, s, wire, &Ty::String)?,
                                );
                            }
                        }
                        Some((index, by))
                    }
                    None => None,
                };
                PageWalk::Cursor {
                    param,
                    next,
                    has_more,
                    direction,
                }
            }
            ["offsetParam"] => PageWalk::Offset {
                param: walk_param(
                    target.params,
                    text("offsetParam")?.unwrap_or(""),
                    &Ty::Integer(IntFormat::I64),
                )?,
                has_more,
                total: field(self, "total", &Ty::Integer(IntFormat::I64))?,
            },
            ["pageParam"] => {
                let wire = text("pageParam")?.unwrap_or("");
                let param = walk_param(target.params, wire, &Ty::Integer(IntFormat::I64))?;
                let first = match obj.get("firstPage") {
                    Some(v) => v.as_i64().ok_or("`firstPage` is an integer")?,
                    None => self.first_page(target, wire),
                };
                PageWalk::PageNumber {
                    param,
                    first,
                    has_more,
                    total_pages: field(self, "totalPages", &Ty::Integer(IntFormat::I64))?,
                }
            }
            ["nextUrl"] => PageWalk::NextUrl {
                next: field(self, "nextUrl", &Ty::String)?.ok_or("`nextUrl` is a string")?,
            },
            ["linkHeader"] => match obj.get("linkHeader") {
                Some(Value::Bool(true)) => PageWalk::LinkHeader,
                _ => return Err("`linkHeader` is `true`".into()),
            },
            [] => {
                return Err(
                    "`x-sdk-pagination` needs one of `cursorParam`, `offsetParam`, `pageParam`, `nextUrl` and `linkHeader`"
                        .into(),
                );
            }
            several => {
                return Err(format!(
                    "`x-sdk-pagination` has {}: one way to the next page only",
                    several
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
        };
        Ok(Pagination {
            items_field,
            item_ty,
            walk,
            inferred: None,
        })
    }

    /// The response as a page: an object (its struct) or a list.
    pub(super) fn page_of(&self, response: &Response) -> Result<Page, String> {
        match &response.kind {
            ResponseKind::Json(Ty::Named(name)) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => Ok(Page {
                    fields: Some((name.clone(), s.clone())),
                    list: None,
                }),
                _ => Err(format!("the page type `{name}` is not an object")),
            },
            ResponseKind::Json(Ty::Array(item)) => Ok(Page {
                fields: None,
                list: Some((**item).clone()),
            }),
            _ => Err("a paginated operation must return a JSON object or list".into()),
        }
    }

    /// A field of `s` by dotted wire path (`links.next`), through nested objects.
    pub(super) fn field_path(
        &self,
        owner: &str,
        s: &Struct,
        dotted: &str,
    ) -> Result<(FieldPath, Ty), String> {
        let mut steps = Vec::new();
        let mut at = s.clone();
        let mut owner = owner.to_string();
        let mut leaf = None;
        for (i, wire) in dotted.split('.').enumerate() {
            if i > 0 {
                let Some(Ty::Named(name)) = &leaf else {
                    return Err(format!(
                        "`{dotted}`: the field before `{wire}` is not an object"
                    ));
                };
                match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Struct(next)) => {
                        at = next.clone();
                        owner = name.clone();
                    }
                    _ => return Err(format!("`{dotted}`: `{name}` is not an object")),
                }
            }
            let Some(f) = at.fields.iter().find(|f| f.wire == wire) else {
                return Err(format!("`{dotted}`: the page has no field `{wire}`"));
            };
            steps.push(step(&owner, f));
            leaf = Some(f.ty.clone());
        }
        Ok((
            FieldPath {
                wire: dotted.to_string(),
                steps,
            },
            leaf.unwrap_or(Ty::Any),
        ))
    }

    /// A field by dotted path whose type is `want` (any integer for an integer).
    fn typed_path(
        &self,
        owner: &str,
        s: &Struct,
        dotted: &str,
        want: &Ty,
    ) -> Result<FieldPath, String> {
        let (path, ty) = self.field_path(owner, s, dotted)?;
        if same_kind(&ty, want) {
            Ok(path)
        } else {
            Err(format!("`{dotted}` is not {}", kind_word(want)))
        }
    }

    /// A string field of the list's items (`id`), for cursors taken from the last item.
    pub(super) fn item_path(&self, item: &Ty, dotted: &str) -> Result<FieldPath, String> {
        let Ty::Named(name) = item else {
            return Err("the list's items are not objects".into());
        };
        let Some(TypeKind::Struct(s)) = self.types.get(name).map(|t| &t.kind) else {
            return Err(format!("the list's items (`{name}`) are not objects"));
        };
        self.typed_path(name, s, dotted, &Ty::String)
    }

    /// The number of the first page: the page parameter's `default`, else its
    /// `minimum`, else 1.
    pub(super) fn first_page(&mut self, target: &PagedOp<'_>, wire: &str) -> i64 {
        let lists = [target.op.parameters.as_slice(), target.shared];
        for list in lists {
            for p in list {
                let Ok(resolved) = self.follow::<Parameter, _>(p, target.pointer) else {
                    continue;
                };
                let Parameter::Query { parameter_data, .. } = resolved.item else {
                    continue;
                };
                if parameter_data.name != wire {
                    continue;
                }
                let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter_data.format
                else {
                    continue;
                };
                let Ok(schema) = self.follow::<openapiv3::Schema, _>(schema, target.pointer) else {
                    continue;
                };
                if let Some(d) = schema
                    .item
                    .schema_data
                    .default
                    .as_ref()
                    .and_then(Value::as_i64)
                {
                    return d;
                }
                if let openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i)) =
                    &schema.item.schema_kind
                    && let Some(min) = i.minimum
                {
                    return min;
                }
            }
        }
        1
    }
}

/// The list field `wire` of the page and its items' type.
pub(super) fn items_step(owner: &str, s: &Struct, wire: &str) -> Result<(FieldStep, Ty), String> {
    let Some(f) = s.fields.iter().find(|f| f.wire == wire) else {
        return Err(format!("the page has no field `{wire}`"));
    };
    let Ty::Array(item) = &f.ty else {
        return Err(format!("`{wire}` of the page is not a list"));
    };
    Ok((step(owner, f), (**item).clone()))
}

/// The optional query parameter `wire` of type `want`: the walk sets it.
pub(super) fn walk_param(params: &[Param], wire: &str, want: &Ty) -> Result<usize, String> {
    let Some(i) = params
        .iter()
        .position(|p| p.wire == wire && p.location == ParamLocation::Query)
    else {
        return Err(format!("the operation has no query parameter `{wire}`"));
    };
    let p = &params[i];
    if p.required {
        return Err(format!(
            "the query parameter `{wire}` is required; the walk sets it, so it must be optional"
        ));
    }
    if !same_kind(&p.ty, want) {
        return Err(format!(
            "the query parameter `{wire}` is not {}",
            kind_word(want)
        ));
    }
    Ok(i)
}

pub(super) fn step(owner: &str, f: &Field) -> FieldStep {
    FieldStep {
        rust: f.name.rust.clone(),
        wire: f.wire.clone(),
        owner: owner.to_string(),
        access: access(&f.presence),
        variant_of: None,
    }
}

/// Once the types are final: how each field a pagination reads is reached.
pub(super) fn settle_access(resource: &mut Resource, types: &[TypeDef]) {
    for op in &mut resource.operations {
        let Some(p) = &mut op.pagination else {
            continue;
        };
        let mut steps: Vec<&mut FieldStep> = p.items_field.iter_mut().collect();
        let paths: Vec<&mut FieldPath> = match &mut p.walk {
            PageWalk::Cursor {
                next,
                has_more,
                direction,
                ..
            } => {
                let mut v: Vec<&mut FieldPath> = has_more.iter_mut().collect();
                match next {
                    CursorSource::Field(f) | CursorSource::LastItem(f) => v.push(f),
                }
                if let Some((_, by)) = direction {
                    v.extend(by.values_mut());
                }
                v
            }
            PageWalk::Offset {
                has_more, total, ..
            } => has_more.iter_mut().chain(total.iter_mut()).collect(),
            PageWalk::PageNumber {
                has_more,
                total_pages,
                ..
            } => has_more.iter_mut().chain(total_pages.iter_mut()).collect(),
            PageWalk::NextUrl { next } => vec![next],
            PageWalk::LinkHeader => Vec::new(),
        };
        steps.extend(paths.into_iter().flat_map(|p| p.steps.iter_mut()));
        for s in steps {
            let field = types
                .iter()
                .find(|t| t.name == s.owner)
                .and_then(|t| match &t.kind {
                    TypeKind::Struct(st) => st.fields.iter().find(|f| f.wire == s.wire),
                    _ => None,
                });
            if let Some(f) = field {
                s.access = access(&f.presence);
            }
        }
    }
    for child in &mut resource.children {
        settle_access(child, types);
    }
}

pub(super) fn access(presence: &Presence) -> FieldAccess {
    match presence {
        Presence::Required | Presence::Defaulted(_) => FieldAccess::Plain,
        Presence::RequiredNullable | Presence::Optional => FieldAccess::Optional,
        Presence::OptionalNullable => FieldAccess::OptionalNullable,
    }
}

pub(super) fn same_kind(ty: &Ty, want: &Ty) -> bool {
    matches!(
        (ty, want),
        (Ty::String, Ty::String) | (Ty::Bool, Ty::Bool) | (Ty::Integer(_), Ty::Integer(_))
    )
}

fn kind_word(ty: &Ty) -> &'static str {
    match ty {
        Ty::String => "a string",
        Ty::Bool => "a boolean",
        _ => "an integer",
    }
}
