//! A small timing harness: alternates the candidates in rounds, so that machine noise
//! hits all of them alike, and reports medians and ratios.

use std::time::{Duration, Instant};

/// The median time of one call of each candidate, over `rounds` rounds of
/// `per_round` calls; the candidates run in turn within each round.
pub fn compare(
    rounds: usize,
    per_round: usize,
    candidates: &mut [(&str, &mut dyn FnMut())],
) -> Vec<(String, Duration)> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); candidates.len()];
    // Warm-up: caches, allocator, connection pools.
    for (_, f) in candidates.iter_mut() {
        for _ in 0..per_round.max(1) {
            f();
        }
    }
    for _ in 0..rounds {
        for (i, (_, f)) in candidates.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            samples[i].push(start.elapsed() / per_round as u32);
        }
    }
    candidates
        .iter()
        .zip(samples)
        .map(|((name, _), mut s)| {
            s.sort();
            (name.to_string(), s[s.len() / 2])
        })
        .collect()
}

pub fn report(title: &str, results: &[(String, Duration)], bytes: Option<usize>) {
    println!("\n{title}");
    let base = results[0].1.as_secs_f64();
    for (name, t) in results {
        let throughput = bytes
            .map(|b| format!(", {:.0} MB/s", b as f64 / t.as_secs_f64() / 1e6))
            .unwrap_or_default();
        println!(
            "  {name:<42} {:>10.1} µs{throughput}   ratio to first: {:.3}",
            t.as_secs_f64() * 1e6,
            base / t.as_secs_f64()
        );
    }
}

/// The per-request benchmark's two sides, shared by the bench and the profiler example
/// so that both measure the same work: `accounts().list()` through the SDK, and a bare
/// reqwest GET that decodes the same body into the same models.
pub struct AccountsRequests {
    pub runtime: tokio::runtime::Runtime,
    client: beeper_desktop_api::Client,
    /// The same client with one hook that does nothing: what a hook costs.
    hooked: beeper_desktop_api::Client,
    http: reqwest::Client,
    url: String,
    // Kept alive for the requests.
    _server: sdk_tests::faults::FaultServer,
}

impl AccountsRequests {
    /// A local server answering the documented `GET /v1/accounts` example, on keep-alive.
    pub fn start() -> AccountsRequests {
        use sdk_tests::faults::{FaultServer, Reply};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let example = sdk_tests::example("GET", "/v1/accounts");
        let server = runtime.block_on(FaultServer::start(vec![Reply::json(200, &example)]));
        let client = beeper_desktop_api::Client::builder()
            .base_url(&server.url)
            .access_token("bench-token")
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("{}/v1/accounts", server.url);
        let hooked = client.to_builder().hook(NoOpHook).build().unwrap();
        AccountsRequests {
            runtime,
            client,
            hooked,
            http: reqwest::Client::new(),
            url,
            _server: server,
        }
    }

    /// One `accounts().list()` through the SDK; the number of accounts.
    pub fn sdk(&self) -> usize {
        self.runtime
            .block_on(self.client.accounts().list().send())
            .unwrap()
            .len()
    }

    /// One `accounts().list()` through the SDK with a hook that does nothing.
    pub fn sdk_hooked(&self) -> usize {
        self.runtime
            .block_on(self.hooked.accounts().list().send())
            .unwrap()
            .len()
    }

    /// The same work without the SDK: send, read the body, decode it into the same
    /// models; what is left of the ratio is the runtime's own cost.
    pub fn bare(&self) -> usize {
        self.runtime.block_on(async {
            let body = self
                .http
                .get(&self.url)
                .bearer_auth("bench-token")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            serde_json::from_slice::<Vec<beeper_desktop_api::models::Account>>(&body)
                .unwrap()
                .len()
        })
    }
}

/// A hook with the default methods: the cost of running hooks at all.
struct NoOpHook;

impl beeper_desktop_api::runtime::Hook for NoOpHook {}

/// How many frames [`event_frames`] makes.
pub const EVENT_FRAMES: usize = 10_000;

/// The frames of the events benchmark: a mix like a busy account's, message upserts
/// with their message, chat upserts, deletions, and a type this SDK does not know.
pub fn event_frames() -> Vec<String> {
    use sdk_tests::ws_server::{event, message_upserted};
    (1..=EVENT_FRAMES as i64)
        .map(|seq| {
            let value = match seq % 4 {
                0 | 1 => message_upserted(
                    seq,
                    "!chat:beeper.local",
                    &format!("$m{seq}"),
                    serde_json::json!({}),
                ),
                2 => event("chat.upserted", seq, "!chat:beeper.local"),
                _ if seq % 8 == 3 => event("message.deleted", seq, "!chat:beeper.local"),
                _ => event("typing.started", seq, "!chat:beeper.local"),
            };
            tag_first(value)
        })
        .collect()
}

/// The JSON of an event in the order the API documents (`type`, `seq`, `ts`, `chatID`,
/// `ids`, then `entries`), which `serde_json::Value` would sort alphabetically, `type`
/// last. `TAG_LAST=1` in the environment keeps that sorted order, to measure the
/// decoders on it too.
fn tag_first(value: serde_json::Value) -> String {
    if std::env::var_os("TAG_LAST").is_some() {
        return value.to_string();
    }
    let serde_json::Value::Object(mut object) = value else {
        return value.to_string();
    };
    let mut parts = Vec::new();
    for key in ["type", "seq", "ts", "chatID", "ids"] {
        if let Some(v) = object.remove(key) {
            parts.push(format!("{}:{v}", serde_json::Value::from(key)));
        }
    }
    for (k, v) in object {
        parts.push(format!("{}:{v}", serde_json::Value::from(k)));
    }
    format!("{{{}}}", parts.join(","))
}

/// The streaming benchmark's two sides, shared by the bench and the profiler example:
/// [`EVENT_FRAMES`] events through a WebSocket on 127.0.0.1, read by the SDK's
/// `EventStream` or by a bare tokio-tungstenite client that parses each frame into
/// `Value`. The server has a runtime (and thread) of its own, as a server in another
/// process would; the client side has a runtime with one worker thread, whatever runs in
/// `block_on` on the calling thread.
pub struct EventStreams {
    pub runtime: tokio::runtime::Runtime,
    /// Keeps the server's runtime running.
    _server_runtime: tokio::runtime::Runtime,
    client: beeper_desktop_api::Client,
    ws_url: String,
}

impl EventStreams {
    const TOKEN: &str = "bench-token";

    pub fn start(frames: Vec<String>) -> EventStreams {
        use sdk_tests::ws_server::{Conn, WsServer};
        let server_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let frames = std::sync::Arc::new(frames);
        let server =
            server_runtime.block_on(WsServer::start(Self::TOKEN, move |_, mut conn: Conn| {
                let frames = frames.clone();
                async move {
                    conn.ready_and_subscribe().await;
                    for f in frames.iter() {
                        conn.send_text(f).await;
                    }
                    conn.drain().await;
                }
            }));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let client = beeper_desktop_api::Client::builder()
            .base_url(&server.url)
            .access_token(Self::TOKEN)
            .build()
            .unwrap();
        let ws_url = server.url.replace("http://", "ws://") + "/v1/ws";
        EventStreams {
            runtime,
            _server_runtime: server_runtime,
            client,
            ws_url,
        }
    }

    /// Connects, subscribes, reads `n` events as `Event`, closes.
    pub fn sdk(&self, n: usize) {
        use futures_util::StreamExt;
        self.runtime.block_on(async {
            let mut events = self
                .client
                .events()
                .subscribe(beeper_desktop_api::ChatSubscription::All)
                .await
                .unwrap();
            for _ in 0..n {
                events.next().await.unwrap().unwrap();
            }
            events.close().await.unwrap();
        })
    }

    /// The same with tokio-tungstenite alone, each frame parsed into `Value`.
    pub fn bare(&self, n: usize) {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        self.runtime.block_on(async {
            let mut request = self.ws_url.as_str().into_client_request().unwrap();
            request.headers_mut().insert(
                "authorization",
                format!("Bearer {}", Self::TOKEN).parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let set = serde_json::json!({"type": "subscriptions.set", "requestID": "r1", "chatIDs": ["*"]});
            socket.send(Message::text(set.to_string())).await.unwrap();
            let mut seen = 0;
            while seen < n {
                if let Message::Text(t) = socket.next().await.unwrap().unwrap() {
                    let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                    if v.get("seq").is_some() {
                        seen += 1;
                    }
                }
            }
            socket.close(None).await.unwrap();
        })
    }
}
