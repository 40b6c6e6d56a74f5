//! A month in minutes, shortened: 15,000 events through the scripted hostile server of
//! `sdk_tests::soak` (drops, gaps, malformed frames, frames cut short, a slow consumer,
//! a dead peer). Every event sent is delivered in order or covered by a `Resync`, no
//! more resyncs come than faults that can cause one, and memory after warm-up stays
//! within the byte budget plus a small constant. Alone in its test binary: it counts
//! the whole process's allocations. `cargo xtask events-soak` runs a million events.

use std::time::Duration;

use sdk_tests::alloc_count::Counting;
use sdk_tests::soak::{self, Plan};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Memory allowed above the byte budget: the frame being read, tungstenite's read
/// buffer (128 KiB, and the one before it while frames from it are held), the server's
/// side of the connection, tasks.
const SLACK: usize = 1024 * 1024;

#[tokio::test]
async fn fifteen_thousand_events_through_a_hostile_server_lose_nothing_silently() {
    let plan = Plan {
        events: 15_000,
        fault_every: 500,
        budget: 64 * 1024,
        slow_pause: Duration::from_millis(150),
        ping: Duration::from_millis(30),
        pong: Duration::from_millis(60),
    };
    let figures = tokio::time::timeout(Duration::from_secs(120), soak::run(plan))
        .await
        .expect("the soak hung");
    println!("{}", figures.report());
    figures
        .check(SLACK)
        .unwrap_or_else(|e| panic!("{e}\n{}", figures.report()));
    // Every kind of fault happened, and the resyncs they call for came.
    assert!(
        figures.faults.iter().all(|&n| n >= 4),
        "{:?}",
        figures.faults
    );
    assert!(
        figures.resyncs >= figures.count(soak::Fault::Gap),
        "{}",
        figures.report()
    );
    assert!(
        figures.lost > 0 && figures.peak_above_warm > 0,
        "{}",
        figures.report()
    );
}
