//! Writing parameter values into paths, query strings, headers and form bodies.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use super::error::Error;

/// Characters kept as they are in a path segment: RFC 3986 `pchar` (unreserved,
/// sub-delims, `:` and `@`). Everything else is percent-encoded, `/`, `?`, `#`, `%` and
/// space among them, so that one value is always one segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Characters kept as they are in a query key or value: the unreserved ones.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a query parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2`; an object as `k1=v1&k2=v2`.
    FormExploded,
    /// `a=1,2`; an object as `o=k1,v1,k2,v2`.
    FormCompact,
    /// `a=1%202`.
    SpaceDelimited,
    /// `a=1|2`.
    PipeDelimited,
    /// `o[k1]=v1&o[k2]=v2`.
    DeepObject,
}

/// Appends one path parameter to `path`, percent-encoded as a single segment.
///
/// An empty value, or one that is `.` or `..`, would change which resource the path
/// names; it is refused before anything is sent.
pub fn push_path_param<T: Serialize + ?Sized>(
    path: &mut String,
    name: &str,
    value: &T,
) -> Result<(), Error> {
    let text = scalar_text(name, value)?;
    if text.is_empty() {
        return Err(Error::invalid_request(format!(
            "path parameter `{name}` is empty"
        )));
    }
    if text == "." || text == ".." {
        return Err(Error::invalid_request(format!(
            "path parameter `{name}` is `{text}`, which would change the path instead of naming one resource"
        )));
    }
    path.extend(utf8_percent_encode(&text, PATH_SEGMENT));
    Ok(())
}

/// Text of a header parameter (lists are comma-separated).
pub fn header_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<String>, Error> {
    match to_value(name, value)? {
        Value::Null => Ok(None),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(scalar_of).collect();
            Ok(Some(parts.join(",")))
        }
        v => Ok(scalar_of(&v)),
    }
}

/// A query string under construction, without the leading `?`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    encoded: String,
}

impl Query {
    /// An empty query string.
    pub fn new() -> Query {
        Query::default()
    }

    /// Whether no parameter has been added.
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    /// The encoded query, without the leading `?`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    fn pair(&mut self, key: &str, value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        self.encoded
            .extend(utf8_percent_encode(key, QUERY_COMPONENT));
        self.encoded.push('=');
        self.encoded
            .extend(utf8_percent_encode(value, QUERY_COMPONENT));
    }

    /// A key, and a value whose delimiters are already in place (each item encoded).
    fn pair_encoded(&mut self, key: &str, encoded_value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        self.encoded
            .extend(utf8_percent_encode(key, QUERY_COMPONENT));
        self.encoded.push('=');
        self.encoded.push_str(encoded_value);
    }

    /// Adds a raw, already-chosen key and value (credentials in the query).
    pub fn push_raw(&mut self, key: &str, value: &str) {
        self.pair(key, value);
    }

    /// A parameter whose value is one value (a string, number, boolean or string
    /// enum): `name=value`. `None` adds nothing.
    pub fn push_scalar<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if let Some(text) = scalar_of(&value) {
            self.pair(name, &text);
        }
        Ok(())
    }

    /// A parameter whose value is a list, written in `style`: `a=1&a=2` (form,
    /// exploded, and `deepObject`, which has no list form), `a=1,2` (form), `a=1%202`
    /// (space-delimited), `a=1%7C2` (pipe-delimited). The comma of the form style is
    /// the delimiter, so it stays literal; a comma inside an item is encoded. `None`
    /// adds nothing.
    pub fn push_list<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), Error> {
        let items = match to_value(name, value)? {
            Value::Null => return Ok(()),
            Value::Array(items) => items,
            one => vec![one],
        };
        let texts: Vec<String> = items.iter().filter_map(scalar_of).collect();
        let delimiter = match style {
            QueryStyle::FormExploded | QueryStyle::DeepObject => {
                texts.iter().for_each(|t| self.pair(name, t));
                return Ok(());
            }
            QueryStyle::FormCompact => ",",
            QueryStyle::SpaceDelimited => "%20",
            QueryStyle::PipeDelimited => "%7C",
        };
        let joined: Vec<String> = texts
            .iter()
            .map(|t| utf8_percent_encode(t, QUERY_COMPONENT).to_string())
            .collect();
        self.pair_encoded(name, &joined.join(delimiter));
        Ok(())
    }

    /// A parameter whose value is an object, written in `style`: `k1=v1&k2=v2` (form,
    /// exploded), `o=k1,v1,k2,v2` (form), `o[k1]=v1&o[k2]=v2` (`deepObject`). `None`
    /// adds nothing.
    pub fn push_object<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), Error> {
        let map = match to_value(name, value)? {
            Value::Null => return Ok(()),
            Value::Object(map) => map,
            other => {
                return Err(Error::invalid_request(format!(
                    "parameter `{name}` must be an object, not `{other}`"
                )));
            }
        };
        match style {
            QueryStyle::DeepObject => self.deep_object(name, &Value::Object(map)),
            QueryStyle::FormCompact => {
                let mut parts = Vec::new();
                for (k, v) in &map {
                    if let Some(t) = scalar_of(v) {
                        parts.push(utf8_percent_encode(k, QUERY_COMPONENT).to_string());
                        parts.push(utf8_percent_encode(&t, QUERY_COMPONENT).to_string());
                    }
                }
                self.pair_encoded(name, &parts.join(","));
            }
            _ => {
                for (k, v) in &map {
                    match v {
                        Value::Array(items) => items
                            .iter()
                            .filter_map(scalar_of)
                            .for_each(|t| self.pair(k, &t)),
                        v => {
                            if let Some(t) = scalar_of(v) {
                                self.pair(k, &t);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A parameter whose shape the generator could not know (a union, any JSON value,
    /// the escape hatch's query): a list or an object is written as
    /// [`push_list`](Self::push_list) or [`push_object`](Self::push_object) would, any
    /// other value as [`push_scalar`](Self::push_scalar).
    pub fn push<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), Error> {
        let value = to_value(name, value)?;
        match &value {
            Value::Array(_) => self.push_list(name, &value, style),
            Value::Object(_) => self.push_object(name, &value, style),
            _ => self.push_scalar(name, &value),
        }
    }

    /// `o[k]=v`, recursing into nested objects (`o[k][k2]=v`) and lists (`o[k][0]=v`).
    fn deep_object(&mut self, prefix: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    self.deep_object(&format!("{prefix}[{k}]"), v);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.deep_object(&format!("{prefix}[{i}]"), v);
                }
            }
            v => {
                if let Some(t) = scalar_of(v) {
                    self.pair(prefix, &t);
                }
            }
        }
    }
}

/// An `application/x-www-form-urlencoded` body from any serializable value: top-level
/// fields as `key=value`, lists repeated, nested objects in brackets (`a[b]=c`).
pub fn form_body<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut query = Query::new();
    match to_value("body", value)? {
        Value::Object(map) => {
            for (k, v) in &map {
                match v {
                    Value::Object(_) => query.deep_object(k, v),
                    Value::Array(items) if items.iter().any(|i| i.is_object()) => {
                        query.deep_object(k, v)
                    }
                    v => query.push(k, v, QueryStyle::FormExploded)?,
                }
            }
        }
        Value::Null => {}
        _ => return Err(Error::invalid_request("a form body must be an object")),
    }
    Ok(query.encoded)
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::invalid_request(format!("parameter `{name}` cannot be written: {e}")))
}

fn scalar_text<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    match to_value(name, value)? {
        Value::Array(items) => Ok(items
            .iter()
            .filter_map(scalar_of)
            .collect::<Vec<_>>()
            .join(",")),
        v => scalar_of(&v).ok_or_else(|| {
            Error::invalid_request(format!("parameter `{name}` is not a single value"))
        }),
    }
}

fn scalar_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(v: &str) -> Result<String, Error> {
        let mut p = String::new();
        push_path_param(&mut p, "id", v).map(|()| p)
    }

    #[test]
    fn path_segments_are_encoded_as_one_segment() {
        assert_eq!(seg("!room:beeper.local").unwrap(), "!room:beeper.local");
        assert_eq!(seg("@u:s.t").unwrap(), "@u:s.t");
        assert_eq!(seg("a/b").unwrap(), "a%2Fb");
        assert_eq!(seg("a b").unwrap(), "a%20b");
        assert_eq!(seg("a?b#c").unwrap(), "a%3Fb%23c");
        assert_eq!(seg("100%").unwrap(), "100%25");
        assert_eq!(seg("ünï").unwrap(), "%C3%BCn%C3%AF");
        assert_eq!(seg("%2e%2E").unwrap(), "%252e%252E");
        assert_eq!(seg("...").unwrap(), "...");
        assert!(seg(".").is_err());
        assert!(seg("..").is_err());
        assert!(seg("").is_err());
    }

    #[test]
    fn query_styles() {
        let mut q = Query::new();
        q.push("ids", &["a", "b c"], QueryStyle::FormExploded)
            .unwrap();
        q.push("none", &None::<String>, QueryStyle::FormExploded)
            .unwrap();
        q.push("flag", &true, QueryStyle::FormExploded).unwrap();
        q.push("csv", &[1, 2], QueryStyle::FormCompact).unwrap();
        q.push("pipe", &["x", "y"], QueryStyle::PipeDelimited)
            .unwrap();
        q.push(
            "o",
            &serde_json::json!({"k": "v", "n": {"m": 1}}),
            QueryStyle::DeepObject,
        )
        .unwrap();
        assert_eq!(
            q.as_str(),
            "ids=a&ids=b%20c&flag=true&csv=1,2&pipe=x%7Cy&o%5Bk%5D=v&o%5Bn%5D%5Bm%5D=1"
        );
    }

    #[test]
    fn each_shape_is_written_as_the_generator_decided() {
        let mut q = Query::new();
        q.push_scalar("limit", &Some(10)).unwrap();
        q.push_scalar("unset", &None::<i64>).unwrap();
        q.push_list("ids", &["a,b", "c"], QueryStyle::FormCompact)
            .unwrap();
        q.push_list("words", &["x", "y z"], QueryStyle::SpaceDelimited)
            .unwrap();
        q.push_object(
            "filter",
            &serde_json::json!({"k": "v,w"}),
            QueryStyle::FormCompact,
        )
        .unwrap();
        q.push_object("f", &serde_json::json!({"a": 1}), QueryStyle::FormExploded)
            .unwrap();
        assert_eq!(
            q.as_str(),
            "limit=10&ids=a%2Cb,c&words=x%20y%20z&filter=k,v%2Cw&a=1"
        );
        assert!(
            Query::new()
                .push_object("o", &"text", QueryStyle::DeepObject)
                .is_err()
        );
    }

    #[test]
    fn form_bodies() {
        let body =
            serde_json::json!({"a": "x y", "list": [1, 2], "meta": {"k": "v"}, "skip": null});
        assert_eq!(
            form_body(&body).unwrap(),
            "a=x%20y&list=1&list=2&meta%5Bk%5D=v"
        );
    }
}
