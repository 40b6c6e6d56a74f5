//! Client and per-request configuration, logging, and keeping the token out of
//! everything a user might print.

use std::time::Duration;

use beeper_desktop_api::{Client, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

fn header<'a>(r: &'a sdk_tests::faults::Received, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn defaults_match_the_official_sdks() {
    let client = Client::builder().access_token(TOKEN).build().unwrap();
    assert_eq!(client.base_url(), "http://localhost:23373");
    let debug = format!("{client:?}");
    assert!(debug.contains("timeout: Some(30s)"), "{debug}");
    assert!(debug.contains("max_retries: 2"), "{debug}");
}

#[tokio::test]
async fn default_headers_per_request_headers_and_the_user_agent() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .default_header("x-team", "sdk")
        .build()
        .unwrap();

    client
        .accounts()
        .list()
        .with_header("x-request-id", "r-1")
        .with_header("x-team", "override")
        .await
        .unwrap();

    let r = &server.received()[0];
    assert_eq!(header(r, "x-request-id"), Some("r-1"));
    assert_eq!(header(r, "x-team"), Some("override"));
    assert_eq!(header(r, "accept"), Some("application/json"));
    assert!(
        header(r, "user-agent")
            .unwrap()
            .starts_with("beeper-desktop-api/"),
        "{r:?}"
    );
}

/// The crate's version is the Rust API's (`x-sdk.crate-version`), not the API's: the user
/// agent names the crate's, and `API_VERSION` keeps the API's in view.
#[tokio::test]
async fn the_user_agent_names_the_crate_version_and_api_version_is_the_specs() {
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/Cargo.toml"
    ))
    .unwrap();
    let crate_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    let api_version = sdk_tests::spec()["info"]["version"].as_str().unwrap();
    assert_eq!(beeper_desktop_api::API_VERSION, api_version);
    assert_ne!(
        crate_version, api_version,
        "x-sdk.crate-version is set apart"
    );

    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        // The re-exported reqwest is the one the builder takes.
        .http_client(beeper_desktop_api::reqwest::Client::new())
        .build()
        .unwrap();
    client.accounts().list().await.unwrap();
    let r = &server.received()[0];
    assert_eq!(
        header(r, "user-agent"),
        Some(format!("beeper-desktop-api/{crate_version} (rust)").as_str())
    );
}

#[tokio::test]
async fn an_existing_reqwest_client_can_be_used() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-reqwest", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .http_client(http)
        .build()
        .unwrap();

    client.accounts().list().await.unwrap();

    assert_eq!(header(&server.received()[0], "x-from-reqwest"), Some("yes"));
}

#[tokio::test]
async fn base_url_token_timeout_and_retries_can_be_set_per_request() {
    let first = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let second = FaultServer::start(vec![
        Reply::json(500, &json!({})),
        Reply::json(200, &json!([])),
    ])
    .await;
    let client = Client::builder()
        .base_url(&first.url)
        .access_token(TOKEN)
        .build()
        .unwrap();

    client
        .accounts()
        .list()
        .with_base_url(&second.url)
        .with_access_token("other-token")
        .with_max_retries(0)
        .await
        .unwrap_err();
    client.accounts().list().await.unwrap();

    assert_eq!(second.attempts(), 1, "no retries for this request");
    assert_eq!(
        header(&second.received()[0], "authorization"),
        Some("Bearer other-token")
    );
    assert_eq!(
        header(&first.received()[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_second_client_from_the_first_shares_its_settings() {
    let server = FaultServer::start(vec![Reply::json(500, &json!({}))]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .max_retries(0)
        .build()
        .unwrap();

    let patient = client
        .to_builder()
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    patient.accounts().list().await.unwrap_err();

    assert_eq!(server.attempts(), 2);
    assert!(
        server
            .received()
            .iter()
            .all(|r| header(r, "authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

#[tokio::test]
async fn a_bad_base_url_is_a_configuration_error() {
    let err = Client::builder().base_url("not a url").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = Client::builder()
        .base_url("ftp://host")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn the_token_never_shows_in_debug_output_or_errors() {
    let server = FaultServer::start(vec![Reply::json(
        401,
        &json!({"code": "UNAUTHORIZED", "message": "bad token"}),
    )])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .build()
        .unwrap();
    let request = client
        .accounts()
        .list()
        .with_access_token("per-request-secret");

    let printed = [
        format!("{client:?}"),
        format!("{:?}", client.to_builder()),
        format!("{request:?}"),
    ];
    let err = request.await.unwrap_err();
    let refused = Client::builder()
        .base_url(sdk_tests::faults::refusing_url().await)
        .access_token(TOKEN)
        .max_retries(0)
        .build()
        .unwrap();
    let transport = refused.accounts().list().await.unwrap_err();

    for text in printed.iter().chain([
        &format!("{err}"),
        &format!("{err:?}"),
        &format!("{transport}"),
        &format!("{transport:?}"),
    ]) {
        assert!(
            !text.contains(TOKEN) && !text.contains("per-request-secret"),
            "secret in: {text}"
        );
    }
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(
        header(&server.received()[0], "authorization"),
        Some("Bearer per-request-secret")
    );
}
