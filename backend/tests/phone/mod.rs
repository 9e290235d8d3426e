//! The phone line's tests and benchmark share this: a number on the line answered by an AI
//! agent, and a caller (Debian's baresip) speaking a scripted answer to its first question.
#![allow(dead_code)] // each includer uses its own subset

use crate::common::TestApp;
use closer::tts::Voices;
use closer_testkit::baresip;
use reqwest::Method;
use serde_json::json;

/// The caller's number.
pub const CALLER: &str = "+393331234567";

/// A number on no line yet (a number is on one line only, and the database outlives a run):
/// Milan's area code and eight digits of a fresh id.
pub fn fresh_number() -> String {
    let digits: String = uuid::Uuid::new_v4().as_u128().to_string().chars().take(8).collect();
    format!("+3902{digits}")
}

/// A call to the line in one language: the agent who answers it, what the caller's phone sends
/// as their name, their answer to the first question, and what they should hear first.
pub struct Script {
    /// The caller's reply to the call back offered (at [`REPLY_AT_S`]): they accept it.
    pub call_back_reply: &'static str,
    /// When the caller's phone hangs up, s from dialling (the agent may end the call first).
    pub hang_up_s: u32,
    /// Bounds of the call's logged duration, s from answer to hang-up.
    pub lasted: (i64, i64),
    pub language: &'static str,
    pub playbook: &'static str,
    pub agent: serde_json::Value,
    pub caller_name: &'static str,
    pub answer: &'static str,
    pub greeting: &'static str,
    /// The answer as the lead keeps it (Whisper writes numbers in figures or in words).
    pub budget: &'static [&'static str],
    /// The last four digits of [`CALLER`] as Whisper may write them in words.
    pub last_digits: [&'static str; 4],
    /// How the e-mail telling the line's seller of the call says the call back is booked.
    pub call_back_booked: &'static str,
    /// The subject of the booking's notice to the seller, `{when}` the call back's time.
    pub booking_subject: &'static str,
    /// The subject of the e-mail telling the line's seller of the call (the caller answers the
    /// budget question only: 2 BANT points of 8, under the agent's 50).
    pub call_subject: &'static str,
    /// Most word error rate of Whisper on the greeting as the caller heard it: G.711 and
    /// Whisper base hear Piper's English at 0.04–0.12 (5 runs) and festival's Italian at
    /// 0.21–0.47 ("clara di closera", "ve lo ce pi' lei"; 5 runs).
    pub max_wer: f64,
}

pub fn english() -> Script {
    Script {
        language: "en",
        playbook: "discovery-en.json",
        agent: json!({
            "name": "Alex", "language": "en",
            "greeting": "Hello {guest}, I am Alex from Acme. I have a quick question for you.",
            "questions": [
                {"text": "What budget do you have in mind for this project?", "criterion": "budget"}
            ],
            "closing": "Thank you for calling Acme. Goodbye.",
            "qualify_score": 50
        }),
        call_back_reply: "Yes, that works for me.",
        // The agent hangs up after its closing line, about 42 s in on an idle machine (36 s
        // before it asked whether the number said back is right and waited 4 s for a no).
        hang_up_s: 58,
        lasted: (28, 56),
        caller_name: "Anna Rossi",
        answer: "We have about twenty thousand euros for this project.",
        greeting: "Hello Anna, I am Alex from Acme. I have a quick question for you. What budget do you have in mind for this project?",
        budget: &["20000", "twenty thousand"],
        last_digits: ["four", "five", "six", "seven"],
        call_back_booked: "Call back booked",
        booking_subject: "New booking: Qualification with Anna Rossi on {when}",
        call_subject: "Call on your line: Anna Rossi (not qualified)",
        max_wer: 0.3,
    }
}

pub fn italian() -> Script {
    Script {
        language: "it",
        playbook: "primo-contatto-it.json",
        agent: json!({
            "name": "Chiara", "language": "it",
            "greeting": "Buongiorno {guest}, sono Chiara di Closer. Ho qualche domanda veloce per lei.",
            "questions": [
                {"text": "Che budget avete previsto per questo progetto?", "criterion": "budget"}
            ],
            "closing": "Grazie per aver chiamato Closer. Arrivederci.",
            "qualify_score": 50
        }),
        call_back_reply: "Sì, certo, va benissimo.",
        hang_up_s: 58,
        lasted: (28, 56),
        caller_name: "Giulia Bianchi",
        answer: "Abbiamo circa ventimila euro per questo progetto.",
        greeting: "Buongiorno Giulia, sono Chiara di Closer. Ho qualche domanda veloce per lei. Che budget avete previsto per questo progetto?",
        // Whisper hears festival's "ventimila" on the telephone band as "20.000", "ventimila" or
        // "accadenti mila" (5 runs).
        budget: &["20000", "mila"],
        last_digits: ["quattro", "cinque", "sei", "sette"],
        call_back_booked: "Richiamata fissata",
        booking_subject: "Nuova prenotazione: Qualification con Giulia Bianchi, {when}",
        call_subject: "Chiamata sulla tua linea: Giulia Bianchi (non qualificato)",
        max_wer: 0.65,
    }
}

/// An organization whose admin puts a fresh number on the phone line, answered by `agent` for
/// seller Sara's meeting type "Qualification" on the shared fixture playbook `playbook`.
/// Returns (admin's token, seller's token, the number in E.164).
pub async fn line_answered_by(app: &TestApp, mut agent: serde_json::Value, playbook: &str) -> (String, String, String) {
    let (admin, org) = app.sign_up("phone").await;
    let (seller, sara) = app.add_user(&admin, &org, "seller", "sara").await;
    agent["handoff_owner_id"] = sara["id"].clone();
    let (status, agent) = app.call(Method::POST, "/agents", Some(&admin), Some(agent)).await;
    assert_eq!(status, 201, "{agent}");
    let playbook = app.import_fixture_playbook(&admin, playbook).await;
    let kind = json!({"slug": "qualification", "title": "Qualification", "duration_minutes": 30, "playbook_id": playbook, "ai_agent_id": agent["id"]});
    let (status, kind) = app.call(Method::POST, "/meeting-types", Some(&seller), Some(kind)).await;
    assert_eq!(status, 201, "{kind}");

    let (status, targets) = app.call(Method::GET, "/phone-numbers/targets", Some(&admin), None).await;
    assert_eq!(status, 200, "{targets}");
    assert_eq!(targets, json!([{"meeting_type_id": kind["id"], "title": "Qualification", "seller_name": sara["display_name"], "agent_name": agent["name"]}]));
    let number = |n: &str| json!({"number": n, "meeting_type_id": kind["id"]});
    let line = fresh_number();
    let (status, refused) = app.call(Method::POST, "/phone-numbers", Some(&seller), Some(number(&line))).await;
    assert_eq!(status, 403, "only admins put numbers on the line: {refused}");
    let (status, refused) = app.call(Method::POST, "/phone-numbers", Some(&admin), Some(number("02 12"))).await;
    assert_eq!(status, 422, "{refused}");
    let typed = format!("{} {} {}", &line[..3], &line[3..5], &line[5..]);
    let (status, added) = app.call(Method::POST, "/phone-numbers", Some(&admin), Some(number(&typed))).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["number"], line.as_str(), "stored in E.164");
    let (status, refused) = app.call(Method::POST, "/phone-numbers", Some(&admin), Some(number(&line))).await;
    assert_eq!(status, 409, "a number is on one line only: {refused}");
    (admin, seller, line)
}

/// `text` in `language`'s voice at 8 kHz.
pub fn said(voices: &Voices, language: &str, text: &str) -> Vec<i16> {
    voices.speak(language, text).unwrap().resampled(baresip::SAMPLE_RATE).unwrap().samples
}

/// `audio` (8 kHz) as Whisper takes it: 16 kHz floats (linear interpolation).
pub fn for_whisper(audio: &[i16]) -> Vec<f32> {
    let mut out = Vec::with_capacity(audio.len() * 2);
    for pair in audio.windows(2) {
        let (a, b) = (f32::from(pair[0]) / 32768.0, f32::from(pair[1]) / 32768.0);
        out.extend([a, (a + b) / 2.0]);
    }
    out
}

/// Seconds of silence the caller leaves for the greeting and the first question before answering.
pub const ANSWER_AT_S: usize = 14;
/// When the caller replies to the call back offered, s from the call's start: the offer comes
/// after their answer (about 17 s) and the agent's turn (1–3 s) and takes about 5 s; a reply
/// while it is still being said cuts it off and is heard as the reply all the same.
pub const REPLY_AT_S: usize = 27;

/// `script`'s caller dials `number` at the line's `at` and hangs up after `seconds`: silent for
/// [`ANSWER_AT_S`], then their answer, then silent until [`REPLY_AT_S`] and their reply to
/// the call back offered, then silent. Returns baresip's directory (what it heard:
/// `baresip::heard`) and the sample (8 kHz, from the call's start) where the answer ends.
pub async fn call(voices: &Voices, script: &Script, at: std::net::SocketAddr, number: &str, seconds: u32) -> (tempfile::TempDir, usize) {
    let said = |text| said(voices, script.language, text);
    let answer_end = baresip::SAMPLE_RATE as usize * ANSWER_AT_S + said(script.answer).len();
    let lines = [(ANSWER_AT_S, said(script.answer)), (REPLY_AT_S, said(script.call_back_reply))];
    (calling(at, number, script.caller_name, CALLER, &lines, seconds).await, answer_end)
}

/// A caller named `name` with number `caller` who dials `number` at the line's `at`, says
/// nothing and hangs up after `seconds`. Returns baresip's directory (what they heard:
/// `baresip::heard`).
pub async fn silent_call(at: std::net::SocketAddr, number: &str, name: &str, caller: &str, seconds: u32) -> tempfile::TempDir {
    calling(at, number, name, caller, &[], seconds).await
}

/// A caller named `name` with number `caller` who dials `number` at the line's `at`, says each
/// of `lines` (8 kHz) from its second of the call on (in order, none overlapping the one
/// before) and hangs up after `seconds`. Returns baresip's directory.
pub async fn calling(at: std::net::SocketAddr, number: &str, name: &str, caller: &str, lines: &[(usize, Vec<i16>)], seconds: u32) -> tempfile::TempDir {
    let mut microphone = Vec::new();
    for (from_s, line) in lines {
        microphone.resize((baresip::SAMPLE_RATE as usize * from_s).max(microphone.len()), 0);
        microphone.extend(line);
    }
    microphone.extend(vec![0i16; baresip::SAMPLE_RATE as usize * seconds as usize]);
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("caller.wav");
    baresip::write_wav(&wav, &microphone);
    baresip::configure(dir.path(), &format!("\"{name}\" <sip:{caller}@127.0.0.1>"), &wav);
    let status = baresip::dial(dir.path(), &format!("sip:{number}@{at}"), seconds).wait().await.unwrap();
    assert!(status.success(), "baresip exited with {status}");
    dir
}
