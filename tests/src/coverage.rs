//! Coverage by construction: the operations to test are those of the generator's IR of
//! the spec, not a list kept by hand, and each must have a scenario in
//! [`crate::scenarios`]. A new operation without one fails the per-operation tests and
//! the conformance run, with its name.

use crate::scenarios::Scenario;

/// The spec the SDK is generated from.
pub const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec/beeper-desktop-api.yaml"
);

/// An operation of the spec, as the generator's IR names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    /// Dotted name in the SDK's resource tree: `chats.reminders.create`.
    pub name: String,
    /// `POST`.
    pub method: String,
    /// The path template: `/v1/chats/{chatID}/reminders`.
    pub path: String,
    /// The spec's `operationId` (or the one derived from method and path).
    pub id: String,
}

impl std::fmt::Display for SpecOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} {}, operationId {})",
            self.name, self.method, self.path, self.id
        )
    }
}

/// Every operation of the spec at `path`, in the order of the SDK's resource tree.
pub fn spec_operations(path: &str) -> Result<Vec<SpecOperation>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let options = sdk_generator::Options {
        source_name: path.to_string(),
        ..Default::default()
    };
    let (api, _) = sdk_generator::lower_spec(&text, &options).map_err(|d| d.render(path, &text))?;
    Ok(api
        .operations()
        .into_iter()
        .map(|(_, op)| SpecOperation {
            name: op.sdk_name.clone(),
            method: op.http_method.as_str().to_string(),
            path: op.path.clone(),
            id: op.id.clone(),
        })
        .collect())
}

/// Each operation with its scenario; an error naming every operation that has none,
/// and every scenario that names no operation.
pub fn pair<'s>(
    operations: &[SpecOperation],
    scenarios: &'s [Scenario],
) -> Result<Vec<(SpecOperation, &'s Scenario)>, String> {
    let mut paired = Vec::new();
    let mut missing = Vec::new();
    for op in operations {
        match scenarios.iter().find(|s| s.operation == op.name) {
            Some(s) => paired.push((op.clone(), s)),
            None => missing.push(op),
        }
    }
    let stray: Vec<&str> = scenarios
        .iter()
        .map(|s| s.operation)
        .filter(|name| !operations.iter().any(|op| op.name == *name))
        .collect();
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.operation).collect();
    names.sort_unstable();
    let twice: Vec<&str> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    if missing.is_empty() && stray.is_empty() && twice.is_empty() {
        return Ok(paired);
    }
    let mut message = String::new();
    if !missing.is_empty() {
        message.push_str(&format!(
            "{} operation(s) of the spec have no scenario in tests/src/scenarios.rs:\n",
            missing.len()
        ));
        for op in &missing {
            message.push_str(&format!("  {op}\n"));
        }
    }
    if !stray.is_empty() {
        message.push_str("scenarios in tests/src/scenarios.rs for no operation of the spec:\n");
        for name in stray {
            message.push_str(&format!("  {name}\n"));
        }
    }
    for name in twice {
        message.push_str(&format!("two scenarios for {name}\n"));
    }
    message.push_str(
        "Every operation needs a scenario keyed by its name in the resource tree (x-sdk-method).",
    );
    Err(message)
}
