//! Generated diffs show only what changed: one small edit of the Beeper spec (an
//! optional field, an enum value, an operation) changes only lines of the generated
//! crate that belong to what was added. No positional renumbering, no re-sorting, no
//! reflowed neighbours.

use serde_json::{Value, json};
use similar::{DiffOp, TextDiff};

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/beeper-desktop-api.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

/// Every generated file, by path, of a spec given as a JSON value.
fn generate(spec: &Value) -> Vec<(String, String)> {
    let text = serde_json::to_string_pretty(spec).expect("a JSON value serializes");
    let options = sdk_generator::Options {
        source_name: "spec.json".into(),
        ..Default::default()
    };
    let generated = sdk_generator::generate(&text, &options)
        .unwrap_or_else(|d| panic!("{}", d.render("spec.json", &text)));
    generated
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// `pin_to_top`, `PinToTop` and `pin-to-top` all mention `pintotop`.
fn mentions(line: &str, name: &str) -> bool {
    let normal: String = line
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normal.contains(name)
}

/// Generates before and after the edit and checks the diff: a removed line must
/// mention the added name (an edited line of a list that gained it); each block of
/// added lines must mention it; lines rewritten in place must all mention it. Returns
/// the diff, for the failure message and for reading.
fn assert_diff_mentions_only(edit: impl FnOnce(&mut Value), name: &str) -> String {
    let before_spec = spec();
    let mut after_spec = before_spec.clone();
    edit(&mut after_spec);
    let before = generate(&before_spec);
    let after = generate(&after_spec);
    let paths = |files: &[(String, String)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        paths(&before),
        paths(&after),
        "the edit adds or removes a file"
    );

    let mut report = String::new();
    let mut faults = Vec::new();
    let mut changed = 0;
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let diff = TextDiff::from_lines(old, new);
        let old_lines: Vec<&str> = old.lines().collect();
        let new_lines: Vec<&str> = new.lines().collect();
        for op in diff.ops() {
            let (removed, added) = match *op {
                DiffOp::Equal { .. } => continue,
                DiffOp::Delete {
                    old_index, old_len, ..
                } => (&old_lines[old_index..old_index + old_len], &[][..]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => (&[][..], &new_lines[new_index..new_index + new_len]),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (
                    &old_lines[old_index..old_index + old_len],
                    &new_lines[new_index..new_index + new_len],
                ),
            };
            report.push_str(&format!("@@ {path}\n"));
            for l in removed {
                report.push_str(&format!("-{l}\n"));
            }
            for l in added {
                report.push_str(&format!("+{l}\n"));
            }
            changed += removed.len() + added.len();
            for l in removed {
                if !mentions(l, name) {
                    faults.push(format!(
                        "{path}: removed line does not mention `{name}`: {l}"
                    ));
                }
            }
            if !removed.is_empty() {
                // Lines rewritten in place: each must be one that gained the name.
                for l in added {
                    if !mentions(l, name) {
                        faults.push(format!(
                            "{path}: rewritten line does not mention `{name}`: {l}"
                        ));
                    }
                }
            } else if !added.iter().any(|l| mentions(l, name)) {
                faults.push(format!(
                    "{path}: added lines do not mention `{name}`:\n{}",
                    added.join("\n")
                ));
            }
        }
    }
    assert!(changed > 0, "the edit changed nothing");
    assert!(
        faults.is_empty(),
        "{}\n\nthe diff:\n{report}",
        faults.join("\n")
    );
    report
}

#[test]
fn an_optional_field_changes_only_its_own_lines() {
    // Added first, so that every field after it would move if names were positional.
    let diff = assert_diff_mentions_only(
        |spec| {
            let chat = spec["components"]["schemas"]["Chat"]["properties"]
                .as_object_mut()
                .expect("Chat has properties");
            let mut props = serde_json::Map::new();
            props.insert(
                "nickname".into(),
                json!({"type": "string", "description": "The nickname of the chat."}),
            );
            props.extend(std::mem::take(chat));
            *chat = props;
        },
        "nickname",
    );
    // The struct field, its decoding, and its place in `new`.
    assert!(
        diff.contains("+    pub nickname: Option<String>,"),
        "{diff}"
    );
    assert!(diff.contains("\"nickname\" =>"), "{diff}");
}

#[test]
fn an_enum_value_changes_only_its_own_lines() {
    // Added between two values: nothing after it may move. (Examples in the docs use
    // an enum's first value, which a value added in front of it does replace.)
    let diff = assert_diff_mentions_only(
        |spec| {
            spec["components"]["schemas"]["ChatType"]["enum"]
                .as_array_mut()
                .expect("ChatType is an enum")
                .insert(1, json!("broadcast"));
        },
        "broadcast",
    );
    assert!(diff.contains("Broadcast,"), "{diff}");
}

#[test]
fn an_operation_changes_only_its_own_lines() {
    let diff = assert_diff_mentions_only(
        |spec| {
            spec["paths"]["/v1/chats/{chatID}/pin-to-top"] = json!({
                "post": {
                    "operationId": "pinChatToTop",
                    "x-sdk-method": "chats.pin_to_top",
                    "tags": ["Chats"],
                    "summary": "Pin a chat to the top of the list",
                    "parameters": [{"$ref": "#/components/parameters/ChatID"}],
                    "responses": {"204": {"description": "Pinned."}}
                }
            });
        },
        "pintotop",
    );
    assert!(diff.contains("pub fn pin_to_top("), "{diff}");
    assert!(diff.contains("ChatsPinToTopParams"), "{diff}");
}
