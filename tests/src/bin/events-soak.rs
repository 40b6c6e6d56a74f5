//! `cargo xtask events-soak [EVENTS]` runs this in release: about a million events
//! (by default) through the scripted hostile server of `sdk_tests::soak`, then prints
//! the figures and fails if a check does not hold.

use std::process::ExitCode;
use std::time::Duration;

use sdk_tests::alloc_count::Counting;
use sdk_tests::soak::{self, Plan};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Memory allowed above the byte budget (see tests/events_soak.rs).
const SLACK: usize = 1024 * 1024;

const USAGE: &str =
    "usage: events-soak [EVENTS (10,000 or more, default 1,000,000)] [BUDGET_KIB (default 1024)]";

fn main() -> ExitCode {
    let number = |i: usize, default: u64| match std::env::args().nth(i) {
        None => Some(default),
        Some(a) => a.replace(['_', ','], "").parse::<u64>().ok(),
    };
    let (Some(events), Some(budget_kib)) = (number(1, 1_000_000), number(2, 1024)) else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    if events < 10_000 || budget_kib == 0 {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    }
    let plan = Plan {
        events,
        fault_every: 5_000,
        budget: budget_kib as usize * 1024,
        slow_pause: Duration::from_millis(300),
        ping: Duration::from_millis(50),
        pong: Duration::from_millis(100),
    };
    println!(
        "events-soak: {events} events, a fault every {} (in turn: drop, gap, malformed frame, frame cut short, slow consumer ({:?} pause), dead peer), byte budget {} KiB, ping {:?} + pong {:?}",
        plan.fault_every,
        plan.slow_pause,
        plan.budget / 1024,
        plan.ping,
        plan.pong
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let figures = runtime.block_on(soak::run(plan));
    print!("{}", figures.report());
    match figures.check(SLACK) {
        Ok(()) => {
            println!("events-soak: every check holds");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("events-soak: {problems}");
            ExitCode::FAILURE
        }
    }
}
