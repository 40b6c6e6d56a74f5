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
