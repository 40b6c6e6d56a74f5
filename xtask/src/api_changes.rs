//! The API change summary that `cargo xtask codegen` prints: what a spec change did to
//! the SDK's public Rust API, computed from the IR before and after, and whether code
//! written against the SDK before the change still compiles.
//!
//! "Before" is the spec as committed at a git revision (`HEAD` unless `--since` says
//! otherwise), lowered by the generator of the working tree, so that the summary shows
//! what the spec change did and nothing else. Only [`Surface::of`] reads the IR; the
//! comparison works on the surface alone.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use sdk_generator::ir::{
    Api, Field as IrField, Presence, ResponseKind, SetterRole, TypeKind, render_ty,
};

/// How a change affects code written against the SDK before it, by cargo's semver
/// rules (what `cargo-semver-checks` checks).
///
/// Every type the generator writes (models, unions, string enums, parameters) is
/// `#[non_exhaustive]` (`emit::models`, `emit::unions`, `emit::operation`; checked by
/// `xtask/tests/api_changes.rs`): no code outside the crate can name all of its fields
/// or variants, so a new optional field, enum value or union variant is compatible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing code compiles as before: a minor release.
    Compatible,
    /// Breaks code that uses the item: a major release.
    Breaking,
}

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `+` added, `-` removed, `~` changed.
    pub sign: char,
    pub text: String,
    pub impact: Impact,
    /// A breaking change of a type (a field's, argument's, setter's, output's or union
    /// variant's type, an alias's target): cargo-semver-checks compares no types
    /// (obi1kenobi/cargo-semver-checks#149), so CI does not catch it and the maintainer
    /// must bump the major version on the summary's word.
    pub type_change: bool,
}

/// The public API of a generated SDK, reduced to what a change to it can break.
#[derive(Debug, Default, PartialEq)]
pub struct Surface {
    /// By dotted name in the resource tree (`chats.reminders.create`).
    operations: BTreeMap<String, Op>,
    /// By Rust name.
    types: BTreeMap<String, Type>,
}

#[derive(Debug, PartialEq)]
struct Op {
    /// `GET /v1/chats`.
    request: String,
    /// The method's arguments, in order: name and Rust type.
    args: Vec<(String, String)>,
    /// The request's setters: name and the type of their value.
    setters: BTreeMap<String, String>,
    output: String,
    paginated: bool,
}

#[derive(Debug, PartialEq)]
enum Type {
    Struct(BTreeMap<String, Field>),
    /// Wire value -> Rust variant.
    Enum(BTreeMap<String, String>),
    /// Variant -> the type it holds.
    Union(BTreeMap<String, String>),
    Alias(String),
}

#[derive(Debug, PartialEq)]
struct Field {
    /// The field's Rust type (`Option<String>`).
    ty: String,
    /// What the spec says of its presence (`required, nullable`).
    presence: &'static str,
    /// An argument of the type's `new`.
    required: bool,
}

impl Type {
    fn kind(&self) -> &'static str {
        match self {
            Type::Struct(_) => "struct",
            Type::Enum(_) => "enum",
            Type::Union(_) => "union",
            Type::Alias(_) => "alias",
        }
    }
}

impl Surface {
    /// The surface of the SDK generated from `api`. The only reader of the IR here.
    pub fn of(api: &Api) -> Surface {
        let mut surface = Surface::default();
        for t in &api.types {
            let ty = match &t.kind {
                TypeKind::Struct(s) => Type::Struct(
                    s.fields
                        .iter()
                        .map(|f| (f.name.to_string(), field(f)))
                        .collect(),
                ),
                TypeKind::Enum(e) => Type::Enum(
                    e.variants
                        .iter()
                        .map(|v| (v.wire.clone(), v.name.to_string()))
                        .collect(),
                ),
                TypeKind::Union(u) => Type::Union(
                    u.variants
                        .iter()
                        .map(|v| (v.name.to_string(), render_ty(&v.ty)))
                        .collect(),
                ),
                TypeKind::Alias(x) => Type::Alias(render_ty(x)),
            };
            surface.types.insert(t.name.clone(), ty);
        }
        for (_, op) in api.operations() {
            let mut args = Vec::new();
            let mut setters = BTreeMap::new();
            for p in &op.params {
                let entry = (p.name.to_string(), render_ty(&p.ty));
                if p.required {
                    args.push(entry);
                } else {
                    setters.insert(entry.0, entry.1);
                }
            }
            if let Some(body) = &op.body {
                match &body.flattened {
                    Some(flat) => {
                        for (f, setter) in flat.fields.iter().zip(&flat.setters) {
                            let entry = (setter.name.to_string(), render_ty(&f.ty));
                            match setter.role {
                                SetterRole::Fixed => {}
                                SetterRole::Argument => args.push(entry),
                                SetterRole::Setter { .. } => {
                                    setters.insert(entry.0, entry.1);
                                }
                            }
                        }
                    }
                    None if body.required => args.push(("body".into(), render_ty(&body.ty))),
                    None => {
                        setters.insert("body".into(), render_ty(&body.ty));
                    }
                }
            }
            let output = match &op.response.kind {
                ResponseKind::Empty => "()".to_string(),
                ResponseKind::Json(t) => render_ty(t),
                ResponseKind::Text => "String".to_string(),
                ResponseKind::Bytes => "Bytes".to_string(),
                ResponseKind::ByStatus => op.response.by_status_name.clone().unwrap_or_default(),
            };
            surface.operations.insert(
                op.sdk_name.clone(),
                Op {
                    request: format!("{} {}", op.http_method.as_str(), op.path),
                    args,
                    setters,
                    output,
                    paginated: op.pagination.is_some(),
                },
            );
        }
        surface
    }
}

fn field(f: &IrField) -> Field {
    let inner = render_ty(&f.ty);
    let inner = if f.boxed {
        format!("Box<{inner}>")
    } else {
        inner
    };
    let (ty, presence) = match f.presence {
        Presence::Required => (inner, "required"),
        Presence::Defaulted(_) => (inner, "optional with a default"),
        Presence::RequiredNullable => (format!("Option<{inner}>"), "required, nullable"),
        Presence::Optional => (format!("Option<{inner}>"), "optional"),
        Presence::OptionalNullable => (format!("Option<Nullable<{inner}>>"), "optional, nullable"),
    };
    Field {
        ty,
        presence,
        required: f.presence == Presence::Required && f.constant.is_none(),
    }
}

/// Every change from `before` to `after`: operations first, then types, each sorted by
/// name.
pub fn changes(before: &Surface, after: &Surface) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    for (name, old, new) in pairs(&before.operations, &after.operations) {
        match (old, new) {
            (Some(old), None) => out.push(
                '-',
                format!("operation {name}: {}", old.request),
                Impact::Breaking,
            ),
            (None, Some(new)) => out.push(
                '+',
                format!("operation {name}: {}", new.request),
                Impact::Compatible,
            ),
            (Some(old), Some(new)) => operation(&mut out, name, old, new),
            (None, None) => {}
        }
    }
    for (name, old, new) in pairs(&before.types, &after.types) {
        match (old, new) {
            (Some(old), None) => out.push(
                '-',
                format!("type {name} ({})", old.kind()),
                Impact::Breaking,
            ),
            (None, Some(new)) => out.push(
                '+',
                format!("type {name} ({})", new.kind()),
                Impact::Compatible,
            ),
            (Some(old), Some(new)) => type_def(&mut out, name, old, new),
            (None, None) => {}
        }
    }
    out.0
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, sign: char, text: String, impact: Impact) {
        self.0.push(Change {
            sign,
            text,
            impact,
            type_change: false,
        });
    }

    /// A breaking change of a type, which cargo-semver-checks does not see.
    fn push_type_change(&mut self, text: String) {
        self.0.push(Change {
            sign: '~',
            text,
            impact: Impact::Breaking,
            type_change: true,
        });
    }
}

/// The keys of two maps, in order, with the value each map has for it.
fn pairs<'a, V>(
    before: &'a BTreeMap<String, V>,
    after: &'a BTreeMap<String, V>,
) -> Vec<(&'a str, Option<&'a V>, Option<&'a V>)> {
    let mut keys: Vec<&str> = before
        .keys()
        .chain(after.keys())
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|k| (k, before.get(k), after.get(k)))
        .collect()
}

fn operation(out: &mut Changes, name: &str, old: &Op, new: &Op) {
    if old.request != new.request {
        out.push(
            '~',
            format!(
                "operation {name}: {} -> {} (same Rust signature)",
                old.request, new.request
            ),
            Impact::Compatible,
        );
    }
    let old_args: BTreeMap<&str, &str> = old
        .args
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let new_args: BTreeMap<&str, &str> = new
        .args
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    for (arg, ty) in &new_args {
        match old_args.get(arg) {
            Some(old_ty) if old_ty != ty => {
                out.push_type_change(format!("argument {name}({arg}): {old_ty} -> {ty}"))
            }
            Some(_) => {}
            None if old.setters.contains_key(*arg) => out.push(
                '~',
                format!("argument {name}({arg}: {ty}): now required (an argument, was a setter)"),
                Impact::Breaking,
            ),
            None => out.push(
                '+',
                format!("argument {name}({arg}: {ty})"),
                Impact::Breaking,
            ),
        }
    }
    for (arg, ty) in &old_args {
        if new_args.contains_key(arg) {
            continue;
        }
        if new.setters.contains_key(*arg) {
            out.push(
                '~',
                format!("argument {name}({arg}: {ty}): now optional (a setter, was an argument)"),
                Impact::Breaking,
            );
        } else {
            out.push(
                '-',
                format!("argument {name}({arg}: {ty})"),
                Impact::Breaking,
            );
        }
    }
    let order = |args: &[(String, String)]| -> Vec<String> {
        args.iter()
            .filter(|(n, _)| old_args.contains_key(n.as_str()) && new_args.contains_key(n.as_str()))
            .map(|(n, _)| n.clone())
            .collect()
    };
    if order(&old.args) != order(&new.args) {
        out.push(
            '~',
            format!(
                "operation {name}: arguments reordered ({}) -> ({})",
                order(&old.args).join(", "),
                order(&new.args).join(", ")
            ),
            Impact::Breaking,
        );
    }
    for (setter, old_ty, new_ty) in pairs(&old.setters, &new.setters) {
        match (old_ty, new_ty) {
            (Some(a), Some(b)) if a != b => {
                out.push_type_change(format!("setter {name}().{setter}(..): {a} -> {b}"))
            }
            (None, Some(ty)) if !old_args.contains_key(setter) => out.push(
                '+',
                format!("setter {name}().{setter}({ty})"),
                Impact::Compatible,
            ),
            (Some(ty), None) if !new_args.contains_key(setter) => out.push(
                '-',
                format!("setter {name}().{setter}({ty})"),
                Impact::Breaking,
            ),
            _ => {}
        }
    }
    if old.output != new.output {
        out.push_type_change(format!(
            "operation {name} returns {} -> {}",
            old.output, new.output
        ));
    }
    if old.paginated != new.paginated {
        let (sign, impact, what) = if new.paginated {
            (
                '+',
                Impact::Compatible,
                "now paginated (.stream(), .pages())",
            )
        } else {
            ('-', Impact::Breaking, "no longer paginated")
        };
        out.push(sign, format!("operation {name}: {what}"), impact);
    }
}

fn type_def(out: &mut Changes, name: &str, old: &Type, new: &Type) {
    match (old, new) {
        (Type::Struct(old), Type::Struct(new)) => {
            for (f, a, b) in pairs(old, new) {
                match (a, b) {
                    (Some(a), None) => {
                        out.push('-', format!("field {name}.{f}: {}", a.ty), Impact::Breaking)
                    }
                    (None, Some(b)) if b.required => out.push(
                        '+',
                        format!(
                            "field {name}.{f}: {} (required: an argument of {name}::new)",
                            b.ty
                        ),
                        Impact::Breaking,
                    ),
                    (None, Some(b)) => out.push(
                        '+',
                        format!("field {name}.{f}: {}", b.ty),
                        Impact::Compatible,
                    ),
                    (Some(a), Some(b)) => field_change(out, &format!("{name}.{f}"), name, a, b),
                    (None, None) => {}
                }
            }
        }
        (Type::Enum(old), Type::Enum(new)) => {
            for (wire, a, b) in pairs(old, new) {
                match (a, b) {
                    (Some(a), None) => out.push(
                        '-',
                        format!("enum value {name}::{a} = {wire:?}"),
                        Impact::Breaking,
                    ),
                    (None, Some(b)) => out.push(
                        '+',
                        format!(
                            "enum value {name}::{b} = {wire:?} (was read as {name}::Unknown({wire:?}))"
                        ),
                        Impact::Compatible,
                    ),
                    (Some(a), Some(b)) if a != b => out.push(
                        '~',
                        format!("enum value {name} {wire:?}: {a} -> {b}"),
                        Impact::Breaking,
                    ),
                    _ => {}
                }
            }
        }
        (Type::Union(old), Type::Union(new)) => {
            for (variant, a, b) in pairs(old, new) {
                match (a, b) {
                    (Some(a), None) => out.push(
                        '-',
                        format!("union variant {name}::{variant}({a})"),
                        Impact::Breaking,
                    ),
                    (None, Some(b)) => out.push(
                        '+',
                        format!("union variant {name}::{variant}({b})"),
                        Impact::Compatible,
                    ),
                    (Some(a), Some(b)) if a != b => {
                        out.push_type_change(format!("union variant {name}::{variant}: {a} -> {b}"))
                    }
                    _ => {}
                }
            }
        }
        (Type::Alias(a), Type::Alias(b)) if a != b => {
            out.push_type_change(format!("type {name} = {a} -> {b}"))
        }
        (Type::Alias(_), Type::Alias(_)) => {}
        // cargo-semver-checks sees this one: no item of the old kind at the path
        // (`struct_missing`, `enum_missing`).
        (old, new) => out.push(
            '~',
            format!("type {name}: {} -> {}", old.kind(), new.kind()),
            Impact::Breaking,
        ),
    }
}

fn field_change(out: &mut Changes, field: &str, owner: &str, a: &Field, b: &Field) {
    let presence = if a.presence == b.presence {
        String::new()
    } else {
        format!(" (now {}, was {})", b.presence, a.presence)
    };
    if a.ty != b.ty {
        out.push_type_change(format!("field {field}: {} -> {}{presence}", a.ty, b.ty));
    } else if a.required != b.required {
        let how = if b.required { "now" } else { "no longer" };
        out.push(
            '~',
            format!(
                "field {field}: {}{presence}, {how} an argument of {owner}::new",
                b.ty
            ),
            Impact::Breaking,
        );
    } else if !presence.is_empty() {
        // Same Rust type: it compiles, but what is sent or accepted changes.
        out.push(
            '~',
            format!("field {field}: {}{presence}, same Rust type", b.ty),
            Impact::Compatible,
        );
    }
}

/// The summary as printed: one line per change, then the verdict.
pub fn render(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "  no API change\n".to_string();
    }
    let mut out = String::new();
    for c in changes {
        let mark = match (c.impact, c.type_change) {
            (Impact::Breaking, false) => "  [breaking]",
            (Impact::Breaking, true) => "  [breaking, not seen by cargo-semver-checks]",
            (Impact::Compatible, _) => "",
        };
        out.push_str(&format!("  {} {}{mark}\n", c.sign, c.text));
    }
    let breaking = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .count();
    let unseen = changes.iter().filter(|c| c.type_change).count();
    let verdict = match (breaking, unseen) {
        (0, _) => "compatible: code written against the SDK before compiles unchanged".to_string(),
        (_, 0) => format!(
            "breaking: {} code that uses the item",
            changes_break(breaking)
        ),
        (_, _) => format!(
            "breaking: {} code that uses the item; {unseen} of them {} a type, which \
             cargo-semver-checks does not check: bump the major version even when CI passes",
            changes_break(breaking),
            if unseen == 1 { "changes" } else { "change" }
        ),
    };
    out.push_str(&format!("  verdict: {verdict}\n"));
    out
}

fn changes_break(n: usize) -> String {
    if n == 1 {
        "1 change breaks".to_string()
    } else {
        format!("{n} changes break")
    }
}

/// The summary of the change from the spec committed at `rev` to `after`, as printed by
/// `cargo xtask codegen`; says why when there is nothing to compare with.
pub fn report(root: &Path, spec: &str, record: &str, rev: &str, after: &Api) -> String {
    match baseline(root, spec, rev) {
        // The same spec: only a change of the generator's own rules (its names)
        // can change the API, and the committed IR record shows the names before.
        Ok(None) => {
            let renamed = git_show(root, record, rev)
                .map(|before| renamed_types(&before, &sdk_generator::ir::render(after)))
                .unwrap_or_default();
            format!("API changes since {rev}:\n{}", render(&renamed))
        }
        Ok(Some(before)) => format!(
            "API changes since {rev}:\n{}",
            render(&changes(&Surface::of(&before), &Surface::of(after)))
        ),
        Err(why) => format!("API changes since {rev}: not computed: {why}\n"),
    }
}

/// Types the generator names differently for the same schema (same JSON pointer)
/// in two renderings of the IR.
pub fn renamed_types(before: &str, after: &str) -> Vec<Change> {
    let before = types_by_source(before);
    let after = types_by_source(after);
    let mut out = Vec::new();
    for (source, old) in &before {
        if let Some(new) = after.get(source)
            && new != old
        {
            out.push(Change {
                sign: '~',
                text: format!("type `{old}` renamed to `{new}`"),
                impact: Impact::Breaking,
                type_change: false,
            });
        }
    }
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out
}

/// `  struct Name  <- #/pointer, ...` lines of an IR rendering: source -> name.
fn types_by_source(rendering: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in rendering.lines() {
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        let Some((head, tail)) = rest.split_once("  <- #") else {
            continue;
        };
        let mut words = head.split_whitespace();
        let (Some(kind), Some(name)) = (words.next(), words.next()) else {
            continue;
        };
        if !["struct", "enum", "union", "alias"].contains(&kind) {
            continue;
        }
        let source = tail
            .split([',', ' '])
            .next()
            .unwrap_or("")
            .trim_end_matches(':');
        out.insert(source.to_string(), name.to_string());
    }
    out
}

/// The text of `path` (relative to `root`) as committed at `rev`.
fn git_show(root: &Path, path: &str, rev: &str) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:./{path}")])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
}

/// The IR of `spec` (relative to `root`) as committed at `rev`; `None` when the spec
/// is the same text as on disk, so that the same generator gives the same IR.
fn baseline(root: &Path, spec: &str, rev: &str) -> Result<Option<Api>, String> {
    // `./` makes the path relative to `root`, wherever the repository's top is.
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:./{spec}")])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("").trim();
        return Err(format!("{spec} is not in git at {rev} ({first})"));
    }
    let text =
        String::from_utf8(output.stdout).map_err(|_| format!("{spec} at {rev} is not UTF-8"))?;
    if std::fs::read_to_string(root.join(spec)).is_ok_and(|now| now == text) {
        return Ok(None);
    }
    let options = sdk_generator::Options {
        source_name: format!("{rev}:{spec}"),
        ..Default::default()
    };
    sdk_generator::lower_spec(&text, &options)
        .map(|(api, _)| Some(api))
        .map_err(|_| format!("{spec} at {rev} has errors"))
}
