//! Emit: IR -> Rust files. Printers only: every name and shape was decided by `lower`;
//! nothing here looks at the spec.

mod args;
mod crate_root;
mod deprecation;
mod docs;
mod events;
mod format;
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
use format::{Chunk, Unit};

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
    // The largest unit first (see `format_units`); the other files' chunks follow in
    // their order within each file.
    let mut units: Vec<Unit> = vec![
        Box::new(|| {
            resources::resource_files(api)
                .into_iter()
                .map(|(module, items)| {
                    let chunks = items.into_iter().map(Chunk::from).collect();
                    (format!("src/resources/{module}.rs"), chunks)
                })
                .collect()
        }),
        Box::new(|| vec![("src/lib.rs".into(), vec![crate_root::lib_rs(api).into()])]),
    ];
    units.extend(models::model_units(api));
    if api.events.is_some() {
        units.push(Box::new(|| {
            events::events_rs(api)
                .map(|events| ("src/events.rs".to_string(), vec![events.into()]))
                .into_iter()
                .collect()
        }));
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
    // Formatted one type or one operation at a time, which keeps each parse small.
    // The files are formatted here, by prettyplease; rustfmt leaves them as they are,
    // so that `cargo fmt` does not make them stale.
    let start = format!("{header}#![cfg_attr(rustfmt, rustfmt::skip)]\n");
    let mut rust_files: Vec<File> = Vec::new();
    for (path, text) in format::format_units(&units).into_iter().flatten() {
        let contents = match rust_files.last_mut() {
            Some(last) if last.path == path => &mut last.contents,
            _ => {
                rust_files.push(File {
                    path,
                    contents: start.clone(),
                });
                &mut rust_files.last_mut().expect("just pushed").contents
            }
        };
        if contents.len() > start.len() && !text.is_empty() {
            contents.push('\n');
        }
        contents.push_str(&text);
    }
    files.extend(rust_files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
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
    let lines = doc_lines(text).into_iter().map(|l| doc_literal(&l));
    quote!(#(#[doc = #lines])*)
}

/// A doc line as a string literal for `#[doc = ..]`: a raw string where it can be one.
/// The text is the same either way; a raw literal is copied where a quoted one is
/// escaped on the way in and unescaped twice on the way out (by syn's parse and by
/// prettyplease), a cost that showed in profiles of large specs' long descriptions.
pub(crate) fn doc_literal(line: &str) -> proc_macro2::Literal {
    // A raw string cannot hold a lone carriage return; other control characters are
    // left to the quoted form, which escapes them.
    if !line.contains(char::is_control) {
        let mut hashes = 0;
        let mut run = None;
        for c in line.chars() {
            run = match (c, run) {
                ('"', _) => Some(0),
                ('#', Some(n)) => Some(n + 1),
                _ => None,
            };
            hashes = hashes.max(run.map_or(0, |n| n + 1));
        }
        let hashes = "#".repeat(hashes);
        if let Ok(literal) = format!("r{hashes}\"{line}\"{hashes}").parse() {
            return literal;
        }
    }
    proc_macro2::Literal::string(line)
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
    use super::{doc_lines, doc_literal};

    /// A raw doc literal prints as the quoted one does.
    #[test]
    fn doc_literals_print_as_quoted_strings_do() {
        let print = |docs: Vec<proc_macro2::Literal>| {
            let file: syn::File = syn::parse2(quote::quote! {
                #(#[doc = #docs])*
                pub struct A;
            })
            .expect("valid");
            prettyplease::unparse(&file)
        };
        let lines = [
            " plain",
            "",
            " \"quoted\" and \"# and \"## a",
            " trailing  ",
            " é \\ `x` \u{200b}",
            " a\rb",
            " tab\tand nul\0",
        ];
        let raw = print(lines.iter().map(|l| doc_literal(l)).collect());
        let quoted = print(
            lines
                .iter()
                .map(|l| proc_macro2::Literal::string(l))
                .collect(),
        );
        assert_eq!(raw, quoted);
        assert!(doc_literal(" \"#").to_string().starts_with("r##\""));
    }

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
