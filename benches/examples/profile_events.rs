//! The event decoding of the events benchmark in a loop, for a profiler:
//! `cargo build --release -p sdk-benches --example profile_events`, then e.g.
//! `perf record -g target/release/examples/profile_events frame 50` (or `event`,
//! `value`): decodes the benchmark's 10,000 frames that many times; `stream 10` (or
//! `bare-stream`) reads them through a WebSocket that many times.

use beeper_desktop_api::models::Event;
use beeper_desktop_api::runtime::{Frame, decode_frame};
use serde_json::Value;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "frame".into());
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(50);
    let frames = sdk_benches::event_frames();
    if which == "stream" || which == "bare-stream" {
        let streams = sdk_benches::EventStreams::start(frames);
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            if which == "stream" {
                streams.sdk(sdk_benches::EVENT_FRAMES);
            } else {
                streams.bare(sdk_benches::EVENT_FRAMES);
            }
        }
        let per = started.elapsed() / (rounds * sdk_benches::EVENT_FRAMES) as u32;
        println!("{which}: {per:?} an event");
        return;
    }
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        for f in &frames {
            match which.as_str() {
                "frame" => {
                    let frame = decode_frame::<Event>(std::hint::black_box(f)).unwrap();
                    assert!(matches!(frame, Frame::Event { .. }));
                }
                "event" => {
                    std::hint::black_box(serde_json::from_str::<Event>(f).unwrap());
                }
                _ => {
                    std::hint::black_box(serde_json::from_str::<Value>(f).unwrap());
                }
            }
        }
    }
    let per = started.elapsed() / (rounds * frames.len()) as u32;
    println!("{which}: {per:?} a frame");
}
