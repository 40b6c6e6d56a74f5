//! generated/ and the IR record must be what the spec produces today, and the spec
//! must lower without warnings.

#[test]
fn generated_crate_and_ir_record_are_fresh() {
    let root = xtask::workspace_root();
    let plan = match xtask::codegen::plan(&root) {
        Ok(plan) => plan,
        Err(xtask::codegen::Failure::Spec(rendered)) => panic!("the spec has errors:\n{rendered}"),
        Err(xtask::codegen::Failure::Io(e)) => panic!("could not read the spec or generated/: {e}"),
    };
    if !plan.is_fresh() {
        let diff = plan.diff(&root);
        let shown: String = diff.lines().take(60).collect::<Vec<_>>().join("\n");
        panic!(
            "generated/ or {} is stale: {} file(s) to write, {} to remove.\nRun `cargo xtask codegen` and commit the result.\n\n{shown}",
            xtask::codegen::IR_RECORD,
            plan.write.len(),
            plan.remove.len()
        );
    }
    let spec = std::fs::read_to_string(root.join(xtask::codegen::SPEC)).unwrap();
    assert!(
        plan.warnings.is_empty(),
        "the spec has warnings:\n{}",
        plan.warnings.render(xtask::codegen::SPEC, &spec)
    );
}
