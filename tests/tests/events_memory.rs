//! What the live event stream holds is bounded in bytes: a reader that reads slowly, a
//! `confirm_sent` that waits through a flood, and events that come before the
//! subscription's answer all count against one budget (`max_buffered_bytes`), and when
//! it is full the socket is not read (TCP pushes back on the server). Alone in its test
//! binary: it counts the bytes the whole process has allocated, through its global
//! allocator, the server's included (one frame at a time: the flood's frames are made
//! before counting starts and sent without a copy).

use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::{ChatSubscription, Client, ErrorKind, EventStream};
use futures_util::StreamExt;
use sdk_tests::TOKEN;
use sdk_tests::alloc_count::{self, Counting};
use sdk_tests::events_reading::client_builder;
use sdk_tests::ws_server::{Conn, WsServer, message_upserted};
use serde_json::json;
use tokio_tungstenite::tungstenite::Utf8Bytes;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The tests share the counter: one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const MIB: usize = 1024 * 1024;
/// The budget the tests set, and the frames the server floods with (40 of 1 MiB).
const BUDGET: usize = 4 * MIB;
const FRAME: usize = MIB;
const FRAMES: i64 = 40;

async fn guard<T>(f: impl Future<Output = T>) -> T {
    // Made before anything is counted: what the server then holds is what it writes.
    LazyLock::force(&FLOOD);
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the test hung")
}

/// A `message.upserted` of about 1 MiB.
fn big_event(seq: i64) -> String {
    let text = "x".repeat(FRAME);
    message_upserted(seq, "c", &format!("m{seq}"), json!({ "text": text })).to_string()
}

/// The flood's frames, seq 1 to FRAMES.
static FLOOD: LazyLock<Vec<Utf8Bytes>> =
    LazyLock::new(|| (1..=FRAMES).map(|seq| big_event(seq).into()).collect());

/// Sends the flood, one frame at a time, as fast as the client takes it.
async fn flood(conn: &mut Conn) {
    for frame in FLOOD.iter() {
        conn.send_shared(frame.clone()).await;
    }
}

fn client(url: &str) -> Client {
    client_builder(url).build().unwrap()
}

/// The most held at any time since `start` (the bytes allocated then).
fn peak_since(start: usize) -> usize {
    alloc_count::peak().saturating_sub(start)
}

fn start_counting() -> usize {
    alloc_count::start_counting()
}

/// The budget, one frame being read past it, the frame the server is writing and the
/// frame the reader has just taken, plus a small constant (socket buffers, tasks).
fn bound() -> usize {
    BUDGET + 3 * FRAME + 2 * MIB
}

async fn read_all_in_order(stream: &mut EventStream, from: i64) {
    for expected in from..=FRAMES {
        let item = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("the next event in time")
            .expect("the stream goes on");
        match item.expect("an event") {
            Event::MessageUpserted(e) => assert_eq!(e.seq, expected),
            other => panic!("event {expected}: {other:?}"),
        }
    }
}

/// A server that confirms the subscription, then sends the whole flood at once.
async fn flooding_server() -> WsServer {
    WsServer::start(TOKEN, |_, mut conn: Conn| async move {
        conn.ready_and_subscribe().await;
        flood(&mut conn).await;
        conn.drain().await;
    })
    .await
}

#[tokio::test]
async fn a_slow_reader_holds_at_most_the_byte_budget_and_is_not_taken_for_a_dead_peer() {
    let _one = ONE_AT_A_TIME.lock().await;
    guard(async {
        let server = flooding_server().await;
        let mut stream = client(&server.url)
            .events()
            .max_buffered_bytes(BUDGET)
            // Pings every 20 ms, 50 ms to answer: the pause below is far longer.
            .ping_interval(Duration::from_millis(20))
            .pong_timeout(Duration::from_millis(50))
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let start = start_counting();
        // The reader does not read for a second: the server's flood waits in TCP.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let held = peak_since(start);
        read_all_in_order(&mut stream, 1).await;
        assert!(
            held <= bound(),
            "{held} bytes held with a budget of {BUDGET}"
        );
        // Not a dead peer: one connection, and no resync among the events.
        assert_eq!(server.seen().upgrades.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn what_confirm_sent_reads_while_it_waits_counts_against_the_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    guard(async {
        let server = flooding_server().await;
        let mut stream = client(&server.url)
            .events()
            .max_buffered_bytes(BUDGET)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let start = start_counting();
        let error = stream
            .confirm_sent("c", "never-sent", Duration::from_secs(1))
            .await
            .unwrap_err();
        let held = peak_since(start);
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert!(
            held <= bound(),
            "{held} bytes held with a budget of {BUDGET}"
        );
        // What it read is still delivered, in order, and the rest after it.
        read_all_in_order(&mut stream, 1).await;
    })
    .await;
}

#[tokio::test]
async fn events_before_the_subscription_answer_count_against_the_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            let command = conn.recv_json().await.unwrap();
            flood(&mut conn).await;
            conn.send_json(json!({"type": "subscriptions.updated", "requestID": command["requestID"], "chatIDs": ["*"]}))
                .await;
            conn.drain().await;
        })
        .await;
        let start = start_counting();
        let subscribed = client(&server.url)
            .events()
            .max_buffered_bytes(BUDGET)
            .timeout(Duration::from_secs(1))
            .subscribe(ChatSubscription::All)
            .await;
        let held = peak_since(start);
        assert!(
            held <= bound(),
            "{held} bytes held with a budget of {BUDGET}"
        );
        // The answer is behind the flood, which is not read past the budget.
        let error = subscribed.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    })
    .await;
}

#[tokio::test]
async fn many_small_frames_are_held_within_the_budget_too() {
    // 20,000 frames of about 250 bytes: what they cost in memory, their blocks and their
    // places in the queue included, is what the budget counts.
    const SMALL: i64 = 20_000;
    let _one = ONE_AT_A_TIME.lock().await;
    guard(async {
        let server = WsServer::start(TOKEN, |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            for seq in 1..=SMALL {
                let frame = message_upserted(seq, "c", &format!("m{seq}"), json!({}));
                conn.send_text(&frame.to_string()).await;
            }
            conn.drain().await;
        })
        .await;
        let mut stream = client(&server.url)
            .events()
            .max_buffered_bytes(BUDGET)
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        let start = start_counting();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let held = peak_since(start);
        for expected in 1..=SMALL {
            match stream.next().await.unwrap().unwrap() {
                Event::MessageUpserted(e) => assert_eq!(e.seq, expected),
                other => panic!("event {expected}: {other:?}"),
            }
        }
        assert!(
            held <= BUDGET + MIB,
            "{held} bytes held with a budget of {BUDGET}"
        );
        // The flood was more than the budget: the reader's pause was felt.
        assert!(
            held >= BUDGET / 2,
            "{held} bytes held: the budget was not reached"
        );
    })
    .await;
}
