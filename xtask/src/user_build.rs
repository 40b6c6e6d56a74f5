//! `cargo xtask bench-user-build`: what a user pays to depend on the SDK. For each set of
//! features, a fresh binary crate (a path dependency on `generated/`, the README's
//! example as its `main`, its own target directory) is built cold in debug, then in
//! release; the table shows the CPU time of the debug build (user + system of the whole
//! cargo process tree, from `getrusage(RUSAGE_CHILDREN)`), its wall time, the crates it
//! compiled, and the size of the release binary.
//!
//! The workspace's `Cargo.lock` is copied into each crate, so that both builds use the
//! same versions as the workspace and need no network once the registry cache holds
//! them (`--offline` is tried first).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// One build to measure: the SDK dependency line's extra keys, any other dependencies the
/// candidate needs, and the first line of `main` it needs.
struct Variant {
    name: &'static str,
    dependency: &'static str,
    extra_dependencies: &'static str,
    setup: &'static str,
}

/// The candidates for the SDK's default features: the defaults as they are, each
/// feature set a user could choose, and rustls with ring instead of aws-lc (reqwest's
/// `rustls-no-provider` with rustls's `ring`, which needs a provider installed at start).
const VARIANTS: [Variant; 5] = [
    Variant {
        name: "default features",
        dependency: "",
        extra_dependencies: "",
        setup: "",
    },
    Variant {
        name: "`rustls` (aws-lc) + `events`",
        dependency: ", default-features = false, features = [\"rustls\", \"events\"]",
        extra_dependencies: "",
        setup: "",
    },
    Variant {
        name: "rustls with ring + `events`",
        dependency: ", default-features = false, features = [\"events\"]",
        extra_dependencies: "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls-no-provider\"] }\n\
                             rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n",
        setup: "    rustls::crypto::ring::default_provider().install_default().ok();\n",
    },
    Variant {
        name: "`events` (no TLS)",
        dependency: ", default-features = false, features = [\"events\"]",
        extra_dependencies: "",
        setup: "",
    },
    Variant {
        name: "no features",
        dependency: ", default-features = false",
        extra_dependencies: "",
        setup: "",
    },
];

/// The user guide's example (docs/using-the-sdk.md, `## Using the SDK`), in a `main`.
const MAIN_RS: &str = r#"use beeper_desktop_api::{Client, ErrorKind};
use futures_util::TryStreamExt;

async fn example() -> Result<(), beeper_desktop_api::Error> {
    let client = Client::from_env()?;
    for account in client.accounts().list().await? {
        println!("{} ({})", account.account_id, account.status);
    }
    let page = client.accounts().contacts().list("matrix").limit(50).await?;
    println!("{} contacts on the first page", page.items.len());
    let everyone: Vec<_> = client.accounts().contacts().list("matrix").stream().try_collect().await?;
    println!("{} contacts", everyone.len());
    match client.bridges().retrieve("local-whatsapp").await {
        Ok(bridge) => println!("{}", bridge.display_name),
        Err(e) if e.kind() == ErrorKind::NotFound => println!("no such bridge"),
        Err(e) => return Err(e),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
{setup}    if let Err(e) = example().await {
        eprintln!("{e}");
    }
}
"#;

pub struct Measured {
    pub name: &'static str,
    pub debug_cpu: Duration,
    pub debug_wall: Duration,
    pub crates: usize,
    pub release_cpu: Option<Duration>,
    pub binary_bytes: Option<u64>,
}

/// Builds every variant and prints the table. `release: false` skips the release build
/// (and the binary size).
pub fn run(root: &Path, release: bool) -> Result<(), String> {
    let base = std::env::temp_dir().join(format!("sdk-user-build-{}", std::process::id()));
    let mut results = Vec::new();
    for variant in &VARIANTS {
        let dir = base.join(variant.name.replace([' ', '='], "-"));
        let measured = measure(root, &dir, variant, release);
        // Each target directory is a gigabyte or so: gone before the next build.
        let _ = fs::remove_dir_all(&dir);
        let measured = measured?;
        // Each row as soon as it is known: the whole run takes many minutes.
        eprint!(
            "bench-user-build: {}",
            table(std::slice::from_ref(&measured))
        );
        results.push(measured);
    }
    let _ = fs::remove_dir_all(&base);
    print!("{}", table(&results));
    Ok(())
}

fn measure(root: &Path, dir: &Path, variant: &Variant, release: bool) -> Result<Measured, String> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let generated = root.join("generated");
    let manifest = format!(
        "[package]\nname = \"user-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nbeeper-desktop-api = {{ path = {:?}{} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
         futures-util = \"0.3\"\n{}\n\
         # Not part of the SDK's workspace.\n[workspace]\n",
        generated.display().to_string(),
        variant.dependency,
        variant.extra_dependencies,
    );
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(
        dir.join("src/main.rs"),
        &MAIN_RS.replace("{setup}", variant.setup),
    )?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    // Downloads are not what a build costs: fetched first, from the cache if it can.
    if cargo(dir, &["fetch", "--offline"]).is_err() {
        cargo(dir, &["fetch"])?;
    }

    let (debug_cpu, debug_wall, stdout) = cargo(
        dir,
        &[
            "build",
            "--offline",
            "--message-format=json-render-diagnostics",
        ],
    )?;
    let crates = count_crates(&stdout);
    let (release_cpu, binary_bytes) = if release {
        let (cpu, _, _) = cargo(dir, &["build", "--offline", "--release", "--quiet"])?;
        let binary = dir.join("target/release/user-app");
        let bytes = fs::metadata(&binary)
            .map_err(|e| format!("{}: {e}", binary.display()))?
            .len();
        (Some(cpu), Some(bytes))
    } else {
        (None, None)
    };
    Ok(Measured {
        name: variant.name,
        debug_cpu,
        debug_wall,
        crates,
        release_cpu,
        binary_bytes,
    })
}

/// Runs cargo in `dir` with its own target directory; returns the CPU time of the
/// process tree (user + system), the wall time, and stdout.
fn cargo(dir: &Path, args: &[&str]) -> Result<(Duration, Duration, String), String> {
    let before = children_cpu();
    let start = Instant::now();
    let output = crate::user_cargo(dir, &dir.join("target"))
        .args(args)
        // Incremental files of the one local crate would only cost disk here.
        .env("CARGO_INCREMENTAL", "0")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let wall = start.elapsed();
    let cpu = children_cpu().saturating_sub(before);
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` in {} failed: {}",
            args.join(" "),
            dir.display(),
            output.status
        ));
    }
    Ok((
        cpu,
        wall,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// User + system time of every child process waited for so far, and of theirs.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` fills the struct it is given; RUSAGE_CHILDREN is valid.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        usage.assume_init()
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Packages with at least one compiled artifact (a library, a build script, the binary).
fn count_crates(json_lines: &str) -> usize {
    let mut packages: Vec<String> = json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["package_id"].as_str().map(str::to_owned))
        .collect();
    packages.sort();
    packages.dedup();
    packages.len()
}

fn table(results: &[Measured]) -> String {
    let mut out = String::from(
        "\n| features | debug build CPU | wall | crates compiled | release build CPU | release binary |\n\
         |---|---|---|---|---|---|\n",
    );
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let mb = |b: u64| format!("{:.2} MB", b as f64 / 1e6);
    for r in results {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.name,
            secs(r.debug_cpu),
            secs(r.debug_wall),
            r.crates,
            r.release_cpu.map_or("-".into(), secs),
            r.binary_bytes.map_or("-".into(), mb),
        ));
    }
    if let [first, rest @ ..] = results {
        let ratio = |a: f64, b: f64| {
            if b > 0.0 {
                format!("{:.2}x", a / b)
            } else {
                "-".into()
            }
        };
        out.push_str(&format!("\nagainst the first row ({}):\n", first.name));
        for r in rest {
            out.push_str(&format!(
                "- {}: debug CPU {}, crates {}, release binary {}\n",
                r.name,
                ratio(r.debug_cpu.as_secs_f64(), first.debug_cpu.as_secs_f64()),
                ratio(r.crates as f64, first.crates as f64),
                match (r.binary_bytes, first.binary_bytes) {
                    (Some(l), Some(f)) => ratio(l as f64, f as f64),
                    _ => "-".into(),
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn crates_are_counted_once_each() {
        let lines = r#"{"reason":"compiler-artifact","package_id":"a 1.0"}
{"reason":"compiler-artifact","package_id":"a 1.0"}
{"reason":"build-script-executed","package_id":"b 1.0"}
{"reason":"compiler-artifact","package_id":"c 1.0"}
not json"#;
        assert_eq!(super::count_crates(lines), 2);
    }
}
