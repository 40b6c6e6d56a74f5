//! Tokens to text: each chunk of tokens is parsed by syn and printed by prettyplease,
//! then spaced by [`space_items`]. This is most of the time of a generation (parsing
//! about half, printing a sixth), so the work is cut into units that the threads of
//! [`format_units`] share, and code that differs only by a name is formatted once per
//! length of the name ([`Chunk::Named`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

/// The chunks of one or more files, as `(path, chunks)`: a unit of work, built on the
/// thread that formats it (token trees cannot move between threads).
pub(crate) type Unit<'a> = Box<dyn Fn() -> Vec<(String, Vec<Chunk>)> + Send + Sync + 'a>;

/// Items formatted as one piece.
pub(crate) enum Chunk {
    Tokens(TokenStream),
    /// Tokens already parsed (to add attributes to their items).
    File(syn::File),
    /// The items `tokens(name)`, for code where `name` is the only thing that varies
    /// (the trait impls of a string enum). prettyplease lays code out by the lengths of
    /// its words alone, so they are formatted once for each length, with a placeholder
    /// name of that length, and the placeholder is replaced in the text. `key` names
    /// `tokens` for the cache; `tokens` must not write the letter `Z` itself.
    Named {
        key: &'static str,
        name: String,
        tokens: fn(&str) -> TokenStream,
    },
}

impl From<TokenStream> for Chunk {
    fn from(tokens: TokenStream) -> Self {
        Chunk::Tokens(tokens)
    }
}

/// The files of a unit as `(path, text)`: the text of its chunks.
pub(crate) type Formatted = Vec<(String, String)>;

/// Builds and formats every unit, on as many threads as the machine offers; the result
/// is in the order of `units`, whichever thread did what. Larger units should come
/// first, so that no thread is left with a large one at the end.
pub(crate) fn format_units(units: &[Unit<'_>]) -> Vec<Formatted> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let mut named = Named::default();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(unit) = units.get(i) else {
                return done;
            };
            done.push((i, format_unit(unit, &mut named)));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(units.len());
    let mut done = if threads <= 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            // A main thread's stack, not the 2 MiB default: syn and prettyplease
            // recurse as deep as the generated code nests. A thread that cannot be
            // started leaves its share to the others.
            let helpers: Vec<_> = (1..threads)
                .filter_map(|_| {
                    std::thread::Builder::new()
                        .stack_size(8 << 20)
                        .spawn_scoped(scope, work)
                        .ok()
                })
                .collect();
            let mut done = work();
            for helper in helpers {
                match helper.join() {
                    Ok(more) => done.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            done
        })
    };
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, formatted)| formatted).collect()
}

/// Each file of the unit as text: its chunks, formatted, with a blank line between
/// two that are not empty.
fn format_unit(unit: &Unit<'_>, named: &mut Named) -> Formatted {
    unit()
        .into_iter()
        .map(|(path, chunks)| {
            let mut text = String::new();
            for chunk in chunks {
                let separator = text.len();
                if !text.is_empty() {
                    text.push('\n');
                }
                let start = text.len();
                format_chunk(chunk, named, &mut text);
                if text.len() == start {
                    text.truncate(separator);
                }
            }
            (path, text)
        })
        .collect()
}

/// prettyplease's text of each [`Chunk::Named`] for a placeholder name, by key and
/// length (a few dozen per key); one per thread and generation.
#[derive(Default)]
pub(crate) struct Named(HashMap<(&'static str, usize), String>);

/// Appends the formatted chunk to `out`.
pub(crate) fn format_chunk(chunk: Chunk, named: &mut Named, out: &mut String) {
    match chunk {
        Chunk::Tokens(tokens) => space_items(&unparse(tokens), out),
        Chunk::File(file) => space_items(&prettyplease::unparse(&file), out),
        Chunk::Named { key, name, tokens } => format_named(key, &name, tokens, named, out),
    }
}

/// prettyplease's text of the tokens.
fn unparse(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => prettyplease::unparse(&file),
        // A bug in an emitter, not in the spec: the compiler will point at it.
        Err(e) => format!(
            "compile_error!({:?});\n",
            format!("sdk-generator emitted invalid Rust: {e}")
        ),
    }
}

/// Appends the formatted [`Chunk::Named`] to `out`.
fn format_named(
    key: &'static str,
    name: &str,
    tokens: fn(&str) -> TokenStream,
    named: &mut Named,
    out: &mut String,
) {
    // prettyplease counts lengths in bytes; the placeholder is a type name, so only
    // an ASCII type name that parses where it does (not `Self`) stands for it.
    let plain = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name != "Self"
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !plain {
        return space_items(&unparse(tokens(name)), out);
    }
    let placeholder = format!("Z{}", "z".repeat(name.len() - 1));
    let text = named
        .0
        .entry((key, name.len()))
        .or_insert_with(|| unparse(tokens(&placeholder)));
    space_items(&text.replace(&placeholder, name), out);
}

/// prettyplease puts items right after one another; a blank line between items (and
/// between the members of an impl) reads better in review. Appends `code` so spaced
/// to `out`.
fn space_items(code: &str, out: &mut String) {
    out.reserve(code.len() + code.len() / 16);
    let mut lines = code.lines().map(Line::new).peekable();
    while let Some(line) = lines.next() {
        out.push_str(line.text);
        out.push('\n');
        let Some(next) = lines.peek() else {
            continue;
        };
        let closes_item = line.trimmed == "}" && line.indent <= 4;
        let after_attrs_or_docs = next.trimmed.starts_with("//!");
        let next_starts_item = next.indent == line.indent
            && !next.trimmed.is_empty()
            && !next.trimmed.starts_with('}');
        let inner_docs_end =
            line.text.starts_with("//!") && !next.text.starts_with("//!") && !next.text.is_empty();
        if (closes_item && next_starts_item && !after_attrs_or_docs)
            || inner_docs_end
            || (line.indent == 0
                && next_starts_item
                && is_one_line_item(line.trimmed)
                // A run of imports stays together.
                && !(is_import(line.trimmed) && is_import(next.trimmed)))
        {
            out.push('\n');
        }
    }
}

/// A line of prettyplease's output, trimmed once.
struct Line<'a> {
    text: &'a str,
    /// Without white space at either end.
    trimmed: &'a str,
    /// The length of the white space it starts with.
    indent: usize,
}

impl<'a> Line<'a> {
    fn new(text: &'a str) -> Self {
        let start = text.trim_start();
        Line {
            text,
            trimmed: start.trim_end(),
            indent: text.len() - start.len(),
        }
    }
}

fn is_import(t: &str) -> bool {
    (t.starts_with("use ") || t.starts_with("pub use ")) && t.ends_with(';')
}

fn is_one_line_item(t: &str) -> bool {
    (t.starts_with("pub use ")
        || t.starts_with("pub mod ")
        || t.starts_with("pub type ")
        || t.starts_with("use ")
        || t.starts_with("mod "))
        && t.ends_with(';')
}
