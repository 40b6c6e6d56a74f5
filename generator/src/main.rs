//! `sdk-generator`: a Rust SDK crate from an OpenAPI 3.0 or 3.1 document.
//!
//! ```text
//! sdk-generator --spec petstore.yaml --out petstore [--crate-name NAME] [--license SPDX]
//!               [--runtime-path DIR] [--check]
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use sdk_generator::emit::{EmitOptions, RUNTIME_CRATE, RUNTIME_VERSION, RuntimeSource};
use sdk_generator::output::{self, Plan};
use sdk_generator::{Options, generate};

const USAGE: &str = "\
sdk-generator: a Rust SDK crate from an OpenAPI 3.0 or 3.1 document

usage: sdk-generator --spec PATH --out DIR [options]

  --spec PATH          the OpenAPI document (YAML or JSON)
  --out DIR            the crate's folder; created, or updated in place (generated files
                       the spec no longer produces are removed; other files are kept)
  --crate-name NAME    the crate's name (default: x-sdk.crate, else from info.title)
  --license SPDX       the crate's licence (default: x-sdk.license, else info.license,
                       else none)
  --runtime-path DIR   depend on the runtime crate at DIR (a checkout of it) besides its
                       version, instead of crates.io alone
  --check              write nothing; print what would change and fail if anything would
  --help               this text
";

struct Args {
    spec: PathBuf,
    out: PathBuf,
    crate_name: Option<String>,
    license: Option<String>,
    runtime_path: Option<PathBuf>,
    check: bool,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let (mut spec, mut out, mut crate_name, mut license, mut runtime_path) =
        (None, None, None, None, None);
    let mut check = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("`{flag}` needs a value"))
        };
        match flag {
            "--help" | "-h" => return Ok(None),
            "--check" => check = true,
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--crate-name" => crate_name = Some(value()?),
            "--license" => license = Some(value()?),
            "--runtime-path" => runtime_path = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Some(Args {
        spec: spec.ok_or("`--spec PATH` is required")?,
        out: out.ok_or("`--out DIR` is required")?,
        crate_name,
        license,
        runtime_path,
        check,
    }))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(None) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sdk-generator: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("{message}");
                ExitCode::FAILURE
            }
        },
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let spec_name = args.spec.display().to_string();
    let text = std::fs::read_to_string(&args.spec).map_err(|e| format!("{spec_name}: {e}"))?;
    let runtime = match &args.runtime_path {
        Some(dir) => RuntimeSource::Path(absolute(dir)?.display().to_string()),
        None => RuntimeSource::Registry,
    };
    let options = Options {
        source_name: file_name(&args.spec),
        crate_name: args.crate_name.clone(),
        license: args.license.clone(),
        emit: EmitOptions {
            regenerate_command: command_line(args),
            standalone: true,
            runtime,
            ..EmitOptions::default()
        },
    };
    let generated = generate(&text, &options).map_err(|diagnostics| {
        format!(
            "{}sdk-generator: the spec has errors; nothing was written",
            diagnostics.render(&spec_name, &text)
        )
    })?;
    if !generated.warnings.is_empty() {
        eprint!("{}", generated.warnings.render(&spec_name, &text));
    }
    let mut plan = Plan::default();
    output::stage_crate(&mut plan, &args.out, generated.files)
        .map_err(|e| format!("{}: {e}", args.out.display()))?;
    let out = args.out.display();
    if args.check {
        if plan.is_fresh() {
            println!("sdk-generator --check: {out} is up to date");
            return Ok(());
        }
        print!("{}", plan.diff(&args.out));
        return Err(format!(
            "sdk-generator --check: {out} is stale ({} to write, {} to remove)",
            plan.write.len(),
            plan.remove.len()
        ));
    }
    output::apply(&plan).map_err(|e| format!("{out}: could not write the crate: {e}"))?;
    println!(
        "sdk-generator: crate `{}` in {out}: {} written, {} removed, {} unchanged, in {} ms (runtime: {RUNTIME_CRATE} {RUNTIME_VERSION})",
        generated.api.crate_name,
        plan.write.len(),
        plan.remove.len(),
        plan.unchanged,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// The spec's file name, as generated headers name it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The command that regenerates the crate, for the headers of its files: relative paths
/// as given, so that the headers do not depend on the machine.
fn command_line(args: &Args) -> String {
    let mut line = format!(
        "sdk-generator --spec {} --out {}",
        args.spec.display(),
        args.out.display()
    );
    for (flag, value) in [
        ("--crate-name", &args.crate_name),
        ("--license", &args.license),
    ] {
        if let Some(v) = value {
            line.push_str(&format!(" {flag} {v}"));
        }
    }
    if let Some(dir) = &args.runtime_path {
        line.push_str(&format!(" --runtime-path {}", dir.display()));
    }
    line
}
