//! A local WebSocket server for the live event stream, scripted per connection so
//! that it can misbehave on purpose: refuse the upgrade, send broken frames, skip
//! `seq` numbers, drop the connection, or stop answering pings. Over plain TCP, or
//! over TLS with a certificate made for the test ([`TestCert`](crate::tls::TestCert)).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderMap, StatusCode};
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::tls::TestCert;

type Script = Arc<dyn Fn(usize, Conn) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A TCP or TLS connection, whichever the server speaks.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// What the server saw of the session, for assertions.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Headers of each upgrade request, accepted or not.
    pub upgrades: Vec<HeaderMap>,
    /// Every text frame received, per connection.
    pub frames: Vec<(usize, Value)>,
    /// Connections that ended with a close frame from the client.
    pub closed_cleanly: Vec<usize>,
    /// The status code of each close frame from the client (`None`: a frame without one,
    /// which the peer reads as 1005), by connection.
    pub close_codes: Vec<(usize, Option<u16>)>,
}

/// One accepted connection, handed to the script.
pub struct Conn {
    pub index: usize,
    socket: WebSocketStream<Box<dyn Io>>,
    seen: Arc<Mutex<Seen>>,
}

impl Conn {
    /// A connection whose upgrade was answered elsewhere (the raw server).
    pub(crate) async fn upgraded(index: usize, io: Box<dyn Io>, seen: Arc<Mutex<Seen>>) -> Conn {
        let socket = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
        Conn {
            index,
            socket,
            seen,
        }
    }

    /// Writes bytes straight to the connection, under the WebSocket: a frame cut short,
    /// a malformed one.
    pub async fn write_raw(&mut self, bytes: &[u8]) {
        let io = self.socket.get_mut();
        let _ = io.write_all(bytes).await;
        let _ = io.flush().await;
    }

    pub async fn send_json(&mut self, value: Value) {
        self.send_text(&value.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.send_shared(Utf8Bytes::from(text.to_string())).await;
    }

    /// A text frame whose bytes are shared, not copied: what a memory test sends, so
    /// that the server holds no more of a frame than the WebSocket's write buffer.
    pub async fn send_shared(&mut self, text: Utf8Bytes) {
        let _ = self.socket.send(Message::Text(text)).await;
    }

    /// The next text frame as JSON (pings are answered meanwhile); `None` once the
    /// client has gone. A close frame is recorded.
    pub async fn recv_json(&mut self) -> Option<Value> {
        loop {
            match self.socket.next().await? {
                Ok(Message::Text(text)) => {
                    let value: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    self.seen
                        .lock()
                        .unwrap()
                        .frames
                        .push((self.index, value.clone()));
                    return Some(value);
                }
                Ok(Message::Close(frame)) => {
                    let mut seen = self.seen.lock().unwrap();
                    seen.closed_cleanly.push(self.index);
                    let code = frame.map(|f| u16::from(f.code));
                    seen.close_codes.push((self.index, code));
                    return None;
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Reads a `subscriptions.set` and accepts it; returns its `chatIDs`.
    pub async fn accept_subscription(&mut self) -> Vec<String> {
        let command = self.recv_json().await.expect("a subscriptions.set");
        assert_eq!(command["type"], "subscriptions.set", "{command}");
        let chats = command["chatIDs"].clone();
        self.send_json(json!({"type": "subscriptions.updated", "requestID": command["requestID"], "chatIDs": chats}))
            .await;
        serde_json::from_value(chats).expect("chatIDs is a list of strings")
    }

    /// `ready`, then accepts the subscription.
    pub async fn ready_and_subscribe(&mut self) -> Vec<String> {
        self.send_json(json!({"type": "ready", "version": 1, "chatIDs": []}))
            .await;
        self.accept_subscription().await
    }

    /// Reads until the client closes or goes, answering pings.
    pub async fn drain(&mut self) {
        while self.recv_json().await.is_some() {}
    }

    /// Closes the connection with a close frame (code 1000), as a server shutting down.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }

    /// Holds the connection without reading it: pings go unanswered.
    pub async fn go_silent(self) {
        std::future::pending::<()>().await;
        drop(self);
    }
}

/// A domain event as the server sends it.
pub fn event(kind: &str, seq: i64, chat: &str) -> Value {
    json!({"type": kind, "seq": seq, "ts": 1_739_320_000_000_i64 + seq, "chatID": chat, "ids": [format!("m{seq}")]})
}

/// A `message.upserted` with one full message entry.
pub fn message_upserted(seq: i64, chat: &str, id: &str, extra: Value) -> Value {
    let mut entry = json!({
        "id": id, "accountID": "matrix", "chatID": chat, "senderID": "@u:beeper.com",
        "sortKey": format!("{seq:08}"), "timestamp": "2026-02-12T00:00:00Z", "text": "hello",
    });
    if let (Some(entry), Some(extra)) = (entry.as_object_mut(), extra.as_object()) {
        entry.extend(extra.clone());
    }
    let mut e = event("message.upserted", seq, chat);
    e["ids"] = json!([id]);
    e["entries"] = json!([entry]);
    e
}

pub struct WsServer {
    pub url: String,
    pub(crate) seen: Arc<Mutex<Seen>>,
}

impl WsServer {
    /// Serves every connection with `script(index, conn)`; upgrades without
    /// `Authorization: Bearer <token>` are refused with 401. `url` is `http://`.
    pub async fn start<F, Fut>(token: &str, script: F) -> WsServer
    where
        F: Fn(usize, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self::serve(token, None, script).await
    }

    /// Like [`start`](Self::start), over TLS with `cert`; `url` is `https://127.0.0.1:port`.
    /// A client that does not trust the certificate never gets to the script.
    pub async fn start_tls<F, Fut>(token: &str, cert: &TestCert, script: F) -> WsServer
    where
        F: Fn(usize, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self::serve(token, Some(cert.acceptor()), script).await
    }

    async fn serve<F, Fut>(token: &str, tls: Option<TlsAcceptor>, script: F) -> WsServer
    where
        F: Fn(usize, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let script: Script = Arc::new(move |i, c| Box::pin(script(i, c)));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let expected = format!("Bearer {token}");
        let shared = seen.clone();
        tokio::spawn(async move {
            let mut index = 0;
            while let Ok((tcp, _)) = listener.accept().await {
                let stream: Box<dyn Io> = match &tls {
                    None => Box::new(tcp),
                    Some(tls) => match tls.accept(tcp).await {
                        Ok(stream) => Box::new(stream),
                        Err(_) => continue,
                    },
                };
                let seen = shared.clone();
                let expected = expected.clone();
                // The callback's signature is tungstenite's.
                #[allow(clippy::result_large_err)]
                let check = move |request: &Request,
                                  response: Response|
                      -> Result<Response, ErrorResponse> {
                    seen.lock()
                        .unwrap()
                        .upgrades
                        .push(request.headers().clone());
                    let auth = request
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok());
                    if auth == Some(expected.as_str()) {
                        Ok(response)
                    } else {
                        let mut refused = ErrorResponse::new(Some(
                            "{\"code\":\"UNAUTHORIZED\",\"message\":\"bad token\"}".into(),
                        ));
                        *refused.status_mut() = StatusCode::UNAUTHORIZED;
                        Err(refused)
                    }
                };
                let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
                    continue;
                };
                let conn = Conn {
                    index,
                    socket,
                    seen: shared.clone(),
                };
                tokio::spawn(script(index, conn));
                index += 1;
            }
        });
        WsServer { url, seen }
    }

    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}
