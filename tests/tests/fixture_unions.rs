//! Unions of a spec no one here wrote, over HTTP on 127.0.0.1: the crate generated from
//! the `unions_by_evidence` construct fixture (`tests/fixture-sdks/`) reads each payload
//! as the variant the spec means, not the first variant that happens to read it.

use serde_json::{Value, json};
use unions_by_evidence::Client;
use unions_by_evidence::models::{
    Ambiguous, Change, Dog, Member, Notification, Pet, Playing, PreferencesSnooze,
    PreferencesSnoozeForever, Priority, TicketSeverity,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(method_name: &str, at: &str, body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method(method_name))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds");
    (server, client)
}

async fn notification(body: Value) -> Notification {
    let (_server, client) = serve("GET", "/notifications/n-1", body).await;
    client.notifications().retrieve("n-1").await.unwrap()
}

#[tokio::test]
async fn an_all_optional_variant_listed_first_does_not_take_every_object() {
    // `Preferences` (every field optional) is the first variant; tried in order it
    // would read both of these, with their fields in its map of unknown keys.
    match notification(json!({"address": "ada@example.com", "subject": "Hi", "body": "Hello"}))
        .await
    {
        Notification::Email(email) => {
            assert_eq!(email.address, "ada@example.com");
            assert_eq!(email.subject, "Hi");
            assert_eq!(email.body.as_deref(), Some("Hello"));
            assert!(email.extra.is_empty());
        }
        other => panic!("an email read as {other:?}"),
    }
    match notification(json!({"phone": "+15550100", "body": "Hello"})).await {
        Notification::TextMessage(text) => assert_eq!(text.phone, "+15550100"),
        other => panic!("a text message read as {other:?}"),
    }
    // What only the all-optional variant declares is still read as it.
    match notification(json!({"muted": true})).await {
        Notification::Preferences(p) => assert_eq!(p.muted, Some(true)),
        other => panic!("preferences read as {other:?}"),
    }
}

#[tokio::test]
async fn a_string_enum_listed_first_takes_only_its_own_values() {
    // Tried in order, the enum (which keeps unknown values) would read "2h" as
    // `Unknown("2h")` and the plain string variant would never be chosen.
    for (snooze, expected) in [
        ("2h", PreferencesSnooze::String("2h".into())),
        (
            "forever",
            PreferencesSnooze::Forever(PreferencesSnoozeForever::Forever),
        ),
    ] {
        match notification(json!({"snooze": snooze})).await {
            Notification::Preferences(p) => assert_eq!(p.snooze, Some(expected)),
            other => panic!("preferences read as {other:?}"),
        }
    }
}

#[tokio::test]
async fn fixed_values_and_required_keys_choose_among_variants_with_the_same_keys() {
    let (server, client) = serve(
        "GET",
        "/changes",
        json!([
            {"id": "c-1", "state": "renamed", "name": "New name"},
            {"id": "c-2", "state": "created"},
            {"id": "c-3", "deleted": true},
            {"x": 1.5},
            "plain text",
            42
        ]),
    )
    .await;
    let changes = client.changes().list().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(changes.len(), 6);
    match &changes[0] {
        // `Created` comes first and its `state` enum keeps unknown values, so order
        // alone would read this as `Created` with an unknown state.
        Change::Renamed(r) => {
            assert_eq!(r.id, "c-1");
            assert_eq!(r.name.as_deref(), Some("New name"));
        }
        other => panic!("a rename read as {other:?}"),
    }
    assert!(
        matches!(&changes[1], Change::Created(c) if c.id == "c-2"),
        "{:?}",
        changes[1]
    );
    assert!(
        matches!(&changes[2], Change::Deleted(d) if d.id == "c-3"),
        "{:?}",
        changes[2]
    );
    // The nested union: shapes no value can tell apart go to the first of them.
    assert!(
        matches!(&changes[3], Change::Ambiguous(Ambiguous::Left(l)) if l.x == Some(1.5)),
        "{:?}",
        changes[3]
    );
    assert!(
        matches!(&changes[4], Change::Ambiguous(Ambiguous::String(s)) if s == "plain text"),
        "{:?}",
        changes[4]
    );
    // A value no variant fits is kept as it arrived (by the nested union, which takes
    // any value).
    assert!(
        matches!(&changes[5], Change::Ambiguous(Ambiguous::Unknown(v)) if *v == json!(42)),
        "{:?}",
        changes[5]
    );
}

async fn pet(body: Value) -> Pet {
    let (_server, client) = serve("GET", "/pets/p-1", body).await;
    client.pets().retrieve("p-1").await.unwrap()
}

#[tokio::test]
async fn inheritance_subtypes_decode_with_their_own_fields_and_the_bases() {
    for tag in ["dog", "hound"] {
        match pet(json!({"petType": tag, "name": "Rex", "barks": true})).await {
            Pet::Dog(dog) => {
                assert_eq!(dog.pet_type, tag);
                assert_eq!(dog.name, "Rex");
                assert!(dog.barks);
                assert!(dog.extra.is_empty(), "{:?}", dog.extra);
            }
            other => panic!("a {tag} read as {other:?}"),
        }
    }
    // Named by its schema name, which the mapping leaves out.
    match pet(json!({"petType": "Cat", "name": "Tom", "lives": 9})).await {
        Pet::Cat(cat) => {
            assert_eq!(cat.name, "Tom");
            assert_eq!(cat.lives, Some(9));
        }
        other => panic!("a cat read as {other:?}"),
    }
    match pet(json!({"petType": "Lizard", "name": "Liz"})).await {
        Pet::Lizard(lizard) => assert_eq!(lizard.name, "Liz"),
        other => panic!("a lizard read as {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_subtype_keeps_its_data() {
    let parrot = json!({"petType": "parrot", "name": "Polly", "words": 12});
    match pet(parrot.clone()).await {
        Pet::Unknown(value) => assert_eq!(value, parrot),
        other => panic!("an unknown pet read as {other:?}"),
    }
}

#[tokio::test]
async fn a_subtype_is_sent_with_the_bases_fields_and_its_own() {
    let dog = json!({"petType": "dog", "name": "Rex", "barks": false});
    let (server, client) = serve("POST", "/pets", dog.clone()).await;
    let sent = client
        .pets()
        .create(Pet::Dog(Dog::new("dog", "Rex", false)))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, dog);
    assert!(matches!(sent, Pet::Dog(d) if !d.barks));
}

#[tokio::test]
async fn a_discriminator_without_mapping_selects_by_the_one_value_a_variant_allows() {
    // `Track` allows `type: track` without requiring it; read by its schema name the
    // tag would be `Track`, and a real track would land in `Unknown`.
    let (_server, client) = serve(
        "GET",
        "/playing",
        json!({"type": "track", "duration_ms": 215000}),
    )
    .await;
    match client.playing().retrieve().await.unwrap() {
        Playing::Track(track) => assert_eq!(track.duration_ms, Some(215000)),
        other => panic!("a track read as {other:?}"),
    }
    let (_server, client) = serve(
        "GET",
        "/playing",
        json!({"type": "episode", "show": "Radiolab"}),
    )
    .await;
    match client.playing().retrieve().await.unwrap() {
        Playing::Episode(episode) => assert_eq!(episode.show, "Radiolab"),
        other => panic!("an episode read as {other:?}"),
    }
}

#[tokio::test]
async fn integer_consts_named_by_title_are_an_enum_that_keeps_other_values() {
    // `Priority` is `oneOf: [{title: LOW, const: 1}, ...]`: read as a union, each
    // variant would take any integer and the first (`LOW`) would win every value.
    let (_server, client) = serve(
        "GET",
        "/tickets/t-1",
        json!({"id": "t-1", "priority": 3, "severity": 1}),
    )
    .await;
    let ticket = client.tickets().retrieve("t-1").await.unwrap();
    assert_eq!(ticket.priority, Priority::Urgent);
    assert_eq!(ticket.severity, TicketSeverity::Minor);
    assert_eq!(ticket.priority.value(), 3);
    assert_eq!(ticket.priority.to_string(), "3");

    // A value the SDK does not know is kept, and written back as it came; an absent
    // field takes the spec's default.
    let (_server, client) = serve("GET", "/tickets/t-2", json!({"id": "t-2", "priority": 7})).await;
    let ticket = client.tickets().retrieve("t-2").await.unwrap();
    assert_eq!(ticket.priority, Priority::Unknown(7));
    assert_eq!(ticket.severity, TicketSeverity::Major);
    assert_eq!(
        serde_json::to_value(&ticket).unwrap(),
        json!({"id": "t-2", "priority": 7, "severity": 2})
    );
    assert_eq!(Priority::from(2), Priority::Normal);
    assert_eq!(i64::from(Priority::Low), 1);
}

#[tokio::test]
async fn of_variants_that_declare_every_key_of_a_value_the_one_declaring_least_besides_wins() {
    // `Agent` (first) declares every key of `Collaborator` and more, all optional: both
    // read these values with no undeclared key and the same keys present, and the
    // spec's order alone would make every one an `Agent`.
    async fn member(body: Value) -> Member {
        let (_server, client) = serve("GET", "/members/m-1", body).await;
        client.members().retrieve("m-1").await.unwrap()
    }
    match member(json!({"id": "m-1", "parent": "team-1", "access_level": "admin"})).await {
        Member::Collaborator(c) => assert_eq!(c.access_level.as_deref(), Some("admin")),
        other => panic!("a collaborator read as {other:?}"),
    }
    match member(json!({"id": "m-1", "parent": "team-1"})).await {
        Member::Collaborator(c) => assert_eq!(c.parent.as_deref(), Some("team-1")),
        other => panic!("a collaborator read as {other:?}"),
    }
    // A key only `Agent` declares makes it the better fit.
    match member(json!({"id": "m-1", "role": "planner"})).await {
        Member::Agent(a) => assert_eq!(a.role.as_deref(), Some("planner")),
        other => panic!("an agent read as {other:?}"),
    }
}

#[tokio::test]
async fn a_tag_value_mapped_to_the_base_itself_reads_the_bases_own_fields() {
    // `pet` maps to `Pet`, the base, which is a union of its subtypes: without a
    // variant of its own such a value would be `Unknown`, untyped.
    match pet(json!({"petType": "pet", "name": "Generic", "size": "small"})).await {
        Pet::Pet(base) => {
            assert_eq!(base.name, "Generic");
            assert_eq!(base.size.as_ref().map(|s| s.as_str()), Some("small"));
            assert!(base.extra.is_empty(), "{:?}", base.extra);
        }
        other => panic!("the base read as {other:?}"),
    }
}

#[tokio::test]
async fn a_subtype_property_without_a_type_keeps_the_bases_type() {
    // `Cat` gives `size` only an example; under `allOf` the base's enum still applies,
    // so the value is that enum, not any JSON value.
    match pet(json!({"petType": "Cat", "name": "Tom", "size": "large"})).await {
        Pet::Cat(cat) => {
            // As a JSON value it would print with its quotes.
            let size = cat.size.expect("size read");
            assert_eq!(size.to_string(), "large");
        }
        other => panic!("a cat read as {other:?}"),
    }
}
