//! Credentials as the server receives them, from the crate generated from the
//! security fixture (`generator/tests/fixtures/constructs/security.yaml`): every
//! scheme of a requirement is sent, alternatives are tried in order, public and
//! optional operations, the per-scheme setters, and secrets kept out of `Debug`.

use fixture_security::{Client, ErrorKind};
use sdk_tests::faults::{FaultServer, Received, Reply};
use serde_json::json;

async fn server() -> FaultServer {
    FaultServer::start(vec![Reply::json(200, &json!({"ok": true}))]).await
}

fn only(server: &FaultServer) -> Received {
    let mut received = server.received();
    assert_eq!(received.len(), 1, "{received:?}");
    received.remove(0)
}

#[tokio::test]
async fn a_requirement_naming_three_headers_sends_all_three() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .client_id("id-1")
        .client_secret("secret-2")
        .api_version("2024-01-01")
        .build()
        .unwrap();
    assert!(client.list_things().await.unwrap().ok.unwrap());
    let r = only(&s);
    assert_eq!(r.target, "/things");
    assert_eq!(r.header("x-client-id"), Some("id-1"));
    assert_eq!(r.header("x-client-secret"), Some("secret-2"));
    assert_eq!(r.header("x-api-version"), Some("2024-01-01"));
    assert_eq!(r.header("authorization"), None);
}

#[tokio::test]
async fn an_incomplete_requirement_falls_back_to_the_next_alternative() {
    let s = server().await;
    // The client id alone does not complete the first requirement: the bearer token
    // of the second is sent, and nothing of the first.
    let client = Client::builder()
        .base_url(&s.url)
        .client_id("id-1")
        .bearer_auth("tok")
        .build()
        .unwrap();
    client.list_things().await.unwrap();
    let r = only(&s);
    assert_eq!(r.header("authorization"), Some("Bearer tok"));
    assert_eq!(r.header("x-client-id"), None);
}

#[tokio::test]
async fn the_first_complete_alternative_wins() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .client_id("id-1")
        .client_secret("secret-2")
        .api_version("v")
        .bearer_auth("tok")
        .build()
        .unwrap();
    client.list_things().await.unwrap();
    let r = only(&s);
    assert_eq!(r.header("x-client-id"), Some("id-1"));
    assert_eq!(r.header("authorization"), None);
}

#[tokio::test]
async fn api_keys_in_the_query_and_in_two_cookies() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .query_key("k&y=1")
        .session_cookie("sess")
        .csrf_cookie("xsrf")
        .build()
        .unwrap();
    client.by_query().await.unwrap();
    client.by_cookies().await.unwrap();
    let received = s.received();
    assert_eq!(received[0].target, "/query?api_key=k%26y%3D1");
    assert_eq!(received[0].header("cookie"), None);
    assert_eq!(received[1].target, "/cookies");
    assert_eq!(
        received[1].header("cookie"),
        Some("session=sess; csrf=xsrf")
    );
}

#[tokio::test]
async fn basic_and_a_query_key_together_or_the_other_alternative() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .basic_auth("user", "pass")
        .query_key("qk")
        .timeout_credential("not sent")
        .build()
        .unwrap();
    client.by_basic_and_query().await.unwrap();
    let r = only(&s);
    assert_eq!(r.target, "/basic?api_key=qk");
    assert_eq!(r.header("authorization"), Some("Basic dXNlcjpwYXNz"));
    assert_eq!(r.header("x-timeout-key"), None);

    // Without the query key, the timeout key of the second alternative is sent.
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .basic_auth("user", "pass")
        .timeout_credential("tk")
        .build()
        .unwrap();
    client.by_basic_and_query().await.unwrap();
    let r = only(&s);
    assert_eq!(r.target, "/basic");
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.header("x-timeout-key"), Some("tk"));
}

#[tokio::test]
async fn public_and_optional_operations() {
    let s = server().await;
    let bare = Client::builder().base_url(&s.url).build().unwrap();
    bare.public().await.unwrap();
    bare.optional_auth().await.unwrap();
    let with_token = Client::builder()
        .base_url(&s.url)
        .bearer_auth("tok")
        .client_id("id")
        .build()
        .unwrap();
    with_token.public().await.unwrap();
    with_token.optional_auth().await.unwrap();
    let received = s.received();
    assert_eq!(received.len(), 4);
    assert_eq!(received[0].header("authorization"), None);
    assert_eq!(received[1].header("authorization"), None);
    assert_eq!(received[2].header("authorization"), None);
    assert_eq!(received[2].header("x-client-id"), None);
    assert_eq!(received[3].header("authorization"), Some("Bearer tok"));
}

#[tokio::test]
async fn missing_credentials_name_what_each_alternative_lacks_and_send_nothing() {
    let s = server().await;
    let client = Client::builder()
        .base_url(&s.url)
        .client_id("id-1")
        .build()
        .unwrap();
    let err = client.list_things().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingCredentials);
    let message = err.to_string();
    assert!(
        message.contains(
            "set FIXTURE_SECURITY_CLIENT_SECRET and FIXTURE_SECURITY_API_VERSION \
             (ClientBuilder::client_secret, ClientBuilder::api_version), \
             or set FIXTURE_SECURITY_BEARER_AUTH (ClientBuilder::bearer_auth)"
        ),
        "{message}"
    );
    // The client id is configured, so it is not named.
    assert!(!message.contains("CLIENT_ID"), "{message}");
    assert_eq!(s.attempts(), 0);
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .client_id("id-secret-1")
        .basic_auth("the-user", "pass-secret-2")
        .bearer_auth("token-secret-3")
        .build()
        .unwrap();
    let shown = format!("{client:?} {:?}", client.to_builder());
    for secret in ["id-secret-1", "pass-secret-2", "token-secret-3"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("<redacted>"), "{shown}");
}

/// A client of a server that answers `GET /grants` once with `body`.
async fn grants_answering(body: serde_json::Value) -> (FaultServer, Client) {
    let s = FaultServer::start(vec![Reply::json(200, &body)]).await;
    let client = Client::builder()
        .base_url(&s.url)
        .bearer_auth("tok")
        .build()
        .unwrap();
    (s, client)
}

/// A reader of every Debug line, on a best-effort list: a grant that does not decode is
/// kept as JSON, and its Debug hides `code`, which the spec marks secret under a name
/// no credential rule knows; a body that does not decode at all hides it in the error.
#[tokio::test]
async fn a_secret_field_of_an_undecoded_best_effort_item_stays_out_of_debug_output() {
    let (_s, client) = grants_answering(json!({"grants": [
        {"id": "g1", "code": "code-secret-1"},
        {"code": "code-secret-2", "note": "no id"},
        {"id": 7, "code": "code-secret-3", "nested": {"code": "code-secret-4"}},
    ]}))
    .await;
    let grants = client.list_grants().await.unwrap().grants.unwrap();
    assert!(grants[0].decoded().is_some());
    let (missing, wrong) = (
        grants[1].undecoded().unwrap(),
        grants[2].undecoded().unwrap(),
    );
    // What arrived is still there for the program.
    assert_eq!(missing.value["code"], "code-secret-2");
    assert_eq!(wrong.path, "id");
    let shown = format!("{grants:?} {missing:?} {wrong:?}");
    for secret in [
        "code-secret-1",
        "code-secret-2",
        "code-secret-3",
        "code-secret-4",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("no id"), "the rest still shows: {shown}");

    // The list itself of the wrong type: a Decode error, whose excerpt hides `code` too.
    let (_s, client) = grants_answering(json!({"grants": {"code": "code-secret-5"}})).await;
    let err = client.list_grants().await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("code-secret-5"), "{shown}");
    assert!(shown.contains("grants"), "{shown}");
}
