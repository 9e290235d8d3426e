//! The phone line (#18), end to end against the real services: an admin puts a number on the
//! line, answered by the AI agent of a seller's meeting type; a real SIP phone (Debian's
//! baresip on 127.0.0.1) calls it with a scripted WAV, in English and in Italian. The caller hears the agent greet them
//! by the name their phone sent; the agent hears their answer (it scores it on BANT); the
//! caller hangs up mid-call and the call log has the whole call, with its meeting and its lead
//! (their number to call back). While the call is up, a call to a number on no line gets a 404
//! and an INVITE without an audio offer a 488, and the call goes on.

mod common;
mod phone;

use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use closer_testkit::baresip;
use closer_testkit::sip_probe::{PCMU_OFFER, final_status, invite};
use closer_wire::{Lead, PhoneCall, PhoneCallOutcome};
use common::TestApp;
use common::smtp::SmtpServer;
use phone::{CALLER, Script, english, for_whisper, italian, line_answered_by};
use reqwest::Method;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_talks_with_the_numbers_ai_agent_and_the_call_is_logged_with_its_lead() {
    call_the_line(english()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_italian_a_caller_talks_with_the_numbers_ai_agent_and_the_call_is_logged_with_its_lead() {
    call_the_line(italian()).await;
}

/// The calls run one at a time: each is real-time speech on 2 cores.
static ONE_CALL_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn call_the_line(script: Script) {
    let _alone = ONE_CALL_AT_A_TIME.lock().await;
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let rtc = closer_rtc::Rtc::load(&closer_rtc::library_path(&app.config.models_dir)).unwrap();
    let line = closer::phone::line::start(app.state.clone(), rtc, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (admin, seller, number) = line_answered_by(&app, script.agent.clone(), script.playbook).await;

    // The caller listens to the greeting and the first question, answers, listens to the next
    // question and hangs up while it is still being asked (baresip quits after 30 s).
    // Meanwhile: a number on no line, and an INVITE that offers no audio; the call goes on.
    let voices = Voices::load(&common::models()).unwrap();
    let at = line.local_addr;
    let dialled = Instant::now();
    let refusals = async {
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert_eq!(final_status(at, &invite("+15550100", at, PCMU_OFFER)).await, "SIP/2.0 404 Not Found");
        assert_eq!(final_status(at, &invite(&number, at, "")).await, "SIP/2.0 488 Not Acceptable Here");
    };
    let ((dir, _), ()) = tokio::join!(phone::call(&voices, &script, at, &number, 30), refusals);
    println!("the call lasted {} ms from dialling", dialled.elapsed().as_millis());

    // The caller heard the agent greet them by the name their phone sent, then its question.
    let heard = baresip::heard(dir.path());
    let first = heard.chunks(160).position(|f| f.iter().any(|s| s.unsigned_abs() > 2_000)).expect("the caller heard the agent") * 160;
    let opening = &heard[first.saturating_sub(800)..(first + baresip::SAMPLE_RATE as usize * 9).min(heard.len())];
    let whisper = WhisperEngine::load(&common::models().whisper).unwrap();
    let greeting = whisper.transcribe(&for_whisper(opening), script.language).unwrap().text.to_lowercase();
    println!("the caller heard first: {greeting:?}");
    let error = closer_testkit::eval::word_error_rate(script.greeting, &greeting);
    println!("WER {error:.2} against what the agent said (telephone band)");
    let first_name = script.caller_name.split(' ').next().unwrap().to_lowercase();
    assert!(greeting.contains(&first_name) && error <= script.max_wer, "{greeting:?}");

    // The call log has the whole call: answered, ended by the caller's hang-up, its meeting
    // and its lead.
    let deadline = Instant::now() + Duration::from_secs(15);
    let call = loop {
        let (status, log) = app.call(Method::GET, "/phone-calls", Some(&admin), None).await;
        assert_eq!(status, 200, "{log}");
        let log: Vec<PhoneCall> = serde_json::from_value(log).unwrap();
        assert_eq!(log.len(), 1, "only the call to a number on the line is logged: {log:?}");
        if log[0].outcome != PhoneCallOutcome::InProgress {
            break log.into_iter().next().unwrap();
        }
        assert!(Instant::now() < deadline, "the call is not over in the log 15 s after the hang-up: {log:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("call log: {call:?}");
    assert_eq!((call.number.as_str(), call.caller.as_str(), call.outcome), (number.as_str(), CALLER, PhoneCallOutcome::Completed));
    let lasted = call.duration_secs.expect("answered and ended");
    assert!((20..=32).contains(&lasted), "answered to hang-up: {lasted} s");
    let (status, refused) = app.call(Method::GET, "/phone-calls", Some(&seller), None).await;
    assert_eq!(status, 403, "the call log is for managers and admins: {refused}");

    // The agent heard the caller: their lead has the answer scored, and their number.
    let deadline = Instant::now() + Duration::from_secs(30);
    let lead = loop {
        let (status, leads) = app.call(Method::GET, "/leads", Some(&admin), None).await;
        assert_eq!(status, 200, "{leads}");
        let leads: Vec<Lead> = serde_json::from_value(leads).unwrap();
        if let Some(lead) = leads.into_iter().find(|l| Some(l.id) == call.lead_id && l.bant.budget.is_some()) {
            break lead;
        }
        assert!(Instant::now() < deadline, "no scored lead within 30 s of the hang-up");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    println!("lead: {lead:?}");
    assert_eq!((lead.name.as_str(), lead.phone.as_deref()), (script.caller_name, Some(CALLER)));
    assert!(lead.meeting_ids.contains(&call.meeting_id.expect("the call's meeting")));
    let budget = lead.bant.budget.unwrap();
    let kept = budget.evidence.to_lowercase().replace([',', '.', ' '], "");
    assert!(script.budget.iter().any(|b| kept.contains(&b.replace(' ', ""))), "{budget:?}");
}
