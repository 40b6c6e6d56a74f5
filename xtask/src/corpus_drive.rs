//! `cargo xtask corpus-drive`: SDKs generated from real-world corpus documents, driven
//! against the Prism mock server of each document.
//!
//! 1. Generates each document of [`DOCUMENTS`] into `target/corpus/<stem>` (where
//!    `cargo xtask corpus` puts it too).
//! 2. Builds the driver, `tests/corpus-drive/` (its own workspace, depending on those
//!    crates by path), into `target/corpus-target`, the corpus's target folder.
//! 3. Installs Prism as `cargo xtask conformance` does, and for each document starts
//!    Prism on it, runs the driver's program for it against Prism, and stops Prism.
//!    Each program makes a paginated walk, decodes a union and calls with and without
//!    its credential, prints one line per call, and exits non-zero when a call did not
//!    behave; the command then fails, naming the documents.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::conformance;
use crate::corpus;
use crate::standalone;

/// The driver crate, relative to the workspace root.
pub const DRIVER_DIR: &str = "tests/corpus-drive";

/// The corpus folder, relative to the workspace root (as in `cargo xtask corpus`).
const CORPUS: &str = "../shared/specs/real";

/// The documents driven: (file in [`CORPUS`], the driver's name for it). Each has a
/// paginated operation, a union response and security schemes; the driver's
/// `Cargo.toml` depends on `target/corpus/<file stem>`.
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("openai-openapi-3.0.yaml", "openai"),
    ("box-openapi.json", "box"),
    ("spotify-fixed.yaml", "spotify"),
];

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    for (file, _) in DOCUMENTS {
        let spec = root.join(CORPUS).join(file);
        let stem = Path::new(file).file_stem().unwrap_or_default();
        let out = root.join(corpus::OUT_DIR).join(stem);
        let generated = Instant::now();
        let outcome = standalone::generate(root, &spec, &out, None)?;
        println!(
            "corpus-drive: generated `{}` from {file} in {:.1} s",
            outcome.api.crate_name,
            generated.elapsed().as_secs_f64()
        );
    }

    let built = Instant::now();
    build_driver(root)?;
    println!(
        "corpus-drive: driver built in {:.1} s",
        built.elapsed().as_secs_f64()
    );

    let install_dir = root.join(conformance::INSTALL_DIR);
    let version = conformance::install(root, &install_dir)?;
    println!(
        "corpus-drive: Prism {version} in {}",
        conformance::INSTALL_DIR
    );
    let driver = root
        .join(corpus::TARGET_DIR)
        .join("debug")
        .join(format!("corpus-drive{}", std::env::consts::EXE_SUFFIX));
    let mut failed = Vec::new();
    for (file, name) in DOCUMENTS {
        let spec = root.join(CORPUS).join(file);
        let log_path = install_dir.join(format!("prism-{name}.log"));
        let (prism, base_url) =
            conformance::serve(root, &spec, &log_path).map_err(|e| format!("corpus-drive: {e}"))?;
        let status = Command::new(&driver)
            .args([*name, base_url.as_str()])
            .stdin(Stdio::null())
            .status();
        drop(prism);
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                conformance::print_log_tail(&log_path);
                failed.push(format!("{file} ({s})"));
            }
            Err(e) => failed.push(format!("{file} (cannot run {}: {e})", driver.display())),
        }
    }
    println!(
        "corpus-drive: {} documents in {:.0} s",
        DOCUMENTS.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus-drive: calls did not behave for {}",
            failed.join(", ")
        ))
    }
}

/// Builds the driver quietly: the generated crates' own warnings (deprecated items the
/// documents mark) would bury the lines that matter; they are shown if the build fails.
fn build_driver(root: &Path) -> Result<(), String> {
    let manifest = root.join(DRIVER_DIR).join("Cargo.toml");
    let args = [
        "build".as_ref(),
        "--manifest-path".as_ref(),
        manifest.as_os_str(),
    ];
    let output = corpus::cargo_short(root, root, &args)
        .map_err(|e| format!("corpus-drive: cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        let warnings = corpus::warning_count(&stderr);
        if warnings > 0 {
            println!("corpus-drive: the generated crates built with {warnings} warnings");
        }
        Ok(())
    } else {
        eprint!("{stderr}");
        Err(format!(
            "corpus-drive: building {DRIVER_DIR} failed ({})",
            output.status
        ))
    }
}
