//! One side of the per-request benchmark in a loop, for a profiler:
//! `cargo build --release -p sdk-benches --example profile_requests`, then e.g.
//! `perf record -g target/release/examples/profile_requests sdk 20000` (or `bare`).

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "sdk".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let bench = sdk_benches::AccountsRequests::start();
    for _ in 0..n {
        let accounts = if which == "sdk" {
            bench.sdk()
        } else {
            bench.bare()
        };
        assert_eq!(accounts, 3);
    }
}
