//! OpenAPI 3.0 and 3.1 -> Rust SDK generator.
//!
//! The flow runs one way: [`load`] (text -> `openapiv3::OpenAPI`), [`lower`] (-> the
//! IR in [`ir`], where every decision is made), [`emit`] (IR -> formatted Rust files).
//! The library does no I/O: it takes the spec's text and returns files, or
//! diagnostics that point into the spec.

pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod json_pointer;
pub mod load;
pub mod lower;
pub mod output;
mod source_map;

pub use diagnostics::{Diagnostic, Diagnostics, Kind, Location, Severity};
pub use emit::{File, GENERATED_MARKER};

/// Settings of one generation run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The spec's file name, shown in diagnostics and in generated headers.
    pub source_name: String,
    /// Overrides the crate name from `x-sdk.crate` or `info.title`.
    pub crate_name: Option<String>,
    /// The crate's licence (an SPDX expression), over `x-sdk.license` and
    /// `info.license`; without any, the crate has none.
    pub license: Option<String>,
    /// How the crate is laid out and built (runtime source, header command, ...).
    pub emit: emit::EmitOptions,
}

/// The output of a successful run: the IR, the files, and any warnings.
#[derive(Debug)]
pub struct Generated {
    pub api: ir::Api,
    pub files: Vec<File>,
    pub warnings: Diagnostics,
}

/// Loads and lowers a spec. On any error, returns every diagnostic found (errors and
/// warnings), located in the text and sorted.
pub fn lower_spec(text: &str, options: &Options) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let result = load::load(text, &mut diags).map(|loaded| {
        let lower_options = lower::Options {
            crate_name: options.crate_name.clone(),
            license: options.license.clone(),
        };
        lower::lower(&loaded.openapi, &loaded.raw, &lower_options, &mut diags)
    });
    diags.locate_and_sort(text);
    match result {
        Some(api) if !diags.has_errors() => Ok((api, diags)),
        _ => Err(diags),
    }
}

/// Generates the SDK crate's files from a spec's text.
pub fn generate(text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let (api, warnings) = lower_spec(text, options)?;
    let emit_options = emit::EmitOptions {
        source_name: options.source_name.clone(),
        ..options.emit.clone()
    };
    let files = emit::emit(&api, &emit_options);
    Ok(Generated {
        api,
        files,
        warnings,
    })
}
