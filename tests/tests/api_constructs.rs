//! What the full API adds, over HTTP on 127.0.0.1: multipart uploads, binary
//! responses, responses without content, PATCH bodies where absent and null differ,
//! the cursor paginations of chats and messages, list/boolean/date-time query
//! parameters, public operations, unions and extended models.

use std::io::Cursor;

use beeper_desktop_api::models::{ChatsUpdateDraft, Direction, SetupResponseResult};
use beeper_desktop_api::{Client, ErrorKind, FilePart};
use chrono::TimeZone;
use futures_util::{StreamExt, TryStreamExt};
use sdk_tests::faults::{FaultServer, Reply};
use sdk_tests::{RequestExt, TOKEN, TestServer, assert_request, example};
use serde_json::json;
use wiremock::matchers::{any, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn uploaded() -> serde_json::Value {
    example("POST", "/v1/assets/upload")
}

/// The parts of a multipart body: (headers, content) per part.
fn multipart_parts(request: &wiremock::Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request.header_str("content-type").unwrap();
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"')
        .to_string();
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut rest = &body[..];
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, delimiter.as_bytes()).unwrap_or(rest.len());
        let part = &rest[2..end - 2]; // skip the CRLF after the delimiter and before the next
        let split = find(part, b"\r\n\r\n").unwrap();
        parts.push((
            String::from_utf8_lossy(&part[..split]).into_owned(),
            part[split + 4..].to_vec(),
        ));
        rest = &rest[end..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn upload_from_bytes_with_file_name_and_mime_type() {
    let t = TestServer::start().await;
    t.respond(200, uploaded()).await;

    let file = FilePart::bytes(b"hello world".to_vec())
        .file_name("hello.txt")
        .mime_type("text/plain");
    let asset = t
        .client
        .assets()
        .upload(file)
        .file_name("greeting.txt")
        .mime_type("text/plain")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(&req, "POST", "/v1/assets/upload", None);
    assert!(
        req.header_str("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let parts = multipart_parts(&req);
    assert_eq!(parts.len(), 3);
    assert!(parts[0].0.contains("name=\"fileName\"") && parts[0].1 == b"greeting.txt");
    assert!(parts[1].0.contains("name=\"mimeType\"") && parts[1].1 == b"text/plain");
    assert!(
        parts[2].0.contains("name=\"file\"; filename=\"hello.txt\""),
        "{}",
        parts[2].0
    );
    assert!(
        parts[2]
            .0
            .to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{}",
        parts[2].0
    );
    assert_eq!(parts[2].1, b"hello world");
    assert_eq!(asset.upload_id.as_deref(), uploaded()["uploadID"].as_str());
}

#[tokio::test]
async fn upload_from_a_file_path_streams_it_with_its_name_and_type() {
    let t = TestServer::start().await;
    t.respond(200, uploaded()).await;
    let path = std::env::temp_dir().join(format!("sdk-upload-{}.png", std::process::id()));
    std::fs::write(&path, [0x89, b'P', b'N', b'G', 1, 2, 3]).unwrap();

    t.client.assets().upload(path.as_path()).await.unwrap();

    let parts = multipart_parts(&t.only_request().await);
    let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        parts[0].0.contains(&format!("filename=\"{file_name}\"")),
        "{}",
        parts[0].0
    );
    assert!(
        parts[0]
            .0
            .to_ascii_lowercase()
            .contains("content-type: image/png"),
        "{}",
        parts[0].0
    );
    assert_eq!(parts[0].1, [0x89, b'P', b'N', b'G', 1, 2, 3]);
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn upload_from_an_async_reader() {
    let t = TestServer::start().await;
    t.respond(200, uploaded()).await;

    let reader = Cursor::new(vec![7u8; 100_000]);
    t.client
        .assets()
        .upload(FilePart::reader(reader).file_name("blob.bin"))
        .await
        .unwrap();

    let parts = multipart_parts(&t.only_request().await);
    assert!(parts[0].0.contains("filename=\"blob.bin\""));
    assert!(
        parts[0]
            .0
            .to_ascii_lowercase()
            .contains("content-type: application/octet-stream")
    );
    assert_eq!(parts[0].1, vec![7u8; 100_000]);
}

#[tokio::test]
async fn an_upload_from_a_reader_is_not_sent_twice_but_one_from_bytes_is() {
    // 503: the server did not act, so a POST may be sent again, if its body can be.
    let server = FaultServer::start(vec![
        Reply::json(503, &json!({})),
        Reply::json(200, &uploaded()),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(1),
        )
        .build()
        .unwrap();

    let err = client
        .assets()
        .upload(FilePart::reader(Cursor::new(b"once".to_vec())))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.attempts(), 1);

    let server = FaultServer::start(vec![
        Reply::json(503, &json!({})),
        Reply::json(200, &uploaded()),
    ])
    .await;
    let client = client.to_builder().base_url(&server.url).build().unwrap();
    client
        .assets()
        .upload(FilePart::bytes(&b"twice"[..]))
        .await
        .unwrap();
    assert_eq!(server.attempts(), 2);
}

#[tokio::test]
async fn a_binary_response_as_bytes_and_as_a_stream() {
    let t = TestServer::start().await;
    let image: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/png"))
        .mount(&t.server)
        .await;

    let bytes = t
        .client
        .assets()
        .serve("mxc://beeper.com/a b")
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), image.as_slice());

    let stream = t
        .client
        .assets()
        .serve("mxc://beeper.com/a b")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(stream.content_length(), Some(300_000));
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), image);

    let requests = t.requests().await;
    assert_request(
        &requests[0],
        "GET",
        "/v1/assets/serve",
        Some("url=mxc%3A%2F%2Fbeeper.com%2Fa%20b"),
    );
    assert!(
        requests[0]
            .header_str("accept")
            .unwrap()
            .contains("application/octet-stream")
    );
}

#[tokio::test]
async fn responses_without_content_are_unit() {
    let t = TestServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&t.server)
        .await;

    let () = t
        .client
        .chats()
        .archive("!chat1:beeper.local")
        .archived(true)
        .await
        .unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
    let reminder = beeper_desktop_api::models::ChatsRemindersCreateReminder::new(at);
    let () = t
        .client
        .chats()
        .reminders()
        .create("!chat1:beeper.local", reminder)
        .await
        .unwrap();
    let () = t
        .client
        .chats()
        .reminders()
        .delete("!chat1:beeper.local")
        .await
        .unwrap();
    let () = t
        .client
        .messages()
        .delete("!chat1:beeper.local", "$msg1")
        .for_everyone(true)
        .await
        .unwrap();

    let r = t.requests().await;
    assert_request(&r[0], "POST", "/v1/chats/!chat1:beeper.local/archive", None);
    assert_eq!(r[0].json_body(), json!({"archived": true}));
    assert_eq!(r[0].header_str("accept").as_deref(), Some("*/*"));
    assert_request(
        &r[1],
        "POST",
        "/v1/chats/!chat1:beeper.local/reminders",
        None,
    );
    assert_eq!(
        r[1].json_body(),
        json!({"reminder": {"remindAt": "2025-01-02T03:04:05Z"}})
    );
    assert_request(
        &r[2],
        "DELETE",
        "/v1/chats/!chat1:beeper.local/reminders",
        None,
    );
    assert_request(
        &r[3],
        "DELETE",
        "/v1/chats/!chat1:beeper.local/messages/$msg1",
        Some("forEveryone=true"),
    );
}

#[tokio::test]
async fn a_failed_operation_without_content_is_still_an_error() {
    let t = TestServer::start().await;
    t.respond(404, json!({"code": "NOT_FOUND", "message": "no such chat"}))
        .await;

    let err = t.client.chats().archive("nope").await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn patch_tells_absent_from_null() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/chats/{chatID}")).await;
    let chat = "!chat1:beeper.local";

    t.client.chats().update(chat).await.unwrap();
    t.client
        .chats()
        .update(chat)
        .title("Team")
        .is_muted(false)
        .await
        .unwrap();
    t.client
        .chats()
        .update(chat)
        .clear_title()
        .clear_description()
        .clear_draft()
        .await
        .unwrap();
    t.client
        .chats()
        .update(chat)
        .draft(ChatsUpdateDraft::new("see you"))
        .message_expiry_seconds(3600)
        .await
        .unwrap();

    let bodies: Vec<_> = t
        .requests()
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.method.as_str(), "PATCH");
            r.json_body()
        })
        .collect();
    assert_eq!(bodies[0], json!({}));
    assert_eq!(bodies[1], json!({"title": "Team", "isMuted": false}));
    assert_eq!(
        bodies[2],
        json!({"title": null, "description": null, "draft": null})
    );
    assert_eq!(
        bodies[3],
        json!({"draft": {"text": "see you"}, "messageExpirySeconds": 3600})
    );
}

#[tokio::test]
async fn list_boolean_and_date_time_query_parameters() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/chats/search")).await;
    let after = chrono::Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();

    t.client
        .chats()
        .search()
        .account_ids(["matrix", "local-whatsapp_ba_1"])
        .include_muted(true)
        .unread_only(false)
        .last_activity_after(after)
        .query("team & co")
        .limit(20)
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "GET",
        "/v1/chats/search",
        Some(
            "accountIDs=matrix&accountIDs=local-whatsapp_ba_1&includeMuted=true&lastActivityAfter=2025-01-02T03%3A04%3A05Z&limit=20&query=team%20%26%20co&unreadOnly=false",
        ),
    );
}

/// Walks two pages of a paginated operation, checking the cursor and the direction.
macro_rules! walks_two_pages {
    ($name:ident, $path:literal, $item:expr, |$client:ident| $request:expr) => {
        #[tokio::test]
        async fn $name() {
            let t = TestServer::start().await;
            let item = $item;
            Mock::given(query_param_is_missing("cursor"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [item.clone()], "hasMore": true, "oldestCursor": "old-1", "newestCursor": "new-1"})))
                .mount(&t.server)
                .await;
            for cursor in ["old-1", "new-1"] {
                Mock::given(query_param("cursor", cursor))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [item.clone(), item.clone()], "hasMore": false})))
                    .mount(&t.server)
                    .await;
            }
            let $client = &t.client;

            let one_page = $request.await.unwrap();
            assert_eq!(one_page.items.len(), 1);
            let older: Vec<_> = $request.stream().try_collect().await.unwrap();
            let newer: Vec<_> = $request.direction(Direction::After).stream().try_collect().await.unwrap();

            assert_eq!(older.len(), 3);
            assert_eq!(newer.len(), 3);
            let queries: Vec<String> = t.requests().await.iter().map(|r| {
                assert_eq!(r.url.path(), $path);
                r.url.query().unwrap_or("").to_string()
            }).collect();
            assert_eq!(queries[1..], ["".to_string(), "cursor=old-1".into(), "direction=after".into(), "cursor=new-1&direction=after".into()]);
        }
    };
}

fn chat() -> serde_json::Value {
    example("GET", "/v1/chats/{chatID}")
}

fn message() -> serde_json::Value {
    example("GET", "/v1/chats/{chatID}/messages/{messageID}")
}

walks_two_pages!(
    chats_list_walks_pages,
    "/v1/chats",
    example("GET", "/v1/chats")["items"][0].clone(),
    |c| c.chats().list()
);
walks_two_pages!(chats_search_walks_pages, "/v1/chats/search", chat(), |c| c
    .chats()
    .search());
walks_two_pages!(
    messages_list_walks_pages,
    "/v1/chats/!chat1:beeper.local/messages",
    message(),
    |c| c.messages().list("!chat1:beeper.local")
);
walks_two_pages!(
    messages_search_walks_pages,
    "/v1/messages/search",
    message(),
    |c| c.messages().search()
);

#[tokio::test]
async fn a_bounded_walk_stops_on_its_own() {
    let t = TestServer::start().await;
    // Every page says there is more, with the same cursor: the walk follows it once,
    // then stops with an error of its own instead of asking for the same page forever.
    t.respond(
        200,
        json!({"items": [message()], "hasMore": true, "oldestCursor": "same"}),
    )
    .await;

    let first: Vec<_> = t
        .client
        .messages()
        .search()
        .stream()
        .take(5)
        .collect()
        .await;

    assert_eq!(first.len(), 3);
    assert!(first[..2].iter().all(Result::is_ok));
    assert_eq!(
        first[2].as_ref().unwrap_err().kind(),
        beeper_desktop_api::ErrorKind::RepeatedCursor
    );
    assert_eq!(t.requests().await.len(), 2);
}

#[tokio::test]
async fn public_operations_send_no_token() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/info")).await;

    t.client.info().retrieve().await.unwrap();
    let anonymous = Client::builder().base_url(t.server.uri()).build().unwrap();
    anonymous.info().retrieve().await.unwrap();

    for r in t.requests().await {
        assert_eq!(r.url.path(), "/v1/info");
        assert_eq!(r.header_str("authorization"), None);
    }
}

#[tokio::test]
async fn an_operation_with_optional_auth_sends_a_token_only_when_there_is_one() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/app/setup")).await;

    t.client.app().setup().retrieve().await.unwrap();
    Client::builder()
        .base_url(t.server.uri())
        .build()
        .unwrap()
        .app()
        .setup()
        .retrieve()
        .await
        .unwrap();

    let r = t.requests().await;
    assert_eq!(
        r[0].header_str("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r[1].header_str("authorization"), None);
}

#[tokio::test]
async fn an_untagged_union_picks_the_variant_that_fits() {
    let t = TestServer::start().await;
    t.respond(200, example("POST", "/v1/app/setup/response"))
        .await;
    let result = t
        .client
        .app()
        .setup()
        .response("123456", "setup-req-1")
        .await
        .unwrap();
    let SetupResponseResult::SetupRegistrationRequired(required) = result else {
        panic!("{result:?}")
    };
    assert_eq!(required.lead_token.expose(), "lead-token-1");

    let t = TestServer::start().await;
    t.respond(200, example("POST", "/v1/app/setup/register"))
        .await;
    let result = t
        .client
        .app()
        .setup()
        .response("123456", "setup-req-1")
        .await
        .unwrap();
    assert!(
        matches!(result, SetupResponseResult::SetupSignedIn(_)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_model_that_extends_another_has_the_fields_of_both() {
    let t = TestServer::start().await;
    let body = example("POST", "/v1/chats");
    t.respond(200, body.clone()).await;

    let created = t
        .client
        .chats()
        .create(
            "matrix",
            ["@alice:beeper.com"],
            beeper_desktop_api::models::ChatType::Single,
        )
        .await
        .unwrap();

    assert_eq!(created.id, body["id"].as_str().unwrap());
    // `chatID` is deprecated in the spec (so `#[deprecated]` here), and still read.
    #[allow(deprecated)]
    let chat_id = created.chat_id.clone();
    assert_eq!(chat_id, body["chatID"].as_str().unwrap());
    let req = t.only_request().await;
    assert_eq!(
        req.json_body(),
        json!({"accountID": "matrix", "participantIDs": ["@alice:beeper.com"], "type": "single"})
    );
}
