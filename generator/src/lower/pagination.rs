//! `x-sdk-pagination`: which page field holds the items, which parameter takes the
//! cursor, which field gives the next one.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{Pagination, Param, ParamLocation, Response, ResponseKind, Ty, TypeKind};

impl<'a> Lowerer<'a> {
    pub(super) fn pagination(
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
                Some(f) => Some(f.name.rust.clone()),
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
                    by.insert(value.clone(), f.name.rust.clone());
                }
            }
            direction = Some((index, by));
        }
        Some(Pagination {
            items_field: items_field.name.rust.clone(),
            item_ty: (**item_ty).clone(),
            cursor_param: cursor_index,
            has_more_field,
            next_cursor_field: next.name.rust.clone(),
            direction,
        })
    }
}
