//! A call survives a restart of PostgreSQL or of FerretDB (MongoDB's wire) mid-call (#19),
//! against the real services. One `serve` process runs the copilot of a meeting whose guest
//! talks (the English fixture call, mixed into one microphone); mid-call the test stops one
//! service of the test services for 6 s and starts it again (`scripts/services`).
//! - PostgreSQL: no lease can be renewed meanwhile, so afterwards the copilot's lease looks
//!   stale; the same job must go on all the same (no dispatch again, which would drop it out of
//!   the room and lose seconds of transcript).
//! - FerretDB: the transcript and events cannot be stored meanwhile; the writer retries, so once
//!   it is back every final the seller's HUD showed is stored — the test counts the segments
//!   lost (none may be).
//!
//! In both the seller's HUD keeps getting the guest's transcript, and once the host ends the
//! call its `meeting.processed` webhook is delivered exactly once. The test prints the outage,
//! the finals that reached the HUD during and after it, and the widest gap between consecutive
//! finals. The two tests restart services every test shares: they run one at a time, and this
//! is a test binary of its own (cargo runs test binaries one after another).

mod call;
mod common;

use call::{Receiver, Seen, Server, finals, guest, hud, read_hud, speak, track, wait_for, worker_of};
use common::TestApp;
use livekit_api::services::room::RoomClient;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// How long PostgreSQL stays down: longer than a lease's timeout (4 s), so every lease is stale
/// when it comes back.
const OUTAGE: Duration = Duration::from_secs(6);

/// One restart at a time: both tests stop services the other needs.
static SERVICES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `scripts/services <verb> <service>` on the test's services (`CLOSER_STATE_DIR`).
async fn services(verb: &str, service: &str) {
    let status = tokio::process::Command::new(common::repo_root().join("scripts/services"))
        .args([verb, service])
        .status()
        .await
        .expect("scripts/services runs");
    assert!(status.success(), "scripts/services {verb} {service}: {status}");
}

/// The copilot job of `meeting` on record (its lease).
async fn job_of(app: &TestApp, meeting: &str) -> Option<String> {
    let meeting: uuid::Uuid = meeting.parse().unwrap();
    sqlx::query_scalar("SELECT job_id FROM copilot_jobs WHERE meeting_id = $1").bind(meeting).fetch_optional(&app.pg).await.unwrap().flatten()
}

/// What a call saw of a service's outage: the meeting, its guest, the job before it, the
/// guest's finals on the seller's HUD, and how many came after it.
struct Outage {
    app: TestApp,
    server: Server,
    rooms: RoomClient,
    meeting: String,
    admin: String,
    guest: String,
    job: String,
    seen: Seen,
    after: usize,
    /// The organization's CRM endpoint (`meeting.processed`).
    crm: Receiver,
    /// The guest stays in the call until the test has looked.
    _connection: closer_rtc::Connected,
}

/// A meeting whose guest talks; `service` stopped mid-call for [`OUTAGE`] and started again;
/// then 15 s more of the call: long enough for a watcher to judge a stale lease, dispatch again
/// and a new job to join (a failover takes about 4 s), and for more of the call to be heard.
async fn call_through_outage(service: &str) -> Outage {
    let app = TestApp::start(|c| {
        c.login_rate_per_minute = 1000;
        c.webhooks_allow_private = true;
    })
    .await;
    let server = Server::start("A", &app.config, &[("CLOSER_WEBHOOKS_ALLOW_PRIVATE", "true")]).await;
    let rooms = RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    let (admin, _) = app.sign_up("faults").await;
    let crm = Receiver::subscribed(&app, &admin).await;
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
    services("down", service).await;
    let before = finals(&seen.lock().unwrap(), &identity).len();
    tokio::time::sleep(OUTAGE.saturating_sub(down.elapsed())).await;
    services("up", service).await;
    let outage = down.elapsed();
    let during = finals(&seen.lock().unwrap(), &identity).len() - before;
    println!("{service} down for {} ms; {during} finals reached the HUD meanwhile", outage.as_millis());

    tokio::time::sleep(Duration::from_secs(15)).await;
    let heard = finals(&seen.lock().unwrap(), &identity);
    let after = heard.len() - before - during;
    let widest = heard.windows(2).map(|pair| pair[1].2.saturating_sub(pair[0].3)).max().unwrap_or(0);
    println!("{before} finals before the outage, {after} after it; widest silence between finals {widest} ms");
    Outage { app, server, rooms, meeting: id, admin, guest: identity, job, seen, after, crm, _connection: connection }
}

/// The same job runs the meeting, its copilot is still in the room, and the transcript went on.
async fn assert_call_went_on(o: &Outage) {
    assert_eq!(job_of(&o.app, &o.meeting).await.as_deref(), Some(o.job.as_str()), "the copilot was dispatched again after the restart");
    let room = format!("meeting-{}", o.meeting);
    assert_eq!(worker_of(&o.rooms, &room).await.as_deref(), Some(o.server.worker.as_str()), "the copilot left the room");
    assert!(o.after >= 2, "the transcript stopped after the restart: {} finals in 15 s", o.after);
    let presence = o.app.call(Method::GET, &format!("/meetings/{}/copilot", o.meeting), Some(&o.admin), None).await;
    assert_eq!(presence.0, 200, "{}", presence.1);
    assert_eq!(presence.1["running"], true, "{}", presence.1);
}

/// The host ends the call: it is finalized and its `meeting.processed` webhook delivered
/// exactly once, outage or not.
async fn assert_delivered_once(o: &Outage) {
    let (status, body) = o.app.call(Method::POST, &format!("/meetings/{}/end", o.meeting), Some(&o.admin), None).await;
    assert_eq!(status, 204, "{body}");
    let ended = Instant::now();
    while o.crm.of(&o.meeting) == 0 {
        assert!(ended.elapsed() < Duration::from_secs(120), "no meeting.processed webhook within 120 s of the end");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("meeting.processed delivered {} ms after the end", ended.elapsed().as_millis());
    // Long enough for a second delivery to show (the outbox is polled every second).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(o.crm.of(&o.meeting), 1, "webhooks delivered: {:?}", o.crm.got.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_call_keeps_the_copilot_and_its_transcript() {
    let _one_at_a_time = SERVICES.lock().await;
    let outage = call_through_outage("postgres").await;
    assert_call_went_on(&outage).await;
    assert_delivered_once(&outage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ferretdb_restart_mid_call_loses_no_stored_segment() {
    let _one_at_a_time = SERVICES.lock().await;
    let o = call_through_outage("mongo").await;
    assert_call_went_on(&o).await;
    // Every final the HUD showed — before, during and after the outage (`assert_call_went_on`
    // asked for finals after it), and any that arrived since the counts — ends up stored.
    let shown = finals(&o.seen.lock().unwrap(), &o.guest);
    let segments = o.app.state.mongo.collection::<mongodb::bson::Document>("segments");
    let mut lost = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        lost.clear();
        for (_, segment_id, _, _) in &shown {
            let stored = segments.find_one(mongodb::bson::doc! {"_id": format!("{}:{segment_id}", o.meeting)}).await.expect("segments readable");
            if stored.is_none() {
                lost.push(segment_id.clone());
            }
        }
        if lost.is_empty() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!("{} of {} segments shown on the HUD are stored; lost: {lost:?}", shown.len() - lost.len(), shown.len());
    assert!(lost.is_empty(), "segments shown on the HUD but never stored: {lost:?}");
    assert_delivered_once(&o).await;
}

/// The next notice on `socket` (events skipped) within `wait`.
async fn notice(socket: &mut call::Socket, wait: Duration) -> Option<serde_json::Value> {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) => {
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                if value.get("notice").is_some() {
                    return Some(value);
                }
            }
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the HUD socket ended: {other:?}"),
            Err(_) => return None,
        }
    }
}

/// No worker for the meeting's copilot: the seller's HUD is told so (instead of showing "Live"
/// over a call nobody listens to), with how long it has waited; once a server's worker takes
/// the job, the HUD is told it listens again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hud_says_when_no_copilot_listens_and_when_one_does_again() {
    let _one_at_a_time = SERVICES.lock().await;
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, _) = app.sign_up("absent").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(json!({"title": "Discovery", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    // The room and the copilot's dispatch, but no worker of the deployment's agent runs yet.
    let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&admin), None).await;
    assert_eq!(status, 200, "{access}");
    let mut socket = hud(&app.base, &id, &admin, None).await;
    let started = Instant::now();
    let absent = notice(&mut socket, Duration::from_secs(15)).await.expect("no notice within 15 s of a call without a copilot");
    assert_eq!(absent["notice"], "copilot_absent", "{absent}");
    let waiting = absent["waiting_ms"].as_u64().unwrap();
    println!("told after {} ms that no copilot listens (waiting {waiting} ms)", started.elapsed().as_millis());
    assert!(waiting >= 5_000, "told before the grace: {absent}");

    // A server of the deployment starts: its watcher dispatches the meeting again and its worker
    // takes the job.
    let _server = Server::start("A", &app.config, &[]).await;
    let started = Instant::now();
    loop {
        let told = notice(&mut socket, Duration::from_secs(30).saturating_sub(started.elapsed())).await;
        match told {
            Some(n) if n["notice"] == "copilot_present" => break,
            Some(n) => assert_eq!(n["notice"], "copilot_absent", "{n}"),
            None => panic!("not told within 30 s of a worker starting that the copilot listens"),
        }
    }
    println!("told {} ms after the worker started that the copilot listens", started.elapsed().as_millis());
}

