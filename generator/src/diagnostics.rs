//! Problems found in a spec, each pointing at its place: a JSON pointer and, once
//! located against the source text, a line and column.

use std::fmt::{self, Write as _};

pub use crate::json_pointer::{escape_token_into, percent_decode, pointer_push, unescape_token};
pub use crate::source_map::Location;
use crate::source_map::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// A decision the generator made on its own that the spec can override (a
    /// pagination it recognised): worth knowing, nothing wrong.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// What went wrong, as a stable code that tests and tools can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The text is not valid YAML or JSON.
    Syntax,
    /// The document is not OpenAPI 3.0.
    UnsupportedVersion,
    /// A value has the wrong type or shape for its place in the document.
    InvalidValue,
    /// A `$ref` names nothing in this document.
    UnresolvedRef,
    /// A chain of `$ref`s leads back to itself without a schema in between.
    CyclicRef,
    DuplicateOperationId,
    /// The path template has a `{name}` with no path parameter for it.
    MissingPathParameter,
    /// A path parameter whose name is not in the path template.
    UnknownPathParameter,
    /// Valid OpenAPI the generator does not handle yet; the rest still generates.
    Unsupported,
    /// Two things map to one Rust name; one of them was renamed.
    NameCollision,
    /// An `x-sdk-*` extension is malformed.
    InvalidExtension,
    /// A number outside the 64-bit range, read as a float.
    LossyNumber,
    /// Variants of an untagged union that no value can tell apart: the first wins.
    AmbiguousUnion,
    /// An operation recognised as a paginated list without `x-sdk-pagination`.
    InferredPagination,
    /// A schema, property, parameter or operation without a description: the SDK
    /// documents it with a generated sentence instead.
    Undocumented,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Syntax => "syntax",
            Kind::UnsupportedVersion => "unsupported-version",
            Kind::InvalidValue => "invalid-value",
            Kind::UnresolvedRef => "unresolved-ref",
            Kind::CyclicRef => "cyclic-ref",
            Kind::DuplicateOperationId => "duplicate-operation-id",
            Kind::MissingPathParameter => "missing-path-parameter",
            Kind::UnknownPathParameter => "unknown-path-parameter",
            Kind::Unsupported => "unsupported",
            Kind::NameCollision => "name-collision",
            Kind::InvalidExtension => "invalid-extension",
            Kind::LossyNumber => "lossy-number",
            Kind::AmbiguousUnion => "ambiguous-union",
            Kind::InferredPagination => "inferred-pagination",
            Kind::Undocumented => "undocumented",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    /// JSON pointer into the document, without the leading `#`: `/components/schemas/User`.
    pub pointer: String,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(kind: Kind, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            pointer: pointer.into(),
            location: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(kind: Kind, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, pointer, message)
        }
    }

    pub fn note(kind: Kind, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(kind, pointer, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All the diagnostics of one run, collected rather than stopping at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn error(&mut self, kind: Kind, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(kind, pointer, message));
    }

    pub fn warning(&mut self, kind: Kind, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(kind, pointer, message));
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Fills in line and column from the source text, then sorts by place so that the
    /// output reads top to bottom like a compiler's. Duplicates are dropped.
    pub fn locate_and_sort(&mut self, source: &str) {
        let wanted: Vec<&str> = self
            .items
            .iter()
            .filter(|d| d.location.is_none())
            .map(|d| d.pointer.as_str())
            .collect();
        if !wanted.is_empty() {
            let map = SourceMap::build(source, &wanted);
            for d in &mut self.items {
                if d.location.is_none() {
                    d.location = map.locate(&d.pointer);
                }
            }
        }
        self.items.sort_by(|a, b| {
            (a.location, &a.pointer, a.severity, a.kind, &a.message)
                .cmp(&(b.location, &b.pointer, b.severity, b.kind, &b.message))
        });
        self.items.dedup();
    }

    /// Renders every diagnostic the way rustc does, with the offending source line.
    pub fn render(&self, file_name: &str, source: &str) -> String {
        let mut out = String::new();
        // Found once: each diagnostic looking for its line from the start took 17 s
        // for Stripe's 7,000 warnings.
        let lines: Vec<&str> = source.lines().collect();
        for d in &self.items {
            render_one(&mut out, d, file_name, &lines);
        }
        let count =
            |severity: Severity| self.items.iter().filter(|d| d.severity == severity).count();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let (errors, warnings, notes) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        );
        let notes = if notes > 0 {
            format!(", {}", plural(notes, "note"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}: {}, {}{notes}",
            file_name,
            plural(errors, "error"),
            plural(warnings, "warning"),
        );
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

fn render_one(out: &mut String, d: &Diagnostic, file_name: &str, lines: &[&str]) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity.as_str(),
        d.kind.code(),
        d.message
    );
    match d.location {
        Some(loc) => {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}--> {}:{}:{}", file_name, loc.line, loc.column);
            if let Some(text) = lines.get(loc.line.wrapping_sub(1)) {
                // A window of the line around the column, for long (minified) lines.
                let column = loc.column.saturating_sub(1);
                let start = column.saturating_sub(100);
                let shown: String = text.chars().skip(start).take(160).collect();
                let (lead, caret_at) = if start > 0 {
                    ("…", column - start + 1)
                } else {
                    ("", column)
                };
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{} | {lead}{shown}", loc.line);
                let _ = writeln!(
                    out,
                    "{pad} | {}^",
                    " ".repeat(caret_at.min(shown.chars().count() + lead.len()))
                );
            }
            let _ = writeln!(out, "{pad} = at: #{}", d.pointer);
            if let Some(hint) = &d.hint {
                let _ = writeln!(out, "{pad} = hint: {hint}");
            }
        }
        None => {
            let _ = writeln!(out, "  --> {}", file_name);
            let _ = writeln!(out, "   = at: #{}", d.pointer);
            if let Some(hint) = &d.hint {
                let _ = writeln!(out, "   = hint: {hint}");
            }
        }
    }
    out.push('\n');
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:col: error[code]: message (at #/pointer)`, without the file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location {
            write!(f, "{}:{}: ", loc.line, loc.column)?;
        }
        write!(
            f,
            "{}[{}]: {} (at #{})",
            self.severity.as_str(),
            self.kind.code(),
            self.message,
            self.pointer
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `key`, if close enough to be a likely typo.
pub fn closest<'k>(key: &str, candidates: impl Iterator<Item = &'k String>) -> Option<&'k str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&key.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if d <= key.len().max(3) / 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
