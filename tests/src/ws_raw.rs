//! A WebSocket server on raw TCP, for what a WebSocket library will not do: answer the
//! upgrade with a head the test writes (a header missing, an extension never asked
//! for), never answer it, or hold a connection without reading it. Once the upgrade is
//! answered, the connection is a [`Conn`] like those of [`WsServer::start`].

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::http::{HeaderMap, HeaderName, HeaderValue};

use crate::ws_server::{Conn, Seen, WsServer};

/// One TCP connection whose upgrade request has been read and not answered.
pub struct RawConn {
    pub index: usize,
    /// The upgrade request's head, as received.
    pub head: String,
    pub headers: HeaderMap,
    tcp: TcpStream,
    seen: Arc<Mutex<Seen>>,
}

impl RawConn {
    /// The `Sec-WebSocket-Accept` value that answers this request's key.
    pub fn accept_key(&self) -> String {
        let key = self
            .headers
            .get("sec-websocket-key")
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        derive_accept_key(key)
    }

    /// Whether the request carries `Authorization: Bearer <token>`.
    pub fn has_token(&self, token: &str) -> bool {
        self.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {token}"))
    }

    /// The answer a correct server gives.
    pub fn switching_protocols(&self) -> String {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            self.accept_key()
        )
    }

    /// Answers the upgrade correctly and goes on as a WebSocket server.
    pub async fn upgrade(self) -> Conn {
        let head = self.switching_protocols();
        self.upgrade_with(&head).await
    }

    /// Answers with `head` as it is (it must end with an empty line) and goes on as a
    /// WebSocket server, whatever the head said.
    pub async fn upgrade_with(mut self, head: &str) -> Conn {
        let _ = self.tcp.write_all(head.as_bytes()).await;
        Conn::upgraded(self.index, Box::new(self.tcp), self.seen).await
    }

    /// Answers with a complete HTTP response (head and body) and closes.
    pub async fn refuse(mut self, status_line: &str, body: &str) {
        let answer = format!(
            "HTTP/1.1 {status_line}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = self.tcp.write_all(answer.as_bytes()).await;
        let _ = self.tcp.shutdown().await;
    }

    /// Keeps the connection open and never answers.
    pub async fn stall(self) {
        std::future::pending::<()>().await;
        drop(self);
    }
}

impl WsServer {
    /// Serves every TCP connection with `script(index, raw)`, after reading its upgrade
    /// request (recorded in [`Seen::upgrades`]); the script answers it. `url` is `http://`.
    pub async fn start_raw<F, Fut>(script: F) -> WsServer
    where
        F: Fn(usize, RawConn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = seen.clone();
        let script = Arc::new(script);
        tokio::spawn(async move {
            let mut index = 0;
            while let Ok((mut tcp, _)) = listener.accept().await {
                let Some(head) = read_head(&mut tcp).await else {
                    continue;
                };
                let headers = parse_headers(&head);
                shared.lock().unwrap().upgrades.push(headers.clone());
                let raw = RawConn {
                    index,
                    head,
                    headers,
                    tcp,
                    seen: shared.clone(),
                };
                tokio::spawn(script(index, raw));
                index += 1;
            }
        });
        WsServer { url, seen }
    }
}

/// The request head, up to its empty line; `None` if the client went first.
async fn read_head(tcp: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte).await.ok()? == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn parse_headers(head: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in head.split("\r\n").skip(1) {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(n, v);
        }
    }
    headers
}
