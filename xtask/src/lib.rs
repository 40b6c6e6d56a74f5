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

use std::path::PathBuf;

/// The workspace root (the folder of the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().map(PathBuf::from).unwrap_or(xtask)
}
