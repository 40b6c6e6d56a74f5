//! The Beeper spec written as OpenAPI 3.1 (`cargo xtask oas31`) lowers to the IR of the
//! 3.0 spec, but for the differences listed here, each with its reason.

use sdk_generator::ir::{self, Api};

fn lower(text: &str, name: &str) -> Api {
    let options = sdk_generator::Options {
        source_name: name.into(),
        ..Default::default()
    };
    match sdk_generator::lower_spec(text, &options) {
        Ok((api, _warnings)) => api,
        Err(d) => panic!("{name} does not lower:\n{}", d.render(name, text)),
    }
}

fn read(path: &str) -> String {
    let root = xtask::workspace_root();
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn fixture_is_the_conversion_of_the_current_spec() {
    let root = xtask::workspace_root();
    let fresh =
        xtask::oas31::convert_file(&root.join(xtask::codegen::SPEC)).expect("spec converts");
    assert!(
        read(xtask::oas31::FIXTURE) == fresh,
        "{} is stale against {}: run `cargo xtask oas31`",
        xtask::oas31::FIXTURE,
        xtask::codegen::SPEC
    );
}

/// Removes the `# Examples` section that 3.1 `examples` add to documentation.
fn strip_examples(doc: &mut Option<String>) {
    if let Some(text) = doc {
        if let Some(i) = text.find("# Examples\n") {
            text.truncate(i);
            *text = text.trim_end().to_string();
        }
        if text.is_empty() {
            *doc = None;
        }
    }
}

#[test]
fn the_31_spec_lowers_to_the_ir_of_the_30_spec() {
    let api30 = lower(&read(xtask::codegen::SPEC), "beeper-desktop-api.yaml");
    let mut api31 = lower(&read(xtask::oas31::FIXTURE), "beeper-desktop-api-3.1.json");

    // Difference 1: a schema's `example` is a 3.1 `examples` list, which the generator
    // turns into an `# Examples` section of the docs (3.0's single `example` is not
    // documented). Every doc that gained one must gain only that. (Today the spec's
    // examples sit on media types, which both versions keep as they are.)
    let mut documented = 0;
    for t in &mut api31.types {
        let before = t.doc.clone();
        strip_examples(&mut t.doc);
        documented += usize::from(before != t.doc);
        if let ir::TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                let before = f.doc.clone();
                strip_examples(&mut f.doc);
                documented += usize::from(before != f.doc);
            }
        }
    }
    strip_operation_examples(&mut api31.root, &mut documented);
    let schema_examples = read(xtask::oas31::FIXTURE)
        .matches("\"examples\": [")
        .count();
    assert!(
        documented >= usize::from(schema_examples > 0),
        "the schemas' examples reach the docs"
    );

    // Beyond that, everything is the same: names, shapes, optionality, operations.
    let (r30, r31) = (ir::render(&api30), ir::render(&api31));
    if r30 != r31 {
        let diff: Vec<String> = r30
            .lines()
            .zip(r31.lines())
            .filter(|(a, b)| a != b)
            .take(20)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!("the IR renderings differ:\n{}", diff.join("\n"));
    }
    assert_eq!(
        api30, api31,
        "the IRs differ outside their rendering (docs?)"
    );
}

/// Flattened body fields carry docs too.
fn strip_operation_examples(resource: &mut ir::Resource, documented: &mut usize) {
    for op in &mut resource.operations {
        if let Some(body) = &mut op.body
            && let Some(flat) = &mut body.flattened
        {
            for f in &mut flat.fields {
                let before = f.doc.clone();
                strip_examples(&mut f.doc);
                *documented += usize::from(before != f.doc);
            }
        }
        for p in &mut op.params {
            strip_examples(&mut p.doc);
        }
    }
    for child in &mut resource.children {
        strip_operation_examples(child, documented);
    }
}
