//! Maintainer commands, as a library so that tests can run the same checks.

pub mod api_changes;
pub mod bench;
pub mod codegen;
pub mod conformance;
pub mod corpus;
pub mod corpus_drive;
pub mod install_check;
pub mod oas31;
pub mod progenitor;
pub mod readme_check;
pub mod standalone;
pub mod user_build;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// `cargo` as a user's shell runs it, in `dir` with `target_dir`: none of the
/// workspace's build settings (`RUSTFLAGS` and the like) and no stdin. For the checks
/// that build a fresh crate the way a user would (readme-check, bench-user-build).
pub fn user_cargo(dir: &Path, target_dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdin(Stdio::null());
    command
}

/// The workspace root (the folder of the top-level Cargo.toml) of the checkout the
/// command runs in: the nearest folder, from the current directory up, that
/// [`is_workspace_root`]. Not the folder the binary was built from: checkouts that
/// share a target directory (git worktrees, a review clone) share the built binary, so
/// a path fixed at build time would make `cargo xtask codegen` in one regenerate
/// another. Run outside any checkout, it is the one the binary was built from, and
/// stderr says so (once).
pub fn workspace_root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let cwd = std::env::current_dir().unwrap_or_default();
        if let Some(root) = find_workspace_root(&cwd) {
            return root;
        }
        let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
        let built = xtask.parent().unwrap_or(xtask).to_path_buf();
        eprintln!(
            "xtask: {} is not inside a checkout of this workspace; using {}, the one this xtask was built in",
            cwd.display(),
            built.display()
        );
        built
    })
    .clone()
}

/// The nearest of `start` and its ancestors that [`is_workspace_root`].
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_workspace_root(dir))
        .map(Path::to_path_buf)
}

/// Whether `dir` is the root of a checkout of this workspace: its Cargo.toml has a
/// `[workspace]` whose `members` name `xtask`, and `xtask/Cargo.toml` is the package
/// `xtask`. A crate generated with its own `[workspace]` (a corpus crate under
/// `target/`) is not one, so the search goes on above it.
pub fn is_workspace_root(dir: &Path) -> bool {
    let (Ok(manifest), Ok(xtask)) = (
        std::fs::read_to_string(dir.join("Cargo.toml")),
        std::fs::read_to_string(dir.join("xtask/Cargo.toml")),
    ) else {
        return false;
    };
    let manifest: Vec<&str> = manifest.lines().map(str::trim).collect();
    let Some(table) = manifest.iter().position(|l| *l == "[workspace]") else {
        return false;
    };
    // `members = [...]`, on one line or several, before the next table.
    let members: String = manifest[table + 1..]
        .iter()
        .take_while(|l| !l.starts_with('['))
        .skip_while(|l| !l.starts_with("members"))
        .scan(false, |closed, l| {
            (!*closed).then(|| {
                *closed = l.contains(']');
                *l
            })
        })
        .collect();
    members.contains("\"xtask\"") && xtask.lines().any(|l| l.trim() == "name = \"xtask\"")
}
