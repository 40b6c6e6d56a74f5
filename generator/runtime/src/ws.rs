//! The event stream's connection: one background task per stream that owns the
//! WebSocket, keeps it alive (ping/pong), makes it again when it is lost (backoff
//! like HTTP retries), sends the subscription again, and tells the reader what may
//! have been missed (a resync event) instead of leaving a silent gap.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};

use super::error::{Error, StatusError, TransportError};
use super::events::{EventsInfo, Frame, STREAM, decode_frame, decode_frame_hiding};
use super::retry::{self, Backoff};
use super::upgrade;
use super::upgrade::WsTls;

type Socket = WebSocketStream<upgrade::Stream>;

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
    pub backoff: Backoff,
    pub max_reconnects: Option<u32>,
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    pub buffer: usize,
    pub max_frame_bytes: usize,
}

pub(crate) enum Command {
    SetChats {
        chats: Vec<String>,
        reply: oneshot::Sender<Result<Vec<String>, Error>>,
    },
    Close {
        done: oneshot::Sender<()>,
    },
}

/// Where to connect, with what headers and TLS setup.
pub(crate) struct Target {
    url: String,
    headers: HeaderMap,
    tls: Arc<WsTls>,
    info: &'static EventsInfo,
    /// Wire names whose values the excerpts of frames and refusals leave out.
    secrets: &'static [&'static str],
}

impl Target {
    pub(crate) fn new(
        http_url: &str,
        headers: HeaderMap,
        tls: Arc<WsTls>,
        info: &'static EventsInfo,
    ) -> Result<Target, Error> {
        let url = if let Some(rest) = http_url.strip_prefix("https://") {
            // The base URL's check refuses https already; this keeps the rule here too.
            // wss:// goes over the runtime's own rustls (see ws_tls.rs).
            if !cfg!(feature = "rustls") {
                return Err(Error::Config(
                    "the event stream needs the `rustls` feature for an https base URL".into(),
                ));
            }
            format!("wss://{rest}")
        } else if let Some(rest) = http_url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            return Err(Error::Config(format!(
                "the event stream needs an http or https base URL, not `{http_url}`"
            )));
        };
        Ok(Target {
            url,
            headers,
            tls,
            info,
            secrets: &[crate::WHOLE_BODY],
        })
    }

    /// The API's secret wire names, left out of excerpts (see `redact.rs`).
    pub(crate) fn hiding(mut self, secrets: &'static [&'static str]) -> Target {
        self.secrets = secrets;
        self
    }
}

/// Why a connection attempt failed: worth trying again, or not.
enum ConnectError {
    Retry(Error),
    Fatal(Error),
}

async fn connect(target: &Target, settings: &Settings) -> Result<Socket, ConnectError> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(settings.max_frame_bytes))
        .max_frame_size(Some(settings.max_frame_bytes));
    let label = format!("GET {}", target.info.path);
    let transport = |message: String, source: Option<Box<dyn std::error::Error + Send + Sync>>| {
        Box::new(TransportError {
            message,
            request: label.clone(),
            attempts: 1,
            source,
        })
    };
    let refused = |status: reqwest::StatusCode, headers: HeaderMap, body: &[u8]| {
        let retryable = retry::status_is_retryable(status, &headers, true);
        let error = Error::Status(Box::new(StatusError::new(
            status,
            headers,
            body,
            label.clone(),
            1,
            target.secrets,
        )));
        if retryable {
            ConnectError::Retry(error)
        } else {
            ConnectError::Fatal(error)
        }
    };
    // Our own upgrade request, over ws:// and wss:// alike: tungstenite's would log the
    // token (see upgrade.rs).
    let attempt = async {
        upgrade::open(&target.url, &target.headers, config, &target.tls)
            .await
            .map_err(|e| match e {
                upgrade::Refused::Status {
                    status,
                    headers,
                    body,
                } => refused(status, headers, &body),
                upgrade::Refused::Transport(message, source) => ConnectError::Retry(
                    Error::Connection(transport(message, source.map(|e| Box::new(e) as _))),
                ),
                upgrade::Refused::Untrusted(e) => {
                    ConnectError::Fatal(Error::Connection(transport(
                        "the server's TLS certificate is not trusted".into(),
                        Some(Box::new(e)),
                    )))
                }
                upgrade::Refused::Config(message) => ConnectError::Fatal(Error::Config(message)),
            })
    };
    match tokio::time::timeout(settings.connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::Retry(Error::Timeout(transport(
            format!(
                "no WebSocket handshake within {:?}",
                settings.connect_timeout
            ),
            None,
        )))),
    }
}

/// Opens the stream: connects (retrying like an HTTP GET), sets the subscription,
/// waits for the server's answer, then leaves the connection to a background task.
pub(crate) async fn start<E: DeserializeOwned + Send + 'static>(
    target: Target,
    settings: Settings,
    connect_retries: u32,
    chats: Vec<String>,
    items: mpsc::Sender<Result<E, Error>>,
    commands: mpsc::Receiver<Command>,
) -> Result<tokio::task::JoinHandle<()>, Error> {
    let mut attempt = 0;
    let mut socket = loop {
        match connect(&target, &settings).await {
            Ok(socket) => break socket,
            Err(ConnectError::Retry(e)) if attempt < connect_retries => {
                let wait = settings.backoff.delay(attempt);
                tracing::info!(path = target.info.path, attempt = attempt + 1, wait_ms = wait.as_millis() as u64, error = %e, "event stream: connecting again");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(ConnectError::Retry(e) | ConnectError::Fatal(e)) => return Err(e),
        }
    };
    let mut task = Task {
        target,
        settings,
        items,
        commands,
        confirmed: Vec::new(),
        pending: Vec::new(),
        next_request: 0,
        last_seq: None,
        last_ts: None,
        awaiting_pong: None,
        _event: std::marker::PhantomData,
    };
    let (reply, answer) = oneshot::channel();
    let mut queue = VecDeque::new();
    task.request(&mut socket, chats, Some(reply)).await;
    // Read until the answer: events before it are kept for the reader.
    let deadline = Instant::now() + task.settings.command_timeout;
    let mut answer = answer;
    loop {
        if let Ok(result) = answer.try_recv() {
            result?;
            break;
        }
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => task.on_text(text.as_str(), &mut queue),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => {
                return Err(Error::Connection(Box::new(TransportError {
                    message: "the event stream broke before the subscription was set".into(),
                    request: STREAM.into(),
                    attempts: 1,
                    source: Some(Box::new(e)),
                })));
            }
            Ok(None) => {
                return Err(Error::Connection(Box::new(TransportError {
                    message: "the server closed the event stream before the subscription was set"
                        .into(),
                    request: STREAM.into(),
                    attempts: 1,
                    source: None,
                })));
            }
            Err(_) => {
                return Err(Error::Timeout(Box::new(TransportError {
                    message: "no answer to the subscription".into(),
                    request: STREAM.into(),
                    attempts: 1,
                    source: None,
                })));
            }
        }
    }
    Ok(tokio::spawn(task.run(socket, queue)))
}

struct Pending {
    request_id: String,
    chats: Vec<String>,
    reply: Option<oneshot::Sender<Result<Vec<String>, Error>>>,
}

struct Task<E> {
    target: Target,
    settings: Settings,
    items: mpsc::Sender<Result<E, Error>>,
    commands: mpsc::Receiver<Command>,
    /// The subscription the server last confirmed.
    confirmed: Vec<String>,
    /// Subscription changes sent and not answered yet, oldest first.
    pending: Vec<Pending>,
    next_request: u64,
    /// `seq` of the last event on this connection (a `seq` counts per connection).
    last_seq: Option<i64>,
    /// `ts` of the last event received, on any connection.
    last_ts: Option<i64>,
    awaiting_pong: Option<Instant>,
    _event: std::marker::PhantomData<fn() -> E>,
}

/// What woke the connection up.
enum Step {
    Command(Option<Command>),
    Frame(Option<Result<Message, tungstenite::Error>>),
    Ping,
}

/// How one connection ended.
enum End {
    /// The reader dropped or closed the stream.
    Closed(Option<oneshot::Sender<()>>),
    Lost(String),
}

impl<E: DeserializeOwned + Send + 'static> Task<E> {
    async fn run(mut self, mut socket: Socket, mut queue: VecDeque<Result<E, Error>>) {
        loop {
            match self.serve(&mut socket, &mut queue).await {
                End::Closed(done) => {
                    close(socket).await;
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                    return;
                }
                End::Lost(why) => {
                    tracing::info!(path = self.target.info.path, why = %why, "event stream lost; connecting again");
                    drop(socket);
                    match self.reconnect(&mut queue).await {
                        Some(new) => socket = new,
                        None => {
                            // Deliver what is left, the final error last.
                            for item in queue.drain(..) {
                                if self.items.send(item).await.is_err() {
                                    break;
                                }
                            }
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Serves one connection until it is lost or the reader is gone. The socket is
    /// only read while no decoded item waits for the reader, so memory stays bounded.
    async fn serve(&mut self, socket: &mut Socket, queue: &mut VecDeque<Result<E, Error>>) -> End {
        let mut ping = tokio::time::interval(self.settings.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        self.awaiting_pong = None;
        loop {
            let pong_deadline = self
                .awaiting_pong
                .map(|sent| sent + self.settings.pong_timeout);
            let reading = queue.is_empty();
            let step = tokio::select! {
                biased;
                command = self.commands.recv() => Step::Command(command),
                permit = self.items.reserve(), if !reading => match permit {
                    Ok(permit) => {
                        if let Some(item) = queue.pop_front() {
                            permit.send(item);
                        }
                        // The socket was not read meanwhile: an unread pong is not a dead peer.
                        if queue.is_empty() && self.awaiting_pong.is_some() {
                            self.awaiting_pong = Some(Instant::now());
                        }
                        continue;
                    }
                    Err(_) => return End::Closed(None),
                },
                frame = socket.next(), if reading => Step::Frame(frame),
                _ = sleep_until(pong_deadline), if reading && pong_deadline.is_some() => {
                    return End::Lost(format!("no answer to a ping within {:?}", self.settings.pong_timeout));
                },
                _ = ping.tick() => Step::Ping,
            };
            match step {
                Step::Command(None) => return End::Closed(None),
                Step::Command(Some(Command::Close { done })) => return End::Closed(Some(done)),
                Step::Command(Some(Command::SetChats { chats, reply })) => {
                    if !self.request(socket, chats, Some(reply)).await {
                        return End::Lost("could not send the subscription".into());
                    }
                }
                Step::Frame(frame) => {
                    self.awaiting_pong = None;
                    match frame {
                        Some(Ok(Message::Text(text))) => self.on_text(text.as_str(), queue),
                        Some(Ok(Message::Binary(_))) => {
                            queue.push_back(Err(Error::Connection(Box::new(TransportError {
                                message: "the server sent a binary frame; events are text".into(),
                                request: STREAM.into(),
                                attempts: 1,
                                source: None,
                            }))))
                        }
                        Some(Ok(Message::Close(_))) => {
                            return End::Lost("the server closed the connection".into());
                        }
                        Some(Ok(_)) => {}
                        Some(Err(e)) => return End::Lost(e.to_string()),
                        None => return End::Lost("the connection ended".into()),
                    }
                }
                Step::Ping => {
                    if self.awaiting_pong.is_none() && reading {
                        if socket
                            .send(Message::Ping(Default::default()))
                            .await
                            .is_err()
                        {
                            return End::Lost("could not send a ping".into());
                        }
                        self.awaiting_pong = Some(Instant::now());
                    }
                }
            }
        }
    }

    /// Makes the connection again, with backoff; sends the subscription again and
    /// queues a resync event. `None` when the stream must end (the reader is gone, a
    /// refusal that will not change, or `max_reconnects`).
    async fn reconnect(&mut self, queue: &mut VecDeque<Result<E, Error>>) -> Option<Socket> {
        let mut failures: u32 = 0;
        loop {
            let wake = Instant::now() + self.settings.backoff.delay(failures);
            // Commands keep arriving while disconnected: changes are sent once back.
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(wake) => break,
                    command = self.commands.recv() => match command {
                        None | Some(Command::Close { .. }) => return None,
                        Some(Command::SetChats { chats, reply }) => self.pending.push(Pending {
                            request_id: String::new(),
                            chats,
                            reply: Some(reply),
                        }),
                    },
                }
            }
            match connect(&self.target, &self.settings).await {
                Ok(mut socket) => {
                    let resync = self.resync("reconnected");
                    self.last_seq = None;
                    let confirmed = std::mem::take(&mut self.confirmed);
                    let waiting = std::mem::take(&mut self.pending);
                    let mut sent = self.request(&mut socket, confirmed.clone(), None).await;
                    self.confirmed = confirmed;
                    for p in waiting {
                        sent &= self.request(&mut socket, p.chats, p.reply).await;
                    }
                    if !sent {
                        failures += 1;
                        continue;
                    }
                    if !self.confirmed.is_empty() {
                        queue.push_back(resync);
                    }
                    tracing::info!(path = self.target.info.path, "event stream connected again");
                    return Some(socket);
                }
                Err(ConnectError::Fatal(e)) => {
                    queue.push_back(Err(e));
                    return None;
                }
                Err(ConnectError::Retry(e)) => {
                    failures += 1;
                    tracing::info!(path = self.target.info.path, failures, error = %e, "event stream: reconnection failed");
                    if self
                        .settings
                        .max_reconnects
                        .is_some_and(|max| failures > max)
                    {
                        queue.push_back(Err(e));
                        return None;
                    }
                }
            }
        }
    }

    /// Sends `subscriptions.set`; false if the socket failed (the change is then
    /// kept, and sent again after reconnecting).
    async fn request(
        &mut self,
        socket: &mut Socket,
        chats: Vec<String>,
        reply: Option<oneshot::Sender<Result<Vec<String>, Error>>>,
    ) -> bool {
        self.next_request += 1;
        let request_id = format!("sdk-{}", self.next_request);
        let command =
            json!({"type": "subscriptions.set", "requestID": request_id, "chatIDs": chats});
        let ok = socket
            .send(Message::text(command.to_string()))
            .await
            .is_ok();
        self.pending.push(Pending {
            request_id,
            chats,
            reply,
        });
        ok
    }

    fn on_text(&mut self, text: &str, queue: &mut VecDeque<Result<E, Error>>) {
        match decode_frame_hiding::<E>(text, self.target.secrets) {
            Ok(Frame::Event { seq, ts, event }) => {
                if let (Some(last), Some(seq)) = (self.last_seq, seq)
                    && seq > last.saturating_add(1)
                {
                    queue.push_back(self.resync("gap"));
                }
                if let Some(seq) = seq {
                    self.last_seq = Some(self.last_seq.map_or(seq, |last| last.max(seq)));
                }
                if ts.is_some() {
                    self.last_ts = ts;
                }
                queue.push_back(Ok(event));
            }
            Ok(Frame::Ready { .. }) => {}
            Ok(Frame::SubscriptionsUpdated {
                request_id,
                chat_ids,
            }) => {
                if let Some(p) = self.take_pending(request_id.as_deref()) {
                    self.confirmed = chat_ids.clone();
                    if let Some(reply) = p.reply {
                        let _ = reply.send(Ok(chat_ids));
                    }
                }
            }
            Ok(Frame::Refused { request_id, error }) => {
                match self.take_pending(request_id.as_deref()) {
                    Some(Pending {
                        reply: Some(reply), ..
                    }) => {
                        let _ = reply.send(Err(error));
                    }
                    // A refusal nobody waits for is still the reader's to know.
                    _ => queue.push_back(Err(error)),
                }
            }
            Err(e) => queue.push_back(Err(e)),
        }
    }

    fn take_pending(&mut self, request_id: Option<&str>) -> Option<Pending> {
        let i = self
            .pending
            .iter()
            .position(|p| Some(p.request_id.as_str()) == request_id)?;
        Some(self.pending.remove(i))
    }

    /// The event that says what may have been missed, as `E`'s resync variant.
    fn resync(&self, reason: &str) -> Result<E, Error> {
        let info = self.target.info;
        let mut value = json!({
            "reason": reason,
            "chatIDs": self.confirmed,
            "since": self.last_ts,
            "lastSeq": self.last_seq,
        });
        value[info.tag] = Value::String(info.resync.to_string());
        let text = value.to_string();
        match decode_frame::<E>(&text)? {
            Frame::Event { event, .. } => Ok(event),
            _ => Err(Error::Config(format!(
                "the resync event `{}` collides with a control message",
                info.resync
            ))),
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Sends a close frame and waits briefly for the server's.
async fn close(mut socket: Socket) {
    let _ = socket.close(None).await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(_)) = socket.next().await {}
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::Target;
    use crate::EventsInfo;

    static INFO: EventsInfo = EventsInfo {
        path: "/v1/ws",
        tag: "type",
        resync: "resync",
        auth: &[],
        auth_optional: false,
    };

    #[test]
    fn the_websocket_url_follows_the_base_url() {
        let url = |base: &str| {
            Target::new(base, Default::default(), Default::default(), &INFO).map(|t| t.url)
        };
        assert_eq!(
            url("http://localhost:23373/v1/ws").unwrap(),
            "ws://localhost:23373/v1/ws"
        );
        if cfg!(feature = "rustls") {
            assert_eq!(
                url("https://host/api/v1/ws").unwrap(),
                "wss://host/api/v1/ws"
            );
        } else {
            assert!(matches!(
                url("https://host/api/v1/ws"),
                Err(crate::Error::Config(_))
            ));
        }
        assert!(matches!(
            url("ftp://host/v1/ws"),
            Err(crate::Error::Config(_))
        ));
    }
}
