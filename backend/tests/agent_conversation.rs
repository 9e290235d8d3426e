//! An AI agent runs a scripted qualification by voice in a real LiveKit room (#17): it greets,
//! asks three questions, hears each answer of a guest (a second participant speaking
//! synthesised answers), and the guest who cuts a question off is heard as answering it; what
//! was heard is assessed on BANT, with the guest's words as the evidence. On the phone line's
//! script the agent then offers call backs: the guest declines the first and accepts the
//! second, which is the one booked; a guest who says the number said back is not theirs gives
//! another. A guest whose name is unknown is asked it.

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
mod agent;
mod common;

use closer::agent::conversation::{self, Conversation, End, Question, Script, Transfer};
use closer::agent::dialogue::{Dialogue, Lines, Readers};
use closer::agent::offer;
use closer_wire::BantCriterion;
use closer::semantics::encoder::SentenceEncoder;
use closer::agent::voice::Voice;
use closer_testkit::eval::word_error_rate;
use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use chrono::TimeZone;
use std::sync::Arc;

/// One call: `script` run by the agent, `answers` spoken by the guest in the script's language
/// (the second question cut off one second in), each answer heard within `max_wer`.
async fn qualification(script: Script, answers: [&str; 3], max_wer: f64) {
    let models = common::models();
    let voices = Arc::new(Voices::load(&models).unwrap());
    let whisper = Arc::new(WhisperEngine::load(&models.whisper).unwrap());
    let mut call = agent::Call::start(&format!("conversation-{}", script.language)).await;
    let voice = Voice::publish(&call.agent.room, "microphone").await.unwrap();
    let (hears_agent, hears_guest) = call.hear_each_other().await;
    let spoken: Vec<Vec<i16>> = answers
        .iter()
        .map(|a| voices.speak(&script.language, a).unwrap().resampled(48_000).unwrap().samples)
        .collect();
    // The second question (the agent's second stretch of speech) is cut off.
    let guest = tokio::spawn(agent::guest(hears_agent, call.mic.clone(), spoken, Some(1)));
    let readers = Arc::new(Readers::builtin(Arc::new(SentenceEncoder::load(&models).unwrap())).unwrap());
    let dialogue = Dialogue::new(readers.clone(), &script.language, &[]).unwrap();
    let talked = conversation::run(&voice, voices.clone(), whisper, hears_guest, &script, &dialogue, conversation::SellerSide::absent()).await.expect("conversation");
    assert_eq!(talked.end, End::Finished);
    let exchanges = talked.exchanges;
    let gaps = guest.await.unwrap().gaps;
    println!("{}: guest end of turn → the agent's next line: {gaps:?} ms", script.language);
    assert_eq!(exchanges.len(), 3);
    for ((exchange, expected), question) in exchanges.iter().zip(answers).zip(&script.questions) {
        assert_eq!(exchange.question, question.text);
        let answer = exchange.answer.as_deref().unwrap_or_else(|| panic!("no answer to {question:?}"));
        let error = word_error_rate(expected, answer);
        println!("{question:?} → {answer:?} (WER {error:.2}, interrupted: {})", exchange.interrupted);
        assert!(error <= max_wer, "{answer:?} for {expected:?}");
    }
    let interrupted: Vec<bool> = exchanges.iter().map(|e| e.interrupted).collect();
    assert_eq!(interrupted, [false, true, false], "only the second question was cut off");
    assert_eq!(gaps.len(), 3, "the agent spoke again after each answer");
    // The turn takes the VAD's 700 ms hangover plus Whisper on the answer; the bench prints the
    // percentiles, this bounds them with the margin a loaded test machine needs.
    assert!(gaps.iter().all(|&g| g < 4_000), "{gaps:?}");

    // BANT from what the agent heard: the three criteria asked about, each with its answer as
    // the evidence; need was not asked. The budget answer names an amount set aside (met).
    let answers = conversation::bant_answers(&exchanges);
    let assessed = readers.assessor.assess(&readers.encoder, &answers, None).unwrap();
    println!("{}: BANT {assessed:?}", script.language);
    let heard = |n: usize| closer::pii::redact(exchanges[n].answer.as_deref().unwrap().trim()).text;
    let budget = assessed.budget.expect("budget asked");
    assert_eq!((budget.score, budget.evidence), (2, heard(0)));
    assert_eq!(assessed.authority.expect("authority asked").evidence, heard(1));
    assert!(assessed.timeline.is_some() && assessed.need.is_none());
}

fn questions<const N: usize>(texts: [(&str, BantCriterion); N]) -> Vec<Question> {
    texts.into_iter().map(|(text, criterion)| Question { text: text.into(), criterion: Some(criterion) }).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_qualification_is_asked_and_answered_even_when_the_guest_cuts_in() {
    let script = Script {
        language: "en".into(),
        greeting: "Hello Anna, thanks for joining. I have three quick questions for you.".into(),
        asks_name: false,
        questions: questions([
            ("What budget do you have in mind for this project?", BantCriterion::Budget),
            ("Who else takes part in the decision, besides you, and how do you usually decide on a purchase like this one?", BantCriterion::Authority),
            ("When would you like to have a solution in place?", BantCriterion::Timeline),
        ]),
        offers: Vec::new(),
        closing: "Thank you, Anna. A consultant will call you back this week.".into(),
    };
    let answers = [
        "We have about 20,000 euros for this project.",
        "The final decision is mine and our finance director's.",
        "We would like to start in March.",
    ];
    // Two words of a nine-word answer: Piper's voice varies from run to run (an earlier "I
    // decide together with…" was heard as "I decided to gather with…" in half the runs; this
    // one as "…mine in our finance directors" in some). The amount is written as Whisper
    // writes it; espeak-ng reads it out as words.
    qualification(script, answers, 0.3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_italian_qualification_is_asked_and_answered_even_when_the_guest_cuts_in() {
    let script = Script {
        language: "it".into(),
        greeting: "Buongiorno Anna, grazie per essere qui. Ho tre domande veloci per lei.".into(),
        asks_name: false,
        questions: questions([
            ("Che budget avete previsto per questo progetto?", BantCriterion::Budget),
            ("Chi altro partecipa alla decisione, oltre a lei, e come decidete di solito un acquisto come questo?", BantCriterion::Authority),
            ("Entro quando vorreste avere una soluzione?", BantCriterion::Timeline),
        ]),
        offers: Vec::new(),
        closing: "Grazie Anna. Un consulente la richiamerà questa settimana.".into(),
    };
    let answers = [
        "Abbiamo circa ventimila euro per questo progetto.",
        "Decido insieme al nostro direttore finanziario.",
        "Vorremmo cominciare a marzo, prima della stagione estiva.",
    ];
    // The festival diphone voice is heard at about 25 % WER (`--bench tts`); on these short
    // answers one or two words more.
    qualification(script, answers, 0.5).await;
}

/// A call with one question and two call backs offered: the guest answers, declines the first
/// slot and accepts the second; the agent confirms it and the conversation books it.
async fn call_back(language: &str, greeting: &str, question: &str, closing: &str, replies: [&str; 3]) {
    let rome: chrono_tz::Tz = "Europe/Rome".parse().unwrap();
    let slots = [rome.with_ymd_and_hms(2027, 3, 9, 10, 0, 0).unwrap(), rome.with_ymd_and_hms(2027, 3, 10, 15, 30, 0).unwrap()];
    let script = Script {
        language: language.into(),
        greeting: greeting.into(),
        asks_name: false,
        questions: questions([(question, BantCriterion::Budget)]),
        offers: offer::offers(language, "Sara Neri", "+393331234567", &slots),
        closing: closing.into(),
    };
    let (talked, heard, whisper) = talk(&format!("call-back-{language}"), &script, &replies, None).await;
    println!("{language}: the agent heard {:?}", talked.replies);
    assert_eq!(talked.end, End::Finished);
    assert_eq!(talked.exchanges.len(), 1);
    assert_eq!(talked.booked, Some(slots[1].with_timezone(&chrono::Utc)), "the second slot, the one accepted, is booked");
    assert_eq!(heard.gaps.len(), 3, "the agent spoke again after each reply");

    // The guest heard the second offer, in the agent's language: it is the last thing said
    // before their last reply (12 s of audio: the offer, their reply and the agent's turn).
    let tail = &heard.audio[heard.audio.len().saturating_sub(16_000 * 12)..];
    let offered = whisper.transcribe(&for_whisper_16k(tail), language).unwrap().text.to_lowercase();
    println!("{language}: the guest heard last {offered:?}");
    let month = if language == "it" { "marzo" } else { "march" };
    // "15 e 30" has been heard as "15 e in printa": the hour or the minutes will do.
    assert!(offered.contains(month) && (offered.contains("30") || offered.contains("15")), "{offered:?}");
}

/// A call back accepted, whose number said back is not the guest's: they say so, are asked
/// which number to ring and give it digit by digit; that number is the call back's.
async fn corrected_number(language: &str, greeting: &str, question: &str, replies: [&str; 4]) {
    let rome: chrono_tz::Tz = "Europe/Rome".parse().unwrap();
    let slot = rome.with_ymd_and_hms(2027, 3, 9, 10, 0, 0).unwrap();
    let script = Script {
        language: language.into(),
        greeting: greeting.into(),
        asks_name: false,
        questions: questions([(question, BantCriterion::Budget)]),
        offers: offer::offers(language, "Sara Neri", "+393331234567", &[slot]),
        closing: Lines::of(language).carry_on.into(),
    };
    let (talked, heard, whisper) = talk(&format!("number-{language}"), &script, &replies, None).await;
    println!("{language}: the agent heard {:?}, number {:?}", talked.replies, talked.call_back_number);
    assert_eq!(talked.end, End::Finished);
    assert_eq!(talked.booked, Some(slot.with_timezone(&chrono::Utc)));
    assert_eq!(talked.call_back_number.as_deref(), Some("+393337654321"));
    assert_eq!(heard.gaps.len(), 4, "the agent spoke again after each reply");
    // Before giving the number the guest was asked for it, in the agent's language (14 s of
    // audio: the question, their reply and the agent's turn).
    let tail = &heard.audio[heard.audio.len().saturating_sub(16_000 * 14)..];
    let asked = whisper.transcribe(&for_whisper_16k(tail), language).unwrap().text.to_lowercase();
    println!("{language}: the guest heard last {asked:?}");
    assert!(asked.contains(if language == "it" { "quale numero" } else { "which number" }), "{asked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_caller_gives_another_number_for_the_call_back() {
    let replies = ["We have about 20,000 euros for it.", "Yes, that works for me.", "No, that is not my number.", "Three three three, seven six five, four three two one."];
    corrected_number("en", "Hello Anna, I am Alex from Acme.", "What budget do you have in mind for this project?", replies).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_italian_caller_gives_another_number_for_the_call_back() {
    let replies = ["Abbiamo circa ventimila euro.", "Sì, va benissimo, grazie.", "No, non è il mio numero.", "Tre tre tre, sette sei cinque, quattro tre due uno."];
    corrected_number("it", "Buongiorno Anna, sono Chiara di Closer.", "Che budget avete previsto per questo progetto?", replies).await;
}

/// A guest whose name is unknown (a phone caller whose phone sent none) is asked it by the
/// greeting: a first answer without a name gets the question once more, the second names the
/// guest, the agent says the name back and goes on with its question.
async fn unnamed(language: &str, greeting: &str, question: &str, replies: [&str; 3], first_name: &str) {
    let script = Script {
        language: language.into(),
        greeting: format!("{greeting} {}", Lines::of(language).ask_name),
        asks_name: true,
        questions: questions([(question, BantCriterion::Budget)]),
        offers: Vec::new(),
        closing: Lines::of(language).carry_on.into(),
    };
    let (talked, heard, _) = talk(&format!("unnamed-{language}"), &script, &replies, None).await;
    println!("{language}: name {:?}, answer {:?}", talked.guest_name, talked.exchanges.first().map(|e| &e.answer));
    assert_eq!(talked.end, End::Finished);
    // Whisper hears the synthetic voices' surnames less surely ("Giulia Blanchi"): the first
    // name must be right.
    let first = talked.guest_name.as_deref().and_then(|n| n.split(' ').next());
    assert_eq!(first, Some(first_name), "{:?}", talked.guest_name);
    assert_eq!(talked.exchanges.len(), 1);
    assert!(talked.exchanges[0].answer.is_some(), "the answer after the name is the question's");
    assert_eq!(heard.gaps.len(), 3, "the agent spoke again after each reply");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_guest_without_a_name_is_asked_it_until_they_give_it() {
    let replies = ["Yes, hello.", "My name is Peter Smith.", "We have about twenty thousand euros."];
    unnamed("en", "Hello, I am Alex from Acme.", "What budget do you have in mind for this project?", replies, "Peter").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_italian_guest_without_a_name_is_asked_it_until_they_give_it() {
    let replies = ["Sì, buongiorno.", "Sono Marco Rossi.", "Abbiamo circa ventimila euro."];
    unnamed("it", "Buongiorno, sono Chiara di Closer.", "Che budget avete previsto per questo progetto?", replies, "Marco").await;
}

/// A guest whose phone sent no name gives it, asks for a person, declines the offer to call the
/// seller in, then asks again and accepts: the seller is summoned with the name the guest gave.
/// She never comes. The line is never silent for long: the agent says it is still trying,
/// twice, then that she cannot join, and asks its question again, which the guest answers (#18).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_who_asks_again_and_holds_for_a_seller_who_never_comes_hears_the_agent_still_trying() {
    let script = Script {
        language: "en".into(),
        greeting: format!("Hello, I am Alex from Acme. {}", Lines::of("en").ask_name),
        asks_name: true,
        questions: questions([("What budget do you have in mind for this project?", BantCriterion::Budget)]),
        offers: Vec::new(),
        closing: "Thank you, Anna. Talk soon.".into(),
    };
    let (summon, summoned) = tokio::sync::oneshot::channel();
    let transfer = Transfer { seller: "Sara".into(), in_hours: true, summon };
    // The guest answers every stretch of the agent's: the offer, the hold line and each
    // reminder too, as callers do ("okay"). A request is one sentence: the agent's end of turn
    // (700 ms of silence) falls in Piper's pause between two, and the second would be taken as
    // the reply to the offer.
    let replies = [
        "My name is Anna Rossi.",
        "Actually, could you get somebody from your team on the line for me?",
        "No, thank you, not now.",
        "Sorry, could you get somebody from your team on the line for me after all?",
        "Yes, please do.",
        "Okay.",
        "Sure.",
        "All right.",
        "We have about twenty thousand euros for it.",
    ];
    let started = std::time::Instant::now();
    let (talked, heard, whisper) = talk("holding", &script, &replies, Some(transfer)).await;
    println!("held and talked for {:?}; the agent heard {:?}", started.elapsed(), talked.replies);
    // Each stretch on its own: Whisper drops short lines between long silences.
    let said: Vec<String> = agent::stretches(&heard.audio)
        .into_iter()
        .map(|stretch| whisper.transcribe(&for_whisper_16k(stretch), "en").unwrap().text.to_lowercase())
        .collect();
    println!("the guest heard {said:#?}");
    let named = summoned.await.expect("Sara was summoned once the guest accepted");
    // As Whisper heard it ("Anna Rossi", "Ana Rossi"…): the name the agent learned and said back.
    assert!(named.as_deref().is_some_and(|n| !n.is_empty()), "the summons names the guest: {named:?}");
    assert_eq!(named, talked.guest_name, "the summons names the guest as the agent learned it");
    assert!(talked.asked_for_seller);
    assert_eq!(talked.end, End::Finished);
    let answer = talked.exchanges[0].answer.as_deref().unwrap_or_default().to_lowercase();
    assert!(answer.contains("twenty thousand") || answer.contains("20,000") || answer.contains("20000"), "{answer:?}");
    assert_eq!(heard.gaps.len(), replies.len(), "the agent spoke again after each reply");
    let reminders = said.iter().filter(|s| s.contains("still trying") || s.contains("holding")).count();
    assert_eq!(reminders, 2, "two reminders in 45 s: {said:?}");
    assert!(said.iter().any(|s| s.contains("join right now")), "{said:?}");
    assert_eq!(said.iter().filter(|s| s.contains("would you like me to ask")).count(), 2, "offered twice: {said:?}");
}

/// Runs `script` in a fresh room named `room`, with a guest who says each of `replies` in turn
/// (in the script's language) after each stretch of the agent's speech, never cutting in, and
/// `transfer`, the seller they may ask for (who never joins). Returns the conversation, what
/// the guest heard, and the Whisper the agent used.
async fn talk(room: &str, script: &Script, replies: &[&str], transfer: Option<Transfer>) -> (Conversation, agent::Heard, Arc<WhisperEngine>) {
    let models = common::models();
    let voices = Arc::new(Voices::load(&models).unwrap());
    let whisper = Arc::new(WhisperEngine::load(&models.whisper).unwrap());
    let mut call = agent::Call::start(room).await;
    let voice = Voice::publish(&call.agent.room, "microphone").await.unwrap();
    let (hears_agent, hears_guest) = call.hear_each_other().await;
    let spoken = replies.iter().map(|a| voices.speak(&script.language, a).unwrap().resampled(48_000).unwrap().samples).collect();
    let guest = tokio::spawn(agent::guest(hears_agent, call.mic.clone(), spoken, None));
    let readers = Arc::new(Readers::builtin(Arc::new(SentenceEncoder::load(&models).unwrap())).unwrap());
    let dialogue = Dialogue::new(readers, &script.language, &[]).unwrap();
    let seller = conversation::SellerSide { takes_over: std::future::pending(), transfer };
    let talked = conversation::run(&voice, voices, whisper.clone(), hears_guest, script, &dialogue, seller).await.expect("conversation");
    (talked, guest.await.unwrap(), whisper)
}

/// 16 kHz samples as Whisper takes them.
fn for_whisper_16k(audio: &[i16]) -> Vec<f32> {
    audio.iter().map(|&s| f32::from(s) / 32768.0).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_caller_declines_one_call_back_and_books_the_other() {
    call_back(
        "en",
        "Hello Anna, I am Alex from Acme.",
        "What budget do you have in mind for this project?",
        "Thank you, Anna. Talk soon.",
        ["We have about 20,000 euros for it.", "No, I'm away all day on Tuesday.", "Yes, that works for me."],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_italian_caller_declines_one_call_back_and_books_the_other() {
    call_back(
        "it",
        "Buongiorno Anna, sono Chiara di Closer.",
        "Che budget avete previsto per questo progetto?",
        "Grazie Anna, a presto.",
        ["Abbiamo circa ventimila euro.", "No, martedì sono fuori tutto il giorno.", "Sì, va benissimo, grazie."],
    )
    .await;
}
