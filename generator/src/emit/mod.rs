//! Emit: IR -> Rust files. Printers only: every name and shape was decided by `lower`;
//! nothing here looks at the spec.

mod args;
mod crate_root;
mod deprecation;
mod docs;
mod events;
mod manifest;

pub use manifest::{
    DIRECT_DEPENDENCIES, RUNTIME_CRATE, RUNTIME_VERSION, RUST_VERSION, RuntimeSource,
};
mod model_setters;
mod models;
mod operation;
mod pagination;
mod readme;
mod resources;
mod unions;
mod webhooks;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, IntFormat, NumFormat, Ty};

/// One output file, relative to the crate's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// How the crate is laid out, and what it is built with.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Name of the spec file, for the header of each generated file.
    pub source_name: String,
    /// The command that regenerates the crate, named in each file's header.
    pub regenerate_command: String,
    /// The crate is built on its own, outside any workspace (`[workspace]` in its
    /// Cargo.toml).
    pub standalone: bool,
    /// Where the runtime crate comes from.
    pub runtime: RuntimeSource,
    /// Lines of the manifest's `[dev-dependencies]` (`wiremock = "0.6"`), for a crate
    /// with examples that need them.
    pub dev_dependencies: Vec<String>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            source_name: String::new(),
            regenerate_command: "sdk-generator".into(),
            standalone: false,
            runtime: RuntimeSource::Registry,
            dev_dependencies: Vec::new(),
        }
    }
}

/// The first line of every generated file; the xtask recognises generated files by it.
pub const GENERATED_MARKER: &str = "@generated";

pub fn emit(api: &Api, options: &EmitOptions) -> Vec<File> {
    let header = format!(
        "// {GENERATED_MARKER} by sdk-generator from {}. Do not edit: change the spec and run `{}`.\n\n",
        options.source_name, options.regenerate_command
    );
    let mut rust_files: Vec<(String, Vec<TokenStream>)> =
        vec![("src/lib.rs".into(), vec![crate_root::lib_rs(api)])];
    rust_files.extend(models::model_files(api));
    if let Some(events) = events::events_rs(api) {
        rust_files.push(("src/events.rs".into(), vec![events]));
    }
    for (module, items) in resources::resource_files(api) {
        rust_files.push((format!("src/resources/{module}.rs"), items));
    }
    let mut files = vec![
        File {
            path: "Cargo.toml".into(),
            contents: manifest::cargo_toml(api, options),
        },
        File {
            path: "README.md".into(),
            contents: readme::readme(api, options),
        },
    ];
    for (path, items) in rust_files {
        // Formatted one type or one operation at a time, which keeps each parse small.
        let mut contents = String::new();
        for tokens in items {
            let text = format_chunk(tokens);
            if !contents.is_empty() && !text.is_empty() {
                contents.push('\n');
            }
            contents.push_str(&text);
        }
        // The files are formatted here, by prettyplease; rustfmt leaves them as they
        // are, so that `cargo fmt` does not make them stale.
        files.push(File {
            path,
            contents: format!("{header}#![cfg_attr(rustfmt, rustfmt::skip)]\n{contents}"),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn format_chunk(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => space_items(&prettyplease::unparse(&file)),
        // A bug in an emitter, not in the spec: the compiler will point at it.
        Err(e) => format!(
            "compile_error!({:?});\n",
            format!("sdk-generator emitted invalid Rust: {e}")
        ),
    }
}

/// prettyplease puts items right after one another; a blank line between items (and
/// between the members of an impl) reads better in review.
fn space_items(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let next_indent = next.len() - next.trim_start().len();
        let closes_item = line.trim() == "}" && indent <= 4;
        let after_attrs_or_docs = next.trim_start().starts_with("//!");
        let next_starts_item =
            next_indent == indent && !next.trim().is_empty() && !next.trim_start().starts_with('}');
        let inner_docs_end =
            line.starts_with("//!") && !next.starts_with("//!") && !next.is_empty();
        // A run of imports stays together.
        let imports = is_import(line) && is_import(next);
        if (closes_item && next_starts_item && !after_attrs_or_docs)
            || inner_docs_end
            || (is_one_line_item(line) && next_starts_item && indent == 0 && !imports)
        {
            out.push('\n');
        }
    }
    out
}

fn is_import(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("use ") || t.starts_with("pub use ")) && t.ends_with(';')
}

fn is_one_line_item(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("pub use ")
        || t.starts_with("pub mod ")
        || t.starts_with("pub type ")
        || t.starts_with("use ")
        || t.starts_with("mod "))
        && t.ends_with(';')
}

/// The identifier of a name `lower` decided: `r#type` for a keyword. Lower hands out
/// only valid identifiers (`lower/names.rs`, whose tests check it on arbitrary input);
/// this prints them and mends nothing.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(bare) => Ident::new_raw(bare, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `name: value` in a struct literal, or the shorthand `name` when the value is the
/// variable of that name.
pub(crate) fn field_init(name: &Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote!(#name)
    } else {
        quote!(#name: #value)
    }
}

/// Where a type is written from: named types are local in `models` and reached as
/// `models::Name` elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    Models,
    Elsewhere,
}

pub(crate) fn ty_tokens(ty: &Ty, ctx: Ctx) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Secret => quote!(crate::runtime::Secret<String>),
        Ty::Bool => quote!(bool),
        Ty::Integer(IntFormat::I32) => quote!(i32),
        Ty::Integer(IntFormat::I64) => quote!(i64),
        Ty::Integer(IntFormat::U32) => quote!(u32),
        Ty::Integer(IntFormat::U64) => quote!(u64),
        Ty::Number(NumFormat::F32) => quote!(f32),
        Ty::Number(NumFormat::F64) => quote!(f64),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Date => quote!(chrono::NaiveDate),
        // Binary inside JSON can only be text; file uploads use `FilePart` instead.
        Ty::Bytes => quote!(String),
        Ty::File => quote!(crate::runtime::FilePart),
        Ty::Any => quote!(serde_json::Value),
        Ty::Object => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Named(name) => {
            let id = ident(name);
            match ctx {
                Ctx::Models => quote!(#id),
                Ctx::Elsewhere => quote!(crate::models::#id),
            }
        }
        Ty::Array(inner) => {
            let inner = ty_tokens(inner, ctx);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, ctx);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(inner, ctx);
            quote!(Option<#inner>)
        }
        Ty::BestEffort(inner) => {
            let inner = ty_tokens(inner, ctx);
            quote!(crate::runtime::BestEffort<#inner>)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|t| ty_tokens(t, ctx));
            quote!((#(#items,)*))
        }
    }
}

/// `#[doc = "..."]` lines for a description, made safe for rustdoc: code fences that
/// are not Rust are marked `text` (so they are not run as doctests), indentation that
/// would start a code block is removed, and list continuations are indented.
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    for raw in text.replace('\t', "    ").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push(" ```".to_string());
            } else {
                out.push(" ```text".to_string());
            }
            in_fence = !in_fence;
            in_list = false;
            continue;
        }
        if in_fence {
            out.push(format!(" {line}"));
            continue;
        }
        if trimmed.is_empty() {
            in_list = false;
            out.push(String::new());
            continue;
        }
        let is_item = trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.starts_with("+ ")
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_item {
            in_list = true;
            out.push(format!(" {trimmed}"));
        } else if in_list {
            out.push(format!("   {trimmed}"));
        } else {
            out.push(format!(" {trimmed}"));
        }
    }
    if in_fence {
        out.push(" ```".to_string());
    }
    // Rustdoc reads `[x]` as a link and `<x>` as HTML; neither is meant in API prose.
    out.into_iter().map(|l| escape_doc_line(&l)).collect()
}

fn escape_doc_line(line: &str) -> String {
    if line.starts_with(" ```") || line.starts_with("    ") {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let c = rest.chars().next().unwrap_or(' ');
        // Links to web pages are meant as links: `[text](https://..)` and `<https://..>`.
        if !in_code && let Some(len) = web_link_len(rest) {
            out.push_str(&rest[..len]);
            i += len;
            continue;
        }
        // A bare URL becomes an autolink, which rustdoc renders as a link (and
        // `rustdoc::bare_urls` accepts); trailing sentence punctuation stays outside.
        if !in_code && let Some(len) = url_len(rest) {
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            // `<` could open an HTML tag; `>` alone is text (and, leading a line, the
            // blockquote the Markdown of the description means).
            '<' if !in_code => out.push_str("&lt;"),
            c => out.push(c),
        }
        i += c.len_utf8();
    }
    out
}

/// The length of the URL `text` starts with, if it starts with one: up to white space
/// or a character that cannot end a link, without trailing punctuation.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"' | '[' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '*']);
    // `http://` alone is not a link.
    (url.len() > url.find("://")? + 3).then_some(url.len())
}

/// The length of a Markdown link to a web page at the start of `text`, if there is one.
fn web_link_len(text: &str) -> Option<usize> {
    let is_url = |u: &str| {
        (u.starts_with("https://") || u.starts_with("http://"))
            && !u.contains(char::is_whitespace)
            && !u.contains(['<', '>', '(', ')', '`'])
    };
    if let Some(rest) = text.strip_prefix('<') {
        let end = rest.find('>')?;
        return is_url(&rest[..end]).then_some(end + 2);
    }
    let rest = text.strip_prefix('[')?;
    let close = label_end(rest)?;
    let label = &rest[..close];
    if label.is_empty() || !rest[close..].starts_with("](") {
        return None;
    }
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    is_url(&after[..end]).then_some(1 + close + 2 + end + 1)
}

/// Where the text of a link ends (its `]`): brackets inside code spans (`` [`a[0]`](..) ``)
/// are the code's; one outside them, or a code span left open, is not a link's text.
fn label_end(rest: &str) -> Option<usize> {
    let mut in_code = false;
    for (i, c) in rest.char_indices() {
        match c {
            '`' => in_code = !in_code,
            ']' if !in_code => return Some(i),
            '[' if !in_code => return None,
            _ => {}
        }
    }
    None
}

pub use docs::operations_table;

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn docs_are_made_safe() {
        assert_eq!(
            doc_lines("A [link] and <b>.\n\n    indented"),
            vec![" A \\[link\\] and &lt;b>.", "", " indented"]
        );
        assert_eq!(
            doc_lines("```\ncode\n```"),
            vec![" ```text", " code", " ```"]
        );
        assert_eq!(
            doc_lines("- one\ncontinued\n- two"),
            vec![" - one", "   continued", " - two"]
        );
        assert_eq!(doc_lines("Use `a<b>` here"), vec![" Use `a<b>` here"]);
        assert_eq!(
            doc_lines("See https://example.com/a?b=1. Or (http://x.org), `https://c.d`."),
            vec![" See <https://example.com/a?b=1>. Or (<http://x.org>), `https://c.d`."]
        );
        assert_eq!(
            doc_lines("See [the docs](https://x.io/a) or <https://x.io> [not](x)"),
            vec![" See [the docs](https://x.io/a) or <https://x.io> \\[not\\](x)"]
        );
        // A link whose text is code stays a link; brackets in the code are the code's.
        assert_eq!(
            doc_lines("Use [`Widget`](https://x.io/w) or [`a[0]` first](https://x.io/a)."),
            vec![" Use [`Widget`](https://x.io/w) or [`a[0]` first](https://x.io/a)."]
        );
        assert_eq!(
            doc_lines("[a `b` c](https://x.io), [`open](https://x.io)"),
            vec![" [a `b` c](https://x.io), \\[`open](https://x.io)"]
        );
        // `>` is text: comparisons, arrows, a quote leading the line.
        assert_eq!(
            doc_lines("> Note: a -> b when n > 0, <b> stays text"),
            vec![" > Note: a -> b when n > 0, &lt;b> stays text"]
        );
    }
}
