//! The live event stream against a local WebSocket server that misbehaves on purpose.
//! Intervals are a few milliseconds so that nothing waits for seconds; the outer
//! `guard` only turns a hang into a failure.

use std::time::Duration;

use beeper_desktop_api::models::{Event, ResyncEventReason};
use beeper_desktop_api::{ChatSubscription, Client, ErrorKind, EventStream};
use futures_util::StreamExt;
use sdk_tests::events_reading::{guard, next_event as next, seq_of};
use sdk_tests::ws_server::{Conn, WsServer, event, message_upserted};
use sdk_tests::{TOKEN, TestServer};
use serde_json::json;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .default_header("x-app", "events-test")
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
}

async fn subscribe(url: &str) -> EventStream {
    client(url)
        .events()
        .ping_interval(Duration::from_millis(20))
        .pong_timeout(Duration::from_millis(50))
        .timeout(Duration::from_secs(5))
        .subscribe(ChatSubscription::All)
        .await
        .expect("subscribed")
}

#[tokio::test]
async fn the_token_and_default_headers_go_in_the_upgrade_request_and_nowhere_else() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.drain().await;
        })
        .await;
        let events = client(&server.url).events();
        let shown = format!("{events:?}");
        let stream = events.subscribe(ChatSubscription::All).await.unwrap();
        let seen = server.seen();
        let headers = &seen.upgrades[0];
        assert_eq!(headers["authorization"], format!("Bearer {TOKEN}"));
        assert_eq!(headers["x-app"], "events-test");
        assert!(
            headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("beeper-desktop-api/")
        );
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!format!("{stream:?}").contains(TOKEN));
        assert!(shown.contains("/v1/ws"), "{shown}");

        // A wrong token is refused at the upgrade, as a typed error, and not retried.
        let wrong = Client::builder()
            .base_url(&server.url)
            .access_token("wrong")
            .build()
            .unwrap();
        let error = wrong
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Authentication);
        assert_eq!(error.as_status().unwrap().code(), Some("UNAUTHORIZED"));
        assert!(!format!("{error} {error:?}").contains(TOKEN));
        assert_eq!(server.seen().upgrades.len(), 2, "a 401 is not retried");
    })
    .await;
}

#[tokio::test]
async fn subscription_changes_round_trip_with_the_servers_answer() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            assert_eq!(conn.ready_and_subscribe().await, vec!["*"]);
            assert_eq!(conn.accept_subscription().await, vec!["a", "b"]);
            assert_eq!(conn.accept_subscription().await, Vec::<String>::new());
            conn.send_json(event("chat.upserted", 1, "a")).await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        assert_eq!(
            stream
                .set_chats(ChatSubscription::only(["a", "b"]))
                .await
                .unwrap(),
            vec!["a", "b"]
        );
        assert_eq!(
            stream.set_chats(ChatSubscription::Paused).await.unwrap(),
            Vec::<String>::new()
        );
        assert!(matches!(next(&mut stream).await, Event::ChatUpserted(e) if e.chat_id == "a"));
        let sent: Vec<_> = server.seen().frames.into_iter().map(|(_, f)| f).collect();
        assert_eq!(sent.len(), 3);
        for (frame, chats) in sent
            .iter()
            .zip([json!(["*"]), json!(["a", "b"]), json!([])])
        {
            assert_eq!(frame["type"], "subscriptions.set");
            assert_eq!(frame["chatIDs"], chats);
            assert!(frame["requestID"].is_string());
        }
        assert_ne!(sent[0]["requestID"], sent[1]["requestID"]);
    })
    .await;
}

#[tokio::test]
async fn a_refused_subscription_is_the_servers_error_and_the_stream_goes_on() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            let command = conn.recv_json().await.unwrap();
            assert_eq!(command["chatIDs"], json!(["*", "x"]));
            conn.send_json(json!({"type": "error", "requestID": command["requestID"], "code": "INVALID_PAYLOAD", "message": "\"*\" cannot be combined with chat IDs"})).await;
            conn.send_json(event("message.upserted", 1, "c")).await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        let error = stream.set_chats(ChatSubscription::only(["*", "x"])).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadRequest);
        let status = error.as_status().unwrap();
        assert_eq!(status.code(), Some("INVALID_PAYLOAD"));
        assert_eq!(status.message(), Some("\"*\" cannot be combined with chat IDs"));
        assert_eq!(seq_of(&next(&mut stream).await), 1);
    })
    .await;
}

#[tokio::test]
async fn a_refused_first_subscription_fails_subscribe() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            let command = conn.recv_json().await.unwrap();
            conn.send_json(json!({"type": "error", "requestID": command["requestID"], "code": "INVALID_PAYLOAD", "message": "no"})).await;
            conn.drain().await;
        })
        .await;
        let error = client(&server.url)
            .events()
            .subscribe(ChatSubscription::only(["*", "x"]))
            .await
            .unwrap_err();
        assert_eq!(error.as_status().unwrap().code(), Some("INVALID_PAYLOAD"));
    })
    .await;
}

#[tokio::test]
async fn an_unknown_event_type_is_kept_as_json() {
    guard(async {
        let unknown = json!({"type": "reaction.added", "seq": 1, "ts": 5, "chatID": "c", "ids": ["r1"], "emoji": "👍"});
        let sent = unknown.clone();
        let server = WsServer::start(TOKEN, move |_, mut conn: Conn| {
            let sent = sent.clone();
            async move {
                conn.ready_and_subscribe().await;
                conn.send_json(sent).await;
                conn.send_json(event("message.deleted", 2, "c")).await;
                conn.drain().await;
            }
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        assert_eq!(next(&mut stream).await, Event::Unknown(unknown));
        // Its seq counts: the next one is no gap.
        assert!(matches!(next(&mut stream).await, Event::MessageDeleted(e) if e.seq == 2));
    })
    .await;
}

#[tokio::test]
async fn a_malformed_frame_is_an_error_item_and_the_stream_goes_on() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_text("{not json").await;
            conn.send_json(
                json!({"type": "message.upserted", "seq": 1, "ts": 1, "chatID": "c", "ids": "m1"}),
            )
            .await;
            conn.send_json(event("message.upserted", 2, "c")).await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        let error = stream.next().await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        assert!(error.to_string().contains("{not json"), "{error}");
        let error = stream.next().await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(
            error.to_string().contains("ids"),
            "the failing path is named: {error}"
        );
        assert_eq!(seq_of(&next(&mut stream).await), 2);
    })
    .await;
}

/// A frame that does not decode, or an error the server sends, keeps in its excerpt no
/// value of a field the spec marks secret (`leadToken`, `recoveryKey`, `data`).
#[tokio::test]
async fn a_frame_excerpt_shows_no_secret_field() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(json!({"type": "message.upserted", "recoveryKey": "RK-fr4me-1", "data": "QR-fr4me-2", "seq": 1, "ts": 1, "chatID": "c", "ids": "m1"}))
                .await;
            conn.send_json(json!({"type": "error", "code": "NO", "message": "refused", "details": {"leadToken": "LT-fr4me-3"}}))
                .await;
            conn.send_json(event("message.upserted", 2, "c")).await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        for _ in 0..2 {
            let error = stream.next().await.unwrap().unwrap_err();
            let shown = format!("{error}\n{error:?}");
            for secret in ["RK-fr4me-1", "QR-fr4me-2", "LT-fr4me-3"] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(shown.contains("chatID") || shown.contains("refused"), "{shown}");
        }
        assert_eq!(seq_of(&next(&mut stream).await), 2);
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_made_again_resubscribed_and_announced() {
    guard(async {
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            match index {
                0 => {
                    conn.ready_and_subscribe().await;
                    assert_eq!(conn.accept_subscription().await, vec!["a"]);
                    conn.send_json(event("message.upserted", 1, "a")).await;
                    conn.send_json(event("message.upserted", 2, "a")).await;
                    // Dropped without a close frame, as when the app quits.
                }
                _ => {
                    assert_eq!(conn.ready_and_subscribe().await, vec!["a"]);
                    conn.send_json(event("message.upserted", 1, "a")).await;
                    conn.drain().await;
                }
            }
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        stream
            .set_chats(ChatSubscription::only(["a"]))
            .await
            .unwrap();
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert_eq!(seq_of(&next(&mut stream).await), 2);
        let Event::Resync(resync) = next(&mut stream).await else {
            panic!("a resync after the reconnect")
        };
        assert_eq!(resync.reason, ResyncEventReason::Reconnected);
        assert_eq!(resync.chat_ids, vec!["a"]);
        assert_eq!(resync.since, Some(1_739_320_000_002));
        assert_eq!(resync.last_seq, Some(2));
        // seq starts again on the new connection: no gap is reported.
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        let seen = server.seen();
        assert_eq!(seen.upgrades.len(), 2);
        assert_eq!(seen.upgrades[1]["authorization"], format!("Bearer {TOKEN}"));
    })
    .await;
}

#[tokio::test]
async fn a_seq_gap_yields_a_resync_before_the_next_event() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            for seq in [1, 2, 5, 6] {
                conn.send_json(event("message.upserted", seq, "c")).await;
            }
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert_eq!(seq_of(&next(&mut stream).await), 2);
        let Event::Resync(resync) = next(&mut stream).await else {
            panic!("a resync for the gap")
        };
        assert_eq!(resync.reason, ResyncEventReason::Gap);
        assert_eq!(resync.chat_ids, vec!["*"]);
        assert_eq!(resync.since, Some(1_739_320_000_002));
        assert_eq!(resync.last_seq, Some(2));
        assert_eq!(seq_of(&next(&mut stream).await), 5);
        assert_eq!(seq_of(&next(&mut stream).await), 6);
    })
    .await;
}

#[tokio::test]
async fn a_peer_that_stops_answering_pings_is_left_and_the_connection_made_again() {
    guard(async {
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            if index == 0 {
                conn.send_json(event("message.upserted", 1, "c")).await;
                conn.go_silent().await;
            } else {
                conn.send_json(event("message.upserted", 7, "c")).await;
                conn.drain().await;
            }
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert!(matches!(next(&mut stream).await, Event::Resync(r) if r.reason == ResyncEventReason::Reconnected));
        assert_eq!(seq_of(&next(&mut stream).await), 7);
        assert_eq!(server.seen().upgrades.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn ten_thousand_events_arrive_in_order_without_loss() {
    const N: i64 = 10_000;
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            for seq in 1..=N {
                conn.send_json(message_upserted(seq, "c", &format!("m{seq}"), json!({})))
                    .await;
            }
            conn.drain().await;
        })
        .await;
        // A small budget: the reader is slower than the server, so backpressure is exercised.
        let mut stream = client(&server.url)
            .events()
            .max_buffered_bytes(16 * 1024)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        for expected in 1..=N {
            match next(&mut stream).await {
                Event::MessageUpserted(e) => {
                    assert_eq!(e.seq, expected);
                    let entries = e.entries.unwrap();
                    assert_eq!(entries[0].decoded().unwrap().id, format!("m{expected}"));
                }
                other => panic!("event {expected}: {other:?}"),
            }
        }
    })
    .await;
}

#[tokio::test]
async fn close_and_drop_shut_the_socket_with_a_close_frame() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.drain().await;
        })
        .await;
        let stream = subscribe(&server.url).await;
        stream.close().await.unwrap();
        assert_eq!(server.seen().closed_cleanly, vec![0]);

        let stream = subscribe(&server.url).await;
        drop(stream);
        while server.seen().closed_cleanly.len() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(server.seen().closed_cleanly, vec![0, 1]);
    })
    .await;
}

#[tokio::test]
async fn a_sent_message_is_confirmed_by_the_upsert_with_its_final_id() {
    guard(async {
        let http = TestServer::start().await;
        http.respond(200, json!({"chatID": "c1", "pendingMessageID": "p1"}))
            .await;
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(event("chat.upserted", 1, "other")).await;
            // The pending state first, then the confirmation in another chat, then ours.
            conn.send_json(message_upserted(
                2,
                "c1",
                "p1",
                json!({"pendingMessageID": "p1"}),
            ))
            .await;
            conn.send_json(message_upserted(
                3,
                "c2",
                "m-other",
                json!({"pendingMessageID": "p1"}),
            ))
            .await;
            conn.send_json(message_upserted(
                4,
                "c1",
                "m-final",
                json!({"pendingMessageID": "p1"}),
            ))
            .await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        let sent = stream
            .send_and_confirm(
                http.client.messages().send("c1").text("hi"),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
        assert_eq!(sent.message_id, "m-final");
        assert_eq!(sent.pending_message_id, "p1");
        assert_eq!(seq_of(&sent.event), 4);
        let request = http.only_request().await;
        assert_eq!(request.url.path(), "/v1/chats/c1/messages");
        // The events read while waiting are still delivered, in order.
        for seq in [1, 2, 3, 4] {
            assert_eq!(seq_of(&next(&mut stream).await), seq);
        }

        // No confirmation: a timeout error, and the events stay for the reader.
        let error = stream
            .confirm_sent("c1", "p-never", Duration::from_millis(30))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout);
    })
    .await;
}

/// The JSON path of an error item, which must be an `Error::Decode`.
fn decode_path(item: Option<Result<Event, beeper_desktop_api::Error>>) -> String {
    decode_error(item).0
}

/// The JSON path and the message of an error item, which must be an `Error::Decode`.
fn decode_error(item: Option<Result<Event, beeper_desktop_api::Error>>) -> (String, String) {
    match item.expect("the stream goes on") {
        Err(beeper_desktop_api::Error::Decode(e)) => (e.path.clone(), e.source.to_string()),
        other => panic!("not a decode error: {other:?}"),
    }
}

#[tokio::test]
async fn an_event_whose_entries_do_not_decode_still_arrives_with_its_envelope() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            let mut frame = message_upserted(1, "c", "m1", json!({}));
            // Best effort: the second entry lacks what a Message requires.
            frame["entries"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "m2", "text": "half a message"}));
            frame["ids"] = json!(["m1", "m2"]);
            conn.send_json(frame).await;
            // No `ts`: the envelope is `type`, `seq`, `chatID` and `ids`.
            conn.send_json(json!({"type": "chat.deleted", "seq": 2, "chatID": "c", "ids": ["c"]}))
                .await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        let Event::MessageUpserted(e) = next(&mut stream).await else {
            panic!("the upsert")
        };
        assert_eq!(
            (e.seq, e.chat_id.as_str(), e.ts),
            (1, "c", Some(1_739_320_000_001))
        );
        assert_eq!(e.ids, ["m1", "m2"]);
        let entries = e.entries.unwrap();
        assert_eq!(entries[0].decoded().unwrap().id, "m1");
        let kept = &entries[1];
        assert!(kept.decoded().is_none());
        let undecoded = kept.undecoded().unwrap();
        assert_eq!(undecoded.value["text"], "half a message");
        assert_eq!(undecoded.path, ".");
        assert!(
            undecoded.message.contains("accountID"),
            "{}",
            undecoded.message
        );
        let Event::ChatDeleted(e) = next(&mut stream).await else {
            panic!("the deletion")
        };
        assert_eq!((e.seq, e.ts), (2, None));
    })
    .await;
}

#[tokio::test]
async fn decode_errors_name_the_json_path_inside_the_event() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(
                json!({"type": "message.upserted", "seq": 1, "chatID": "c", "ids": ["m1", 2]}),
            )
            .await;
            conn.send_json(json!({"type": "chat.upserted", "seq": 2, "chatID": 7, "ids": []}))
                .await;
            // The tag need not come first; what comes before it is named in the message.
            conn.send_json(json!({"seq": 3, "chatID": "c", "ids": {}, "type": "message.deleted"}))
                .await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        assert_eq!(decode_path(stream.next().await), "ids[1]");
        assert_eq!(decode_path(stream.next().await), "chatID");
        let (path, message) = decode_error(stream.next().await);
        assert_eq!(path, ".");
        assert!(
            message.starts_with("at `ids`: invalid type: map"),
            "{message}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_gap_is_reported_before_an_undecodable_frame_even_when_nothing_follows() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(event("message.upserted", 1, "c")).await;
            // 2 is missing; 3 has the wrong shape; 4 is missing; 5 is cut short.
            conn.send_json(
                json!({"type": "message.upserted", "seq": 3, "chatID": "c", "ids": "m3"}),
            )
            .await;
            conn.send_text(r#"{"type": "message.upserted", "seq": 5, "chatID": "c", "ids": ["m"#)
                .await;
            conn.drain().await;
        })
        .await;
        let mut stream = subscribe(&server.url).await;
        let next_item = async |stream: &mut EventStream| {
            tokio::time::timeout(Duration::from_secs(2), stream.next())
                .await
                .expect("an item in time")
        };
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        // The frame cut short fails where it breaks.
        for (missed_after, bad_path) in [(1, "ids"), (3, "ids[0]")] {
            match next_item(&mut stream).await.unwrap() {
                Ok(Event::Resync(r)) => {
                    assert_eq!(r.reason, ResyncEventReason::Gap);
                    assert_eq!(r.last_seq, Some(missed_after));
                }
                other => panic!("a resync for the gap after {missed_after}: {other:?}"),
            }
            assert_eq!(decode_path(next_item(&mut stream).await), bad_path);
        }
    })
    .await;
}

/// The stream has a name without a type parameter and can be kept in a struct; the
/// subscription's old name still compiles, with a deprecation warning.
#[test]
fn the_stream_is_a_named_unpin_type_and_the_old_selector_name_still_compiles() {
    struct Bot {
        _events: beeper_desktop_api::EventStream,
    }
    fn unpin<T: Unpin>() {}
    unpin::<beeper_desktop_api::EventStream>();
    unpin::<Bot>();
    #[allow(deprecated)]
    let old = beeper_desktop_api::Chats::only(["a"]);
    assert_eq!(old, ChatSubscription::Only(vec!["a".to_string()]));
}
