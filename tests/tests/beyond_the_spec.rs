//! Ways around the generated surface, against local servers: the escape hatch
//! (`client.get::<T>(path)` and friends) for endpoints the spec lacks, extra query
//! and body fields on generated requests, and hooks that see every attempt.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use beeper_desktop_api::reqwest::Method;
use beeper_desktop_api::runtime::{
    AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture, RawBody,
};
use beeper_desktop_api::{Client, ErrorKind, FilePart};
use sdk_tests::faults::{FaultServer, Reply};
use sdk_tests::{RequestExt, TOKEN, TestServer, assert_request};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Gadget {
    id: String,
    size: u32,
}

#[tokio::test]
async fn the_escape_hatch_sends_method_path_query_and_token_and_decodes_t() {
    let t = TestServer::start().await;
    t.respond(200, json!({"id": "g1", "size": 3})).await;

    let gadget: Gadget = t
        .client
        .get("/v1/gadgets/g1")
        .query("verbose", true)
        .query("tag", ["a b", "c"])
        .query("unset", None::<u32>)
        .await
        .unwrap();

    assert_eq!(
        gadget,
        Gadget {
            id: "g1".into(),
            size: 3
        }
    );
    let request = t.only_request().await;
    assert_request(
        &request,
        "GET",
        "/v1/gadgets/g1",
        Some("verbose=true&tag=a%20b&tag=c"),
    );
    assert_eq!(
        request.header_str("accept").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn the_escape_hatch_sends_json_bodies_and_reads_values_bytes_and_nothing() {
    let t = TestServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/gadgets"))
        .and(body_json(json!({"name": "new", "size": 2})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "g2", "extra": [1]})))
        .mount(&t.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/gadgets/g2/blob"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"\x00\xffraw".to_vec()))
        .mount(&t.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/gadgets/g2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&t.server)
        .await;

    let created = t
        .client
        .post::<Value>("/v1/gadgets")
        .json(json!({"name": "new", "size": 2}))
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(created.data, json!({"id": "g2", "extra": [1]}));

    let blob = t
        .client
        .get::<RawBody>("/v1/gadgets/g2/blob")
        .await
        .unwrap();
    assert_eq!(&blob[..], b"\x00\xffraw");
    let streamed = t
        .client
        .get::<RawBody>("/v1/gadgets/g2/blob")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(&streamed.collect().await.unwrap()[..], b"\x00\xffraw");

    let () = t.client.delete("/v1/gadgets/g2").await.unwrap();

    let requests = t.requests().await;
    assert_eq!(requests.len(), 4);
    for r in &requests {
        assert_eq!(
            r.header_str("authorization").as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    assert_eq!(
        requests[0].header_str("content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn the_escape_hatch_shares_retries_and_typed_errors_with_operations() {
    let server = FaultServer::start(vec![
        Reply::json(503, &json!({"error": "busy"})),
        Reply::json(200, &json!({"id": "g", "size": 1})),
        Reply::json(404, &json!({"code": "NOT_FOUND", "message": "no gadget"})),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap();

    let response = client
        .get::<Gadget>("/v1/gadgets/g")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.attempts, 2);
    assert_eq!(response.data.size, 1);

    let e = client
        .request::<Value>(Method::PUT, "/v1/gadgets/g")
        .json(json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.as_status().unwrap().message(), Some("no gadget"));
    assert_eq!(server.attempts(), 3);
}

#[tokio::test]
async fn the_escape_hatch_refuses_paths_that_leave_the_base_url() {
    let t = TestServer::start().await;
    t.respond(200, json!({})).await;
    // Another server on this machine, whose address a path could try to reach.
    let elsewhere = MockServer::start().await;
    let host = elsewhere.address().to_string();

    for bad in [
        format!("http://{host}/v1/x"),
        format!("//{host}/v1/x"),
        format!("/\\{host}/v1/x"),
        "/v1/../../steal".to_string(),
        "/v1/%2e%2e/steal".to_string(),
        "v1/x".to_string(),
        "/v1/x?token=1".to_string(),
    ] {
        let e = t.client.get::<Value>(bad.as_str()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{bad}: {e}");
    }

    assert!(t.requests().await.is_empty());
    assert!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn extra_query_and_body_fields_reach_the_wire_on_generated_methods() {
    let t = TestServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/assets/download"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"srcURL": "file:///tmp/a.png"})),
        )
        .mount(&t.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&t.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/assets/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"uploadID": "u1"})))
        .mount(&t.server)
        .await;

    t.client
        .assets()
        .download("mxc://a/b")
        .with_query("dryRun", "yes please")
        .with_body_field("priority", json!({"level": 2}))
        .with_body_field("url", "mxc://c/d")
        .await
        .unwrap();
    t.client
        .accounts()
        .list()
        .with_query("includeHidden", "true")
        .await
        .unwrap();
    t.client
        .assets()
        .upload(FilePart::bytes(&b"png"[..]).file_name("a.png"))
        .with_body_field("caption", "hello there")
        .await
        .unwrap();

    let requests = t.requests().await;
    assert_eq!(requests.len(), 3);
    assert_request(
        &requests[0],
        "POST",
        "/v1/assets/download",
        Some("dryRun=yes%20please"),
    );
    // The extra field is added, and one the operation has takes the new value.
    assert_eq!(
        requests[0].json_body(),
        json!({"url": "mxc://c/d", "priority": {"level": 2}})
    );
    assert_request(
        &requests[1],
        "GET",
        "/v1/accounts",
        Some("includeHidden=true"),
    );
    let multipart = String::from_utf8_lossy(&requests[2].body);
    assert!(
        multipart.contains("name=\"caption\"\r\n\r\nhello there\r\n"),
        "{multipart}"
    );
    assert!(multipart.contains("name=\"file\""), "{multipart}");
}

/// What a hook saw of one attempt.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    attempt: u32,
    method: String,
    path: String,
    status: Option<u16>,
    will_retry: bool,
}

/// Records every attempt and stamps it with an `x-attempt` header.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    debug: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        Box::pin(async move {
            let n = request.attempt().to_string();
            request
                .headers_mut()
                .insert("x-attempt", n.parse().unwrap());
            self.debug.lock().unwrap().push(format!("{request:?}"));
        })
    }

    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        self.seen.lock().unwrap().push(Seen {
            attempt: request.attempt(),
            method: request.method().to_string(),
            path: request.url().path().to_string(),
            status: outcome.status().map(|s| s.as_u16()),
            will_retry: outcome.will_retry(),
        });
        Box::pin(async { AfterAttempt::Proceed })
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_and_its_header_reaches_the_server() {
    let server = FaultServer::start(vec![
        Reply::json(503, &json!({})),
        Reply::json(502, &json!({})),
        Reply::json(200, &json!([])),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(10))
        .hook(recorder.clone())
        .build()
        .unwrap();

    let response = client.accounts().list().send_with_response().await.unwrap();
    assert_eq!(response.attempts, 3);

    let seen = |attempt, status, will_retry| Seen {
        attempt,
        method: "GET".into(),
        path: "/v1/accounts".into(),
        status: Some(status),
        will_retry,
    };
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        vec![seen(1, 503, true), seen(2, 502, true), seen(3, 200, false)]
    );
    let stamped: Vec<_> = server
        .received()
        .iter()
        .map(|r| {
            r.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-attempt"))
                .map(|(_, v)| v.clone())
        })
        .collect();
    assert_eq!(
        stamped,
        vec![Some("1".into()), Some("2".into()), Some("3".into())]
    );
    // The hook saw the token, but its Debug output does not show it.
    for line in recorder.debug.lock().unwrap().iter() {
        assert!(!line.contains(TOKEN), "{line}");
        assert!(line.contains("x-attempt"), "{line}");
    }
}

/// On a 401, fetches a new token from the server and asks for the request again;
/// from then on, sends that token instead of the client's.
struct RefreshToken {
    refresh_url: String,
    token: tokio::sync::Mutex<Option<String>>,
}

impl RefreshToken {
    fn new(refresh_url: String) -> RefreshToken {
        RefreshToken {
            refresh_url,
            token: tokio::sync::Mutex::new(None),
        }
    }
}

impl Hook for RefreshToken {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        Box::pin(async move {
            if let Some(token) = self.token.lock().await.clone() {
                request
                    .headers_mut()
                    .insert("authorization", format!("Bearer {token}").parse().unwrap());
            }
        })
    }

    fn after_attempt<'a>(
        &'a self,
        _request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        Box::pin(async move {
            if outcome.status().map(|s| s.as_u16()) != Some(401) {
                return AfterAttempt::Proceed;
            }
            let fresh = reqwest::Client::new()
                .post(&self.refresh_url)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let fresh: Value = serde_json::from_slice(&fresh).unwrap();
            *self.token.lock().await = Some(fresh["token"].as_str().unwrap().to_string());
            AfterAttempt::Retry
        })
    }
}

#[tokio::test]
async fn a_hook_refreshes_the_token_after_a_401_and_the_request_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/accounts"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/accounts"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "token expired"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "fresh"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("stale")
        .hook(RefreshToken::new(format!("{}/refresh", server.uri())))
        .build()
        .unwrap();

    let response = client.accounts().list().send_with_response().await.unwrap();
    assert_eq!(response.attempts, 2);

    let requests = server.received_requests().await.unwrap();
    let sent: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                r.url.path().to_string(),
                r.header_str("authorization").unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            ("/v1/accounts".to_string(), "Bearer stale".to_string()),
            ("/refresh".to_string(), String::new()),
            ("/v1/accounts".to_string(), "Bearer fresh".to_string()),
        ]
    );

    // A hook that keeps asking is held to max_retries: 1 + 1 attempts, then the 401.
    let t = TestServer::start().await;
    t.respond(401, json!({})).await;
    Mock::given(method("POST"))
        .and(path("/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "still-bad"})))
        .with_priority(1)
        .mount(&t.server)
        .await;
    let client = t
        .client
        .to_builder()
        .max_retries(1)
        .hook(RefreshToken::new(format!("{}/refresh", t.server.uri())))
        .build()
        .unwrap();
    let e = client.accounts().list().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.attempts(), 2);
    let accounts_requests = t
        .requests()
        .await
        .iter()
        .filter(|r| r.url.path() == "/v1/accounts")
        .count();
    assert_eq!(accounts_requests, 2);
}

struct Hang;

impl Hook for Hang {
    fn before_attempt<'a>(&'a self, _request: &'a mut AttemptRequest) -> HookFuture<'a> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_hook_that_hangs_is_bounded_by_the_request_timeout() {
    let t = TestServer::start().await;
    t.respond(200, json!([])).await;
    let client = t
        .client
        .to_builder()
        .timeout(Duration::from_millis(200))
        .hook(Hang)
        .build()
        .unwrap();

    let started = Instant::now();
    let e = client.accounts().list().await.unwrap_err();

    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(t.requests().await.is_empty());
    // The escape hatch is bounded the same way.
    let e = client.get::<Value>("/v1/anything").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(t.requests().await.is_empty());
}
