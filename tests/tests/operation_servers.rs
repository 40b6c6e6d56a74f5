//! Operations with servers of their own (`servers` on an operation or its path item),
//! from the crate generated from the security fixture
//! (`generator/tests/fixtures/constructs/security.yaml`): `upload` is on the path's
//! `http://{region}.uploads.fixture.test/v2` (region `eu` by default),
//! `list_mirrored_uploads` on `/v3/mirror` (relative to the base URL), `archive` names
//! the document's own server and `legacy` one the SDK cannot use. What the servers
//! received, through a recording proxy where the host is not a local one, says where
//! each request went and with which credentials.

use fixture_security::{Client, ErrorKind};
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

const UPLOADS: &str = "http://eu.uploads.fixture.test/v2";

async fn server() -> FaultServer {
    FaultServer::start(vec![Reply::json(200, &json!({"ok": true}))]).await
}

/// The request targets a server received, in order.
fn targets(server: &FaultServer) -> Vec<String> {
    server.received().into_iter().map(|r| r.target).collect()
}

#[tokio::test]
async fn each_operation_goes_to_its_own_server_while_the_base_url_is_the_specs() {
    // Every request goes through the proxy, which sees the absolute URL each one is for.
    let proxy = server().await;
    // The spec's server by default, and the same server named explicitly.
    for base in [None, Some("http://localhost:9999/")] {
        let builder = Client::builder()
            .proxy(&proxy.url)
            .bearer_auth("tok")
            .max_retries(0);
        let client = match base {
            Some(base) => builder.base_url(base),
            None => builder,
        }
        .build()
        .unwrap();
        client.upload("bytes").await.unwrap();
        client.list_mirrored_uploads().await.unwrap();
        client.list_things().await.unwrap();
        client.archive().await.unwrap();
        client.legacy().await.unwrap();
    }
    let received = proxy.received();
    let expected = [
        format!("{UPLOADS}/uploads"),
        "http://localhost:9999/v3/mirror/uploads".to_string(),
        "http://localhost:9999/things".to_string(),
        "http://localhost:9999/archive".to_string(),
        "http://localhost:9999/legacy".to_string(),
    ];
    assert_eq!(targets(&proxy), [expected.clone(), expected].concat());
    // The operation's credentials go with it to its own server.
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].header("authorization"), Some("Bearer tok"));
    assert_eq!(received[0].body, b"bytes");
    // `legacy` is public (`security: []`).
    assert_eq!(received[4].header("authorization"), None);
}

#[tokio::test]
async fn a_client_pointed_elsewhere_takes_every_operation_along() {
    // A mock server in a test: nothing may go to the spec's hosts, credentials least.
    let mock = server().await;
    let client = Client::builder()
        .base_url(format!("{}/api", mock.url))
        .bearer_auth("tok")
        .max_retries(0)
        .build()
        .unwrap();
    client.upload("bytes").await.unwrap();
    client.list_mirrored_uploads().await.unwrap();
    client.list_things().await.unwrap();
    assert_eq!(
        targets(&mock),
        ["/api/uploads", "/v3/mirror/uploads", "/api/things"],
        "the relative server resolves against the base URL (RFC 3986)"
    );
    for r in mock.received() {
        assert_eq!(r.header("authorization"), Some("Bearer tok"));
    }
}

#[tokio::test]
async fn server_url_sends_one_servers_operations_to_another_url() {
    let base = server().await;
    let uploads = server().await;
    let client = Client::builder()
        .base_url(&base.url)
        // As the docs list it; a trailing `/` is the same server.
        .server_url(format!("{UPLOADS}/"), format!("{}/v2", uploads.url))
        .bearer_auth("tok")
        .max_retries(0)
        .build()
        .unwrap();
    client.upload("bytes").await.unwrap();
    client.list_things().await.unwrap();
    client.list_mirrored_uploads().await.unwrap();
    assert_eq!(targets(&uploads), ["/v2/uploads"]);
    assert_eq!(
        uploads.received()[0].header("authorization"),
        Some("Bearer tok")
    );
    assert_eq!(targets(&base), ["/things", "/v3/mirror/uploads"]);

    // A mapping survives `to_builder`, and shows in `Debug` without a URL's password.
    let copy = client
        .to_builder()
        .server_url(UPLOADS, "http://me:hunter2@127.0.0.1:9/v2")
        .build()
        .unwrap();
    let shown = format!("{copy:?}");
    assert!(shown.contains(UPLOADS), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let again = client.to_builder().build().unwrap();
    again.upload("again").await.unwrap();
    assert_eq!(targets(&uploads), ["/v2/uploads", "/v2/uploads"]);
}

#[tokio::test]
async fn with_base_url_on_a_request_wins_over_the_operations_server() {
    let elsewhere = server().await;
    // The client talks to the spec's server, so `upload` would go to its own.
    let client = Client::builder()
        .bearer_auth("tok")
        .max_retries(0)
        .build()
        .unwrap();
    client
        .upload("bytes")
        .with_base_url(&elsewhere.url)
        .await
        .unwrap();
    client
        .list_mirrored_uploads()
        .with_base_url(&elsewhere.url)
        .await
        .unwrap();
    assert_eq!(targets(&elsewhere), ["/uploads", "/uploads"]);
}

#[tokio::test]
async fn a_server_the_spec_does_not_name_or_a_bad_url_fails_build() {
    let err = Client::builder()
        .server_url("http://us.uploads.fixture.test/v2", "http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains(UPLOADS),
        "names the known ones: {err}"
    );
    let err = Client::builder()
        .server_url(UPLOADS, "ftp://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn a_redirect_from_the_operations_server_to_another_origin_is_not_followed() {
    let base = server().await;
    let uploads = FaultServer::start(vec![
        Reply::json(307, &json!({})).with_header("location", &format!("{}/uploads", base.url)),
    ])
    .await;
    let client = Client::builder()
        .base_url(&base.url)
        .server_url(UPLOADS, &uploads.url)
        .bearer_auth("tok")
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.upload("bytes").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OtherStatus, "{err}");
    assert_eq!(uploads.attempts(), 1);
    assert_eq!(
        base.attempts(),
        0,
        "the base URL's server got nothing, no token"
    );
}
