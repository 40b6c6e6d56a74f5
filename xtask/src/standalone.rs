//! `cargo xtask generate`: a standalone crate from any OpenAPI 3.0 document, with a
//! copy of the runtime.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sdk_generator::{Diagnostics, Options};

/// The hand-written runtime every generated crate carries.
pub const RUNTIME_DIR: &str = "generated/src/runtime";

pub struct Outcome {
    pub warnings: Diagnostics,
    pub api: sdk_generator::ir::Api,
    pub files: usize,
}

/// Generates the crate into `out` (created or overwritten). Returns the rendered
/// diagnostics on a spec error, and writes nothing then.
pub fn generate(
    root: &Path,
    spec: &Path,
    out: &Path,
    crate_name: Option<String>,
) -> Result<Outcome, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let name = spec.file_name().map_or_else(
        || spec.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let options = Options {
        source_name: name.clone(),
        crate_name,
        standalone: true,
    };
    let generated = sdk_generator::generate(&text, &options).map_err(|d| d.render(&name, &text))?;
    write_crate(root, out, &generated.files).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(Outcome {
        warnings: generated.warnings,
        files: generated.files.len(),
        api: generated.api,
    })
}

fn write_crate(root: &Path, out: &Path, files: &[sdk_generator::File]) -> io::Result<()> {
    // A clean folder: files of an earlier run that this one does not produce go.
    let src = out.join("src");
    if src.exists() {
        fs::remove_dir_all(&src)?;
    }
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
    }
    let runtime_out = src.join("runtime");
    fs::create_dir_all(&runtime_out)?;
    for entry in fs::read_dir(root.join(RUNTIME_DIR))? {
        let entry = entry?;
        let path: PathBuf = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            fs::copy(&path, runtime_out.join(entry.file_name()))?;
        }
    }
    Ok(())
}
