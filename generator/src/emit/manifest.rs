//! The crate's manifest (`Cargo.toml`) and licence files.
//!
//! The workspace manifest is the one source of what the runtime needs: its section "runtime
//! of the generated SDK" lists the dependencies, `[workspace.metadata.generated-sdk]` the
//! oldest Rust they and the runtime build with, and `[workspace.metadata.generated-sdk.features]`
//! the crate's features. The workspace builds `generated/` with them, and every generated
//! crate gets a copy.

use super::{EmitOptions, File, GENERATED_MARKER};
use crate::ir::Api;

const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");
const RUNTIME_SECTION: &str = "# runtime of the generated SDK";
const SDK_TABLE: &str = "[workspace.metadata.generated-sdk]";
const FEATURES_TABLE: &str = "[workspace.metadata.generated-sdk.features]";
/// The runtime's licence, which every generated crate carries with the runtime.
const LICENSE: &str = "MIT OR Apache-2.0";
const LICENSE_MIT: &str = include_str!("../../../LICENSE-MIT");
const LICENSE_APACHE: &str = include_str!("../../../LICENSE-APACHE");

/// Dependencies of a generated crate: those of its runtime, sorted by name; those a
/// feature turns on (`dep:x`) are optional.
pub fn cargo_dependencies() -> String {
    runtime_dependencies(WORKSPACE_MANIFEST)
}

fn runtime_dependencies(manifest: &str) -> String {
    let optional: Vec<String> = features(manifest)
        .split(['"', '[', ']', ',', ' '])
        .filter_map(|w| w.strip_prefix("dep:"))
        .map(str::to_owned)
        .collect();
    let mut deps: Vec<String> = Vec::new();
    let mut lines = manifest
        .lines()
        .skip_while(|l| !l.starts_with(RUNTIME_SECTION));
    for line in lines.by_ref().skip(1) {
        let line = line.trim();
        if line.starts_with('[') || (line.starts_with('#') && !deps.is_empty()) {
            break;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name = line.split('=').next().unwrap_or("").trim();
        if !optional.iter().any(|o| o == name) {
            deps.push(line.to_string());
        } else if let Some(table) = line.strip_suffix('}') {
            deps.push(format!("{}, optional = true }}", table.trim_end()));
        } else {
            let version = line[line.find('=').map_or(0, |i| i + 1)..].trim();
            deps.push(format!(
                "{name} = {{ version = {version}, optional = true }}"
            ));
        }
    }
    deps.sort_by_key(|l| l.split('=').next().unwrap_or("").trim().to_string());
    deps.iter().map(|l| format!("{l}\n")).collect()
}

/// The lines of a table of the workspace manifest, up to the next table.
fn table<'a>(manifest: &'a str, header: &str) -> Vec<&'a str> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn features(manifest: &str) -> String {
    table(manifest, FEATURES_TABLE)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The oldest Rust the runtime and the generated code build with.
pub fn runtime_rust_version() -> Option<String> {
    rust_version(WORKSPACE_MANIFEST)
}

/// `rust-version` of the workspace's generated-SDK table.
fn rust_version(manifest: &str) -> Option<String> {
    table(manifest, SDK_TABLE).iter().find_map(|l| {
        let (key, value) = l.split_once('=')?;
        (key.trim() == "rust-version").then(|| value.trim().trim_matches('"').to_string())
    })
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", items.join(", "))
}

pub fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    let p = &api.package;
    let mut package = vec![
        format!("name = {}", toml_str(&api.crate_name)),
        format!("version = {}", toml_str(&p.version)),
        "edition = \"2024\"".to_string(),
    ];
    if let Some(v) = runtime_rust_version() {
        package.push(format!("rust-version = {}", toml_str(&v)));
    }
    package.push(format!("description = {}", toml_str(&p.description)));
    package.push(format!("license = {}", toml_str(LICENSE)));
    for (key, value) in [
        ("repository", &p.repository),
        ("homepage", &p.homepage),
        ("documentation", &p.documentation),
    ] {
        if let Some(v) = value {
            package.push(format!("{key} = {}", toml_str(v)));
        }
    }
    package.push("readme = \"README.md\"".to_string());
    package.push(format!("keywords = {}", toml_list(&p.keywords)));
    package.push(format!("categories = {}", toml_list(&p.categories)));
    // A standalone crate has no examples; the workspace's SDK has one that tests an
    // app against a wiremock server.
    let (workspace, dev_deps) = if options.standalone {
        ("\n[workspace]\n", String::new())
    } else {
        let deps = workspace_dependency(WORKSPACE_MANIFEST, "wiremock").unwrap_or_default();
        ("", format!("\n[dev-dependencies]\n{deps}"))
    };
    format!(
        "# {GENERATED_MARKER} by sdk-generator from {source}. Do not edit: change the spec and run `cargo xtask codegen`.\n\
         \n[package]\n{package}\n\n[features]\n{features}\n[dependencies]\n{deps}{dev_deps}{workspace}",
        source = options.source_name,
        package = package.join("\n"),
        features = features(WORKSPACE_MANIFEST),
        deps = cargo_dependencies(),
    )
}

/// The workspace's requirement of one dependency (`wiremock = "0.6.5"`), so that the
/// SDK's dev-dependencies use the same version as the workspace's tests.
fn workspace_dependency(manifest: &str, name: &str) -> Option<String> {
    manifest
        .lines()
        .map(str::trim)
        .find(|l| l.split('=').next().is_some_and(|k| k.trim() == name))
        .map(|l| format!("{l}\n"))
}

/// The licence texts the package carries (`license` names both).
pub fn license_files() -> Vec<File> {
    vec![
        File {
            path: "LICENSE-APACHE".into(),
            contents: LICENSE_APACHE.into(),
        },
        File {
            path: "LICENSE-MIT".into(),
            contents: LICENSE_MIT.into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn runtime_dependencies_come_from_the_workspace_manifest() {
        let deps = super::cargo_dependencies();
        for name in [
            "reqwest",
            "serde",
            "serde_json",
            "tokio",
            "chrono",
            "tracing",
        ] {
            assert!(
                deps.lines().any(|l| l.starts_with(&format!("{name} ="))),
                "{name} missing from:\n{deps}"
            );
        }
        // The generator's own and the tests' dependencies stay out.
        assert!(!deps.contains("openapiv3") && !deps.contains("insta"));
        let manifest = "[x]\n# runtime of the generated SDK: note\n# more\nb = \"1\"\n\na = \"2\"\nc = { version = \"3\" }\n# tests\nd = \"3\"\n\
                        [workspace.metadata.generated-sdk.features]\ndefault = [\"c\"]\nc = [\"dep:c\", \"dep:a\"]\n";
        assert_eq!(
            super::runtime_dependencies(manifest),
            "a = { version = \"2\", optional = true }\nb = \"1\"\nc = { version = \"3\", optional = true }\n"
        );
        assert_eq!(
            super::features(manifest),
            "default = [\"c\"]\nc = [\"dep:c\", \"dep:a\"]\n"
        );
    }

    #[test]
    fn dev_dependencies_take_the_workspace_version() {
        let manifest = "[x]\nwiremock-extra = \"1\"\nwiremock = \"0.6.5\"\n";
        assert_eq!(
            super::workspace_dependency(manifest, "wiremock").as_deref(),
            Some("wiremock = \"0.6.5\"\n")
        );
        assert_eq!(super::workspace_dependency(manifest, "absent"), None);
    }

    #[test]
    fn the_workspace_names_the_oldest_rust_and_the_default_features() {
        assert!(super::rust_version(super::WORKSPACE_MANIFEST).is_some());
        assert!(super::features(super::WORKSPACE_MANIFEST).starts_with("default = "));
    }
}
