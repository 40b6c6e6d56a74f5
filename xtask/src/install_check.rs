//! `cargo xtask install-check`: the generator as a user gets it. Packages `sdk-generator`
//! (`cargo package`), installs the binary from the unpacked package (in a temporary folder, outside this
//! workspace, so nothing of the checkout helps it build), runs it from a folder of its
//! own on a corpus document, and `cargo check`s the crate it wrote against this
//! checkout's runtime.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The document generated: small, and written by someone else.
const SPEC: &str = "../shared/specs/real/oai-petstore.yaml";
/// Under the system's temporary folder: unpacked anywhere below the checkout, cargo would
/// take the package for a stray member of this workspace and refuse to build it.
const WORK_DIR: &str = "sdk-generator-install-check";

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let work = std::env::temp_dir().join(WORK_DIR);
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    step(
        "package",
        Command::new(&cargo).current_dir(root).args([
            "package",
            "--package",
            "sdk-generator",
            "--no-verify",
            "--allow-dirty",
            "--quiet",
        ]),
    )?;
    let version = package_version(&root.join("generator/Cargo.toml"))?;
    let packaged = root.join(format!("target/package/sdk-generator-{version}.crate"));
    step(
        "unpack",
        Command::new("tar")
            .arg("xzf")
            .arg(&packaged)
            .arg("-C")
            .arg(&work),
    )?;
    let unpacked = work.join(format!("sdk-generator-{version}"));
    let tools = work.join("tools");
    // A debug build: this checks that the package builds and runs, not its speed.
    step(
        "install",
        Command::new(&cargo)
            .current_dir(&work)
            .args(["install", "--locked", "--debug", "--quiet", "--path"])
            .arg(&unpacked)
            .arg("--root")
            .arg(&tools)
            .env("CARGO_TARGET_DIR", work.join("target")),
    )?;
    let binary = tools.join("bin").join("sdk-generator");

    let user = work.join("user");
    fs::create_dir_all(&user).map_err(|e| format!("{}: {e}", user.display()))?;
    let spec = absolute(&root.join(SPEC))?;
    let runtime = root.join(crate::codegen::RUNTIME_DIR);
    let output = Command::new(&binary)
        .current_dir(&user)
        .arg("--spec")
        .arg(&spec)
        .args(["--out", "petstore", "--runtime-path"])
        .arg(&runtime)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    if !output.status.success() {
        return Err(format!(
            "install-check: the installed generator failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let crate_dir = user.join("petstore");
    let checked = crate::corpus::cargo_short(root, &crate_dir, &[OsStr::new("check")])
        .map_err(|e| format!("cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&checked.stderr);
    if !checked.status.success() || crate::corpus::warning_count(&stderr) > 0 {
        return Err(format!(
            "install-check: the generated crate does not check cleanly:\n{stderr}"
        ));
    }
    let _ = fs::remove_dir_all(&work);
    println!(
        "install-check: sdk-generator {version} installed from its package, generated a crate from {} and it checks without warnings, in {:.0} s",
        SPEC,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn step(what: &str, command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("install-check: {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("install-check: {what} failed ({status})"))
    }
}

fn package_version(manifest: &Path) -> Result<String, String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no version", manifest.display()))
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))
}
