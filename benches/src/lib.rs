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
