//! `cargo xtask bench-codegen`: generation time of each spec, against its size, split
//! into load, lower and emit; medians of several runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sdk_generator::Diagnostics;

pub struct Timing {
    pub name: String,
    pub bytes: usize,
    pub load: Duration,
    pub lower: Duration,
    pub emit: Duration,
    pub ok: bool,
}

impl Timing {
    pub fn total(&self) -> Duration {
        self.load + self.lower + self.emit
    }
}

/// Times each phase of generating `spec`, `runs` times; returns the medians.
pub fn time_spec(spec: &Path, runs: usize) -> Result<Timing, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut loads = Vec::new();
    let mut lowers = Vec::new();
    let mut emits = Vec::new();
    let mut ok = true;
    for _ in 0..runs.max(1) {
        let mut diags = Diagnostics::new();
        let t0 = Instant::now();
        let loaded = sdk_generator::load::load(&text, &mut diags);
        let t1 = Instant::now();
        let Some(loaded) = loaded else {
            ok = false;
            loads.push(t1 - t0);
            break;
        };
        let api = sdk_generator::lower::lower(
            &loaded.openapi,
            &loaded.raw,
            &Default::default(),
            &mut diags,
        );
        let t2 = Instant::now();
        let files = sdk_generator::emit::emit(
            &api,
            &sdk_generator::emit::EmitOptions {
                source_name: "spec".into(),
                standalone: true,
                ..Default::default()
            },
        );
        let t3 = Instant::now();
        std::hint::black_box(files);
        loads.push(t1 - t0);
        lowers.push(t2 - t1);
        emits.push(t3 - t2);
        ok &= !diags.has_errors();
    }
    Ok(Timing {
        name: spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: text.len(),
        load: median(loads),
        lower: median(lowers),
        emit: median(emits),
        ok,
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[v.len() / 2]
}

/// The specs of the real-world corpus, smallest first.
pub fn corpus_specs(root: &Path) -> Result<Vec<PathBuf>, String> {
    specs_in(&root.join("../shared/specs/real"))
}

/// The OpenAPI 3.1 documents of the corpus, smallest first (kept in their own folder,
/// which tools that read only 3.0, such as progenitor, leave out).
pub fn corpus_specs_31(root: &Path) -> Result<Vec<PathBuf>, String> {
    specs_in(&root.join("../shared/specs/real-3.1"))
}

fn specs_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .map(|p| (std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0), p))
        .collect();
    specs.sort();
    Ok(specs.into_iter().map(|(_, p)| p).collect())
}
