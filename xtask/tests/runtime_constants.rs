//! The generator writes the runtime's version, the oldest Rust and the versions of the
//! crates generated code names into every manifest it makes (`sdk_generator::emit`'s
//! constants, which must build from its packaged crate alone). These tests keep them
//! equal to this workspace's manifests, where the runtime and the SDK are built.

use std::fs;

use sdk_generator::emit::{DIRECT_DEPENDENCIES, RUNTIME_CRATE, RUNTIME_VERSION, RUST_VERSION};

fn read(relative: &str) -> String {
    // The checkout the test runs in (`xtask::workspace_root`), as every command finds it.
    fs::read_to_string(xtask::workspace_root().join(relative)).expect("a manifest of the workspace")
}

/// The value of `key = value` in `text`'s first line that sets it.
fn value_of<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

#[test]
fn the_runtime_version_and_rust_version_are_the_runtime_crates() {
    let runtime = read("generator/runtime/Cargo.toml");
    assert_eq!(
        value_of(&runtime, "name"),
        Some(format!("\"{RUNTIME_CRATE}\"").as_str())
    );
    assert_eq!(
        value_of(&runtime, "version"),
        Some(format!("\"{RUNTIME_VERSION}\"").as_str()),
        "generator/runtime/Cargo.toml's version changed: update emit::RUNTIME_VERSION"
    );
    assert_eq!(
        value_of(&runtime, "rust-version"),
        Some(format!("\"{RUST_VERSION}\"").as_str())
    );
}

#[test]
fn generated_code_names_the_versions_the_workspace_builds_with() {
    let workspace = read("Cargo.toml");
    let deps = workspace
        .split("[workspace.dependencies]")
        .nth(1)
        .expect("a [workspace.dependencies] table");
    for (name, requirement) in DIRECT_DEPENDENCIES {
        assert_eq!(
            value_of(deps, name),
            Some(*requirement),
            "`{name}` differs between emit::DIRECT_DEPENDENCIES and the workspace manifest"
        );
    }
}
