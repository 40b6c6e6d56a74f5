//! `cargo bench -p sdk-benches --bench events`: throughput of the live event stream,
//! as ratios against `serde_json::Value` measured in the same run:
//! - decoding frames (`decode_frame::<Event>`) against parsing them into `Value`;
//! - 10,000 events through a WebSocket on 127.0.0.1, the SDK's `EventStream` against a
//!   bare `tokio-tungstenite` client that parses each frame into `Value`.

use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::runtime::{Frame, decode_frame};
use beeper_desktop_api::{Chats, Client};
use futures_util::{SinkExt, StreamExt};
use sdk_benches::{compare, report};
use sdk_tests::ws_server::{Conn, WsServer, event, message_upserted};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const N: usize = 10_000;
const TOKEN: &str = "bench-token";

/// A mix like a busy account's: message upserts with their message, chat upserts,
/// deletions, and a type this SDK does not know.
fn frames() -> Vec<String> {
    (1..=N as i64)
        .map(|seq| {
            let value = match seq % 4 {
                0 | 1 => {
                    message_upserted(seq, "!chat:beeper.local", &format!("$m{seq}"), json!({}))
                }
                2 => event("chat.upserted", seq, "!chat:beeper.local"),
                _ if seq % 8 == 3 => event("message.deleted", seq, "!chat:beeper.local"),
                _ => event("typing.started", seq, "!chat:beeper.local"),
            };
            value.to_string()
        })
        .collect()
}

fn decode(frames: &[String]) {
    let bytes: usize = frames.iter().map(String::len).sum();
    let results = compare(
        15,
        1,
        &mut [
            ("SDK decode_frame::<Event>", &mut || {
                for f in frames {
                    let frame = decode_frame::<Event>(std::hint::black_box(f)).unwrap();
                    assert!(matches!(frame, Frame::Event { .. }));
                    std::hint::black_box(frame);
                }
            }),
            ("serde_json::Value", &mut || {
                for f in frames {
                    std::hint::black_box(
                        serde_json::from_str::<Value>(std::hint::black_box(f)).unwrap(),
                    );
                }
            }),
        ],
    );
    report(
        &format!("decode {N} event frames, {:.2} MB", bytes as f64 / 1e6),
        &results,
        Some(bytes),
    );
    per_second(&results);
}

fn per_second(results: &[(String, Duration)]) {
    for (name, t) in results {
        println!("  {name:<42} {:>12.0} events/s", N as f64 / t.as_secs_f64());
    }
    println!(
        "  => the SDK takes {:.3}x the time of Value",
        results[0].1.as_secs_f64() / results[1].1.as_secs_f64()
    );
}

fn stream(frames: Vec<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let frames = std::sync::Arc::new(frames);
    let server = runtime.block_on(WsServer::start(TOKEN, move |_, mut conn: Conn| {
        let frames = frames.clone();
        async move {
            conn.ready_and_subscribe().await;
            for f in frames.iter() {
                conn.send_text(f).await;
            }
            conn.drain().await;
        }
    }));
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .build()
        .unwrap();
    let ws_url = server.url.replace("http://", "ws://") + "/v1/ws";
    let results = compare(
        9,
        1,
        &mut [
            ("SDK EventStream<Event>", &mut || {
                runtime.block_on(async {
                    let mut events = client.events().subscribe(Chats::All).await.unwrap();
                    for _ in 0..N {
                        events.next().await.unwrap().unwrap();
                    }
                    events.close().await.unwrap();
                })
            }),
            ("bare tokio-tungstenite into Value", &mut || {
                runtime.block_on(async {
                    let mut request = ws_url.as_str().into_client_request().unwrap();
                    request
                        .headers_mut()
                        .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
                    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
                    let set =
                        json!({"type": "subscriptions.set", "requestID": "r1", "chatIDs": ["*"]});
                    socket.send(Message::text(set.to_string())).await.unwrap();
                    let mut seen = 0;
                    while seen < N {
                        if let Message::Text(t) = socket.next().await.unwrap().unwrap() {
                            let v: Value = serde_json::from_str(t.as_str()).unwrap();
                            if v.get("seq").is_some() {
                                seen += 1;
                            }
                        }
                    }
                    socket.close(None).await.unwrap();
                })
            }),
        ],
    );
    report(
        &format!(
            "{N} events through a WebSocket on 127.0.0.1 (connect, subscribe, read all, close)"
        ),
        &results,
        None,
    );
    per_second(&results);
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent; keep that fast.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipped: run with `cargo bench -p sdk-benches`");
        return;
    }
    let frames = frames();
    decode(&frames);
    stream(frames);
}
