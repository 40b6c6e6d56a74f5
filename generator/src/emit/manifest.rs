//! The crate's manifest (`Cargo.toml`).
//!
//! A generated crate depends on the runtime crate (`sdk-runtime`), which brings the
//! HTTP client, TLS and the event stream, and directly only on what its own code names:
//! serde for the derives, serde_json, chrono and bytes for field types. Its features
//! choose the runtime's: TLS (`rustls`, a default unless every server of the spec is
//! plain http, or `native-tls`), and `events` for an API whose spec describes an event
//! stream.

use super::{EmitOptions, GENERATED_MARKER};
use crate::ir::Api;

/// The runtime crate generated code calls, and the version this generator writes code
/// for (the workspace's tests check it against `generator/runtime/Cargo.toml`).
pub const RUNTIME_CRATE: &str = "sdk-runtime";
pub const RUNTIME_VERSION: &str = "1.0.0";
/// The oldest Rust the runtime and the generated code build with.
pub const RUST_VERSION: &str = "1.88";
/// What the generated code names itself, as the workspace's manifest requires them
/// (checked by the workspace's tests).
pub const DIRECT_DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", "\"1\""),
    (
        "chrono",
        "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }",
    ),
    ("serde", "{ version = \"1.0\", features = [\"derive\"] }"),
    ("serde_json", "\"1.0.145\""),
];

/// What a program using the crate adds beside it (the README's Install block, whose
/// examples are the crate's doctests).
pub const README_DEPENDENCIES: &[&str] = &[
    "futures-util = \"0.3\"",
    "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }",
];

/// Where the runtime crate comes from: crates.io by version, or also a folder (crates
/// of a workspace that holds the runtime, or a runtime not yet published).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RuntimeSource {
    #[default]
    Registry,
    /// A path, relative to the generated crate's folder (or absolute).
    Path(String),
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
        format!("rust-version = {}", toml_str(RUST_VERSION)),
        format!("description = {}", toml_str(&p.description)),
    ];
    if let Some(license) = &p.license {
        package.push(format!("license = {}", toml_str(license)));
    }
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
    // docs.rs builds every feature and marks the items that need one.
    let docs_rs = "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n";

    let events = api.events.is_some();
    let mut default = Vec::new();
    if api.package.tls_by_default {
        default.push("rustls");
    }
    if events {
        default.push("events");
    }
    let mut features = vec![
        format!(
            "default = {}",
            toml_list(&default.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        ),
        format!("# https through rustls.\nrustls = [\"{RUNTIME_CRATE}/rustls\"]"),
        format!(
            "# https through the platform's TLS (OpenSSL on Linux).\nnative-tls = [\"{RUNTIME_CRATE}/native-tls\"]"
        ),
    ];
    if events {
        features.push(format!(
            "# The live event stream (`Client::events`), over a WebSocket.\nevents = [\"{RUNTIME_CRATE}/events\"]"
        ));
    }

    let runtime = match &options.runtime {
        RuntimeSource::Registry => format!(
            "{RUNTIME_CRATE} = {{ version = {}, default-features = false }}",
            toml_str(RUNTIME_VERSION)
        ),
        RuntimeSource::Path(path) => format!(
            "{RUNTIME_CRATE} = {{ version = {}, path = {}, default-features = false }}",
            toml_str(RUNTIME_VERSION),
            toml_str(path)
        ),
    };
    let mut deps: Vec<String> = DIRECT_DEPENDENCIES
        .iter()
        .map(|(name, req)| format!("{name} = {req}"))
        .collect();
    deps.push(runtime);
    deps.sort();

    // What the README's examples use besides the crate (its Install block), so that
    // they compile as doctests; the options' lines replace these by name.
    let name = |l: &str| l.split('=').next().unwrap_or("").trim().to_string();
    let mut dev_deps: Vec<String> = README_DEPENDENCIES.iter().map(|l| l.to_string()).collect();
    for line in &options.dev_dependencies {
        dev_deps.retain(|d| name(d) != name(line));
        dev_deps.push(line.clone());
    }
    dev_deps.sort();
    let dev_deps = format!("\n[dev-dependencies]\n{}\n", dev_deps.join("\n"));
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        "# {GENERATED_MARKER} by sdk-generator from {source}. Do not edit: change the spec and run `{command}`.\n\
         \n[package]\n{package}\n{docs_rs}\n[features]\n{features}\n\n[dependencies]\n{deps}\n{dev_deps}{workspace}",
        source = options.source_name,
        command = options.regenerate_command,
        package = package.join("\n"),
        features = features.join("\n"),
        deps = deps.join("\n"),
    )
}
