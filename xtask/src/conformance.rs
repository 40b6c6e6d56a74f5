//! `cargo xtask conformance`: every operation of the SDK against the Prism mock server.
//!
//! 0. Runs `cargo run -p sdk-tests --bin conformance -- --coverage`, which fails,
//!    naming them, when an operation of the generator's IR of the spec has no
//!    scenario; before anything is installed or started.
//! 1. Installs `@stoplight/prism-cli`, pinned by `xtask/prism/package.json` and its
//!    lockfile, into `target/prism/` with `npm ci` (skipped when that version is
//!    already installed from the same lockfile).
//! 2. Starts Prism on a free port of 127.0.0.1, serving `spec/beeper-desktop-api.yaml`,
//!    with its output in `target/prism/prism.log`. Prism is run as
//!    `node .../prism-cli/dist/index.js`, not through `npx` or the `.bin` launcher, so
//!    the PID held here is the server itself and it has no child processes.
//! 3. Runs `cargo run -p sdk-tests --bin conformance -- <base-url>`, which calls each
//!    operation once and prints one line per operation.
//! 4. Stops Prism by its PID, whatever happened (a guard kills and reaps it on drop,
//!    panics included), and fails with the runner's exit status if it failed.
//!
//! Prism stays in the process group of the terminal, so a Ctrl-C, which ends this
//! process before any destructor can run, reaches Prism too.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// package.json and package-lock.json that pin Prism, relative to the workspace root.
pub const PIN_DIR: &str = "xtask/prism";
/// Where Prism is installed and logs, relative to the workspace root.
pub const INSTALL_DIR: &str = "target/prism";

use crate::codegen::SPEC;
/// The npm package of the Prism CLI.
const PACKAGE: &str = "@stoplight/prism-cli";
/// How long Prism may take to answer after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Lines of the Prism log shown when something failed.
const LOG_TAIL_LINES: usize = 40;

pub fn run(root: &Path) -> Result<(), String> {
    match run_runner(root, &["--coverage"]) {
        Ok(status) if status.success() => {}
        Ok(status) => {
            return Err(format!(
                "conformance: an operation has no scenario ({status})"
            ));
        }
        Err(e) => return Err(format!("conformance: {e}")),
    }
    let install_dir = root.join(INSTALL_DIR);
    let started = Instant::now();
    let version = install(root, &install_dir)?;
    println!(
        "conformance: Prism {version} ready in {INSTALL_DIR} after {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let log_path = install_dir.join("prism.log");
    let (prism, base_url) =
        serve(root, &root.join(SPEC), &log_path).map_err(|e| format!("conformance: {e}"))?;

    let ran = Instant::now();
    let outcome = run_runner(root, &[&base_url]);
    let pid = prism.pid();
    drop(prism);
    println!(
        "conformance: runner finished in {:.1} s; Prism (pid {pid}) stopped",
        ran.elapsed().as_secs_f64()
    );

    match outcome {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => {
            print_log_tail(&log_path);
            Err(format!("conformance: the runner failed ({status})"))
        }
        Err(e) => {
            print_log_tail(&log_path);
            Err(format!("conformance: {e}"))
        }
    }
}

/// Starts Prism mocking `spec` on a free port of 127.0.0.1, logging to `log_path`, and
/// waits until it answers; returns it with its base URL. On failure Prism is stopped
/// and the log's tail printed.
pub fn serve(root: &Path, spec: &Path, log_path: &Path) -> Result<(Prism, String), String> {
    let install_dir = root.join(INSTALL_DIR);
    let port = free_port()?;
    let base_url = format!("http://127.0.0.1:{port}");
    let launched = Instant::now();
    let mut prism = Prism::start(&install_dir, spec, port, log_path)?;
    if let Err(e) = prism.wait_ready(port, READY_TIMEOUT) {
        drop(prism);
        print_log_tail(log_path);
        return Err(e);
    }
    println!(
        "Prism (pid {}) mocking {} on {base_url} after {:.1} s; log in {}",
        prism.pid(),
        display(root, spec),
        launched.elapsed().as_secs_f64(),
        display(root, log_path)
    );
    Ok((prism, base_url))
}

// ---------------------------------------------------------------------------
// Installation

/// Installs the pinned Prism into `install_dir` unless it is there already; returns its
/// version.
pub fn install(root: &Path, install_dir: &Path) -> Result<String, String> {
    let pin_dir = root.join(PIN_DIR);
    let manifest_path = pin_dir.join("package.json");
    let lock_path = pin_dir.join("package-lock.json");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("conformance: {}: {e}", manifest_path.display()))?;
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| format!("conformance: {}: {e}", lock_path.display()))?;
    let wanted = json_string_after(&manifest, PACKAGE).ok_or_else(|| {
        format!(
            "conformance: {} does not pin {PACKAGE}",
            manifest_path.display()
        )
    })?;

    // node runs Prism; check it first, whether or not Prism is installed.
    tool_version("node")?;

    let installed_lock = fs::read_to_string(install_dir.join("package-lock.json")).ok();
    if installed_version(install_dir).as_deref() == Some(wanted.as_str())
        && installed_lock.as_deref() == Some(lock.as_str())
    {
        return Ok(wanted);
    }

    let npm_version = tool_version(npm())?;
    println!(
        "conformance: installing {PACKAGE} {wanted} into {INSTALL_DIR} (npm {npm_version}, npm ci)"
    );
    fs::create_dir_all(install_dir)
        .map_err(|e| format!("conformance: {}: {e}", install_dir.display()))?;
    for (from, name) in [
        (&manifest_path, "package.json"),
        (&lock_path, "package-lock.json"),
    ] {
        let to = install_dir.join(name);
        fs::copy(from, &to)
            .map_err(|e| format!("conformance: copying to {}: {e}", to.display()))?;
    }
    let started = Instant::now();
    let status = Command::new(npm())
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(install_dir)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("conformance: cannot run `npm ci`: {e}"))?;
    if !status.success() {
        return Err(format!(
            "conformance: `npm ci` in {} failed ({status})",
            install_dir.display()
        ));
    }
    println!(
        "conformance: npm ci took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    match installed_version(install_dir) {
        Some(v) if v == wanted => Ok(v),
        Some(v) => Err(format!(
            "conformance: npm installed {PACKAGE} {v}, but {wanted} is pinned"
        )),
        None => Err(format!(
            "conformance: npm ci did not install {PACKAGE} into {}",
            install_dir.display()
        )),
    }
}

/// The version of the Prism CLI in `install_dir`, if it is installed.
fn installed_version(install_dir: &Path) -> Option<String> {
    let manifest = install_dir
        .join("node_modules")
        .join(PACKAGE)
        .join("package.json");
    let text = fs::read_to_string(manifest).ok()?;
    json_string_after(&text, "version")
}

/// The string value of the first `"key": "value"` in a JSON text (enough for the
/// package.json files read here, without a JSON parser).
fn json_string_after(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let rest = &text[text.find(&quoted)? + quoted.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// `tool --version`, or a clear error when the tool is missing.
fn tool_version(tool: &str) -> Result<String, String> {
    let output = Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "conformance: `{tool}` was not found on PATH; the conformance test needs \
                     Node.js and npm (Node 18 or later) to install and run the Prism mock server"
                )
            } else {
                format!("conformance: cannot run `{tool} --version`: {e}")
            }
        })?;
    if !output.status.success() {
        return Err(format!(
            "conformance: `{tool} --version` failed ({})",
            output.status
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

// ---------------------------------------------------------------------------
// The Prism process

/// A running Prism. Dropping it kills the process by its PID and waits for it, so it
/// never outlives this function, whether it returns, fails or panics.
pub struct Prism {
    child: Child,
}

impl Prism {
    fn start(install_dir: &Path, spec: &Path, port: u16, log_path: &Path) -> Result<Prism, String> {
        let entry = install_dir
            .join("node_modules")
            .join(PACKAGE)
            .join("dist")
            .join("index.js");
        let log = File::create(log_path)
            .map_err(|e| format!("conformance: {}: {e}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("conformance: {}: {e}", log_path.display()))?;
        let child = Command::new("node")
            .arg(&entry)
            .arg("mock")
            .arg(spec)
            .args(["-p", &port.to_string(), "-h", "127.0.0.1"])
            // In one process: Prism forks its HTTP server when multiprocess is on,
            // which is its default under NODE_ENV=production.
            .arg("--multiprocess=false")
            .env_remove("NODE_ENV")
            .current_dir(install_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| format!("conformance: cannot start Prism with node: {e}"))?;
        Ok(Prism { child })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until Prism answers HTTP on `port`, or fails when it exits or `timeout`
    /// passes.
    fn wait_ready(&mut self, port: u16, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("Prism exited before it was ready ({status})"));
            }
            if answers_http(addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism did not answer on {addr} within {} s",
                    timeout.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        match self.child.try_wait() {
            Ok(Some(_)) => {}
            _ => {
                if let Err(e) = self.child.kill() {
                    eprintln!(
                        "conformance: could not kill Prism (pid {}): {e}",
                        self.child.id()
                    );
                }
                if let Err(e) = self.child.wait() {
                    eprintln!(
                        "conformance: could not wait for Prism (pid {}): {e}",
                        self.child.id()
                    );
                }
            }
        }
    }
}

/// Whether an HTTP server answers a request on `addr` (any status will do).
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /v1/info HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    head[..read].starts_with(b"HTTP/1.")
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("conformance: no free port on 127.0.0.1: {e}"))
}

// ---------------------------------------------------------------------------
// The runner

/// The runner, on the spec of the workspace at `root`, with `args`.
fn run_runner(root: &Path, args: &[&str]) -> Result<ExitStatus, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "-p",
            "sdk-tests",
            "--bin",
            "conformance",
            "--",
            "--spec",
        ])
        .arg(root.join(SPEC))
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run the conformance runner with cargo: {e}"))
}

pub fn print_log_tail(log_path: &Path) {
    let Ok(text) = fs::read_to_string(log_path) else {
        eprintln!("conformance: no Prism log at {}", log_path.display());
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let violations: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("Violation:") || l.contains("Request terminated with error"))
        .collect();
    if !violations.is_empty() {
        eprintln!("conformance: violations in the Prism log:");
        for line in violations {
            eprintln!("  {line}");
        }
    }
    let start = lines.len().saturating_sub(LOG_TAIL_LINES);
    eprintln!(
        "conformance: last {} lines of {}:",
        lines.len() - start,
        log_path.display()
    );
    for line in &lines[start..] {
        eprintln!("  {line}");
    }
}

pub fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(PathBuf::from)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
