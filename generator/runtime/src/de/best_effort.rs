//! Values the API sends on a best-effort basis (the spec's `x-sdk-best-effort`): one
//! that does not have the documented shape is kept as JSON, with why, instead of
//! failing the object around it.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

use serde_json::Value;

use super::raw::{Captured, capture};
use crate::redact::{REDACTED, ShownJson};

/// A value decoded if it has the documented shape, else kept as it arrived.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BestEffort<T> {
    /// The value, decoded.
    Decoded(T),
    /// A value without the documented shape, as JSON.
    Undecoded(Undecoded),
}

/// A value that did not decode: the JSON, and where and why decoding failed.
///
/// Its `Debug` output hides, at any depth, the values of the fields the spec marks
/// secret in the documented type (the generated model that read it names them), of
/// keys named like credentials (`password`, `token`, `apiKey`, ...), and the values
/// serde quotes in `message` (`invalid type: string "…"`), as every excerpt of a body
/// does. The fields themselves hold what arrived.
#[derive(Clone)]
#[non_exhaustive]
pub struct Undecoded {
    /// The value as it arrived.
    pub value: Value,
    /// The JSON path, inside the value, where decoding failed (`.` for the value
    /// itself, `sender.id`, `attachments[2].size`).
    pub path: String,
    /// Why it failed (`missing field \`accountID\``).
    pub message: String,
    /// Wire names whose values `Debug` hides: the secret fields the documented type
    /// reaches, set by the model that read the value ([`hide_secrets`]).
    secrets: &'static [&'static str],
}

/// Equal when what arrived and why it failed are: which names `Debug` hides is not part
/// of the value.
impl PartialEq for Undecoded {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.path == other.path && self.message == other.message
    }
}

impl fmt::Debug for Undecoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Undecoded")
            .field("value", &ShownJson::new(&self.value, self.secrets))
            .field("path", &self.path)
            .field("message", &without_quoted_values(&self.message))
            .finish()
    }
}

/// `message` with its double-quoted parts (where serde writes a value it could not
/// read) replaced; the field names it writes in backticks stay.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    out.push_str(parts.next().unwrap_or_default());
    let mut quoted = true;
    for part in parts {
        out.push('"');
        out.push_str(if quoted { REDACTED } else { part });
        quoted = !quoted;
    }
    out
}

impl<T> BestEffort<T> {
    /// The decoded value, if it decoded.
    pub fn decoded(&self) -> Option<&T> {
        match self {
            BestEffort::Decoded(t) => Some(t),
            BestEffort::Undecoded(_) => None,
        }
    }

    /// The decoded value, if it decoded.
    pub fn into_decoded(self) -> Option<T> {
        match self {
            BestEffort::Decoded(t) => Some(t),
            BestEffort::Undecoded(_) => None,
        }
    }

    /// The value as it arrived and why it did not decode, if it did not.
    pub fn undecoded(&self) -> Option<&Undecoded> {
        match self {
            BestEffort::Decoded(_) => None,
            BestEffort::Undecoded(u) => Some(u),
        }
    }
}

impl<T> From<T> for BestEffort<T> {
    fn from(value: T) -> Self {
        BestEffort::Decoded(value)
    }
}

/// The value's text is read once (without decoding it: borrowed from the input when
/// the input is a string or bytes in memory) and then decoded; only a value that fails is
/// read again, to find the path and keep the JSON.
impl<'de, T: DeserializeOwned> Deserialize<'de> for BestEffort<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match capture(deserializer)? {
            Captured::Text(text) => match serde_json::from_str::<T>(&text) {
                Ok(value) => BestEffort::Decoded(value),
                Err(_) => {
                    let mut reader = serde_json::Deserializer::from_str(&text);
                    let failed = serde_path_to_error::deserialize::<_, T>(&mut reader).err();
                    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    undecoded(value, failed)
                }
            },
            Captured::Value(value) => match T::deserialize(&value) {
                Ok(decoded) => BestEffort::Decoded(decoded),
                Err(_) => {
                    let failed = serde_path_to_error::deserialize::<_, T>(&value).err();
                    undecoded(value, failed)
                }
            },
        })
    }
}

fn undecoded<T>(
    value: Value,
    failed: Option<serde_path_to_error::Error<serde_json::Error>>,
) -> BestEffort<T> {
    let (path, message) = match failed {
        Some(e) => (e.path().to_string(), e.into_inner().to_string()),
        // Decoded the second time (cannot happen: the same input and type).
        None => (".".to_string(), "the value did not decode".to_string()),
    };
    BestEffort::Undecoded(Undecoded {
        value,
        path,
        message,
        secrets: &[],
    })
}

/// Tells the items that did not decode in `value` (a best-effort list, possibly
/// optional) which wire names their `Debug` output hides: the secret fields of the
/// documented type, which the generated model knows and the runtime does not. Generated
/// models call it on each best-effort field whose items reach a secret field.
#[doc(hidden)]
pub fn hide_secrets<V: HoldsUndecoded>(mut value: V, secrets: &'static [&'static str]) -> V {
    value.hide(secrets);
    value
}

/// A value that may hold [`Undecoded`] items: what [`hide_secrets`] reaches into.
#[doc(hidden)]
pub trait HoldsUndecoded {
    /// Sets the names that the `Debug` output of every `Undecoded` inside hides.
    fn hide(&mut self, secrets: &'static [&'static str]);
}

impl<T> HoldsUndecoded for BestEffort<T> {
    fn hide(&mut self, secrets: &'static [&'static str]) {
        if let BestEffort::Undecoded(u) = self {
            u.secrets = secrets;
        }
    }
}

impl<V: HoldsUndecoded> HoldsUndecoded for Vec<V> {
    fn hide(&mut self, secrets: &'static [&'static str]) {
        for item in self {
            item.hide(secrets);
        }
    }
}

impl<V: HoldsUndecoded> HoldsUndecoded for Option<V> {
    fn hide(&mut self, secrets: &'static [&'static str]) {
        if let Some(v) = self {
            v.hide(secrets);
        }
    }
}

impl<V: HoldsUndecoded> HoldsUndecoded for crate::Nullable<V> {
    fn hide(&mut self, secrets: &'static [&'static str]) {
        if let crate::Nullable::Value(v) = self {
            v.hide(secrets);
        }
    }
}

impl<V: HoldsUndecoded> HoldsUndecoded for Box<V> {
    fn hide(&mut self, secrets: &'static [&'static str]) {
        (**self).hide(secrets);
    }
}

/// Written back as it arrived: the decoded value, or the JSON kept.
impl<T: Serialize> Serialize for BestEffort<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BestEffort::Decoded(t) => t.serialize(serializer),
            BestEffort::Undecoded(u) => u.value.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        id: String,
        account_id: String,
    }

    #[test]
    fn items_that_do_not_decode_are_kept_with_their_path_and_the_rest_decode() {
        let text =
            r#"[{"id": "a", "accountId": "x"}, {"id": "b"}, {"id": 3, "accountId": "y"}, 7]"#;
        let items: Vec<BestEffort<Entry>> = serde_json::from_str(text).unwrap();
        assert_eq!(
            items[0].decoded(),
            Some(&Entry {
                id: "a".into(),
                account_id: "x".into()
            })
        );
        let missing = items[1].undecoded().unwrap();
        assert_eq!(missing.value, serde_json::json!({"id": "b"}));
        assert_eq!(missing.path, ".");
        assert!(missing.message.contains("accountId"), "{}", missing.message);
        assert_eq!(items[2].undecoded().unwrap().path, "id");
        assert_eq!(items[3].undecoded().unwrap().value, 7);
        // Written back as it arrived.
        let back: Value = serde_json::to_value(&items).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn read_from_a_value_and_under_a_path_tracker_as_well() {
        let value = serde_json::json!([{"id": "a"}]);
        let items: Vec<BestEffort<Entry>> = serde_json::from_value(value.clone()).unwrap();
        assert!(items[0].undecoded().is_some());
        let items: Vec<BestEffort<Entry>> = Vec::deserialize(&value).unwrap();
        assert!(items[0].undecoded().is_some());
        let mut reader = serde_json::Deserializer::from_str(r#"[{"id": "a", "accountId": "x"}]"#);
        let items: Vec<BestEffort<Entry>> = serde_path_to_error::deserialize(&mut reader).unwrap();
        assert!(items[0].decoded().is_some());
    }

    /// A reader of every Debug line: an item that did not decode shows neither a
    /// credential-like field nor a value serde quotes in its message.
    #[test]
    fn an_undecoded_item_shows_no_credential_in_debug() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Account {
            id: String,
            token_count: i64,
        }
        let text = r#"[{"id": "a", "password": "hunter2", "nested": {"apiToken": "tok-9"}, "token_count": "sk-live-1"}]"#;
        let items: Vec<BestEffort<Account>> = serde_json::from_str(text).unwrap();
        let shown = format!("{items:?}");
        for secret in ["hunter2", "tok-9", "sk-live-1"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("path: \"token_count\""), "{shown}");
        assert!(shown.contains("expected i64"), "{shown}");
        // What arrived is still there for the program.
        assert_eq!(items[0].undecoded().unwrap().value["password"], "hunter2");
    }

    /// A field the spec marks secret under a name no credential rule knows: hidden once
    /// the model that read the list names it, at any depth; the rest still shows.
    #[test]
    fn an_undecoded_item_hides_the_secret_fields_its_model_names() {
        let text = r#"[{"id": "a", "pin": "4321", "inner": {"pin": "8765"}, "note": "hello"}]"#;
        let items: Vec<BestEffort<Entry>> = serde_json::from_str(text).unwrap();
        let before = format!("{items:?}");
        assert!(before.contains("4321"), "no rule hides it yet: {before}");
        let items = Some(items);
        let items = hide_secrets(items, &["pin"]);
        let shown = format!("{items:?}");
        for secret in ["4321", "8765"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("hello"), "{shown}");
        let item = items.as_ref().unwrap()[0].undecoded().unwrap();
        assert_eq!(item.value["pin"], "4321");
        // Which names are hidden is not part of equality.
        let plain: Vec<BestEffort<Entry>> = serde_json::from_str(text).unwrap();
        assert_eq!(plain[0].undecoded().unwrap(), item);
    }
}
