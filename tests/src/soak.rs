//! A month of a live event stream in minutes: one scripted server sends numbered events
//! and, every `fault_every` events, one fault in turn: a dropped connection, a gap in
//! `seq`, a malformed frame, a frame cut short under the WebSocket (then a drop), a
//! slow-consumer phase (the reader pauses; the server goes on writing) and a dead-peer
//! phase (the server stops reading and writing). The reader records what it gets;
//! [`Figures::check`] then asks that every event sent was delivered, in order, or
//! covered by a `Resync` (its `since` before the event, and the event before the next
//! one delivered), that no more `Resync` items came than faults that can cause one,
//! that each malformed frame was one error item, and that memory after warm-up stayed
//! within the byte budget plus a small constant.
//!
//! `tests/events_soak.rs` runs 15,000 events; `cargo xtask events-soak` about a million,
//! in release (the `events-soak` binary).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use beeper_desktop_api::models::Event;
use beeper_desktop_api::{ChatSubscription, Client, ErrorKind};
use futures_util::StreamExt;

use crate::TOKEN;
use crate::alloc_count;
use crate::ws_server::{Conn, WsServer};

/// What one run does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Events the server sends (numbered from 1).
    pub events: u64,
    /// One fault before every this many events.
    pub fault_every: u64,
    /// The stream's byte budget (`max_buffered_bytes`).
    pub budget: usize,
    /// How long the reader pauses in a slow-consumer phase.
    pub slow_pause: Duration,
    /// The stream's heartbeat: a dead peer is found within `ping + pong`.
    pub ping: Duration,
    pub pong: Duration,
}

/// The faults, in the order the script injects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Drop,
    Gap,
    Malformed,
    Partial,
    Slow,
    DeadPeer,
}

const FAULTS: [Fault; 6] = [
    Fault::Drop,
    Fault::Gap,
    Fault::Malformed,
    Fault::Partial,
    Fault::Slow,
    Fault::DeadPeer,
];

/// Events a gap skips.
const GAP: u64 = 3;

impl Plan {
    /// The fault before event `n`, if there is one (none before the first events and
    /// the last ones: a warm-up and a clean end).
    pub fn fault_before(&self, n: u64) -> Option<Fault> {
        let last_fault = self.events.saturating_sub(self.fault_every);
        (n.is_multiple_of(self.fault_every) && n > self.fault_every && n < last_fault)
            .then(|| FAULTS[((n / self.fault_every) % FAULTS.len() as u64) as usize])
    }
}

/// What the run came to.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub sent: u64,
    pub delivered: u64,
    /// Events sent and not delivered.
    pub lost: u64,
    /// Lost events no `Resync` covers (the first few).
    pub uncovered: Vec<u64>,
    /// Delivered events out of order, or twice.
    pub out_of_order: u64,
    pub resyncs: u64,
    /// Faults injected, by kind (in the order of [`Fault`]).
    pub faults: [u64; 6],
    pub decode_errors: u64,
    /// Other error items.
    pub other_errors: Vec<String>,
    pub connections: usize,
    pub elapsed: Duration,
    /// The most bytes allocated above the level after warm-up (0 when the process
    /// does not count its allocations).
    pub peak_above_warm: usize,
    pub budget: usize,
    /// The reader waited in vain (the stream stalled).
    pub stalled: bool,
}

impl Figures {
    /// Faults after which a `Resync` may come: a lost connection or a gap.
    pub fn resync_faults(&self) -> u64 {
        self.count(Fault::Drop)
            + self.count(Fault::Gap)
            + self.count(Fault::Partial)
            + self.count(Fault::DeadPeer)
    }

    pub fn count(&self, fault: Fault) -> u64 {
        self.faults[FAULTS.iter().position(|f| *f == fault).unwrap_or(0)]
    }

    /// What the run must show; `slack` is the memory allowed above the budget.
    pub fn check(&self, slack: usize) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.stalled {
            problems.push("the stream stalled".to_string());
        }
        if !self.uncovered.is_empty() {
            problems.push(format!(
                "lost and not covered by a resync: {:?}",
                self.uncovered
            ));
        }
        if self.out_of_order > 0 {
            problems.push(format!(
                "{} events out of order or twice",
                self.out_of_order
            ));
        }
        if self.resyncs > self.resync_faults() {
            problems.push(format!(
                "{} resyncs for {} faults that can cause one",
                self.resyncs,
                self.resync_faults()
            ));
        }
        if self.decode_errors != self.count(Fault::Malformed) {
            problems.push(format!(
                "{} decode errors for {} malformed frames",
                self.decode_errors,
                self.count(Fault::Malformed)
            ));
        }
        if !self.other_errors.is_empty() {
            problems.push(format!("other errors: {:?}", self.other_errors));
        }
        if self.peak_above_warm > self.budget + slack {
            problems.push(format!(
                "peak {} bytes above warm-up, budget {} + {slack}",
                self.peak_above_warm, self.budget
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    pub fn report(&self) -> String {
        let mut out = String::new();
        let secs = self.elapsed.as_secs_f64();
        let _ = writeln!(
            out,
            "events: {} sent, {} delivered, {} lost (all covered by a resync: {}), {:.0} events/s over {secs:.1} s",
            self.sent,
            self.delivered,
            self.lost,
            self.uncovered.is_empty(),
            self.delivered as f64 / secs
        );
        let _ = writeln!(
            out,
            "faults: {} drops, {} gaps of {GAP}, {} malformed frames, {} frames cut short, {} slow-consumer phases, {} dead-peer phases",
            self.count(Fault::Drop),
            self.count(Fault::Gap),
            self.count(Fault::Malformed),
            self.count(Fault::Partial),
            self.count(Fault::Slow),
            self.count(Fault::DeadPeer)
        );
        let _ = writeln!(
            out,
            "resyncs: {} for {} faults that can cause one; {} decode errors for {} malformed frames; {} connections",
            self.resyncs,
            self.resync_faults(),
            self.decode_errors,
            self.count(Fault::Malformed),
            self.connections
        );
        let _ = writeln!(
            out,
            "memory: peak {:.2} MiB above the level after warm-up, byte budget {:.2} MiB",
            self.peak_above_warm as f64 / (1024.0 * 1024.0),
            self.budget as f64 / (1024.0 * 1024.0)
        );
        out
    }
}

/// The server's side of the run, shared by its connections (one at a time sends).
#[derive(Default)]
struct Script {
    next: u64,
    faults: [u64; 6],
    /// The event the last fault came before: once per event, even if a connection
    /// ends in between.
    last_fault: u64,
}

/// A `message.upserted` numbered `n` (its `ts` is `n`, so that a resync's `since`
/// reads as the last event number before it), with one message entry.
fn frame(n: u64, seq: u64) -> String {
    format!(
        r#"{{"type":"message.upserted","seq":{seq},"ts":{n},"chatID":"!c{chat}:beeper.local","ids":["$m{n}"],"entries":[{{"id":"$m{n}","accountID":"matrix","chatID":"!c{chat}:beeper.local","senderID":"@u:beeper.com","sortKey":"{n:012}","timestamp":"2026-02-12T00:00:00Z","text":"message number {n} of the soak"}}]}}"#,
        chat = n % 7
    )
}

/// A WebSocket text frame header, unmasked (server to client), for `len` bytes.
fn text_frame_header(len: usize) -> Vec<u8> {
    match len {
        0..=125 => vec![0x81, len as u8],
        126..=65535 => vec![0x81, 126, (len >> 8) as u8, len as u8],
        _ => {
            let mut h = vec![0x81, 127];
            h.extend_from_slice(&(len as u64).to_be_bytes());
            h
        }
    }
}

/// What the server does next on a connection.
enum Step {
    Send(u64),
    Fault(Fault, u64),
    End(u64),
}

async fn serve(plan: Arc<Plan>, script: Arc<Mutex<Script>>, mut conn: Conn) {
    conn.ready_and_subscribe().await;
    let mut seq = 0;
    loop {
        let step = {
            let mut s = script.lock().unwrap();
            let n = s.next + 1;
            if n > plan.events {
                Step::End(n)
            } else if let Some(fault) = plan.fault_before(n).filter(|_| s.last_fault != n) {
                s.last_fault = n;
                s.faults[FAULTS.iter().position(|f| *f == fault).unwrap_or(0)] += 1;
                Step::Fault(fault, n)
            } else {
                s.next = n;
                Step::Send(n)
            }
        };
        match step {
            Step::Send(n) => {
                seq += 1;
                conn.send_text(&frame(n, seq)).await;
            }
            Step::End(n) => {
                seq += 1;
                conn.send_text(&frame(n, seq)).await;
                conn.drain().await;
                return;
            }
            Step::Fault(Fault::Drop, _) => return,
            Step::Fault(Fault::Gap, n) => {
                // Sent, as far as the script goes, and lost on the way.
                script.lock().unwrap().next = n + GAP - 1;
                seq += GAP;
            }
            Step::Fault(Fault::Malformed, _) => {
                seq += 1;
                conn.send_text(&format!(
                    r#"{{"type":"message.upserted","seq":{seq},"chatID":"!c:beeper.local","ids":["$"#
                ))
                .await;
            }
            Step::Fault(Fault::Partial, n) => {
                script.lock().unwrap().next = n;
                seq += 1;
                let text = frame(n, seq);
                let mut bytes = text_frame_header(text.len());
                bytes.extend_from_slice(&text.as_bytes()[..text.len() / 2]);
                conn.write_raw(&bytes).await;
                return;
            }
            // The reader pauses at this event; the server goes on.
            Step::Fault(Fault::Slow, n) => {
                script.lock().unwrap().next = n;
                seq += 1;
                conn.send_text(&frame(n, seq)).await;
            }
            Step::Fault(Fault::DeadPeer, _) => {
                // Neither reads nor writes, for longer than the heartbeat allows.
                tokio::time::sleep((plan.ping + plan.pong) * 4).await;
                return;
            }
        }
    }
}

/// What the reader saw, in order.
enum Seen {
    Event(u64),
    Resync(Option<i64>),
}

/// Runs the plan: the server, the stream, the reader; then the figures.
pub async fn run(plan: Plan) -> Figures {
    let plan = Arc::new(plan);
    let script = Arc::new(Mutex::new(Script::default()));
    let server = WsServer::start(TOKEN, {
        let (plan, script) = (plan.clone(), script.clone());
        move |_, conn| serve(plan.clone(), script.clone(), conn)
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(20))
        .build()
        .expect("a client");
    let started = Instant::now();
    let mut stream = client
        .events()
        .ping_interval(plan.ping)
        .pong_timeout(plan.pong)
        .max_buffered_bytes(plan.budget)
        .subscribe(ChatSubscription::All)
        .await
        .expect("subscribed");
    let mut figures = Figures {
        budget: plan.budget,
        ..Figures::default()
    };
    // Room for everything up front: the record is not what is measured.
    let mut seen = Vec::with_capacity(plan.events as usize + plan.events as usize / 10);
    let mut warm = None;
    let wait = (plan.ping + plan.pong) * 20 + plan.slow_pause * 4 + Duration::from_secs(5);
    loop {
        let Ok(item) = tokio::time::timeout(wait, stream.next()).await else {
            figures.stalled = true;
            break;
        };
        match item {
            None => {
                figures.stalled = true;
                break;
            }
            Some(Ok(Event::MessageUpserted(e))) => {
                let n = e.ts.unwrap_or_default() as u64;
                if n > plan.events {
                    break;
                }
                seen.push(Seen::Event(n));
                if warm.is_none() && n >= plan.fault_every {
                    warm = Some(alloc_count::start_counting());
                }
                if plan.fault_before(n) == Some(Fault::Slow) {
                    tokio::time::sleep(plan.slow_pause).await;
                }
            }
            Some(Ok(Event::Resync(r))) => seen.push(Seen::Resync(r.since)),
            Some(Ok(other)) => figures.other_errors.push(format!("unexpected {other:?}")),
            Some(Err(e)) if e.kind() == ErrorKind::Decode => figures.decode_errors += 1,
            Some(Err(e)) => figures.other_errors.push(e.to_string()),
        }
    }
    figures.elapsed = started.elapsed();
    figures.peak_above_warm = warm.map_or(0, |w| alloc_count::peak().saturating_sub(w));
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.close()).await;
    figures.connections = server.seen().upgrades.len();
    figures.faults = script.lock().unwrap().faults;
    tally(&plan, &seen, &mut figures);
    figures
}

/// Delivered, lost, covered, in order.
fn tally(plan: &Plan, seen: &[Seen], figures: &mut Figures) {
    let mut delivered = vec![false; plan.events as usize + 1];
    // Windows (since, next delivered) of the resyncs: a lost event in one is covered.
    let mut windows: Vec<(u64, u64)> = Vec::new();
    let mut open: Option<u64> = None;
    let mut last = 0;
    for item in seen {
        match item {
            Seen::Event(n) => {
                if *n <= last {
                    figures.out_of_order += 1;
                }
                last = last.max(*n);
                delivered[*n as usize] = true;
                figures.delivered += 1;
                if let Some(since) = open.take() {
                    windows.push((since, *n));
                }
            }
            Seen::Resync(since) => {
                figures.resyncs += 1;
                let since = since.map_or(0, |s| s.max(0) as u64);
                open = Some(open.map_or(since, |o: u64| o.min(since)));
            }
        }
    }
    if let Some(since) = open {
        windows.push((since, u64::MAX));
    }
    figures.sent = plan.events;
    for n in 1..=plan.events {
        if delivered[n as usize] {
            continue;
        }
        figures.lost += 1;
        let covered = windows.iter().any(|(since, next)| *since < n && n < *next);
        if !covered && figures.uncovered.len() < 10 {
            figures.uncovered.push(n);
        }
    }
}
