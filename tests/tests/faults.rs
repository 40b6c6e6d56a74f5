//! Fault injection: a server on 127.0.0.1 misbehaves on purpose, and each test
//! asserts how many times the request was sent and what kind of error came back.

use std::time::{Duration, Instant};

use beeper_desktop_api::models::BridgesLoginSessionsStepsSubmitType;
use beeper_desktop_api::{Client, Error, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply, refusing_url};
use serde_json::json;

/// A client with short backoffs, so that retries do not slow the suite down.
fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(40))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn ok_accounts() -> Reply {
    Reply::json(200, &json!([]))
}

fn session() -> serde_json::Value {
    json!({"bridgeID": "b", "loginSessionID": "s", "status": "waiting_for_input"})
}

#[tokio::test]
async fn a_500_then_a_200_succeeds_on_the_second_attempt() {
    let server = FaultServer::start(vec![
        Reply::json(500, &json!({"code": "BOOM", "message": "boom"})),
        ok_accounts(),
    ])
    .await;

    let response = client(&server.url)
        .accounts()
        .list()
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(server.attempts(), 2);
    assert_eq!(response.attempts, 2);
    assert!(response.data.is_empty());
}

#[tokio::test]
async fn three_500s_give_a_server_error_after_three_attempts() {
    let server = FaultServer::start(vec![Reply::json(
        500,
        &json!({"code": "BOOM", "message": "still broken"}),
    )])
    .await;

    let err = client(&server.url).accounts().list().await.unwrap_err();

    assert_eq!(server.attempts(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.as_status().unwrap().message(), Some("still broken"));
}

#[tokio::test]
async fn a_429_with_retry_after_waits_that_long() {
    let server = FaultServer::start(vec![
        Reply::json(429, &json!({"code": "RATE", "message": "slow down"}))
            .with_header("retry-after", "1"),
        ok_accounts(),
    ])
    .await;
    // Default backoff: the wait must come from the header, not from 10 ms settings.
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .build()
        .unwrap();

    let started = Instant::now();
    client.accounts().list().await.unwrap();

    let waited = started.elapsed();
    assert_eq!(server.attempts(), 2);
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = FaultServer::start(vec![
        Reply::json(503, &json!({})).with_header("retry-after-ms", "300"),
        ok_accounts(),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .build()
        .unwrap();

    let started = Instant::now();
    client.accounts().list().await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.attempts(), 2);
}

#[tokio::test]
async fn a_404_is_one_attempt_and_a_typed_error_with_the_body_fields() {
    let server = FaultServer::start(vec![Reply::json(
        404,
        &json!({"code": "NOT_FOUND", "message": "No such account", "details": {"id": "x"}}),
    )])
    .await;

    let err = client(&server.url)
        .accounts()
        .retrieve("x")
        .await
        .unwrap_err();

    assert_eq!(server.attempts(), 1);
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let status = err.as_status().unwrap();
    assert_eq!(status.status.as_u16(), 404);
    assert_eq!(status.code(), Some("NOT_FOUND"));
    assert_eq!(status.message(), Some("No such account"));
    assert_eq!(status.details(), Some(&json!({"id": "x"})));
    assert_eq!(
        status.headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_path_and_excerpt_and_is_not_retried() {
    let server = FaultServer::start(vec![Reply::text(
        200,
        "application/json",
        r#"{"items": [{"id": "b1", "accounts": []"#,
    )])
    .await;

    let err = client(&server.url).bridges().list().await.unwrap_err();

    assert_eq!(server.attempts(), 1);
    assert_eq!(err.kind(), ErrorKind::Decode);
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "items[0]");
    assert!(
        decode.excerpt.starts_with(r#"{"items": [{"id": "b1""#),
        "{}",
        decode.excerpt
    );
    assert!(err.to_string().contains("GET /v1/bridges"), "{err}");
}

#[tokio::test]
async fn a_wrongly_typed_field_names_its_path() {
    let body = json!({"items": [{"id": "b1", "accounts": [], "activeAccountCount": "many", "displayName": "B", "provider": "cloud", "status": "available", "supportsMultipleAccounts": true, "type": "t"}]});
    let server = FaultServer::start(vec![Reply::json(200, &body)]).await;

    let err = client(&server.url).bridges().list().await.unwrap_err();

    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "items[0].activeAccountCount");
}

#[tokio::test]
async fn an_html_502_page_is_retried_then_kept_as_raw_text() {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n";
    let server = FaultServer::start(vec![Reply::text(502, "text/html", html)]).await;

    let err = client(&server.url).accounts().list().await.unwrap_err();

    assert_eq!(server.attempts(), 3);
    assert_eq!(err.kind(), ErrorKind::Server);
    let status = err.as_status().unwrap();
    assert!(status.body.is_none());
    assert_eq!(status.raw_body, html);
    assert_eq!(
        err.to_string(),
        "GET /v1/accounts returned 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body>nginx</body> </html>"
    );
}

#[tokio::test]
async fn an_empty_error_body_says_so() {
    let server = FaultServer::start(vec![Reply::Status {
        status: 400,
        headers: vec![],
        body: vec![],
    }])
    .await;

    let err = client(&server.url).accounts().list().await.unwrap_err();

    assert_eq!(server.attempts(), 1);
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(
        err.to_string(),
        "GET /v1/accounts returned 400 Bad Request with no body"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_a_connection_error() {
    let url = refusing_url().await;

    let err = client(&url).accounts().list().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_configured_time() {
    let server = FaultServer::start(vec![Reply::Hang]).await;
    let client = client(&server.url)
        .to_builder()
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.accounts().list().await.unwrap_err();

    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.attempts(), 1);
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_timeout_is_retried_and_the_timeout_can_be_set_per_request() {
    let server = FaultServer::start(vec![Reply::Hang, Reply::Hang, ok_accounts()]).await;

    let started = Instant::now();
    client(&server.url)
        .accounts()
        .list()
        .with_timeout(Duration::from_millis(200))
        .await
        .unwrap();

    assert_eq!(server.attempts(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_connection_closed_mid_response_is_retried_then_a_connection_error() {
    let server = FaultServer::start(vec![Reply::CutShort {
        declared: 1000,
        body: br#"[{"accountID": "a"#.to_vec(),
    }])
    .await;

    let err = client(&server.url).accounts().list().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(server.attempts(), 3);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_connection_error() {
    let server = FaultServer::start(vec![Reply::Close]).await;

    let err = client(&server.url)
        .accounts()
        .list()
        .with_max_retries(1)
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(server.attempts(), 2);
}

/// About 50 MB of accounts.
fn big_body() -> Vec<u8> {
    let one = serde_json::to_vec(&json!({
        "accountID": "local-whatsapp_ba_EvYDBBsZbRQAy3UOSWqG0LuTVkc",
        "bridge": {"id": "local-whatsapp", "provider": "local", "type": "whatsapp"},
        "status": "connected",
        "user": {"id": "ba_EvYDBBsZbRQAy3UOSWqG0LuTVkc", "fullName": "Some Body", "phoneNumber": "+15550101001"},
        "network": "WhatsApp"
    }))
    .unwrap();
    let count = 50 * 1024 * 1024 / (one.len() + 1) + 1;
    let mut body = Vec::with_capacity(count * (one.len() + 1) + 2);
    body.push(b'[');
    for i in 0..count {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&one);
    }
    body.push(b']');
    body
}

#[tokio::test]
async fn a_50_mb_response_is_read_and_decoded() {
    let body = big_body();
    assert!(body.len() >= 50 * 1024 * 1024);
    let server = FaultServer::start(vec![Reply::Status {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    }])
    .await;

    let accounts = client(&server.url)
        .to_builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
        .accounts()
        .list()
        .await
        .unwrap();

    assert!(accounts.len() > 150_000, "{}", accounts.len());
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn a_response_over_the_size_limit_is_refused_cleanly() {
    let server = FaultServer::start(vec![Reply::Status {
        status: 200,
        headers: vec![],
        body: big_body(),
    }])
    .await;
    let client = client(&server.url)
        .to_builder()
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();

    let err = client.accounts().list().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(server.attempts(), 1);
    assert!(
        err.to_string().contains("more than the limit of 1048576"),
        "{err}"
    );
}

#[tokio::test]
async fn a_post_that_gets_a_500_is_not_sent_again() {
    let server = FaultServer::start(vec![
        Reply::json(500, &json!({"code": "BOOM", "message": "boom"})),
        Reply::json(200, &session()),
    ])
    .await;

    let err = client(&server.url)
        .bridges()
        .login_sessions()
        .create("b")
        .await
        .unwrap_err();

    assert_eq!(
        server.attempts(),
        1,
        "the server may have created a session"
    );
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn a_post_that_times_out_is_not_sent_again() {
    let server = FaultServer::start(vec![Reply::Hang, Reply::json(200, &session())]).await;

    let err = client(&server.url)
        .bridges()
        .login_sessions()
        .steps()
        .submit(
            "b",
            "s",
            "x",
            BridgesLoginSessionsStepsSubmitType::UserInput,
        )
        .with_timeout(Duration::from_millis(200))
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn a_post_that_is_rate_limited_or_refused_is_sent_again() {
    // 429 and 503: the server did not act on the request.
    let server = FaultServer::start(vec![
        Reply::json(429, &json!({})),
        Reply::json(503, &json!({})),
        Reply::json(200, &session()),
    ])
    .await;
    client(&server.url)
        .bridges()
        .login_sessions()
        .create("b")
        .await
        .unwrap();
    assert_eq!(server.attempts(), 3);
    let received = server.received();
    assert!(
        received
            .iter()
            .all(|r| r.method == "POST" && r.body == b"{}")
    );

    // A refused connection: nothing reached a server.
    let url = refusing_url().await;
    let err = client(&url)
        .bridges()
        .login_sessions()
        .create("b")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn an_operation_the_spec_marks_idempotent_is_retried_like_a_get() {
    let cancelled = json!({"bridgeID": "b", "loginSessionID": "s", "status": "cancelled"});
    let server = FaultServer::start(vec![
        Reply::json(500, &json!({})),
        Reply::json(200, &cancelled),
    ])
    .await;

    client(&server.url)
        .bridges()
        .login_sessions()
        .cancel("b", "s")
        .await
        .unwrap();

    assert_eq!(server.attempts(), 2);
    assert!(server.received().iter().all(|r| r.method == "DELETE"));
}

#[tokio::test]
async fn the_server_can_overrule_the_status_rule() {
    let server = FaultServer::start(vec![
        Reply::json(400, &json!({})).with_header("x-should-retry", "true"),
        ok_accounts(),
    ])
    .await;
    client(&server.url).accounts().list().await.unwrap();
    assert_eq!(server.attempts(), 2);

    let server = FaultServer::start(vec![
        Reply::json(500, &json!({})).with_header("x-should-retry", "false"),
        ok_accounts(),
    ])
    .await;
    let err = client(&server.url).accounts().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.attempts(), 1);

    // Even a POST, when the server says so.
    let server = FaultServer::start(vec![
        Reply::json(500, &json!({})).with_header("x-should-retry", "true"),
        Reply::json(200, &session()),
    ])
    .await;
    client(&server.url)
        .bridges()
        .login_sessions()
        .create("b")
        .await
        .unwrap();
    assert_eq!(server.attempts(), 2);
}

#[tokio::test]
async fn statuses_map_to_error_kinds() {
    for (status, kind) in [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (422, ErrorKind::UnprocessableEntity),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (503, ErrorKind::Server),
        (418, ErrorKind::OtherStatus),
    ] {
        let server = FaultServer::start(vec![Reply::json(
            status,
            &json!({"code": "C", "message": "m"}),
        )])
        .await;
        let err = client(&server.url)
            .accounts()
            .list()
            .with_max_retries(0)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status().unwrap().as_u16(), status);
    }
}
