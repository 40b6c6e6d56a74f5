//! The API change summary of `cargo xtask codegen`: an edited spec gives the expected
//! lines, and codegen on an unchanged spec says "no API change".

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::api_changes::{Surface, changes, render};
use xtask::codegen::{self, IR_RECORD, OUT_DIR, SPEC};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api_changes");

fn lower(name: &str) -> sdk_generator::ir::Api {
    let text = fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap();
    let options = sdk_generator::Options {
        source_name: name.into(),
        ..Default::default()
    };
    match sdk_generator::lower_spec(&text, &options) {
        Ok((api, _)) => api,
        Err(d) => panic!("{}", d.render(name, &text)),
    }
}

fn summary(before: &str, after: &str) -> String {
    render(&changes(
        &Surface::of(&lower(before)),
        &Surface::of(&lower(after)),
    ))
}

#[test]
fn an_edited_spec_gives_every_kind_of_change() {
    let expected = [
        "+ operation pets.adopt: POST /pets/{petId}/adopt",
        "~ argument pets.create(tag: String): now required (an argument, was a setter)  [breaking]",
        "+ setter pets.create().photo_url(String)",
        "- operation pets.delete: DELETE /pets/{petId}  [breaking]",
        "~ argument pets.list(limit: i64): now required (an argument, was a setter)  [breaking]",
        "+ setter pets.list().cursor(String)",
        "+ setter pets.retrieve().full(bool)",
        "- type Owner (struct)  [breaking]",
        "~ field Pet.age: Option<i64> -> Option<f64>  [breaking]",
        "+ field Pet.color: Option<String> (breaks struct literals without `..`)",
        "- field Pet.nickname: Option<String>  [breaking]",
        "~ field Pet.owner: Option<String> (now required, nullable, was optional), same Rust type",
        "+ field Pet.species: String (required: an argument of Pet::new)  [breaking]",
        "- enum value PetStatus::Lost = \"lost\"  [breaking]",
        "+ enum value PetStatus::Pending = \"pending\" (breaks exhaustive matches)",
        "+ field PetsCreateBody.photo_url: Option<String> (breaks struct literals without `..`)",
        "~ field PetsCreateBody.tag: Option<String> -> String (now required, was optional)  [breaking]",
        "+ type Shelter (struct)",
        "verdict: breaking: 9 changes break code that uses the item; 3 changes break only code that names every field or variant (struct literals without `..`, matches without `_`), since the generated types are not #[non_exhaustive]",
    ];
    assert_eq!(
        summary("before.yaml", "after.yaml"),
        expected.map(|l| format!("  {l}\n")).concat()
    );
}

#[test]
fn additions_only_are_compatible_and_the_same_spec_is_no_change() {
    assert_eq!(summary("before.yaml", "before.yaml"), "  no API change\n");
    // The edit backwards: removals become additions and the other way round.
    let backwards = summary("after.yaml", "before.yaml");
    assert!(
        backwards.contains("  + operation pets.delete: DELETE /pets/{petId}\n"),
        "{backwards}"
    );
    assert!(
        backwards.contains("  - operation pets.adopt: POST /pets/{petId}/adopt  [breaking]\n"),
        "{backwards}"
    );
}

// --- `cargo xtask codegen` on a scratch workspace that is a git repository

const SCRATCH_SPEC: &str = "openapi: 3.0.3
info: {title: Scratch, version: 1.0.0}
x-sdk: {crate: scratch}
paths:
  /things:
    get:
      operationId: listThings
      x-sdk-method: things.list
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-api-changes-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join(OUT_DIR).join("src/runtime")).unwrap();
    fs::write(dir.join(SPEC), SCRATCH_SPEC).unwrap();
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn run(dir: &Path, args: &[&str]) -> codegen::Outcome {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    codegen::command(dir, &args)
}

#[test]
fn codegen_prints_no_api_change_then_the_summary_of_an_edit() {
    let dir = scratch("git");
    git(&dir, &["init", "--quiet"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "--quiet", "-m", "spec"]);

    let first = run(&dir, &[]);
    assert!(first.ok, "{}", first.stderr);
    assert!(
        first
            .stdout
            .starts_with("API changes since HEAD:\n  no API change\n"),
        "{}",
        first.stdout
    );
    assert!(dir.join(IR_RECORD).exists());
    // A change of the text that changes no decision is no API change either.
    fs::write(dir.join(SPEC), format!("# A comment.\n{SCRATCH_SPEC}")).unwrap();
    let comment = run(&dir, &["--check"]);
    assert!(comment.ok, "{}{}", comment.stdout, comment.stderr);
    assert!(
        comment
            .stdout
            .starts_with("API changes since HEAD:\n  no API change\n"),
        "{}",
        comment.stdout
    );

    let edited = SCRATCH_SPEC
        .replace("required: [id]", "required: [id, name]")
        .replace(
            "        id: {type: string}\n",
            "        id: {type: string}\n        name: {type: string}\n",
        );
    fs::write(dir.join(SPEC), edited).unwrap();
    let check = run(&dir, &["--check"]);
    assert!(!check.ok);
    assert!(
        check.stdout.starts_with(
            "API changes since HEAD:\n  \
             + field Thing.name: String (required: an argument of Thing::new)  [breaking]\n  \
             verdict: breaking: 1 change breaks code that uses the item\n"
        ),
        "{}",
        check.stdout
    );
    // --check covers the IR record as well as generated/.
    assert!(
        check.stdout.contains(&format!("+++ b/{IR_RECORD}")),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("+    name: String = \"name\" (required)"),
        "{}",
        check.stdout
    );
    assert!(
        check.stderr.contains("run `cargo xtask codegen`"),
        "{}",
        check.stderr
    );

    // The summary compares with the commit, so it does not vanish once written; a
    // revision that does not have the spec says so.
    let written = run(&dir, &[]);
    assert!(written.ok, "{}", written.stderr);
    assert!(
        written.stdout.contains("+ field Thing.name"),
        "{}",
        written.stdout
    );
    let fresh = run(&dir, &["--check"]);
    assert!(fresh.ok, "{}", fresh.stderr);
    let missing = run(&dir, &["--check", "--since", "no-such-rev"]);
    assert!(
        missing
            .stdout
            .starts_with("API changes since no-such-rev: not computed: spec/beeper-desktop-api.yaml is not in git at no-such-rev"),
        "{}",
        missing.stdout
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outside_git_the_summary_says_why_it_is_missing() {
    let dir = scratch("nogit");
    let outcome = run(&dir, &[]);
    assert!(outcome.ok, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .starts_with("API changes since HEAD: not computed: "),
        "{}",
        outcome.stdout
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// The README's example summary is the summary of the fixture's edit, not a sketch.
#[test]
fn the_readme_example_is_real_output() {
    let readme = fs::read_to_string(xtask::workspace_root().join("README.md")).unwrap();
    let start = readme
        .find("   API changes since HEAD:\n")
        .expect("the example");
    let example: Vec<&str> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("verdict"))
        .collect();
    assert!(example.len() > 3, "{example:?}");
    let summary = summary("before.yaml", "after.yaml");
    for line in example {
        let line = line.strip_prefix("   ").unwrap_or(line);
        assert!(
            summary.lines().any(|l| l == line),
            "{line:?} not in\n{summary}"
        );
    }
}

#[test]
fn a_type_the_generator_renames_is_a_breaking_change() {
    // Two renderings of the IR of one spec, before and after a change of the naming
    // rules: the same schema (by pointer) under another name is a rename.
    let before = "types (3):\n  struct Chat  <- #/components/schemas/Chat\n  struct ChatsUpdateBodyDraft  <- #/paths/~1chats/patch/requestBody/content/application~1json/schema/properties/draft, used in requests\n  enum VerificationMethodsItem  <- #/components/schemas/Verification/properties/methods/items: Qr = \"qr\" (+ Unknown)\n";
    let after = "types (3):\n  struct Chat  <- #/components/schemas/Chat\n  struct ChatsUpdateDraft  <- #/paths/~1chats/patch/requestBody/content/application~1json/schema/properties/draft, used in requests\n  enum VerificationMethod  <- #/components/schemas/Verification/properties/methods/items: Qr = \"qr\" (+ Unknown)\n";
    let renamed = xtask::api_changes::renamed_types(before, after);
    assert_eq!(
        render(&renamed),
        "  ~ type `ChatsUpdateBodyDraft` renamed to `ChatsUpdateDraft`  [breaking]\n  ~ type `VerificationMethodsItem` renamed to `VerificationMethod`  [breaking]\n  verdict: breaking: 2 changes break code that uses the item\n"
    );
    assert!(xtask::api_changes::renamed_types(before, before).is_empty());
}
