//! Extra query parameters and body fields set on one request
//! ([`Request::with_query`](super::Request::with_query),
//! [`Request::with_body_field`](super::Request::with_body_field)), for what the spec
//! does not describe yet: merged into the operation's request before it is sent.

use bytes::Bytes;
use serde_json::Value;

use super::error::Error;
use super::options::RequestOptions;
use super::parts::{Body, RequestParts};

/// Whether `options` asks for anything to be merged.
pub(crate) fn any(options: &RequestOptions) -> bool {
    !options.extra_query.is_empty() || !options.extra_body.is_empty()
}

/// `parts` with the extra query parameters appended and the extra body fields merged.
pub(crate) fn apply(
    mut parts: RequestParts,
    options: &RequestOptions,
) -> Result<RequestParts, Error> {
    for (name, value) in &options.extra_query {
        parts.query.push_raw(name, value);
    }
    if options.extra_body.is_empty() {
        return Ok(parts);
    }
    let fields = &options.extra_body;
    parts.body = match parts.body {
        Body::None => json_body(serde_json::Map::new(), fields, "application/json")?,
        Body::Bytes {
            bytes,
            content_type,
        } if is_json(&content_type) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(object)) => json_body(object, fields, &content_type)?,
            _ => {
                return Err(Error::invalid_request(format!(
                    "`{}` has a JSON body that is not an object; extra body fields cannot be added to it",
                    parts.operation
                )));
            }
        },
        Body::Bytes {
            bytes,
            content_type,
        } if is_form(&content_type) => {
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            let mut query = super::encoding::Query::new();
            for (name, value) in fields {
                query.push_raw(name, &field_text(value));
            }
            if !text.is_empty() {
                text.push('&');
            }
            text.push_str(query.as_str());
            Body::Bytes {
                bytes: Bytes::from(text),
                content_type,
            }
        }
        Body::Multipart(mut form) => {
            for (name, value) in fields {
                form.push_text(name.clone(), field_text(value));
            }
            Body::Multipart(form)
        }
        Body::Bytes { content_type, .. } => {
            return Err(Error::invalid_request(format!(
                "`{}` sends a `{content_type}` body; extra body fields can only be added to JSON, form and multipart bodies",
                parts.operation
            )));
        }
    };
    Ok(parts)
}

/// The object with the fields set (a field already there takes the new value).
fn json_body(
    mut object: serde_json::Map<String, Value>,
    fields: &[(String, Value)],
    content_type: &str,
) -> Result<Body, Error> {
    for (name, value) in fields {
        object.insert(name.clone(), value.clone());
    }
    let bytes = serde_json::to_vec(&object)
        .map_err(|e| Error::invalid_request(format!("the body cannot be written as JSON: {e}")))?;
    Ok(Body::Bytes {
        bytes: Bytes::from(bytes),
        content_type: content_type.to_string(),
    })
}

/// A field's text in a form or multipart body: a string as is, else its JSON.
fn field_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The media type without its parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/json" || e.ends_with("+json")
}

fn is_form(content_type: &str) -> bool {
    essence(content_type) == "application/x-www-form-urlencoded"
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;
    use serde_json::json;

    fn options(body: &[(&str, Value)]) -> RequestOptions {
        RequestOptions {
            extra_query: vec![("x y".into(), "1&2".into())],
            extra_body: body
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..RequestOptions::default()
        }
    }

    fn body_of(parts: &RequestParts) -> (String, String) {
        match &parts.body {
            Body::Bytes {
                bytes,
                content_type,
            } => (
                String::from_utf8(bytes.to_vec()).unwrap(),
                content_type.clone(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_merge_into_json_objects_and_forms() {
        let parts = RequestParts::new("op", Method::POST, "/p".into())
            .json(&json!({"a": 1, "b": 2}), "application/merge-patch+json")
            .unwrap();
        let merged = apply(parts, &options(&[("b", json!(null)), ("c", json!([1]))])).unwrap();
        assert_eq!(merged.query.as_str(), "x%20y=1%262");
        let (text, content_type) = body_of(&merged);
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"a": 1, "b": null, "c": [1]})
        );
        assert_eq!(content_type, "application/merge-patch+json");

        let parts = RequestParts::new("op", Method::GET, "/p".into());
        let (text, content_type) = body_of(&apply(parts, &options(&[("k", json!("v"))])).unwrap());
        assert_eq!(
            (text.as_str(), content_type.as_str()),
            (r#"{"k":"v"}"#, "application/json")
        );

        let parts = RequestParts::new("op", Method::POST, "/p".into())
            .form(&json!({"a": "1"}))
            .unwrap();
        let (text, _) =
            body_of(&apply(parts, &options(&[("n", json!(2)), ("s", json!("a b"))])).unwrap());
        assert_eq!(text, "a=1&n=2&s=a%20b");
    }

    #[test]
    fn other_bodies_are_refused_before_sending() {
        for parts in [
            RequestParts::new("op", Method::POST, "/p".into())
                .json(&json!([1, 2]), "application/json")
                .unwrap(),
            RequestParts::new("op", Method::POST, "/p".into())
                .raw(Bytes::from_static(b"\x00"), "application/octet-stream"),
        ] {
            let e = apply(parts, &options(&[("k", json!(1))])).unwrap_err();
            assert_eq!(e.kind(), super::super::ErrorKind::InvalidRequest);
        }
    }
}
