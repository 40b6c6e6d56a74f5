//! The live event stream, as the user starts it: `client.events()` gives [`Events`],
//! its settings, and [`Events::subscribe`] opens the connection (`upgrade.rs`), hands it
//! to its task (`ws.rs`) and returns the [`EventStream`] (`event_stream.rs`) once the
//! server has accepted the subscription.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::budget::Budget;
use super::client::Client;
use super::error::{Error, TransportError};
use super::event_stream::EventStream;
use super::frame::{ChatSubscription, EventsInfo, STREAM};
use super::retry::Backoff;
use super::upgrade::Connector;
use super::ws::{self, Settings};

/// The most bytes of frames held for the reader, by default.
const DEFAULT_MAX_BUFFERED_BYTES: usize = 16 * 1024 * 1024;
/// The largest frame accepted, by default.
const DEFAULT_MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

/// Settings of an event stream; start it with [`Events::subscribe`].
///
/// The defaults: a ping every 15 s, and a peer that has not answered within 10 s more
/// (or not taken a write within 10 s) is taken for dead; reconnection waits like HTTP
/// retries (the client's backoff, 0.5 s doubling up to 8 s), starts over only after a
/// connection stayed healthy for 30 s, and never gives up; 30 s (the client's timeout)
/// to connect and to get an answer to a subscription change; at most 16 MiB of frames
/// held for a reader that reads slowly, and frames of at most 16 MiB.
pub struct Events<E> {
    client: Client,
    info: &'static EventsInfo,
    settings: Settings,
    connect_timeout: Duration,
    max_frame_bytes: usize,
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("client", &self.client)
            .field("path", &self.info.path)
            .field("settings", &self.settings)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_frame_bytes", &self.max_frame_bytes)
            .finish()
    }
}

impl<E: DeserializeOwned> Events<E> {
    /// Used by the generated `Client::events`.
    #[doc(hidden)]
    pub fn new(client: &Client, info: &'static EventsInfo) -> Events<E> {
        let timeout = client.timeout().unwrap_or(Duration::from_secs(30));
        Events {
            client: client.clone(),
            info,
            settings: Settings {
                ping_interval: Duration::from_secs(15),
                pong_timeout: Duration::from_secs(10),
                write_timeout: Duration::from_secs(10),
                backoff: client.backoff(),
                healthy_after: Duration::from_secs(30),
                max_reconnects: None,
                connect_retries: client.max_retries(),
                command_timeout: timeout,
                max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES,
            },
            connect_timeout: timeout,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            _event: PhantomData,
        }
    }

    /// How often the connection is checked with a ping when nothing arrives.
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.settings.ping_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long a ping may go unanswered before the peer is taken for dead and the
    /// connection made again. A dead peer is found within `ping_interval + pong_timeout`
    /// (while the reader keeps up: see [`max_buffered_bytes`](Self::max_buffered_bytes)).
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.settings.pong_timeout = timeout;
        self
    }

    /// How long a write (a subscription change, a ping, the close frame) may take
    /// before the peer is taken for one that no longer reads, and the connection is
    /// made again. Writing never holds up reading or the heartbeat.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.settings.write_timeout = timeout;
        self
    }

    /// The wait before the first reconnection attempt and the longest wait. The wait
    /// doubles with each attempt, and starts over only after a connection stayed
    /// healthy (see [`healthy_after`](Self::healthy_after)).
    pub fn reconnect_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.settings.backoff = Backoff { initial, max };
        self
    }

    /// How long a connection must have been open, with the peer answering, before it
    /// counts as healthy (default 30 s): then the reconnection backoff and the count of
    /// [`max_reconnects`](Self::max_reconnects) start over. A server that accepts and
    /// drops at once therefore meets a growing wait.
    pub fn healthy_after(mut self, duration: Duration) -> Self {
        self.settings.healthy_after = duration;
        self
    }

    /// Give up after this many reconnection attempts in a row without a healthy
    /// connection (the stream then yields the last error and ends); `None`, the
    /// default, tries forever.
    pub fn max_reconnects(mut self, attempts: Option<u32>) -> Self {
        self.settings.max_reconnects = attempts;
        self
    }

    /// How many times each connection's upgrade request is tried again, like an HTTP
    /// request (default: the client's `max_retries`).
    pub fn connect_retries(mut self, retries: u32) -> Self {
        self.settings.connect_retries = retries;
        self
    }

    /// Time allowed for each attempt to open the connection (up to the server's
    /// `101` answer), and to get the server's answer to a subscription change.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self.settings.command_timeout = timeout;
        self
    }

    /// The most bytes of frames held for the reader (default 16 MiB): events not yet
    /// read (those read by [`EventStream::confirm_sent`] while it waits, and those that
    /// came before the subscription's answer, included), counted as their frames'
    /// length plus 128 bytes each. When they are all held, the socket is not read until
    /// the reader catches up, so that the server's writes wait in TCP: nothing is
    /// dropped, and the heartbeat pauses meanwhile (a slow reader is not a dead peer).
    /// At most one frame is read past the budget.
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_buffered_bytes = bytes.max(1);
        self
    }

    /// The largest frame accepted (default 16 MiB); a larger one breaks the connection,
    /// which is then made again.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_bytes = bytes;
        self
    }

    /// Connects, sets the subscription and returns the stream once the server has
    /// accepted it. A refused subscription is an [`Error::Status`] of kind
    /// `BadRequest` with the server's `code` and `message` (the connection is closed
    /// with a close frame).
    pub async fn subscribe(self, chats: ChatSubscription) -> Result<EventStream<E>, Error> {
        let connector = Connector::new(
            &self.client,
            self.info,
            self.max_frame_bytes,
            self.connect_timeout,
        )?;
        let budget = Arc::new(Budget::new(self.settings.max_buffered_bytes));
        let command_timeout = self.settings.command_timeout;
        let started = ws::start(connector, self.settings, chats.wire(), budget.clone()).await?;
        let answer = tokio::time::timeout(command_timeout, started.answer).await;
        let mut stream = EventStream::new(
            started.items,
            started.commands,
            started.task,
            budget,
            self.info,
            self.client.api_info().secret_fields,
            command_timeout,
        );
        let refused = match answer {
            Ok(Ok(Ok(_))) => return Ok(stream),
            Ok(Ok(Err(refusal))) => refusal,
            Ok(Err(_)) => stream.final_error().unwrap_or_else(|| {
                Error::Connection(TransportError::once(
                    STREAM,
                    "the event stream ended before the subscription was set",
                ))
            }),
            Err(_) => Error::Timeout(TransportError::once(
                STREAM,
                format!("no answer to the subscription within {command_timeout:?}"),
            )),
        };
        // The stream's own end: a close frame, within the close bound.
        stream.close().await?;
        Err(refused)
    }
}
