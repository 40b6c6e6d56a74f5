//! The WebSocket upgrade request, over plain TCP (`ws://`, what Beeper Desktop serves on
//! localhost) or TLS (`wss://`), written here rather than by tungstenite: tungstenite's
//! client handshake logs the whole request, the `Authorization` header included, at
//! `trace` level. After the `101` answer the socket is handed to tungstenite as it is.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

#[cfg(feature = "rustls")]
pub(crate) use super::ws_tls::{TlsStream, WsTls};

/// Without the `rustls` feature there is no TLS for `wss://` (an https base URL is
/// refused before any connection): these stand in, so that the rest reads the same.
#[cfg(not(feature = "rustls"))]
pub(crate) type TlsStream = TcpStream;
#[cfg(not(feature = "rustls"))]
#[derive(Debug, Default)]
pub(crate) struct WsTls;

/// The longest answer head read, and the longest refusal body kept.
const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 64 * 1024;

/// Why the upgrade failed.
pub(crate) enum Refused {
    /// The server answered with another status than 101.
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    /// No connection, a broken one, or an answer that is not a WebSocket upgrade.
    Transport(String, Option<io::Error>),
    /// The server's TLS certificate is not trusted.
    #[cfg_attr(not(feature = "rustls"), allow(dead_code))]
    Untrusted(io::Error),
    /// The TLS setup cannot be used.
    Config(String),
}

/// The connection under the WebSocket: TCP, or TLS over TCP.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(feature = "rustls")]
async fn connect_tls(tls: &WsTls, host: &str, tcp: TcpStream) -> Result<TlsStream, Refused> {
    super::ws_tls::connect(tls, host, tcp).await
}

#[cfg(not(feature = "rustls"))]
async fn connect_tls(_: &WsTls, _: &str, _: TcpStream) -> Result<TlsStream, Refused> {
    Err(Refused::Config("wss:// needs the `rustls` feature".into()))
}

fn broken(message: &str) -> Refused {
    Refused::Transport(message.to_string(), None)
}

/// Connects to `url` (`ws://` or `wss://host[:port]/path`) and upgrades, sending
/// `headers`.
pub(crate) async fn open(
    url: &str,
    headers: &HeaderMap,
    config: WebSocketConfig,
    tls: &WsTls,
) -> Result<WebSocketStream<Stream>, Refused> {
    let parsed =
        reqwest::Url::parse(url).map_err(|_| broken("the event stream URL is not a URL"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| broken("the event stream URL has no host"))?;
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let secure = parsed.scheme() == "wss";
    let port = parsed.port().unwrap_or(if secure { 443 } else { 80 });
    let tcp = TcpStream::connect((bare_host, port))
        .await
        .map_err(|e| Refused::Transport("could not connect".into(), Some(e)))?;
    let _ = tcp.set_nodelay(true);
    let mut stream = if secure {
        Stream::Tls(Box::new(connect_tls(tls, bare_host, tcp).await?))
    } else {
        Stream::Plain(tcp)
    };

    let key = generate_key();
    let mut target = parsed.path().to_string();
    if let Some(query) = parsed.query() {
        target.push('?');
        target.push_str(query);
    }
    let host_header = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
    )
    .into_bytes();
    for (name, value) in headers {
        // The handshake's own headers are the ones above.
        if name == header::ACCEPT || name == header::HOST {
            continue;
        }
        request.extend_from_slice(name.as_str().as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let io = |e: io::Error| Refused::Transport("the upgrade request failed".into(), Some(e));
    stream.write_all(&request).await.map_err(io)?;
    // TLS keeps written data in its buffer until flushed.
    stream.flush().await.map_err(io)?;

    // The answer's head, and whatever came after it (frames, or a refusal's body).
    let mut buf = Vec::with_capacity(1024);
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Err(broken(
                "the answer to the upgrade request has a head over 16 KiB",
            ));
        }
        if stream.read_buf(&mut buf).await.map_err(io)? == 0 {
            return Err(broken(
                "the server closed the connection during the upgrade",
            ));
        }
    };
    let rest = buf.split_off(end + 4);
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| broken("the answer to the upgrade request is not HTTP"))?;
    let mut answer = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            answer.append(n, v);
        }
    }

    if status != StatusCode::SWITCHING_PROTOCOLS {
        // Without a length, the body runs to the end of the connection.
        let length = answer
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .unwrap_or(MAX_BODY)
            .min(MAX_BODY);
        let mut body = rest;
        while body.len() < length {
            if stream.read_buf(&mut body).await.unwrap_or(0) == 0 {
                break;
            }
        }
        body.truncate(length);
        return Err(Refused::Status {
            status,
            headers: answer,
            body,
        });
    }
    let accept = answer
        .get("sec-websocket-accept")
        .and_then(|v| v.to_str().ok());
    if accept != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(broken("the server did not accept the WebSocket upgrade"));
    }
    Ok(WebSocketStream::from_partially_read(stream, rest, Role::Client, Some(config)).await)
}
