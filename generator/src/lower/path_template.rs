//! Path templates (`/v1/chats/{chatID}/messages`), parsed once per operation into
//! literal text and parameter names; everything else (the derived operation name, the
//! check against the parameters, the IR's `PathSegment`s) reads the parts.

/// One piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part<'p> {
    Literal(&'p str),
    /// The name between `{` and `}`.
    Param(&'p str),
}

/// Why a template cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// A `{` with no `}` after it (or another `{` before it).
    Unclosed,
}

/// Splits a template into literal text and `{name}`s. A `}` outside a name is literal
/// text, as servers read it.
pub(crate) fn parse(path: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateError::Unclosed)?;
        let name = &after[..close];
        if name.contains('{') {
            return Err(TemplateError::Unclosed);
        }
        if open > 0 {
            parts.push(Part::Literal(&rest[..open]));
        }
        parts.push(Part::Param(name));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest));
    }
    Ok(parts)
}

/// The parameter names of a template, in order.
pub(crate) fn param_names<'a, 'p>(parts: &'a [Part<'p>]) -> impl Iterator<Item = &'p str> + 'a {
    parts.iter().filter_map(|p| match p {
        Part::Param(name) => Some(*name),
        Part::Literal(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Part, TemplateError, parse};

    #[test]
    fn templates() {
        assert_eq!(
            parse("/v1/chats/{chatID}/messages/{messageID}"),
            Ok(vec![
                Part::Literal("/v1/chats/"),
                Part::Param("chatID"),
                Part::Literal("/messages/"),
                Part::Param("messageID"),
            ])
        );
        assert_eq!(
            parse("{a}{b}"),
            Ok(vec![Part::Param("a"), Part::Param("b")])
        );
        assert_eq!(parse("/"), Ok(vec![Part::Literal("/")]));
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(parse("/a}b"), Ok(vec![Part::Literal("/a}b")]));
        assert_eq!(parse("/x/{id"), Err(TemplateError::Unclosed));
        assert_eq!(parse("/x/{a{b}"), Err(TemplateError::Unclosed));
    }
}
