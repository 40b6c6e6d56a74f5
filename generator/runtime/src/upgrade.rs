//! Opening the event stream's WebSocket: an HTTP `GET` that asks to switch protocols,
//! sent through the client's own HTTP stack like every request (its TLS, proxies, root
//! certificates or the user's own `reqwest::Client`; its credentials, hooks, retries
//! and log lines, none of which show the token), then checked as RFC 6455 (4.1) asks
//! before the connection is handed to tungstenite.

use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use reqwest::header::{self, HeaderMap};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::attempt::untrusted_certificate;
use super::client::Client;
use super::error::{Error, TransportError};
use super::frame::EventsInfo;
use super::options::RequestOptions;
use super::parts::RequestParts;
use super::retry;

/// An open event stream connection.
pub(crate) type Socket = WebSocketStream<reqwest::Upgraded>;

/// Why a connection could not be made: worth trying again later, or not.
#[derive(Debug)]
pub(crate) enum ConnectError {
    Retry(Error),
    Fatal(Error),
}

/// What every (re)connection of one stream needs.
#[derive(Debug, Clone)]
pub(crate) struct Connector {
    client: Client,
    info: &'static EventsInfo,
    config: WebSocketConfig,
    timeout: Duration,
}

impl Connector {
    /// Checks that the client's base URL can carry a WebSocket (`http` gives `ws`,
    /// `https` gives `wss`, over the client's TLS).
    pub(crate) fn new(
        client: &Client,
        info: &'static EventsInfo,
        max_frame_bytes: usize,
        timeout: Duration,
    ) -> Result<Connector, Error> {
        let base = client.base_url();
        if base.starts_with("https://") && !cfg!(any(feature = "rustls", feature = "native-tls")) {
            // The base URL's check refuses this already; the rule is kept here too.
            return Err(Error::Config(
                "the event stream needs a TLS feature (`rustls` or `native-tls`) for an https base URL".into(),
            ));
        }
        let config = WebSocketConfig::default()
            .max_message_size(Some(max_frame_bytes))
            .max_frame_size(Some(max_frame_bytes));
        Ok(Connector {
            client: client.clone(),
            info,
            config,
            timeout,
        })
    }

    /// The API's secret wire names, left out of what errors keep of frames.
    pub(crate) fn secrets(&self) -> &'static [&'static str] {
        self.client.api_info().secret_fields
    }

    /// The path the stream connects to, for the log.
    pub(crate) fn path(&self) -> &'static str {
        self.info.path
    }

    /// Connects: the upgrade request, tried like an HTTP `GET` with `retries` retries,
    /// through the client's hooks; then the checks of the answer.
    pub(crate) async fn connect(&self, retries: u32) -> Result<Socket, ConnectError> {
        let key =
            base64::engine::general_purpose::STANDARD.encode(fastrand::u128(..).to_le_bytes());
        let mut parts = RequestParts::new("events", Method::GET, self.info.path.to_string());
        parts.auth = self.info.auth;
        parts.auth_optional = self.info.auth_optional;
        parts.headers = vec![
            ("connection", "Upgrade".to_string()),
            ("upgrade", "websocket".to_string()),
            ("sec-websocket-version", "13".to_string()),
            ("sec-websocket-key", key.clone()),
        ];
        let options = RequestOptions {
            max_retries: Some(retries),
            timeout: Some(self.timeout),
            ..RequestOptions::default()
        };
        let response = self
            .client
            .execute_upgrade(&parts, &options)
            .await
            .map_err(classify)?;
        let label = format!("GET {}", self.info.path);
        check_handshake(response.headers(), &key)
            .map_err(|why| ConnectError::Retry(broken(&label, why, None)))?;
        let upgraded = response.upgrade().await.map_err(|e| {
            ConnectError::Retry(broken(
                &label,
                "the connection could not be taken over after the upgrade".into(),
                Some(Box::new(e.without_url())),
            ))
        })?;
        Ok(WebSocketStream::from_raw_socket(upgraded, Role::Client, Some(self.config)).await)
    }
}

/// Whether a failed upgrade is worth trying again: what HTTP would retry (failure
/// statuses by the retry rule, broken connections, timeouts), but not a refusal of the
/// credentials, an untrusted certificate, or a request that cannot be sent.
fn classify(error: Error) -> ConnectError {
    let retry = match &error {
        Error::Status(s) => retry::status_is_retryable(s.status, &s.headers, true),
        Error::Connection(t) | Error::Timeout(t) => !t
            .source
            .as_deref()
            .is_some_and(|e| untrusted_certificate(e)),
        _ => false,
    };
    if retry {
        ConnectError::Retry(error)
    } else {
        ConnectError::Fatal(error)
    }
}

fn broken(
    label: &str,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    Error::Connection(Box::new(TransportError {
        message,
        request: label.to_string(),
        attempts: 1,
        source,
    }))
}

/// The checks of RFC 6455 (4.1) on the `101` answer: `Upgrade: websocket`, `Connection:
/// Upgrade`, the accept value of the key sent, and no extension or subprotocol (none is
/// asked for: one the server chose anyway would change the frames).
fn check_handshake(headers: &HeaderMap, key: &str) -> Result<(), String> {
    let values = |name: header::HeaderName| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
    };
    if !values(header::UPGRADE)
        .iter()
        .any(|v| v.eq_ignore_ascii_case("websocket"))
    {
        return Err("the answer to the upgrade has no `Upgrade: websocket`".into());
    }
    if !values(header::CONNECTION)
        .iter()
        .any(|v| v.eq_ignore_ascii_case("upgrade"))
    {
        return Err("the answer to the upgrade has no `Connection: Upgrade`".into());
    }
    let accept = headers
        .get(header::SEC_WEBSOCKET_ACCEPT)
        .and_then(|v| v.to_str().ok());
    if accept != Some(accept_key(key).as_str()) {
        return Err("the answer to the upgrade has a wrong `Sec-WebSocket-Accept`".into());
    }
    if let Some(extensions) = values(header::SEC_WEBSOCKET_EXTENSIONS).first() {
        return Err(format!(
            "the server chose an extension that was not asked for (`{extensions}`)"
        ));
    }
    if let Some(protocol) = values(header::SEC_WEBSOCKET_PROTOCOL).first() {
        return Err(format!(
            "the server chose a subprotocol that was not asked for (`{protocol}`)"
        ));
    }
    Ok(())
}

/// `Sec-WebSocket-Accept` for a key: base64 of the SHA-1 of the key and the GUID of
/// RFC 6455.
fn accept_key(key: &str) -> String {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(sha1.digest().bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_accept_key_is_rfc_6455s() {
        // The example of RFC 6455, 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn the_handshake_check_takes_header_values_as_rfc_7230_lists_them() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let accept = accept_key(key);
        let good = headers(&[
            ("upgrade", "WebSocket"),
            ("connection", "keep-alive, Upgrade"),
            ("sec-websocket-accept", &accept),
        ]);
        assert_eq!(check_handshake(&good, key), Ok(()));
        let mut extended = good.clone();
        extended.append("sec-websocket-extensions", "".parse().unwrap());
        assert_eq!(
            check_handshake(&extended, key),
            Ok(()),
            "an empty value is none"
        );
        extended.append(
            "sec-websocket-extensions",
            "permessage-deflate".parse().unwrap(),
        );
        assert!(
            check_handshake(&extended, key)
                .unwrap_err()
                .contains("permessage-deflate")
        );
    }
}
