//! Writing a generated crate to disk: the one part of the library that touches the
//! file system, shared by the `sdk-generator` binary and the workspace's `cargo xtask
//! codegen`. A [`Plan`] compares the files a run produces with what is on disk (reads
//! only); [`apply`] writes them all or none, and removes generated files the run no
//! longer produces. Files without the `@generated` marker (a hand-written example, a
//! licence) are never removed.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Diagnostics, File, GENERATED_MARKER};

/// What writing a run's files would change on disk.
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
    /// The IR of the spec, for the API change summary.
    pub api: Option<crate::ir::Api>,
}

impl Plan {
    /// Writes `contents` to `path` unless the file already holds them.
    pub fn stage(&mut self, path: PathBuf, contents: String) {
        match fs::read_to_string(&path) {
            Ok(old) if old == contents => self.unchanged += 1,
            Ok(old) => {
                self.old.insert(path.clone(), old);
                self.write.insert(path, contents);
            }
            Err(_) => {
                self.write.insert(path, contents);
            }
        }
    }

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

/// Stages a generated crate's files under `out_dir`, and the removal of generated files
/// there that it no longer produces.
pub fn stage_crate(plan: &mut Plan, out_dir: &Path, files: Vec<File>) -> io::Result<()> {
    let mut produced = Vec::new();
    for file in files {
        let path = out_dir.join(&file.path);
        produced.push(path.clone());
        plan.stage(path, file.contents);
    }
    for existing in generated_files(out_dir)? {
        if !produced.contains(&existing) {
            plan.remove.push(existing);
        }
    }
    Ok(())
}

/// Files under `dir` that carry the generated marker on their first line; the
/// hand-written runtime does not, and is never touched.
pub fn generated_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = files_under(dir)?
        .into_iter()
        .filter(|path| first_line(path).is_some_and(|l| l.contains(GENERATED_MARKER)))
        .collect();
    out.sort();
    Ok(out)
}

/// Every file under `dir` at any depth, `target` folders left out; none when `dir`
/// does not exist.
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
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
            } else {
                out.push(path);
            }
        }
    }
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
