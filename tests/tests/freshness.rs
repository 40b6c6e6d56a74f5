//! generated/ must be what the spec produces today.

#[test]
fn generated_crate_is_fresh() {
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
            "generated/ is stale: {} file(s) to write, {} to remove.\nRun `cargo xtask codegen` and commit the result.\n\n{shown}",
            plan.write.len(),
            plan.remove.len()
        );
    }
}
