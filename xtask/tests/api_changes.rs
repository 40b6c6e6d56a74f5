//! The API change summary of `cargo xtask codegen`: an edited spec gives the expected
//! lines, and codegen on an unchanged spec says "no API change".

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::api_changes::{Impact, Surface, changes, render};
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
        "~ field Pet.age: Option<i64> -> Option<f64>  [breaking, not seen by cargo-semver-checks]",
        "+ field Pet.color: Option<String>",
        "- field Pet.nickname: Option<String>  [breaking]",
        "~ field Pet.owner: Option<String> (now required, nullable, was optional), same Rust type",
        "+ field Pet.species: String (required: an argument of Pet::new)  [breaking]",
        "- enum value PetStatus::Lost = \"lost\"  [breaking]",
        "+ enum value PetStatus::Pending = \"pending\" (was read as PetStatus::Unknown(\"pending\"))",
        "+ field PetsCreateBody.photo_url: Option<String>",
        "~ field PetsCreateBody.tag: Option<String> -> String (now required, was optional)  [breaking, not seen by cargo-semver-checks]",
        "+ type Shelter (struct)",
        "verdict: breaking: 9 changes break code that uses the item; 2 of them change a type, which cargo-semver-checks does not check: bump the major version even when CI passes",
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

/// The maintainer guide's example summary is the summary of the fixture's edit, not a sketch.
#[test]
fn the_readme_example_is_real_output() {
    let readme = fs::read_to_string(xtask::workspace_root().join("docs/maintaining.md")).unwrap();
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

// --- The verdict of each kind of change, against what cargo-semver-checks says

const KINDS_SPEC: &str = "openapi: 3.0.3
info: {title: Kinds, version: 1.0.0}
x-sdk: {crate: kinds}
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
  /things/{id}:
    delete:
      operationId: deleteThing
      x-sdk-method: things.delete
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: gone}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        size: {type: integer}
        status: {$ref: '#/components/schemas/Status'}
    Status:
      type: string
      enum: [active, archived]
";

/// One edit of `KINDS_SPEC`, and what cargo-semver-checks (0.51, the version
/// `.ci/semver-check` installs) reports for the Rust change it makes: the lints that fire,
/// none for a compatible change. Running the tool here would take minutes per case (two
/// rustdoc JSON builds); its lints are encoded instead, each named.
struct Kind {
    change: &'static str,
    from: &'static str,
    to: &'static str,
    lints: &'static [&'static str],
    /// A type changes: breaking by cargo's semver rules, but cargo-semver-checks has no
    /// lint for it (obi1kenobi/cargo-semver-checks#149), so the summary must say so.
    unseen_type_change: bool,
}

const KINDS: &[Kind] = &[
    Kind {
        // `constructible_struct_adds_field` fires only for structs that code outside the
        // crate can build with a literal: not `#[non_exhaustive]` ones.
        change: "an optional field",
        from: "        size: {type: integer}\n",
        to: "        size: {type: integer}\n        color: {type: string}\n",
        lints: &[],
        unseen_type_change: false,
    },
    Kind {
        // `enum_variant_added` fires only for exhaustive enums.
        change: "an enum value",
        from: "enum: [active, archived]",
        to: "enum: [active, archived, pending]",
        lints: &[],
        unseen_type_change: false,
    },
    Kind {
        change: "an operation",
        from: "components:\n",
        to: "  /things/{id}/archive:\n    post:\n      operationId: archiveThing\n      x-sdk-method: things.archive\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '204': {description: archived}\ncomponents:\n",
        lints: &[],
        unseen_type_change: false,
    },
    Kind {
        change: "the removal of an operation",
        from: "  /things/{id}:\n    delete:\n      operationId: deleteThing\n      x-sdk-method: things.delete\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '204': {description: gone}\n",
        to: "",
        // `Things::delete`, and `ThingsDeleteParams`, `ThingsDeleteRequest`.
        lints: &["inherent_method_missing", "struct_missing"],
        unseen_type_change: false,
    },
    Kind {
        change: "the removal of a field",
        from: "        size: {type: integer}\n",
        to: "",
        // `Thing::size`, and its setter `Thing::with_size`.
        lints: &["struct_pub_field_missing", "inherent_method_missing"],
        unseen_type_change: false,
    },
    Kind {
        change: "the removal of an enum value",
        from: "enum: [active, archived]",
        to: "enum: [active]",
        lints: &["enum_variant_missing"],
        unseen_type_change: false,
    },
    Kind {
        change: "a required field",
        from: "required: [id]\n      properties:\n",
        to: "required: [id, name]\n      properties:\n        name: {type: string}\n",
        // `Thing::new` takes one more argument.
        lints: &["method_parameter_count_changed"],
        unseen_type_change: false,
    },
    Kind {
        change: "a field's type",
        from: "size: {type: integer}",
        to: "size: {type: string}",
        lints: &[],
        unseen_type_change: true,
    },
];

fn lower_text(text: &str) -> sdk_generator::ir::Api {
    match sdk_generator::lower_spec(text, &sdk_generator::Options::default()) {
        Ok((api, _)) => api,
        Err(d) => panic!("{}", d.render("kinds.yaml", text)),
    }
}

#[test]
fn each_kind_of_change_gets_the_verdict_cargo_semver_checks_gives() {
    let before = Surface::of(&lower_text(KINDS_SPEC));
    for kind in KINDS {
        assert_eq!(
            KINDS_SPEC.matches(kind.from).count(),
            1,
            "{}: the edit must apply once",
            kind.change
        );
        let after = lower_text(&KINDS_SPEC.replacen(kind.from, kind.to, 1));
        let found = changes(&before, &Surface::of(&after));
        let summary = render(&found);
        assert!(!found.is_empty(), "{}: no change found", kind.change);
        // Breaking by cargo's semver rules: a lint fires, or a type changed.
        let breaking = !kind.lints.is_empty() || kind.unseen_type_change;
        let verdict = summary.lines().last().unwrap_or_default();
        let expected = if breaking {
            "  verdict: breaking"
        } else {
            "  verdict: compatible"
        };
        assert!(
            verdict.starts_with(expected),
            "{}: cargo-semver-checks says {:?}, the summary:\n{summary}",
            kind.change,
            kind.lints
        );
        let impacts_breaking = found.iter().any(|c| c.impact == Impact::Breaking);
        assert_eq!(impacts_breaking, breaking, "{}:\n{summary}", kind.change);
        // Only a type change is flagged as one that CI would miss.
        let unseen = found.iter().any(|c| c.type_change);
        assert_eq!(
            unseen, kind.unseen_type_change,
            "{}:\n{summary}",
            kind.change
        );
        assert_eq!(
            verdict.contains("cargo-semver-checks does not check"),
            kind.unseen_type_change,
            "{}:\n{summary}",
            kind.change
        );
    }
}

/// The compatible verdicts rest on every generated model, union, enum and parameters
/// type being `#[non_exhaustive]`: checked on the generated code of the specs above.
#[test]
fn every_generated_type_is_non_exhaustive() {
    let specs = [
        KINDS_SPEC.to_string(),
        fs::read_to_string(Path::new(FIXTURES).join("after.yaml")).unwrap(),
        fs::read_to_string(xtask::workspace_root().join(SPEC)).unwrap(),
    ];
    let mut checked = 0;
    for text in &specs {
        let generated = sdk_generator::generate(text, &sdk_generator::Options::default())
            .unwrap_or_else(|d| panic!("{}", d.render("spec", text)));
        for file in &generated.files {
            let in_models = file.path.starts_with("src/models/");
            let in_resources = file.path.starts_with("src/resources/");
            if !in_models && !in_resources {
                continue;
            }
            let lines: Vec<&str> = file.contents.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let item = line
                    .strip_prefix("pub struct ")
                    .or(line.strip_prefix("pub enum "));
                let Some(item) = item else { continue };
                // Resources hold accessors (`Things<'a>`, not constructible outside the
                // crate) and the parameters types, which are the API's.
                if in_resources && !item.contains("Params") {
                    continue;
                }
                let attributes = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with("#[") || l.starts_with("///"));
                assert!(
                    attributes.clone().any(|l| *l == "#[non_exhaustive]"),
                    "{}: `{line}` is not #[non_exhaustive]",
                    file.path
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} types checked");
}
