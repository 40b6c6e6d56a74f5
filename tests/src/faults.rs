//! A TCP server on 127.0.0.1 that misbehaves on purpose, one scripted reply per
//! request: statuses, raw bytes, a body cut short, silence, a closed connection, a
//! body dripping a byte at a time, an endless chunked body.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response with a `Content-Length`; the connection stays open.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Headers promising `declared` bytes, then only `body`, then the connection closes.
    CutShort { declared: usize, body: Vec<u8> },
    /// A 200 with a `Content-Length` of the whole body, sent one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
    /// A 200 with a chunked body of `chunk` repeated `count` times (no length declared).
    Chunked { chunk: Vec<u8>, count: usize },
    /// Reads the request and never answers.
    Hang,
    /// Closes the connection without answering.
    Close,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::Status {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON"),
        }
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Status {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Status {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Status {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The one value of header `name` (in any case), if it was sent; a header sent more
    /// than once fails the test.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name));
        let first = values.next().map(|(_, v)| v.as_str());
        assert!(
            values.next().is_none(),
            "`{name}` sent more than once: {self:?}"
        );
        first
    }
}

/// Makes the reply to request number `n` (0 first).
type MakeReply = dyn Fn(usize, &Received) -> Reply + Send + Sync;

/// The replies of a server: a list played in order, or made per request.
#[derive(Clone)]
enum Script {
    List(Arc<Vec<Reply>>),
    /// Made from the request's number and the request; requests are not kept.
    Made(Arc<MakeReply>),
}

pub struct FaultServer {
    pub url: String,
    replies: Script,
    count: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
    written: Arc<AtomicU64>,
}

impl FaultServer {
    /// Serves `replies` in order, one per request; the last one repeats.
    pub async fn start(replies: Vec<Reply>) -> FaultServer {
        assert!(!replies.is_empty());
        FaultServer::serve(Script::List(Arc::new(replies))).await
    }

    /// Answers request number `n` (0 first) with `reply(n, &request)`. The requests are
    /// not kept (`received` is empty), so that a long run holds no memory for them.
    pub async fn with(
        reply: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static,
    ) -> FaultServer {
        FaultServer::serve(Script::Made(Arc::new(reply))).await
    }

    async fn serve(replies: Script) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let server = FaultServer {
            url,
            replies,
            count: Arc::new(AtomicUsize::new(0)),
            received: Arc::new(Mutex::new(Vec::new())),
            written: Arc::new(AtomicU64::new(0)),
        };
        let shared = Shared {
            replies: server.replies.clone(),
            count: server.count.clone(),
            received: server.received.clone(),
            written: server.written.clone(),
        };
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        server
    }

    /// How many requests arrived.
    pub fn attempts(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Body bytes of `Drip` and `Chunked` replies the client took off the socket (or
    /// that fit in its buffers) before it stopped reading.
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Shared {
    replies: Script,
    count: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
    written: Arc<AtomicU64>,
}

/// A URL on which nothing listens: connecting is refused.
pub async fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    url
}

async fn serve(mut stream: TcpStream, shared: Shared) {
    let Shared {
        replies,
        count,
        received,
        written,
    } = shared;
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        let n = count.fetch_add(1, Ordering::SeqCst);
        let reply = match &replies {
            Script::List(replies) => {
                received.lock().expect("lock").push(request);
                replies[n.min(replies.len() - 1)].clone()
            }
            Script::Made(reply) => reply(n, &request),
        };
        match reply {
            Reply::Status {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
                    reason(status),
                    body.len()
                );
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                // One write: with two, Nagle's algorithm delays the second by ~40 ms.
                let mut response = head.into_bytes();
                response.extend_from_slice(&body);
                if stream.write_all(&response).await.is_err() {
                    return;
                }
            }
            Reply::CutShort { declared, body } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.flush().await;
                return;
            }
            Reply::Drip { body, every } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for byte in body {
                    tokio::time::sleep(every).await;
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                    written.fetch_add(1, Ordering::SeqCst);
                }
            }
            Reply::Chunked { chunk, count } => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(&chunk);
                framed.extend_from_slice(b"\r\n");
                for _ in 0..count {
                    if stream.write_all(&framed).await.is_err() {
                        return;
                    }
                    written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
            Reply::Hang => {
                // Keep the connection open, silent, until the client gives up.
                let mut sink = [0u8; 1024];
                while let Ok(n) = stream.read(&mut sink).await {
                    if n == 0 {
                        return;
                    }
                }
                return;
            }
            Reply::Close => return,
        }
    }
}

async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Received> {
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[header_end..header_end + length].to_vec();
    buf.drain(..header_end + length);
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
