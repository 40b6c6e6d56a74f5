//! One side of the per-request benchmark in a loop, for a profiler:
//! `cargo build --release -p sdk-benches --example profile_requests`, then e.g.
//! `perf record -g target/release/examples/profile_requests sdk 20000` (or `bare`).

use std::time::Duration;

use beeper_desktop_api::Client;
use beeper_desktop_api::models::Account;
use sdk_tests::faults::{FaultServer, Reply};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "sdk".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let example = sdk_tests::example("GET", "/v1/accounts");
    let server = runtime.block_on(FaultServer::start(vec![Reply::json(200, &example)]));
    let client = Client::builder()
        .base_url(&server.url)
        .access_token("bench-token")
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/accounts", server.url);
    for _ in 0..n {
        let accounts = if which == "sdk" {
            runtime.block_on(client.accounts().list().send()).unwrap()
        } else {
            runtime.block_on(async {
                let body = http
                    .get(&url)
                    .bearer_auth("bench-token")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                serde_json::from_slice::<Vec<Account>>(&body).unwrap()
            })
        };
        assert_eq!(accounts.len(), 3);
    }
}
