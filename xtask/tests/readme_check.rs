//! The crate README compiles as pasted: every Rust block is a whole program without
//! hidden lines, and all of them build in a fresh crate with exactly the README's Install
//! block (`xtask::readme_check`). The build shares `target/readme-check/target` with
//! `cargo xtask readme-check`: minutes the first time, seconds after.

use std::time::Instant;

use xtask::readme_check::{self, Block, Readme, parse};

#[test]
fn the_crate_readme_builds_as_pasted_with_its_install_block() {
    let started = Instant::now();
    match readme_check::run(&xtask::workspace_root()) {
        Ok(report) => eprintln!(
            "{report}readme-check: {:.1} s",
            started.elapsed().as_secs_f64()
        ),
        Err(e) => panic!("{e}"),
    }
}

/// The SDK's major version: what an Install block asks for, which the crate in
/// `generated/` (patched in for the build) must satisfy.
fn major() -> String {
    let manifest =
        std::fs::read_to_string(xtask::workspace_root().join("generated/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .expect("a version in generated/Cargo.toml");
    version.split('.').next().unwrap().to_string()
}

/// An Install section with the old tokio features (`macros`, `rt`).
fn install_section() -> String {
    format!(
        "## Install

```toml
[dependencies]
beeper-desktop-api = \"{}\"
tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}
```
",
        major()
    )
}

#[test]
fn hidden_lines_snippets_and_a_missing_install_block_are_refused() {
    let head = install_section();
    let readme = format!(
        "{head}
## Errors

```rust,no_run
# async fn example(client: beeper_desktop_api::Client) {{
let _ = client.accounts().list().await;
# }}
```

## Config

```rust
let x = 1;
```

## Fine

```rust
#[tokio::main]
async fn main() {{}}
```
"
    );
    let problems = parse(&readme).unwrap_err();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].starts_with("README.md:12: a line rustdoc hides"),
        "{problems:#?}"
    );
    assert!(problems[0].contains("in \"Errors\""), "{problems:#?}");
    assert!(
        problems[1].starts_with("README.md:14: a line rustdoc hides"),
        "{problems:#?}"
    );
    assert!(
        problems[2].starts_with("README.md:11: the block in \"Errors\" is not a whole program"),
        "{problems:#?}"
    );
    assert!(
        problems[3].starts_with("README.md:19: the block in \"Config\" is not a whole program"),
        "{problems:#?}"
    );

    let no_install = parse("## Fine\n\n```rust\nfn main() {}\n```\n").unwrap_err();
    assert_eq!(
        no_install,
        ["README.md: no `[dependencies]` block in the Install section"]
    );
}

#[test]
fn blocks_are_named_by_section() {
    let head = install_section();
    let readme = format!(
        "{head}
## Beyond the spec

```rust
fn main() {{}}
```

```rust,no_run
fn main() {{}}
```

## Live events

```rust,no_run
fn main() {{}}
```
"
    );
    let Readme { install, blocks } = parse(&readme).unwrap();
    let asked = format!("[dependencies]\nbeeper-desktop-api = \"{}\"\n", major());
    assert!(install.starts_with(&asked), "{install}");
    let names: Vec<&str> = blocks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        names,
        ["beyond_the_spec", "beyond_the_spec_2", "live_events"]
    );
}

/// What the issue found by hand: with the old Install block, `#[tokio::main]` fails
/// (tokio's `rt-multi-thread` is off) and a block using `serde_json` does not build (the
/// SDK depends on it, the reader's crate does not). Doctests pass both.
#[test]
fn a_block_needing_what_the_install_block_lacks_fails_and_names_the_block() {
    let head = install_section();
    let readme = format!(
        "{head}
## Quick start

```rust,no_run
#[tokio::main]
async fn main() -> Result<(), beeper_desktop_api::Error> {{
    let client = beeper_desktop_api::Client::from_env()?;
    let accounts = client.accounts().list().await?;
    println!(\"{{accounts:?}}\");
    Ok(())
}}
```

## Beyond the spec

```rust,no_run
#[tokio::main(flavor = \"current_thread\")]
async fn main() -> Result<(), beeper_desktop_api::Error> {{
    let client = beeper_desktop_api::Client::from_env()?;
    let value: serde_json::Value = client.get(\"/new-endpoint\").await?;
    println!(\"{{value}}\");
    Ok(())
}}
```
"
    );
    let parsed = parse(&readme).unwrap();
    let root = xtask::workspace_root();
    let dir = root.join(readme_check::DIR);
    let manifest = readme_check::manifest(
        "readme-check-negative",
        &parsed,
        "beeper-desktop-api",
        &root.join("generated"),
    );
    let blocks: Vec<Block> = parsed.blocks.clone();
    let error = readme_check::build(
        &dir.join("negative"),
        &dir.join("target"),
        &manifest,
        &blocks,
        Some(&root.join("Cargo.lock")),
    )
    .unwrap_err();
    assert!(error.contains("src/bin/quick_start.rs"), "{error}");
    assert!(error.contains("rt-multi-thread"), "{error}");
    assert!(error.contains("src/bin/beyond_the_spec.rs"), "{error}");
    assert!(error.contains("serde_json"), "{error}");
}
