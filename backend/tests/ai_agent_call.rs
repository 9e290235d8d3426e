//! An AI agent runs a meeting assigned to it (#17), end to end against the real services: the
//! guest joins from the meeting's link; the server's AI agents'
//! worker is dispatched into the room, joins visible under the agent's name, greets the guest
//! by name and asks the agent's questions by voice; the guest (a real participant speaking
//! synthesised answers) asks the price first, which the agent answers from its FAQ, then
//! answers; then the agent leaves, and the guest is the seller's lead, handed off with the BANT
//! of what they said, and the seller has the summary in their mailbox (a real SMTP server). A
//! seller who joins with a live microphone takes the call over.

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
mod agent;
mod call;
mod common;

use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use closer_rtc::{AudioSource, AudioStream, Connected, RoomEvent, RoomOptions};
use closer_wire::{Lead, LeadStage};
use common::TestApp;
use common::smtp::SmtpServer;
use reqwest::Method;
use rtc_common::{subscribed_audio, wait_for};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The calls run one at a time: each is real-time speech on 2 cores.
static ONE_CALL_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The AI agent's identity in a room.
const AI: &str = closer::agent::ai_call::IDENTITY;

/// An organization with seller Sara, an English agent "Alex" (two questions, one FAQ answer)
/// handing its leads to her, and a meeting of hers assigned to Alex. Returns (Sara's token,
/// Sara, the meeting's id).
async fn meeting_run_by_alex(app: &TestApp) -> (String, Value, String) {
    let (_, seller, sara, id) = meeting_run_by(app, alex(), "discovery-en.json").await;
    (seller, sara, id)
}

/// The English AI agent the calls here run.
fn alex() -> Value {
    json!({
        "name": "Alex", "language": "en",
        "greeting": "Hello {guest}, I am Alex from Acme. I have two quick questions for you.",
        "questions": [
            {"text": "What budget do you have in mind for this project?", "criterion": "budget"},
            {"text": "When would you like to have a solution in place?", "criterion": "timeline"}
        ],
        "faq": [{"question": "How much does it cost per month?", "answer": "It costs forty euros per user per month."}],
        "closing": "Thank you. A consultant will call you back this week.",
        "qualify_score": 50
    })
}

/// An organization with seller Sara, `agent` (JSON of `/api/agents`) handing its leads to her,
/// and a meeting of hers on the shared fixture playbook `playbook`, assigned to the agent.
/// Returns the admin's token, Sara's token and user, and the meeting's id.
async fn meeting_run_by(app: &TestApp, mut agent: Value, playbook: &str) -> (String, String, Value, String) {
    let (admin, org) = app.sign_up("aicall").await;
    let (seller, sara) = app.add_user(&admin, &org, "seller", "sara").await;
    agent["handoff_owner_id"] = sara["id"].clone();
    let (status, agent) = app.call(Method::POST, "/agents", Some(&admin), Some(agent)).await;
    assert_eq!(status, 201, "{agent}");
    let playbook = app.import_fixture_playbook(&admin, playbook).await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Qualification", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let (status, assigned) = app.call(Method::PUT, &format!("/meetings/{id}/agent"), Some(&seller), Some(json!({"agent_id": agent["id"]}))).await;
    assert_eq!(status, 200, "{assigned}");
    (admin, seller, sara, id)
}

/// Anna joins meeting `id` from its link with a 48 kHz microphone; returns her, her microphone
/// and the AI agent's voice as she receives it (16 kHz mono), once the agent has published it.
async fn anna_joins(app: &TestApp, id: &str) -> (Connected, Arc<AudioSource>, AudioStream) {
    let joined = Instant::now();
    let (_, mut guest) = call::guest(app, id, "Anna Rossi", "accepted").await;
    let mic = Arc::new(guest.room.publish_audio("microphone", 48_000, 1).await.unwrap());
    let present = std::mem::take(&mut guest.participants);
    let agent_voice = match present.into_iter().flat_map(|(_, ps)| ps).find(|p| p.participant == AI) {
        Some(publication) => publication,
        None => {
            wait_for(&mut guest.events, "the AI agent's voice", |e| match e {
                RoomEvent::TrackPublished(p) if p.participant == AI => Ok(p),
                other => Err(other),
            })
            .await
            .0
        }
    };
    println!("the AI agent's voice published {} ms after the guest joined", joined.elapsed().as_millis());
    guest.room.set_subscribed(&agent_voice, true).unwrap();
    let hears_agent = guest.room.subscribe_audio(subscribed_audio(&mut guest.events, AI).await, 16_000, 1).unwrap();
    (guest, mic, hears_agent)
}

/// `answers` in `language`'s voice, 48 kHz.
fn spoken(language: &str, answers: &[&str]) -> Vec<Vec<i16>> {
    let voices = Voices::load(&common::models()).unwrap();
    answers.iter().map(|a| voices.speak(language, a).unwrap().resampled(48_000).unwrap().samples).collect()
}

/// `audio` (16 kHz mono) from its first loud frame on.
fn from_first_sound(audio: &[i16]) -> &[i16] {
    let first = audio.chunks(160).position(|f| f.iter().any(|s| s.unsigned_abs() > 2_000)).expect("the agent spoke") * 160;
    &audio[first.saturating_sub(1_600)..]
}

/// What the guest hears of `agent` (16 kHz mono) for the next `span`, as Whisper writes it in
/// `language`, lowercased.
async fn transcribed(agent: &mut AudioStream, span: Duration, language: &str) -> String {
    let mut audio = Vec::new();
    let until = Instant::now() + span;
    while Instant::now() < until {
        if let Ok(Some(frame)) = tokio::time::timeout(Duration::from_millis(100), agent.recv()).await {
            audio.extend(frame.samples);
        }
    }
    let samples: Vec<f32> = audio.iter().map(|&s| f32::from(s) / 32768.0).collect();
    WhisperEngine::load(&common::models().whisper).unwrap().transcribe(&samples, language).unwrap().text.to_lowercase()
}

/// Waits for the AI agent to leave the room `guest` is in.
async fn agent_leaves(guest: &mut Connected) {
    wait_for(&mut guest.events, "the AI agent leaving", |e| match e {
        RoomEvent::ParticipantDisconnected { identity } if identity == AI => Ok(()),
        other => Err(other),
    })
    .await;
}

/// Anna's lead as `seller` sees it, once it exists (within 30 s).
async fn annas_lead(app: &TestApp, seller: &str) -> Lead {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, leads) = app.call(Method::GET, "/leads", Some(seller), None).await;
        assert_eq!(status, 200, "{leads}");
        let leads: Vec<Lead> = serde_json::from_value(leads).unwrap();
        if let Some(lead) = leads.into_iter().find(|l| l.name == "Anna Rossi") {
            println!("lead: {lead:?}");
            return lead;
        }
        assert!(Instant::now() < deadline, "no lead within 30 s of the agent leaving");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ai_agent_runs_its_meeting_and_hands_the_qualified_guest_to_its_seller() {
    let _alone = ONE_CALL_AT_A_TIME.lock().await;
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let (seller, sara, id) = meeting_run_by_alex(&app).await;

    // The guest joins from the link: the AI agent is dispatched and joins, visible, by name.
    let (mut guest, mic, hears_agent) = anna_joins(&app, &id).await;
    let rooms = livekit_api::services::room::RoomClient::with_api_key(&app.config.livekit_url, &app.config.livekit_api_key, &app.config.livekit_api_secret);
    let listed = rooms.list_participants(&format!("meeting-{id}")).await.expect("list participants");
    let shown = listed.iter().find(|p| p.identity == AI).expect("the AI agent is in the room");
    assert_eq!(shown.name, "Alex", "the guest sees the agent's name");
    assert!(!shown.permission.as_ref().is_some_and(|p| p.hidden), "the AI agent is visible");

    // Before answering the first question Anna asks the price: the agent answers from its FAQ
    // and asks its question again.
    let answers = spoken("en", &["Before I answer: how much does it cost per month?", "We have about 20,000 euros for this project.", "We would like to start in March."]);
    let heard = agent::guest(hears_agent, mic, answers, None).await;
    println!("guest end of turn → the agent's next line: {:?} ms", heard.gaps);
    assert_eq!(heard.gaps.len(), 3, "the agent went on after each of Anna's turns");

    // What the guest received: the greeting by first name, the first question, and the FAQ's
    // answer before that question again.
    let whisper = WhisperEngine::load(&common::models().whisper).unwrap();
    // From the agent's first sound (the stream runs from the subscription on), 8.5 s: the
    // greeting and the first question.
    let (opening, rest) = from_first_sound(&heard.audio).split_at(16_000 * 17 / 2);
    let samples: Vec<f32> = opening.iter().map(|&s| f32::from(s) / 32768.0).collect();
    let greeting = whisper.transcribe(&samples, "en").unwrap().text.to_lowercase();
    println!("the guest heard first: {greeting:?}");
    let said = "Hello Anna, I am Alex from Acme. I have two quick questions for you. What budget do you have in mind for this project?";
    let error = closer_testkit::eval::word_error_rate(said, &greeting);
    println!("WER {error:.2} against what the agent said");
    assert!(greeting.contains("anna") && error <= 0.2, "{greeting:?}");
    assert!(!greeting.contains("rossi"), "greeted by first name only: {greeting:?}");
    let samples: Vec<f32> = rest.iter().map(|&s| f32::from(s) / 32768.0).collect();
    let reply = whisper.transcribe_full_window(&samples, "en").unwrap().text.to_lowercase();
    println!("then: {reply:?}");
    // (Whisper hears Piper's "It costs forty euros" as "at cost for the euros" in some runs.)
    assert!(reply.contains("euros per user per month"), "the FAQ's answer: {reply:?}");
    // (and "Coming back" as "compling back" in one CI run of 2026-12-07).
    assert!(reply.contains("back to my question"), "{reply:?}");

    // After the closing the agent leaves; the guest is the seller's lead, handed off.
    agent_leaves(&mut guest).await;
    let lead = annas_lead(&app, &seller).await;
    assert_eq!(lead.stage, LeadStage::HandedOff);
    assert_eq!(lead.owner_id.map(|o| o.to_string()), sara["id"].as_str().map(str::to_owned));
    assert!(lead.meeting_ids.iter().any(|m| m.to_string() == id), "the meeting is linked");
    let budget = lead.bant.budget.as_ref().expect("budget asked");
    assert_eq!(budget.score, 2, "an amount set aside: {budget:?}");
    assert!(budget.evidence.replace([',', '.', ' '], "").contains("20000"), "the amount is kept: {budget:?}");
    assert!(lead.bant.timeline.is_some() && lead.bant.authority.is_none() && lead.bant.need.is_none(), "{:?}", lead.bant);

    // The seller has the summary (no e-mail for a guest who did not book).
    let deadline = Instant::now() + Duration::from_secs(20);
    while smtp.count() < 1 {
        assert!(Instant::now() < deadline, "no e-mail within 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = smtp.message(1).await;
    assert!(mail["to"].as_str().unwrap().contains(sara["email"].as_str().unwrap()), "to the seller: {mail}");
    assert!(mail["subject"].as_str().unwrap().starts_with("New lead from Alex: Anna Rossi"), "{mail}");
    assert!(mail["text"].as_str().unwrap().replace([',', '.', ' '], "").contains("20000"), "the budget answer quoted: {mail}");

    // The copilot transcribed the agent as the seller's side of the call, under its name, to
    // its closing line: the recap and the replay have it as they have a human seller.
    // The closing line, by the words Whisper keeps ("a consultant" came out as "i can sell it" in CI22).
    let said = agents_transcript(&app, &id, "call you back this week").await;
    println!("the meeting's transcript of the agent: {said:?}");
    assert!(said.iter().any(|line| line.contains("budget")), "the agent's question is in the transcript: {said:?}");
}

/// The meeting's stored final segments spoken by the AI agent (as `Alex: text`, lowercased), once
/// one of them contains `last` (within 30 s).
async fn agents_transcript(app: &TestApp, id: &str, last: &str) -> Vec<String> {
    let segments = app.state.mongo.collection::<mongodb::bson::Document>("segments");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut found = Vec::new();
        let mut cursor = segments.find(mongodb::bson::doc! {"meeting_id": id, "speaker": AI}).sort(mongodb::bson::doc! {"start_ms": 1}).await.unwrap();
        while cursor.advance().await.unwrap() {
            let segment = cursor.deserialize_current().unwrap();
            found.push(format!("{}: {}", segment.get_str("speaker_name").unwrap_or("?"), segment.get_str("text").unwrap_or("")).to_lowercase());
        }
        if found.iter().any(|line| line.contains(last)) {
            assert!(found.iter().all(|line| line.starts_with("alex: ")), "under the agent's name: {found:?}");
            return found;
        }
        assert!(Instant::now() < deadline, "the agent's closing line is not in the transcript within 30 s: {found:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_who_joins_takes_the_call_over_and_the_agent_falls_silent() {
    let _alone = ONE_CALL_AT_A_TIME.lock().await;
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let (seller, sara, id) = meeting_run_by_alex(&app).await;
    let (mut guest, mic, hears_agent) = anna_joins(&app, &id).await;

    // Sara is in the room, her microphone not yet published: the agent runs the call.
    let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&seller), None).await;
    assert_eq!(status, 200, "{access}");
    let sara_room = call::rtc()
        .connect(access["livekit_url"].as_str().unwrap(), access["token"].as_str().unwrap(), RoomOptions { auto_subscribe: false })
        .await
        .expect("Sara joins");

    // Anna answers the first question; the agent goes on to the second.
    let question = Voices::load(&common::models()).unwrap().speak("en", "When would you like to have a solution in place?").unwrap();
    let question_ms = u128::from(question.duration_ms());
    let mut heard = agent::guest(hears_agent, mic, spoken("en", &["We have about 20,000 euros for this project."]), None).await;
    assert_eq!(heard.gaps.len(), 1, "the agent went on after the answer");
    let asking = Instant::now();

    // Sara publishes her microphone while the agent asks it: the agent stops mid-sentence.
    let _sara_mic = sara_room.room.publish_audio("microphone", 48_000, 1).await.unwrap();
    let published = asking.elapsed().as_millis();
    let last = agent::last_sound(&mut heard.agent, Duration::from_secs(3)).await.expect("the agent was asking");
    let spoke = last.saturating_duration_since(asking).as_millis();
    println!("the agent's second question ({question_ms} ms of speech) was heard for {spoke} ms; Sara's microphone published at {published} ms");
    // Stopped once LiveKit tells it of Sara's track (a signalling round trip) plus the guest's
    // jitter buffer: well before the question's end.
    assert!(spoke + 500 < question_ms, "the agent finished its question ({spoke} of {question_ms} ms) although the seller arrived at {published} ms");
    assert!(spoke < published + 1_000, "the agent talked on {} ms after the seller arrived", spoke.saturating_sub(published));
    agent_leaves(&mut guest).await;

    // The lead is Sara's, handed off with what the agent learnt before she came.
    let lead = annas_lead(&app, &seller).await;
    assert_eq!(lead.stage, LeadStage::HandedOff);
    assert_eq!(lead.owner_id.map(|o| o.to_string()), sara["id"].as_str().map(str::to_owned));
    assert!(lead.bant.budget.is_some() && lead.bant.timeline.is_none(), "only the budget was asked: {:?}", lead.bant);
}


/// A call in which the guest asks for a person, in one language.
struct AskingForAPerson {
    language: &'static str,
    agent: Value,
    playbook: &'static str,
    /// Anna's turns: her request, then her reply to the agent's offer to call Sara in.
    turns: [&'static str; 2],
    /// The subject of Sara's call to join.
    subject: &'static str,
    /// Words of the agent's hold line as Whisper writes them.
    hold: [&'static str; 2],
}

/// A guest who asks for a person (#18): the agent offers to call the seller in; Anna accepts;
/// Sara is e-mailed the link to the call at once, and while Anna holds, Sara joins and speaks:
/// the agent leaves and the lead is hers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_who_asks_for_a_person_has_the_seller_called_in() {
    asks_for_a_person(AskingForAPerson {
        language: "en",
        agent: alex(),
        playbook: "discovery-en.json",
        turns: ["Actually, I would rather discuss this with somebody from your team. Can you get someone for me?", "Yes, please do."],
        subject: "Anna Rossi asks to speak with you now",
        hold: ["join", "line"],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_italian_a_guest_who_asks_for_a_person_has_the_seller_called_in() {
    asks_for_a_person(AskingForAPerson {
        language: "it",
        agent: json!({
            "name": "Chiara", "language": "it",
            "greeting": "Buongiorno {guest}, sono Chiara di Acme. Ho due domande veloci per lei.",
            "questions": [
                {"text": "Che budget avete previsto per questo progetto?", "criterion": "budget"},
                {"text": "Quando vorreste avere una soluzione?", "criterion": "timeline"}
            ],
            "closing": "Grazie. Un consulente la richiamerà questa settimana.",
            "qualify_score": 50
        }),
        playbook: "primo-contatto-it.json",
        // One sentence: festival pauses between two longer than the 700 ms that end a turn.
        turns: ["Veramente preferirei parlarne con qualcuno del vostro ufficio, me lo può passare?", "Sì, grazie."],
        subject: "Anna Rossi chiede di parlare con te adesso",
        hold: ["favore", "minuto"],
    })
    .await;
}

async fn asks_for_a_person(case: AskingForAPerson) {
    let _alone = ONE_CALL_AT_A_TIME.lock().await;
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let agent_name = case.agent["name"].clone();
    let (admin, seller, sara, id) = meeting_run_by(&app, case.agent, case.playbook).await;
    let (mut guest, mic, hears_agent) = anna_joins(&app, &id).await;

    // Instead of answering the first question, Anna asks for someone of the team; offered
    // Sara, she accepts.
    let mut heard = agent::guest(hears_agent, mic, spoken(case.language, &case.turns), None).await;
    println!("Anna's end of turn → the agent's next line: {:?} ms", heard.gaps);
    // (One line each: a pause inside the offer made Anna answer its first sentence, and the
    // hold line after her barge-in ran into the offer, one stretch to her.)
    assert_eq!(heard.gaps.len(), 2, "the agent answered both of Anna's turns");

    // Anna hears the agent ask her to hold.
    let said = transcribed(&mut heard.agent, Duration::from_secs(7), case.language).await;
    println!("while holding Anna heard: {said:?}");
    assert!(case.hold.iter().all(|w| said.contains(w)), "{said:?}");

    // Sara was asked to join, with the link to the call, as soon as Anna accepted.
    assert!(smtp.count() >= 1, "Sara was not e-mailed while Anna held");
    let mail = smtp.message(1).await;
    println!("Sara's call to join: {mail}");
    assert!(mail["to"].as_str().unwrap().contains(sara["email"].as_str().unwrap()), "{mail}");
    assert_eq!(mail["subject"], case.subject);
    assert!(mail["text"].as_str().unwrap().contains(&format!("http://closer.test/host/{id}")), "{mail}");

    // Her console and desktop app show the request beside the meeting while Anna holds.
    let (status, meeting) = app.call(Method::GET, &format!("/meetings/{id}"), Some(&seller), None).await;
    assert_eq!(status, 200, "{meeting}");
    let summons = &meeting["summons"];
    assert_eq!(summons["guest"], "Anna Rossi", "{meeting}");
    assert_eq!(summons["agent"], agent_name, "{meeting}");
    let until: chrono::DateTime<chrono::Utc> = summons["until"].as_str().and_then(|t| t.parse().ok()).expect("until");
    let left = until - chrono::Utc::now();
    assert!(left > chrono::Duration::seconds(20) && left <= chrono::Duration::seconds(45), "Anna holds for another {left}");
    let (status, summoned) = app.call(Method::GET, "/meetings?when=summoned&time_zone=UTC", Some(&seller), None).await;
    assert_eq!(status, 200, "{summoned}");
    let summoned = summoned.as_array().unwrap();
    assert!(summoned.len() == 1 && summoned[0]["id"] == id && summoned[0]["summons"]["guest"] == "Anna Rossi", "{summoned:?}");
    // Anna asks for Sara, not for the admin who sees every meeting.
    let (_, others) = app.call(Method::GET, "/meetings?when=summoned&time_zone=UTC", Some(&admin), None).await;
    assert_eq!(others, json!([]), "the admin is not the one asked for");

    // Sara joins from the link and speaks: the agent leaves her the call.
    let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&seller), None).await;
    assert_eq!(status, 200, "{access}");
    let sara_room = call::rtc()
        .connect(access["livekit_url"].as_str().unwrap(), access["token"].as_str().unwrap(), RoomOptions { auto_subscribe: false })
        .await
        .expect("Sara joins");
    let _sara_mic = sara_room.room.publish_audio("microphone", 48_000, 1).await.unwrap();
    agent_leaves(&mut guest).await;
    let lead = annas_lead(&app, &seller).await;
    assert_eq!(lead.stage, LeadStage::HandedOff);
    assert_eq!(lead.owner_id.map(|o| o.to_string()), sara["id"].as_str().map(str::to_owned));
    assert!(lead.bant.budget.is_none(), "Anna asked for a person instead of answering: {:?}", lead.bant);
    // Sara came: the request is gone from her apps.
    let (_, meeting) = app.call(Method::GET, &format!("/meetings/{id}"), Some(&seller), None).await;
    assert!(meeting.get("summons").is_none(), "{meeting}");
    let (_, summoned) = app.call(Method::GET, "/meetings?when=summoned&time_zone=UTC", Some(&seller), None).await;
    assert_eq!(summoned, json!([]), "nobody asks for Sara once she came");
}

/// Outside the seller's opening hours (her availability), a guest who asks for a person is
/// told she will call back: nobody is e-mailed, and the agent asks its question again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_sellers_hours_a_guest_who_asks_for_a_person_is_told_she_will_call_back() {
    let _alone = ONE_CALL_AT_A_TIME.lock().await;
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let (seller, _sara, id) = meeting_run_by_alex(&app).await;
    // Sara works tomorrow (Rome time), not today.
    app.work_hours(&seller, &[tomorrow_in_rome()], "00:00:00", "23:59:00").await;
    let (_guest, mic, hears_agent) = anna_joins(&app, &id).await;

    let turns = spoken("en", &["Actually, I would rather discuss this with somebody from your team. Can you get someone for me?"]);
    let mut heard = agent::guest(hears_agent, mic, turns, None).await;
    assert_eq!(heard.gaps.len(), 1, "the agent answered Anna's request");
    let said = transcribed(&mut heard.agent, Duration::from_secs(10), "en").await;
    println!("Anna heard: {said:?}");
    assert!(said.contains("call you back") && said.contains("budget"), "{said:?}");
    assert_eq!(smtp.count(), 0, "nobody is called in outside their hours");
}

/// Tomorrow's weekday in Rome, as availability names it.
fn tomorrow_in_rome() -> &'static str {
    let today = chrono::Datelike::weekday(&chrono::Utc::now().with_timezone(&chrono_tz::Europe::Rome));
    common::EVERY_DAY[today.succ().num_days_from_monday() as usize]
}
