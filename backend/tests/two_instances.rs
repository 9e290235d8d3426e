//! Two `closer-server serve` processes of one deployment, against the real services (#19): what
//! must hold when a proxy spreads a client's requests over both instances.
//! - Rate limits: failed logins and guest joins alternating between the instances draw on one
//!   budget (Redis), so the request after it is refused by whichever instance gets it. With a
//!   budget per instance the same sequence would pass.
//! - Refresh-token reuse: a token rotated on one instance and replayed on the other revokes the
//!   whole family, on both.
//! - Exactly once: meetings that end at the same moment are each finalized once and their
//!   `meeting.processed` webhook delivered once, and a burst of 1000 events committed together
//!   is delivered once each, while both instances' finalize and delivery workers poll the same
//!   queues every 50 ms.

mod call;
mod common;

use call::{Receiver, Server};
use closer::webhooks::outbox::{self, Audience};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// `POST {base}/api{path}` with a JSON body; the status and the JSON reply.
async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new().post(format!("{base}/api{path}")).json(&body).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_refresh_token_reuse_hold_across_instances() {
    // The test's own process sets up with generous limits (its keys differ: a limit's budget is
    // per rate), the two instances refuse the 4th login and the 3rd join of a minute.
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let limits = [("CLOSER_LOGIN_RATE_PER_MINUTE", "3"), ("CLOSER_JOIN_RATE_PER_MINUTE", "2")];
    let a = Server::start("A", &app.config, &limits).await;
    let b = Server::start("B", &app.config, &limits).await;
    let (admin, slug) = app.sign_up("two_inst").await;

    // Refresh-token reuse across instances.
    let (status, session) =
        app.call(Method::POST, "/auth/login", None, Some(json!({"email": format!("admin@{slug}.example.com"), "password": "admin-password-1"}))).await;
    assert_eq!(status, 200, "{session}");
    let first = session["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = post(&a.base, "/auth/refresh", json!({"refresh_token": first})).await;
    assert_eq!(status, 200, "A rotates the token: {rotated}");
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    let (status, replay) = post(&b.base, "/auth/refresh", json!({"refresh_token": first})).await;
    assert_eq!(status, 401, "B refuses the used token: {replay}");
    assert!(replay.to_string().contains("reuse"), "B names the reuse: {replay}");
    let (status, revoked) = post(&a.base, "/auth/refresh", json!({"refresh_token": second})).await;
    assert_eq!(status, 401, "the family is revoked on A too: {revoked}");

    // Failed logins, alternating A, B, A, B, A.
    let started = Instant::now();
    let mut statuses = Vec::new();
    for n in 0..5 {
        let server = if n % 2 == 0 { &a } else { &b };
        let (status, _) = post(&server.base, "/auth/login", json!({"email": format!("nobody@{slug}.example.com"), "password": "not-the-password"})).await;
        statuses.push(status);
    }
    // One login of the budget comes back every 20 s; the sequence must be faster for the
    // figures to mean anything.
    assert!(started.elapsed() < Duration::from_secs(20), "5 logins took {:?}", started.elapsed());
    println!("failed logins A, B, A, B, A → {statuses:?} in {:?}", started.elapsed());
    assert_eq!(statuses, [401, 401, 401, 429, 429], "three attempts a minute per address, whichever instance answers");

    // Guest joins of one meeting from one address, alternating B, A, B.
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(json!({"title": "Two instances", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap();
    let mut statuses = Vec::new();
    for n in 0..3 {
        let server = if n % 2 == 0 { &b } else { &a };
        let (status, reply) = post(&server.base, &format!("/meetings/{id}/join"), json!({"display_name": format!("Guest {n}"), "ai_consent": "declined"})).await;
        assert!(status == 200 || status == 429, "join {n}: {status} {reply}");
        statuses.push(status);
    }
    println!("guest joins B, A, B → {statuses:?}");
    assert_eq!(statuses, [200, 200, 429], "two joins a minute per address and meeting, whichever instance answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_meetings_are_finalized_and_delivered_once_with_two_instances() {
    const MEETINGS: usize = 8;
    const BURST: usize = 1000;
    let app = TestApp::start(|c| {
        c.login_rate_per_minute = 1000;
        c.webhooks_allow_private = true;
    })
    .await;
    let (admin, _) = app.sign_up("two_fin").await;
    let receiver = Receiver::subscribed(&app, &admin).await;

    let busy = [("CLOSER_WEBHOOKS_ALLOW_PRIVATE", "true"), ("CLOSER_FINALIZE_POLL_MS", "50"), ("CLOSER_WEBHOOK_POLL_MS", "50")];
    let _a = Server::start("A", &app.config, &busy).await;
    let _b = Server::start("B", &app.config, &busy).await;

    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let mut meetings = Vec::new();
    for n in 0..MEETINGS {
        let (status, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(json!({"title": format!("Call {n}"), "playbook_id": playbook}))).await;
        assert_eq!(status, 201, "{meeting}");
        meetings.push(meeting["id"].as_str().unwrap().parse::<Uuid>().unwrap());
    }
    // All end at once, so both instances' sweeps and claims meet on the same jobs.
    sqlx::query("UPDATE meetings SET status = 'ended', started_at = now() - interval '5 minutes', ended_at = now() WHERE id = ANY($1)")
        .bind(&meetings)
        .execute(&app.pg)
        .await
        .unwrap();

    let ours = |got: &[(String, String)]| got.iter().filter(|(_, m)| meetings.iter().any(|id| id.to_string() == *m)).count();
    let started = Instant::now();
    while ours(&receiver.got.lock().unwrap()) < MEETINGS {
        assert!(started.elapsed() < Duration::from_secs(120), "webhooks received: {:?}", receiver.got.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("{MEETINGS} meetings finalized and delivered by two instances in {:?}", started.elapsed());
    // Long enough for a second claim of any job or delivery to show (each worker polls every 50 ms).
    tokio::time::sleep(Duration::from_secs(3)).await;

    let got = receiver.got.lock().unwrap().clone();
    let mut per_meeting: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for (id, meeting) in &got {
        *per_meeting.entry(meeting.clone()).or_default() += 1;
        *per_id.entry(id.clone()).or_default() += 1;
    }
    for meeting in &meetings {
        assert_eq!(per_meeting.get(&meeting.to_string()), Some(&1), "meeting {meeting}: {got:?}");
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE meeting_id = $1").bind(meeting).fetch_one(&app.pg).await.unwrap();
        assert_eq!(events, 1, "one meeting.processed event for {meeting}");
        let status = closer::meetings::status(&app.pg, *meeting).await.unwrap();
        assert_eq!(status, Some(closer_wire::MeetingStatus::Processed), "{meeting}");
    }
    assert!(per_id.values().all(|&n| n == 1), "a webhook-id delivered twice: {per_id:?}");

    // A burst in the outbox: events committed together, claimed 16 at a time by two workers
    // that poll every 50 ms, so their claims overlap.
    let (status, org) = app.call(Method::GET, "/organization", Some(&admin), None).await;
    assert_eq!(status, 200, "{org}");
    let org: Uuid = org["id"].as_str().unwrap().parse().unwrap();
    let burst: Vec<String> = (0..BURST).map(|n| format!("burst-{n}-{}", Uuid::new_v4())).collect();
    let mut tx = app.pg.begin().await.unwrap();
    for marker in &burst {
        let data = json!({"meeting": {"id": marker}});
        outbox::enqueue(&mut tx, org, "meeting.processed", None, data, Audience::Subscribers).await.unwrap().expect("queued");
    }
    tx.commit().await.unwrap();
    let in_burst = |got: &[(String, String)]| got.iter().filter(|(_, m)| m.starts_with("burst-")).count();
    let started = Instant::now();
    while in_burst(&receiver.got.lock().unwrap()) < BURST {
        assert!(started.elapsed() < Duration::from_secs(60), "{} of {BURST} burst events received", in_burst(&receiver.got.lock().unwrap()));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("{BURST} outbox events delivered by two instances in {:?}", started.elapsed());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = receiver.got.lock().unwrap().clone();
    for marker in &burst {
        let copies = got.iter().filter(|(_, m)| m == marker).count();
        assert_eq!(copies, 1, "event {marker} delivered {copies} times");
    }
}
