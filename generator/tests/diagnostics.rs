//! Broken specs: each gives clear diagnostics that name the place (JSON pointer and
//! line:column), all of them at once, and never a panic.

use std::fs;
use std::path::Path;

fn diagnostics_of(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken")
        .join(file);
    let text = fs::read_to_string(&path).expect("fixture exists");
    let options = sdk_generator::Options {
        source_name: file.to_string(),
        ..Default::default()
    };
    match sdk_generator::generate(&text, &options) {
        Err(diags) => {
            assert!(
                diags.has_errors(),
                "{file}: a failed generation must carry an error"
            );
            for d in diags.iter() {
                assert!(
                    d.location.is_some() || d.pointer.is_empty(),
                    "{file}: no line for {d}"
                );
            }
            diags.render(file, &text)
        }
        Ok(generated) => {
            assert!(
                !generated.warnings.is_empty(),
                "{file}: expected at least a warning"
            );
            format!(
                "(generated, with warnings)\n{}",
                generated.warnings.render(file, &text)
            )
        }
    }
}

macro_rules! broken {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), diagnostics_of($file));
            }
        )*
    };
}

broken!(
    malformed_yaml => "malformed_yaml.yaml",
    malformed_json => "malformed_json.json",
    empty => "empty.yaml",
    not_a_mapping => "not_a_mapping.yaml",
    swagger2 => "swagger2.yaml",
    oas31_unmappable => "oas31_unmappable.yaml",
    oas31_dialect => "oas31_dialect.yaml",
    unresolved_ref => "unresolved_ref.yaml",
    unresolved_refs_elsewhere => "unresolved_refs_elsewhere.yaml",
    cyclic_ref => "cyclic_ref.yaml",
    external_ref => "external_ref.yaml",
    duplicate_operation_id => "duplicate_operation_id.yaml",
    missing_path_parameter => "missing_path_parameter.yaml",
    unknown_path_parameter => "unknown_path_parameter.yaml",
    unknown_type => "unknown_type.yaml",
    type_list => "type_list.yaml",
    wrong_types => "wrong_types.yaml",
    bad_parameters => "bad_parameters.yaml",
    bad_extensions => "bad_extensions.yaml",
    bad_events_not_a_union => "bad_events_not_a_union.yaml",
    bad_events_resync => "bad_events_resync.yaml",
    unsupported_constructs => "unsupported_constructs.yaml",
    many_errors => "many_errors.yaml",
    lossy_numbers => "lossy_numbers.yaml",
    name_collisions => "name_collisions.yaml",
    runtime_name_collisions => "runtime_name_collisions.yaml",
    deep_nesting => "deep_nesting.yaml",
    self_allof => "self_allof.yaml",
    self_inline_allof => "self_inline_allof.yaml",
    self_allof_twice => "self_allof_twice.yaml",
);

/// Every fixture in the folder has a test above.
#[test]
fn every_broken_fixture_is_tested() {
    let this =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics.rs"))
            .unwrap();
    for entry in
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")).unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            this.contains(&format!("\"{name}\"")),
            "tests/fixtures/broken/{name} has no test"
        );
    }
}

#[test]
fn parameters_named_like_request_methods_get_other_setters() {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/broken/runtime_name_collisions.yaml"),
    )
    .expect("fixture exists");
    let generated = sdk_generator::generate(&text, &sdk_generator::Options::default())
        .expect("the fixture generates");
    let code: String = generated
        .files
        .iter()
        .map(|f| f.contents.as_str())
        .collect();
    // `Request::with_query` and `Request::with_body_field` stay the runtime's; the
    // parameters get setters of their own and keep their wire names.
    for taken in ["pub fn with_query(", "pub fn with_body_field("] {
        assert!(!code.contains(taken), "`{taken}` generated in:\n{code}");
    }
    for setter in ["pub fn with_query_query(", "pub fn with_body_field_query("] {
        assert!(code.contains(setter), "no `{setter}` in:\n{code}");
    }
    assert!(code.contains("\"with_query\",") && code.contains("\"withBodyField\","));
}
