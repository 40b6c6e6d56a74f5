//! [`EventStream`]: the reader's end of a live event stream. It takes what the
//! connection task (`ws.rs`) hands it, gives the bytes back to the budget as items are
//! yielded, decodes each event, and makes the SDK's resync events.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::budget::Budget;
use super::error::{Error, TransportError};
use super::frame::{ChatSubscription, EventsInfo, decode_event};
use super::ws::{Command, Held, Item};

/// How long `close` (and a drop) may take, whatever state the stream is in.
const CLOSE_BOUND: Duration = Duration::from_secs(2);

/// A live stream of events: a [`Stream`] of `Result<E, Error>`.
///
/// An error item (a frame that cannot be decoded, an error the server sent) does not
/// end the stream; the stream ends after [`EventStream::close`], or when the connection
/// is lost for good (an authentication failure on reconnect, or `max_reconnects`).
/// Dropping it closes the connection cleanly.
pub struct EventStream<E> {
    items: mpsc::UnboundedReceiver<Held>,
    /// Items taken from the connection but not yielded yet (read while waiting for a
    /// sent message, or looked at past a resync), yielded before newer ones. They stay
    /// counted in the budget until yielded.
    held: VecDeque<Held>,
    budget: Arc<Budget>,
    info: &'static EventsInfo,
    /// The API's secret wire names, left out of the excerpts of decode errors.
    secrets: &'static [&'static str],
    commands: mpsc::Sender<Command>,
    command_timeout: Duration,
    task: Option<JoinHandle<()>>,
    _event: PhantomData<fn() -> E>,
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

impl<E: DeserializeOwned> Stream for EventStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let held = match self.held.pop_front() {
            Some(held) => held,
            None => match self.items.poll_recv(cx) {
                Poll::Ready(Some(held)) => held,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            },
        };
        Poll::Ready(Some(self.yield_item(held)))
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
    pub(crate) fn new(
        items: mpsc::UnboundedReceiver<Held>,
        commands: mpsc::Sender<Command>,
        task: JoinHandle<()>,
        budget: Arc<Budget>,
        info: &'static EventsInfo,
        secrets: &'static [&'static str],
        command_timeout: Duration,
    ) -> EventStream<E> {
        EventStream {
            items,
            held: VecDeque::new(),
            budget,
            info,
            secrets,
            commands,
            command_timeout,
            task: Some(task),
            _event: PhantomData,
        }
    }

    /// Replaces the subscription and returns the chat IDs the server now sends events
    /// of (`["*"]` for every chat). A refused change is an [`Error::Status`] of kind
    /// `BadRequest` with the server's `code` and `message`; the previous subscription
    /// stays in force. If the connection is being made again, the change is sent once
    /// it is back, and the answer comes then.
    pub async fn set_chats(&self, chats: ChatSubscription) -> Result<Vec<String>, Error> {
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
            Err(_) => Err(Error::Timeout(TransportError::once(
                "subscriptions.set",
                format!("no answer within {:?}", self.command_timeout),
            ))),
        }
    }

    /// Closes the connection cleanly (a close frame with code 1000, then the server's
    /// answer or a short wait) and ends the stream, within 2 s whatever its state (a
    /// connection being made again, a write the peer does not take). Dropping the
    /// stream does the same in the background.
    pub async fn close(mut self) -> Result<(), Error> {
        // A full command queue (changes waiting) must not hold up the close: the task
        // then sees the queue close when the stream is dropped, or is ended below.
        let _ = self.commands.try_send(Command::Close);
        // What waits for the reader is not read any more: freed now, not after the close.
        self.held.clear();
        self.items.close();
        while let Ok(held) = self.items.try_recv() {
            self.budget.give_back(held.cost);
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(CLOSE_BOUND, &mut task).await.is_err()
        {
            task.abort();
        }
        Ok(())
    }

    /// The error the connection ended with, if it has ended with one: what `subscribe`
    /// reports when the stream ends before the subscription's answer.
    pub(crate) fn final_error(&mut self) -> Option<Error> {
        while let Ok(held) = self.items.try_recv() {
            self.budget.give_back(held.cost);
            if let Item::Error(e) = held.item {
                return Some(e);
            }
        }
        None
    }

    /// The next item, from those held first.
    async fn next_held(&mut self) -> Option<Held> {
        match self.held.pop_front() {
            Some(held) => Some(held),
            None => self.items.recv().await,
        }
    }
}

impl<E: DeserializeOwned> EventStream<E> {
    /// Gives an item's bytes back and makes it what the reader sees: an event decoded,
    /// a resync (one for several in a row, with nothing between them), or an error.
    fn yield_item(&mut self, held: Held) -> Result<E, Error> {
        self.budget.give_back(held.cost);
        match held.item {
            Item::Event(text) => decode_event(&text, self.secrets),
            Item::Error(e) => Err(e),
            Item::Resync(mut resync) => {
                while let Some(next) = self.next_ready() {
                    match next.item {
                        Item::Resync(later) => {
                            self.budget.give_back(next.cost);
                            resync.merge(later);
                        }
                        _ => {
                            self.held.push_front(next);
                            break;
                        }
                    }
                }
                resync.event(self.info)
            }
        }
    }

    /// The next item if one is there already, without waiting.
    fn next_ready(&mut self) -> Option<Held> {
        self.held.pop_front().or_else(|| self.items.try_recv().ok())
    }

    /// Waits for the `message.upserted` event in `chat_id` whose entry has
    /// `pendingMessageID` equal to `pending_message_id` and an `id` of its own (the
    /// final ID). Events read meanwhile, this one included, are not lost: the stream
    /// yields them afterwards, in order. Call it right after sending, before reading the
    /// stream further, so that an event that arrived during the send is still ahead.
    /// What it reads counts against the stream's byte budget until the stream yields it:
    /// past the budget, the connection stops reading and the wait ends with the timeout.
    pub async fn confirm_sent(
        &mut self,
        chat_id: &str,
        pending_message_id: &str,
        timeout: Duration,
    ) -> Result<SentMessage<E>, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut checked: VecDeque<Held> = VecDeque::new();
        let result = loop {
            let held = match tokio::time::timeout_at(deadline, self.next_held()).await {
                Ok(Some(held)) => held,
                Ok(None) => break Err(stream_ended("waiting for the sent message")),
                Err(_) => {
                    break Err(Error::Timeout(TransportError::once(
                        "messages.send",
                        format!(
                            "no message.upserted confirmed `{pending_message_id}` within {timeout:?}"
                        ),
                    )));
                }
            };
            let found = match &held.item {
                Item::Event(text) => confirmed_id(text, self.info.tag, chat_id, pending_message_id)
                    .map(|id| (id, decode_event::<E>(text, self.secrets))),
                _ => None,
            };
            checked.push_back(held);
            if let Some((message_id, event)) = found {
                break event.map(|event| SentMessage {
                    chat_id: chat_id.to_string(),
                    pending_message_id: pending_message_id.to_string(),
                    message_id,
                    event,
                });
            }
        };
        // What was read goes back in front, in order.
        checked.append(&mut self.held);
        self.held = checked;
        result
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
        // The connection task sees the command channel close and shuts the socket
        // cleanly on its own; should that take longer than the bound, it is ended.
        if let Some(mut task) = self.task.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if tokio::time::timeout(CLOSE_BOUND, &mut task).await.is_err() {
                    task.abort();
                }
            });
        }
    }
}

/// The final ID, if the frame is the `message.upserted` that confirms the pending
/// message (read as JSON, not as `E`, which the runtime cannot look into).
fn confirmed_id(text: &str, tag: &str, chat_id: &str, pending: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    if value.get(tag)?.as_str()? != "message.upserted" || value.get("chatID")?.as_str()? != chat_id
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
    Error::Connection(TransportError::once(request, "the event stream has ended"))
}
