//! Pagination without `x-sdk-pagination`: the patterns of real APIs, recognised from an
//! operation's query parameters, its response's fields and headers. Conservative on
//! purpose: a `.stream()` on something that is not a list, or a walk that never ends,
//! is worse than a list read one page at a time. Each rule needs the list identified
//! in the response and a matching pair of (parameter, field); each inference is a note.

use openapiv3::{ReferenceOr, Response as OaResponse, StatusCode};

use super::Lowerer;
use super::pagination::{Page, PagedOp, items_step, same_kind, step};
use crate::diagnostics::{Diagnostic, Kind};
use crate::ir::{
    CursorSource, FieldPath, FieldStep, HttpMethod, IntFormat, PageWalk, Pagination, ParamLocation,
    Struct, Ty, TypeKind,
};

/// Names are compared lowercased without `_`, `-`, `$` or `.`: `next_cursor`,
/// `nextCursor` and `next-cursor` are one name.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Fields that hold the page's list, when the page has several lists.
const LIST_FIELDS: &[&str] = &[
    "data", "items", "results", "entries", "records", "values", "elements", "objects", "nodes",
];
/// Query parameters that take an opaque cursor.
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "after",
    "pagetoken",
    "nexttoken",
    "pagecursor",
    "continuationtoken",
    "marker",
    "startcursor",
];
/// Fields that give the next cursor (or a field named `next` + the parameter's name).
const NEXT_CURSOR_FIELDS: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "nextmarker",
    "nextpagecursor",
    "nextpage",
    "endcursor",
    "lastid",
];
/// Query parameters that take the id of the last item seen (Stripe; OpenAI where the
/// page has no `last_id`), when the page has no next cursor.
const AFTER_ID_PARAMS: &[&str] = &["startingafter", "after"];
const HAS_MORE_FIELDS: &[&str] = &["hasmore", "more", "hasnext", "hasnextpage", "hasmoreitems"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "startindex"];
const SIZE_PARAMS: &[&str] = &[
    "limit",
    "perpage",
    "pagesize",
    "maxresults",
    "size",
    "top",
    "pagelimit",
    "count",
];
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalsize",
    "totalentries",
];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber"];
const TOTAL_PAGES_FIELDS: &[&str] = &["totalpages", "pagecount", "numpages", "lastpage"];
/// Fields that always hold a URL of the next page: `next` + anything + one of these
/// (`next_url`, `next_page_uri`, `nextLink`, `next_href`), or these names.
const NEXT_URL_ENDINGS: &[&str] = &["url", "uri", "link", "href"];
const NEXT_URL_FIELDS: &[&str] = &["odatanextlink"];
/// Fields beside a `next` link in a set of links to other pages.
const PAGE_LINK_SIBLINGS: &[&str] = &["previous", "prev", "first", "last"];
/// Objects in which a `next` string is the next page's URL (`links.next`).
const LINK_OBJECTS: &[&str] = &["links", "link", "paging", "pagination", "meta", "next"];

/// A scalar field of the page, anywhere within three objects of it.
struct Leaf {
    dotted: String,
    path: FieldPath,
    ty: Ty,
    /// Normalized wire names from the page down, the leaf's last.
    names: Vec<String>,
    doc: String,
    /// Normalized names of the fields beside it.
    siblings: Vec<String>,
}

/// Where a struct is in the page: the dotted path and the steps to it, and the page's
/// list (not a leaf).
struct Within<'w> {
    prefix: &'w str,
    above: &'w [FieldStep],
    items: &'w FieldStep,
    /// The struct is one variant of a union field: (union type, variant).
    via: Option<(String, String)>,
}

impl Leaf {
    fn name(&self) -> &str {
        self.names.last().map_or("", String::as_str)
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn infer_pagination(&mut self, t: &PagedOp<'_>) -> Option<Pagination> {
        if t.method != HttpMethod::Get {
            return None;
        }
        let page = self.page_of(t.response).ok()?;
        let (items_field, item_ty, leaves) = match &page {
            Page {
                fields: Some((name, s)),
                ..
            } => {
                let wire = list_field(s, t.path)?;
                let (step, ty) = items_step(name, s, &wire).ok()?;
                let mut leaves = Vec::new();
                let top = Within {
                    prefix: "",
                    above: &[],
                    items: &step,
                    via: None,
                };
                self.leaves(name, s, &top, &mut leaves);
                (Some(step), ty, leaves)
            }
            Page { list: Some(ty), .. } => (None, ty.clone(), Vec::new()),
            _ => return None,
        };
        // Optional query parameters, by normalized name: the walk sets them.
        let query: Vec<(usize, String)> = t
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ParamLocation::Query && !p.required)
            .map(|(i, p)| (i, norm(&p.wire)))
            .collect();
        let param_of = |names: &[&str], want: &Ty| {
            let found: Vec<usize> = query
                .iter()
                .filter(|(i, n)| names.contains(&n.as_str()) && same_kind(&t.params[*i].ty, want))
                .map(|(i, _)| *i)
                .collect();
            // Two candidates (`offset` and `skip`) are a puzzle, not a pattern.
            (found.len() == 1).then(|| found[0])
        };
        let one = |pick: &dyn Fn(&Leaf) -> bool, want: &Ty| {
            let found: Vec<&Leaf> = leaves
                .iter()
                .filter(|l| same_kind(&l.ty, want) && pick(l))
                .collect();
            (found.len() == 1).then(|| found[0])
        };
        let has_more = one(&|l| HAS_MORE_FIELDS.contains(&l.name()), &Ty::Bool);
        let int = Ty::Integer(IntFormat::I64);
        let has_size = param_of(SIZE_PARAMS, &int).is_some();

        let mut found: Option<(PageWalk, String)> = None;
        // A cursor parameter and the next cursor in the body.
        // Any string parameter pairs with a field named `next` + its name (Stripe's
        // search: `page` <- `next_page`); a known cursor name also with the usual names.
        for (i, n) in &query {
            if found.is_some() || !same_kind(&t.params[*i].ty, &Ty::String) {
                continue;
            }
            let known = CURSOR_PARAMS.contains(&n.as_str());
            let next_name = format!("next{n}");
            let leaf = one(
                &|l| {
                    let above = &l.names[..l.names.len().saturating_sub(1)];
                    l.name() == next_name
                        // The parameter's own name in an object of the next page
                        // (`next_page.offset`, `pages.next.starting_after`).
                        || (l.name() == n && above.iter().any(|a| a.starts_with("next")))
                        || (known
                            && (NEXT_CURSOR_FIELDS.contains(&l.name())
                                || (l.names.len() > 1 && l.name() == n)))
                },
                &Ty::String,
            );
            if let Some(leaf) = leaf {
                found = Some((
                    PageWalk::Cursor {
                        param: *i,
                        next: CursorSource::Field(leaf.path.clone()),
                        has_more: has_more.map(|h| h.path.clone()),
                        direction: None,
                    },
                    format!(
                        "cursor parameter `{}` takes the page's `{}`{}",
                        t.params[*i].wire,
                        leaf.dotted,
                        has_more
                            .map_or(String::new(), |h| format!(" while `{}` is true", h.dotted))
                    ),
                ));
            }
        }
        // A parameter that takes the last item's id, with a flag for more (Stripe).
        if found.is_none()
            && let (Some(i), Some(more)) = (param_of(AFTER_ID_PARAMS, &Ty::String), has_more)
            && let Ok(id) = self.item_path(&item_ty, "id")
        {
            found = Some((
                PageWalk::Cursor {
                    param: i,
                    next: CursorSource::LastItem(id),
                    has_more: Some(more.path.clone()),
                    direction: None,
                },
                format!(
                    "parameter `{}` takes the last item's `id` while `{}` is true",
                    t.params[i].wire, more.dotted
                ),
            ));
        }
        // The next page's URL in the body.
        if found.is_none() {
            let leaf = one(
                &|l| {
                    let name = l.name();
                    let above = &l.names[..l.names.len().saturating_sub(1)];
                    NEXT_URL_FIELDS.contains(&name)
                        || (name.len() > 4
                            && name.starts_with("next")
                            && NEXT_URL_ENDINGS.iter().any(|e| name.ends_with(e)))
                        || (name == "next"
                            && (above.iter().any(|n| LINK_OBJECTS.contains(&n.as_str()))
                                || l.siblings
                                    .iter()
                                    .any(|s| PAGE_LINK_SIBLINGS.contains(&s.as_str()))
                                || ["url", "uri", "link"].iter().any(|w| l.doc.contains(w))))
                        || (name == "href" && above.last().is_some_and(|n| n == "next"))
                },
                &Ty::String,
            );
            if let Some(leaf) = leaf {
                found = Some((
                    PageWalk::NextUrl {
                        next: leaf.path.clone(),
                    },
                    format!("the page's `{}` is the next page's URL", leaf.dotted),
                ));
            }
        }
        // An offset, with a total or a flag for more.
        if found.is_none()
            && let Some(i) = param_of(OFFSET_PARAMS, &int)
            && has_size
        {
            let total = one(&|l| TOTAL_FIELDS.contains(&l.name()), &int);
            if total.is_some() || has_more.is_some() {
                let until = match (total, has_more) {
                    (Some(t), Some(h)) => {
                        format!("until `{}`, while `{}` is true", t.dotted, h.dotted)
                    }
                    (Some(t), None) => format!("until `{}`", t.dotted),
                    (None, Some(h)) => format!("while `{}` is true", h.dotted),
                    (None, None) => String::new(),
                };
                found = Some((
                    PageWalk::Offset {
                        param: i,
                        has_more: has_more.map(|h| h.path.clone()),
                        total: total.map(|t| t.path.clone()),
                    },
                    format!(
                        "offset parameter `{}` advances by the items received, {until}",
                        t.params[i].wire
                    ),
                ));
            }
        }
        // The `Link` header (GitHub).
        if found.is_none() && self.declares_link_header(t) {
            found = Some((
                PageWalk::LinkHeader,
                "the response's `Link` header gives the next page".to_string(),
            ));
        }
        // Page numbers, with a total of pages, a flag, or an empty page at the end.
        if found.is_none()
            && let Some(i) = param_of(PAGE_PARAMS, &int)
        {
            let total_pages = one(&|l| TOTAL_PAGES_FIELDS.contains(&l.name()), &int);
            if total_pages.is_some() || has_more.is_some() || has_size {
                let until = match (total_pages, has_more) {
                    (Some(t), _) => format!("until `{}`", t.dotted),
                    (None, Some(h)) => format!("while `{}` is true", h.dotted),
                    (None, None) => "until an empty page".to_string(),
                };
                let wire = t.params[i].wire.clone();
                let first = self.first_page(t, &wire);
                found = Some((
                    PageWalk::PageNumber {
                        param: i,
                        first,
                        has_more: has_more.map(|h| h.path.clone()),
                        total_pages: total_pages.map(|t| t.path.clone()),
                    },
                    format!("page number `{wire}` from {first}, {until}"),
                ));
            }
        }
        let (walk, rule) = found?;
        self.diags.push(
            Diagnostic::note(
                Kind::InferredPagination,
                t.pointer.to_string(),
                format!(
                    "`{} {}` is read as a paginated list: {rule}; `.stream()` walks every page",
                    t.method.as_str(),
                    t.path
                ),
            )
            .with_hint("`x-sdk-pagination` on the operation says otherwise, `x-sdk-pagination: false` turns this off"),
        );
        Some(Pagination {
            items_field,
            item_ty,
            walk,
            inferred: Some(rule),
        })
    }

    /// Every scalar field of `s` (of type `owner`) and of the objects in it, three
    /// levels down; `at` is where `s` is in the page.
    fn leaves(&self, owner: &str, s: &Struct, at: &Within<'_>, out: &mut Vec<Leaf>) {
        let siblings: Vec<String> = s.fields.iter().map(|f| norm(&f.wire)).collect();
        for f in &s.fields {
            if at.above.is_empty() && f.name.rust == at.items.rust {
                continue;
            }
            let dotted = if at.prefix.is_empty() {
                f.wire.clone()
            } else {
                format!("{}.{}", at.prefix, f.wire)
            };
            let mut steps = at.above.to_vec();
            let mut this = step(owner, f);
            this.variant_of.clone_from(&at.via);
            steps.push(this);
            match &f.ty {
                Ty::Named(name) if at.above.len() < 2 => {
                    let within = Within {
                        prefix: &dotted,
                        above: &steps,
                        items: at.items,
                        via: None,
                    };
                    match self.types.get(name).map(|t| &t.kind) {
                        Some(TypeKind::Struct(inner)) => self.leaves(name, inner, &within, out),
                        // A union of objects (`anyOf: [forward links, backward links]`):
                        // the fields of each variant, read through it.
                        Some(TypeKind::Union(u)) => {
                            for v in &u.variants {
                                let Ty::Named(vn) = &v.ty else { continue };
                                if let Some(TypeKind::Struct(inner)) =
                                    self.types.get(vn).map(|t| &t.kind)
                                {
                                    let within = Within {
                                        via: Some((name.clone(), v.name.clone())),
                                        ..within
                                    };
                                    self.leaves(vn, inner, &within, out);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Ty::String | Ty::Bool | Ty::Integer(_) => out.push(Leaf {
                    names: dotted.split('.').map(norm).collect(),
                    path: FieldPath {
                        wire: dotted.clone(),
                        steps,
                    },
                    dotted,
                    ty: f.ty.clone(),
                    doc: f.doc.clone().unwrap_or_default().to_ascii_lowercase(),
                    siblings: siblings.clone(),
                }),
                _ => {}
            }
        }
    }

    /// Whether a success response of the operation declares a `Link` header.
    fn declares_link_header(&mut self, t: &PagedOp<'_>) -> bool {
        let responses: Vec<&ReferenceOr<OaResponse>> =
            t.op.responses
                .responses
                .iter()
                .filter(|(code, _)| match code {
                    StatusCode::Code(c) => (200..300).contains(c),
                    StatusCode::Range(r) => *r == 2,
                })
                .map(|(_, r)| r)
                .collect();
        responses.into_iter().any(|r| {
            self.follow::<OaResponse, _>(r, t.pointer).is_ok_and(|r| {
                r.item
                    .headers
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case("link"))
            })
        })
    }
}

/// The page's list: its one list field; among several, the one named after what the
/// path lists (`widgets` of `GET /v1/widgets`), else the one with a list's name.
fn list_field(s: &Struct, path: &str) -> Option<String> {
    let lists: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::Array(_)))
        .map(|f| f.wire.as_str())
        .collect();
    if let [one] = lists.as_slice() {
        return Some(one.to_string());
    }
    let listed = path
        .rsplit('/')
        .find(|seg| !seg.is_empty() && !seg.starts_with('{'))
        .map(|seg| norm(seg.split('.').next().unwrap_or(seg)));
    let same = |a: &str, b: &str| {
        a == b || a.strip_suffix('s') == Some(b) || b.strip_suffix('s') == Some(a)
    };
    let by_path = |w: &str| listed.as_deref().is_some_and(|l| same(&norm(w), l));
    let by_name = |w: &str| LIST_FIELDS.contains(&norm(w).as_str());
    let picks: [&dyn Fn(&str) -> bool; 2] = [&by_path, &by_name];
    for pick in picks {
        let named: Vec<&&str> = lists.iter().filter(|w| pick(w)).collect();
        if let [one] = named.as_slice() {
            return Some(one.to_string());
        }
    }
    None
}
