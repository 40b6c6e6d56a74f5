//! The crate's examples (`generated/examples/`), run against a local server: each
//! example's logic is a function, included here from its file, so that what the
//! examples show is what a server sees and what a user gets back.

use std::time::Duration;

use beeper_desktop_api::models::LoginSessionStatus;
use beeper_desktop_api::{Client, ErrorKind, FilePart};
use sdk_tests::{RequestExt, TOKEN, TestServer, example};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

// Each file is a binary with a `main`, which is not called here.
#[allow(dead_code)]
#[path = "../../generated/examples/bridge_login.rs"]
mod bridge_login;
#[allow(dead_code)]
#[path = "../../generated/examples/handle_errors.rs"]
mod handle_errors;
#[allow(dead_code)]
#[path = "../../generated/examples/list_accounts.rs"]
mod list_accounts;
#[allow(dead_code)]
#[path = "../../generated/examples/mock_server.rs"]
mod mock_server;
#[allow(dead_code)]
#[path = "../../generated/examples/send_attachment.rs"]
mod send_attachment;
#[allow(dead_code)]
#[path = "../../generated/examples/walk_contacts.rs"]
mod walk_contacts;

async fn mount(server: &MockServer, verb: &str, route: &str, status: u16, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_accounts_prints_one_line_per_account() {
    let t = TestServer::start().await;
    let accounts = example("GET", "/v1/accounts");
    t.respond(200, accounts.clone()).await;

    let lines = list_accounts::account_lines(&t.client).await.unwrap();

    let first = &accounts[0];
    assert_eq!(lines.len(), accounts.as_array().unwrap().len());
    assert_eq!(
        lines[0],
        format!(
            "{} ({}): {}",
            first["accountID"].as_str().unwrap(),
            first["network"].as_str().unwrap(),
            first["status"].as_str().unwrap()
        )
    );
    let request = t.only_request().await;
    assert_eq!(request.url.path(), "/v1/accounts");
    assert_eq!(
        request.header_str("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

/// Two pages: the walk follows the first page's cursor, and stops at `max`.
async fn contacts_server() -> TestServer {
    let t = TestServer::start().await;
    let route = "/v1/accounts/acc-1/contacts/list";
    Mock::given(method("GET"))
        .and(path(route))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": "u1", "fullName": "Alice"}, {"id": "u2"}],
            "hasMore": true, "oldestCursor": "c1", "newestCursor": "c0"
        })))
        .mount(&t.server)
        .await;
    Mock::given(method("GET"))
        .and(path(route))
        .and(query_param("cursor", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": "u3", "fullName": "Carol"}], "hasMore": false
        })))
        .mount(&t.server)
        .await;
    t
}

#[tokio::test]
async fn walk_contacts_streams_every_page() {
    let t = contacts_server().await;
    let names = walk_contacts::contact_names(&t.client, "acc-1", 100)
        .await
        .unwrap();
    assert_eq!(names, ["Alice", "u2", "Carol"]);
    let requests = t.requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.query(), Some("limit=100"));
    let second: Vec<_> = requests[1].url.query_pairs().collect();
    assert!(
        second.iter().any(|(k, v)| k == "cursor" && v == "c1"),
        "{second:?}"
    );
}

#[tokio::test]
async fn walk_contacts_stops_at_max_without_fetching_further() {
    let t = contacts_server().await;
    let names = walk_contacts::contact_names(&t.client, "acc-1", 2)
        .await
        .unwrap();
    assert_eq!(names, ["Alice", "u2"]);
    assert_eq!(t.requests().await.len(), 1);
}

#[tokio::test]
async fn send_attachment_uploads_then_sends_the_upload() {
    let t = TestServer::start().await;
    mount(
        &t.server,
        "POST",
        "/v1/assets/upload",
        200,
        json!({
            "uploadID": "up-1", "fileName": "hello.txt", "mimeType": "text/plain", "fileSize": 5
        }),
    )
    .await;
    mount(
        &t.server,
        "POST",
        "/v1/chats/!chat:beeper.local/messages",
        200,
        json!({
            "chatID": "!chat:beeper.local", "pendingMessageID": "pending-1"
        }),
    )
    .await;

    let file = FilePart::bytes(b"hello".to_vec())
        .file_name("hello.txt")
        .mime_type("text/plain");
    let sent = send_attachment::send_file(&t.client, "!chat:beeper.local", file, "a file")
        .await
        .unwrap();

    assert_eq!(sent.pending_message_id, "pending-1");
    let requests = t.requests().await;
    assert_eq!(requests.len(), 2);
    let upload = &requests[0];
    assert_eq!(upload.url.path(), "/v1/assets/upload");
    let content_type = upload.header_str("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let form = String::from_utf8_lossy(&upload.body);
    assert!(
        form.contains("filename=\"hello.txt\"") && form.contains("hello"),
        "{form}"
    );
    assert_eq!(
        requests[1].json_body(),
        json!({
            "text": "a file",
            "attachment": {"uploadID": "up-1", "fileName": "hello.txt", "mimeType": "text/plain"}
        })
    );
}

#[tokio::test]
async fn send_attachment_sends_nothing_when_the_upload_is_refused() {
    let t = TestServer::start().await;
    mount(
        &t.server,
        "POST",
        "/v1/assets/upload",
        200,
        json!({"error": "file too large"}),
    )
    .await;
    let error = send_attachment::send_file(&t.client, "c", FilePart::bytes(vec![0; 8]), "x")
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "upload refused: file too large");
    assert_eq!(t.requests().await.len(), 1);
}

#[tokio::test]
async fn bridge_login_goes_through_every_step() {
    let t = TestServer::start().await;
    let base = "/v1/bridges/local-whatsapp";
    let session = |status: &str, step: serde_json::Value| {
        let mut s = json!({"bridgeID": "local-whatsapp", "loginSessionID": "s1", "status": status});
        if !step.is_null() {
            s["currentStep"] = step;
        }
        s
    };
    mount(
        &t.server,
        "GET",
        &format!("{base}/login-flows"),
        200,
        json!({
            "items": [{"id": "phone", "name": "Phone number"}]
        }),
    )
    .await;
    mount(&t.server, "POST", &format!("{base}/login-sessions"), 200, session(
        "waiting_for_input",
        json!({"type": "user_input", "stepID": "st-1", "fields": [{"id": "phone", "label": "Phone"}]}),
    ))
    .await;
    mount(&t.server, "POST", &format!("{base}/login-sessions/s1/steps/st-1"), 200, session(
        "waiting_for_display",
        json!({"type": "display_and_wait", "stepID": "st-2", "display": {"type": "code", "data": "1234-5678"}, "instructions": "Enter the code on your phone"}),
    ))
    .await;
    let mut done = session("complete", serde_json::Value::Null);
    done["accountID"] = json!("acc-new");
    mount(
        &t.server,
        "GET",
        &format!("{base}/login-sessions/s1"),
        200,
        done,
    )
    .await;

    let mut asked = Vec::new();
    let answer = |field: &beeper_desktop_api::models::LoginInputField| {
        asked.push(field.id.clone());
        "+15551234567".to_string()
    };
    let end = bridge_login::log_in(
        &t.client,
        "local-whatsapp",
        answer,
        Duration::from_millis(10),
    )
    .await
    .unwrap();

    assert_eq!(end.status, LoginSessionStatus::Complete);
    assert_eq!(end.account_id.as_deref(), Some("acc-new"));
    assert_eq!(asked, ["phone"]);
    let requests = t.requests().await;
    let calls: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        calls,
        [
            format!("GET {base}/login-flows"),
            format!("POST {base}/login-sessions"),
            format!("POST {base}/login-sessions/s1/steps/st-1"),
            format!("GET {base}/login-sessions/s1"),
        ]
    );
    assert_eq!(requests[1].json_body(), json!({"flowID": "phone"}));
    assert_eq!(
        requests[2].json_body(),
        json!({"type": "user_input", "fields": {"phone": "+15551234567"}})
    );
}

#[tokio::test]
async fn handle_errors_reads_not_found_as_none_and_explains_the_rest() {
    let t = TestServer::start().await;
    mount(
        &t.server,
        "GET",
        "/v1/bridges/gone",
        404,
        json!({"code": "not_found", "message": "no such bridge"}),
    )
    .await;
    mount(
        &t.server,
        "GET",
        "/v1/bridges/locked",
        401,
        json!({"code": "unauthorized", "message": "token expired"}),
    )
    .await;
    mount(
        &t.server,
        "GET",
        "/v1/bridges/broken",
        500,
        json!({"code": "internal", "message": "database is locked"}),
    )
    .await;

    assert!(
        handle_errors::find_bridge(&t.client, "gone")
            .await
            .unwrap()
            .is_none()
    );

    let error = handle_errors::find_bridge(&t.client, "locked")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(
        handle_errors::explain(&error),
        "check BEEPER_ACCESS_TOKEN (Beeper Desktop > Settings > Developers) (401 unauthorized: token expired; 1 attempt(s))"
    );

    let no_retries = Client::builder()
        .base_url(t.server.uri())
        .access_token(TOKEN)
        .max_retries(0)
        .build()
        .unwrap();
    let error = handle_errors::find_bridge(&no_retries, "broken")
        .await
        .unwrap_err();
    assert_eq!(
        handle_errors::explain(&error),
        "the server is struggling; try later (500 internal: database is locked; 1 attempt(s))"
    );
}

#[tokio::test]
async fn mock_server_example_checks_pass() {
    mock_server::check_my_app().await;
}
