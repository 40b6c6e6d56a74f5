//! The event stream's connection: one background task per stream that owns the
//! WebSocket, keeps it alive (ping/pong), makes it again when it is lost (a backoff that
//! starts over only after a connection stayed healthy), sends the subscription again,
//! and tells the reader what may have been missed (a resync) instead of leaving a
//! silent gap.
//!
//! What it hands the reader is bounded in bytes (see `budget.rs`): it reads the socket
//! only while the reader's share of the budget has room, and decoding is left to the
//! reader, so that what waits is the frames as they arrived.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::SplitStream;
use futures_util::{FutureExt, StreamExt};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};

use super::budget::{Budget, ITEM_OVERHEAD};
use super::error::{Error, TransportError};
use super::frame::{self, Control, Resync, STREAM};
use super::retry::Backoff;
use super::upgrade::{ConnectError, Connector, Socket};
use super::ws_writer::Writer;

/// The bytes held for the reader past which a frame is copied out of tungstenite's read
/// block (see `on_text`).
const COPY_PAST: usize = 128 * 1024;

/// The most items handed to the reader in one go (see `serve`): the outbox they wait in
/// keeps its capacity, which the budget does not count, so it stays small.
const MAX_BATCH: usize = 64;

/// How long a closing connection waits for the server's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) ping_interval: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) backoff: Backoff,
    pub(crate) healthy_after: Duration,
    pub(crate) max_reconnects: Option<u32>,
    pub(crate) connect_retries: u32,
    pub(crate) command_timeout: Duration,
    pub(crate) max_buffered_bytes: usize,
}

pub(crate) enum Command {
    SetChats {
        chats: Vec<String>,
        reply: oneshot::Sender<Result<Vec<String>, Error>>,
    },
    Close,
}

/// What the connection hands the reader, with what it costs of the budget.
pub(crate) struct Held {
    pub(crate) item: Item,
    pub(crate) cost: usize,
}

pub(crate) enum Item {
    /// An event frame, as it arrived: the reader decodes it.
    Event(Utf8Bytes),
    Resync(Resync),
    Error(Error),
}

/// A stream's connection task, started: the reader's ends of it.
pub(crate) struct Started {
    pub(crate) items: mpsc::UnboundedReceiver<Held>,
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) task: tokio::task::JoinHandle<()>,
    /// The answer to the first subscription.
    pub(crate) answer: oneshot::Receiver<Result<Vec<String>, Error>>,
}

/// Connects (the upgrade tried like an HTTP `GET`) and leaves the connection to a
/// background task, which sends the subscription `chats` first.
pub(crate) async fn start(
    connector: Connector,
    settings: Settings,
    chats: Vec<String>,
    budget: Arc<Budget>,
) -> Result<Started, Error> {
    let socket = connector
        .connect(settings.connect_retries)
        .await
        .map_err(|(ConnectError::Retry(e) | ConnectError::Fatal(e))| e)?;
    let (items_tx, items) = mpsc::unbounded_channel();
    let (commands, commands_rx) = mpsc::channel(16);
    let (reply, answer) = oneshot::channel();
    let task = Task {
        connector,
        settings,
        items: items_tx,
        commands: commands_rx,
        budget,
        confirmed: None,
        pending: vec![Pending {
            request_id: String::new(),
            chats,
            reply: Some(reply),
        }],
        next_request: 0,
        last_seq: None,
        last_ts: None,
        failures: 0,
        last_problem: String::new(),
        outbox: Vec::new(),
    };
    Ok(Started {
        items,
        commands,
        task: tokio::spawn(task.run(socket)),
        answer,
    })
}

struct Pending {
    request_id: String,
    chats: Vec<String>,
    reply: Option<oneshot::Sender<Result<Vec<String>, Error>>>,
}

struct Task {
    connector: Connector,
    settings: Settings,
    items: mpsc::UnboundedSender<Held>,
    commands: mpsc::Receiver<Command>,
    budget: Arc<Budget>,
    /// The subscription the server last confirmed; `None` before the first answer.
    confirmed: Option<Vec<String>>,
    /// Subscription changes not answered yet, oldest first: sent on the connection
    /// (or sent again once it is made again).
    pending: Vec<Pending>,
    next_request: u64,
    /// `seq` of the last event on this connection (a `seq` counts per connection).
    last_seq: Option<i64>,
    /// `ts` of the last event received, on any connection.
    last_ts: Option<i64>,
    /// Connections tried since the last one that stayed healthy: what the backoff
    /// and `max_reconnects` count.
    failures: u32,
    /// Why the last connection was lost or not made, for the error that ends the stream.
    last_problem: String,
    /// Items pushed and not yet handed to the reader (see `send_held`).
    outbox: Vec<Held>,
}

/// How one connection ended.
enum End {
    /// The reader closed or dropped the stream.
    Closed,
    Lost(String),
}

impl Task {
    async fn run(mut self, mut socket: Socket) {
        loop {
            match self.serve(socket).await {
                End::Closed => return,
                End::Lost(why) => {
                    tracing::info!(path = self.connector.path(), why = %why, "event stream lost; connecting again");
                    self.last_problem = why;
                    let again = self.reconnect().await;
                    // A resync for the new connection, or the error that ends the stream.
                    self.send_held();
                    match again {
                        Some(again) => socket = again,
                        None => return,
                    }
                }
            }
        }
    }

    /// Serves one connection until it is lost or the reader is gone. The socket is read
    /// only while the budget has room; the heartbeat pauses meanwhile, so that a reader
    /// that is slow is not a peer that is dead.
    async fn serve(&mut self, socket: Socket) -> End {
        let (sink, mut frames) = socket.split();
        let mut writer = Writer::spawn(sink, self.settings.write_timeout);
        self.resubscribe(&writer);
        let connected_at = Instant::now();
        let mut healthy = false;
        let period = self.settings.ping_interval;
        let mut ping = tokio::time::interval_at(Instant::now() + period, period);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut awaiting_pong: Option<Instant> = None;
        loop {
            let room = self.budget.has_room();
            let pong_deadline = awaiting_pong.map(|sent| sent + self.settings.pong_timeout);
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    None | Some(Command::Close) => {
                        close(writer, &mut frames).await;
                        return End::Closed;
                    }
                    Some(Command::SetChats { chats, reply }) => self.request(&writer, chats, Some(reply)),
                },
                why = writer.failed() => return End::Lost(why),
                frame = frames.next(), if room => {
                    // Anything from the peer shows it is alive.
                    awaiting_pong = None;
                    if !healthy && connected_at.elapsed() >= self.settings.healthy_after {
                        healthy = true;
                        self.failures = 0;
                    }
                    let mut next = Some(frame);
                    // The frames already read come in one go, up to MAX_BATCH: the reader
                    // is woken once for all of them, not once each.
                    while let Some(frame) = next {
                        if let Some(end) = self.on_frame(frame) {
                            self.send_held();
                            return end;
                        }
                        next = if self.budget.has_room() && self.outbox.len() < MAX_BATCH {
                            frames.next().now_or_never()
                        } else {
                            None
                        };
                    }
                    self.send_held();
                },
                () = self.budget.room(), if !room => {
                    // Reading again: a pong that waited unread is not late.
                    if awaiting_pong.is_some() {
                        awaiting_pong = Some(Instant::now());
                    }
                },
                () = sleep_until(pong_deadline), if room && pong_deadline.is_some() => {
                    return End::Lost(format!("no answer to a ping within {:?}", self.settings.pong_timeout));
                },
                _ = ping.tick() => {
                    if room && awaiting_pong.is_none() {
                        writer.send(Message::Ping(Default::default()));
                        awaiting_pong = Some(Instant::now());
                    }
                },
            }
        }
    }

    /// Waits out the backoff, then makes the connection again; commands that come
    /// meanwhile are kept for it. `None` when the stream must end: the reader closed it,
    /// a refusal that will not change, or `max_reconnects` attempts without a healthy
    /// connection.
    async fn reconnect(&mut self) -> Option<Socket> {
        loop {
            if self
                .settings
                .max_reconnects
                .is_some_and(|max| self.failures >= max)
            {
                let message = format!(
                    "gave up after {} reconnection attempts without a healthy connection: {}",
                    self.failures, self.last_problem
                );
                self.push_error(Error::Connection(Box::new(TransportError {
                    message,
                    request: STREAM.into(),
                    attempts: self.failures,
                    source: None,
                })));
                return None;
            }
            let wake = Instant::now() + self.settings.backoff.delay(self.failures);
            self.failures = self.failures.saturating_add(1);
            let sleeping = tokio::time::sleep_until(wake);
            tokio::pin!(sleeping);
            loop {
                tokio::select! {
                    () = &mut sleeping => break,
                    command = self.commands.recv() => if !self.keep(command) { return None },
                }
            }
            let retries = self.settings.connect_retries;
            let connector = self.connector.clone();
            let attempt = connector.connect(retries);
            tokio::pin!(attempt);
            let result = loop {
                tokio::select! {
                    result = &mut attempt => break result,
                    command = self.commands.recv() => if !self.keep(command) { return None },
                }
            };
            match result {
                Ok(socket) => {
                    if self.confirmed.as_ref().is_some_and(|c| !c.is_empty()) {
                        self.push_resync("reconnected");
                    }
                    self.last_seq = None;
                    tracing::info!(path = self.connector.path(), "event stream connected again");
                    return Some(socket);
                }
                Err(ConnectError::Fatal(e)) => {
                    self.push_error(e);
                    return None;
                }
                Err(ConnectError::Retry(e)) => {
                    tracing::info!(path = self.connector.path(), failures = self.failures, error = %e, "event stream: reconnection failed");
                    self.last_problem = e.to_string();
                }
            }
        }
    }

    /// A command that comes while there is no connection: a change is kept and sent
    /// once connected; false when the stream is to close.
    fn keep(&mut self, command: Option<Command>) -> bool {
        match command {
            None | Some(Command::Close) => false,
            Some(Command::SetChats { chats, reply }) => {
                self.pending.push(Pending {
                    request_id: String::new(),
                    chats,
                    reply: Some(reply),
                });
                true
            }
        }
    }

    /// On a new connection: the subscription the server confirmed last, then every
    /// change not answered yet.
    fn resubscribe(&mut self, writer: &Writer) {
        let waiting = std::mem::take(&mut self.pending);
        if let Some(confirmed) = self.confirmed.clone() {
            self.request(writer, confirmed, None);
        }
        for p in waiting {
            self.request(writer, p.chats, p.reply);
        }
    }

    /// Sends `subscriptions.set` (queued for the writer; if the connection is lost
    /// meanwhile, it is sent again on the next one).
    fn request(
        &mut self,
        writer: &Writer,
        chats: Vec<String>,
        reply: Option<oneshot::Sender<Result<Vec<String>, Error>>>,
    ) {
        self.next_request += 1;
        let request_id = format!("sdk-{}", self.next_request);
        let command =
            json!({"type": "subscriptions.set", "requestID": request_id, "chatIDs": chats});
        writer.send(Message::text(command.to_string()));
        self.pending.push(Pending {
            request_id,
            chats,
            reply,
        });
    }

    /// One frame, or the end of the connection.
    fn on_frame(&mut self, frame: Option<Result<Message, tungstenite::Error>>) -> Option<End> {
        match frame {
            Some(Ok(Message::Text(text))) => self.on_text(text),
            Some(Ok(Message::Binary(_))) => self.push_error(Error::Connection(
                TransportError::once(STREAM, "the server sent a binary frame; events are text"),
            )),
            Some(Ok(Message::Close(_))) => {
                return Some(End::Lost("the server closed the connection".into()));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Some(End::Lost(e.to_string())),
            None => return Some(End::Lost("the connection ended".into())),
        }
        None
    }

    /// One text frame: a control message is answered here; anything else is the
    /// reader's to decode, after its `seq` has been checked for a gap (whether or not
    /// the frame decodes).
    fn on_text(&mut self, text: Utf8Bytes) {
        let (envelope, _) = frame::scan(&text);
        match envelope.control {
            Some(Control::Ready) => {}
            Some(Control::Updated) => {
                if let Some(p) = self.take_pending(envelope.request_id.as_deref()) {
                    self.confirmed = Some(envelope.chat_ids.clone());
                    if let Some(reply) = p.reply {
                        let _ = reply.send(Ok(envelope.chat_ids));
                    }
                }
            }
            Some(Control::Refused) => {
                let error = frame::refusal(&text, self.connector.secrets());
                match self.take_pending(envelope.request_id.as_deref()) {
                    Some(Pending {
                        reply: Some(reply), ..
                    }) => {
                        let _ = reply.send(Err(error));
                    }
                    // A refusal nobody waits for is still the reader's to know.
                    _ => self.push_error(error),
                }
            }
            None => {
                if let Some(seq) = envelope.seq {
                    if self
                        .last_seq
                        .is_some_and(|last| seq > last.saturating_add(1))
                    {
                        self.push_resync("gap");
                    }
                    self.last_seq = Some(self.last_seq.map_or(seq, |last| last.max(seq)));
                }
                if envelope.ts.is_some() {
                    self.last_ts = envelope.ts;
                }
                // A frame shares the block tungstenite read it into (64 KiB), which stays
                // as long as any frame of it does. While little waits for the reader (a
                // reader that keeps up), the blocks are soon free and reused; past that,
                // each frame is copied out, so that what waits is its own bytes, as
                // counted, and at most a few blocks more.
                let text = if self.budget.held() >= COPY_PAST {
                    Utf8Bytes::from(text.as_str().to_owned())
                } else {
                    text
                };
                let cost = text.len() + ITEM_OVERHEAD;
                self.push(Item::Event(text), cost);
            }
        }
    }

    fn take_pending(&mut self, request_id: Option<&str>) -> Option<Pending> {
        let i = self
            .pending
            .iter()
            .position(|p| Some(p.request_id.as_str()) == request_id)?;
        Some(self.pending.remove(i))
    }

    /// Holds an item for the reader: counted now, handed over by `send_held`.
    fn push(&mut self, item: Item, cost: usize) {
        self.budget.take(cost);
        self.outbox.push(Held { item, cost });
    }

    /// Hands the items pushed since the last time to the reader, in order.
    fn send_held(&mut self) {
        for held in self.outbox.drain(..) {
            if let Err(unsent) = self.items.send(held) {
                // The reader is gone: nothing is held for it.
                self.budget.give_back(unsent.0.cost);
            }
        }
    }

    fn push_error(&mut self, error: Error) {
        self.push(Item::Error(error), ITEM_OVERHEAD + 512);
    }

    /// What may have been missed since the last event: the subscription's chats after
    /// its `ts`.
    fn push_resync(&mut self, reason: &'static str) {
        let chat_ids = self.confirmed.clone().unwrap_or_default();
        let cost = ITEM_OVERHEAD + chat_ids.iter().map(|c| c.len() + 24).sum::<usize>();
        let resync = Resync {
            reason,
            chat_ids,
            since: self.last_ts,
            last_seq: self.last_seq,
        };
        self.push(Item::Resync(resync), cost);
    }
}

/// Closes the connection cleanly: a close frame with code 1000 (normal closure), then
/// the server's close frame or `CLOSE_WAIT`, whichever comes first, whatever the
/// writer's state (a write the peer does not take is given up).
async fn close(writer: Writer, frames: &mut SplitStream<Socket>) {
    writer.send(Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: Utf8Bytes::default(),
    })));
    let deadline = Instant::now() + CLOSE_WAIT;
    let answered = async {
        while let Some(Ok(message)) = frames.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout_at(deadline, answered).await;
    writer
        .finish(deadline.saturating_duration_since(Instant::now()))
        .await;
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
