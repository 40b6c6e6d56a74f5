//! The token stays out of every log of the live event stream, over `ws://` and
//! `wss://`, the WebSocket and TLS libraries' `trace` logs included. Alone in its test
//! binary: it installs the global `log` logger and `tracing` subscriber (once, for
//! both tests; each checks everything logged so far).

use std::sync::{Mutex, OnceLock};

use beeper_desktop_api::{ChatSubscription, Client};
use futures_util::StreamExt;
use sdk_tests::TOKEN;
use sdk_tests::events_reading::client_builder;
use sdk_tests::log_capture::Capture;
use sdk_tests::tls::TestCert;
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

/// Installs the capture of both logs, at every level; returns the `tracing` one.
fn capture() -> &'static Capture {
    static TRACES: OnceLock<Capture> = OnceLock::new();
    TRACES.get_or_init(|| {
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
        capture
    })
}

fn assert_no_token_logged(traces: &Capture) {
    let logs = LOGS.0.lock().unwrap().join("\n");
    let traces = traces.text();
    assert!(!logs.contains(TOKEN), "token in the log:\n{logs}");
    assert!(
        !traces.contains(TOKEN),
        "token in the tracing output:\n{traces}"
    );
}

#[tokio::test]
async fn the_token_is_in_no_log_of_the_event_stream() {
    let traces = capture();
    let server = WsServer::start(TOKEN, |index, mut conn: Conn| async move {
        conn.ready_and_subscribe().await;
        conn.send_json(event("message.upserted", 1, "c")).await;
        if index > 0 {
            conn.drain().await;
        }
        // The first connection drops: the reconnection is logged too.
    })
    .await;
    let client = client_builder(&server.url).build().unwrap();
    let mut stream = client
        .events()
        .subscribe(ChatSubscription::All)
        .await
        .unwrap();
    for _ in 0..3 {
        stream.next().await.unwrap().unwrap();
    }
    stream.close().await.unwrap();
    assert_eq!(server.seen().upgrades.len(), 2);

    let logs = LOGS.0.lock().unwrap().join("\n");
    assert!(
        logs.contains("tungstenite"),
        "the library's log is captured:\n{logs}"
    );
    assert!(
        traces.text().contains("event stream connected again"),
        "{}",
        traces.text()
    );
    assert_no_token_logged(traces);
}

#[tokio::test]
async fn the_token_is_in_no_log_of_a_wss_event_stream() {
    let traces = capture();
    let cert = TestCert::new();
    let server = WsServer::start_tls(TOKEN, &cert, |_, mut conn: Conn| async move {
        conn.ready_and_subscribe().await;
        conn.send_json(event("message.upserted", 1, "c")).await;
        conn.drain().await;
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .add_root_certificate(&cert.pem)
        .build()
        .unwrap();
    let mut stream = client
        .events()
        .subscribe(ChatSubscription::All)
        .await
        .unwrap();
    stream.next().await.unwrap().unwrap();
    stream.close().await.unwrap();
    // The token did go to the server, over TLS.
    assert_eq!(
        server.seen().upgrades[0]["authorization"],
        format!("Bearer {TOKEN}")
    );

    let logs = LOGS.0.lock().unwrap().join("\n");
    assert!(
        logs.contains("rustls") && logs.contains("tungstenite"),
        "the TLS and WebSocket libraries' logs are captured:\n{logs}"
    );
    assert_no_token_logged(traces);
}
