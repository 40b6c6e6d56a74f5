//! `Client::from_env`. Alone in its test binary: it changes the process environment.

use beeper_desktop_api::Client;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

#[tokio::test]
async fn from_env_reads_the_token_and_the_base_url() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    // SAFETY: this is the only test in this binary, so no other thread reads or writes
    // the environment meanwhile.
    unsafe {
        std::env::set_var("BEEPER_ACCESS_TOKEN", "env-token");
        std::env::set_var("BEEPER_BASE_URL", &server.url);
    }
    let client = Client::from_env().unwrap();
    client.accounts().list().await.unwrap();
    let received = server.received();
    let auth = received[0]
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.as_str());
    assert_eq!(auth, Some("Bearer env-token"));
    assert_eq!(client.base_url(), server.url);

    // An empty variable counts as unset: the default server, and no token.
    unsafe {
        std::env::set_var("BEEPER_ACCESS_TOKEN", "  ");
        std::env::remove_var("BEEPER_BASE_URL");
    }
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://localhost:23373");

    // As the crate docs say: without a token, `from_env` succeeds, the public
    // operations work (and send no credential), and the others fail before sending,
    // naming the variable to set.
    let info = sdk_tests::example("GET", "/v1/info");
    let server = FaultServer::start(vec![Reply::json(200, &info)]).await;
    unsafe {
        std::env::set_var("BEEPER_BASE_URL", &server.url);
    }
    let client = Client::from_env().unwrap();
    client.info().retrieve().await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].target, "/v1/info");
    assert!(
        !received[0]
            .headers
            .iter()
            .any(|(k, _)| k == "authorization"),
        "{:?}",
        received[0].headers
    );
    let err = client.accounts().list().await.unwrap_err();
    assert_eq!(
        err.kind(),
        beeper_desktop_api::ErrorKind::MissingCredentials
    );
    assert!(err.to_string().contains("BEEPER_ACCESS_TOKEN"), "{err}");
    assert_eq!(server.received().len(), 1, "nothing more was sent");
}
