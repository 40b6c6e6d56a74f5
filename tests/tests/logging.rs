//! Logging through `tracing`. Alone in its test binary: it installs the global
//! subscriber, which must see every event of the process.

use std::time::Duration;

use beeper_desktop_api::Client;
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};
use sdk_tests::log_capture::Capture;
use serde_json::json;

#[tokio::test]
async fn requests_are_logged_without_the_token() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = FaultServer::start(vec![
        Reply::json(500, &json!({"message": "boom"})),
        Reply::json(200, &json!([])),
        Reply::json(404, &json!({"code": "NOT_FOUND", "message": "no"})),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    client.accounts().list().await.unwrap();
    client.accounts().retrieve("x").await.unwrap_err();

    let log = capture.text();
    for expected in [
        "sending request operation=\"accounts.list\" method=GET path=/v1/accounts attempt=1",
        "retrying after error status operation=\"accounts.list\" method=GET path=/v1/accounts status=500 attempt=1",
        "response operation=\"accounts.list\" method=GET path=/v1/accounts status=200 attempt=2 elapsed_ms=",
        "error status operation=\"accounts.retrieve\" method=GET path=/v1/accounts/x status=404 attempt=1 elapsed_ms=",
    ] {
        assert!(log.contains(expected), "missing `{expected}` in:\n{log}");
    }
    assert!(
        !log.contains(TOKEN),
        "the token leaked into the log:\n{log}"
    );
    assert!(!log.to_ascii_lowercase().contains("bearer"), "{log}");
}
