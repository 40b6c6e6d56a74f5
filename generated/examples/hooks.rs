//! Hooks around every attempt: a metrics hook that counts attempts and their latency,
//! and a token-refresh hook that reads a new token after a `401` and retries; then the
//! escape hatch for an endpoint the spec does not have, and an extra query parameter
//! on a generated method, both seen by the same hooks.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... BEEPER_TOKEN_FILE=/path/to/token \
//!     cargo run -p beeper-desktop-api --example hooks
//! ```
//!
//! Hand-written (not generated); `cargo clippy --all-targets` compiles it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use beeper_desktop_api::runtime::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
use beeper_desktop_api::{Client, Error, ErrorKind};
use tokio::sync::RwLock;

/// Attempts, failed attempts and total latency, readable while the client runs.
#[derive(Default)]
struct Metrics {
    attempts: AtomicU64,
    failed: AtomicU64,
    micros: AtomicU64,
}

impl Hook for Metrics {
    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        if !outcome.is_success() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.micros
            .fetch_add(outcome.elapsed().as_micros() as u64, Ordering::Relaxed);
        eprintln!(
            "{} {} attempt {}: {} in {:?}",
            request.method(),
            request.url().path(),
            request.attempt(),
            match (outcome.status(), outcome.error()) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => error.to_string(),
                (None, None) => "?".to_string(),
            },
            outcome.elapsed(),
        );
        Box::pin(async { AfterAttempt::Proceed })
    }
}

/// After a `401`, reads a new token from a file (where a login helper writes it),
/// and sends it from then on; the request is retried at once.
struct RefreshToken {
    file: Option<String>,
    token: RwLock<Option<String>>,
}

impl Hook for RefreshToken {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        Box::pin(async move {
            if let Some(token) = self.token.read().await.as_deref()
                && let Ok(value) = format!("Bearer {token}").parse()
            {
                // Marked sensitive by the client after the hook returns: never logged.
                request.headers_mut().insert("authorization", value);
            }
        })
    }

    fn after_attempt<'a>(
        &'a self,
        _request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        Box::pin(async move {
            let unauthorized = outcome.status().is_some_and(|s| s.as_u16() == 401);
            let Some(file) = self.file.as_deref().filter(|_| unauthorized) else {
                return AfterAttempt::Proceed;
            };
            match tokio::fs::read_to_string(file).await {
                Ok(text) if !text.trim().is_empty() => {
                    *self.token.write().await = Some(text.trim().to_string());
                    AfterAttempt::Retry
                }
                _ => AfterAttempt::Proceed,
            }
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let metrics = Arc::new(Metrics::default());
    let client = Client::builder()
        .from_env()
        .hook(metrics.clone())
        .hook(RefreshToken {
            file: std::env::var("BEEPER_TOKEN_FILE").ok(),
            token: RwLock::new(None),
        })
        .build()?;

    let accounts = client.accounts().list().await?;
    println!("{} accounts", accounts.len());

    // An endpoint the spec does not describe (yet), with the same token, retries,
    // hooks and typed errors as the generated methods.
    match client
        .get::<serde_json::Value>("/v1/experimental/usage")
        .query("days", 7)
        .await
    {
        Ok(usage) => println!("usage: {usage}"),
        Err(e) if e.kind() == ErrorKind::NotFound => println!("this server has no usage endpoint"),
        Err(e) => return Err(e),
    }

    // A query parameter the spec does not have yet, on a generated method.
    let chats = client
        .chats()
        .list()
        .with_query("includeMuted", "true")
        .await?;
    println!("{} chats on the first page", chats.items.len());

    let attempts = metrics.attempts.load(Ordering::Relaxed);
    println!(
        "{attempts} attempts, {} failed, {:.1} ms on average",
        metrics.failed.load(Ordering::Relaxed),
        metrics.micros.load(Ordering::Relaxed) as f64 / 1000.0 / attempts.max(1) as f64,
    );
    Ok(())
}
