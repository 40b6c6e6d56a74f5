//! `cargo xtask readme-check` (and `xtask/tests/readme_check.rs`): every Rust block of
//! the crate README (`generated/README.md`, also the crate's front page on crates.io and
//! docs.rs) builds as a reader pastes it. Doctests cannot show that: they compile within
//! the crate, with its dependencies, and with rustdoc's hidden `# ` lines, which
//! crates.io and GitHub show as they are.
//!
//! So each block must be a whole program (a `fn main`, no hidden line), and all of them
//! are built in a fresh crate whose `[dependencies]` are exactly the README's Install
//! block, the SDK itself patched to `generated/`. The crate lives in
//! `target/readme-check/`, with a target directory of its own there that the next run
//! reuses: the first run builds the SDK's dependencies (minutes), later ones only what
//! changed (seconds).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Where the crate is written and built, under the workspace's `target/`.
pub const DIR: &str = "target/readme-check";

/// A Rust block of the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The `## ` section it is in.
    pub section: String,
    /// The name of its binary: the section's, in snake case (`quick_start`), with `_2`,
    /// `_3`, ... for further blocks of the same section.
    pub name: String,
    /// Its line in the README (of the opening fence), 1-based.
    pub line: usize,
    pub code: String,
}

/// What the check reads from the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    /// The `[dependencies]` table of the Install section, as written.
    pub install: String,
    pub blocks: Vec<Block>,
}

/// The Install block and the Rust blocks of `readme`; or every problem a reader would
/// meet before compiling: a hidden line, a block that is not a whole program, no Install
/// block.
pub fn parse(readme: &str) -> Result<Readme, Vec<String>> {
    let mut problems = Vec::new();
    let mut section = String::new();
    let mut install = None;
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = readme.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_string();
            continue;
        }
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let lang = info.split(',').next().unwrap_or("").trim().to_string();
        let mut code = String::new();
        for (_, line) in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            code.push_str(line);
            code.push('\n');
        }
        let at = i + 1;
        if lang == "toml" && section == "Install" && code.starts_with("[dependencies]") {
            install.get_or_insert(code);
            continue;
        }
        if lang != "rust" {
            continue;
        }
        for (j, code_line) in code.lines().enumerate() {
            let t = code_line.trim_start();
            if t == "#" || t.starts_with("# ") {
                problems.push(format!(
                    "README.md:{}: a line rustdoc hides but crates.io and GitHub show, in \
                     \"{section}\": `{code_line}`",
                    at + 1 + j
                ));
            }
        }
        if !code.contains("fn main(") {
            problems.push(format!(
                "README.md:{at}: the block in \"{section}\" is not a whole program (no `fn main`): \
                 a reader cannot paste it"
            ));
        }
        let base = snake(&section);
        let n = blocks.iter().filter(|b| b.section == section).count();
        let name = match n {
            0 => base,
            n => format!("{base}_{}", n + 1),
        };
        blocks.push(Block {
            section: section.clone(),
            name,
            line: at,
            code,
        });
    }
    let Some(install) = install else {
        problems.push("README.md: no `[dependencies]` block in the Install section".into());
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Readme { install, blocks })
}

/// `Beyond the spec` -> `beyond_the_spec`.
fn snake(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    match words.is_empty() {
        true => "block".into(),
        false => words.join("_"),
    }
}

/// The crate to build: `name` (the check's package name), the README's dependencies,
/// and the SDK `sdk` patched to its folder `sdk_dir`.
pub fn manifest(name: &str, readme: &Readme, sdk: &str, sdk_dir: &Path) -> String {
    let mut out = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n"
    );
    out.push_str(&readme.install);
    let _ = write!(
        out,
        "\n# The SDK as it is in this workspace, for the version the README names.\n\
         [patch.crates-io]\n{sdk} = {{ path = {:?} }}\n\n\
         # Not part of the SDK's workspace.\n[workspace]\n",
        sdk_dir.display().to_string()
    );
    out
}

/// Writes the crate into `dir` (one binary per block, nothing else) and `cargo check`s
/// every binary with `target_dir`; on failure, the compiler's messages, which name each
/// block's binary (`src/bin/pagination.rs:7:5`). `lock` is a `Cargo.lock` to start from,
/// so that the build needs no network when the registry cache holds its crates.
pub fn build(
    dir: &Path,
    target_dir: &Path,
    manifest: &str,
    blocks: &[Block],
    lock: Option<&Path>,
) -> Result<(), String> {
    let bin = dir.join("src/bin");
    fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    // Blocks of an earlier README that this one no longer has go.
    for entry in fs::read_dir(&bin).map_err(|e| format!("{}: {e}", bin.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if !blocks.iter().any(|b| b.name == stem) {
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let write = |path: PathBuf, text: &str| {
        // An unchanged file keeps its time stamp, so that cargo does not check it again.
        if fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), manifest)?;
    for block in blocks {
        let header = format!(
            "// README.md:{}, section \"{}\", as a reader pastes it.\n",
            block.line, block.section
        );
        write(
            bin.join(format!("{}.rs", block.name)),
            &(header + &block.code),
        )?;
    }
    if let Some(lock) = lock {
        fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    }
    // Downloads are the registry cache's, if it has them; else the network's.
    if cargo(dir, target_dir, &["fetch", "--offline"]).is_err() {
        cargo(dir, target_dir, &["fetch"])?;
    }
    cargo(
        dir,
        target_dir,
        &[
            "check",
            "--bins",
            "--keep-going",
            "--offline",
            "--message-format",
            "short",
        ],
    )
    .map(drop)
}

/// Runs `cargo <args>` in `dir`; its stderr as the error when it fails.
fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = crate::user_cargo(dir, target_dir)
        .args(args)
        .arg("--quiet")
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(stderr)
    } else {
        Err(format!(
            "`cargo {}` in {} failed ({}):\n{stderr}",
            args.join(" "),
            dir.display(),
            output.status
        ))
    }
}

/// The whole check of the workspace's crate README: parse, then build. Says what was
/// built.
pub fn run(root: &Path) -> Result<String, String> {
    let generated = root.join(crate::codegen::OUT_DIR);
    let text = fs::read_to_string(generated.join("README.md"))
        .map_err(|e| format!("{}/README.md: {e}", generated.display()))?;
    let readme = parse(&text).map_err(|problems| problems.join("\n"))?;
    let sdk = package_name(&generated)?;
    let dir = root.join(DIR);
    let manifest = manifest("readme-check", &readme, &sdk, &generated);
    build(
        &dir.join("app"),
        &dir.join("target"),
        &manifest,
        &readme.blocks,
        Some(&root.join("Cargo.lock")),
    )?;
    let out = format!(
        "readme-check: {} block(s) of {}/README.md build with its Install block: {}\n",
        readme.blocks.len(),
        crate::codegen::OUT_DIR,
        readme
            .blocks
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(out)
}

/// The `[package]` name of the crate in `dir`.
fn package_name(dir: &Path) -> Result<String, String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("{}/Cargo.toml: {e}", dir.display()))?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .map(str::to_string)
        .ok_or_else(|| format!("{}/Cargo.toml has no package name", dir.display()))
}
