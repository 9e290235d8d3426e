//! Meetings one copilot worker carries (#19): N concurrent turn-taking calls through LiveKit,
//! for N = 1, 2, 4 by default. Prints figures; asserts nothing.
//!
//! Against the services of `scripts/services up` (their `CLOSER_*` variables exported, as
//! `scripts/test` does), the bench starts one `closer-server serve` process (the build's own
//! binary; its copilot worker takes at most `closer::agent::MAX_JOBS` meetings) and, for each N,
//! sets up N meetings of the rendered English fixture call (`en-discovery`: a seller and two
//! guests taking turns, 111 s). Every participant joins through the API and LiveKit with the
//! server-side client (closer-rtc) and speaks their own track of the call in real time, all
//! starting together. The seller's HUD socket of each meeting is read with the wall time of
//! each event. Printed per N: ticks and cards shown against the timeline's labels (each
//! item's or objection's first labelled turn), their lag from the end of that turn to the first
//! tick or card of its key after the turn began (p50 / p95 / max; one never shown counts as
//! infinitely late), the most the copilot reported itself behind, and the server's CPU per
//! meeting (% of one core, from /proc over the calls). N = 1 is the baseline of the same run.
//! The capacity is the largest N whose p95 stays under 2 s.
//! The participants' clients run in this process, on the same two cores as the server, LiveKit
//! and the databases: on a real deployment they are the participants' own machines.
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench load` (reuses the test build).
//! `CLOSER_BENCH_MEETINGS` sets the N to try (default `1,2,4`). API latency under load is the
//! other half of #19's load figures: `--bench api`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/call/mod.rs"]
mod call;

use call::{Server, Socket, guest, rtc, speak_after, track, worker_of};
use closer_testkit::eval::{Timeline, percentile};
use closer_rtc::{Connected, RoomOptions};
use closer_wire::{HudEnvelope, HudEvent};
use common::TestApp;
use futures_util::StreamExt;
use livekit_api::services::room::RoomClient;
use reqwest::Method;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

const FIXTURE: &str = "en-discovery";
/// Lag budget of a tick or card after its utterance (issue #19: capacity is p95 < 2 s).
const BUDGET_MS: i64 = 2000;

/// HUD events with the wall time each arrived.
type Timed = Arc<Mutex<Vec<(Instant, HudEnvelope)>>>;

async fn read_timed(mut socket: Socket, seen: Timed) {
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            seen.lock().unwrap().extend(common::hud_event(&text).map(|e| (Instant::now(), e)));
        }
    }
}

/// CPU time (user + system) of process `pid`, ms.
fn cpu_ms(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the server's /proc stat");
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    ticks * 1000 / hz
}

/// Lag (ms) of each labelled item and objection of `timeline` — at its first labelled turn —
/// from the end of that turn to the first of `shown` (kind, key, ms since the call began) for
/// it at or after the turn began; `i64::MAX` when it never came.
fn label_lags(timeline: &Timeline, shown: &[(&str, String, i64)]) -> Vec<i64> {
    let mut seen = std::collections::BTreeSet::new();
    let mut lags = Vec::new();
    for turn in &timeline.turns {
        let labels = turn.covers.iter().map(|k| ("tick", k)).chain(turn.objection.iter().map(|k| ("card", k)));
        for (kind, key) in labels {
            if !seen.insert((kind, key.clone())) {
                continue;
            }
            let first = shown.iter().filter(|(k, name, at)| *k == kind && name == key && *at >= turn.start_ms).map(|s| s.2).min();
            lags.push(first.map_or(i64::MAX, |at| at - turn.end_ms));
        }
    }
    lags
}

/// One meeting of a round: its participants (kept connected) and the seller's HUD.
struct Meeting {
    id: String,
    hud: Timed,
    _people: Vec<Connected>,
    _voices: Vec<tokio::task::JoinHandle<()>>,
}

struct Round {
    meetings: usize,
    heard: usize,
    shown: usize,
    expected: usize,
    lags: Vec<i64>,
    behind_ms: u64,
    cpu_per_meeting: f64,
}

impl Round {
    fn line(&self) -> String {
        let p = |q| match percentile(&self.lags, q) {
            Some(i64::MAX) => "never".to_owned(),
            Some(ms) => ms.to_string(),
            None => "-".to_owned(),
        };
        format!(
            "{:>8} | {}/{} | {}/{} | {} / {} / {} | {} | {:.0}",
            self.meetings, self.heard, self.meetings, self.shown, self.expected, p(50.0), p(95.0), p(100.0), self.behind_ms, self.cpu_per_meeting
        )
    }
}

async fn round(app: &TestApp, server: &Server, seller: &str, playbook: &str, timeline: &Timeline, n: usize) -> Round {
    let rooms = RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    // The common start, sent once every participant of every meeting is in.
    let (go, ready) = tokio::sync::watch::channel(None::<Instant>);
    let mut meetings = Vec::new();
    for m in 0..n {
        let body = json!({"title": format!("Load {n}.{m}"), "playbook_id": playbook});
        let (status, meeting) = app.call(Method::POST, "/meetings", Some(seller), Some(body)).await;
        assert_eq!(status, 201, "{meeting}");
        let id = meeting["id"].as_str().unwrap().to_owned();
        let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(seller), None).await;
        assert_eq!(status, 200, "{access}");
        let host = rtc()
            .connect(access["livekit_url"].as_str().unwrap(), access["token"].as_str().unwrap(), RoomOptions { auto_subscribe: false })
            .await
            .expect("the seller joins");
        let mut people = vec![("host", host)];
        for (key, name) in [("guest_a", "Sarah"), ("guest_b", "Tom")] {
            people.push((key, guest(app, &id, name, "accepted").await.1));
        }
        let mut voices = Vec::new();
        for (key, person) in &people {
            let mut at = ready.clone();
            let begin = async move {
                let when = at.wait_for(Option::is_some).await.map(|t| *t);
                if let Ok(Some(when)) = when {
                    tokio::time::sleep_until(when).await;
                }
            };
            voices.push(speak_after(person, begin, track(FIXTURE, &format!("{key}.wav"), 0.0)).await);
        }
        let room = format!("meeting-{id}");
        // A worker past LiveKit's target load is offered no job: the meeting then goes without
        // a copilot (and counts as not heard) until the server's watcher finds one.
        let asked = std::time::Instant::now();
        while worker_of(&rooms, &room).await.is_none() && asked.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let hud: Timed = Arc::default();
        tokio::spawn(read_timed(call::hud(&server.base, &id, seller, None).await, hud.clone()));
        meetings.push(Meeting { id, hud, _people: people.into_iter().map(|(_, p)| p).collect(), _voices: voices });
    }

    let t0 = Instant::now() + Duration::from_secs(1);
    go.send(Some(t0)).unwrap();
    let pid = server.child.id().expect("the server runs");
    tokio::time::sleep_until(t0).await;
    let cpu_before = cpu_ms(pid);
    let call_ms = timeline.duration_ms as u64 + 15_000;
    tokio::time::sleep(Duration::from_millis(call_ms)).await;
    let cpu = cpu_ms(pid) - cpu_before;

    let (mut heard, mut shown, mut expected, mut lags, mut behind_ms) = (0, 0, 0, Vec::new(), 0);
    for meeting in &meetings {
        let events = meeting.hud.lock().unwrap().clone();
        let at = |t: &Instant| t.saturating_duration_since(t0).as_millis() as i64;
        let observed: Vec<(&str, String, i64)> = events
            .iter()
            .filter_map(|(t, e)| match &e.event {
                HudEvent::ChecklistTicked { item, .. } => Some(("tick", item.clone(), at(t))),
                HudEvent::ObjectionDetected { objection, .. } => Some(("card", objection.clone(), at(t))),
                _ => None,
            })
            .collect();
        if events.iter().any(|(_, e)| matches!(e.event, HudEvent::TranscriptFinal { .. })) {
            heard += 1;
        }
        for (_, e) in &events {
            if let HudEvent::CopilotStatus { behind_ms: b } = e.event {
                behind_ms = behind_ms.max(b);
            }
        }
        let meeting_lags = label_lags(timeline, &observed);
        shown += meeting_lags.iter().filter(|&&l| l != i64::MAX).count();
        expected += meeting_lags.len();
        lags.extend(meeting_lags);
        let (status, body) = app.call(Method::POST, &format!("/meetings/{}/end", meeting.id), Some(seller), None).await;
        assert_eq!(status, 204, "{body}");
    }
    drop(meetings);
    // The jobs leave their rooms before the next round asks for new ones.
    tokio::time::sleep(Duration::from_secs(5)).await;
    Round { meetings: n, heard, shown, expected, lags, behind_ms, cpu_per_meeting: cpu as f64 / call_ms as f64 * 100.0 / n as f64 }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ns: Vec<usize> = std::env::var("CLOSER_BENCH_MEETINGS")
        .unwrap_or_else(|_| "1,2,4".into())
        .split(',')
        .map(|n| n.trim().parse().expect("CLOSER_BENCH_MEETINGS: numbers separated by commas"))
        .collect();
    let app = TestApp::start(|c| {
        c.login_rate_per_minute = 1000;
        c.join_rate_per_minute = 1000;
    })
    .await;
    let server = Server::start("load", &app.config, &[("CLOSER_JOIN_RATE_PER_MINUTE", "1000")]).await;
    let (admin, org) = app.sign_up("load").await;
    let (seller, _) = app.add_user(&admin, &org, "seller", "sofia").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (timeline, _) = common::fixture(FIXTURE);

    let mut rounds = Vec::new();
    for n in ns {
        println!("== {n} concurrent meeting(s) of {FIXTURE} ({} s each)", timeline.duration_ms / 1000);
        let r = round(&app, &server, &seller, &playbook, &timeline, n).await;
        println!("{}", r.line());
        rounds.push(r);
    }
    println!("\nmeetings | heard | shown | lag p50 / p95 / max ms | behind ms | CPU % per meeting");
    for r in &rounds {
        println!("{}", r.line());
    }
    let capacity = rounds
        .iter()
        .filter(|r| r.heard == r.meetings && percentile(&r.lags, 95.0).is_some_and(|p| p < BUDGET_MS))
        .map(|r| r.meetings)
        .max();
    match capacity {
        Some(n) => println!("capacity of one worker on this machine: {n} meeting(s) with tick/card p95 < {BUDGET_MS} ms (issue #19's goal: ≥ 3)"),
        None => println!("capacity: not even one meeting held p95 < {BUDGET_MS} ms"),
    }
}
