//! `cargo xtask generate` and the corpus: a standalone crate (a workspace of its own)
//! from any OpenAPI document, depending on this workspace's runtime crate by path.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sdk_generator::{Diagnostics, Options};

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
    let runtime = root.join(crate::codegen::RUNTIME_DIR);
    let options = Options {
        source_name: name.clone(),
        crate_name,
        emit: sdk_generator::emit::EmitOptions {
            regenerate_command: "cargo xtask generate".into(),
            standalone: true,
            runtime: sdk_generator::emit::RuntimeSource::Path(runtime.display().to_string()),
            ..Default::default()
        },
        ..Options::default()
    };
    let generated = sdk_generator::generate(&text, &options).map_err(|d| d.render(&name, &text))?;
    write_crate(out, &generated.files).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(Outcome {
        warnings: generated.warnings,
        files: generated.files.len(),
        api: generated.api,
    })
}

fn write_crate(out: &Path, files: &[sdk_generator::File]) -> io::Result<()> {
    let wanted: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|f| (out.join(&f.path), f.contents.clone().into_bytes()))
        .collect();
    // Files of an earlier run that this one does not produce go; a file whose contents
    // are the same is left alone, so that cargo does not rebuild an unchanged crate.
    for existing in crate::codegen::files_under(&out.join("src"))? {
        if !wanted.iter().any(|(path, _)| *path == existing) {
            fs::remove_file(&existing)?;
        }
    }
    for (path, contents) in wanted {
        if fs::read(&path).is_ok_and(|old| old == contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, contents)?;
    }
    Ok(())
}
