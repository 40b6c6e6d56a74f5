//! The intermediate model of the real spec, as a readable snapshot: the diff of a spec
//! change shows what it does to names, shapes and operations.

#[test]
fn ir() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/beeper-desktop-api.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    let options = sdk_generator::Options {
        source_name: "spec/beeper-desktop-api.yaml".into(),
        ..Default::default()
    };
    let (api, warnings) = sdk_generator::lower_spec(&text, &options)
        .unwrap_or_else(|d| panic!("{}", d.render("spec", &text)));
    assert!(
        warnings.is_empty(),
        "the spec has warnings:\n{}",
        warnings.render("spec/beeper-desktop-api.yaml", &text)
    );
    insta::assert_snapshot!(sdk_generator::ir::render(&api));
}
