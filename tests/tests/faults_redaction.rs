//! Secrets stay out of what users print: `Debug` of the client, the builder, requests,
//! params and errors, and `Display` of errors; they still reach the server intact.

use std::collections::BTreeMap;
use std::time::Duration;

use beeper_desktop_api::runtime::Secret;
use beeper_desktop_api::{Client, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

const SECRETS: [&str; 5] = ["key-7a1", "s3ss10n", "hunter2", TOKEN, "custom-9z"];

fn assert_hidden(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
}

fn builder(url: &str) -> beeper_desktop_api::ClientBuilder {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .default_header("x-api-key", "key-7a1")
        .default_header("cookie", "session=s3ss10n")
        .sensitive_header("x-custom", "custom-9z")
        .default_header("x-app", "my-app")
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(40))
}

#[tokio::test]
async fn the_client_and_its_builder_show_no_credential_but_send_them_all() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let with_password = server.url.replace("http://", "http://me:hunter2@");
    let builder = builder(&with_password);
    assert_hidden("the builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();

    let shown = format!("{client:?} {:?}", client.to_builder());
    assert_hidden("the client", &shown);
    assert!(shown.contains("my-app"), "other headers are shown: {shown}");
    assert!(shown.contains("x-custom"), "names are shown: {shown}");

    client.accounts().list().await.unwrap();
    let headers = &server.received()[0].headers;
    let sent = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(sent("x-api-key").as_deref(), Some("key-7a1"));
    assert_eq!(sent("cookie").as_deref(), Some("session=s3ss10n"));
    assert_eq!(sent("x-custom").as_deref(), Some("custom-9z"));
}

#[tokio::test]
async fn secret_request_fields_are_redacted_in_requests_and_params_and_sent_plainly() {
    let server = FaultServer::start(vec![Reply::json(200, &json!({}))]).await;
    let client = builder(&server.url).build().unwrap();

    let request = client
        .app()
        .setup()
        .recovery_key()
        .verify("hunter2")
        .with_header("authorization", "Bearer key-7a1");
    assert_hidden("the request", &format!("{request:?}"));
    assert_hidden("the params", &format!("{:?}", request.params()));
    let _ = request.await;

    let fields = BTreeMap::from([("password".to_string(), Secret::from("hunter2"))]);
    let submit = client
        .bridges()
        .login_sessions()
        .steps()
        .submit(
            "b",
            "s",
            "step",
            beeper_desktop_api::models::BridgesLoginSessionsStepsSubmitType::UserInput,
        )
        .fields(fields);
    assert_hidden("the login step", &format!("{submit:?}"));
    let register = client.app().setup().register("s3ss10n", "setup-1", "alice");
    assert_hidden("the registration", &format!("{register:?}"));

    let received = server.received();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body, json!({"recoveryKey": "hunter2"}));
}

#[tokio::test]
async fn errors_show_no_url_password_nor_credential_header() {
    let err = Client::builder()
        .base_url("http://me:hunter2@127.0.0.1:1/?x=1")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_hidden("a config error", &format!("{err} {err:?}"));

    let server = FaultServer::start(vec![
        Reply::json(401, &json!({"message": "no"})).with_header("set-cookie", "sid=s3ss10n"),
    ])
    .await;
    let err = builder(&server.url)
        .build()
        .unwrap()
        .accounts()
        .list()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_hidden("a status error", &format!("{err} {err:?}"));
}
