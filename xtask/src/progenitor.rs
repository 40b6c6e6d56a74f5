//! `cargo xtask bench-progenitor`: this generator and `cargo-progenitor` (crates.io,
//! the strongest Rust generator we know of) side by side, in the same run: generation
//! time on every corpus document, where each fails, and the `cargo check` time of the
//! crates they generate for the three largest documents both accept.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{bench, standalone};

pub const VERSION: &str = "0.15.1";
const TOOLS: &str = "target/tools";
const OUT: &str = "target/bench-progenitor";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo-progenitor`, installed into `target/tools` from crates.io when missing.
fn installed(root: &Path) -> Result<PathBuf, String> {
    let bin = root.join(TOOLS).join("bin/cargo-progenitor");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!(
        "bench-progenitor: installing cargo-progenitor {VERSION} into {TOOLS} (a few minutes)"
    );
    let status = Command::new(cargo())
        .args([
            "install",
            "cargo-progenitor",
            "--version",
            VERSION,
            "--locked",
            "--root",
        ])
        .arg(root.join(TOOLS))
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("cargo install cargo-progenitor failed: {status}"));
    }
    Ok(bin)
}

struct Side {
    time: Option<Duration>,
    failure: Option<String>,
    dir: PathBuf,
}

fn run_progenitor(bin: &Path, spec: &Path, out: &Path, name: &str, runs: usize) -> Side {
    let mut times = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(out);
        let started = Instant::now();
        let output = Command::new(bin)
            .args(["progenitor", "-i"])
            .arg(spec)
            .arg("-o")
            .arg(out)
            .args(["-n", name, "-v", "0.1.0"])
            .output();
        let took = started.elapsed();
        match output {
            Ok(o) if o.status.success() => {
                times.push(took);
                // target/ is inside our workspace; an empty [workspace] table keeps
                // cargo from taking the crate for one of its members.
                let manifest = out.join("Cargo.toml");
                if let Ok(mut text) = std::fs::read_to_string(&manifest)
                    && !text.contains("[workspace]")
                {
                    text.push_str("\n[workspace]\n");
                    let _ = std::fs::write(&manifest, text);
                }
            }
            Ok(o) => {
                let stderr = String::from_utf8_lossy(&o.stderr);
                let reason = stderr
                    .lines()
                    .find(|l| l.contains("panicked") || l.to_ascii_lowercase().contains("error"))
                    .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
                    .unwrap_or("failed")
                    .trim()
                    .chars()
                    .take(140)
                    .collect::<String>();
                // A panic message is on the line after "panicked at".
                let detail = stderr
                    .lines()
                    .skip_while(|l| !l.contains("panicked"))
                    .nth(1)
                    .map(|l| l.trim().chars().take(100).collect::<String>());
                return Side {
                    time: None,
                    failure: Some(detail.map_or(reason.clone(), |d| format!("{reason} {d}"))),
                    dir: out.to_path_buf(),
                };
            }
            Err(e) => {
                return Side {
                    time: None,
                    failure: Some(e.to_string()),
                    dir: out.to_path_buf(),
                };
            }
        }
    }
    times.sort();
    Side {
        time: times.get(times.len() / 2).copied(),
        failure: None,
        dir: out.to_path_buf(),
    }
}

/// The time `cargo check` takes for the crate alone: dependencies are built first, then
/// the crate is touched and checked again; the median of `runs` such checks.
fn check_time(dir: &Path, target: &Path, runs: usize) -> Result<Duration, String> {
    let check = || {
        Command::new(cargo())
            .args(["check", "--quiet"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .output()
            .map_err(|e| format!("could not run cargo check: {e}"))
    };
    let first = check()?;
    if !first.status.success() {
        let stderr = String::from_utf8_lossy(&first.stderr);
        let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
        let first = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("")
            .chars()
            .take(100)
            .collect::<String>();
        return Err(format!("does not compile ({errors} errors; {first})"));
    }
    let mut times = Vec::new();
    for _ in 0..runs {
        let lib = dir.join("src/lib.rs");
        let text = std::fs::read(&lib).map_err(|e| e.to_string())?;
        std::fs::write(&lib, text).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let o = check()?;
        if !o.status.success() {
            return Err("does not compile".into());
        }
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let bin = installed(root)?;
    let out = root.join(OUT);
    println!(
        "generation time, median of {runs} runs (this generator in-process; cargo-progenitor as a process)\n"
    );
    println!("| spec | KiB | this generator ms | cargo-progenitor ms | progenitor / this |");
    println!("|---|--:|--:|--:|--:|");
    let mut both = Vec::new();
    let mut ratios = Vec::new();
    for spec in bench::corpus_specs(root)? {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = stem.replace(['.', '_'], "-");
        let ours = bench::time_spec(&spec, runs)?;
        let our_dir = out.join("ours").join(&stem);
        let ours_ok =
            ours.ok && standalone::generate(root, &spec, &our_dir, Some(name.clone())).is_ok();
        let theirs = run_progenitor(
            &bin,
            &spec,
            &out.join("progenitor").join(&stem),
            &name,
            runs,
        );
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let (their_ms, ratio) = match (theirs.time, &theirs.failure) {
            (Some(t), _) => {
                let r = t.as_secs_f64() / ours.total().as_secs_f64();
                ratios.push(r);
                (format!("{:.1}", ms(t)), format!("{r:.1}x"))
            }
            (None, Some(f)) => (format!("fails: {f}"), "-".to_string()),
            (None, None) => ("fails".to_string(), "-".to_string()),
        };
        let our_ms = if ours_ok {
            format!("{:.1}", ms(ours.total()))
        } else {
            "fails".to_string()
        };
        println!(
            "| {} | {:.0} | {our_ms} | {their_ms} | {ratio} |",
            ours.name,
            ours.bytes as f64 / 1024.0
        );
        if ours_ok && theirs.time.is_some() {
            both.push((ours.bytes, stem, our_dir, theirs.dir));
        }
    }
    if !ratios.is_empty() {
        ratios.sort_by(f64::total_cmp);
        println!(
            "\nmedian ratio over the {} documents both accept: cargo-progenitor takes {:.1}x the time",
            ratios.len(),
            ratios[ratios.len() / 2]
        );
    }

    both.sort_by_key(|(bytes, ..)| std::cmp::Reverse(*bytes));
    println!(
        "\ncargo check of the generated crate alone (dependencies built), median of 3, for the three largest documents both generate\n"
    );
    println!("| spec | this generator s | cargo-progenitor s | this / progenitor |");
    println!("|---|--:|--:|--:|");
    for (_, stem, ours, theirs) in both.into_iter().take(3) {
        let a = check_time(&ours, &root.join("target/bench-check/ours"), 3);
        let b = check_time(&theirs, &root.join("target/bench-check/progenitor"), 3);
        let show = |r: &Result<Duration, String>| {
            r.as_ref()
                .map_or_else(|e| e.clone(), |d| format!("{:.1}", d.as_secs_f64()))
        };
        let ratio = match (&a, &b) {
            (Ok(a), Ok(b)) => format!("{:.2}", a.as_secs_f64() / b.as_secs_f64()),
            _ => "-".into(),
        };
        println!("| {stem} | {} | {} | {ratio} |", show(&a), show(&b));
    }
    Ok(())
}
