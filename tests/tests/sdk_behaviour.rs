//! Behaviour of the SDK over HTTP: forward compatibility, auto-pagination, typed
//! errors, and requests refused before they are sent.

use beeper_desktop_api::models::{Account, AccountStatus, CurrentStep, Direction};
use beeper_desktop_api::{Client, ErrorKind};
use futures_util::TryStreamExt;
use sdk_tests::{TestServer, example};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_survive_a_round_trip() {
    let t = TestServer::start().await;
    let mut body = example("GET", "/v1/accounts/{accountID}");
    body["status"] = json!("hibernating");
    body["bridge"]["provider"] = json!("satellite");
    body["brandNewField"] = json!({"nested": [1, 2, 3]});
    body["user"]["pronouns"] = json!("they/them");
    t.respond(200, body.clone()).await;

    let account: Account = t.client.accounts().retrieve("matrix").await.unwrap();

    assert_eq!(account.status, AccountStatus::Unknown("hibernating".into()));
    assert_eq!(account.status.as_str(), "hibernating");
    assert_eq!(account.bridge.provider.as_str(), "satellite");
    assert_eq!(account.extra["brandNewField"], json!({"nested": [1, 2, 3]}));
    assert_eq!(account.user.extra["pronouns"], json!("they/them"));
    // Written back, the value is what the server sent.
    assert_eq!(serde_json::to_value(&account).unwrap(), body);
}

#[tokio::test]
async fn an_unknown_step_type_is_kept_as_json() {
    let t = TestServer::start().await;
    let mut body = example(
        "GET",
        "/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}",
    );
    body["currentStep"] = json!({"type": "passkey", "stepID": "s1", "challenge": "abc"});
    t.respond(200, body).await;

    let session = t
        .client
        .bridges()
        .login_sessions()
        .retrieve("b", "s")
        .await
        .unwrap();

    assert_eq!(
        session.current_step,
        Some(CurrentStep::Unknown(
            json!({"type": "passkey", "stepID": "s1", "challenge": "abc"})
        ))
    );
}

fn contact(id: &str) -> serde_json::Value {
    json!({"id": id, "fullName": format!("Contact {id}")})
}

#[tokio::test]
async fn contacts_list_auto_paginates_over_three_pages() {
    let t = TestServer::start().await;
    let page = |cursor: Option<&str>, body: serde_json::Value| {
        let mock = Mock::given(method("GET"))
            .and(path("/v1/accounts/matrix/contacts/list"))
            .and(query_param("limit", "2"));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
    };
    page(None, json!({"items": [contact("a"), contact("b")], "hasMore": true, "oldestCursor": "c1", "newestCursor": "n1"}))
        .mount(&t.server)
        .await;
    page(Some("c1"), json!({"items": [contact("c"), contact("d")], "hasMore": true, "oldestCursor": "c2", "newestCursor": "n2"}))
        .mount(&t.server)
        .await;
    page(
        Some("c2"),
        json!({"items": [contact("e")], "hasMore": false, "oldestCursor": "c3"}),
    )
    .mount(&t.server)
    .await;

    let contacts: Vec<_> = t
        .client
        .accounts()
        .contacts()
        .list("matrix")
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let queries: Vec<String> = t
        .requests()
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        queries,
        ["limit=2", "cursor=c1&limit=2", "cursor=c2&limit=2"]
    );
}

#[tokio::test]
async fn a_walk_towards_newer_items_follows_the_newest_cursor() {
    let t = TestServer::start().await;
    Mock::given(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [contact("a")], "hasMore": true, "oldestCursor": "old-1", "newestCursor": "new-1"})))
        .mount(&t.server)
        .await;
    Mock::given(query_param("cursor", "new-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [contact("b")], "hasMore": false})),
        )
        .mount(&t.server)
        .await;

    let pages: Vec<_> = t
        .client
        .accounts()
        .contacts()
        .list("matrix")
        .direction(Direction::After)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    let queries: Vec<String> = t
        .requests()
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert_eq!(queries, ["direction=after", "cursor=new-1&direction=after"]);
}

#[tokio::test]
async fn pagination_stops_without_a_cursor() {
    let t = TestServer::start().await;
    t.respond(200, json!({"items": [contact("a")], "hasMore": true}))
        .await;

    let all = t
        .client
        .accounts()
        .contacts()
        .list("matrix")
        .collect_all()
        .await
        .unwrap();

    assert_eq!(all.len(), 1);
    assert_eq!(t.requests().await.len(), 1);
}

#[tokio::test]
async fn not_found_is_a_typed_error_with_the_body_fields() {
    let t = TestServer::start().await;
    t.respond(404, json!({"code": "NOT_FOUND", "message": "Account nope does not exist", "details": {"accountID": "nope"}})).await;

    let err = t.client.accounts().retrieve("nope").await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let status = err.as_status().expect("a status error");
    assert_eq!(status.code(), Some("NOT_FOUND"));
    assert_eq!(status.message(), Some("Account nope does not exist"));
    assert_eq!(status.details(), Some(&json!({"accountID": "nope"})));
    assert_eq!(
        err.to_string(),
        "GET /v1/accounts/nope returned 404 Not Found: NOT_FOUND: Account nope does not exist"
    );
    // A 404 is not retried.
    assert_eq!(err.attempts(), 1);
    assert_eq!(t.requests().await.len(), 1);
}

#[tokio::test]
async fn dot_segments_are_refused_before_anything_is_sent() {
    let t = TestServer::start().await;
    t.respond(200, json!({})).await;

    for id in ["..", ".", ""] {
        let err = t.client.bridges().retrieve(id).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{id:?}: {err}");
    }
    let err = t
        .client
        .bridges()
        .login_sessions()
        .cancel("b", "..")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(t.requests().await.is_empty());
}

#[tokio::test]
async fn an_operation_that_needs_a_token_fails_locally_without_one() {
    let t = TestServer::start().await;
    t.respond(200, json!([])).await;
    let client = Client::builder().base_url(t.server.uri()).build().unwrap();

    let err = client.accounts().list().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::MissingCredentials);
    assert!(err.to_string().contains("BEEPER_ACCESS_TOKEN"), "{err}");
    assert!(t.requests().await.is_empty());
}
