//! Token and join API latency at a fixed request rate, one `serve` instance against two (#19).
//! Prints figures; asserts nothing.
//!
//! Against the services of `scripts/services up` (their `CLOSER_*` variables exported, as
//! `scripts/test` does), the bench starts `closer-server serve` processes (the build's own
//! binary) with limits that never refuse, sets up a seller and a meeting, and then sends an
//! open-loop load: `RATE` requests per second for `SECONDS`, alternating the host's token
//! (`POST /api/meetings/{id}/token`) and a guest join (`POST /api/meetings/{id}/join`). Each
//! request leaves at its scheduled time whether or not earlier ones have answered (no
//! coordinated omission); its latency is from that time to the end of the reply. Phase 1: every
//! request to instance A. Phase 2: the same load spread over A and B, as a proxy would.
//! Printed per phase and route: requests, errors, p50 / p99 / max ms (goal of issue #19: p99 <
//! 20 ms at 500 requests/s). The load generator shares the machine's cores with the servers,
//! LiveKit and PostgreSQL.
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench api` (reuses the test build), or
//! without `--profile dev` for an optimised server. `CLOSER_BENCH_RATE` and
//! `CLOSER_BENCH_SECONDS` change the load (defaults 500 and 10).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/call/mod.rs"]
mod call;

use call::Server;
use common::TestApp;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The `q` quantile (0..=1) of sorted `ms`, nearest rank.
fn quantile(ms: &[f64], q: f64) -> f64 {
    if ms.is_empty() {
        return f64::NAN;
    }
    ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1]
}

/// One request's outcome: route (0 token, 1 join), latency ms, and the error (an HTTP status or
/// the client's failure) if it failed.
type Outcome = (usize, f64, Option<String>);

/// Sends `rate` requests/s for `seconds` to `bases` in turn and returns every outcome.
async fn load(bases: &[String], meeting: &str, host: &str, rate: u64, seconds: u64) -> Vec<Outcome> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap();
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::new();
    for n in 0..rate * seconds {
        let due = start + interval * n as u32;
        let base = bases[n as usize % bases.len()].clone();
        let route = (n / bases.len() as u64 % 2) as usize;
        let (client, meeting, host) = (client.clone(), meeting.to_owned(), host.to_owned());
        tokio::time::sleep_until(due).await;
        tasks.push(tokio::spawn(async move {
            let request = if route == 0 {
                client.post(format!("{base}/api/meetings/{meeting}/token")).bearer_auth(host)
            } else {
                client.post(format!("{base}/api/meetings/{meeting}/join")).json(&json!({"display_name": format!("Guest {n}"), "ai_consent": "declined"}))
            };
            let error = match request.timeout(Duration::from_secs(10)).send().await {
                Ok(reply) if reply.status().is_success() => reply.bytes().await.err().map(|e| e.to_string()),
                Ok(reply) => Some(reply.status().to_string()),
                Err(e) if e.is_timeout() => Some("timeout (10 s)".into()),
                Err(e) => Some(e.to_string()),
            };
            (route, due.elapsed().as_secs_f64() * 1000.0, error)
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("request task"));
    }
    outcomes
}

fn report(phase: &str, outcomes: &[Outcome]) {
    for (route, name) in [(0, "token"), (1, "join")] {
        let mut ms: Vec<f64> = outcomes.iter().filter(|o| o.0 == route && o.2.is_none()).map(|o| o.1).collect();
        ms.sort_by(f64::total_cmp);
        let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for error in outcomes.iter().filter(|o| o.0 == route).filter_map(|o| o.2.as_deref()) {
            *kinds.entry(error).or_default() += 1;
        }
        let errors: usize = kinds.values().sum();
        println!(
            "{phase:<14} {name:<6} {:>6} {:>7} {:>8.1} {:>8.1} {:>8.1}",
            ms.len() + errors,
            errors,
            quantile(&ms, 0.5),
            quantile(&ms, 0.99),
            ms.last().copied().unwrap_or(f64::NAN)
        );
        for (kind, count) in kinds {
            println!("{:<21} {count:>6} × {kind}", "");
        }
    }
}

#[tokio::main]
async fn main() {
    let rate = setting("CLOSER_BENCH_RATE", 500).max(1);
    let seconds = setting("CLOSER_BENCH_SECONDS", 10).max(1);
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let open = [("CLOSER_LOGIN_RATE_PER_MINUTE", "1000000"), ("CLOSER_JOIN_RATE_PER_MINUTE", "1000000")];
    let a = Server::start("A", &app.config, &open).await;
    let (host, _) = app.sign_up("bench_api").await;
    let playbook = app.import_fixture_playbook(&host, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&host), Some(json!({"title": "API bench", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let meeting = meeting["id"].as_str().unwrap().to_owned();
    // Warm-up: the room, its dispatch and the connection pools exist before the clock runs.
    load(std::slice::from_ref(&a.base), &meeting, &host, 50, 1).await;

    println!("API latency at {rate} requests/s for {seconds} s, token and join alternating (ms from the scheduled send)");
    println!("{:<14} {:<6} {:>6} {:>7} {:>8} {:>8} {:>8}", "instances", "route", "sent", "errors", "p50", "p99", "max");
    let one = load(std::slice::from_ref(&a.base), &meeting, &host, rate, seconds).await;
    report("1 (baseline)", &one);
    let b = Server::start("B", &app.config, &open).await;
    load(std::slice::from_ref(&b.base), &meeting, &host, 50, 1).await;
    let two = load(&[a.base.clone(), b.base.clone()], &meeting, &host, rate, seconds).await;
    report("2", &two);
    drop((a, b));
}
