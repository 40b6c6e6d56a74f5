//! Every pagination walk the generator can infer, over HTTP on 127.0.0.1: the SDK of
//! `generator/tests/fixtures/constructs/pagination_inferred.yaml` (`tests/fixture-sdks/pagination-sdk`,
//! whose paginations are all inferred, none written in `x-sdk-pagination`) walks each
//! kind across several pages. Each test asserts the requests sent and the items
//! received, and each kind meets its loop guard: a repeated cursor, offset, page or URL
//! ends the walk with an error, a next URL on another origin is not followed, and
//! `max_pages`/`max_items` bound a walk that would never end.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use pagination_sdk::models::Named;
use pagination_sdk::{Client, ErrorKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "walk-token";

/// A server whose answers on `route` come from `reply` (given each request and the
/// server's own URL), and a client of it.
async fn serve(
    route: &str,
    reply: impl Fn(&Request, &str) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |r: &Request| reply(r, &base))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .build()
        .expect("client builds");
    (server, client)
}

/// The value of query parameter `name`, if sent.
fn q(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn items(ids: &[&str]) -> Value {
    ids.iter().map(|id| json!({"id": id})).collect()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// `(path, query)` of every request received, each checked for the token.
async fn sent(server: &MockServer) -> Vec<(String, Option<String>)> {
    let requests = server.received_requests().await.unwrap_or_default();
    for r in &requests {
        assert_eq!(
            r.headers.get("authorization").and_then(|v| v.to_str().ok()),
            Some(format!("Bearer {TOKEN}").as_str()),
            "every page carries the token: {}",
            r.url
        );
    }
    requests
        .into_iter()
        .map(|r| (r.url.path().to_string(), r.url.query().map(str::to_owned)))
        .collect()
}

fn ids(items: &[Named]) -> Vec<&str> {
    items.iter().map(|n| n.id.as_str()).collect()
}

/// A walk under test: bounded, so that a missing guard fails the test instead of
/// hanging it.
async fn bounded<T>(walk: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), walk)
        .await
        .expect("the walk never ended")
}

// ---- cursor in the body (Slack: `cursor` <- `response_metadata.next_cursor`)

#[tokio::test]
async fn a_cursor_from_a_nested_object_walks_until_the_cursor_is_empty() {
    let (server, client) = serve("/conversations", |r, _| match q(r, "cursor").as_deref() {
        None => {
            ok(json!({"channels": items(&["a", "b"]), "response_metadata": {"next_cursor": "c2"}}))
        }
        Some("c2") => {
            ok(json!({"channels": items(&["c"]), "response_metadata": {"next_cursor": ""}}))
        }
        Some(other) => panic!("unexpected cursor {other}"),
    })
    .await;

    let all = bounded(client.cursors().list_conversations().limit(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["a", "b", "c"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/conversations".into(), Some("limit=2".into())),
            ("/conversations".into(), Some("cursor=c2&limit=2".into())),
        ]
    );
}

#[tokio::test]
async fn a_cursor_handed_back_again_ends_the_walk_with_repeated_cursor() {
    let (server, client) = serve("/conversations", |r, _| {
        let n = q(r, "cursor").unwrap_or_default();
        ok(json!({"channels": items(&[&format!("x{n}")]), "response_metadata": {"next_cursor": "A"}}))
    })
    .await;

    let results: Vec<_> = bounded(client.cursors().list_conversations().stream().collect()).await;

    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert_eq!(
        results[2].as_ref().unwrap_err().kind(),
        ErrorKind::RepeatedCursor
    );
    assert_eq!(sent(&server).await.len(), 2);
}

// ---- the last item's id while `has_more` (Stripe: `starting_after`)

#[tokio::test]
async fn starting_after_takes_the_last_id_until_has_more_is_false() {
    let (server, client) = serve("/customers", |r, _| {
        let page = |ids: &[&str], more: bool| {
            ok(json!({"object": "list", "data": items(ids), "has_more": more, "url": "/customers"}))
        };
        match q(r, "starting_after").as_deref() {
            None => page(&["cus_1", "cus_2"], true),
            Some("cus_2") => page(&["cus_3"], false),
            Some(other) => panic!("unexpected starting_after {other}"),
        }
    })
    .await;

    let all = bounded(client.cursors().list_customers().collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/customers".into(), None),
            ("/customers".into(), Some("starting_after=cus_2".into())),
        ]
    );
}

#[tokio::test]
async fn the_same_last_item_again_ends_the_walk_with_repeated_cursor() {
    let (server, client) = serve("/customers", |r, _| {
        let first = q(r, "starting_after").is_none();
        let data = if first {
            items(&["a", "z"])
        } else {
            items(&["z"])
        };
        ok(json!({"object": "list", "data": data, "has_more": true, "url": "/customers"}))
    })
    .await;

    let err = bounded(client.cursors().list_customers().collect_all())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::RepeatedCursor);
    assert_eq!(
        err.attempts(),
        0,
        "nothing was sent for the repeated cursor"
    );
    assert_eq!(sent(&server).await.len(), 2);
}

// ---- `after` <- `last_id` (OpenAI)

#[tokio::test]
async fn after_takes_last_id_and_has_more_false_ends_the_walk() {
    let (server, client) = serve("/files", |r, _| match q(r, "after").as_deref() {
        None => ok(json!({"data": items(&["f1", "f2"]), "last_id": "f2", "has_more": true})),
        // A cursor on the last page is not followed: `has_more` says it is the last.
        Some("f2") => ok(json!({"data": items(&["f3"]), "last_id": "f3", "has_more": false})),
        Some(other) => panic!("unexpected after {other}"),
    })
    .await;

    let all = bounded(client.cursors().list_files().limit(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["f1", "f2", "f3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/files".into(), Some("limit=2".into())),
            ("/files".into(), Some("after=f2&limit=2".into())),
        ]
    );
}

// ---- offset + limit with `more` (PagerDuty) or a total (Box)

#[tokio::test]
async fn an_offset_advances_by_the_items_received_while_more_is_true() {
    let (server, client) = serve("/incidents", |r, _| {
        let offset: usize = q(r, "offset").map_or(0, |o| o.parse().unwrap());
        // The server caps pages at 2 whatever the limit asked: the walk counts what
        // it received, not what it asked for.
        let all = ["i0", "i1", "i2", "i3", "i4"];
        let page: Vec<&str> = all.iter().skip(offset).take(2).copied().collect();
        ok(json!({"incidents": items(&page), "more": offset + 2 < all.len(), "offset": offset}))
    })
    .await;

    let all = bounded(client.offsets().list_incidents().limit(10).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["i0", "i1", "i2", "i3", "i4"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/incidents".into(), Some("limit=10".into())),
            ("/incidents".into(), Some("offset=2&limit=10".into())),
            ("/incidents".into(), Some("offset=4&limit=10".into())),
        ]
    );
}

#[tokio::test]
async fn an_offset_walk_stops_at_the_total_without_asking_for_an_empty_page() {
    let (server, client) = serve("/folder-items", |r, _| {
        let page = match q(r, "offset").as_deref() {
            None => items(&["e1", "e2"]),
            Some("2") => items(&["e3"]),
            Some(other) => panic!("unexpected offset {other}"),
        };
        ok(json!({"total_count": 3, "entries": page, "order": [{"by": "name"}]}))
    })
    .await;

    let all = bounded(client.offsets().list_folder_items().limit(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["e1", "e2", "e3"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_walk_with_repeated_cursor() {
    let (server, client) = serve("/incidents", |_, _| {
        ok(json!({"incidents": items(&["same"]), "more": true}))
    })
    .await;

    let results: Vec<_> = bounded(client.offsets().list_incidents().stream().collect()).await;

    assert_eq!(results.len(), 2, "the first page's item, then the error");
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RepeatedCursor);
    assert!(
        err.to_string().contains("page 2 is the same as page 1"),
        "{err}"
    );
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn max_pages_and_max_items_bound_a_walk_that_never_ends() {
    // Every page is new and says there is more: only the caps end the walk.
    let endless = |r: &Request, _: &str| {
        let offset: usize = q(r, "offset").map_or(0, |o| o.parse().unwrap());
        let page = [format!("n{offset}"), format!("n{}", offset + 1)];
        ok(
            json!({"incidents": page.iter().map(|id| json!({"id": id})).collect::<Value>(), "more": true}),
        )
    };
    let (server, client) = serve("/incidents", endless).await;
    let all = bounded(client.offsets().list_incidents().max_pages(3).collect_all())
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(sent(&server).await.len(), 3);

    let (server, client) = serve("/incidents", endless).await;
    let all = bounded(client.offsets().list_incidents().max_items(3).collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["n0", "n1", "n2"]);
    assert_eq!(sent(&server).await.len(), 2, "no page past the third item");
}

// ---- page numbers: up to a total of pages, or until an empty page

#[tokio::test]
async fn page_numbers_count_up_to_the_total_of_pages() {
    let (server, client) = serve("/articles", |r, _| {
        let page = q(r, "page");
        let ids = match page.as_deref() {
            None => ["a1", "a2"],
            Some("2") => ["a3", "a4"],
            Some(other) => panic!("unexpected page {other}"),
        };
        ok(json!({"articles": items(&ids), "meta": {"total_pages": 2}}))
    })
    .await;

    let all = bounded(client.pages().list_articles().per_page(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["a1", "a2", "a3", "a4"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/articles".into(), Some("per_page=2".into())),
            ("/articles".into(), Some("page=2&per_page=2".into())),
        ]
    );
}

#[tokio::test]
async fn zero_based_page_numbers_walk_a_bare_list_until_an_empty_page() {
    let (server, client) = serve("/logs", |r, _| match q(r, "page").as_deref() {
        None => ok(items(&["l0"])),
        Some("1") => ok(items(&["l1"])),
        Some("2") => ok(json!([])),
        Some(other) => panic!("unexpected page {other}"),
    })
    .await;

    let all = bounded(client.pages().list_logs().page_size(1).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["l0", "l1"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/logs".into(), Some("page_size=1".into())),
            ("/logs".into(), Some("page=1&page_size=1".into())),
            ("/logs".into(), Some("page=2&page_size=1".into())),
        ]
    );
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_ends_the_walk_with_repeated_cursor() {
    let (server, client) = serve("/logs", |_, _| ok(items(&["same"]))).await;

    let err = bounded(client.pages().list_logs().collect_all())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::RepeatedCursor);
    assert_eq!(sent(&server).await.len(), 2);
}

// ---- a full next URL in the body (`next` beside `previous`; HAL `_links.next.href`)

#[tokio::test]
async fn next_urls_absolute_and_relative_are_followed_with_the_token() {
    let (server, client) = serve("/things", |r, base| {
        match q(r, "page").as_deref() {
            None => ok(json!({"count": 3, "next": format!("{base}/things?page=2&size=1"), "previous": null, "results": items(&["t1"])})),
            Some("2") => ok(json!({"count": 3, "next": "/things?page=3&size=1", "previous": "x", "results": items(&["t2"])})),
            Some("3") => ok(json!({"count": 3, "next": null, "previous": "x", "results": items(&["t3"])})),
            Some(other) => panic!("unexpected page {other}"),
        }
    })
    .await;

    let all = bounded(client.urls().list_things().collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["t1", "t2", "t3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/things".into(), None),
            ("/things".into(), Some("page=2&size=1".into())),
            ("/things".into(), Some("page=3&size=1".into())),
        ]
    );
}

#[tokio::test]
async fn a_next_url_on_another_origin_is_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({"count": 1, "results": items(&["stolen"])})))
        .mount(&elsewhere)
        .await;
    let foreign = format!("{}/things?page=2", elsewhere.uri());
    let (server, client) = serve("/things", move |_, _| {
        ok(json!({"count": 2, "next": foreign, "previous": null, "results": items(&["t1"])}))
    })
    .await;

    let results: Vec<_> = bounded(client.urls().list_things().stream().collect()).await;

    assert_eq!(results.len(), 2, "the page's item, then the error");
    assert_eq!(results[0].as_ref().unwrap().id, "t1");
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ForeignNextPage);
    assert!(err.to_string().contains(&elsewhere.uri()), "{err}");
    assert_eq!(sent(&server).await.len(), 1);
    assert!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing, and no token, reached the other origin"
    );
}

// ---- a next URL on the operation's own server (`servers` of `GET /archived-things`)

#[tokio::test]
async fn a_walk_on_the_operations_own_server_follows_next_urls_on_that_origin_only() {
    let base = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({"results": items(&["stolen"])})))
        .mount(&base)
        .await;
    let archive = MockServer::start().await;
    let archive_uri = archive.uri();
    let base_uri = base.uri();
    Mock::given(method("GET"))
        .and(path("/v2/archived-things"))
        .respond_with(move |r: &Request| match q(r, "page").as_deref() {
            None => ok(json!({"next_url": format!("{archive_uri}/v2/archived-things?page=2"), "results": items(&["a1"])})),
            // The client's base URL is another origin than the request's.
            Some("2") => ok(json!({"next_url": format!("{base_uri}/archived-things?page=3"), "results": items(&["a2"])})),
            Some(other) => panic!("unexpected page {other}"),
        })
        .mount(&archive)
        .await;
    let client = Client::builder()
        .base_url(base.uri())
        .server_url(
            "https://archive.example.com/v2",
            format!("{}/v2", archive.uri()),
        )
        .access_token(TOKEN)
        .build()
        .expect("client builds");

    let results: Vec<_> = bounded(client.urls().list_archived_things().stream().collect()).await;

    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert_eq!(results[0].as_ref().unwrap().id, "a1");
    assert_eq!(results[1].as_ref().unwrap().id, "a2");
    assert_eq!(
        results[2].as_ref().unwrap_err().kind(),
        ErrorKind::ForeignNextPage
    );
    assert_eq!(
        sent(&archive).await,
        [
            ("/v2/archived-things".into(), None),
            ("/v2/archived-things".into(), Some("page=2".into())),
        ]
    );
    assert!(
        base.received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing, and no token, reached the client's base URL"
    );
}

#[tokio::test]
async fn a_hal_next_link_that_cycles_ends_the_walk_with_repeated_cursor() {
    // /orders -> ?cursor=b -> back to /orders: the third page was already read.
    let (server, client) = serve("/orders", |r, _| match q(r, "cursor").as_deref() {
        None => {
            ok(json!({"items": items(&["o1"]), "_links": {"next": {"href": "/orders?cursor=b"}}}))
        }
        Some("b") => ok(json!({"items": items(&["o2"]), "_links": {"next": {"href": "/orders"}}})),
        Some(other) => panic!("unexpected cursor {other}"),
    })
    .await;

    let results: Vec<_> = bounded(client.urls().list_orders().stream().collect()).await;

    let read: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        read.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["o1", "o2"]
    );
    assert_eq!(
        results.last().unwrap().as_ref().unwrap_err().kind(),
        ErrorKind::RepeatedCursor
    );
    assert_eq!(sent(&server).await.len(), 2);
}

// ---- the `Link` header (GitHub)

#[tokio::test]
async fn the_link_header_leads_from_page_to_page() {
    let (server, client) = serve("/repos", |r, base| {
        let link = |next: &str| {
            format!(r#"<{base}/repos?per_page=2&page=1>; rel="first", <{base}/repos?per_page=2&page={next}>; rel="next""#)
        };
        match q(r, "page").as_deref() {
            None => ok(items(&["r1", "r2"])).insert_header("link", link("2").as_str()),
            Some("2") => ok(items(&["r3", "r4"])).insert_header("link", link("3").as_str()),
            Some("3") => ok(items(&["r5"])).insert_header(
                "link",
                format!(r#"<{base}/repos?per_page=2&page=1>; rel="first""#).as_str(),
            ),
            Some(other) => panic!("unexpected page {other}"),
        }
    })
    .await;

    let all = bounded(client.urls().list_repos().per_page(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["r1", "r2", "r3", "r4", "r5"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/repos".into(), Some("per_page=2".into())),
            ("/repos".into(), Some("per_page=2&page=2".into())),
            ("/repos".into(), Some("per_page=2&page=3".into())),
        ]
    );
}

#[tokio::test]
async fn a_link_header_to_another_origin_or_back_again_ends_the_walk() {
    let (server, client) = serve("/repos", |_, _| {
        ok(items(&["r1"])).insert_header(
            "link",
            r#"<https://elsewhere.example/repos?page=2>; rel="next""#,
        )
    })
    .await;
    let err = bounded(client.urls().list_repos().collect_all())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ForeignNextPage);
    assert!(
        err.to_string().contains("https://elsewhere.example"),
        "{err}"
    );
    assert_eq!(sent(&server).await.len(), 1);

    // Page 2 points back at page 1 with new content each time: the URL repeats.
    let (server, client) = serve("/repos", |r, base| {
        let (ids, next) = match q(r, "page").as_deref() {
            None => (["r1"], "/repos?page=2"),
            _ => (["r2"], "/repos"),
        };
        ok(items(&ids)).insert_header("link", format!(r#"<{base}{next}>; rel="next""#).as_str())
    })
    .await;
    let results: Vec<_> = bounded(client.urls().list_repos().stream().collect()).await;
    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert_eq!(
        results[2].as_ref().unwrap_err().kind(),
        ErrorKind::RepeatedCursor
    );
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn a_walk_pages_one_by_one_and_collect_all_agree() {
    let (_server, client) = serve("/files", |r, _| match q(r, "after").as_deref() {
        None => ok(json!({"data": items(&["f1"]), "last_id": "f1", "has_more": true})),
        _ => ok(json!({"data": items(&["f2"]), "last_id": "f2", "has_more": false})),
    })
    .await;
    let pages: Vec<_> = bounded(
        client
            .cursors()
            .list_files()
            .pages()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].data[0].id, "f2");
}

// ---- what the server says comes before counting, and a last page ends the walk

/// The answer of a server that refuses a page asked for without what it said to send.
fn refused(why: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"message": why}))
}

#[tokio::test]
async fn a_relative_next_url_with_the_page_token_wins_over_page_numbers() {
    // Twilio: `Page`, `PageSize` and `PageToken`; page 2 and on need the token the
    // server put in `next_page_uri`. Counted by page numbers, page 2 had none.
    let (server, client) = serve("/2010-04-01/Calls.json", |r, _| {
        match (q(r, "Page").as_deref(), q(r, "PageToken").as_deref()) {
            (None, None) => ok(json!({
                "calls": items(&["CA1", "CA2"]), "page": 0, "page_size": 2,
                "next_page_uri": "/2010-04-01/Calls.json?PageSize=2&Page=1&PageToken=PAx1",
                "previous_page_uri": null
            })),
            (Some("1"), Some("PAx1")) => ok(json!({
                "calls": items(&["CA3"]), "page": 1, "page_size": 2,
                "next_page_uri": null,
                "previous_page_uri": "/2010-04-01/Calls.json?PageSize=2&Page=0"
            })),
            _ => refused("PageToken is required past the first page"),
        }
    })
    .await;

    let all = bounded(client.urls().list_calls().page_size(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["CA1", "CA2", "CA3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/2010-04-01/Calls.json".into(), Some("PageSize=2".into())),
            (
                "/2010-04-01/Calls.json".into(),
                Some("PageSize=2&Page=1&PageToken=PAx1".into())
            ),
        ]
    );

    // The same shape, named otherwise: a `next…Href` ends when it is absent.
    let (server, client) = serve("/reports", |r, _| {
        match (
            q(r, "pageNumber").as_deref(),
            q(r, "resumeToken").as_deref(),
        ) {
            (None, None) => ok(json!({
                "reports": items(&["r1"]), "nextResultsHref": "/reports?pageNumber=2&resumeToken=T2"
            })),
            (Some("2"), Some("T2")) => ok(json!({"reports": items(&["r2"])})),
            _ => refused("resumeToken is required past the first page"),
        }
    })
    .await;
    let all = bounded(client.urls().list_reports().collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["r1", "r2"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn forward_links_in_a_union_lead_to_the_last_page_and_no_further() {
    // DigitalOcean: `links.pages` is `anyOf: [forward links, backward links, {}]`; the
    // last page has only backward links. Counted by page numbers until an empty page,
    // the walk asked for a fourth page that does not exist.
    let (server, client) = serve("/v2/droplets", |r, base| {
        let url = |page: u32| format!("{base}/v2/droplets?page={page}&per_page=2");
        let body = |ids: &[&str], pages: Value| {
            ok(json!({"droplets": items(ids), "links": {"pages": pages}, "meta": {"total": 5}}))
        };
        match q(r, "page").as_deref() {
            None => body(&["d1", "d2"], json!({"last": url(3), "next": url(2)})),
            Some("2") => body(
                &["d3", "d4"],
                json!({"first": url(1), "prev": url(1), "last": url(3), "next": url(3)}),
            ),
            Some("3") => body(&["d5"], json!({"first": url(1), "prev": url(2)})),
            Some(_) => body(&[], json!({})),
        }
    })
    .await;

    let all = bounded(client.urls().list_droplets().per_page(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["d1", "d2", "d3", "d4", "d5"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/v2/droplets".into(), Some("per_page=2".into())),
            ("/v2/droplets".into(), Some("page=2&per_page=2".into())),
            ("/v2/droplets".into(), Some("page=3&per_page=2".into())),
        ]
    );

    // The same shape, named otherwise, with relative links.
    let (server, client) = serve("/v2/volumes", |r, _| match q(r, "page").as_deref() {
        None => ok(json!({
            "volumes": items(&["v1"]), "nav": {"pages": {"next": "/v2/volumes?page=2", "last": "/v2/volumes?page=2"}},
            "stats": {"count": 2}
        })),
        Some("2") => ok(json!({
            "volumes": items(&["v2"]), "nav": {"pages": {"first": "/v2/volumes"}}, "stats": {"count": 2}
        })),
        Some(_) => ok(json!({"volumes": [], "nav": {}, "stats": {"count": 2}})),
    })
    .await;
    let all = bounded(client.urls().list_volumes().collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["v1", "v2"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn an_offset_token_in_the_next_page_object_walks_until_that_object_is_null() {
    // Asana: `offset` is an opaque token; `next_page` is null on the last page.
    let (server, client) = serve("/tasks", |r, _| match q(r, "offset").as_deref() {
        None => ok(json!({
            "data": items(&["t1", "t2"]),
            "next_page": {"offset": "eyJvIjoyfQ", "path": "/tasks?offset=eyJvIjoyfQ", "uri": "https://example.com/tasks?offset=eyJvIjoyfQ"}
        })),
        Some("eyJvIjoyfQ") => ok(json!({"data": items(&["t3"]), "next_page": null})),
        Some(_) => refused("unknown offset"),
    })
    .await;

    let all = bounded(client.cursors().list_tasks().limit(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["t1", "t2", "t3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/tasks".into(), Some("limit=2".into())),
            ("/tasks".into(), Some("offset=eyJvIjoyfQ&limit=2".into())),
        ]
    );

    // The same shape, named otherwise.
    let (server, client) = serve("/jobs", |r, _| match q(r, "resume_from").as_deref() {
        None => ok(json!({"jobs": items(&["j1"]), "next_batch": {"resume_from": "k2"}})),
        Some("k2") => ok(json!({"jobs": items(&["j2"]), "next_batch": {}})),
        Some(_) => refused("unknown resume_from"),
    })
    .await;
    let all = bounded(client.cursors().list_jobs().collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["j1", "j2"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn starting_after_from_the_next_page_object_walks_until_there_is_none() {
    // Intercom: `pages.next.starting_after`, and no `has_more`.
    let (server, client) = serve("/contacts", |r, _| {
        match q(r, "starting_after").as_deref() {
            None => ok(json!({
                "type": "list", "data": items(&["c1", "c2"]), "total_count": 3,
                "pages": {"type": "pages", "page": 1, "per_page": 2, "total_pages": 2,
                          "next": {"page": 2, "starting_after": "WzE3XQ=="}}
            })),
            Some("WzE3XQ==") => ok(json!({
                "type": "list", "data": items(&["c3"]), "total_count": 3,
                "pages": {"type": "pages", "page": 2, "per_page": 2, "total_pages": 2}
            })),
            Some(_) => refused("unknown starting_after"),
        }
    })
    .await;

    let all = bounded(client.cursors().list_contacts().per_page(2).collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["c1", "c2", "c3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/contacts".into(), Some("per_page=2".into())),
            (
                "/contacts".into(),
                Some("per_page=2&starting_after=WzE3XQ%3D%3D".into())
            ),
        ]
    );

    // The same shape, named otherwise.
    let (server, client) = serve("/invoices", |r, _| {
        match q(r, "continue_after").as_deref() {
            None => ok(
                json!({"invoices": items(&["i1"]), "paging": {"next": {"continue_after": "i1"}}}),
            ),
            Some("i1") => ok(json!({"invoices": items(&["i2"]), "paging": {}})),
            Some(_) => refused("unknown continue_after"),
        }
    })
    .await;
    let all = bounded(client.cursors().list_invoices().collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["i1", "i2"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn page_numbers_up_to_a_page_count_beside_a_second_list() {
    // The list is the one named after the path (`widgets`, not `tags`), and the walk
    // stops at `pagination.pageCount` without asking for a page past it.
    let (server, client) = serve("/widgets", |r, _| {
        let page: u32 = q(r, "page").map_or(1, |p| p.parse().unwrap());
        let id = format!("w{page}");
        ok(json!({
            "widgets": items(&[&id]), "tags": items(&["tag"]),
            "pagination": {"page": page, "pageSize": 1, "pageCount": 3}
        }))
    })
    .await;

    let all = bounded(client.pages().list_widgets().collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["w1", "w2", "w3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/widgets".into(), None),
            ("/widgets".into(), Some("page=2".into())),
            ("/widgets".into(), Some("page=3".into())),
        ]
    );

    // The same shape, named otherwise.
    let (server, client) = serve("/gadgets", |r, _| {
        let page: u32 = q(r, "pageNumber").map_or(1, |p| p.parse().unwrap());
        let id = format!("g{page}");
        ok(json!({"featured": items(&["f"]), "gadget": items(&[&id]), "paging": {"numPages": 2}}))
    })
    .await;
    let all = bounded(client.pages().list_gadgets().collect_all())
        .await
        .unwrap();
    assert_eq!(ids(&all), ["g1", "g2"]);
    assert_eq!(sent(&server).await.len(), 2);
}

#[tokio::test]
async fn a_page_token_takes_the_pages_next_page_until_it_is_null() {
    // Oxide: `page_token` <- `next_page`.
    let (server, client) = serve("/instances", |r, _| match q(r, "page_token").as_deref() {
        None => ok(json!({"items": items(&["i1", "i2"]), "next_page": "tok2"})),
        Some("tok2") => ok(json!({"items": items(&["i3"]), "next_page": null})),
        Some(_) => refused("unknown page_token"),
    })
    .await;

    let all = bounded(client.cursors().list_instances().collect_all())
        .await
        .unwrap();

    assert_eq!(ids(&all), ["i1", "i2", "i3"]);
    assert_eq!(
        sent(&server).await,
        [
            ("/instances".into(), None),
            ("/instances".into(), Some("page_token=tok2".into())),
        ]
    );
}
