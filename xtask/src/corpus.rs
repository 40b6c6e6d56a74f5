//! `cargo xtask corpus`: every real-world spec in `../shared/specs/real/` (OpenAPI 3.0)
//! and `../shared/specs/real-3.1/` (OpenAPI 3.1) generated into
//! a standalone crate under `target/corpus/`, built with `cargo check`, and reported
//! in one table.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::bench;
use crate::standalone;

/// Scratch folders, relative to the workspace root.
pub const OUT_DIR: &str = "target/corpus";
/// One target folder for all corpus crates, so that their dependencies build once.
pub const TARGET_DIR: &str = "target/corpus-target";

pub struct Row {
    pub spec: String,
    pub bytes: usize,
    pub operations: usize,
    pub schemas: usize,
    pub operations_generated: Option<usize>,
    pub schemas_generated: Option<usize>,
    /// Unions read by evidence (no tag), and how many of them were warned about
    /// because some of their variants no value can tell apart.
    pub untagged_unions: Option<usize>,
    pub ambiguous_unions: usize,
    /// Paginated operations: (inferred, from `x-sdk-pagination`).
    pub paginated: Option<(usize, usize)>,
    /// `(severity, kind)` -> count.
    pub diagnostics: BTreeMap<(String, String), usize>,
    pub generation: Duration,
    pub compiles: Compiles,
}

pub enum Compiles {
    Yes { warnings: usize, seconds: f64 },
    No { errors: usize, first: String },
    NotGenerated,
    Skipped,
}

/// The generator's construct fixtures: each must compile too.
pub const FIXTURES: &str = "generator/tests/fixtures/constructs";

pub fn run(root: &Path, only: Option<&str>, check: bool) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut fixtures: Vec<std::path::PathBuf> = std::fs::read_dir(root.join(FIXTURES))
        .map_err(|e| format!("{FIXTURES}: {e}"))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    fixtures.sort();
    let corpus = bench::corpus_specs(root)?
        .into_iter()
        .chain(bench::corpus_specs_31(root)?);
    for spec in corpus.chain(fixtures) {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.is_some_and(|o| !stem.contains(o)) {
            continue;
        }
        eprintln!("corpus: {stem}");
        rows.push(one(root, &spec, &stem, check)?);
    }
    Ok(rows)
}

fn one(root: &Path, spec: &Path, stem: &str, check: bool) -> Result<Row, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let (operations, schemas) = count_in_spec(&text);
    let timing = bench::time_spec(spec, 3)?;
    let out = root.join(OUT_DIR).join(stem);
    let mut row = Row {
        spec: spec
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: text.len(),
        operations,
        schemas,
        operations_generated: None,
        schemas_generated: None,
        untagged_unions: None,
        ambiguous_unions: 0,
        paginated: None,
        diagnostics: BTreeMap::new(),
        generation: timing.total(),
        compiles: Compiles::NotGenerated,
    };
    let diagnostics = match standalone::generate(root, spec, &out, None) {
        Ok(outcome) => {
            // Webhooks count as operations: each must give its payload type.
            row.operations_generated =
                Some(count_operations(&outcome.api.root) + outcome.api.webhooks.len());
            // Component schemas that became a type (a form body made from one has
            // the same source, so sources are counted once).
            let sources: std::collections::HashSet<&str> = outcome
                .api
                .types
                .iter()
                .map(|t| t.source.as_str())
                .filter(|s| {
                    s.strip_prefix("/components/schemas/")
                        .is_some_and(|k| !k.contains('/'))
                })
                .collect();
            row.schemas_generated = Some(sources.len());
            row.untagged_unions = Some(
                outcome
                    .api
                    .types
                    .iter()
                    .filter(|t| {
                        matches!(&t.kind, sdk_generator::ir::TypeKind::Union(u) if u.tag.is_none())
                    })
                    .count(),
            );
            row.paginated = Some(count_paginated(&outcome.api.root));
            row.compiles = if check {
                cargo_check(root, &out)
            } else {
                Compiles::Skipped
            };
            outcome.warnings
        }
        Err(_) => {
            // Generate again for the diagnostics themselves.
            let options = sdk_generator::Options {
                source_name: stem.to_string(),
                ..Default::default()
            };
            match sdk_generator::lower_spec(&text, &options) {
                Err(d) => d,
                Ok((_, w)) => w,
            }
        }
    };
    row.ambiguous_unions = diagnostics
        .iter()
        .filter(|d| d.kind == sdk_generator::diagnostics::Kind::AmbiguousUnion)
        .count();
    for d in diagnostics.iter() {
        *row.diagnostics
            .entry((d.severity.as_str().to_string(), d.kind.code().to_string()))
            .or_default() += 1;
    }
    Ok(row)
}

/// Operations and component schemas as the document has them.
fn count_in_spec(text: &str) -> (usize, usize) {
    // The generator's reader, which takes the numbers serde_yaml cannot.
    let Some(value) = sdk_generator::load::parse_text(text, &mut sdk_generator::Diagnostics::new())
    else {
        return (0, 0);
    };
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations: usize = ["paths", "webhooks"]
        .iter()
        .filter_map(|section| value.get(*section).and_then(Value::as_object))
        .map(|items| {
            items
                .iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                // A path item may be a `$ref` to `components.pathItems` (OpenAPI 3.1).
                .map(|(_, item)| {
                    item.get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix('#'))
                        .and_then(|pointer| value.pointer(pointer))
                        .unwrap_or(item)
                })
                .filter_map(Value::as_object)
                .map(|item| methods.iter().filter(|m| item.contains_key(**m)).count())
                .sum::<usize>()
        })
        .sum();
    let schemas = value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |s| s.len());
    (operations, schemas)
}

fn count_operations(resource: &sdk_generator::ir::Resource) -> usize {
    resource.operations.len()
        + resource
            .children
            .iter()
            .map(count_operations)
            .sum::<usize>()
}

/// Paginated operations: (inferred, written in `x-sdk-pagination`).
fn count_paginated(resource: &sdk_generator::ir::Resource) -> (usize, usize) {
    let mut counts = (0, 0);
    for op in &resource.operations {
        match op.pagination.as_ref().map(|p| p.inferred.is_some()) {
            Some(true) => counts.0 += 1,
            Some(false) => counts.1 += 1,
            None => {}
        }
    }
    for child in &resource.children {
        let (inferred, explicit) = count_paginated(child);
        counts.0 += inferred;
        counts.1 += explicit;
    }
    counts
}

/// Runs `cargo <args> --quiet --message-format short` in `dir` with the corpus target
/// directory: one line per diagnostic, so that they can be counted.
pub fn cargo_short(root: &Path, dir: &Path, args: &[&OsStr]) -> io::Result<Output> {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .args(["--quiet", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join(TARGET_DIR))
        .stdin(Stdio::null())
        .output()
}

/// The warnings in the stderr of [`cargo_short`].
pub fn warning_count(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.contains(": warning")).count()
}

fn cargo_check(root: &Path, crate_dir: &Path) -> Compiles {
    let started = Instant::now();
    let output = cargo_short(root, crate_dir, &["check".as_ref()]);
    let seconds = started.elapsed().as_secs_f64();
    match output {
        Ok(o) => {
            let stderr = String::from_utf8_lossy(&o.stderr);
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error")).collect();
            let warnings = warning_count(&stderr);
            if o.status.success() {
                Compiles::Yes { warnings, seconds }
            } else {
                Compiles::No {
                    errors: errors.len().max(1),
                    first: errors.first().map_or_else(
                        || stderr.lines().last().unwrap_or("").to_string(),
                        |e| e.to_string(),
                    ),
                }
            }
        }
        Err(e) => Compiles::No {
            errors: 1,
            first: format!("could not run cargo: {e}"),
        },
    }
}

/// The documents `--strict` fails on, each with why: an operation or webhook not
/// generated, a crate that does not compile, or one that warns on its own build (a
/// generated crate is clean under `cargo check`, as the Beeper SDK is under clippy).
pub fn strict_failures(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| {
            let why = match &r.compiles {
                _ if r.operations_generated != Some(r.operations) => "lost operations",
                Compiles::Yes { warnings, .. } if *warnings > 0 => "warns on its build",
                Compiles::Yes { .. } | Compiles::Skipped => return None,
                Compiles::No { .. } | Compiles::NotGenerated => "does not compile",
            };
            Some(format!("{} ({why})", r.spec))
        })
        .collect()
}

/// The table, as Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | KiB | ops + webhooks | schemas | generated | schemas generated | untagged unions | ambiguous unions (warned) | paginated (inferred + x-sdk-pagination) | diagnostics | generation ms | compiles | crate warnings |"
    );
    let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|---|--:|");
    for r in rows {
        let diagnostics = if r.diagnostics.is_empty() {
            "none".to_string()
        } else {
            r.diagnostics
                .iter()
                .map(|((sev, kind), n)| format!("{n} {sev} {kind}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let compiles = match &r.compiles {
            Compiles::Yes { seconds, .. } => format!("yes ({seconds:.0} s)"),
            Compiles::No { errors, first } => format!("**no**: {errors} errors, first: {first}"),
            Compiles::NotGenerated => "not generated".into(),
            Compiles::Skipped => "not checked".into(),
        };
        let crate_warnings = match &r.compiles {
            Compiles::Yes { warnings: 0, .. } => "0".to_string(),
            Compiles::Yes { warnings, .. } => format!("**{warnings}**"),
            _ => "-".to_string(),
        };
        let opt = |v: Option<usize>| v.map_or("-".to_string(), |v| v.to_string());
        let paginated = match r.paginated {
            Some((inferred, 0)) => inferred.to_string(),
            Some((inferred, explicit)) => format!("{inferred} + {explicit}"),
            None => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {:.0} | {} | {} | {} | {} | {} | {} | {paginated} | {} | {:.1} | {} | {crate_warnings} |",
            r.spec,
            r.bytes as f64 / 1024.0,
            r.operations,
            r.schemas,
            opt(r.operations_generated),
            opt(r.schemas_generated),
            opt(r.untagged_unions),
            r.ambiguous_unions,
            diagnostics,
            r.generation.as_secs_f64() * 1000.0,
            compiles
        );
    }
    let generated = rows
        .iter()
        .filter(|r| r.operations_generated.is_some())
        .count();
    let compiling = rows
        .iter()
        .filter(|r| matches!(r.compiles, Compiles::Yes { .. }))
        .count();
    let all_ops = rows
        .iter()
        .filter(|r| r.operations_generated == Some(r.operations))
        .count();
    let warning = rows
        .iter()
        .filter(|r| matches!(r.compiles, Compiles::Yes { warnings, .. } if warnings > 0))
        .count();
    let _ = writeln!(
        out,
        "\n{} specs: {generated} generated, {compiling} compile ({warning} with warnings), {all_ops} with every operation present.",
        rows.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spec: &str, compiles: Compiles) -> Row {
        Row {
            spec: spec.into(),
            bytes: 0,
            operations: 2,
            schemas: 0,
            operations_generated: Some(2),
            schemas_generated: Some(0),
            untagged_unions: Some(0),
            ambiguous_unions: 0,
            paginated: Some((0, 0)),
            diagnostics: BTreeMap::new(),
            generation: Duration::ZERO,
            compiles,
        }
    }

    #[test]
    fn strict_fails_on_a_warning_in_a_generated_crate() {
        let clean = row(
            "clean.yaml",
            Compiles::Yes {
                warnings: 0,
                seconds: 1.0,
            },
        );
        let warns = row(
            "warns.yaml",
            Compiles::Yes {
                warnings: 3,
                seconds: 1.0,
            },
        );
        let mut lost = row("lost.yaml", Compiles::Skipped);
        lost.operations_generated = Some(1);
        assert_eq!(
            strict_failures(&[clean, warns, lost]),
            [
                "warns.yaml (warns on its build)",
                "lost.yaml (lost operations)"
            ]
        );
        let table = table(&[row(
            "warns.yaml",
            Compiles::Yes {
                warnings: 3,
                seconds: 1.0,
            },
        )]);
        assert!(table.contains("| crate warnings |"), "{table}");
        assert!(table.contains("| yes (1 s) | **3** |"), "{table}");
        assert!(table.contains("1 compile (1 with warnings)"), "{table}");
    }
}
