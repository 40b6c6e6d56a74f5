//! TLS of the event stream's `wss://` connections, on the HTTP side's stack: rustls with
//! the crypto provider reqwest would pick, the platform's root certificates (through
//! rustls-platform-verifier, as reqwest does) plus the roots added with
//! `ClientBuilder::add_root_certificate`, or the user's own configuration. Everything
//! TLS-specific of the event stream is here, behind [`connect`], so that it can be
//! switched off with the HTTP side's TLS.

// Without the event stream only `parse_roots` is used (by `add_root_certificate`).
#![cfg_attr(not(feature = "events"), allow(dead_code))]

use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
#[cfg(feature = "events")]
use rustls::pki_types::ServerName;
use rustls::pki_types::pem::PemObject;
use tokio::net::TcpStream;

use super::error::Error;
#[cfg(feature = "events")]
use super::upgrade::Refused;

pub(crate) type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

/// The event stream's TLS setup, as configured on the client. The rustls
/// configuration is built on the first `wss://` connection: loading the platform's
/// roots takes time that a program on `ws://` (the local API) should not pay.
#[derive(Debug, Default)]
pub(crate) struct WsTls {
    extra_roots: Vec<CertificateDer<'static>>,
    config: OnceLock<Arc<ClientConfig>>,
}

impl WsTls {
    /// `custom` replaces the built configuration (its ALPN set to HTTP/1.1, the only
    /// protocol a WebSocket upgrade goes over).
    pub(crate) fn new(
        extra_roots: Vec<CertificateDer<'static>>,
        custom: Option<&Arc<ClientConfig>>,
    ) -> WsTls {
        let config = OnceLock::new();
        if let Some(custom) = custom {
            let _ = config.set(Arc::new(http1_only((**custom).clone())));
        }
        WsTls {
            extra_roots,
            config,
        }
    }

    fn config(&self) -> Result<Arc<ClientConfig>, String> {
        if let Some(config) = self.config.get() {
            return Ok(config.clone());
        }
        let built = Arc::new(build(&self.extra_roots)?);
        Ok(self.config.get_or_init(|| built).clone())
    }
}

/// The provider installed for the process if there is one (what reqwest uses), else
/// aws-lc-rs, named explicitly: rustls's `ClientConfig::builder()` panics when no
/// provider is installed and several are compiled in.
fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

fn build(extra_roots: &[CertificateDer<'static>]) -> Result<ClientConfig, String> {
    let provider = provider();
    #[cfg(not(target_os = "android"))]
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots.iter().cloned(),
        provider.clone(),
    );
    #[cfg(target_os = "android")]
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        return Err("extra root certificates are not supported on Android".into());
    };
    let verifier =
        verifier.map_err(|e| format!("the root certificates for wss:// cannot be used: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("the TLS crypto provider cannot be used: {e}"))?
        // "dangerous" is rustls's name for any verifier of one's own: this one is the
        // platform's, as on the HTTP side.
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(http1_only(config))
}

fn http1_only(mut config: ClientConfig) -> ClientConfig {
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// Reads root certificates given to `ClientBuilder::add_root_certificate`: PEM (one or
/// more `CERTIFICATE` sections) or one DER certificate. Each is checked here, so that
/// a bad one fails `build()`, not the first `wss://` connection.
pub(crate) fn parse_roots(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let bad = |why: String| Error::Config(format!("a root certificate cannot be used: {why}"));
    let certs = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        CertificateDer::pem_slice_iter(bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("bad PEM: {e}")))?
    } else {
        vec![CertificateDer::from(bytes.to_vec())]
    };
    if certs.is_empty() {
        return Err(bad("the PEM has no CERTIFICATE section".into()));
    }
    let mut store = rustls::RootCertStore::empty();
    for cert in &certs {
        store.add(cert.clone()).map_err(|e| bad(e.to_string()))?;
    }
    Ok(certs)
}

/// Opens TLS over `tcp` to `host`. A certificate that is not trusted is refused for
/// good (trying again would not change it); other failures may be retried.
#[cfg(feature = "events")]
pub(crate) async fn connect(tls: &WsTls, host: &str, tcp: TcpStream) -> Result<TlsStream, Refused> {
    let config = tls.config().map_err(Refused::Config)?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| Refused::Config(format!("`{host}` is not a server name for TLS")))?;
    tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| {
            let untrusted = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|inner| matches!(inner, rustls::Error::InvalidCertificate(_)));
            if untrusted {
                Refused::Untrusted(e)
            } else {
                Refused::Transport("the TLS handshake failed".into(), Some(e))
            }
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rustls::crypto::{CryptoProvider, aws_lc_rs};

    #[test]
    fn the_provider_is_the_processs_if_installed_else_aws_lc_rs_without_a_panic() {
        // Nothing installed: aws-lc-rs, named explicitly.
        assert!(CryptoProvider::get_default().is_none());
        let all = aws_lc_rs::default_provider().cipher_suites.len();
        assert_eq!(super::provider().cipher_suites.len(), all);
        // A program's own choice wins, as with reqwest.
        let mut own = aws_lc_rs::default_provider();
        own.cipher_suites.truncate(1);
        own.install_default().unwrap();
        assert_eq!(super::provider().cipher_suites.len(), 1);
        assert!(Arc::ptr_eq(
            &super::provider(),
            CryptoProvider::get_default().unwrap()
        ));
    }
}
