//! One attempt of a request: how it can fail, and which redirects it follows.

/// Same-origin redirects followed before the 3xx itself is returned.
const MAX_REDIRECTS: usize = 10;

/// An attempt that got no complete response.
pub(crate) struct Failure {
    pub(crate) source: Option<reqwest::Error>,
    /// The request never left: it is safe to send again whatever its method.
    pub(crate) not_sent: bool,
    pub(crate) timed_out: bool,
    /// The server's TLS certificate is not trusted: trying again cannot help.
    pub(crate) untrusted: bool,
    pub(crate) message: Option<String>,
}

impl Failure {
    pub(crate) fn timed_out(source: Option<reqwest::Error>) -> Failure {
        Failure {
            source,
            not_sent: false,
            timed_out: true,
            untrusted: false,
            message: None,
        }
    }

    /// Why the request could not be built or followed, when that is the failure:
    /// nothing was sent, and sending again cannot help.
    pub(crate) fn unsendable(&self) -> Option<String> {
        let e = self.source.as_ref()?;
        if !(e.is_builder() || e.is_redirect()) {
            return None;
        }
        let mut message = if e.is_redirect() {
            "the server redirected to a URL this client cannot follow".to_string()
        } else {
            "the request cannot be sent".to_string()
        };
        // The causes name the problem (`URI too long`); the URL itself is left out.
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            message.push_str(&format!(": {c}"));
            cause = c.source();
        }
        Some(message)
    }
}

impl From<reqwest::Error> for Failure {
    fn from(e: reqwest::Error) -> Failure {
        let untrusted = untrusted_certificate(&e);
        Failure {
            not_sent: e.is_connect(),
            timed_out: e.is_timeout(),
            untrusted,
            message: untrusted.then(|| "the server's TLS certificate is not trusted".to_string()),
            source: Some(e),
        }
    }
}

/// Whether `error`, or an error it wraps, is the TLS library's refusal of the server's
/// certificate (rustls only: the platform's TLS does not say so in a type).
pub(crate) fn untrusted_certificate(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        #[cfg(feature = "rustls")]
        if let Some(rustls::Error::InvalidCertificate(_)) = e.downcast_ref::<rustls::Error>() {
            return true;
        }
        // An I/O error's `source` skips the error it wraps: look at that one too.
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && untrusted_certificate(inner)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Redirects are followed within the origin (scheme, host and port) of the request, up
/// to 10 of them; a redirect elsewhere is not followed and its 3xx response is the
/// answer, so that no credential (a token, an API key header) reaches another origin.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}
