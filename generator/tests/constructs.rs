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
    let mut out = String::new();
    if !generated.warnings.is_empty() {
        out.push_str("==== diagnostics\n");
        out.push_str(&generated.warnings.render(&format!("{name}.yaml"), &text));
    }
    out.push_str("==== IR\n");
    out.push_str(&sdk_generator::ir::render(&generated.api));
    for file in &generated.files {
        // The manifest and crate root are the same for every fixture, but for the
        // list of webhooks in the crate docs.
        let crate_docs_differ = file.path == "src/lib.rs" && !generated.api.webhooks.is_empty();
        let same_for_all = ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"];
        if same_for_all.contains(&file.path.as_str())
            || (file.path == "src/lib.rs" && !crate_docs_differ)
        {
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
    oas31_webhooks
);
