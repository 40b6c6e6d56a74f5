//! Fault injection, part two: servers that try to make the client loop, read without
//! end, allocate what they declare, send what cannot be sent, or carry credentials
//! elsewhere. Each test asserts what the server saw and what came back.

use std::time::Duration;

use beeper_desktop_api::{Client, ErrorKind};
use futures_util::{StreamExt, TryStreamExt};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Received, Reply};
use serde_json::json;

/// A client with short backoffs, so that retries do not slow the suite down.
fn builder(url: &str) -> beeper_desktop_api::ClientBuilder {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(40))
        .timeout(Duration::from_secs(5))
}

fn client(url: &str) -> Client {
    builder(url).build().unwrap()
}

/// A page of contacts `ids`, pointing at `cursor` for the next one.
fn page(ids: &[&str], cursor: &str) -> Reply {
    let items: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    Reply::json(
        200,
        &json!({"items": items, "hasMore": true, "oldestCursor": cursor, "newestCursor": "n"}),
    )
}

fn header<'a>(request: &'a Received, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

// 1. Pagination that never ends.

#[tokio::test]
async fn a_cursor_cycle_ends_the_walk_with_repeated_cursor_after_the_items_read() {
    // A -> B -> A: the third page hands back a cursor the walk already followed.
    let server = FaultServer::start(vec![
        page(&["u1"], "A"),
        page(&["u2"], "B"),
        page(&["u3"], "A"),
    ])
    .await;

    // `take` only bounds the test when the walk would never end.
    let results: Vec<_> = client(&server.url)
        .accounts()
        .contacts()
        .list("matrix")
        .stream()
        .take(50)
        .collect()
        .await;

    let ids: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|u| u.id.as_str())
        .collect();
    assert_eq!(ids, ["u1", "u2", "u3"]);
    assert_eq!(results.len(), 4, "the items, then one error");
    let err = results[3].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RepeatedCursor);
    assert_eq!(err.attempts(), 0);
    assert!(err.to_string().contains("page 4"), "{err}");
    assert_eq!(server.attempts(), 3);
    let targets: Vec<_> = server.received().into_iter().map(|r| r.target).collect();
    assert!(!targets[0].contains("cursor="), "{targets:?}");
    assert!(targets[1].contains("cursor=A"), "{targets:?}");
    assert!(targets[2].contains("cursor=B"), "{targets:?}");
}

#[tokio::test]
async fn the_same_cursor_handed_back_stops_collect_all_and_pages() {
    let server = FaultServer::start(vec![page(&["u1"], "A")]).await;
    let client = client(&server.url);

    // The guard only turns a walk that would never end into a failure of this test.
    let walk = client
        .accounts()
        .contacts()
        .list("matrix")
        .cursor("A")
        .collect_all();
    let err = tokio::time::timeout(Duration::from_secs(20), walk)
        .await
        .expect("the walk never ended")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RepeatedCursor);
    assert_eq!(server.attempts(), 1);

    let pages: Vec<_> = client
        .accounts()
        .contacts()
        .list("matrix")
        .pages()
        .take(50)
        .collect()
        .await;
    assert_eq!(pages.len(), 3, "two pages, then the error");
    assert!(pages[0].is_ok() && pages[1].is_ok());
    assert_eq!(
        pages[2].as_ref().unwrap_err().kind(),
        ErrorKind::RepeatedCursor
    );
    assert_eq!(server.attempts(), 3);
}

#[tokio::test]
async fn max_pages_and_max_items_bound_a_walk_that_would_go_on() {
    // Fresh cursors every time: nothing repeats, the walk would go on for ever.
    let replies: Vec<_> = (0..100)
        .map(|i| page(&[&format!("u{i}a"), &format!("u{i}b")], &format!("c{i}")))
        .collect();
    let server = FaultServer::start(replies).await;
    let client = client(&server.url);

    let items = client
        .accounts()
        .contacts()
        .list("matrix")
        .max_pages(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(server.attempts(), 3);

    let items = client
        .accounts()
        .contacts()
        .list("matrix")
        .max_items(3)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<_> = items.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u3a", "u3b", "u4a"]);
    assert_eq!(
        server.attempts(),
        5,
        "two more pages, no page beyond the third item"
    );

    let pages: Vec<_> = client
        .accounts()
        .contacts()
        .list("matrix")
        .max_pages(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(server.attempts(), 7);
}

// 2. Streamed and collected bodies: the size limit and the idle timeout.

#[tokio::test]
async fn a_streamed_body_stops_at_the_size_limit_instead_of_reading_100_mib() {
    let chunk = vec![b'x'; 64 * 1024];
    let server = FaultServer::start(vec![Reply::Chunked { chunk, count: 1600 }]).await;
    let client = builder(&server.url)
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();

    let mut stream = client
        .assets()
        .serve("mxc://x/y")
        .send_streaming()
        .await
        .unwrap();
    let mut read = 0usize;
    let err = loop {
        match stream.next().await {
            Some(Ok(bytes)) => read += bytes.len(),
            Some(Err(e)) => break e,
            None => panic!("the whole body was streamed: {read} bytes"),
        }
    };
    drop(stream);

    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert!(read <= 1024 * 1024, "{read} bytes yielded");
    // The connection is dropped: the server cannot write much past the socket buffers.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let written = server.body_bytes_written();
    assert!(
        written < 32 * 1024 * 1024,
        "the server wrote {written} bytes"
    );
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn a_streamed_body_declared_over_the_limit_is_refused_before_reading() {
    let server = FaultServer::start(vec![Reply::Status {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        body: vec![b'x'; 2 * 1024 * 1024],
    }])
    .await;
    let limited = builder(&server.url)
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();

    let err = limited
        .assets()
        .serve("mxc://x/y")
        .send_streaming()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(server.attempts(), 1);

    // The same limit, set for one request only.
    let err = client(&server.url)
        .assets()
        .serve("mxc://x/y")
        .with_max_response_size(1024 * 1024)
        .send_streaming()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(server.attempts(), 2);
}

fn dripping() -> Reply {
    // 10 bytes, one every 200 ms: 2 s in all, well within the 5 s timeout.
    Reply::Drip {
        body: b"0123456789".to_vec(),
        every: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn a_streamed_body_that_drips_times_out_between_chunks() {
    let server = FaultServer::start(vec![dripping()]).await;
    let client = builder(&server.url)
        .idle_timeout(Duration::from_millis(50))
        .build()
        .unwrap();

    let mut stream = client
        .assets()
        .serve("mxc://x/y")
        .send_streaming()
        .await
        .unwrap();
    let mut read = 0usize;
    let err = loop {
        match stream.next().await {
            Some(Ok(bytes)) => read += bytes.len(),
            Some(Err(e)) => break e,
            None => panic!("the whole body was streamed: {read} bytes"),
        }
    };

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("no data for"), "{err}");
    assert!(read < 10, "{read} bytes");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn a_collected_body_that_drips_times_out_and_is_retried_like_a_timeout() {
    let server = FaultServer::start(vec![dripping()]).await;
    let client = client(&server.url);

    let err = client
        .assets()
        .serve("mxc://x/y")
        .with_idle_timeout(Duration::from_millis(50))
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.attempts(), 3);
}

// 3. A declared Content-Length cannot crash or bloat the process.

#[tokio::test]
async fn an_enormous_declared_length_with_a_raised_limit_is_a_connection_error() {
    let server = FaultServer::start(vec![Reply::CutShort {
        declared: 1 << 62,
        body: b"{\"items\": []".to_vec(),
    }])
    .await;
    let client = builder(&server.url)
        .max_response_size(usize::MAX)
        .build()
        .unwrap();

    let err = client.accounts().list().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(server.attempts(), 3);
}

// 4. Requests that cannot be built are refused, not retried.

#[tokio::test]
async fn an_over_long_uri_is_an_invalid_request_and_nothing_is_sent() {
    let server = FaultServer::start(vec![Reply::json(200, &json!({}))]).await;

    let err = client(&server.url)
        .accounts()
        .retrieve("a".repeat(70_000))
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.attempts(), 0);
    assert_eq!(server.attempts(), 0);
}

#[tokio::test]
async fn a_per_request_base_url_that_cannot_be_used_is_a_config_error() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let client = client(&server.url);

    for bad in [
        "not a url".to_string(),
        "ftp://127.0.0.1/".to_string(),
        format!("{}/?x=1", server.url),
        format!("{}/#a", server.url),
    ] {
        let err = client
            .accounts()
            .list()
            .with_base_url(bad.as_str())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}: {err}");
        assert_eq!(err.attempts(), 0, "{bad}");
    }
    assert_eq!(server.attempts(), 0);
}

#[tokio::test]
async fn a_redirect_to_a_scheme_the_client_cannot_follow_is_not_retried() {
    let server = FaultServer::start(vec![
        Reply::json(302, &json!({})).with_header("location", "ftp://127.0.0.1/file"),
    ])
    .await;

    let err = client(&server.url).accounts().list().await.unwrap_err();

    assert_ne!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.attempts(), 1);
}

// 5. Base URLs are validated.

#[tokio::test]
async fn a_base_url_with_a_query_or_fragment_is_refused_by_the_builder() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    for bad in [
        format!("{}/?x=1", server.url),
        format!("{}/#a", server.url),
        format!("{}?", server.url),
        "ftp://127.0.0.1".to_string(),
        "http://".to_string(),
    ] {
        let err = Client::builder()
            .base_url(bad.as_str())
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
        assert!(err.to_string().contains("base URL"), "{err}");
    }
    assert_eq!(server.attempts(), 0);
}

// 7. Credentials on redirects.

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_credentials() {
    let server = FaultServer::start(vec![
        Reply::json(307, &json!({})).with_header("location", "/v1/accounts-moved"),
        Reply::json(200, &json!([])),
    ])
    .await;
    let client = builder(&server.url)
        .default_header("x-api-key", "key-1")
        .build()
        .unwrap();

    let accounts = client.accounts().list().await.unwrap();

    assert!(accounts.is_empty());
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].target, "/v1/accounts-moved");
    for r in &received {
        assert_eq!(header(r, "x-api-key"), Some("key-1"));
        assert_eq!(
            header(r, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn a_cross_origin_redirect_is_not_followed_and_no_credential_leaves() {
    let elsewhere = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    // Another port, and `localhost` for 127.0.0.1: another origin either way.
    let target = elsewhere.url.replace("127.0.0.1", "localhost") + "/v1/accounts";
    let server = FaultServer::start(vec![
        Reply::json(302, &json!({})).with_header("location", &target),
    ])
    .await;
    let client = builder(&server.url)
        .default_header("x-api-key", "key-1")
        .build()
        .unwrap();

    let err = client.accounts().list().await.unwrap_err();

    assert_eq!(elsewhere.attempts(), 0, "the other origin was contacted");
    assert_eq!(server.attempts(), 1);
    assert_eq!(err.kind(), ErrorKind::OtherStatus);
    let status = err.as_status().unwrap();
    assert_eq!(status.status.as_u16(), 302);
    assert_eq!(status.headers.get("location").unwrap(), target.as_str());
}

// 9. `to_builder()` keeps every default header byte for byte.

#[tokio::test]
async fn to_builder_keeps_a_default_header_that_is_not_ascii() {
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let first = builder(&server.url)
        .default_header("x-name", "Zoë Café")
        .default_header("x-app", "my-app")
        .build()
        .unwrap();

    let second = first
        .to_builder()
        .timeout(Duration::from_secs(6))
        .build()
        .unwrap();
    second.accounts().list().await.unwrap();

    let received = server.received();
    assert_eq!(header(&received[0], "x-name"), Some("Zoë Café"));
    assert_eq!(header(&received[0], "x-app"), Some("my-app"));
}

/// A file name with CR and LF would end the part's `Content-Disposition` line for a
/// parser that splits on LF and add a header of the name's choosing: refused before
/// anything is sent, like a CR/LF in the media type. So is a form field name with them
/// (an extra body field of a multipart request).
#[tokio::test]
async fn a_multipart_file_or_field_name_with_cr_lf_is_refused_before_sending() {
    let server = FaultServer::start(vec![Reply::json(200, &json!({}))]).await;
    let client = builder(&server.url).max_retries(0).build().unwrap();
    for name in [
        "photo.png\r\nContent-Type: text/html\r\nX-Injected: 1",
        "photo.png\nX-Injected: 1",
        "photo\0.png",
    ] {
        let file = beeper_desktop_api::FilePart::bytes(b"x".to_vec()).file_name(name);
        let err = client.assets().upload(file).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{name:?}: {err}");
        assert_eq!(err.attempts(), 0);
    }
    let file = beeper_desktop_api::FilePart::bytes(b"x".to_vec()).file_name("photo.png");
    let err = client
        .assets()
        .upload(file)
        .with_body_field("note\r\nX-Injected: 1", "x")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(server.attempts(), 0, "nothing was sent");
    // A name without them still goes out.
    let file = beeper_desktop_api::FilePart::bytes(b"x".to_vec()).file_name("ph\"oto.png");
    client.assets().upload(file).await.unwrap();
    assert_eq!(server.attempts(), 1);
}

/// A status outside 100–599 is no HTTP status a server may send: a protocol error at
/// once, not a server error retried.
#[tokio::test]
async fn a_status_outside_100_to_599_is_a_protocol_error_not_retried() {
    for status in [600, 999] {
        let server = FaultServer::start(vec![Reply::json(status, &json!({"message": "?"}))]).await;
        let err = builder(&server.url)
            .max_retries(2)
            .build()
            .unwrap()
            .accounts()
            .list()
            .await
            .unwrap_err();
        assert_eq!(server.attempts(), 1, "{status} was retried: {err}");
        assert_eq!(format!("{:?}", err.kind()), "Protocol", "{err}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
}

/// `CONNECT` through the escape hatch would go out as `CONNECT host:port`, dropping
/// the path: refused before anything is sent.
#[tokio::test]
async fn a_connect_through_the_escape_hatch_is_refused_before_sending() {
    let server = FaultServer::start(vec![Reply::json(200, &json!({}))]).await;
    let err = builder(&server.url)
        .max_retries(0)
        .build()
        .unwrap()
        .request::<serde_json::Value>(beeper_desktop_api::reqwest::Method::CONNECT, "/v1/tunnel")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("CONNECT"), "{err}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.attempts(), 0, "nothing was sent");
}
