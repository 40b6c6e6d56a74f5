//! `cargo xtask <command>`: maintainer commands. Run `cargo xtask help` for the list.

use std::process::ExitCode;

// Generation allocates many small token trees; on the largest documents mimalloc
// saves up to a third of the time (`--features system-alloc` measures without it).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

use xtask::codegen;

const HELP: &str = "\
cargo xtask <command>

commands:
  codegen [--check] [--since REV]
                      regenerate generated/ and the IR record
                      (spec/beeper-desktop-api.ir.txt) from the spec, and print what
                      the change did to the SDK's API since the spec at REV (HEAD);
                      --check writes nothing, prints a diff and fails if stale
  generate --spec PATH --out DIR [--crate-name NAME]
                      a standalone crate from any OpenAPI 3.0 or 3.1 document,
                      depending on this checkout's runtime (the sdk-generator
                      binary does the same for any folder)
  check-spec [PATH]   load and lower a spec (default: the Beeper spec), print its
                      diagnostics and operations; writes nothing
  bench-codegen [--runs N] [SPEC...]
                      generation time per spec (load, lower, emit) against its size;
                      default: the Beeper spec and the real-world corpus
  corpus [--only NAME] [--no-check] [--strict]
                      every spec of ../shared/specs/real and real-3.1 generated into
                      target/corpus, cargo-checked, and reported in a table; --strict
                      fails if any loses an operation, does not compile or warns on
                      its own build
  bench-progenitor [--runs N]
                      generation time and cargo check time against cargo-progenitor
                      0.15.1 (installed into target/tools), on the corpus
  conformance         check that every operation of the spec has a scenario,
                      install Prism 5.14.2 into target/prism (npm), mock the spec,
                      play every operation's scenario against it, stop Prism
  corpus-drive        SDKs of three corpus documents (OpenAI, Box, Spotify) built
                      with a driver (tests/corpus-drive) and run against Prism on
                      each document: a paginated walk, a union response, calls with
                      and without the credential; fails if a call misbehaves
  bench-user-build [--no-release]
                      what a user pays for the SDK: a fresh binary crate running
                      the README example, built cold with the default features and
                      with default-features = false; prints debug build CPU time,
                      crates compiled and release binary size (takes minutes)
  events-soak [EVENTS] [BUDGET_KIB]
                      the live event stream against a scripted hostile server
                      (drops, gaps, malformed frames, frames cut short, a slow
                      consumer, a dead peer), about a million events (default
                      1000000, byte budget 1024 KiB) in release; prints the
                      figures (events, resyncs against faults, peak memory
                      against the byte budget) and fails if an event was lost
                      silently or memory went past the budget plus 1 MiB
  install-check       package sdk-generator, install the binary from the package
                      outside the workspace, generate ../shared/specs/real/
                      oai-petstore.yaml with it and cargo check the crate
  readme-check        build every Rust block of generated/README.md as a reader
                      pastes it: a fresh crate in target/readme-check with exactly
                      the README's Install block (also a test of cargo test)
  oas31               write the Beeper spec as OpenAPI 3.1 into
                      xtask/tests/fixtures/beeper-desktop-api-3.1.json (a test
                      fixture; rerun it after changing the spec)
  help                this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => run_codegen(&args[1..]),
        Some("check-spec") => check_spec(&args[1..]),
        Some("generate") => run_generate(&args[1..]),
        Some("bench-codegen") => release(&args).unwrap_or_else(|| run_bench_codegen(&args[1..])),
        Some("bench-progenitor") => release(&args).unwrap_or_else(|| {
            let runs = args
                .get(1)
                .filter(|a| *a == "--runs")
                .and_then(|_| args.get(2)?.parse().ok())
                .unwrap_or(3);
            xtask::progenitor::run(&xtask::workspace_root(), runs)
        }),
        Some("corpus") => release(&args).unwrap_or_else(|| run_corpus(&args[1..])),
        Some("conformance") => match args.get(1) {
            Some(other) => Err(format!("conformance: unknown option `{other}`")),
            None => xtask::conformance::run(&xtask::workspace_root()),
        },
        Some("corpus-drive") => match args.get(1) {
            Some(other) => Err(format!("corpus-drive: unknown option `{other}`")),
            None => xtask::corpus_drive::run(&xtask::workspace_root()),
        },
        Some("bench-user-build") => match args.get(1).map(String::as_str) {
            None => xtask::user_build::run(&xtask::workspace_root(), true),
            Some("--no-release") => xtask::user_build::run(&xtask::workspace_root(), false),
            Some(other) => Err(format!("bench-user-build: unknown option `{other}`")),
        },
        Some("events-soak") => events_soak(&args[1..]),
        Some("oas31") => write_oas31(),
        Some("readme-check") => match args.get(1) {
            Some(other) => Err(format!("readme-check: unknown option `{other}`")),
            None => xtask::readme_check::run(&xtask::workspace_root()).map(|out| print!("{out}")),
        },
        Some("install-check") => match args.get(1) {
            Some(other) => Err(format!("install-check: unknown option `{other}`")),
            None => xtask::install_check::run(&xtask::workspace_root()),
        },
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

/// `cargo run --release` of the `events-soak` binary of sdk-tests (without the
/// generator, which it does not need), passing the number of events on.
fn events_soak(args: &[String]) -> Result<(), String> {
    if args.len() > 2 || args.iter().any(|a| a.starts_with('-')) {
        return Err("usage: cargo xtask events-soak [EVENTS] [BUDGET_KIB]".into());
    }
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(xtask::workspace_root())
            .args([
                "run",
                "--release",
                "-p",
                "sdk-tests",
                "--no-default-features",
                "--bin",
                "events-soak",
                "--",
            ])
            .args(args)
            .status()
            .map_err(|e| format!("events-soak: cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("events-soak: {status}"))
    }
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let outcome = codegen::command(&xtask::workspace_root(), args);
    print!("{}", outcome.stdout);
    if outcome.ok {
        if !outcome.stderr.is_empty() {
            eprint!("{}", outcome.stderr);
        }
        Ok(())
    } else {
        Err(outcome.stderr)
    }
}

fn check_spec(args: &[String]) -> Result<(), String> {
    let root = xtask::workspace_root();
    let path = match args.first() {
        Some(p) => std::path::PathBuf::from(p),
        None => root.join(codegen::SPEC),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path.display().to_string();
    let options = sdk_generator::Options {
        source_name: name.clone(),
        ..Default::default()
    };
    match sdk_generator::lower_spec(&text, &options) {
        Ok((api, warnings)) => {
            if !warnings.is_empty() {
                eprint!("{}", warnings.render(&name, &text));
            }
            let ops = api.operations();
            for (_, op) in &ops {
                println!(
                    "{:7} {:70} {}",
                    op.http_method.as_str(),
                    op.path,
                    op.sdk_name
                );
            }
            println!("{} operations, {} types", ops.len(), api.types.len());
            Ok(())
        }
        Err(diags) => Err(diags.render(&name, &text)),
    }
}

/// `--name value` options; a flag without a value is an error.
fn options(
    args: &[String],
    known: &[&str],
) -> Result<std::collections::HashMap<String, String>, String> {
    let mut out = std::collections::HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !known.contains(&a.as_str()) {
            return Err(format!("unknown option `{a}`"));
        }
        let value = it.next().ok_or_else(|| format!("`{a}` needs a value"))?;
        out.insert(a.trim_start_matches("--").to_string(), value.clone());
    }
    Ok(out)
}

fn run_generate(args: &[String]) -> Result<(), String> {
    let opts = options(args, &["--spec", "--out", "--crate-name"])?;
    let spec = opts
        .get("spec")
        .ok_or("generate: --spec PATH is required")?;
    let out = opts.get("out").ok_or("generate: --out DIR is required")?;
    let root = xtask::workspace_root();
    let started = Instant::now();
    let outcome = xtask::standalone::generate(
        &root,
        spec.as_ref(),
        out.as_ref(),
        opts.get("crate-name").cloned(),
    )?;
    if !outcome.warnings.is_empty() {
        let text = std::fs::read_to_string(spec).unwrap_or_default();
        eprint!("{}", outcome.warnings.render(spec, &text));
    }
    println!(
        "generate: crate `{}` in {out} ({} files) in {} ms",
        outcome.api.crate_name,
        outcome.files,
        started.elapsed().as_millis()
    );
    Ok(())
}

fn run_bench_codegen(args: &[String]) -> Result<(), String> {
    let root = xtask::workspace_root();
    let mut runs = 5;
    let mut specs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--runs needs a number")?
            }
            other => specs.push(std::path::PathBuf::from(other)),
        }
    }
    if specs.is_empty() {
        specs.push(root.join(codegen::SPEC));
        specs.extend(xtask::bench::corpus_specs(&root)?);
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; run `cargo run --release -p xtask -- bench-codegen` for figures"
        );
    }
    println!(
        "{:<32} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12}",
        "spec", "KiB", "load ms", "lower ms", "emit ms", "total ms", "MB/s"
    );
    for spec in specs {
        let t = xtask::bench::time_spec(&spec, runs)?;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<32} {:>10.0} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>12.2}{}",
            t.name,
            t.bytes as f64 / 1024.0,
            ms(t.load),
            ms(t.lower),
            ms(t.emit),
            ms(t.total()),
            t.bytes as f64 / t.total().as_secs_f64() / 1e6,
            if t.ok { "" } else { "  (errors)" }
        );
    }
    Ok(())
}

/// Measuring commands run optimised: in a debug build they start the release build of
/// themselves and report its outcome.
fn release(args: &[String]) -> Option<Result<(), String>> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!(
        "xtask: building and running the release build for `{}`",
        args[0]
    );
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--release", "--package", "xtask", "--"])
        .args(args)
        .current_dir(xtask::workspace_root())
        .status();
    Some(match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("xtask {}: {s}", args[0])),
        Err(e) => Err(format!("could not run cargo: {e}")),
    })
}

fn run_corpus(args: &[String]) -> Result<(), String> {
    let mut only = None;
    let mut check = true;
    let mut strict = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => only = Some(it.next().ok_or("--only needs a name")?.clone()),
            "--no-check" => check = false,
            "--strict" => strict = true,
            other => return Err(format!("corpus: unknown option `{other}`")),
        }
    }
    let root = xtask::workspace_root();
    let rows = xtask::corpus::run(&root, only.as_deref(), check)?;
    print!("{}", xtask::corpus::table(&rows));
    let failed = xtask::corpus::strict_failures(&rows);
    if strict && !failed.is_empty() {
        return Err(format!(
            "corpus: {} document(s) lost operations, did not compile or warn on their build: {}",
            failed.len(),
            failed.join(", ")
        ));
    }
    Ok(())
}

fn write_oas31() -> Result<(), String> {
    let root = xtask::workspace_root();
    let text = xtask::oas31::convert_file(&root.join(codegen::SPEC))?;
    let out = root.join(xtask::oas31::FIXTURE);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {}", xtask::oas31::FIXTURE);
    Ok(())
}
