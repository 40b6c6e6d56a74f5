//! Header parameters with a default in the spec (an API version header), as the server
//! receives them from the crate generated from the security fixture
//! (`generator/tests/fixtures/constructs/security.yaml`, `GET /revisions`): the spec's
//! default is sent when nothing else sets the header; a default header of the client
//! with that name wins over it; a value set on the call wins over both, and each is
//! sent once.

use fixture_security::Client;
use sdk_tests::faults::{FaultServer, Received, Reply};
use serde_json::json;

async fn server() -> FaultServer {
    FaultServer::start(vec![Reply::json(200, &json!({"ok": true}))]).await
}

/// A client of `server` with a bearer token and nothing else set.
fn client_of(server: &FaultServer) -> Client {
    Client::builder()
        .base_url(&server.url)
        .bearer_auth("tok")
        .build()
        .unwrap()
}

fn last(server: &FaultServer) -> Received {
    server.received().pop().expect("a request arrived")
}

#[tokio::test]
async fn a_header_default_is_sent_when_nothing_sets_the_header() {
    let s = server().await;
    let client = client_of(&s);
    client.current_revision().await.unwrap();
    let r = last(&s);
    assert_eq!(r.target, "/revisions");
    assert_eq!(r.header("api-revision"), Some("2024-06-01"));
    // Required in the spec, with a default: sent, though the call did not give it.
    assert_eq!(r.header("x-sample-rate"), Some("5"));
    // No default: not sent.
    assert_eq!(r.header("x-request-tag"), None);
}

#[tokio::test]
async fn the_clients_default_header_wins_over_the_spec_and_the_call_over_both() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .bearer_auth("tok")
        // Header names are case-insensitive: this is the spec's `Api-Revision`.
        .default_header("api-revision", "2025-01-01")
        .build()
        .unwrap();

    client.current_revision().await.unwrap();
    assert_eq!(last(&s).header("api-revision"), Some("2025-01-01"));

    client
        .current_revision()
        .api_revision("2026-02-02")
        .x_sample_rate(50)
        .x_request_tag("t-1")
        .await
        .unwrap();
    let r = last(&s);
    assert_eq!(r.header("api-revision"), Some("2026-02-02"));
    assert_eq!(r.header("x-sample-rate"), Some("50"));
    assert_eq!(r.header("x-request-tag"), Some("t-1"));

    // A header set on the request's options is the last word, as for any header.
    client
        .current_revision()
        .api_revision("2026-02-02")
        .with_header("Api-Revision", "2027-03-03")
        .await
        .unwrap();
    assert_eq!(last(&s).header("api-revision"), Some("2027-03-03"));
    assert_eq!(s.attempts(), 3);
}

#[tokio::test]
async fn an_operation_without_the_parameter_sends_no_default() {
    let s = server().await;
    let client = client_of(&s);
    client.list_things().await.unwrap();
    assert_eq!(last(&s).header("api-revision"), None);
}

#[tokio::test]
async fn a_multipart_body_keeps_its_own_content_type_over_a_header_default() {
    let s = server().await;
    let client = client_of(&s);
    client.upload_revision_notes("n").await.unwrap();
    let r = last(&s);
    let content_type = r.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    // The path item's header parameter still has its default.
    assert_eq!(r.header("api-revision"), Some("2024-06-01"));
}
