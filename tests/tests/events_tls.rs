//! The SDK over TLS: an `https://` base URL, so `wss://` for the event stream, against
//! local servers that present a certificate made for the test. The client trusts it
//! only when told to (`add_root_certificate`, or an own `http_client` that does): the
//! event stream goes through the same HTTP client as every request, and so through the
//! same proxy.

use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::{ChatSubscription, Error, ErrorKind};
use futures_util::StreamExt;
use sdk_tests::TOKEN;
use sdk_tests::events_reading::{client_builder, guard};
use sdk_tests::proxy::Proxy;
use sdk_tests::tls::{HttpsServer, TestCert};
use sdk_tests::ws_server::{Conn, WsServer, event, message_upserted};
use serde_json::json;

/// Accepts the subscription, sends two events, then answers one subscription change.
async fn two_events_and_a_change(mut conn: Conn) {
    conn.ready_and_subscribe().await;
    conn.send_json(message_upserted(1, "c", "m1", json!({})))
        .await;
    conn.send_json(event("chat.upserted", 2, "c")).await;
    conn.accept_subscription().await;
    conn.drain().await;
}

#[tokio::test]
async fn events_arrive_typed_over_wss_with_an_added_root_certificate() {
    guard(async {
        let cert = TestCert::new();
        let server =
            WsServer::start_tls(TOKEN, &cert, |_, conn| two_events_and_a_change(conn)).await;
        assert!(server.url.starts_with("https://"));
        let client = client_builder(&server.url)
            .add_root_certificate(&cert.pem)
            .build()
            .unwrap();
        let mut stream = client
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        match stream.next().await.unwrap().unwrap() {
            Event::MessageUpserted(e) => {
                assert_eq!(e.seq, 1);
                assert_eq!(e.entries.unwrap()[0].decoded().unwrap().id, "m1");
            }
            other => panic!("not the upsert: {other:?}"),
        }
        assert!(matches!(
            stream.next().await.unwrap().unwrap(),
            Event::ChatUpserted(e) if e.seq == 2 && e.chat_id == "c"
        ));
        assert_eq!(
            stream
                .set_chats(ChatSubscription::only(["c"]))
                .await
                .unwrap(),
            vec!["c"]
        );
        stream.close().await.unwrap();

        let seen = server.seen();
        assert_eq!(seen.upgrades.len(), 1);
        assert_eq!(seen.upgrades[0]["authorization"], format!("Bearer {TOKEN}"));
        let sent: Vec<_> = seen
            .frames
            .iter()
            .map(|(_, f)| f["chatIDs"].clone())
            .collect();
        assert_eq!(sent, vec![json!(["*"]), json!(["c"])]);
        while server.seen().closed_cleanly.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_untrusted_certificate_fails_subscribe_with_a_connection_error_without_retrying() {
    guard(async {
        let cert = TestCert::new();
        let server =
            WsServer::start_tls(TOKEN, &cert, |_, conn| two_events_and_a_change(conn)).await;
        let another = TestCert::new();
        // Neither the platform's roots nor another certificate make this one trusted.
        // A retry would wait a minute: the guard would fail the test.
        for client in [
            client_builder(&server.url),
            client_builder(&server.url).add_root_certificate(&another.pem),
        ] {
            let client = client
                .retry_backoff(Duration::from_secs(60), Duration::from_secs(60))
                .build()
                .unwrap();
            let error = client
                .events()
                .connect_retries(3)
                .subscribe(ChatSubscription::All)
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
            let Error::Connection(transport) = &error else {
                unreachable!()
            };
            assert!(
                transport.message.contains("certificate is not trusted"),
                "{error}"
            );
            let shown = format!("{error:?} {error}");
            assert!(!shown.contains(TOKEN), "{shown}");
        }
        assert!(server.seen().upgrades.is_empty(), "no upgrade was sent");
    })
    .await;
}

#[tokio::test]
async fn the_event_stream_goes_through_an_own_http_client_and_its_tls_setup() {
    guard(async {
        let cert = TestCert::new();
        let server =
            WsServer::start_tls(TOKEN, &cert, |_, conn| two_events_and_a_change(conn)).await;
        // The certificate is trusted by the own client only, not by the SDK's builder.
        let own = reqwest::Client::builder()
            .tls_certs_merge([reqwest::Certificate::from_pem(cert.pem.as_bytes()).unwrap()])
            .build()
            .unwrap();
        let client = client_builder(&server.url)
            .http_client(own)
            .build()
            .unwrap();
        let mut stream = client
            .events()
            .subscribe(ChatSubscription::All)
            .await
            .unwrap();
        assert!(matches!(
            stream.next().await.unwrap().unwrap(),
            Event::MessageUpserted(e) if e.seq == 1
        ));
        assert_eq!(
            server.seen().upgrades[0]["authorization"],
            format!("Bearer {TOKEN}")
        );
    })
    .await;
}

#[tokio::test]
async fn ws_and_wss_go_through_the_configured_proxy() {
    guard(async {
        let cert = TestCert::new();
        let one_event = |_, mut conn: Conn| async move {
            conn.ready_and_subscribe().await;
            conn.send_json(event("message.upserted", 1, "c")).await;
            conn.drain().await;
        };
        let plain = WsServer::start(TOKEN, one_event).await;
        let tls = WsServer::start_tls(TOKEN, &cert, one_event).await;
        let proxy = Proxy::start().await;
        for server in [&plain, &tls] {
            let client = client_builder(&server.url)
                .add_root_certificate(&cert.pem)
                .proxy(&proxy.url)
                .build()
                .unwrap();
            let mut stream = client
                .events()
                .subscribe(ChatSubscription::All)
                .await
                .unwrap();
            assert!(matches!(
                stream.next().await.unwrap().unwrap(),
                Event::MessageUpserted(e) if e.seq == 1
            ));
            stream.close().await.unwrap();
        }
        let host = |url: &str| url.split("://").nth(1).unwrap().to_string();
        assert_eq!(
            proxy.requests(),
            [
                format!("GET {}/v1/ws HTTP/1.1", plain.url),
                format!("CONNECT {} HTTP/1.1", host(&tls.url)),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn https_requests_trust_the_added_root_certificate_too() {
    guard(async {
        let cert = TestCert::new();
        let server = HttpsServer::start(&cert, r#"{"success":true}"#).await;
        // DER this time; PEM above.
        let client = client_builder(&server.url)
            .add_root_certificate(&cert.der)
            .build()
            .unwrap();
        let focused = client.focus().await.unwrap();
        assert!(focused.success);
        let heads = server.heads();
        assert!(heads[0].starts_with("POST /v1/focus HTTP/1.1"), "{heads:?}");
        assert!(
            heads[0].to_ascii_lowercase().contains(&format!(
                "authorization: bearer {}",
                TOKEN.to_ascii_lowercase()
            )),
            "{heads:?}"
        );

        let untrusting = client_builder(&server.url).max_retries(0).build().unwrap();
        let error = untrusting.focus().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
        assert_eq!(server.heads().len(), 1, "nothing reached the server");
    })
    .await;
}

#[test]
fn a_root_certificate_beside_an_own_http_client_fails_build() {
    // It would configure a client that is not used: refused rather than ignored.
    let cert = TestCert::new();
    let error = client_builder("https://example.invalid")
        .http_client(reqwest::Client::new())
        .add_root_certificate(&cert.pem)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error:?}");
    assert!(error.to_string().contains("http_client"), "{error}");
}

#[test]
fn a_root_certificate_that_cannot_be_read_fails_build() {
    for bad in [
        b"not a certificate".as_slice(),
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ] {
        let error = client_builder("https://example.invalid")
            .add_root_certificate(bad)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{error:?}");
        assert!(error.to_string().contains("root certificate"), "{error}");
    }
}
