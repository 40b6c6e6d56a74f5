//! The token stays out of every log of the live event stream, the WebSocket library's
//! `trace` log included. Alone in its test binary: it installs the global `log` logger
//! and `tracing` subscriber.

use std::sync::Mutex;
use std::time::Duration;

use beeper_desktop_api::{Chats, Client};
use futures_util::StreamExt;
use sdk_tests::TOKEN;
use sdk_tests::log_capture::Capture;
use sdk_tests::ws_server::{Conn, WsServer, event};

/// Keeps every `log` record, at every level.
struct LogCapture(Mutex<Vec<String>>);

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static LOGS: LogCapture = LogCapture(Mutex::new(Vec::new()));

#[tokio::test]
async fn the_token_is_in_no_log_of_the_event_stream() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
        conn.ready_and_subscribe().await;
        conn.send_json(event("message.upserted", 1, "c")).await;
        if index > 0 {
            conn.drain().await;
        }
        // The first connection drops: the reconnection is logged too.
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap();
    let mut stream = client.events().subscribe(Chats::All).await.unwrap();
    for _ in 0..3 {
        stream.next().await.unwrap().unwrap();
    }
    stream.close().await.unwrap();
    assert_eq!(server.seen().upgrades.len(), 2);

    let logs = LOGS.0.lock().unwrap().join("\n");
    let traces = capture.text();
    assert!(
        logs.contains("tungstenite"),
        "the library's log is captured:\n{logs}"
    );
    assert!(traces.contains("event stream connected again"), "{traces}");
    assert!(!logs.contains(TOKEN), "token in the log:\n{logs}");
    assert!(
        !traces.contains(TOKEN),
        "token in the tracing output:\n{traces}"
    );
}
