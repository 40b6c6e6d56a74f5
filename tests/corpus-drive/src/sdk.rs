//! What every driver needs from its SDK, written once: each generated crate has its own
//! copy of the runtime (its own `Hook`, `Client`, `Error`), so this is a macro that a
//! driver module expands for its crate.

/// Expands, for the SDK crate `$sdk`: `Recorder` (a hook recording each attempt),
/// `connect` (a client on Prism with its credential), `walk` (a bounded `.stream()`,
/// reported) and `rejected` (a call without a credential, twice, reported).
macro_rules! sdk_support {
    ($sdk:ident) => {
        use std::sync::{Arc, Mutex};

        use futures_util::StreamExt as _;
        use $crate::report::{Attempt, MAX_ITEMS, Report, WalkEnd};
        use $sdk::runtime::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};

        /// The credential configured: Prism checks that one is sent, not its value.
        const TOKEN: &str = "corpus-drive-token";

        /// Records what each attempt sent and the status that came back.
        #[derive(Default)]
        pub struct Recorder(Mutex<Vec<Attempt>>);

        impl Recorder {
            /// The attempts since the last call.
            pub fn take(&self) -> Vec<Attempt> {
                std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
            }
        }

        impl Hook for Recorder {
            fn after_attempt<'a>(
                &'a self,
                request: &'a AttemptRequest,
                outcome: &'a AttemptOutcome,
            ) -> HookFuture<'a, AfterAttempt> {
                let url = request.url();
                let target = match url.query() {
                    Some(query) => format!("{}?{query}", url.path()),
                    None => url.path().to_string(),
                };
                let authorization = request
                    .headers()
                    .get("authorization")
                    .map(|v| v.to_str().unwrap_or(""));
                let attempt = Attempt {
                    method: request.method().to_string(),
                    target,
                    credential: $crate::report::credential(authorization),
                    status: outcome.status().map(|s| s.as_u16()),
                };
                self.0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(attempt);
                Box::pin(async { AfterAttempt::Proceed })
            }
        }

        /// Takes the credential off each request after the client has added it: what
        /// the server gets from a caller without one.
        struct DropCredential;

        impl Hook for DropCredential {
            fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
                request.headers_mut().remove("authorization");
                Box::pin(async {})
            }
        }

        #[derive(Clone, Copy, PartialEq)]
        pub enum Credential {
            Sent,
            /// Configured, then removed from the request by a hook.
            DroppedOnTheWire,
            NotConfigured,
        }

        /// A client on `base_url` that never retries, recording into `recorder`.
        pub fn client(
            base_url: &str,
            credential: Credential,
            recorder: &Arc<Recorder>,
        ) -> Result<$sdk::Client, String> {
            let mut builder = $sdk::Client::builder()
                .base_url(base_url)
                .max_retries(0)
                .timeout(std::time::Duration::from_secs(30));
            if credential != Credential::NotConfigured {
                builder = builder.access_token(TOKEN);
            }
            if credential == Credential::DroppedOnTheWire {
                builder = builder.hook(DropCredential);
            }
            builder
                .hook(Arc::clone(recorder))
                .build()
                .map_err(|e| format!("the client did not build: {e}"))
        }

        /// A client on `base_url` with its credential, and what it records into;
        /// `None`, reported, when it does not build.
        pub fn connect(
            base_url: &str,
            report: &mut Report,
        ) -> Option<($sdk::Client, Arc<Recorder>)> {
            let recorder = Arc::new(Recorder::default());
            match client(base_url, Credential::Sent, &recorder) {
                Ok(client) => Some((client, recorder)),
                Err(e) => {
                    report.call("client", &[], Err(e));
                    None
                }
            }
        }

        /// Takes at most [`MAX_ITEMS`] items of a `.stream()` and reports the walk:
        /// the requests, the items, how it ended, and what `check` says of the items.
        pub async fn walk<T>(
            report: &mut Report,
            operation: &str,
            recorder: &Recorder,
            stream: impl futures_util::Stream<Item = Result<T, $sdk::Error>>,
            check: impl FnOnce(&[T]) -> Result<String, String>,
        ) {
            let mut stream = std::pin::pin!(stream.take(MAX_ITEMS));
            let mut items = Vec::new();
            let mut end = None;
            while let Some(next) = stream.next().await {
                match next {
                    Ok(item) => items.push(item),
                    Err(e) => {
                        let why = format!("{:?} ({e})", e.kind());
                        end = Some(match e.kind() {
                            $sdk::ErrorKind::RepeatedCursor | $sdk::ErrorKind::ForeignNextPage => {
                                WalkEnd::Guard(why)
                            }
                            _ => WalkEnd::Failed(why),
                        });
                        break;
                    }
                }
            }
            let end = end.unwrap_or(if items.len() == MAX_ITEMS {
                WalkEnd::Bounded
            } else {
                WalkEnd::LastPage
            });
            let attempts = recorder.take();
            let outcome = $crate::report::walked(&items, &end, attempts.len())
                .and_then(|line| Ok(format!("{line}{}", check(&items)?)));
            report.call(operation, &attempts, outcome);
        }

        /// Calls `call` without a credential, twice: dropped from the request on the
        /// wire, Prism must answer 401 and the SDK give `ErrorKind::Authentication`;
        /// not configured at all, the SDK must send nothing and give
        /// `ErrorKind::MissingCredentials`.
        pub async fn rejected<T, F, Fut>(
            report: &mut Report,
            base_url: &str,
            operation: &str,
            call: F,
        ) where
            F: Fn($sdk::Client) -> Fut,
            Fut: std::future::Future<Output = Result<T, $sdk::Error>>,
        {
            let cases = [
                (
                    Credential::DroppedOnTheWire,
                    "credential dropped on the wire",
                    $sdk::ErrorKind::Authentication,
                    Some(401),
                ),
                (
                    Credential::NotConfigured,
                    "no credential configured",
                    $sdk::ErrorKind::MissingCredentials,
                    None,
                ),
            ];
            for (credential, case, kind, status) in cases {
                let recorder = Arc::new(Recorder::default());
                let outcome = match client(base_url, credential, &recorder) {
                    Err(e) => Err(e),
                    Ok(client) => match call(client).await {
                        Ok(_) => Err("succeeded without a credential".to_string()),
                        Err(e) if e.kind() == kind && e.status().map(|s| s.as_u16()) == status => {
                            Ok(format!("typed error ErrorKind::{:?}", e.kind()))
                        }
                        Err(e) => Err(format!(
                            "expected ErrorKind::{kind:?}, got {:?}: {e}",
                            e.kind()
                        )),
                    },
                };
                report.call(&format!("{operation} ({case})"), &recorder.take(), outcome);
            }
        }
    };
}

pub(crate) use sdk_support;
