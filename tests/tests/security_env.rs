//! `Client::from_env` of the crate generated from the security fixture: one variable
//! per credential, named after its scheme, and an error that names exactly the
//! variables that are missing. Alone in its test binary: it changes the environment.

use fixture_security::{Client, ErrorKind};
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

const VARS: &[&str] = &[
    "FIXTURE_SECURITY_CLIENT_ID",
    "FIXTURE_SECURITY_CLIENT_SECRET",
    "FIXTURE_SECURITY_API_VERSION",
    "FIXTURE_SECURITY_QUERY_KEY",
    "FIXTURE_SECURITY_BASIC_AUTH_USERNAME",
    "FIXTURE_SECURITY_BASIC_AUTH_PASSWORD",
];

fn set(name: &str, value: &str) {
    // SAFETY: this is the only test in this binary, so no other thread reads or writes
    // the environment meanwhile.
    unsafe { std::env::set_var(name, value) }
}

#[tokio::test]
async fn from_env_reads_one_variable_per_credential_and_names_the_missing_ones() {
    let server = FaultServer::start(vec![Reply::json(200, &json!({"ok": true}))]).await;
    for var in VARS {
        // SAFETY: as above.
        unsafe { std::env::remove_var(var) }
    }
    set("FIXTURE_SECURITY_BASE_URL", &server.url);

    // Nothing set: the API has public operations, so the client is built, and a call
    // that needs credentials fails without sending anything.
    let client = Client::from_env().unwrap();
    client.public().await.unwrap();
    assert_eq!(
        client.list_things().await.unwrap_err().kind(),
        ErrorKind::MissingCredentials
    );

    // One of the three headers the first requirement needs, and no other credential:
    // set in part, so `from_env` says which variables complete it.
    set("FIXTURE_SECURITY_CLIENT_ID", "id-1");
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingCredentials);
    let message = err.to_string();
    assert!(
        message.contains(
            "set FIXTURE_SECURITY_CLIENT_SECRET and FIXTURE_SECURITY_API_VERSION \
             (ClientBuilder::client_secret, ClientBuilder::api_version), \
             or set FIXTURE_SECURITY_BEARER_AUTH"
        ),
        "{message}"
    );
    assert!(!message.contains("FIXTURE_SECURITY_CLIENT_ID"), "{message}");

    set("FIXTURE_SECURITY_CLIENT_SECRET", "secret-2");
    set("FIXTURE_SECURITY_API_VERSION", "v3");
    set("FIXTURE_SECURITY_QUERY_KEY", "qk");
    set("FIXTURE_SECURITY_BASIC_AUTH_USERNAME", "user");
    set("FIXTURE_SECURITY_BASIC_AUTH_PASSWORD", "pw-secret");
    let client = Client::from_env().unwrap();
    client.list_things().await.unwrap();
    client.by_basic_and_query().await.unwrap();
    let received = server.received();
    let header = |i: usize, name: &str| {
        received[i]
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let things = received.len() - 2;
    assert_eq!(header(things, "x-client-id").as_deref(), Some("id-1"));
    assert_eq!(
        header(things, "x-client-secret").as_deref(),
        Some("secret-2")
    );
    assert_eq!(header(things, "x-api-version").as_deref(), Some("v3"));
    assert_eq!(received[things + 1].target, "/basic?api_key=qk");
    assert_eq!(
        header(things + 1, "authorization").as_deref(),
        Some("Basic dXNlcjpwdy1zZWNyZXQ=")
    );
    // The secrets do not show in the client's `Debug`.
    let shown = format!("{client:?}");
    for secret in ["id-1", "secret-2", "pw-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
