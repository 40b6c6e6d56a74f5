//! `cargo xtask codegen`: spec -> generated/, written atomically, deterministically,
//! removing generated files that are no longer produced; `--check` writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sdk_generator::{Diagnostics, GENERATED_MARKER, Options};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/beeper-desktop-api.yaml";
/// The SDK crate, relative to the workspace root.
pub const OUT_DIR: &str = "generated";

/// What a run of codegen would do to `generated/`.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create or overwrite, with their new contents.
    pub write: BTreeMap<PathBuf, String>,
    /// Generated files on disk that the spec no longer produces.
    pub remove: Vec<PathBuf>,
    /// Files whose contents are already right.
    pub unchanged: usize,
    /// Diagnostics that are not errors.
    pub warnings: Diagnostics,
    /// Old contents of files to overwrite, for the diff.
    pub old: BTreeMap<PathBuf, String>,
}

impl Plan {
    pub fn is_fresh(&self) -> bool {
        self.write.is_empty() && self.remove.is_empty()
    }

    /// A unified diff of everything the plan changes.
    pub fn diff(&self, root: &Path) -> String {
        let mut out = String::new();
        for (path, new) in &self.write {
            let old = self.old.get(path).map(String::as_str).unwrap_or("");
            let rel = path
                .strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string();
            let diff = similar::TextDiff::from_lines(old, new.as_str());
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string(),
            );
        }
        for path in &self.remove {
            let rel = path.strip_prefix(root).unwrap_or(path).display();
            out.push_str(&format!("removed: {rel}\n"));
        }
        out
    }
}

pub enum Failure {
    /// The spec has errors; the rendered diagnostics.
    Spec(String),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Generates from the spec and compares with what is on disk. Reads, never writes.
pub fn plan(root: &Path) -> Result<Plan, Failure> {
    let spec_path = root.join(SPEC);
    let text = fs::read_to_string(&spec_path)?;
    let options = Options {
        source_name: SPEC.to_string(),
        crate_name: None,
        standalone: false,
    };
    let generated = sdk_generator::generate(&text, &options)
        .map_err(|d| Failure::Spec(d.render(SPEC, &text)))?;
    let out_dir = root.join(OUT_DIR);
    let mut plan = Plan {
        warnings: generated.warnings,
        ..Plan::default()
    };
    let mut produced = Vec::new();
    for file in generated.files {
        let path = out_dir.join(&file.path);
        produced.push(path.clone());
        match fs::read_to_string(&path) {
            Ok(old) if old == file.contents => plan.unchanged += 1,
            Ok(old) => {
                plan.old.insert(path.clone(), old);
                plan.write.insert(path, file.contents);
            }
            Err(_) => {
                plan.write.insert(path, file.contents);
            }
        }
    }
    for existing in generated_files(&out_dir)? {
        if !produced.contains(&existing) {
            plan.remove.push(existing);
        }
    }
    Ok(plan)
}

/// Files under `dir` that carry the generated marker on their first line; the
/// hand-written runtime does not, and is never touched.
pub fn generated_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if first_line(&path).is_some_and(|l| l.contains(GENERATED_MARKER)) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn first_line(path: &Path) -> Option<String> {
    let text = fs::read(path).ok()?;
    let end = text
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(text.len())
        .min(512);
    Some(String::from_utf8_lossy(&text[..end]).into_owned())
}

/// Applies a plan: every new file is first written beside its target, and only when
/// all are written are they renamed into place; a failure before that removes the
/// temporary files and leaves `generated/` as it was.
pub fn apply(plan: &Plan) -> io::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for (path, contents) in &plan.write {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let tmp = path.with_extension(format!(
                "{}.codegen-tmp",
                path.extension().and_then(|e| e.to_str()).unwrap_or("")
            ));
            fs::write(&tmp, contents)?;
            staged.push((tmp, path.clone()));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, path) in &staged {
        fs::rename(tmp, path)?;
    }
    for path in &plan.remove {
        fs::remove_file(path)?;
        // Drop directories the removal left empty.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}
