//! One small spec per construct the generator handles; each snapshot holds the IR
//! (the decisions) and the generated code, so a review sees both.

use std::fs;
use std::path::Path;

fn snapshot_of(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/constructs")
        .join(format!("{name}.yaml"));
    let text = fs::read_to_string(&path).expect("fixture exists");
    let options = sdk_generator::Options {
        source_name: format!("{name}.yaml"),
        ..Default::default()
    };
    let generated = match sdk_generator::generate(&text, &options) {
        Ok(g) => g,
        Err(d) => panic!(
            "fixture {name} does not generate:\n{}",
            d.render(&format!("{name}.yaml"), &text)
        ),
    };
    // These fixtures are about constructs, not prose: their undescribed items are
    // documented by fallbacks (seen in the code below), and the `undocumented`
    // warnings themselves have a fixture of their own in `diagnostics.rs`.
    let warnings: sdk_generator::Diagnostics = generated
        .warnings
        .iter()
        .filter(|d| d.kind != sdk_generator::Kind::Undocumented)
        .cloned()
        .collect();
    let mut out = String::new();
    if !warnings.is_empty() {
        out.push_str("==== diagnostics\n");
        out.push_str(&warnings.render(&format!("{name}.yaml"), &text));
    }
    out.push_str("==== IR\n");
    out.push_str(&sdk_generator::ir::render(&generated.api));
    for file in &generated.files {
        // The manifest, README and crate root are the same for every fixture, but for
        // the list of webhooks (crate root) and the security schemes (README: what
        // `from_env` reads; crate root: a builder method per scheme).
        let several_schemes = generated.api.security_schemes.len() > 1;
        let differs = match file.path.as_str() {
            "src/lib.rs" => {
                !generated.api.webhooks.is_empty()
                    || several_schemes
                    || !generated.api.secret_fields.is_empty()
            }
            "README.md" => several_schemes,
            "Cargo.toml" | "LICENSE-MIT" | "LICENSE-APACHE" => false,
            _ => true,
        };
        if !differs {
            continue;
        }
        out.push_str(&format!("\n==== {}\n", file.path));
        out.push_str(&file.contents);
    }
    out
}

macro_rules! construct {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), snapshot_of(stringify!($name)));
            }
        )*
    };
}

construct!(
    security,
    hygiene,
    html_docs,
    fields,
    refs_and_inline,
    enums,
    unions,
    maps,
    params,
    compositions,
    media_and_params,
    names,
    oas31_type_lists,
    oas31_const_union,
    oas31_schema_keywords,
    oas31_media,
    oas31_webhooks,
    unions_by_evidence,
    one_type_per_schema,
    pagination_inferred,
    pagination_explicit,
    pagination_near_misses,
    best_effort,
    secrets
);
