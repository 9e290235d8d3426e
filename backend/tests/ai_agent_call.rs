//! An AI agent runs a meeting assigned to it (#17), end to end against the real services: the
//! guest joins from the meeting's link; the server's AI agents' worker is dispatched into the
//! room, joins visible under the agent's name, greets the guest by name and asks the agent's
//! questions by voice; the guest (a real participant speaking synthesised answers) answers;
//! then the agent leaves, and the guest is the seller's lead, handed off with the BANT of what
//! they said, and the seller has the summary in their mailbox (a real SMTP server).

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
mod agent;
mod call;
mod common;

use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use closer_rtc::RoomEvent;
use closer_wire::{Lead, LeadStage};
use common::TestApp;
use common::smtp::SmtpServer;
use reqwest::Method;
use rtc_common::{subscribed_audio, wait_for};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ai_agent_runs_its_meeting_and_hands_the_qualified_guest_to_its_seller() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let (admin, org) = app.sign_up("aicall").await;
    let (seller, sara) = app.add_user(&admin, &org, "seller", "sara").await;
    let agent = json!({
        "name": "Alex", "language": "en",
        "greeting": "Hello {guest}, I am Alex from Acme. I have two quick questions for you.",
        "questions": [
            {"text": "What budget do you have in mind for this project?", "criterion": "budget"},
            {"text": "When would you like to have a solution in place?", "criterion": "timeline"}
        ],
        "closing": "Thank you. A consultant will call you back this week.",
        "handoff_owner_id": sara["id"], "qualify_score": 50
    });
    let (status, agent) = app.call(Method::POST, "/agents", Some(&admin), Some(agent)).await;
    assert_eq!(status, 201, "{agent}");
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Qualification", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let (status, assigned) = app.call(Method::PUT, &format!("/meetings/{id}/agent"), Some(&seller), Some(json!({"agent_id": agent["id"]}))).await;
    assert_eq!(status, 200, "{assigned}");

    // The guest joins from the link: the AI agent is dispatched and joins, visible, by name.
    let joined = Instant::now();
    let (_, mut guest) = call::guest(&app, &id, "Anna Rossi", "accepted").await;
    let mic = Arc::new(guest.room.publish_audio("microphone", 48_000, 1).await.unwrap());
    let present = std::mem::take(&mut guest.participants);
    let agent_voice = match present.into_iter().flat_map(|(_, ps)| ps).find(|p| p.participant == closer::agent::ai_worker::IDENTITY) {
        Some(publication) => publication,
        None => {
            wait_for(&mut guest.events, "the AI agent's voice", |e| match e {
                RoomEvent::TrackPublished(p) if p.participant == closer::agent::ai_worker::IDENTITY => Ok(p),
                other => Err(other),
            })
            .await
            .0
        }
    };
    println!("the AI agent's voice published {} ms after the guest joined", joined.elapsed().as_millis());
    let rooms = livekit_api::services::room::RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    let listed = rooms.list_participants(&format!("meeting-{id}")).await.expect("list participants");
    let shown = listed.iter().find(|p| p.identity == closer::agent::ai_worker::IDENTITY).expect("the AI agent is in the room");
    assert_eq!(shown.name, "Alex", "the guest sees the agent's name");
    assert!(!shown.permission.as_ref().is_some_and(|p| p.hidden), "the AI agent is visible");
    guest.room.set_subscribed(&agent_voice, true).unwrap();
    let hears_agent = guest.room.subscribe_audio(subscribed_audio(&mut guest.events, closer::agent::ai_worker::IDENTITY).await, 16_000, 1).unwrap();

    let voices = Voices::load(&common::models()).unwrap();
    let answers = ["We have about 20,000 euros for this project.", "We would like to start in March."]
        .iter()
        .map(|a| voices.speak("en", a).unwrap().resampled(48_000).unwrap().samples)
        .collect();
    let heard = agent::guest(hears_agent, mic, answers, None).await;
    println!("guest end of turn → the agent's next line: {:?} ms", heard.gaps);
    assert_eq!(heard.gaps.len(), 2, "the agent went on after each answer");

    // What the guest received is the agent's greeting, by the guest's first name.
    let whisper = WhisperEngine::load(&common::models().whisper).unwrap();
    let samples: Vec<f32> = heard.audio.iter().take(16_000 * 8).map(|&s| f32::from(s) / 32768.0).collect();
    let greeting = whisper.transcribe(&samples, "en").unwrap().text.to_lowercase();
    println!("the guest heard: {greeting:?}");
    let said = "Hello Anna, I am Alex from Acme. I have two quick questions for you. What budget do you have in mind for this project?";
    let error = closer::eval::word_error_rate(said, &greeting);
    println!("WER {error:.2} against what the agent said");
    assert!(greeting.contains("anna") && error <= 0.2, "{greeting:?}");
    assert!(!greeting.contains("rossi"), "greeted by first name only: {greeting:?}");

    // After the closing the agent leaves; the guest is the seller's lead, handed off.
    wait_for(&mut guest.events, "the AI agent leaving", |e| match e {
        RoomEvent::ParticipantDisconnected { identity } if identity == closer::agent::ai_worker::IDENTITY => Ok(()),
        other => Err(other),
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let lead = loop {
        let (status, leads) = app.call(Method::GET, "/leads", Some(&seller), None).await;
        assert_eq!(status, 200, "{leads}");
        let leads: Vec<Lead> = serde_json::from_value(leads).unwrap();
        if let Some(lead) = leads.into_iter().find(|l| l.name == "Anna Rossi") {
            break lead;
        }
        assert!(Instant::now() < deadline, "no lead within 30 s of the agent leaving");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("lead: {lead:?}");
    assert_eq!(lead.stage, LeadStage::HandedOff);
    assert_eq!(lead.owner_id.map(|o| o.to_string()), sara["id"].as_str().map(str::to_owned));
    assert!(lead.meeting_ids.iter().any(|m| m.to_string() == id), "the meeting is linked");
    let budget = lead.bant.budget.as_ref().expect("budget asked");
    assert_eq!(budget.score, 2, "an amount set aside: {budget:?}");
    assert!(budget.evidence.replace([',', '.'], "").contains("20000"), "the amount is kept: {budget:?}");
    assert!(lead.bant.timeline.is_some() && lead.bant.authority.is_none() && lead.bant.need.is_none(), "{:?}", lead.bant);

    // The seller has the summary (no e-mail for a guest who did not book).
    let deadline = Instant::now() + Duration::from_secs(20);
    while smtp.count() < 1 {
        assert!(Instant::now() < deadline, "no e-mail within 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = smtp.message(1).await;
    assert!(mail["to"].as_str().unwrap().contains(&format!("sara@{org}.example.com")), "to the seller: {mail}");
    assert!(mail["subject"].as_str().unwrap().starts_with("New lead from Alex: Anna Rossi"), "{mail}");
    assert!(mail["text"].as_str().unwrap().replace([',', '.'], "").contains("20000"), "the budget answer quoted: {mail}");

}
