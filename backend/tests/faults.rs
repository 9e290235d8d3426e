//! A call survives a PostgreSQL restart (#19), against the real services. One `serve` process
//! runs the copilot of a meeting whose guest talks (the English fixture call, mixed into one
//! microphone); mid-call the test stops the test services' PostgreSQL for 6 s and starts it
//! again (`scripts/services`). No lease can be renewed meanwhile, so afterwards the copilot's
//! lease looks stale; the same job must go on all the same (no dispatch again, which would
//! drop it out of the room and lose seconds of transcript), and the seller's HUD keeps getting
//! the guest's transcript. The test prints the outage, the finals that reached the HUD during
//! and after it, and the widest gap between consecutive finals.
//!
//! It restarts a service every test shares, so it is its own test binary with one test (cargo
//! runs test binaries one after another).

mod call;
mod common;

use call::{Seen, Server, finals, guest, hud, read_hud, speak, track, wait_for, worker_of};
use common::TestApp;
use livekit_api::services::room::RoomClient;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// How long PostgreSQL stays down: longer than a lease's timeout (4 s), so every lease is stale
/// when it comes back.
const OUTAGE: Duration = Duration::from_secs(6);

/// `scripts/services <verb> postgres` on the test's services (`CLOSER_STATE_DIR`).
async fn postgres(verb: &str) {
    let status = tokio::process::Command::new(common::repo_root().join("scripts/services"))
        .args([verb, "postgres"])
        .status()
        .await
        .expect("scripts/services runs");
    assert!(status.success(), "scripts/services {verb} postgres: {status}");
}

/// The copilot job of `meeting` on record (its lease).
async fn job_of(app: &TestApp, meeting: &str) -> Option<String> {
    let meeting: uuid::Uuid = meeting.parse().unwrap();
    sqlx::query_scalar("SELECT job_id FROM copilot_jobs WHERE meeting_id = $1").bind(meeting).fetch_optional(&app.pg).await.unwrap().flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_call_keeps_the_copilot_and_its_transcript() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let server = Server::start("A", &app.config, &[]).await;
    let rooms = RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    let (admin, _) = app.sign_up("faults").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(json!({"title": "Discovery", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let room = format!("meeting-{id}");
    let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&admin), None).await;
    assert_eq!(status, 200, "{access}");
    let (identity, connection) = guest(&app, &id, "Sarah", "accepted").await;
    let asked = Instant::now();
    while worker_of(&rooms, &room).await.is_none() {
        assert!(asked.elapsed() < Duration::from_secs(30), "the copilot did not join within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let job = job_of(&app, &id).await.expect("the running job is on its lease");

    let seen = Seen::default();
    let _reader = tokio::spawn(read_hud(hud(&server.base, &id, &admin, None).await, seen.clone()));
    let _voice = speak(&connection, track("en-discovery", "mixed.wav", 0.5)).await;
    assert!(wait_for(&seen, Duration::from_secs(60), |events| !finals(events, &identity).is_empty()).await, "no transcript before the outage");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let down = Instant::now();
    postgres("down").await;
    let before = finals(&seen.lock().unwrap(), &identity).len();
    tokio::time::sleep(OUTAGE.saturating_sub(down.elapsed())).await;
    postgres("up").await;
    let outage = down.elapsed();
    let during = finals(&seen.lock().unwrap(), &identity).len() - before;
    println!("PostgreSQL down for {} ms; {during} finals reached the HUD meanwhile", outage.as_millis());

    // Long enough for a watcher to judge the stale lease, dispatch again and a new job to join
    // (the failover takes about 4 s), and for more of the call to be heard.
    tokio::time::sleep(Duration::from_secs(15)).await;
    let heard = finals(&seen.lock().unwrap(), &identity);
    let after = heard.len() - before - during;
    let widest = heard.windows(2).map(|pair| pair[1].2.saturating_sub(pair[0].3)).max().unwrap_or(0);
    println!("{before} finals before the outage, {after} after it; widest silence between finals {widest} ms");
    assert_eq!(job_of(&app, &id).await.as_deref(), Some(job.as_str()), "the copilot was dispatched again after the restart");
    assert_eq!(worker_of(&rooms, &room).await.as_deref(), Some(server.worker.as_str()), "the copilot left the room");
    assert!(after >= 2, "the transcript stopped after the restart: {after} finals in 15 s");
    let presence = app.call(Method::GET, &format!("/meetings/{id}/copilot"), Some(&admin), None).await;
    assert_eq!(presence.0, 200, "{}", presence.1);
    assert_eq!(presence.1["running"], true, "{}", presence.1);
}
