//! TLS for the tests: a self-signed certificate made at test time, and a minimal
//! HTTPS server that presents it, for the SDK's `https://` and `wss://` connections.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A self-signed certificate for `localhost` and `127.0.0.1`, made for one test: a
/// server presents it, and a client trusts it only if given [`TestCert::pem`].
pub struct TestCert {
    pub pem: String,
    pub der: Vec<u8>,
    config: Arc<rustls::ServerConfig>,
}

impl TestCert {
    pub fn new() -> TestCert {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("a certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        let chain: Vec<CertificateDer<'static>> = vec![made.cert.der().clone()];
        // A provider named explicitly: the test binary may have several compiled in.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("a server TLS configuration");
        // As an HTTP/1.1 server does: a client that offers only other protocols is refused.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TestCert {
            pem: made.cert.pem(),
            der: made.cert.der().to_vec(),
            config: Arc::new(config),
        }
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.clone())
    }
}

impl Default for TestCert {
    fn default() -> Self {
        TestCert::new()
    }
}

/// An HTTPS server that answers every request with `200` and `body` (JSON), closing
/// the connection after each answer.
pub struct HttpsServer {
    /// `https://127.0.0.1:port`
    pub url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl HttpsServer {
    pub async fn start(cert: &TestCert, body: &str) -> HttpsServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("https://{}", listener.local_addr().expect("address"));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (acceptor, seen, body) = (cert.acceptor(), heads.clone(), body.to_string());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    continue;
                };
                let mut read = Vec::new();
                let end = loop {
                    if let Some(end) = read.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end + 4;
                    }
                    if tls.read_buf(&mut read).await.unwrap_or(0) == 0 {
                        break read.len();
                    }
                };
                let head = String::from_utf8_lossy(&read[..end]).into_owned();
                // The body is read too: closing with unread data would reset the connection.
                let length = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while read.len() < end + length {
                    if tls.read_buf(&mut read).await.unwrap_or(0) == 0 {
                        break;
                    }
                }
                seen.lock().unwrap().push(head);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            }
        });
        HttpsServer { url, heads }
    }

    /// The head (request line and headers) of each request received.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
