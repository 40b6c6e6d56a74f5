//! Conformance runner: every operation of the SDK, once, against a Prism mock server
//! that serves `spec/beeper-desktop-api.yaml`.
//!
//! `cargo xtask conformance` checks coverage (`--coverage`), installs and starts Prism,
//! then runs `cargo run -p sdk-tests --bin conformance -- <base-url>`. The runner can
//! also be pointed by hand at a Prism that is already listening.
//!
//! The operations are those of the generator's IR of the spec, each played by its
//! scenario in `tests/src/scenarios.rs`; an operation without one fails the run, by
//! name, before anything is sent.
//!
//! Prism validates each request against the spec (a violation answers 422, a missing
//! or wrong bearer token 401) and answers with the spec's example, which the SDK must
//! decode. One line per operation (`ok   <name>` or `FAIL <name>: <error>`), then
//! `N passed, N failed`; the exit status is 1 when anything failed.

use sdk_tests::calls::Clients;
use sdk_tests::coverage::{self, SPEC};
use sdk_tests::scenarios::scenarios;

const TOKEN: &str = "conformance-token";
const USAGE: &str =
    "usage: conformance [--spec PATH] <base-url>    (for example http://127.0.0.1:4010)
       conformance [--spec PATH] --coverage     (check that every operation has a scenario)";

#[tokio::main]
async fn main() {
    let mut spec = SPEC.to_string();
    let mut base_url = None;
    let mut coverage_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--spec" => spec = args.next().unwrap_or_else(|| usage()),
            "--coverage" => coverage_only = true,
            _ if a.starts_with("--") || base_url.is_some() => usage(),
            _ => base_url = Some(a),
        }
    }
    let all = scenarios();
    let paired = coverage::spec_operations(&spec).and_then(|ops| coverage::pair(&ops, &all));
    let paired = paired.unwrap_or_else(|message| {
        eprintln!("conformance: {message}");
        std::process::exit(1);
    });
    if coverage_only {
        println!(
            "conformance: each of the {} operations of {spec} has a scenario",
            paired.len()
        );
        return;
    }
    let Some(base_url) = base_url else { usage() };
    let clients = Clients::new(&base_url, TOKEN).unwrap_or_else(|e| {
        eprintln!("conformance: cannot build the clients: {e}");
        std::process::exit(2);
    });

    let (mut passed, mut failed) = (0, 0);
    for (op, scenario) in &paired {
        match (scenario.run)(&clients).await {
            Ok(note) if note.is_empty() => println!("ok   {}", op.name),
            Ok(note) => println!("ok   {} ({note})", op.name),
            Err(error) => {
                failed += 1;
                println!("FAIL {}: {error}", op.name);
                continue;
            }
        }
        passed += 1;
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2);
}
