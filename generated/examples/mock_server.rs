//! Testing your own code that uses the SDK, against a mock server (wiremock), without
//! Beeper Desktop.
//!
//! ```sh
//! cargo run -p beeper-desktop-api --example mock_server
//! ```
//!
//! Copy the pattern into your tests: start a `wiremock::MockServer`, point a client at
//! it with `max_retries(0)` (a failure then fails at once instead of after the retry
//! backoff), mount the responses your code expects, and assert on what it returns and
//! on what it sent. Hand-written (not generated); `tests/tests/examples.rs` runs
//! [`check_my_app`].

use beeper_desktop_api::{Client, Error, ErrorKind};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The code under test: how many accounts are connected.
pub async fn connected_accounts(client: &Client) -> Result<usize, Error> {
    let accounts = client.accounts().list().await?;
    Ok(accounts
        .iter()
        .filter(|a| a.status.as_str() == "connected")
        .count())
}

/// A client of `server` for tests: a fixed token, no retries.
pub fn test_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token("test-token")
        .max_retries(0)
        .build()
        .expect("a valid base URL")
}

/// The checks, as a test of your app would write them. Panics on a failed check.
pub async fn check_my_app() {
    let server = MockServer::start().await;
    let client = test_client(&server);

    // A success: the JSON your code should see, on the route it should call.
    Mock::given(method("GET"))
        .and(path("/v1/accounts"))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"accountID": "a1", "bridge": {"id": "local-whatsapp", "provider": "local", "type": "whatsapp"},
             "status": "connected", "user": {"id": "u1"}},
            {"accountID": "a2", "bridge": {"id": "local-signal", "provider": "local", "type": "signal"},
             "status": "disconnected", "user": {"id": "u2"}}
        ])))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(connected_accounts(&client).await.expect("two accounts"), 1);

    // A failure: with max_retries(0), one request and the typed error at once.
    Mock::given(method("GET"))
        .and(path("/v1/accounts"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "code": "internal", "message": "database is locked"
        })))
        .mount(&server)
        .await;
    let error = connected_accounts(&client).await.expect_err("a 500");
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.as_status().and_then(|s| s.message()),
        Some("database is locked")
    );

    // What was sent: two requests in all (`expect(1)` on the first mock is verified
    // when the server is dropped).
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 2);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    check_my_app().await;
    println!("all checks passed");
}
