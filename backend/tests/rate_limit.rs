//! The shared rate limit (GCRA in Redis, `closer::auth::rate_limit`) against the test's Redis:
//! a key spends its minute's budget at once, then earns a request back every 60 s / rate; keys
//! do not share budgets; an unreachable Redis lets requests through. The budget shared by two
//! server processes is `two_instances.rs`'s.

mod common;

use closer::auth::rate_limit::KeyedLimit;
use std::time::{Duration, Instant};

fn limit(per_minute: u32) -> KeyedLimit {
    let config = common::config();
    let client = redis::Client::open(config.redis_url.as_str()).unwrap();
    KeyedLimit::per_minute(client, &config.redis_prefix, "test", per_minute)
}

#[tokio::test]
async fn a_key_spends_its_burst_then_earns_one_request_per_interval() {
    // 600 a minute: a burst of 600, then one every 100 ms.
    let limit = limit(600);
    let started = Instant::now();
    let mut allowed = 0u32;
    while limit.check("203.0.113.7").await {
        allowed += 1;
        assert!(allowed <= 2000, "never refused");
    }
    let earned = (started.elapsed().as_millis() / 100) as u32;
    println!("allowed {allowed} in {:?} before the first refusal", started.elapsed());
    assert!((600..=600 + earned + 1).contains(&allowed), "{allowed} allowed, {earned} earned back meanwhile");
    assert!(limit.check("203.0.113.8").await, "another key has its own budget");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(limit.check("203.0.113.7").await, "a request earned back after 100 ms");
}

#[tokio::test]
async fn an_unreachable_redis_lets_requests_through() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    let limit = KeyedLimit::per_minute(client, "closer-test-down", "test", 1);
    let started = Instant::now();
    assert!(limit.check("203.0.113.7").await && limit.check("203.0.113.7").await, "fails open");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}
