//! `cargo xtask <command>`: maintainer commands. Run `cargo xtask help` for the list.

use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen::{self, Failure};

const HELP: &str = "\
cargo xtask <command>

commands:
  codegen [--check]   regenerate generated/ from spec/beeper-desktop-api.yaml;
                      --check writes nothing, prints a diff and fails if stale
  help                this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => run_codegen(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let mut check = false;
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            other => return Err(format!("codegen: unknown option `{other}`")),
        }
    }
    let root = xtask::workspace_root();
    let started = Instant::now();
    let plan = match codegen::plan(&root) {
        Ok(p) => p,
        Err(Failure::Spec(rendered)) => {
            return Err(format!(
                "{rendered}codegen: the spec has errors; generated/ is unchanged"
            ));
        }
        Err(Failure::Io(e)) => return Err(format!("codegen: {e}")),
    };
    if !plan.warnings.is_empty() {
        let text = std::fs::read_to_string(root.join(codegen::SPEC)).unwrap_or_default();
        eprint!("{}", plan.warnings.render(codegen::SPEC, &text));
    }
    if check {
        if plan.is_fresh() {
            println!(
                "codegen --check: generated/ is up to date ({} files)",
                plan.unchanged
            );
            return Ok(());
        }
        print!("{}", plan.diff(&root));
        return Err(format!(
            "codegen --check: generated/ is stale ({} to write, {} to remove); run `cargo xtask codegen`",
            plan.write.len(),
            plan.remove.len()
        ));
    }
    codegen::apply(&plan).map_err(|e| format!("codegen: could not write generated/: {e}"))?;
    println!(
        "codegen: {} written, {} removed, {} unchanged, in {} ms",
        plan.write.len(),
        plan.remove.len(),
        plan.unchanged,
        started.elapsed().as_millis()
    );
    Ok(())
}
