//! The copilot as a LiveKit agent, against the real services: a meeting's room gets the agent
//! dispatched to this server's worker, which joins hidden; a consenting guest (a real
//! participant publishing a fixture WAV through closer-rtc) is heard and transcribed on the
//! seller's HUD; a guest who declined is never subscribed (the copilot never receives her
//! microphone, and no transcript of hers appears), and when she joins again accepting, her new
//! microphone is heard at once. Ending the call ends the job.

mod call;
mod common;

use closer_rtc::RoomEvent;
use closer_wire::{HudEnvelope, HudEvent};
use common::TestApp;
use call::{final_of, guest, hud, hud_until, speak};
use livekit_api::services::room::RoomClient;
use livekit_protocol as lk;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// 16 kHz mono samples of a rendered en-discovery track, from `from_s` seconds on.
fn track(speaker: &str, from_s: f32) -> Vec<i16> {
    call::track("en-discovery", &format!("{speaker}.wav"), from_s)
}

/// Identities whose microphone the copilot receives in `meeting` now, as the API tells the seller.
async fn listening(app: &TestApp, meeting: &str, seller: &str) -> Vec<String> {
    let (status, presence) = app.call(Method::GET, &format!("/meetings/{meeting}/copilot"), Some(seller), None).await;
    assert_eq!(status, 200, "{presence}");
    serde_json::from_value::<closer_wire::CopilotPresence>(presence).unwrap().listening
}

/// Waits up to `wait` for the copilot to receive `identity`'s microphone in `meeting`.
async fn heard_by_copilot(app: &TestApp, meeting: &str, seller: &str, identity: &str, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        if listening(app, meeting, seller).await.iter().any(|i| i == identity) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn spoke(events: &[HudEnvelope], identity: &str) -> bool {
    events.iter().any(|e| match &e.event {
        HudEvent::TranscriptPartial { speaker, .. } | HudEvent::TranscriptFinal { speaker, .. } => speaker == identity,
        _ => false,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dispatched_copilot_hears_consenting_guests_only_and_hidden() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let _copilot = closer::agent::start(app.state.clone()).expect("the copilot worker starts");
    let (admin, org) = app.sign_up("agent").await;
    let (seller, _) = app.add_user(&admin, &org, "seller", "sofia").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Discovery with Acme", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let room = format!("meeting-{id}");

    // The seller opens the call: the room is created with the copilot dispatched to it, once.
    let asked = Instant::now();
    let (status, host_access): (u16, Value) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&seller), None).await;
    assert_eq!(status, 200, "{host_access}");
    let (status, _) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&seller), None).await;
    assert_eq!(status, 200);
    // (LiveKit adds its own dispatch of the unnamed agent to every room it creates.)
    let dispatches = app.state.dispatches.list_dispatch(&room).await.expect("list dispatches");
    let ours = dispatches.iter().filter(|d| d.agent_name == app.config.livekit_agent_name).count();
    assert_eq!(ours, 1, "one dispatch of the copilot however often the room is opened: {dispatches:?}");

    let rooms = RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    let agent = loop {
        let listed = rooms.list_participants(&room).await.expect("list participants");
        if let Some(agent) = listed.into_iter().find(|p| p.identity == closer::agent::IDENTITY) {
            break agent;
        }
        assert!(asked.elapsed() < Duration::from_secs(60), "the copilot did not join within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("copilot in the room {} ms after the seller asked for the room", asked.elapsed().as_millis());
    assert_eq!(agent.kind, lk::participant_info::Kind::Agent as i32, "joined as an agent participant");
    assert!(agent.permission.as_ref().is_some_and(|p| p.hidden), "the copilot is hidden: {:?}", agent.permission);

    let mut hud = hud(&app.base, &id, &seller, None).await;
    let mut seen = Vec::new();

    // Sarah accepts, Dora declines; both speak at once (Dora the seller's opening lines).
    let (sarah, mut sarah_room) = guest(&app, &id, "Sarah", "accepted").await;
    let (dora, dora_room) = guest(&app, &id, "Dora", "declined").await;
    assert!(
        sarah_room.participants.iter().all(|(p, _)| p.identity != closer::agent::IDENTITY),
        "a guest joining finds the copilot listed"
    );
    let speaking = Instant::now();
    let sarah_voice = speak(&sarah_room, track("guest_a", 11.0)).await;
    assert!(heard_by_copilot(&app, &id, &seller, &sarah, Duration::from_secs(15)).await, "Sarah's microphone was never received");
    println!("Sarah's microphone received {} ms after she began publishing it", speaking.elapsed().as_millis());
    let dora_voice = speak(&dora_room, track("host", 0.5)).await;

    let heard = hud_until(&mut hud, &mut seen, Duration::from_secs(60), |e| final_of(e, &sarah).is_some()).await;
    let text = heard.as_ref().and_then(|e| final_of(e, &sarah)).unwrap_or_else(|| panic!("no final transcript of Sarah within 60 s: {seen:#?}"));
    // Her first turn ends 3.08 s into what she says.
    println!("Sarah's first final transcript {} ms after she began speaking: {text:?}", speaking.elapsed().as_millis());
    assert!(text.to_lowercase().contains("happy"), "Sarah's words: {text:?}");
    // Dora has been talking all along: never subscribed, never transcribed; and no guest was
    // ever told the copilot is there.
    hud_until(&mut hud, &mut seen, Duration::from_secs(2), |_| false).await;
    assert_eq!(listening(&app, &id, &seller).await, vec![sarah.clone()], "Dora declined, yet the copilot receives her microphone");
    while let Ok(event) = sarah_room.events.try_recv() {
        if let RoomEvent::ParticipantConnected(p) = event {
            assert_ne!(p.identity, closer::agent::IDENTITY, "a guest was told of the copilot (it is hidden)");
        }
    }
    assert!(!spoke(&seen, &dora), "Dora declined, yet she is in the transcript");

    // Dora changes her mind: joining again accepting makes her a new participant, heard at once.
    dora_voice.abort();
    dora_room.room.disconnect().await.expect("Dora leaves");
    let (dora_again, dora_again_room) = guest(&app, &id, "Dora", "accepted").await;
    assert_ne!(dora_again, dora, "another choice, another participant");
    let dora_again_voice = speak(&dora_again_room, track("host", 0.5)).await;
    assert!(heard_by_copilot(&app, &id, &seller, &dora_again, Duration::from_secs(15)).await, "Dora's accepting microphone was never received");
    let heard = hud_until(&mut hud, &mut seen, Duration::from_secs(60), |e| final_of(e, &dora_again).is_some()).await;
    assert!(heard.is_some(), "no transcript of Dora after she accepted: {seen:#?}");
    assert!(!spoke(&seen, &dora), "the declining participant stays out of the transcript");

    // The seller ends the call: the room closes, and the copilot's job with it.
    let (status, body) = app.call(Method::POST, &format!("/meetings/{id}/end"), Some(&seller), None).await;
    assert_eq!(status, 204, "{body}");
    sarah_voice.abort();
    dora_again_voice.abort();
    let left = Instant::now();
    while !listening(&app, &id, &seller).await.is_empty() {
        assert!(left.elapsed() < Duration::from_secs(10), "the copilot still listens in the ended meeting's room");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rooms_left = rooms.list_rooms(vec![room.clone()]).await.expect("list rooms");
    assert!(rooms_left.is_empty(), "the ended meeting's room is closed: {rooms_left:?}");
}
