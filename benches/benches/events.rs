//! `cargo bench -p sdk-benches --bench events`: throughput of the live event stream,
//! as ratios against `serde_json::Value` measured in the same run:
//! - decoding frames (`decode_frame::<Event>`) against parsing them into `Value`;
//! - 10,000 events through a WebSocket on 127.0.0.1, the SDK's `EventStream` against a
//!   bare `tokio-tungstenite` client that parses each frame into `Value` (the server on a
//!   runtime and thread of its own, as a server in another process).
//!
//! The frames are in the order the API documents (`type`, `seq`, `ts` first);
//! `TAG_LAST=1` keeps the alphabetical order `serde_json::Value` writes, `type` last.

use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::runtime::{Frame, decode_frame};
use sdk_benches::{compare, report};
use serde_json::Value;

const N: usize = sdk_benches::EVENT_FRAMES;

fn decode(frames: &[String]) {
    let bytes: usize = frames.iter().map(String::len).sum();
    let results = compare(
        15,
        1,
        &mut [
            ("SDK decode_frame::<Event>", &mut || {
                for f in frames {
                    let frame = decode_frame::<Event>(std::hint::black_box(f)).unwrap();
                    assert!(matches!(frame, Frame::Event { .. }));
                    std::hint::black_box(frame);
                }
            }),
            ("serde_json::Value", &mut || {
                for f in frames {
                    std::hint::black_box(
                        serde_json::from_str::<Value>(std::hint::black_box(f)).unwrap(),
                    );
                }
            }),
        ],
    );
    report(
        &format!("decode {N} event frames, {:.2} MB", bytes as f64 / 1e6),
        &results,
        Some(bytes),
    );
    per_second(&results);
}

fn per_second(results: &[(String, Duration)]) {
    for (name, t) in results {
        println!("  {name:<42} {:>12.0} events/s", N as f64 / t.as_secs_f64());
    }
    println!(
        "  => the SDK takes {:.3}x the time of Value",
        results[0].1.as_secs_f64() / results[1].1.as_secs_f64()
    );
}

fn stream(frames: Vec<String>) {
    let streams = sdk_benches::EventStreams::start(frames);
    let results = compare(
        9,
        1,
        &mut [
            ("SDK EventStream", &mut || streams.sdk(N)),
            ("bare tokio-tungstenite into Value", &mut || streams.bare(N)),
        ],
    );
    report(
        &format!(
            "{N} events through a WebSocket on 127.0.0.1 (connect, subscribe, read all, close)"
        ),
        &results,
        None,
    );
    per_second(&results);
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent; keep that fast.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipped: run with `cargo bench -p sdk-benches`");
        return;
    }
    let frames = sdk_benches::event_frames();
    decode(&frames);
    stream(frames);
}
