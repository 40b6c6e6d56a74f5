//! The live event stream against peers that misbehave where a WebSocket library would
//! not: a peer that stops reading, an upgrade answer that is not a complete handshake, a
//! server that accepts and drops, an upgrade that never gets an answer, a token that
//! changes between connections. Raw TCP where tungstenite cannot misbehave enough.
//! Every wait is bounded (`guard`), so a failing test fails instead of hanging.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use beeper_desktop_api::models::{Event, ResyncEventReason};
use beeper_desktop_api::runtime::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
use beeper_desktop_api::{ChatSubscription, Client, ErrorKind, EventStream, Events};
use futures_util::StreamExt;
use sdk_tests::TOKEN;
use sdk_tests::events_reading::{client_builder, guard, next_event as next, seq_of};
use sdk_tests::ws_raw::RawConn;
use sdk_tests::ws_server::{Conn, WsServer, event};

/// The event-stream builder of a client of `url` with [`builder`]'s settings.
fn events(url: &str) -> Events {
    client_builder(url).build().unwrap().events()
}

/// Waits (bounded by the test's guard) until `check` holds.
async fn until(mut check: impl FnMut() -> bool) {
    while !check() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A subscription change too large for the socket buffers of a peer that reads
/// nothing (8 MiB): its write cannot finish.
fn huge_chat_list() -> ChatSubscription {
    ChatSubscription::only((0..1024).map(|i| format!("!{i:04}{}:beeper.local", "x".repeat(8192))))
}

/// Connection 0 accepts the subscription, then holds the socket without reading it
/// (pings unanswered, writes not taken); later connections accept the subscription
/// sent again and the change that was waiting.
async fn stops_reading(index: usize, mut conn: Conn) {
    conn.ready_and_subscribe().await;
    if index == 0 {
        conn.go_silent().await;
    } else {
        conn.accept_subscription().await;
        conn.drain().await;
    }
}

/// Starts a subscription change that a peer running `stops_reading` never takes, and
/// checks that the stream connects again within `limit`.
async fn a_stuck_change_reconnects_within(server: &WsServer, stream: EventStream, limit: Duration) {
    let stream = Arc::new(stream);
    let changing = stream.clone();
    tokio::spawn(async move { changing.set_chats(huge_chat_list()).await });
    let started = Instant::now();
    until(|| server.seen().upgrades.len() >= 2).await;
    assert!(started.elapsed() < limit, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_write_the_peer_does_not_take_does_not_stop_the_heartbeat() {
    guard(async {
        let server = WsServer::start(TOKEN, stops_reading).await;
        let stream = events(&server.url)
            .ping_interval(Duration::from_millis(300))
            .pong_timeout(Duration::from_millis(700))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        // The unanswered ping is noticed although the write is stuck: connected again.
        a_stuck_change_reconnects_within(&server, stream, Duration::from_secs(5)).await;
    })
    .await;
}

#[tokio::test]
async fn a_write_that_does_not_finish_within_the_write_timeout_breaks_the_connection() {
    guard(async {
        let server = WsServer::start(TOKEN, stops_reading).await;
        // No ping within the test: only the write deadline can notice.
        let stream = events(&server.url)
            .ping_interval(Duration::from_secs(60))
            .write_timeout(Duration::from_millis(300))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        a_stuck_change_reconnects_within(&server, stream, Duration::from_secs(3)).await;
    })
    .await;
}

#[tokio::test]
async fn close_returns_within_two_seconds_while_a_write_is_stuck() {
    guard(async {
        let server = WsServer::start(TOKEN, stops_reading).await;
        let stream = events(&server.url)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let set = stream.set_chats(huge_chat_list());
        // The change is being written (and stays stuck) when close is called.
        let _ = tokio::time::timeout(Duration::from_millis(300), set).await;
        let started = Instant::now();
        stream.close().await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn close_returns_within_two_seconds_during_a_stalled_reconnect() {
    guard(async {
        // Connection 0 drops after the subscription; later upgrades are never answered.
        let server = WsServer::start_raw(|index, raw: RawConn| async move {
            if index == 0 {
                let mut conn = raw.upgrade().await;
                conn.ready_and_subscribe().await;
            } else {
                raw.stall().await;
            }
        })
        .await;
        // The default 30 s to connect: close must not wait for it.
        let stream = events(&server.url)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        until(|| server.seen().upgrades.len() >= 2).await;
        let started = Instant::now();
        stream.close().await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn close_and_drop_send_close_code_1000() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.drain().await;
        })
        .await;
        let client = client_builder(&server.url).build().unwrap();
        let stream = client
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        stream.close().await.unwrap();
        let stream = client
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        drop(stream);
        until(|| server.seen().close_codes.len() >= 2).await;
        let mut codes = server.seen().close_codes;
        codes.sort();
        assert_eq!(codes, vec![(0, Some(1000)), (1, Some(1000))]);
    })
    .await;
}

#[tokio::test]
async fn a_refused_first_subscription_is_closed_with_a_close_frame() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            let command = conn.recv_json().await.unwrap();
            conn.send_json(serde_json::json!({"type": "error", "requestID": command["requestID"], "code": "INVALID_PAYLOAD", "message": "no"})).await;
            conn.drain().await;
        })
        .await;
        let error = events(&server.url)
            .subscribe(ChatSubscription::only(["*", "x"]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadRequest);
        until(|| !server.seen().close_codes.is_empty()).await;
        assert_eq!(server.seen().close_codes, vec![(0, Some(1000))]);
    })
    .await;
}

#[tokio::test]
async fn a_server_that_accepts_and_drops_at_once_meets_a_growing_backoff() {
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            // Dropped at once, every time.
        })
        .await;
        let mut stream = events(&server.url)
            .reconnect_backoff(Duration::from_millis(20), Duration::from_secs(2))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let mut resyncs = 0;
        let window = tokio::time::sleep(Duration::from_millis(1500));
        tokio::pin!(window);
        loop {
            tokio::select! {
                _ = &mut window => break,
                item = stream.next() => match item.expect("the stream goes on").expect("an event") {
                    Event::Resync(_) => resyncs += 1,
                    other => panic!("{other:?}"),
                },
            }
        }
        let connections = server.seen().upgrades.len();
        // 20 ms doubling (minus up to a quarter): at most 8 connections in 1.5 s; a backoff
        // that starts over at every connection makes about 70.
        assert!(connections <= 9, "{connections} connections in 1.5 s");
        assert!(
            resyncs < connections,
            "{resyncs} resyncs, {connections} connections"
        );
    })
    .await;
}

#[tokio::test]
async fn the_backoff_starts_over_once_a_connection_stayed_healthy() {
    guard(async {
        // When each connection came, and when it was dropped.
        let times = Arc::new(Mutex::new(Vec::new()));
        let shared = times.clone();
        let server = WsServer::start(TOKEN, move |index, mut conn: Conn| {
            let times = shared.clone();
            async move {
                let came = Instant::now();
                conn.ready_and_subscribe().await;
                if index == 3 {
                    // Healthy for 400 ms: events, and pings answered.
                    for seq in 1..=10 {
                        conn.send_json(event("message.upserted", seq, "c")).await;
                        let _ =
                            tokio::time::timeout(Duration::from_millis(40), conn.recv_json()).await;
                    }
                }
                times.lock().unwrap().push((index, came, Instant::now()));
                if index == 4 {
                    conn.drain().await;
                }
            }
        })
        .await;
        let mut stream = events(&server.url)
            .ping_interval(Duration::from_millis(20))
            .reconnect_backoff(Duration::from_millis(40), Duration::from_secs(5))
            .healthy_after(Duration::from_millis(200))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        tokio::spawn(async move { while stream.next().await.is_some() {} });
        until(|| times.lock().unwrap().len() >= 5).await;
        let mut times = times.lock().unwrap().clone();
        times.sort_by_key(|t| t.0);
        let wait = |i: usize| times[i + 1].1 - times[i].2;
        // The waits grow while connections drop at once (40, 80, 160 ms, minus up to a
        // quarter) ...
        assert!(wait(2) >= Duration::from_millis(120), "{:?}", wait(2));
        // ... and start over after the healthy one (40 ms, not 320).
        assert!(wait(3) < Duration::from_millis(200), "{:?}", wait(3));
    })
    .await;
}

/// Connection 0 takes token A, drops after one event; later connections want token B
/// (a 401 for A), as after the token was rotated.
async fn rotating_tokens(index: usize, raw: RawConn) {
    match index {
        0 if raw.has_token("token-a") => {
            let mut conn = raw.upgrade().await;
            conn.ready_and_subscribe().await;
            conn.send_json(event("message.upserted", 1, "c")).await;
        }
        _ if raw.has_token("token-b") => {
            let mut conn = raw.upgrade().await;
            conn.ready_and_subscribe().await;
            conn.send_json(event("message.upserted", 7, "c")).await;
            conn.drain().await;
        }
        _ => {
            raw.refuse(
                "401 Unauthorized",
                r#"{"code":"UNAUTHORIZED","message":"bad token"}"#,
            )
            .await
        }
    }
}

/// Sends the current token with every attempt, and on a 401 refreshes it (to token B)
/// and asks for a retry: what the README recommends for tokens that expire.
#[derive(Default)]
struct Refresh {
    token: Mutex<String>,
    seen: Mutex<Vec<(&'static str, Option<u16>)>>,
}

impl Hook for Refresh {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        let token = format!("Bearer {}", self.token.lock().unwrap());
        request
            .headers_mut()
            .insert("authorization", token.parse().unwrap());
        Box::pin(async {})
    }

    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        let status = outcome.status().map(|s| s.as_u16());
        self.seen
            .lock()
            .unwrap()
            .push((request.operation(), status));
        let answer = if status == Some(401) {
            *self.token.lock().unwrap() = "token-b".into();
            AfterAttempt::Retry
        } else {
            AfterAttempt::Proceed
        };
        Box::pin(async move { answer })
    }
}

#[tokio::test]
async fn a_reconnect_sends_the_current_token_through_the_hooks_and_refreshes_on_401() {
    guard(async {
        let server = WsServer::start_raw(rotating_tokens).await;
        let hook = Arc::new(Refresh {
            token: Mutex::new("token-a".into()),
            ..Refresh::default()
        });
        let client = Client::builder()
            .base_url(&server.url)
            .access_token("token-a")
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
            .hook(hook.clone())
            .build()
            .unwrap();
        let mut stream: EventStream = client.events().subscribe(ChatSubscription::All).await.unwrap();
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert!(
            matches!(next(&mut stream).await, Event::Resync(r) if r.reason == ResyncEventReason::Reconnected)
        );
        assert_eq!(seq_of(&next(&mut stream).await), 7);
        let tokens: Vec<_> = server
            .seen()
            .upgrades
            .iter()
            .map(|h| h["authorization"].to_str().unwrap().to_string())
            .collect();
        assert_eq!(tokens, ["Bearer token-a", "Bearer token-a", "Bearer token-b"]);
        let seen = hook.seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [("events", Some(101)), ("events", Some(401)), ("events", Some(101))]
        );
    })
    .await;
}

/// One answer to the upgrade that misses what RFC 6455 (4.1) requires of it.
async fn answer_with(raw: RawConn, bad: &'static str) {
    let key = raw.accept_key();
    let head = match bad {
        "no Upgrade" => format!("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\n\r\n"),
        "no Connection" => format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {key}\r\n\r\n"),
        "Upgrade: h2c" => format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\n\r\n"),
        "Connection: keep-alive" => format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: {key}\r\n\r\n"),
        "wrong accept key" => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n".to_string(),
        "an extension" => format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"),
        "a subprotocol" => format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\nSec-WebSocket-Protocol: chat\r\n\r\n"),
        other => unreachable!("{other}"),
    };
    // Served as a WebSocket afterwards all the same: only the check can refuse it.
    let mut conn = raw.upgrade_with(&head).await;
    conn.ready_and_subscribe().await;
    conn.drain().await;
}

#[tokio::test]
async fn an_upgrade_answer_that_is_not_a_complete_handshake_is_refused() {
    guard(async {
        for bad in [
            "no Upgrade",
            "no Connection",
            "Upgrade: h2c",
            "Connection: keep-alive",
            "wrong accept key",
            "an extension",
            "a subprotocol",
        ] {
            let server = WsServer::start_raw(move |_, raw| answer_with(raw, bad)).await;
            let result = events(&server.url)
                .connect_retries(0)
                .subscribe(ChatSubscription::All)
                .await;
            let error = result.err().unwrap_or_else(|| panic!("{bad}: accepted"));
            assert_eq!(error.kind(), ErrorKind::Connection, "{bad}: {error}");
        }
        // The answer a correct server gives is accepted (the control).
        let good = WsServer::start_raw(|_, raw: RawConn| async move {
            let mut conn = raw.upgrade().await;
            conn.ready_and_subscribe().await;
            conn.drain().await;
        })
        .await;
        let stream = client_builder(&good.url)
            .build()
            .unwrap()
            .events()
            .connect_retries(0)
            .subscribe(ChatSubscription::All)
            .await;
        assert!(stream.is_ok(), "{:?}", stream.err());
    })
    .await;
}

#[tokio::test]
async fn a_401_on_reconnect_without_a_refresh_ends_the_stream_with_that_error() {
    guard(async {
        let server = WsServer::start_raw(rotating_tokens).await;
        let client = Client::builder()
            .base_url(&server.url)
            .access_token("token-a")
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
            .build()
            .unwrap();
        let mut stream = client
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        let error = stream.next().await.expect("the error").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Authentication, "{error}");
        assert!(stream.next().await.is_none(), "the stream has ended");
        // Not retried: one refused upgrade after the first connection.
        assert_eq!(server.seen().upgrades.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn the_first_connection_is_tried_like_an_http_get() {
    guard(async {
        // A 503 first (retried), then the upgrade.
        let server = WsServer::start_raw(|index, raw: RawConn| async move {
            if index == 0 {
                raw.refuse("503 Service Unavailable", "{}").await;
            } else {
                let mut conn = raw.upgrade().await;
                conn.ready_and_subscribe().await;
                conn.drain().await;
            }
        })
        .await;
        let stream = client_builder(&server.url)
            .max_retries(1)
            .build()
            .unwrap()
            .events()
            .subscribe(ChatSubscription::All)
            .await;
        assert!(stream.is_ok(), "{:?}", stream.err());
        assert_eq!(server.seen().upgrades.len(), 2);
        // With no retry left, the 503 is the answer.
        let server = WsServer::start_raw(|_, raw: RawConn| async move {
            raw.refuse("503 Service Unavailable", "{}").await;
        })
        .await;
        let error = events(&server.url)
            .connect_retries(0)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Server, "{error}");
        assert_eq!(server.seen().upgrades.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn max_reconnects_ends_the_stream_after_that_many_attempts_without_a_healthy_connection() {
    guard(async {
        // Connection 0 drops; then every upgrade is refused with a 503.
        let server = WsServer::start_raw(|index, raw: RawConn| async move {
            if index == 0 {
                let mut conn = raw.upgrade().await;
                conn.ready_and_subscribe().await;
            } else {
                raw.refuse("503 Service Unavailable", "{}").await;
            }
        })
        .await;
        let mut stream = events(&server.url)
            .connect_retries(0)
            .max_reconnects(Some(3))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let error = stream.next().await.expect("the error").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
        assert!(error.to_string().contains("503"), "{error}");
        assert!(stream.next().await.is_none(), "the stream has ended");
        assert_eq!(server.seen().upgrades.len(), 1 + 3);
    })
    .await;
}

#[tokio::test]
async fn resyncs_in_a_row_with_nothing_between_them_are_one() {
    guard(async {
        // Connections 0 to 3 drop at once; connection 4 stays and sends an event.
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            if index == 4 {
                conn.send_json(event("message.upserted", 1, "c")).await;
                conn.drain().await;
            }
        })
        .await;
        let mut stream = events(&server.url)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        // The reader reads nothing until the last connection has come.
        until(|| server.seen().upgrades.len() >= 5).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(matches!(next(&mut stream).await, Event::Resync(r) if r.chat_ids == ["*"]));
        assert_eq!(seq_of(&next(&mut stream).await), 1);
    })
    .await;
}

#[tokio::test]
async fn a_server_that_closes_the_connection_is_connected_to_again() {
    guard(async {
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(event("message.upserted", 1, "c")).await;
            if index == 0 {
                conn.close().await;
            } else {
                conn.drain().await;
            }
        })
        .await;
        let mut stream = events(&server.url)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert!(matches!(next(&mut stream).await, Event::Resync(r) if r.reason == ResyncEventReason::Reconnected));
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        assert_eq!(server.seen().upgrades.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_frame_over_max_frame_size_breaks_the_connection_which_is_made_again() {
    guard(async {
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            let text = if index == 0 {
                "x".repeat(4096)
            } else {
                "y".into()
            };
            conn.send_json(event("message.upserted", 1, &text)).await;
            conn.drain().await;
        })
        .await;
        let mut stream = events(&server.url)
            .max_frame_size(1024)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        assert!(matches!(next(&mut stream).await, Event::Resync(_)));
        match next(&mut stream).await {
            Event::MessageUpserted(e) => assert_eq!(e.chat_id, "y"),
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen().upgrades.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_refused_change_leaves_the_previous_subscription_which_a_reconnect_sends_again() {
    guard(async {
        let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
            let chats = conn.ready_and_subscribe().await;
            if index == 0 {
                assert_eq!(chats, ["a"]);
                let command = conn.recv_json().await.unwrap();
                conn.send_json(serde_json::json!({"type": "error", "requestID": command["requestID"], "code": "INVALID_PAYLOAD", "message": "no"})).await;
                // Dropped: the next connection shows what the client holds confirmed.
            } else {
                assert_eq!(chats, ["a"], "the subscription in force before the refusal");
                conn.send_json(event("message.upserted", 1, "a")).await;
                conn.drain().await;
            }
        })
        .await;
        let mut stream = events(&server.url)
            .subscribe(ChatSubscription::only(["a"]))
            .await
            .unwrap();
        let error = stream.set_chats(ChatSubscription::only(["*", "b"])).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadRequest);
        assert!(matches!(next(&mut stream).await, Event::Resync(r) if r.chat_ids == ["a"]));
        assert_eq!(seq_of(&next(&mut stream).await), 1);
        let sets: Vec<_> = server
            .seen()
            .frames
            .into_iter()
            .map(|(i, f)| (i, f["chatIDs"].clone()))
            .collect();
        assert_eq!(
            sets,
            [
                (0, serde_json::json!(["a"])),
                (0, serde_json::json!(["*", "b"])),
                (1, serde_json::json!(["a"]))
            ]
        );
    })
    .await;
}
