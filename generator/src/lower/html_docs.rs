//! Descriptions written in HTML (`<p>`, `<a href>`, `<code>`, lists, tables, `<br>`,
//! `<b>`, entities), as many real specs have them, turned into the Markdown rustdoc
//! reads. Text without HTML is left exactly as it is.

use crate::ir::{Resource, TypeDef, TypeKind};

/// Converts every description of the tree and the types in place.
pub(super) fn convert_all(root: &mut Resource, types: &mut [TypeDef]) {
    for t in types {
        convert_opt(&mut t.doc);
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                convert_opt(&mut f.doc);
            }
        }
    }
    convert_resource(root);
}

fn convert_resource(r: &mut Resource) {
    convert_opt(&mut r.doc);
    for op in &mut r.operations {
        convert_opt(&mut op.summary);
        convert_opt(&mut op.description);
        for p in &mut op.params {
            convert_opt(&mut p.doc);
        }
        if let Some(body) = &mut op.body {
            convert_opt(&mut body.doc);
            if let Some(flat) = &mut body.flattened {
                for f in &mut flat.fields {
                    convert_opt(&mut f.doc);
                }
            }
        }
    }
    for child in &mut r.children {
        convert_resource(child);
    }
}

pub(super) fn convert_opt(text: &mut Option<String>) {
    if let Some(t) = text {
        *t = html_to_markdown(t);
    }
}

const TAGS: &[&str] = &[
    "p", "br", "a", "code", "tt", "pre", "b", "strong", "i", "em", "ul", "ol", "li", "h1", "h2",
    "h3", "h4", "h5", "h6", "div", "span", "hr",
];

/// Elements read as HTML only where the text also closes them (`<table>…</table>`), so
/// that a placeholder such as `<label>` or `<summary>` in plain text stays text.
const CLOSED_TAGS: &[&str] = &[
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "kbd",
    "samp",
    "var",
    "del",
    "s",
    "strike",
    "u",
    "ins",
    "mark",
    "sup",
    "sub",
    "small",
    "big",
    "font",
    "center",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "abbr",
    "cite",
    "q",
    "label",
];

/// A tag the converter knows at `text[at..]` (which starts with `<`): its name, whether
/// it closes, its `href`, and where it ends.
fn tag_at(text: &str, at: usize) -> Option<(String, bool, Option<String>, usize)> {
    let rest = &text[at + 1..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
        return None;
    }
    let end = rest.find('>')?;
    if rest[..end].contains('<') {
        return None;
    }
    let inner = rest[..end].trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(i) => (true, i),
        None => (false, inner.trim_end_matches('/').trim_end()),
    };
    let name: String = inner
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let closed_elsewhere = || {
        CLOSED_TAGS.contains(&name.as_str())
            && text.to_ascii_lowercase().contains(&format!("</{name}"))
    };
    if !TAGS.contains(&name.as_str()) && !closed_elsewhere() {
        return None;
    }
    let after = &inner[name.len()..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let href = after.find("href=").and_then(|i| {
        let v = &after[i + 5..];
        let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let v = &v[1..];
        Some(v[..v.find(quote)?].to_string())
    });
    Some((name, closing, href, at + 1 + end + 1))
}

fn is_html(text: &str) -> bool {
    text.match_indices('<')
        .any(|(i, _)| tag_at(text, i).is_some())
}

/// `&amp;` -> `&`, `&#39;` -> `'`; `in_code` also decodes `&lt;`/`&gt;` (Markdown
/// renders those itself outside code).
fn entity(text: &str, in_code: bool) -> Option<(String, usize)> {
    let end = text[..text.len().min(12)].find(';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" if in_code => "&".to_string(),
        "lt" if in_code => "<".to_string(),
        "gt" if in_code => ">".to_string(),
        "amp" | "lt" | "gt" => return None,
        "quot" => "\"".to_string(),
        "apos" => "'".to_string(),
        "nbsp" => " ".to_string(),
        "mdash" => "\u{2014}".to_string(),
        "ndash" => "\u{2013}".to_string(),
        "hellip" => "\u{2026}".to_string(),
        "rsquo" => "\u{2019}".to_string(),
        "lsquo" => "\u{2018}".to_string(),
        "copy" => "\u{a9}".to_string(),
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            let c = char::from_u32(code)?;
            if !in_code && (c == '<' || c == '>' || c == '&') {
                return None;
            }
            c.to_string()
        }
    };
    Some((decoded, end + 1))
}

/// The Markdown for an HTML description; text without known tags is returned as is
/// (but for entities).
pub fn html_to_markdown(text: &str) -> String {
    if !is_html(text) && !text.contains('&') {
        return text.to_string();
    }
    let html = is_html(text);
    let mut out = String::with_capacity(text.len());
    let mut links: Vec<(usize, Option<String>)> = Vec::new();
    let mut lists: Vec<Option<usize>> = Vec::new();
    // Open emphasis: where its marker is in `out`, and the marker.
    let mut emphasis: Vec<(usize, &'static str)> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut in_code = 0usize;
    let mut in_pre = false;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '<'
            && let Some((name, closing, href, end)) = tag_at(text, i)
        {
            match (name.as_str(), closing) {
                ("p" | "div", _) => out.push_str("\n\n"),
                ("br", _) => out.push_str("\n\n"),
                ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => out.push_str("\n\n### "),
                ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.push_str("\n\n"),
                ("a", false) => {
                    links.push((out.len(), href));
                    out.push('[');
                }
                ("a", true) => match links.pop() {
                    Some((start, Some(href))) => {
                        let label = out[start + 1..].to_string();
                        if label.trim() == href || label.trim().is_empty() {
                            out.truncate(start);
                            out.push_str(&format!("<{href}>"));
                        } else {
                            out.push_str(&format!("]({href})"));
                        }
                    }
                    Some((start, None)) => {
                        out.remove(start);
                    }
                    None => {}
                },
                ("pre", false) => {
                    in_pre = true;
                    out.push_str("\n\n```\n");
                }
                ("pre", true) => {
                    in_pre = false;
                    out.push_str("\n```\n\n");
                }
                ("code" | "tt", _) if in_pre => {}
                ("code" | "tt", false) => {
                    in_code += 1;
                    out.push('`');
                }
                ("code" | "tt", true) => {
                    in_code = in_code.saturating_sub(1);
                    out.push('`');
                }
                ("b" | "strong", false) => {
                    emphasis.push((out.len(), "**"));
                    out.push_str("**");
                }
                ("i" | "em", false) => {
                    emphasis.push((out.len(), "*"));
                    out.push('*');
                }
                ("del" | "s" | "strike", false) => {
                    emphasis.push((out.len(), "~~"));
                    out.push_str("~~");
                }
                ("b" | "strong" | "i" | "em" | "del" | "s" | "strike", true) => {
                    if let Some((start, marker)) = emphasis.pop() {
                        close_emphasis(&mut out, start, marker);
                    }
                }
                ("kbd" | "samp" | "var", false) => {
                    in_code += 1;
                    out.push('`');
                }
                ("kbd" | "samp" | "var", true) => {
                    in_code = in_code.saturating_sub(1);
                    out.push('`');
                }
                ("hr", _) => out.push_str("\n\n---\n\n"),
                (
                    "blockquote" | "dl" | "dt" | "dd" | "section" | "article" | "header" | "footer"
                    | "nav" | "main" | "aside" | "center" | "caption",
                    _,
                ) => out.push_str("\n\n"),
                ("table", false) => tables.push(Table::default()),
                ("table", true) => {
                    if let Some(mut table) = tables.pop() {
                        table.end_cell(&mut out);
                        table.end_row();
                        out.push_str(&table.markdown());
                    }
                }
                ("tr", _) => {
                    if let Some(table) = tables.last_mut() {
                        table.end_cell(&mut out);
                        table.end_row();
                    }
                }
                ("td" | "th", false) => {
                    if let Some(table) = tables.last_mut() {
                        table.end_cell(&mut out);
                        table.cell = Some(out.len());
                    }
                }
                ("td" | "th", true) => {
                    if let Some(table) = tables.last_mut() {
                        table.end_cell(&mut out);
                    }
                }
                ("ul", false) => lists.push(None),
                ("ol", false) => lists.push(Some(0)),
                ("ul" | "ol", true) => {
                    lists.pop();
                    out.push_str("\n\n");
                }
                ("li", false) => {
                    out.push('\n');
                    match lists.last_mut() {
                        Some(Some(n)) => {
                            *n += 1;
                            out.push_str(&format!("{n}. "));
                        }
                        _ => out.push_str("- "),
                    }
                }
                _ => {}
            }
            i = end;
            continue;
        }
        if c == '&'
            && let Some((decoded, len)) = entity(rest, in_code > 0 || in_pre)
        {
            out.push_str(&decoded);
            i += len;
            continue;
        }
        // Inside a list, line breaks of the HTML source would split its items.
        if c == '\n' && !lists.is_empty() && !in_pre {
            out.push(' ');
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    if !html {
        return out;
    }
    tidy(&out)
}

/// `**text**` from `**` at `start` to the end of `out`, with the white space inside
/// moved outside (`**Label: **` is not bold in CommonMark; `**Label:** ` is), and no
/// markers around nothing.
fn close_emphasis(out: &mut String, start: usize, marker: &str) {
    let inner = out[start + marker.len()..].to_string();
    let trimmed = inner.trim();
    out.truncate(start);
    if trimmed.is_empty() {
        out.push_str(&inner);
        return;
    }
    let leading = &inner[..inner.len() - inner.trim_start().len()];
    let trailing = &inner[inner.trim_end().len()..];
    out.push_str(leading);
    out.push_str(marker);
    out.push_str(trimmed);
    out.push_str(marker);
    out.push_str(trailing);
}

/// An HTML table being read: its finished rows, and where the open cell's text starts
/// in the output (cells are taken out of it and written as a Markdown table at the end).
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Option<usize>,
}

impl Table {
    fn end_cell(&mut self, out: &mut String) {
        if let Some(start) = self.cell.take() {
            let text = out[start..]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
            out.truncate(start);
            self.row.push(text);
        }
    }

    fn end_row(&mut self) {
        if !self.row.is_empty() {
            self.rows.push(std::mem::take(&mut self.row));
        }
    }

    /// The table in Markdown: its first row is the header.
    fn markdown(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return String::new();
        }
        let line = |cells: &[String]| {
            let mut l = String::from("|");
            for i in 0..columns {
                l.push(' ');
                l.push_str(cells.get(i).map_or("", String::as_str));
                l.push_str(" |");
            }
            l.push('\n');
            l
        };
        let mut md = String::from("\n\n");
        md.push_str(&line(&self.rows[0]));
        md.push('|');
        md.push_str(&"---|".repeat(columns));
        md.push('\n');
        for row in &self.rows[1..] {
            md.push_str(&line(row));
        }
        md.push('\n');
        md
    }
}

/// HTML's whitespace does not matter, Markdown's does: lines are trimmed (outside
/// code blocks, where indentation would start one) and blank runs become one.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            lines.push(line.trim().to_string());
            continue;
        }
        if in_fence {
            lines.push(line.trim_end().to_string());
            continue;
        }
        let trimmed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if trimmed.is_empty() && lines.last().is_some_and(String::is_empty) {
            continue;
        }
        lines.push(trimmed);
    }
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(
            md("<p>Lists the <b>apps</b>.</p><p>See <a href=\"https://x.io/d\">the docs</a>.</p>"),
            "Lists the **apps**.\n\nSee [the docs](https://x.io/d)."
        );
        assert_eq!(
            md("Use <code>a &lt; b</code> &amp; more<br/>next"),
            "Use `a < b` &amp; more\n\nnext"
        );
        assert_eq!(
            md("<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>"),
            "- one\n- two"
        );
        assert_eq!(md("<ol><li>a</li><li>b</li></ol>"), "1. a\n2. b");
        assert_eq!(
            md("<a href=\"https://x.io\">https://x.io</a>"),
            "<https://x.io>"
        );
        assert_eq!(md("It&#39;s &quot;quoted&quot;"), "It's \"quoted\"");
    }

    #[test]
    fn emphasis_keeps_its_white_space_outside() {
        assert_eq!(
            md("<p><b>Label: </b>value, <i> spaced </i>, <b></b>.</p>"),
            "**Label:** value, *spaced* , ."
        );
    }

    #[test]
    fn tables_become_markdown_tables() {
        let html = "<p>Codes:</p><table>\n<thead><tr><th>Code</th><th>Meaning</th></tr></thead>\n\
                    <tbody><tr><td><code>a|b</code></td><td>Both <b>at once</b></td></tr>\n\
                    <tr><td>c</td></tr></tbody></table><p>After.</p>";
        assert_eq!(
            md(html),
            "Codes:\n\n| Code | Meaning |\n|---|---|\n| `a\\|b` | Both **at once** |\n| c | |\n\nAfter."
        );
    }

    #[test]
    fn other_elements_are_read_when_closed_and_placeholders_stay_text() {
        assert_eq!(
            md("<p>Press <kbd>Enter</kbd>, <u>then</u> <del>wait</del>.</p>"),
            "Press `Enter`, then ~~wait~~."
        );
        // `<summary>` is never closed: a placeholder, kept (and escaped when printed).
        assert_eq!(md("<p>Use <summary> here</p>"), "Use <summary> here");
    }

    #[test]
    fn text_without_html_is_kept() {
        let plain = "A < B and `<x>`\n\n    indented code";
        assert_eq!(md(plain), plain);
        assert_eq!(md("a <unknown> tag"), "a <unknown> tag");
    }
}
