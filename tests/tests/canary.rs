//! No secret in any output, as a property of the whole SDK rather than a list of places.
//!
//! One canary (`scenarios::SECRET`) is every credential (the access token, an API key
//! header a hook adds, a cookie, a `sensitive_header`, a base URL's password, per-request
//! headers, query parameters and body fields named like credentials) and every field the
//! spec marks secret (set by the scenarios in requests, and put by the servers into every
//! response field whose type is `Secret`, found through the generator's IR). Then every
//! operation is played (its scenario from `tests/src/scenarios.rs`) against a local
//! server four times: its documented response; that body cut short and with its secret
//! fields renamed (a `Decode` error); with its secret values of the wrong type; and a 400
//! whose body echoes the request (its secret fields included). Then the HTTP faults
//! (retries, a timeout, a refused connection, a redirect elsewhere, a status of 600,
//! credentials in response headers, the escape hatch, a refused CONNECT, a stream) and the
//! event stream's (the upgrade with the token, frames that do not decode, an error
//! frame, a `seq` gap, a dropped connection made again, a refused change, a refused
//! upgrade).
//!
//! Everything the SDK can print is captured: `Debug` of every client, builder, request,
//! response, page, item, stream and hook argument (a hook prints what it is shown), the
//! `Display`, `Debug` and sources of every error, the message of a panic on each error
//! (through a panic hook), `tracing` at `trace` level and every record of the `log` crate
//! (reqwest's, hyper's, tungstenite's, rustls'). The test fails if the canary shows in
//! any of it, plainly, in base64 (`Basic` credentials) or in hex (frame dumps); and it
//! fails if the servers did not see the canary in each place it was sent, so that it
//! cannot pass by sending nothing.
//!
//! Alone in its test binary: it installs the process's logger, subscriber and panic hook.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use beeper_desktop_api::models::{Event, RecoveryKeyResetResult};
use beeper_desktop_api::runtime::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
use beeper_desktop_api::{ChatSubscription, Client, ClientBuilder, ErrorKind};
use futures_util::StreamExt;
use sdk_generator::ir::{Additional, Api, ResponseKind, Ty, TypeDef, TypeKind};
use sdk_tests::calls::{Clients, observe, show_error};
use sdk_tests::coverage::{self, SPEC};
use sdk_tests::faults::{FaultServer, Received, Reply, refusing_url};
use sdk_tests::log_capture::Capture;
use sdk_tests::scenarios::{SECRET, scenarios};
use sdk_tests::ws_server::{Conn, WsServer, event};
use sdk_tests::{resolve, spec};
use serde_json::{Value, json};

const CANARY: &str = SECRET;

// ---- what is printed ------------------------------------------------------------------

/// Every `log` record, at every level.
struct LogCapture(Mutex<Vec<String>>);

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static LOGS: LogCapture = LogCapture(Mutex::new(Vec::new()));

/// What this test formatted of what the SDK gave it, and every panic message.
static PRINTED: Mutex<String> = Mutex::new(String::new());

fn print(text: String) {
    let mut printed = PRINTED.lock().unwrap_or_else(|e| e.into_inner());
    printed.push_str(&text);
    printed.push('\n');
}

/// Installs the captures: the `log` logger and the `tracing` subscriber at every level,
/// a panic hook that keeps each message (then prints it as usual), and the calls'
/// observer.
fn install() -> Capture {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        print(format!("panic: {info}"));
        // The panics of `show_error` are on purpose; others are reported as usual.
        let message = info.payload().downcast_ref::<String>();
        if !message.is_some_and(|m| m.starts_with("called `Result::unwrap()`")) {
            default_hook(info);
        }
    }));
    observe(print);
    capture
}

/// The canary as it could show: plainly (percent-encoding and JSON leave letters and
/// digits alone), in hex, and in base64 at each of the three alignments (the part of
/// the encoding that only the canary's bytes decide).
fn canary_forms() -> Vec<String> {
    let bytes = CANARY.as_bytes();
    let mut forms = vec![
        CANARY.to_string(),
        CANARY.to_ascii_lowercase(),
        bytes.iter().map(|b| format!("{b:02x}")).collect(),
    ];
    for offset in 0..3 {
        let mut data = vec![b'x'; offset];
        data.extend_from_slice(bytes);
        let encoded = base64(&data);
        let first_group = offset.div_ceil(3);
        let last_group = (offset + bytes.len()) / 3;
        forms.push(encoded[first_group * 4..last_group * 4].to_string());
    }
    forms
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Each line of `text` that shows the canary in any form.
fn leaks(text: &str, forms: &[String]) -> Vec<String> {
    text.lines()
        .filter(|line| forms.iter().any(|f| line.contains(f.as_str())))
        .map(|line| line.chars().take(400).collect())
        .collect()
}

// ---- what the servers saw -------------------------------------------------------------

/// Where the servers found the canary: header names, `query`, `body of <operation>`.
static SAW: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn saw(place: impl Into<String>) {
    SAW.lock().unwrap().insert(place.into());
}

/// Notes where `request` carries the canary; `operation` names its body.
fn inspect(operation: &str, request: &Received) {
    for (name, value) in &request.headers {
        if value.contains(CANARY) {
            saw(name.clone());
        }
    }
    if request.target.contains(CANARY) {
        saw("query");
    }
    if String::from_utf8_lossy(&request.body).contains(CANARY) {
        saw(format!("body of {operation}"));
    }
}

// ---- clients --------------------------------------------------------------------------

/// Adds a credential, as a hook that refreshes an API key does; the hook after it must
/// not see it in clear.
struct AddKey;

impl Hook for AddKey {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        request
            .headers_mut()
            .insert("x-api-key", CANARY.parse().unwrap());
        Box::pin(async {})
    }
}

/// Prints everything it is shown, as a logging hook does.
struct Printer;

impl Hook for Printer {
    fn before_attempt<'a>(&'a self, request: &'a mut AttemptRequest) -> HookFuture<'a> {
        print(format!("{request:?}\n{:?}", request.headers()));
        Box::pin(async {})
    }

    fn after_attempt<'a>(
        &'a self,
        request: &'a AttemptRequest,
        outcome: &'a AttemptOutcome,
    ) -> HookFuture<'a, AfterAttempt> {
        print(format!(
            "{request:?}\n{:?}\n{outcome:?}\n{:?}\n{:?}",
            request.headers(),
            outcome.headers(),
            outcome.error()
        ));
        Box::pin(async { AfterAttempt::Proceed })
    }
}

/// A client with the canary as every credential, and both hooks.
fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .default_header("cookie", format!("sid={CANARY}"))
        .sensitive_header("x-custom", CANARY)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .hook(AddKey)
        .hook(Printer)
}

fn clients(url: &str) -> Clients {
    // Built once, then sharing their connection pool (and TLS setup, slow to build).
    static BASE: OnceLock<(Client, Client)> = OnceLock::new();
    let (with_token, anonymous) = BASE.get_or_init(|| {
        let with_token = builder("http://127.0.0.1:1").access_token(CANARY);
        print(format!("{with_token:?}"));
        let client = with_token.build().unwrap();
        (client, builder("http://127.0.0.1:1").build().unwrap())
    });
    let to = |c: &Client| {
        let builder = c.to_builder().base_url(url);
        print(format!("{builder:?}"));
        builder.build().unwrap()
    };
    let client = to(with_token);
    print(format!("{client:?}"));
    Clients {
        client,
        anonymous: to(anonymous),
    }
}

// ---- the canary in responses ----------------------------------------------------------

struct Types<'a>(HashMap<&'a str, &'a TypeDef>);

impl Types<'_> {
    /// Puts the canary into every string of `value` that `ty` reads as a secret.
    fn fill(&self, value: &mut Value, ty: &Ty) {
        match (ty, &mut *value) {
            (Ty::Secret, Value::String(s)) => *s = CANARY.to_string(),
            (Ty::Array(t), Value::Array(items)) => items.iter_mut().for_each(|v| self.fill(v, t)),
            (Ty::Map(t), Value::Object(map)) => map.values_mut().for_each(|v| self.fill(v, t)),
            (Ty::Option(t), _) => self.fill(value, t),
            (Ty::Named(name), _) => match self.0.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Alias(t)) => self.fill(value, t),
                Some(TypeKind::Struct(s)) => {
                    let Value::Object(map) = value else { return };
                    for (key, v) in map.iter_mut() {
                        match s.fields.iter().find(|f| &f.wire == key) {
                            Some(f) => self.fill(v, &f.ty),
                            None => {
                                if let Additional::Typed(t) = &s.additional {
                                    self.fill(v, t)
                                }
                            }
                        }
                    }
                }
                // Every variant whose required keys the value has.
                Some(TypeKind::Union(u)) => {
                    for variant in &u.variants {
                        let fits = variant
                            .evidence
                            .required
                            .iter()
                            .all(|k| value.get(k).is_some());
                        if fits {
                            self.fill(value, &variant.ty);
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// The documented success response of an operation: status, media type, example.
fn documented(method: &str, path: &str) -> (u16, Option<String>, Value) {
    let op = &spec()["paths"][path][method.to_ascii_lowercase()];
    let responses = op["responses"].as_object().expect("responses");
    let (code, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .expect("a success response");
    let content = resolve(response).get("content").and_then(Value::as_object);
    match content.and_then(|c| c.iter().next()) {
        None => (code.parse().unwrap_or(200), None, Value::Null),
        Some((media, body)) => (
            code.parse().unwrap_or(200),
            Some(media.clone()),
            body.get("example").cloned().unwrap_or(Value::Null),
        ),
    }
}

fn reply(status: u16, media: &Option<String>, body: Vec<u8>) -> Reply {
    Reply::Status {
        status,
        headers: media
            .iter()
            .map(|m| ("content-type".to_string(), m.clone()))
            .collect(),
        body,
    }
}

/// `value` with every key whose value holds the canary renamed to snake case (a server
/// whose field was renamed), and each such value wrapped in a list when `wrap`.
fn drifted(value: &Value, wrap: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if v.as_str() == Some(CANARY) {
                        let snake: String = k
                            .chars()
                            .flat_map(|c| match c.is_ascii_uppercase() {
                                true => vec!['_', c.to_ascii_lowercase()],
                                false => vec![c],
                            })
                            .collect();
                        match wrap {
                            true => (k.clone(), json!([CANARY])),
                            false => (snake, v.clone()),
                        }
                    } else {
                        (k.clone(), drifted(v, wrap))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| drifted(v, wrap)).collect()),
        other => other.clone(),
    }
}

// ---- the run ----------------------------------------------------------------------------

/// How a server answers a request.
type Answer = dyn Fn(&Received) -> Reply + Send + Sync;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canary_reaches_the_wire_and_nothing_the_sdk_prints_shows_it() {
    let started = Instant::now();
    let traces = install();
    let text = std::fs::read_to_string(SPEC).unwrap();
    let options = sdk_generator::Options {
        source_name: SPEC.to_string(),
        ..Default::default()
    };
    let (api, _): (Api, _) = sdk_generator::lower_spec(&text, &options).unwrap();
    let types = Types(api.types.iter().map(|t| (t.name.as_str(), t)).collect());
    let operations = coverage::spec_operations(SPEC).unwrap();
    let all = scenarios();
    let paired = coverage::pair(&operations, &all).unwrap_or_else(|m| panic!("{m}"));
    let mut filled = 0;

    for (op, scenario) in &paired {
        let (_, ir_op) = api
            .operations()
            .into_iter()
            .find(|(_, o)| o.sdk_name == op.name)
            .unwrap();
        let (status, media, mut example) = documented(&op.method, &op.path);
        let json_ty = match &ir_op.response.kind {
            ResponseKind::Json(ty) => Some(ty),
            ResponseKind::ByStatus => ir_op.response.statuses.iter().find_map(|s| match &s.kind {
                ResponseKind::Json(ty) => Some(ty),
                _ => None,
            }),
            _ => None,
        };
        if let Some(ty) = json_ty {
            types.fill(&mut example, ty);
        }
        filled += usize::from(example.to_string().contains(CANARY));
        let documented_body = match &media {
            None => Vec::new(),
            Some(m) if m.contains("json") => serde_json::to_vec(&example).unwrap(),
            Some(_) => format!("the body of {}", op.name).into_bytes(),
        };
        let is_json = media.as_deref().is_some_and(|m| m.contains("json"));
        let cut_short = {
            let mut body = serde_json::to_vec(&drifted(&example, false)).unwrap();
            body.pop();
            body
        };
        let wrong_type = serde_json::to_vec(&drifted(&example, true)).unwrap();
        let replies: Vec<Arc<Answer>> = vec![
            Arc::new(move |_| reply(status, &media, documented_body.clone())),
            Arc::new(move |_| reply(200, &Some("application/json".into()), cut_short.clone())),
            Arc::new(move |_| reply(200, &Some("application/json".into()), wrong_type.clone())),
            // The request's body echoed in an error's details, its secrets with it.
            Arc::new(|request| {
                let sent = serde_json::from_slice::<Value>(&request.body).unwrap_or(Value::Null);
                Reply::json(
                    400,
                    &json!({"code": "REJECTED", "message": "rejected", "details": sent}),
                )
            }),
        ];
        for (mode, reply) in replies.into_iter().enumerate() {
            if (mode == 1 || mode == 2) && !is_json {
                continue;
            }
            let name = op.name.clone();
            let server = FaultServer::with(move |_, request| {
                inspect(&name, request);
                reply(request)
            })
            .await;
            let outcome = (scenario.run)(&clients(&server.url)).await;
            print(format!("{}: {outcome:?}", op.name));
            if mode == 0 {
                assert!(outcome.is_ok(), "{}: {outcome:?}", op.name);
            }
        }
    }
    assert!(
        filled >= 3,
        "only {filled} documented responses hold a secret field"
    );

    http_faults().await;
    event_stream().await;

    // The canary went out everywhere it was given.
    let saw = SAW.lock().unwrap().clone();
    let mut expected: Vec<String> = [
        "authorization",
        "cookie",
        "x-custom",
        "x-api-key",
        "query",
        "body of app.setup.response",
        "body of app.setup.register",
        "body of app.setup.verifications.qr.scan",
        "body of app.setup.recovery_key.verify",
        "body of app.setup.recovery_key.reset.create",
        "body of app.setup.recovery_key.reset.confirm",
        "body of bridges.login_sessions.steps.submit",
        "body of extras",
        "the upgrade's authorization",
    ]
    .map(String::from)
    .to_vec();
    expected.retain(|place| !saw.contains(place));
    assert!(
        expected.is_empty(),
        "the canary never reached: {expected:?} (saw {saw:?})"
    );

    // And nothing printed it.
    let forms = canary_forms();
    let logs = LOGS.0.lock().unwrap().join("\n");
    let traces = traces.text();
    let printed = PRINTED.lock().unwrap().clone();
    assert!(
        logs.contains("tungstenite")
            && traces.contains("sending request")
            && printed.len() > 100_000,
        "the captures caught nothing: {} log records, {} bytes traced, {} printed",
        LOGS.0.lock().unwrap().len(),
        traces.len(),
        printed.len()
    );
    let mut found = Vec::new();
    for (what, text) in [
        ("log records", &logs),
        ("tracing", &traces),
        ("printed", &printed),
    ] {
        for line in leaks(text, &forms) {
            found.push(format!("{what}: {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "the canary shows in {} line(s):\n{}",
        found.len(),
        found.join("\n")
    );
    println!(
        "canary: {} operations x 4, HTTP and event-stream faults; {} log records, {} KiB traced, {} KiB printed; {:.1} s",
        paired.len(),
        LOGS.0.lock().unwrap().len(),
        traces.len() / 1024,
        printed.len() / 1024,
        started.elapsed().as_secs_f64()
    );
}

/// HTTP faults beyond the operations' own, each through the canary's clients.
async fn http_faults() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = FaultServer::with(move |n, request| {
        seen.fetch_add(1, Ordering::SeqCst);
        inspect("extras", request);
        match request.target.as_str() {
            // A retry after a 503, then the accounts.
            t if t.starts_with("/v1/accounts") && n == 0 => {
                Reply::json(503, &json!({"message": "busy"}))
            }
            t if t.starts_with("/v1/accounts") => Reply::json(200, &json!([])),
            t if t.starts_with("/v1/redirect") => Reply::Status {
                status: 302,
                headers: vec![(
                    "location".into(),
                    format!("http://other.example/x?token={CANARY}"),
                )],
                body: Vec::new(),
            },
            t if t.starts_with("/v1/six-hundred") => Reply::json(600, &json!({"token": CANARY})),
            t if t.starts_with("/v1/hang") => Reply::Hang,
            t if t.starts_with("/v1/cookie") => Reply::json(401, &json!({"message": "no"}))
                .with_header("set-cookie", &format!("sid={CANARY}"))
                .with_header("x-auth-token", CANARY),
            t if t.starts_with("/v1/assets/serve") => {
                Reply::text(200, "application/octet-stream", "bytes")
                    .with_header("set-cookie", &format!("sid={CANARY}"))
            }
            t if t.starts_with("/v1/reset") => {
                Reply::json(200, &json!({"recoveryKey": CANARY, "session": 5}))
            }
            _ => Reply::json(200, &json!({})).with_header("x-auth-token", CANARY),
        }
    })
    .await;
    let c = clients(&server.url).client;
    let retrying = c.to_builder().max_retries(1).build().unwrap();
    let results = vec![
        retrying.accounts().list().await.map(|v| format!("{v:?}")),
        c.get::<Value>("/v1/redirect")
            .await
            .map(|v| format!("{v:?}")),
        c.get::<Value>("/v1/six-hundred")
            .await
            .map(|v| format!("{v:?}")),
        c.get::<Value>("/v1/hang")
            .with_timeout(Duration::from_millis(100))
            .await
            .map(|v| format!("{v:?}")),
        c.get::<Value>("/v1/cookie").await.map(|v| format!("{v:?}")),
        c.get::<RecoveryKeyResetResult>("/v1/reset")
            .await
            .map(|v| format!("{v:?}")),
        c.request::<Value>(beeper_desktop_api::reqwest::Method::CONNECT, "/v1/tunnel")
            .await
            .map(|v| format!("{v:?}")),
    ];
    for result in results {
        match result {
            Ok(text) => print(text),
            Err(e) => show_error(&e),
        }
    }
    // Credentials and credential-like fields set on one request.
    let extras = c
        .messages()
        .send("!chat:beeper.local")
        .text("hi")
        .with_header("authorization", format!("Bearer {CANARY}"))
        .with_header("proxy-authorization", format!("Basic {CANARY}"))
        .with_access_token(CANARY)
        .with_query("api_key", CANARY)
        .with_body_field("password", json!(CANARY));
    print(format!("{extras:?}"));
    print(format!("{:?}", extras.params()));
    if let Err(e) = extras.await {
        show_error(&e);
    }
    let custom = c
        .get::<Value>("/v1/experimental")
        .query("token", CANARY)
        .with_header("x-api-key", CANARY);
    print(format!("{custom:?}\n{:?}", custom.params()));
    match custom.send_with_response().await {
        Ok(response) => print(format!("{response:?}")),
        Err(e) => show_error(&e),
    }
    match c
        .assets()
        .serve("mxc://beeper.local/a")
        .send_streaming()
        .await
    {
        Ok(stream) => print(format!("{stream:?}")),
        Err(e) => show_error(&e),
    }
    // A base URL with the canary as its password: shown redacted, and a connection error.
    let refused = refusing_url().await;
    let with_password = refused.replace("http://", &format!("http://me:{CANARY}@"));
    let builder = builder(&with_password).access_token(CANARY);
    print(format!("{builder:?}"));
    let client = builder.build().unwrap();
    print(format!("{client:?}"));
    if let Err(e) = client.accounts().list().await {
        show_error(&e);
    }
    let bad = Client::builder()
        .base_url(format!("ftp://me:{CANARY}@h/?x"))
        .build();
    if let Err(e) = bad {
        show_error(&e);
    }
    assert!(count.load(Ordering::SeqCst) >= 8);
}

/// The event stream: the upgrade with the token, frames good and bad, an error frame, a
/// gap, a connection dropped and made again, a refused change, and a refused upgrade.
async fn event_stream() {
    let server = WsServer::start(CANARY, |index, mut conn: Conn| async move {
        conn.ready_and_subscribe().await;
        if index == 0 {
            conn.send_json(event("message.upserted", 1, "c")).await;
            conn.send_text("{not json").await;
            conn.send_json(json!({"type": "message.upserted", "seq": 2, "ts": 2, "chatID": "c", "ids": 5}))
                .await;
            conn.send_json(json!({"type": "error", "code": "NO", "message": "refused"}))
                .await;
            conn.send_json(event("chat.upserted", 9, "c")).await;
            // Dropped without a close frame.
            return;
        }
        conn.send_json(event("message.upserted", 10, "c")).await;
        // A change of subscription, refused.
        if let Some(command) = conn.recv_json().await {
            conn.send_json(json!({"type": "error", "requestID": command["requestID"], "code": "BAD", "message": "no"}))
                .await;
        }
        conn.drain().await;
    })
    .await;
    let clients = clients(&server.url);
    let events = clients
        .client
        .events()
        .ping_interval(Duration::from_millis(50))
        .pong_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(5));
    print(format!("{events:?}"));
    let mut stream = tokio::time::timeout(
        Duration::from_secs(10),
        events.subscribe(ChatSubscription::All),
    )
    .await
    .expect("subscribed in time")
    .expect("subscribed");
    print(format!("{stream:?}"));
    let mut items = 0;
    let mut reconnected = false;
    while !reconnected {
        let item = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("an item in time")
            .expect("the stream goes on");
        items += 1;
        match item {
            Ok(event) => {
                print(format!("{event:?}"));
                reconnected = matches!(&event, Event::MessageUpserted(e) if e.seq == 10);
            }
            Err(e) => show_error(&e),
        }
        assert!(items < 50, "the stream did not reconnect");
    }
    let refused = stream
        .set_chats(ChatSubscription::only(["!a:beeper.local"]))
        .await;
    if let Err(e) = &refused {
        show_error(e);
    }
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::BadRequest);
    print(format!("{stream:?}"));
    if let Err(e) = stream.close().await {
        show_error(&e);
    }
    let upgrades = server.seen().upgrades;
    if upgrades.iter().any(|h| {
        h.get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(CANARY))
    }) {
        saw("the upgrade's authorization");
    }
    // An upgrade refused: the server wants another token.
    let other = WsServer::start("another-token", |_, _conn: Conn| async {}).await;
    let refused = clients_events(&other.url).await;
    let err = refused.expect_err("the upgrade is refused");
    assert_eq!(err.kind(), ErrorKind::Authentication);
    show_error(&err);
}

async fn clients_events(
    url: &str,
) -> Result<beeper_desktop_api::EventStream, beeper_desktop_api::Error> {
    clients(url)
        .client
        .events()
        .timeout(Duration::from_secs(5))
        .subscribe(ChatSubscription::All)
        .await
}
