//! `cargo xtask` acts on the checkout it runs in, not on the one its binary was built
//! in: two checkouts (git worktrees, a review clone) that share a target directory
//! share the built binary, so the binary here, run in two scratch checkouts, stands
//! for both of theirs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::codegen::{IR_RECORD, OUT_DIR, SPEC};

/// A checkout with what `cargo xtask codegen` reads: the workspace manifest, xtask's,
/// the spec (its one operation at `/{path}`) and the hand-written runtime folder.
fn checkout(dir: &Path, path: &str) {
    fs::create_dir_all(dir.join("xtask")).unwrap();
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join(OUT_DIR).join("src/runtime")).unwrap();
    fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\n    \"generated\",\n    \"xtask\",\n]\n",
    )
    .unwrap();
    fs::write(
        dir.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    fs::write(
        dir.join(OUT_DIR).join("src/runtime/mod.rs"),
        "// hand-written\n",
    )
    .unwrap();
    fs::write(
        dir.join(SPEC),
        format!(
            "openapi: 3.0.3
info: {{title: Scratch, version: 1.0.0}}
x-sdk: {{crate: scratch}}
paths:
  /{path}:
    get:
      operationId: listThings
      x-sdk-method: things.list
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: array, items: {{type: string}}}}
"
        ),
    )
    .unwrap();
}

/// The xtask binary of this build, run in `cwd`. The environment is this test's, whose
/// `CARGO_MANIFEST_DIR` names this checkout's xtask: it must not decide either.
fn xtask(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn record(root: &Path) -> Option<String> {
    fs::read_to_string(root.join(IR_RECORD)).ok()
}

fn scratch(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    base
}

#[test]
fn codegen_acts_on_the_checkout_it_runs_in() {
    let base = scratch("two-checkouts");
    let (first, second) = (base.join("first"), base.join("second"));
    checkout(&first, "first-things");
    checkout(&second, "second-things");

    // From a folder inside the second checkout; read-only first, so that a
    // regression fails here rather than write into the checkout the binary was
    // built in.
    let out = xtask(&second.join("spec"), &["check-spec"]);
    assert!(text(&out).contains("/second-things"), "{}", text(&out));
    let out = xtask(&second.join("spec"), &["codegen"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("written"), "{}", text(&out));
    let written = record(&second).expect("the second checkout's IR record");
    assert!(written.contains("/second-things"), "{written}");
    assert_eq!(record(&first), None, "the first checkout was written");

    // --check too: stale in the first, fresh in the second.
    let out = xtask(&first, &["codegen", "--check"]);
    assert!(!out.status.success(), "{}", text(&out));
    let out = xtask(&second, &["codegen", "--check"]);
    assert!(out.status.success(), "{}", text(&out));

    // From a crate with a `[workspace]` of its own inside the first checkout (as
    // corpus crates under target/ are): the search goes on up to the checkout.
    let nested = first.join("target/corpus/scratch");
    fs::create_dir_all(&nested).unwrap();
    fs::write(
        nested.join("Cargo.toml"),
        "[package]\nname = \"scratch\"\n\n[workspace]\n",
    )
    .unwrap();
    let out = xtask(&nested, &["codegen"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(record(&first).unwrap().contains("/first-things"));
    assert_eq!(record(&second).as_deref(), Some(&*written));

    let _ = fs::remove_dir_all(&base);
}

#[test]
fn outside_a_checkout_it_says_which_one_it_uses() {
    let base = scratch("outside");
    fs::create_dir_all(&base).unwrap();
    let out = xtask(&base, &["check-spec", "/nonexistent.yaml"]);
    let said = text(&out);
    assert!(
        said.contains("is not inside a checkout of this workspace; using"),
        "{said}"
    );
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn this_checkout_is_found_from_its_folders() {
    let root = xtask::workspace_root();
    assert!(xtask::is_workspace_root(&root));
    assert_eq!(
        xtask::find_workspace_root(&root.join("generator/src")),
        Some(root.clone())
    );
    assert!(!xtask::is_workspace_root(&root.join("generated")));
}
