//! What the live-events tests do with a stream: a client of the test server, a deadline
//! on the whole test, the next event (which must come), and an event's `seq`.

use std::future::Future;
use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::{Client, ClientBuilder, EventStream};
use futures_util::StreamExt;

/// A client of `url` with the test token, whose retries come a few milliseconds apart.
pub fn client_builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .access_token(crate::TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// Runs a test's body with a deadline, so that a stream that hangs fails the test
/// instead of the run.
pub async fn guard<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the test hung")
}

/// The next item, which must be an event.
pub async fn next_event(stream: &mut EventStream) -> Event {
    stream
        .next()
        .await
        .expect("the stream goes on")
        .expect("an event")
}

/// The `seq` of a chat or message event.
pub fn seq_of(e: &Event) -> i64 {
    match e {
        Event::MessageUpserted(e) => e.seq,
        Event::ChatUpserted(e) => e.seq,
        other => panic!("not a domain event: {other:?}"),
    }
}
