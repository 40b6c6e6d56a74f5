//! Sending a request: one attempt loop. Each turn decides what to send, makes one
//! attempt, classifies how it ended, shows that to the hooks and the log once, and
//! then returns or waits and goes round again.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::attempt::Failure;
use super::body::{self, BodyLimits, ReadError};
use super::client::Client;
use super::error::{Error, StatusError, TransportError};
use super::hook::{Attempt, AttemptOutcome};
use super::options::RequestOptions;
use super::parts::{Body, RequestParts};
use super::redact::mark_sensitive;
use super::response::{ByteStream, RawResponse};
use super::retry;

/// What a request waits for: a response read in full, a success whose body is left to
/// stream, or an upgrade to another protocol (`101 Switching Protocols`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Read,
    Stream,
    // The event stream's upgrade: the `events` feature.
    #[cfg_attr(not(feature = "events"), allow(dead_code))]
    Upgrade,
}

impl Mode {
    /// Whether a response with this status is the caller's to read.
    fn leaves_unread(self, status: StatusCode) -> bool {
        match self {
            Mode::Read => false,
            Mode::Stream => status.is_success(),
            Mode::Upgrade => status == StatusCode::SWITCHING_PROTOCOLS,
        }
    }
}

/// What a request came to: a response read in full, or a success whose body is left
/// to stream (or whose connection is left to upgrade).
enum Delivery {
    Read(RawResponse),
    Streaming {
        response: reqwest::Response,
        request: String,
        attempts: u32,
    },
}

/// Everything decided before the first attempt, the same for every attempt.
struct Plan<'a> {
    parts: &'a RequestParts,
    url: reqwest::Url,
    headers: HeaderMap,
    limits: BodyLimits,
    timeout: Option<Duration>,
    max_retries: u32,
    mode: Mode,
    /// `METHOD /path`, as errors and hooks name the request.
    label: String,
    /// The wire names whose values excerpts of the response body leave out.
    secrets: &'static [&'static str],
}

/// How one attempt ended.
enum Attempted {
    /// A success, its body left unread for the caller to stream (or its connection to
    /// upgrade).
    Streaming(reqwest::Response),
    /// A response, its body read.
    Response {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    /// No complete response.
    Failed(Failure),
    /// An answer that ends the request whatever the retry rule says: a body over the
    /// size limit, or a request that cannot be sent. The status and headers of the
    /// response, when there was one, are for the hooks.
    Fatal {
        error: Error,
        status: Option<(StatusCode, HeaderMap)>,
    },
}

impl Attempted {
    /// Whether the retry rule would send the request again.
    fn retryable(&self, idempotent: bool) -> bool {
        match self {
            Attempted::Response {
                status, headers, ..
            } => !status.is_success() && retry::status_is_retryable(*status, headers, idempotent),
            // A certificate that is not trusted stays so.
            Attempted::Failed(f) => !f.untrusted && (idempotent || f.not_sent),
            Attempted::Streaming(_) | Attempted::Fatal { .. } => false,
        }
    }

    /// Whether the attempt failed in a way a hook may ask to retry: an error status,
    /// or no complete response.
    fn is_failure(&self) -> bool {
        match self {
            Attempted::Response { status, .. } => !status.is_success(),
            Attempted::Failed(_) => true,
            Attempted::Streaming(_) | Attempted::Fatal { .. } => false,
        }
    }

    /// The hooks' view of the attempt.
    fn outcome(&self, started: Instant, will_retry: bool) -> AttemptOutcome {
        let mut outcome = AttemptOutcome::new(started);
        outcome.will_retry = will_retry;
        match self {
            Attempted::Streaming(response) => {
                outcome.status = Some(response.status());
                outcome.headers = Some(response.headers().clone());
            }
            Attempted::Response {
                status, headers, ..
            } => {
                outcome.status = Some(*status);
                outcome.headers = Some(headers.clone());
            }
            Attempted::Failed(f) => {
                outcome.timed_out = f.timed_out;
                outcome.error = Some(match &f.message {
                    Some(m) => m.clone(),
                    None if f.timed_out => "no response in time".to_string(),
                    None => "the connection failed".to_string(),
                });
            }
            Attempted::Fatal { error, status } => {
                if let Some((s, h)) = status {
                    outcome.status = Some(*s);
                    outcome.headers = Some(h.clone());
                }
                outcome.error = Some(match error {
                    Error::ResponseTooLarge { .. } => {
                        "the response body is larger than the limit".to_string()
                    }
                    Error::InvalidRequest(m) => m.clone(),
                    other => other.to_string(),
                });
            }
        }
        outcome.mark_sensitive();
        outcome
    }

    /// The status code, for the log.
    fn status(&self) -> Option<u16> {
        match self {
            Attempted::Streaming(r) => Some(r.status().as_u16()),
            Attempted::Response { status, .. } => Some(status.as_u16()),
            Attempted::Fatal { status, .. } => status.as_ref().map(|(s, _)| s.as_u16()),
            Attempted::Failed(_) => None,
        }
    }

    /// What the log calls this ending: when retried, and when not.
    fn log_message(&self) -> (&'static str, &'static str) {
        match self {
            Attempted::Streaming(r) if r.status() == StatusCode::SWITCHING_PROTOCOLS => {
                ("", "switching protocols")
            }
            Attempted::Streaming(_) => ("", "response, streaming its body"),
            Attempted::Response { status, .. } if status.is_success() => ("", "response"),
            Attempted::Response { .. } => ("retrying after error status", "error status"),
            Attempted::Failed(_) => ("retrying after transport error", "transport error"),
            Attempted::Fatal { .. } => ("", "request failed"),
        }
    }
}

impl Client {
    /// Sends a request, retrying as the policy allows, and reads the whole response.
    pub(crate) async fn execute(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        match self.deliver(parts, options, Mode::Read).await? {
            Delivery::Read(raw) => Ok(raw),
            // Only a streaming request leaves a body unread.
            Delivery::Streaming {
                response,
                request,
                attempts,
            } => {
                let limits = self.body_limits(options);
                let status = response.status();
                let mut headers = response.headers().clone();
                mark_sensitive(&mut headers);
                match body::read_body(response, limits).await {
                    Ok(body) => Ok(RawResponse {
                        status,
                        headers,
                        body,
                        request,
                        attempts,
                        secrets: parts.secret_fields.unwrap_or(self.api_info().secret_fields),
                    }),
                    Err(e) => Err(e.into_error(request, limits.max_bytes, attempts)),
                }
            }
        }
    }

    /// Like `execute`, but a success response's body is left unread, to be streamed
    /// within the size limit and the idle timeout. The timeout covers the wait for the
    /// response's headers only.
    pub(crate) async fn execute_streaming(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<ByteStream, Error> {
        let limits = self.body_limits(options);
        match self.deliver(parts, options, Mode::Stream).await? {
            Delivery::Streaming {
                response,
                request,
                attempts,
            } => match body::check_declared(&response, limits.max_bytes) {
                Ok(()) => Ok(ByteStream::new(response, limits, request, attempts)),
                Err(e) => Err(e.into_error(request, limits.max_bytes, attempts)),
            },
            Delivery::Read(raw) => Ok(ByteStream::from_bytes(raw)),
        }
    }

    /// Like `execute`, for a request that asks to switch protocols (a WebSocket
    /// upgrade): the `101` response, whose connection is the caller's to upgrade. The
    /// timeout covers the wait for the response's headers; hooks see every attempt, and
    /// may refresh credentials and ask for a retry, as with any request. Any other
    /// answer is an error: a failure status as usual, and a success that did not switch
    /// protocols as an [`Error::Connection`].
    #[cfg(feature = "events")]
    pub(crate) async fn execute_upgrade(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
    ) -> Result<reqwest::Response, Error> {
        match self.deliver(parts, options, Mode::Upgrade).await? {
            Delivery::Streaming { response, .. } => Ok(response),
            Delivery::Read(raw) => Err(Error::Connection(Box::new(TransportError {
                message: format!(
                    "the server answered {} instead of switching protocols",
                    raw.status
                ),
                request: raw.request,
                attempts: raw.attempts,
                source: None,
            }))),
        }
    }

    /// Sends a request, retrying as the policy allows. Unless `mode` is `Read`, the
    /// response the caller reads (a success to stream, a `101` to upgrade) is left
    /// unread and the timeout covers the wait for its headers only.
    async fn deliver(
        &self,
        parts: &RequestParts,
        options: &RequestOptions,
        mode: Mode,
    ) -> Result<Delivery, Error> {
        let merged;
        let parts = if super::extras::any(options) {
            merged = super::extras::apply(parts.clone(), options)?;
            &merged
        } else {
            parts
        };
        let plan = self.plan(parts, options, mode)?;
        let hooks = self.hooks();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            // Decide.
            let mut request = self.attempt_request(&plan).await?;
            let seen = hooks
                .before_sending(
                    &mut request,
                    &Attempt {
                        operation: parts.operation,
                        number: attempt,
                        timeout: plan.timeout,
                        label: &plan.label,
                        secrets: plan.secrets,
                        sensitive: self.sensitive_names(),
                    },
                )
                .await?;
            log(
                &plan,
                "sending request",
                false,
                None,
                attempt,
                None,
                None,
                None,
            );
            // Attempt.
            let started = Instant::now();
            let attempted = self.attempt(request, &plan).await;
            // Classify.
            let retries_left = attempt <= plan.max_retries;
            let will_retry = retries_left && attempted.retryable(parts.idempotent);
            let hook_retry = hooks
                .observe(
                    seen.as_ref(),
                    || attempted.outcome(started, will_retry),
                    plan.timeout,
                    &plan.label,
                )
                .await?;
            let retry = will_retry || (retries_left && hook_retry && attempted.is_failure());
            let elapsed_ms = Some(started.elapsed().as_millis() as u64);
            let timed_out = match &attempted {
                Attempted::Failed(f) => Some(f.timed_out),
                _ => None,
            };
            let (retrying, ending) = attempted.log_message();
            if retry {
                // A hook's retry (after a token refresh) goes at once.
                let wait = match (&attempted, will_retry) {
                    (_, false) => Duration::ZERO,
                    (Attempted::Response { headers, .. }, true) => retry::retry_after(headers)
                        .unwrap_or_else(|| self.backoff().delay(attempt - 1)),
                    (_, true) => self.backoff().delay(attempt - 1),
                };
                let wait_ms = Some(wait.as_millis() as u64);
                log(
                    &plan,
                    retrying,
                    true,
                    attempted.status(),
                    attempt,
                    elapsed_ms,
                    timed_out,
                    wait_ms,
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            log(
                &plan,
                ending,
                false,
                attempted.status(),
                attempt,
                elapsed_ms,
                timed_out,
                None,
            );
            return finish(attempted, &plan, attempt);
        }
    }

    /// The URL, headers and limits every attempt of the request shares.
    fn plan<'a>(
        &self,
        parts: &'a RequestParts,
        options: &RequestOptions,
        mode: Mode,
    ) -> Result<Plan<'a>, Error> {
        let auth = self.credentials_for(parts, options)?;
        let mut url = self.url_for(parts, options, &auth.query)?;
        let mut headers = self.headers_for(parts, options, auth.headers)?;
        // A base URL's user-info goes as basic credentials (what reqwest's request
        // builder does), never in the URL handed to the HTTP stack, whose logs (hyper's
        // connection pool, at `trace`) show the URL's authority.
        if let Some(basic) = super::client::take_userinfo(&mut url)
            && !headers.contains_key(reqwest::header::AUTHORIZATION)
        {
            headers.insert(reqwest::header::AUTHORIZATION, basic);
        }
        // A body read from a stream can only be sent once.
        let repeatable = match &parts.body {
            Body::Multipart(form) => form.is_repeatable(),
            _ => true,
        };
        Ok(Plan {
            parts,
            url,
            headers,
            limits: self.body_limits(options),
            timeout: options.timeout.or(self.timeout()),
            max_retries: match repeatable {
                true => options.max_retries.unwrap_or(self.max_retries()),
                false => 0,
            },
            mode,
            label: format!("{} {}", parts.method, parts.path),
            secrets: parts.secret_fields.unwrap_or(self.api_info().secret_fields),
        })
    }

    /// The HTTP request of one attempt.
    async fn attempt_request(&self, plan: &Plan<'_>) -> Result<reqwest::Request, Error> {
        let parts = plan.parts;
        // The headers are moved into the request, not merged into an empty map: the
        // profile showed that merge (and the map's growth) as a cost of its own.
        let mut request = match &parts.body {
            Body::Multipart(form) => self
                .http()
                .request(parts.method.clone(), plan.url.clone())
                .headers(plan.headers.clone())
                .multipart(form.to_form().await?)
                .build()
                .map_err(|e| Error::invalid_request(format!("the request cannot be built: {e}")))?,
            body => {
                let mut request = reqwest::Request::new(parts.method.clone(), plan.url.clone());
                *request.headers_mut() = plan.headers.clone();
                if let Body::Bytes { bytes, .. } = body {
                    *request.body_mut() = Some(bytes.clone().into());
                }
                request
            }
        };
        if let (Some(t), Mode::Read) = (plan.timeout, plan.mode) {
            *request.timeout_mut() = Some(t);
        }
        Ok(request)
    }

    /// Sends one attempt and reads its response (all of it, unless it is a success
    /// to be streamed).
    async fn attempt(&self, request: reqwest::Request, plan: &Plan<'_>) -> Attempted {
        let sending = self.http().execute(request);
        let sent = match (plan.mode, plan.timeout) {
            (Mode::Stream | Mode::Upgrade, Some(t)) => match tokio::time::timeout(t, sending).await
            {
                Ok(result) => result.map_err(Failure::from),
                Err(_) => Err(Failure::timed_out(None)),
            },
            _ => sending.await.map_err(Failure::from),
        };
        let response = match sent {
            Ok(response) => response,
            Err(failure) => {
                return match failure.unsendable() {
                    Some(message) => Attempted::Fatal {
                        error: Error::invalid_request(message),
                        status: None,
                    },
                    None => Attempted::Failed(failure),
                };
            }
        };
        // hyper reads any three digits; HTTP has 100–599 only. Not a server error to
        // retry: a peer that does not speak HTTP.
        if !(100..=599).contains(&response.status().as_u16()) {
            let status = response.status();
            return Attempted::Fatal {
                error: Error::Protocol(Box::new(TransportError {
                    message: format!(
                        "the server answered with status {}, outside HTTP's 100–599",
                        status.as_u16()
                    ),
                    request: plan.label.clone(),
                    attempts: 0,
                    source: None,
                })),
                status: Some((status, response.headers().clone())),
            };
        }
        if plan.mode.leaves_unread(response.status()) {
            return Attempted::Streaming(response);
        }
        let status = response.status();
        let headers = response.headers().clone();
        match body::read_body(response, plan.limits).await {
            Ok(body) => Attempted::Response {
                status,
                headers,
                body,
            },
            Err(ReadError::TooLarge(size)) => Attempted::Fatal {
                error: Error::ResponseTooLarge {
                    request: plan.label.clone(),
                    limit: plan.limits.max_bytes,
                    size,
                },
                status: Some((status, headers)),
            },
            Err(ReadError::Idle(idle)) => Attempted::Failed(Failure {
                message: Some(format!("no data for {idle:?} while the body was read")),
                ..Failure::timed_out(None)
            }),
            Err(ReadError::Transport(e)) => Attempted::Failed(Failure::from(e)),
        }
    }
}

/// The request's result, from its last attempt.
fn finish(attempted: Attempted, plan: &Plan<'_>, attempts: u32) -> Result<Delivery, Error> {
    let request = plan.label.clone();
    match attempted {
        Attempted::Streaming(response) => Ok(Delivery::Streaming {
            response,
            request,
            attempts,
        }),
        Attempted::Response {
            status,
            mut headers,
            body,
        } if status.is_success() => {
            // `set-cookie` and the like stay out of `ApiResponse`'s `Debug`.
            mark_sensitive(&mut headers);
            Ok(Delivery::Read(RawResponse {
                status,
                headers,
                body,
                request,
                attempts,
                secrets: plan.secrets,
            }))
        }
        Attempted::Response {
            status,
            headers,
            body,
        } => Err(Error::Status(Box::new(StatusError::new(
            status,
            headers,
            &body,
            request,
            attempts,
            plan.secrets,
        )))),
        Attempted::Fatal { mut error, .. } => {
            if let Error::Protocol(e) = &mut error {
                e.attempts = attempts;
            }
            Err(error)
        }
        Attempted::Failed(Failure {
            source,
            not_sent,
            timed_out,
            message,
            ..
        }) => {
            let message = message.unwrap_or_else(|| {
                if timed_out {
                    format!("no response within {:?}", plan.timeout.unwrap_or_default())
                } else if not_sent {
                    "could not connect".to_string()
                } else {
                    "the connection failed before a complete response arrived".to_string()
                }
            });
            // The URL can hold credentials (API keys in the query); errors show the
            // method and path only.
            let source = source
                .map(|e| Box::new(e.without_url()) as Box<dyn std::error::Error + Send + Sync>);
            let err = Box::new(TransportError {
                message,
                request,
                attempts,
                source,
            });
            Err(if timed_out {
                Error::Timeout(err)
            } else {
                Error::Connection(err)
            })
        }
    }
}

/// One line of the log per attempt's start and end: `info` for a retry, `debug`
/// otherwise. Fields that do not apply (`None`) are left out.
#[allow(clippy::too_many_arguments)]
fn log(
    plan: &Plan<'_>,
    message: &str,
    retry: bool,
    status: Option<u16>,
    attempt: u32,
    elapsed_ms: Option<u64>,
    timed_out: Option<bool>,
    wait_ms: Option<u64>,
) {
    let (operation, method, path) = (plan.parts.operation, &plan.parts.method, &plan.parts.path);
    if retry {
        tracing::info!(operation, method = %method, path = %path, status, attempt, elapsed_ms, timed_out, wait_ms, "{message}");
    } else {
        tracing::debug!(operation, method = %method, path = %path, status, attempt, elapsed_ms, timed_out, wait_ms, "{message}");
    }
}
