//! A forward HTTP proxy on 127.0.0.1 that records what goes through it: `CONNECT
//! host:port` tunnels (for `https://` and `wss://`), and requests in absolute form
//! (`GET http://host/path`, for `http://` and `ws://`), passed on in origin form.
//! After the head, bytes are copied both ways as they come, so an upgrade goes through.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct Proxy {
    /// `http://127.0.0.1:port`, for `ClientBuilder::proxy`.
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, seen.clone()));
            }
        });
        Proxy { url, requests }
    }

    /// The request line of every request the proxy got: `CONNECT 127.0.0.1:1234
    /// HTTP/1.1`, `GET http://127.0.0.1:1234/v1/ws HTTP/1.1`.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(mut client: TcpStream, seen: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte).await {
            Ok(1) if head.len() < 64 * 1024 => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let (line, rest) = head.split_once("\r\n").unwrap_or((&head, ""));
    seen.lock().unwrap().push(line.to_string());
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version)) = (words.next(), words.next(), words.next())
    else {
        return;
    };
    let mut upstream = if method == "CONNECT" {
        let Ok(upstream) = TcpStream::connect(target).await else {
            return;
        };
        let _ = client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await;
        upstream
    } else {
        let Some(after_scheme) = target.strip_prefix("http://") else {
            return;
        };
        let (authority, path) = after_scheme
            .split_once('/')
            .map(|(a, p)| (a, format!("/{p}")))
            .unwrap_or((after_scheme, "/".to_string()));
        let Ok(mut upstream) = TcpStream::connect(authority).await else {
            return;
        };
        let forwarded = format!("{method} {path} {version}\r\n{rest}");
        if upstream.write_all(forwarded.as_bytes()).await.is_err() {
            return;
        }
        upstream
    };
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
