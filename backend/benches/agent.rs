//! An AI agent's turn-taking (#17): a scripted qualification of eight questions in a real
//! LiveKit room, in English and in Italian, with a guest (a second server-side participant) answering each question with
//! a synthesised sentence once the agent's line is over. Prints, from the guest's end, how long
//! after each answer the agent's next line began: p50 / p95 / max, against #17's goal (p95 ≤
//! 1.5 s) and the floor the VAD's hangover sets (700 ms, the silence that ends a turn). The
//! guest's gap includes its own microphone's queue (up to 200 ms) and both jitter buffers.
//! Asserts nothing.
//!
//! Against the services of `scripts/services up` (their `CLOSER_*` variables exported, as
//! `scripts/test` does). Run: `cargo bench --profile dev -p closer-backend --bench agent`.
//! `--bench tts` prints the voices' real-time factors.

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
#[path = "../tests/agent/mod.rs"]
mod agent;
#[path = "../tests/common/mod.rs"]
mod common;

use closer::agent::conversation::{self, Question, Script};
use closer::agent::dialogue::{Dialogue, Readers};
use closer::semantics::encoder::SentenceEncoder;
use closer::agent::voice::Voice;
use closer_testkit::eval::percentile;
use closer::live::vad::HANGOVER_MS;
use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use std::sync::Arc;

const ENGLISH: [(&str, &str); 8] = [
    ("What made you book this call today?", "Our sales team loses track of follow-ups every week."),
    ("How do you handle follow-ups at the moment?", "Everyone keeps their own spreadsheet, more or less."),
    ("How many sellers are on the team?", "We are twelve sellers and two managers."),
    ("What budget do you have in mind for this project?", "Around twenty thousand euros for the first year."),
    ("Who else takes part in the decision?", "Our finance director signs off on anything over ten thousand."),
    ("When would you like to have a solution in place?", "Before the summer, ideally in May."),
    ("Which tools should it connect to?", "HubSpot and our shared calendar."),
    ("Would a demo with one of our consultants next week work for you?", "Yes, Tuesday or Wednesday afternoon is fine."),
];

const ITALIAN: [(&str, &str); 8] = [
    ("Che cosa l'ha spinta a prenotare questa chiamata?", "Il nostro team commerciale perde i ricontatti ogni settimana."),
    ("Come gestite i ricontatti oggi?", "Ognuno tiene il suo foglio di calcolo, più o meno."),
    ("Quanti venditori ci sono nel team?", "Siamo dodici venditori e due responsabili."),
    ("Che budget avete previsto per questo progetto?", "Circa ventimila euro per il primo anno."),
    ("Chi altro partecipa alla decisione?", "Il direttore finanziario approva ogni spesa sopra i diecimila euro."),
    ("Entro quando vorreste avere una soluzione?", "Prima dell'estate, idealmente a maggio."),
    ("Con quali strumenti deve collegarsi?", "Con HubSpot e con il nostro calendario condiviso."),
    ("Le andrebbe una demo con un nostro consulente la prossima settimana?", "Sì, martedì o mercoledì pomeriggio va bene."),
];

/// One qualification of `exchanges` in `language`; prints each answer as heard with the gap
/// after it and returns the answers heard and the gaps, ms.
async fn qualification(voices: &Arc<Voices>, whisper: &Arc<WhisperEngine>, dialogue: &Dialogue, language: &str, exchanges: &[(&str, &str)]) -> (usize, Vec<i64>) {
    let mut call = agent::Call::start(&format!("bench-agent-{language}")).await;
    let voice = Voice::publish(&call.agent.room, "microphone").await.expect("publish");
    let (hears_agent, hears_guest) = call.hear_each_other().await;
    let answers: Vec<Vec<i16>> =
        exchanges.iter().map(|(_, a)| voices.speak(language, a).unwrap().resampled(48_000).unwrap().samples).collect();
    let guest = tokio::spawn(agent::guest(hears_agent, call.mic.clone(), answers, None));
    let script = Script {
        language: language.into(),
        greeting: if language == "it" { "Buongiorno Anna, grazie per essere qui." } else { "Hello Anna, thanks for joining." }.into(),
        asks_name: false,
        questions: exchanges.iter().map(|(q, _)| Question { text: (*q).to_owned(), criterion: None }).collect(),
        offers: Vec::new(),
        closing: if language == "it" { "Grazie Anna, a presto." } else { "Thank you, Anna. Talk soon." }.into(),
    };
    let heard = conversation::run(&voice, voices.clone(), whisper.clone(), hears_guest, &script, dialogue, conversation::SellerSide::absent()).await.expect("conversation").exchanges;
    let gaps: Vec<i64> = guest.await.unwrap().gaps.into_iter().map(|g| g as i64).collect();
    for (n, exchange) in heard.iter().enumerate() {
        let gap = gaps.get(n).map_or("-".to_owned(), |g| g.to_string());
        println!("    {language} {gap:>5} ms  {:?}", exchange.answer.as_deref().unwrap_or("(nothing heard)"));
    }
    (heard.iter().filter(|e| e.answer.is_some()).count(), gaps)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let models = common::models();
    let voices = Arc::new(Voices::load(&models).expect("voices"));
    let whisper = Arc::new(WhisperEngine::load(&models.whisper).expect("whisper"));
    println!("guest end of turn → the agent's next line, ms (goal p95 ≤ 1500; floor: the {HANGOVER_MS} ms hangover):");
    let readers = Arc::new(Readers::builtin(Arc::new(SentenceEncoder::load(&models).expect("encoder"))).expect("readers"));
    for (language, exchanges) in [("en", &ENGLISH), ("it", &ITALIAN)] {
        // No FAQ and no BANT criteria: every answer is taken as it comes.
        let dialogue = Dialogue::new(readers.clone(), language, &[]).expect("dialogue");
        let (answered, gaps) = qualification(&voices, &whisper, &dialogue, language, exchanges).await;
        println!(
            "  {language}: p50 {} / p95 {} / max {} (n = {}); {answered} of {} answers heard",
            percentile(&gaps, 50.0).unwrap_or_default(),
            percentile(&gaps, 95.0).unwrap_or_default(),
            percentile(&gaps, 100.0).unwrap_or_default(),
            gaps.len(),
            exchanges.len()
        );
    }
}
