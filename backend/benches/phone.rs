//! The phone line's timing (#18): a real SIP phone (Debian's baresip) calls a number on the line
//! `CLOSER_BENCH_CALLS` times (default 3) in English and in Italian; each caller answers the
//! agent's first question and hangs up during the next. Prints, p50 / p95 / max over the calls:
//! - answer time: the call ringing → answered, from the call log (the meeting, the lead and the
//!   caller's join to the room happen in between);
//! - greeting: the call's audio starting → the agent's first sound at the caller (the agent is
//!   dispatched, joins, hears the caller's microphone, synthesises);
//! - caller end of turn → the agent's next sound at the caller: the gap a caller waits through,
//!   against #17's goal (p95 ≤ 1.5 s) and the floor the VAD's hangover sets (700 ms). Both
//!   sides of it are on the call's audio timeline (baresip's microphone WAV and its dump of what
//!   it heard start together), so the network and both jitter buffers are in it.
//!
//! Asserts nothing.
//!
//! Against the services of `scripts/services up` (their `CLOSER_*` variables exported, as
//! `scripts/test` does). Run: `cargo bench --profile dev -p closer-backend --bench phone`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/phone/mod.rs"]
mod phone;

use closer::live::vad::HANGOVER_MS;
use closer::tts::Voices;
use closer_testkit::baresip;
use closer_testkit::eval::percentile;
use closer_wire::PhoneCall;
use common::TestApp;
use reqwest::Method;

/// 8 kHz samples per ms.
const PER_MS: usize = baresip::SAMPLE_RATE as usize / 1000;

/// The first 20 ms frame at or after `from` (samples) with a sample over 2000: the agent's
/// voice, not the line's silence.
fn first_sound(heard: &[i16], from: usize) -> Option<usize> {
    heard.get(from..)?.chunks(160).position(|f| f.iter().any(|s| s.unsigned_abs() > 2_000)).map(|i| from + i * 160)
}

fn summary(label: &str, values: &[i64]) {
    let p = |q| percentile(values, q).map_or("–".to_owned(), |v| v.to_string());
    println!("  {label}: p50 {} / p95 {} / max {} ms over {} calls", p(50.0), p(95.0), p(100.0), values.len());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let calls: usize = std::env::var("CLOSER_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let _workers = closer::agent::start(app.state.clone()).expect("the workers start");
    let rtc = closer_rtc::Rtc::load(&closer_rtc::library_path(&app.config.models_dir)).unwrap();
    let line = closer::phone::line::start(app.state.clone(), rtc, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let voices = Voices::load(&common::models()).unwrap();
    println!("phone line: {calls} calls per language, baresip on 127.0.0.1, G.711 µ-law");
    for script in [phone::english(), phone::italian()] {
        let (admin, _, number) = phone::line_answered_by(&app, script.agent.clone(), script.playbook).await;
        let (mut answer, mut greeting, mut reply) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..calls {
            let (dir, answer_end) = phone::call(&voices, &script, line.local_addr, &number, 24).await;
            let heard = baresip::heard(dir.path());
            if let Some(first) = first_sound(&heard, 0) {
                greeting.push((first / PER_MS) as i64);
            }
            // The agent's next line, not the tail of one the caller answered over.
            let quiet = heard.get(answer_end..).and_then(|rest| rest.chunks(160).position(|f| f.iter().all(|s| s.unsigned_abs() <= 2_000)));
            if let Some(next) = quiet.and_then(|q| first_sound(&heard, answer_end + q * 160)) {
                reply.push(((next - answer_end) / PER_MS) as i64);
            }
            let (_, log) = app.call(Method::GET, "/phone-calls", Some(&admin), None).await;
            let log: Vec<PhoneCall> = serde_json::from_value(log).unwrap();
            if let Some(answered) = log.first().and_then(|c| c.answered_at.map(|a| (a - c.started_at).num_milliseconds())) {
                answer.push(answered);
            }
        }
        println!("{}:", script.language);
        summary("answer time (ringing → answered)", &answer);
        summary("greeting (audio start → agent's first sound)", &greeting);
        summary("caller end of turn → agent's next sound", &reply);
        println!("  (goal p95 ≤ 1500 ms; the VAD's hangover alone is {HANGOVER_MS} ms)");
    }
}
