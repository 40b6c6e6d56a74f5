//! `cargo xtask corpus-drive` names its documents in one list and the driver crate
//! depends on their generated crates by path: the two must agree, or the command
//! builds a driver against a crate it did not generate (or one never generated).

use xtask::corpus_drive::{DOCUMENTS, DRIVER_DIR};

#[test]
fn the_driver_depends_on_and_dispatches_every_document_driven() {
    let root = xtask::workspace_root();
    let manifest = std::fs::read_to_string(root.join(DRIVER_DIR).join("Cargo.toml")).unwrap();
    let main = std::fs::read_to_string(root.join(DRIVER_DIR).join("src/main.rs")).unwrap();
    let dependencies = manifest.matches("path = \"../../target/corpus/").count();
    assert_eq!(
        dependencies,
        DOCUMENTS.len(),
        "{DRIVER_DIR}/Cargo.toml has {dependencies} generated crates, the command drives {}",
        DOCUMENTS.len()
    );
    for (file, name) in DOCUMENTS {
        let stem = std::path::Path::new(file)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            manifest.contains(&format!("path = \"../../target/corpus/{stem}\"")),
            "{DRIVER_DIR}/Cargo.toml does not depend on target/corpus/{stem} ({file})"
        );
        assert!(
            main.contains(&format!("\"{name}\" =>")),
            "{DRIVER_DIR}/src/main.rs does not drive `{name}`"
        );
    }
}
