//! Parameters of an operation (path-item ones merged with its own) and the path
//! template checked against them.

use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr,
};

use super::Lowerer;
use super::names::{self, Scope, bare, snake_name, type_name};
use super::path_template::{self, Part};
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{
    Param, ParamLocation, ParamStyle, PathSegment, QueryEncoding, Resource, Ty, TypeDef, TypeKind,
    ValueShape,
};
use crate::json_pointer::pointer_push;

impl<'a> Lowerer<'a> {
    pub(super) fn params(
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
                let Some(resolved) = self
                    .resolve_ref::<Parameter, _>(p, &pointer_push(list_pointer, &i.to_string()))
                else {
                    continue;
                };
                let (param, at, component) = (resolved.item, resolved.pointer, resolved.key);
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
        let outer_parent = self.enum_parent.replace(base.to_string());
        for (param, at, component) in merged {
            let data = param.parameter_data_ref();
            let (location, style) = match param {
                Parameter::Path { style, .. } => {
                    if !matches!(style, PathStyle::Simple) {
                        self.diags.warning(Kind::Unsupported, pointer_push(&at, "style"), "path parameter styles other than `simple` are not supported; `simple` is used");
                    }
                    (ParamLocation::Path, None)
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
                    // The shape is settled once the types are final (`settle_shapes`).
                    let shape = ValueShape::Scalar;
                    (ParamLocation::Query, Some(QueryEncoding { style, shape }))
                }
                Parameter::Header { .. } => (ParamLocation::Header, None),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, None),
            };
            // The body's media type is its `Content-Type`: a parameter of that name
            // beside a body replaces it when set, and has no default of its own.
            let body_type = location == ParamLocation::Header
                && op.request_body.is_some()
                && data.name.eq_ignore_ascii_case("content-type");
            let default = match (&data.format, location) {
                (ParameterSchemaOrContent::Schema(schema), ParamLocation::Header) if !body_type => {
                    let default = self.facts(schema, &pointer_push(&at, "schema")).default;
                    self.header_default(default.as_ref(), &data.name, &at)
                }
                _ => None,
            };
            // A header with a default is always sent: the call need not give it.
            let required = (data.required && default.is_none() && !body_type)
                || location == ParamLocation::Path;
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
                format!(
                    "{}_{}",
                    bare(&wanted).trim_end_matches('_'),
                    location_word(location)
                )
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
                name: names::name(name),
                wire: data.name.clone(),
                source: at.clone(),
                location,
                ty,
                required,
                query: style,
                doc,
                deprecated: data.deprecated.unwrap_or(false),
                // `examples` is folded into `example` by the loader.
                example: data.example.clone(),
                default,
            });
        }
        self.enum_parent = outer_parent;
        out
    }

    /// Checks the parsed path template against the parameters and builds the IR's
    /// segments. A `{name}` without a path parameter gets a string parameter, and a path
    /// parameter that is not in the template is dropped, each with a warning: the URL
    /// the spec means is still built.
    pub(super) fn path_segments(
        &mut self,
        path: &str,
        template: &[Part<'_>],
        params: &mut Vec<Param>,
        pointer: &str,
        scope: &mut Scope,
    ) -> Vec<PathSegment> {
        let names: Vec<&str> = path_template::param_names(template).collect();
        let is_path = |p: &Param, name: &str| p.location == ParamLocation::Path && p.wire == name;
        let mut kept = Vec::with_capacity(params.len());
        for p in params.drain(..) {
            if p.location == ParamLocation::Path && !names.contains(&p.wire.as_str()) {
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
                    name: names::name(rust),
                    wire: name.to_string(),
                    source: pointer.to_string(),
                    location: ParamLocation::Path,
                    ty: Ty::String,
                    required: true,
                    query: None,
                    doc: None,
                    deprecated: false,
                    example: None,
                    default: None,
                },
            );
        }
        // Every name of the template now has its parameter.
        template
            .iter()
            .filter_map(|part| match part {
                Part::Literal(text) => Some(PathSegment::Literal(text.to_string())),
                Part::Param(name) => params
                    .iter()
                    .position(|p| is_path(p, name))
                    .map(PathSegment::Param),
            })
            .collect()
    }
}

impl Lowerer<'_> {
    /// A header parameter's `default` as the text sent: a string as it is, a number or
    /// boolean as JSON writes it. Anything else, or text a header cannot carry, is not
    /// sent (a warning).
    fn header_default(
        &mut self,
        default: Option<&serde_json::Value>,
        name: &str,
        at: &str,
    ) -> Option<String> {
        use serde_json::Value;
        let text = match default? {
            Value::String(s) => s.clone(),
            v @ (Value::Number(_) | Value::Bool(_)) => v.to_string(),
            Value::Null => return None,
            _ => {
                self.diags.warning(
                    Kind::Unsupported,
                    pointer_push(&pointer_push(at, "schema"), "default"),
                    format!("the default of header `{name}` is not a string, number or boolean; it is not sent when unset"),
                );
                return None;
            }
        };
        let sendable = text
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
        if text.trim().is_empty() || !sendable {
            self.diags.warning(
                Kind::InvalidValue,
                pointer_push(&pointer_push(at, "schema"), "default"),
                format!("the default of header `{name}` is empty or not printable ASCII; it is not sent when unset"),
            );
            return None;
        }
        Some(text)
    }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// Once the types are final: the shape of each query parameter's value, which decides
/// how the runtime writes it.
pub(super) fn settle_shapes(resource: &mut Resource, types: &[TypeDef]) {
    for op in &mut resource.operations {
        for p in &mut op.params {
            if let Some(q) = &mut p.query {
                q.shape = shape_of(&p.ty, types, 0);
            }
        }
    }
    for child in &mut resource.children {
        settle_shapes(child, types);
    }
}

fn shape_of(ty: &Ty, types: &[TypeDef], depth: usize) -> ValueShape {
    match ty {
        Ty::Array(_) | Ty::Tuple(_) => ValueShape::List,
        Ty::Object | Ty::Map(_) => ValueShape::Object,
        Ty::Any => ValueShape::Any,
        Ty::Option(inner) => shape_of(inner, types, depth),
        Ty::Named(name) if depth < 16 => {
            match types.binary_search_by(|t| t.name.as_str().cmp(name)) {
                Ok(i) => match &types[i].kind {
                    TypeKind::Struct(_) => ValueShape::Object,
                    TypeKind::Enum(_) => ValueShape::Scalar,
                    TypeKind::Union(_) => ValueShape::Any,
                    TypeKind::Alias(t) => shape_of(t, types, depth + 1),
                },
                Err(_) => ValueShape::Any,
            }
        }
        Ty::Named(_) => ValueShape::Any,
        _ => ValueShape::Scalar,
    }
}
