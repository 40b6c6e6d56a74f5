//! The live event stream: what the user sees of it (`client.events()`, [`Chats`],
//! [`EventStream`]) and how one frame is decoded. The connection itself (reconnects,
//! keepalive, resync) is in `ws.rs`.
//!
//! The protocol (a WebSocket; see the spec's `x-sdk-events`): the client sends
//! `{"type": "subscriptions.set", "requestID", "chatIDs"}`; the server sends `ready`,
//! `subscriptions.updated` and `error` control messages, and domain events that all
//! carry `type`, `seq` (one more per event on a connection), `ts` and `chatID`.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::client::Client;
use super::error::{DecodeError, Error, StatusError, TransportError};
use super::retry::Backoff;
use super::ws::{self, Command, Settings};

/// What the generated code tells the runtime about the event stream.
#[derive(Debug)]
pub struct EventsInfo {
    /// Path of the WebSocket, appended to the client's base URL.
    pub path: &'static str,
    /// The property that names an event's type (`type`).
    pub tag: &'static str,
    /// The tag value of the event the SDK yields after a reconnect or a `seq` gap.
    pub resync: &'static str,
    /// Security requirements, any one of which the upgrade request may carry (each
    /// names schemes sent together).
    pub auth: &'static [&'static [&'static str]],
    /// Whether the upgrade request may also carry no credential.
    pub auth_optional: bool,
}

/// Which chats to receive events of.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Chats {
    /// Every chat (`["*"]` on the wire).
    All,
    /// Just these chats. The server refuses `*` mixed with IDs.
    Only(Vec<String>),
    /// No events at all, until the subscription changes (`[]` on the wire).
    Paused,
}

impl Chats {
    /// Just these chats.
    pub fn only<I, S>(ids: I) -> Chats
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Chats::Only(ids.into_iter().map(Into::into).collect())
    }

    pub(crate) fn wire(&self) -> Vec<String> {
        match self {
            Chats::All => vec!["*".to_string()],
            Chats::Only(ids) => ids.clone(),
            Chats::Paused => Vec::new(),
        }
    }
}

/// Settings of an event stream; start it with [`Events::subscribe`].
///
/// The defaults: a ping every 15 s, a peer that has not answered within 10 s more is
/// taken for dead; reconnection waits like HTTP retries (the client's backoff, 0.5 s
/// doubling up to 8 s) and never gives up; 30 s to connect (the client's timeout) and
/// to get an answer to a subscription change.
pub struct Events<E> {
    client: Client,
    info: &'static EventsInfo,
    settings: Settings,
    connect_retries: u32,
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("client", &self.client)
            .field("path", &self.info.path)
            .field("settings", &self.settings)
            .finish()
    }
}

impl<E: DeserializeOwned + Send + 'static> Events<E> {
    /// Used by the generated `Client::events`.
    #[doc(hidden)]
    pub fn new(client: &Client, info: &'static EventsInfo) -> Events<E> {
        let (max_retries, backoff, timeout) = client.retry_settings();
        let timeout = timeout.unwrap_or(Duration::from_secs(30));
        Events {
            client: client.clone(),
            info,
            settings: Settings {
                ping_interval: Duration::from_secs(15),
                pong_timeout: Duration::from_secs(10),
                backoff,
                max_reconnects: None,
                connect_timeout: timeout,
                command_timeout: timeout,
                buffer: 1024,
                max_frame_bytes: 16 * 1024 * 1024,
            },
            connect_retries: max_retries,
            _event: PhantomData,
        }
    }

    /// How often the connection is checked with a ping when nothing arrives.
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.settings.ping_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long a ping may go unanswered before the peer is taken for dead and the
    /// connection made again. A dead peer is found within `ping_interval + pong_timeout`.
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.settings.pong_timeout = timeout;
        self
    }

    /// The wait before the first reconnection attempt and the longest wait.
    pub fn reconnect_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.settings.backoff = Backoff { initial, max };
        self
    }

    /// Give up after this many failed reconnection attempts in a row (the stream then
    /// yields the last error and ends); `None`, the default, tries forever.
    pub fn max_reconnects(mut self, attempts: Option<u32>) -> Self {
        self.settings.max_reconnects = attempts;
        self
    }

    /// How many times the first connection is tried again (default: the client's
    /// `max_retries`).
    pub fn connect_retries(mut self, retries: u32) -> Self {
        self.connect_retries = retries;
        self
    }

    /// Time allowed to open the connection, and to get the server's answer to a
    /// subscription change.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self.settings.command_timeout = timeout;
        self
    }

    /// How many decoded events wait for the reader (default 1024); when they are
    /// all waiting, the socket is not read until the reader catches up.
    pub fn buffer(mut self, events: usize) -> Self {
        self.settings.buffer = events.max(1);
        self
    }

    /// The largest frame accepted (default 16 MiB); a larger one breaks the connection,
    /// which is then made again.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.settings.max_frame_bytes = bytes;
        self
    }

    /// Connects, sets the subscription and returns the stream once the server has
    /// accepted it. A refused subscription is an [`Error::Status`] of kind
    /// `BadRequest` with the server's `code` and `message`.
    pub async fn subscribe(self, chats: Chats) -> Result<EventStream<E>, Error> {
        let (url, headers) =
            self.client
                .upgrade_request(self.info.path, self.info.auth, self.info.auth_optional)?;
        let target = ws::Target::new(&url, headers, self.client.events_tls(), self.info)?
            .hiding(self.client.api_info().secret_fields);
        let (items_tx, items_rx) = mpsc::channel(self.settings.buffer);
        let (commands_tx, commands_rx) = mpsc::channel(16);
        let started = ws::start::<E>(
            target,
            self.settings.clone(),
            self.connect_retries,
            chats.wire(),
            items_tx,
            commands_rx,
        )
        .await?;
        Ok(EventStream {
            items: items_rx,
            held: VecDeque::new(),
            commands: commands_tx,
            command_timeout: self.settings.command_timeout,
            task: Some(started),
        })
    }
}

/// A live stream of events: a [`Stream`] of `Result<E, Error>`.
///
/// An error item (a frame that cannot be decoded, an error the server sent) does not
/// end the stream; the stream ends after [`EventStream::close`], or when the connection
/// is lost for good (an authentication failure on reconnect, or `max_reconnects`).
/// Dropping it closes the connection cleanly.
pub struct EventStream<E> {
    items: mpsc::Receiver<Result<E, Error>>,
    /// Items read while waiting for a sent message, yielded before newer ones.
    held: VecDeque<Result<E, Error>>,
    commands: mpsc::Sender<Command>,
    command_timeout: Duration,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl<E> std::fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("held", &self.held.len())
            .field("closed", &self.commands.is_closed())
            .finish_non_exhaustive()
    }
}

// Nothing in the stream is pinned in place: its items live on the heap.
impl<E> Unpin for EventStream<E> {}

impl<E> Stream for EventStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(item) = self.held.pop_front() {
            return Poll::Ready(Some(item));
        }
        self.items.poll_recv(cx)
    }
}

/// A message sent and confirmed by the event that carries its final ID.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentMessage<E> {
    /// The chat the message was sent to.
    pub chat_id: String,
    /// The message's temporary ID until the server confirms it.
    pub pending_message_id: String,
    /// The message's final ID.
    pub message_id: String,
    /// The `message.upserted` event that confirmed it.
    pub event: E,
}

impl<E> EventStream<E> {
    /// Replaces the subscription and returns the chat IDs the server now sends events
    /// of (`["*"]` for every chat). A refused change is an [`Error::Status`] of kind
    /// `BadRequest` with the server's `code` and `message`; the previous subscription
    /// stays in force. If the connection is being made again, the answer comes once it
    /// is back.
    pub async fn set_chats(&self, chats: Chats) -> Result<Vec<String>, Error> {
        let (reply, answer) = oneshot::channel();
        let command = Command::SetChats {
            chats: chats.wire(),
            reply,
        };
        if self.commands.send(command).await.is_err() {
            return Err(stream_ended("subscriptions.set"));
        }
        match tokio::time::timeout(self.command_timeout, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(stream_ended("subscriptions.set")),
            Err(_) => Err(Error::Timeout(Box::new(TransportError {
                message: format!("no answer within {:?}", self.command_timeout),
                request: "subscriptions.set".into(),
                attempts: 1,
                source: None,
            }))),
        }
    }

    /// Closes the connection cleanly (a close frame, then the server's answer or a
    /// short wait) and ends the stream. Dropping the stream does the same in the
    /// background.
    pub async fn close(mut self) -> Result<(), Error> {
        let (done, closed) = oneshot::channel();
        if self.commands.send(Command::Close { done }).await.is_ok() {
            let _ = closed.await;
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        Ok(())
    }

    /// Waits for the `message.upserted` event in `chat_id` whose entry has
    /// `pendingMessageID` equal to `pending_message_id` and an `id` of its own (the
    /// final ID). Events read meanwhile, this one included, are not lost: the stream
    /// yields them afterwards, in order. Call it right after sending, before reading the stream further, so
    /// that an event that arrived during the send is still ahead.
    pub async fn confirm_sent(
        &mut self,
        chat_id: &str,
        pending_message_id: &str,
        timeout: Duration,
    ) -> Result<SentMessage<E>, Error>
    where
        E: serde::Serialize + Clone,
    {
        let deadline = tokio::time::Instant::now() + timeout;
        // Items already held were read by an earlier wait: look at them first.
        let mut checked = VecDeque::new();
        let found = loop {
            let item = match self.held.pop_front() {
                Some(item) => item,
                None => match tokio::time::timeout_at(deadline, self.items.recv()).await {
                    Ok(Some(item)) => item,
                    Ok(None) => {
                        self.held = checked;
                        return Err(stream_ended("waiting for the sent message"));
                    }
                    Err(_) => {
                        self.held = checked;
                        return Err(Error::Timeout(Box::new(TransportError {
                            message: format!(
                                "no message.upserted confirmed `{pending_message_id}` within {timeout:?}"
                            ),
                            request: "messages.send".into(),
                            attempts: 1,
                            source: None,
                        })));
                    }
                },
            };
            let confirmed = match &item {
                Ok(event) => {
                    confirmed_id(event, chat_id, pending_message_id).map(|id| (id, event.clone()))
                }
                Err(_) => None,
            };
            checked.push_back(item);
            if let Some(found) = confirmed {
                break found;
            }
        };
        checked.append(&mut self.held);
        self.held = checked;
        let (message_id, event) = found;
        Ok(SentMessage {
            chat_id: chat_id.to_string(),
            pending_message_id: pending_message_id.to_string(),
            message_id,
            event,
        })
    }

    /// Sends a message (the awaited request, e.g. `client.messages().send(chat).text("hi")`)
    /// and waits, up to `timeout`, for the event that carries its final ID. The
    /// response must have `chatID` and `pendingMessageID`.
    pub async fn send_and_confirm<R, T>(
        &mut self,
        request: R,
        timeout: Duration,
    ) -> Result<SentMessage<E>, Error>
    where
        R: std::future::IntoFuture<Output = Result<T, Error>>,
        T: serde::Serialize,
        E: serde::Serialize + Clone,
    {
        let sent = serde_json::to_value(request.await?).unwrap_or(Value::Null);
        let field = |k: &str| sent.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(chat_id), Some(pending)) = (field("chatID"), field("pendingMessageID")) else {
            return Err(Error::invalid_request(
                "the response has no `chatID` and `pendingMessageID` to wait for",
            ));
        };
        self.confirm_sent(&chat_id, &pending, timeout).await
    }
}

impl<E> Drop for EventStream<E> {
    fn drop(&mut self) {
        // The connection task sees its command channel close and shuts the socket
        // cleanly on its own; nothing to wait for here.
        self.task.take();
    }
}

/// The final ID, if `event` is the `message.upserted` that confirms the pending message.
fn confirmed_id<E: serde::Serialize>(event: &E, chat_id: &str, pending: &str) -> Option<String> {
    let value = serde_json::to_value(event).ok()?;
    if value.get("type")?.as_str()? != "message.upserted"
        || value.get("chatID")?.as_str()? != chat_id
    {
        return None;
    }
    value.get("entries")?.as_array()?.iter().find_map(|entry| {
        let id = entry.get("id")?.as_str()?;
        let matches = entry.get("pendingMessageID").and_then(Value::as_str) == Some(pending);
        (matches && id != pending).then(|| id.to_string())
    })
}

fn stream_ended(request: &str) -> Error {
    Error::Connection(Box::new(TransportError {
        message: "the event stream has ended".into(),
        request: request.into(),
        attempts: 1,
        source: None,
    }))
}

/// One frame from the server, decoded.
#[derive(Debug)]
#[non_exhaustive]
pub enum Frame<E> {
    /// The connection is ready; the subscription in force.
    Ready {
        /// The chats subscribed to (`*` for all).
        chat_ids: Vec<String>,
    },
    /// The answer to `subscriptions.set`.
    SubscriptionsUpdated {
        /// The ID of the command this answers, if it had one.
        request_id: Option<String>,
        /// The chats now subscribed to (`*` for all).
        chat_ids: Vec<String>,
    },
    /// A command was refused.
    Refused {
        /// The ID of the refused command, if it had one.
        request_id: Option<String>,
        /// Why it was refused.
        error: Error,
    },
    /// An event, with its `seq` and `ts` when it has them.
    Event {
        /// The event's sequence number.
        seq: Option<i64>,
        /// The server's time when it sent the event, in milliseconds since the Unix epoch.
        ts: Option<i64>,
        /// The event itself.
        event: E,
    },
}

/// Label of the stream in errors.
pub(crate) const STREAM: &str = "WS events";

/// Decodes one text frame. A frame that is not JSON, or an event of a known type
/// with the wrong shape, is an [`Error::Decode`] with the JSON path that failed;
/// an event of a type `E` does not know is decoded as `E`'s unknown variant.
/// Without knowing the API's secret fields, no excerpt shows anything of the frame.
pub fn decode_frame<E: DeserializeOwned>(text: &str) -> Result<Frame<E>, Error> {
    decode_frame_hiding(text, &[crate::WHOLE_BODY])
}

/// [`decode_frame`], whose errors leave the values of `secrets` (wire names, see
/// `redact.rs`) out of their excerpts.
pub(crate) fn decode_frame_hiding<E: DeserializeOwned>(
    text: &str,
    secrets: &[&str],
) -> Result<Frame<E>, Error> {
    let decode_error = |path: String, source: serde_json::Error| {
        Error::Decode(Box::new(DecodeError::new(
            StatusCode::SWITCHING_PROTOCOLS,
            path,
            text.as_bytes(),
            512,
            secrets,
            STREAM.into(),
            1,
            source,
        )))
    };
    let value: Value = serde_json::from_str(text).map_err(|e| decode_error(String::new(), e))?;
    let text_of = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let chat_ids = || -> Vec<String> {
        value
            .get("chatIDs")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    match value.get("type").and_then(Value::as_str) {
        Some("ready") => Ok(Frame::Ready {
            chat_ids: chat_ids(),
        }),
        Some("subscriptions.updated") => Ok(Frame::SubscriptionsUpdated {
            request_id: text_of("requestID"),
            chat_ids: chat_ids(),
        }),
        Some("error") => Ok(Frame::Refused {
            request_id: text_of("requestID"),
            error: Error::Status(Box::new(StatusError::new(
                StatusCode::BAD_REQUEST,
                Default::default(),
                text.as_bytes(),
                STREAM.into(),
                1,
                secrets,
            ))),
        }),
        _ => {
            let seq = value.get("seq").and_then(Value::as_i64);
            let ts = value.get("ts").and_then(Value::as_i64);
            let event = serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                decode_error(path, e.into_inner())
            })?;
            Ok(Frame::Event { seq, ts, event })
        }
    }
}
