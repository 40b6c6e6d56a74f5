//! A compact, stable text form of the IR, one line per decision, for snapshots: a
//! reviewer reads in its diff what a spec change does to names, shapes and operations.

use std::fmt::Write as _;

use super::*;

pub fn render(api: &Api) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "api {:?} version {:?}, crate {}",
        api.title, api.version, api.crate_name
    );
    let p = &api.package;
    let _ = writeln!(
        w,
        "package: version {}, keywords {:?}, categories {:?}, repository {}, homepage {}, docs {}, tls by default {}",
        p.version,
        p.keywords,
        p.categories,
        p.repository.as_deref().unwrap_or("(none)"),
        p.homepage.as_deref().unwrap_or("(none)"),
        p.documentation.as_deref().unwrap_or("(none)"),
        if p.tls_by_default { "yes" } else { "no" },
    );
    let _ = writeln!(
        w,
        "base url: {}",
        api.default_base_url.as_deref().unwrap_or("(none)")
    );
    let _ = writeln!(
        w,
        "env: token {}, base url {}",
        api.env.access_token.as_deref().unwrap_or("(none)"),
        api.env.base_url
    );
    for s in &api.security_schemes {
        let kind = match &s.kind {
            SecuritySchemeKind::Bearer => "bearer".to_string(),
            SecuritySchemeKind::Basic => "basic".to_string(),
            SecuritySchemeKind::ApiKey { location, name } => {
                format!("api key {name:?} in {location:?}").to_lowercase()
            }
        };
        let _ = writeln!(
            w,
            "security scheme {}: {kind}, env {}, set by ClientBuilder::{}",
            s.name,
            s.env.join(" + "),
            s.setter.rust
        );
    }
    if !api.secret_fields.is_empty() {
        let _ = writeln!(w, "secret fields: {}", api.secret_fields.join(", "));
    }
    let _ = writeln!(w, "\ntypes ({}):", api.types.len());
    for t in &api.types {
        render_type(w, t);
    }
    let _ = writeln!(w, "\nmodel files:");
    for f in &api.model_files {
        let mut items = f.types.clone();
        items.extend(f.response_enums.iter().cloned());
        let _ = writeln!(w, "  {}: {}", f.module, items.join(", "));
        if !f.imports.is_empty() {
            let _ = writeln!(w, "    uses {}", f.imports.join(", "));
        }
    }
    let _ = writeln!(w, "\noperations:");
    render_resource(w, &api.root);
    if let Some(e) = &api.events {
        let _ = writeln!(
            w,
            "\nevents: WebSocket {} -> {} tagged by {:?}, resync {:?} = {}, auth {:?}",
            e.path, e.event_type, e.tag, e.resync_tag, e.resync_variant, e.auth
        );
    }
    // Only documents with webhooks have the section, so other renderings stay as they were.
    if !api.webhooks.is_empty() {
        let _ = writeln!(w, "\nwebhooks:");
        for h in &api.webhooks {
            let payload = match (&h.content_type, &h.payload) {
                (Some(media), Some(t)) => format!("{media} {}", ty(t)),
                _ => "no body".to_string(),
            };
            let _ = writeln!(
                w,
                "  {} {}: {payload}  [{}]",
                h.method.as_str(),
                h.name,
                h.source
            );
        }
    }
    out
}

pub fn ty(t: &Ty) -> String {
    match t {
        Ty::String => "String".into(),
        Ty::Secret => "Secret".into(),
        Ty::Bool => "bool".into(),
        Ty::Integer(f) => format!("{f:?}").to_lowercase(),
        Ty::Number(f) => format!("{f:?}").to_lowercase(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::File => "File".into(),
        Ty::Any => "Any".into(),
        Ty::Object => "Object".into(),
        Ty::Named(n) => n.clone(),
        Ty::Array(i) => format!("Vec<{}>", ty(i)),
        Ty::Map(i) => format!("Map<{}>", ty(i)),
        Ty::Option(i) => format!("Option<{}>", ty(i)),
        Ty::BestEffort(i) => format!("BestEffort<{}>", ty(i)),
        Ty::Tuple(items) => format!("({})", items.iter().map(ty).collect::<Vec<_>>().join(", ")),
    }
}

fn render_type(w: &mut String, t: &TypeDef) {
    let deprecated = if t.deprecated { " (deprecated)" } else { "" };
    match &t.kind {
        TypeKind::Struct(s) => {
            let req = if s.in_request {
                ", used in requests"
            } else {
                ""
            };
            let _ = writeln!(w, "  struct {}{deprecated}  <- #{}{req}", t.name, t.source);
            for f in &s.fields {
                let _ = writeln!(w, "    {}", field(f));
            }
            match &s.additional {
                Additional::Keep => {
                    let _ = writeln!(w, "    {}: other keys kept", s.extra_field);
                }
                Additional::Typed(x) => {
                    let _ = writeln!(w, "    {}: other keys as {}", s.extra_field, ty(x));
                }
                Additional::Drop => {
                    let _ = writeln!(w, "    other keys dropped");
                }
            }
        }
        TypeKind::Enum(e) => {
            let values: Vec<String> = e
                .variants
                .iter()
                .map(|v| {
                    if e.integer {
                        format!("{} = {}", v.name, v.wire)
                    } else {
                        format!("{} = {:?}", v.name, v.wire)
                    }
                })
                .collect();
            let _ = writeln!(
                w,
                "  enum {}{deprecated}  <- #{}: {} (+ Unknown)",
                t.name,
                t.source,
                values.join(", ")
            );
        }
        TypeKind::Union(u) => {
            let how = match &u.tag {
                Some(tag) => format!("tagged by {tag:?}"),
                None => "untagged, by evidence".into(),
            };
            let _ = writeln!(w, "  union {}{deprecated}  <- #{}, {how}", t.name, t.source);
            if !u.secret_fields.is_empty() {
                let _ = writeln!(w, "    secret fields: {}", u.secret_fields.join(", "));
            }
            for v in &u.variants {
                let tags = if v.tag_values.is_empty() {
                    String::new()
                } else {
                    format!(
                        " = {}",
                        v.tag_values
                            .iter()
                            .map(|t| format!("{t:?}"))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    )
                };
                let boxed = if v.boxed { " (boxed)" } else { "" };
                let _ = writeln!(w, "    {}({}){boxed}{tags}", v.name, ty(&v.ty));
                if u.tag.is_none() {
                    let _ = writeln!(w, "      evidence: {}", evidence(&v.evidence));
                }
            }
        }
        TypeKind::Alias(x) => {
            let _ = writeln!(
                w,
                "  alias {}{deprecated} = {}  <- #{}",
                t.name,
                ty(x),
                t.source
            );
        }
    }
}

/// `object, requires [a, b], fixes {kind: "x"}, declares [a, b, c]`.
fn evidence(e: &crate::ir::Evidence) -> String {
    let mut out = format!("{:?}", e.kind).to_lowercase();
    let list = |keys: &[String]| {
        keys.iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !e.required.is_empty() {
        out.push_str(&format!(", requires [{}]", list(&e.required)));
    }
    if !e.constants.is_empty() {
        let fixed: Vec<String> = e
            .constants
            .iter()
            .map(|(k, v)| format!("{k:?}: {v}"))
            .collect();
        out.push_str(&format!(", fixes {{{}}}", fixed.join(", ")));
    }
    if !e.strings.is_empty() {
        out.push_str(&format!(", one of [{}]", list(&e.strings)));
    }
    if !e.known.is_empty() {
        out.push_str(&format!(", declares [{}]", list(&e.known)));
    }
    if e.open {
        out.push_str(", takes any key");
    }
    out
}

fn field(f: &Field) -> String {
    let presence = match &f.presence {
        Presence::Required => "required".to_string(),
        Presence::RequiredNullable => "required, nullable".to_string(),
        Presence::Optional => "optional".to_string(),
        Presence::OptionalNullable => "optional, nullable (3 states)".to_string(),
        Presence::Defaulted(v) => format!("default {v}"),
    };
    let mut notes = vec![presence];
    if let Some(c) = &f.constant {
        notes.push(format!("always {c}"));
    }
    if f.boxed {
        notes.push("boxed".into());
    }
    if f.read_only {
        notes.push("read-only".into());
    }
    if f.write_only {
        notes.push("write-only".into());
    }
    if f.deprecated {
        notes.push("deprecated".into());
    }
    if let Some(setter) = &f.setter {
        notes.push(format!("set by {setter}"));
    }
    if !f.undecoded_secrets.is_empty() {
        notes.push(format!(
            "undecoded items hide {}",
            f.undecoded_secrets.join(", ")
        ));
    }
    format!(
        "{}: {} = {:?} ({})",
        f.name,
        ty(&f.ty),
        f.wire,
        notes.join(", ")
    )
}

fn render_resource(w: &mut String, r: &Resource) {
    let name = if r.path.is_empty() {
        "client".to_string()
    } else {
        r.path.join(".")
    };
    let _ = writeln!(w, "  {name} ({})", r.type_name);
    for op in &r.operations {
        let output = match &op.response.kind {
            ResponseKind::Empty => "()".to_string(),
            ResponseKind::Json(t) => ty(t),
            ResponseKind::Text => "text".to_string(),
            ResponseKind::Bytes => "bytes".to_string(),
            ResponseKind::ByStatus => format!(
                "{} by status: {}",
                op.response.by_status_name.as_deref().unwrap_or("?"),
                op.response
                    .statuses
                    .iter()
                    .map(|s| format!(
                        "{} {}",
                        s.status.map_or("2XX".to_string(), |c| c.to_string()),
                        s.variant
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let _ = writeln!(
            w,
            "    {} {} {} -> {output}",
            op.method_name,
            op.http_method.as_str(),
            op.path
        );
        let auth = match &op.auth {
            Auth::None => "none".to_string(),
            Auth::Schemes {
                alternatives,
                optional,
            } => format!(
                "{}{}",
                alternatives
                    .iter()
                    .map(|a| a.join(" + "))
                    .collect::<Vec<_>>()
                    .join(" | "),
                if *optional { " (optional)" } else { "" }
            ),
        };
        let retry = if op.idempotent {
            "retried"
        } else {
            "not retried after it may have acted"
        };
        let _ = writeln!(
            w,
            "      id {}, params {}, request {}, auth {auth}, {retry}",
            op.id, op.params_name, op.request_name
        );
        if !op.secret_fields.is_empty() {
            let _ = writeln!(w, "      secret fields: {}", op.secret_fields.join(", "));
        }
        if let Some(server) = &op.server {
            let default = match (&server.default, server.relative) {
                (_, false) => String::new(),
                (Some(d), true) => format!(", relative to the base URL ({d} by default)"),
                (None, true) => ", relative to the base URL".to_string(),
            };
            let _ = writeln!(w, "      server {}{default}", server.url);
        }
        for p in &op.params {
            let req = match (&p.default, p.required) {
                (Some(d), _) => format!("optional, default {d:?} sent when unset"),
                (None, true) => "required".to_string(),
                (None, false) => "optional".to_string(),
            };
            let encoding = match &p.query {
                Some(q) => format!(", {:?} {:?}", q.style, q.shape),
                None => String::new(),
            };
            let _ = writeln!(
                w,
                "      {:?} {} -> {}: {} ({req}{encoding})",
                p.location,
                p.wire,
                p.name,
                ty(&p.ty),
            );
        }
        if !op.example.setters.is_empty() {
            let names: Vec<&str> = op.example.setters.iter().map(|s| s.name.as_str()).collect();
            let _ = writeln!(w, "      example sets: {}", names.join(", "));
        }
        if let Some(b) = &op.body {
            let req = if b.required { "required" } else { "optional" };
            let _ = writeln!(
                w,
                "      body {} {:?} {} ({req})",
                b.content_type,
                b.media,
                ty(&b.ty)
            );
            if let Some(flat) = &b.flattened {
                for (f, s) in flat.fields.iter().zip(&flat.setters) {
                    let role = match &s.role {
                        SetterRole::Argument => "argument".to_string(),
                        SetterRole::Setter { clear: Some(c) } => format!("setter, {}", c.name),
                        SetterRole::Setter { clear: None } => "setter".to_string(),
                        SetterRole::Fixed => "fixed".to_string(),
                    };
                    let _ = writeln!(w, "        {} ({role}) -> {}", s.name, field(f));
                }
            }
        }
        if let Some(p) = &op.pagination {
            let _ = writeln!(w, "      paginated: {}", pagination(op, p));
        }
    }
    for c in &r.children {
        render_resource(w, c);
    }
}

/// A field's dotted wire path, with the union variants it is read through.
fn path(f: &FieldPath) -> String {
    let through: Vec<String> = f
        .steps
        .iter()
        .filter_map(|s| s.variant_of.as_ref())
        .map(|(u, v)| format!("{u}::{v}"))
        .collect();
    if through.is_empty() {
        f.wire.clone()
    } else {
        format!("{} (in {})", f.wire, through.join(", "))
    }
}

/// One line: where the items are, how the next page is found, and who said so.
fn pagination(op: &Operation, p: &Pagination) -> String {
    let param = |i: &usize| op.params[*i].name.clone();
    let flag = |name: &str, f: &Option<FieldPath>| match f {
        Some(f) => format!(", {name} {}", path(f)),
        None => String::new(),
    };
    let walk = match &p.walk {
        PageWalk::Cursor {
            param: i,
            next,
            has_more,
            direction,
        } => {
            let next = match next {
                CursorSource::Field(f) => format!("next {}", path(f)),
                CursorSource::LastItem(f) => format!("next from the last item's {}", path(f)),
            };
            let by = match direction {
                Some((d, by)) => format!(
                    ", direction {} ({})",
                    param(d),
                    by.iter()
                        .map(|(k, v)| format!("{k} -> {}", v.wire))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => String::new(),
            };
            format!(
                "cursor {}, {next}{}{by}",
                param(i),
                flag("has more", has_more)
            )
        }
        PageWalk::Offset {
            param: i,
            has_more,
            total,
        } => format!(
            "offset {}{}{}",
            param(i),
            flag("has more", has_more),
            flag("total", total)
        ),
        PageWalk::PageNumber {
            param: i,
            first,
            has_more,
            total_pages,
        } => format!(
            "page number {} from {first}{}{}",
            param(i),
            flag("has more", has_more),
            flag("total pages", total_pages)
        ),
        PageWalk::NextUrl { next } => format!("next URL {}", path(next)),
        PageWalk::LinkHeader => "next URL in the Link header".to_string(),
    };
    let items = match &p.items_field {
        Some(f) => format!("items {} of {}", f.rust, ty(&p.item_ty)),
        None => format!("the page is the list of {}", ty(&p.item_ty)),
    };
    let by = match &p.inferred {
        Some(rule) => format!("inferred: {rule}"),
        None => "x-sdk-pagination".to_string(),
    };
    format!("{items}, {walk} ({by})")
}
