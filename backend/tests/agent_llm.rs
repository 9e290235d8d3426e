//! An AI agent reasons with a configured LLM (#17, `agent::reasoning`), against a local server
//! speaking the OpenAI chat-completions wire format (the real APIs are out of reach here): the
//! LLM reads each guest turn with the agent's persona and FAQ and only redacted text; its reply
//! is what the agent says, in a real LiveKit room, and what the guest's side hears; a reply
//! with a number the FAQ does not give, a failing or a late LLM leave the turn to the embedded
//! dialogue.

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
mod agent;
mod common;

use axum::Json;
use axum::extract::State;
use closer::agent::conversation::{self, End, Question, Script};
use closer::agent::dialogue::{Dialogue, Readers};
use closer::agent::reasoning::{Reasoner, Response, TURN_BUDGET, TurnContext};
use closer::agent::voice::Voice;
use closer::config::{Config, LlmProvider};
use closer::llm::LlmClient;
use closer::semantics::encoder::SentenceEncoder;
use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use closer_wire::{AgentFaq, BantCriterion, BattleCard, Objection};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The local LLM: answers each request with the next scripted verdict (or fails, or is late)
/// and keeps the requests.
#[derive(Clone, Default)]
struct Llm {
    requests: Arc<Mutex<Vec<Value>>>,
    verdicts: Arc<Mutex<VecDeque<Value>>>,
    fail: bool,
    delay: Duration,
}

async fn chat(State(llm): State<Llm>, Json(body): Json<Value>) -> (axum::http::StatusCode, Json<Value>) {
    llm.requests.lock().unwrap().push(body);
    tokio::time::sleep(llm.delay).await;
    let verdict = llm.verdicts.lock().unwrap().pop_front();
    match verdict {
        Some(verdict) if !llm.fail => {
            let content = verdict.to_string();
            (axum::http::StatusCode::OK, Json(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})))
        }
        _ => (axum::http::StatusCode::BAD_GATEWAY, Json(json!({"error": {"message": "overloaded"}}))),
    }
}

impl Llm {
    fn answering(verdicts: impl IntoIterator<Item = Value>) -> Self {
        Self { verdicts: Arc::new(Mutex::new(verdicts.into_iter().collect())), ..Self::default() }
    }

    /// Serves on a free loopback port; the client configured for it.
    async fn client(&self) -> LlmClient {
        let router = axum::Router::new().route("/v1/chat/completions", axum::routing::post(chat)).with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let config = Config {
            llm_provider: LlmProvider::Openai,
            llm_base_url: Some(base),
            llm_model: "test-model".into(),
            llm_api_key: Some("sk-test-key".into()),
            ..Config::default()
        };
        LlmClient::from_config(&config).expect("an LLM configured")
    }

    /// The request `n`'s system and user prompts.
    fn prompts(&self, n: usize) -> (String, String) {
        let requests = self.requests.lock().unwrap();
        let messages = &requests[n]["messages"];
        (messages[0]["content"].as_str().unwrap().to_owned(), messages[1]["content"].as_str().unwrap().to_owned())
    }
}

const PERSONA: &str = "You are Giulia from Nimbus Payroll: warm, brief, never pushy.";

fn faq() -> Vec<AgentFaq> {
    vec![
        AgentFaq { question: "How much does it cost?".into(), answer: "Nimbus costs 30 euros per employee per month.".into() },
        AgentFaq { question: "Is onboarding included?".into(), answer: "Every plan includes onboarding.".into() },
    ]
}

/// The meeting playbook's objections, with their battle cards.
fn cards() -> Vec<Objection> {
    vec![Objection {
        key: "price".into(),
        title: "Too expensive".into(),
        examples: vec!["It is too expensive for us".into()],
        battle_card: BattleCard { title: "Price".into(), points: vec!["Payback within one quarter".into(), "Saves 5 hours a week per seller".into()], image_url: None },
        threshold: None,
    }]
}

fn dialogue_of(language: &str, reasoner: Option<Reasoner>) -> Dialogue {
    let readers = Arc::new(Readers::builtin(Arc::new(SentenceEncoder::load(&common::models()).unwrap())).unwrap());
    Dialogue::new(readers, language, &faq()).unwrap().with_reasoner(reasoner)
}

const QUESTION: &str = "What budget do you have in mind for this project?";

fn turn(text: &str) -> TurnContext<'_> {
    TurnContext { question: QUESTION, answered: None, may_follow_up: true, turn: text }
}

#[tokio::test]
async fn the_llm_reads_the_turn_with_the_persona_and_the_faq_and_only_redacted_text() {
    let llm = Llm::answering([
        json!({"kind": "faq", "reply": "It is 30 euros per employee a month, onboarding included.", "follow_up": null}),
        json!({"kind": "answer", "reply": null, "follow_up": "Is that budget already approved?"}),
        json!({"kind": "answer", "reply": null, "follow_up": "Anything else?"}),
        json!({"kind": "objection", "reply": "Most teams get it back within one quarter: it saves 5 hours a week per seller.", "follow_up": null}),
    ]);
    let dialogue = dialogue_of("en", Some(Reasoner::new(llm.client().await, "Giulia", "en", PERSONA, &faq(), &cards())));

    let asked = dialogue.respond(Some(BantCriterion::Budget), turn("How much is it? You can write to anna.rossi@acme.example")).await.unwrap();
    assert_eq!(asked, Response::Question { reply: "It is 30 euros per employee a month, onboarding included.".into(), answered: true });
    let (system, user) = llm.prompts(0);
    assert!(system.contains(PERSONA) && system.contains("Nimbus costs 30 euros per employee per month.") && system.contains("Speak English"), "{system}");
    assert!(system.contains("Too expensive (\"It is too expensive for us\"): Payback within one quarter; Saves 5 hours a week per seller"), "{system}");
    assert!(user.contains(QUESTION) && user.contains("[email]") && !user.contains("anna.rossi"), "{user}");

    let answer = TurnContext { may_follow_up: true, ..turn("We have about 20,000 euros for it.") };
    assert_eq!(dialogue.respond(Some(BantCriterion::Budget), answer).await.unwrap(), Response::Answer { follow_up: Some("Is that budget already approved?".into()) });
    let (_, user) = llm.prompts(1);
    assert!(user.contains("20,000") && user.contains("A follow-up question is allowed: yes"), "{user}");
    let again = TurnContext { answered: Some("We have about 20,000 euros for it."), may_follow_up: false, ..turn("Yes, the board approved it.") };
    assert_eq!(dialogue.respond(Some(BantCriterion::Budget), again).await.unwrap(), Response::Answer { follow_up: None }, "one follow-up per question");
    let (_, user) = llm.prompts(2);
    assert!(user.contains("What the guest already answered to it: We have about 20,000 euros") && user.contains("allowed: no"), "{user}");
    // An objection is answered from its battle card, whose figures the agent may say.
    let objection = dialogue.respond(Some(BantCriterion::Budget), turn("Honestly, this sounds expensive for a team like ours.")).await.unwrap();
    assert_eq!(objection, Response::Objection { reply: "Most teams get it back within one quarter: it saves 5 hours a week per seller.".into() });

    let italian = Llm::answering([json!({"kind": "question", "reply": "Le farò sapere da un collega.", "follow_up": null})]);
    let dialogo = dialogue_of("it", Some(Reasoner::new(italian.client().await, "Giulia", "it", "", &faq(), &cards())));
    let asked = dialogo.respond(None, turn("Lavorate anche in Svizzera?")).await.unwrap();
    assert_eq!(asked, Response::Question { reply: "Le farò sapere da un collega.".into(), answered: false });
    assert!(italian.prompts(0).0.contains("Speak Italian"));
}

#[tokio::test]
async fn an_invented_price_a_failing_or_a_late_llm_leave_the_turn_to_the_embedded_dialogue() {
    let question = turn("How much does it cost per month?");
    let embedded = dialogue_of("en", None).respond(Some(BantCriterion::Budget), question).await.unwrap();
    assert_eq!(embedded, Response::Question { reply: "Nimbus costs 30 euros per employee per month.".into(), answered: true }, "the FAQ answers it");

    let inventing = Llm::answering([json!({"kind": "faq", "reply": "Just 19 euros a month this week!", "follow_up": null})]);
    let dialogue_with = |llm: LlmClient| dialogue_of("en", Some(Reasoner::new(llm, "Giulia", "en", PERSONA, &faq(), &cards())));
    let said = dialogue_with(inventing.client().await).respond(Some(BantCriterion::Budget), question).await.unwrap();
    assert_eq!(said, embedded, "a price the FAQ does not give is never said");
    assert_eq!(inventing.requests.lock().unwrap().len(), 1);

    let failing = Llm { fail: true, ..Llm::default() };
    let said = dialogue_with(failing.client().await).respond(Some(BantCriterion::Budget), question).await.unwrap();
    assert_eq!((said, failing.requests.lock().unwrap().len()), (embedded.clone(), 1));

    let late = Llm { delay: TURN_BUDGET + Duration::from_secs(30), ..Llm::answering([json!({"kind": "question", "reply": "Too late."})]) };
    let started = Instant::now();
    let said = dialogue_with(late.client().await).respond(Some(BantCriterion::Budget), question).await.unwrap();
    assert_eq!(said, embedded);
    // The turn did not wait for the LLM: the budget plus the embedded reading, which took up to
    // 2 s on a CI machine busy with the room test beside it, is far below the LLM's delay.
    assert!(started.elapsed() < TURN_BUDGET + Duration::from_secs(15), "{:?}", started.elapsed());
}

/// In a real room: the guest asks about onboarding before answering; the agent says the LLM's
/// answer (the guest's side hears it), asks its question again, hears the answer and closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guest_hears_the_llms_reply_in_the_room() {
    let reply = "Yes, onboarding is included, with a dedicated trainer for your team.";
    let llm = Llm::answering([
        json!({"kind": "faq", "reply": reply, "follow_up": null}),
        json!({"kind": "answer", "reply": null, "follow_up": null}),
    ]);
    let models = common::models();
    let voices = Arc::new(Voices::load(&models).unwrap());
    let whisper = Arc::new(WhisperEngine::load(&models.whisper).unwrap());
    let mut call = agent::Call::start("conversation-llm").await;
    let voice = Voice::publish(&call.agent.room, "microphone").await.unwrap();
    let (hears_agent, hears_guest) = call.hear_each_other().await;
    let said = ["Before that: is onboarding included?", "We have about 20,000 euros for this project."];
    let spoken = said.iter().map(|a| voices.speak("en", a).unwrap().resampled(48_000).unwrap().samples).collect();
    let guest = tokio::spawn(agent::guest(hears_agent, call.mic.clone(), spoken, None));
    let script = Script {
        language: "en".into(),
        greeting: "Hello Anna, thanks for joining.".into(),
        asks_name: false,
        questions: vec![Question { text: QUESTION.into(), criterion: Some(BantCriterion::Budget) }],
        offers: Vec::new(),
        closing: "Thank you, Anna. A consultant will call you back this week.".into(),
    };
    let dialogue = dialogue_of("en", Some(Reasoner::new(llm.client().await, "Giulia", "en", PERSONA, &faq(), &cards())));
    let talked = conversation::run(&voice, voices, whisper.clone(), hears_guest, &script, &dialogue, conversation::SellerSide::absent()).await.expect("conversation");
    assert_eq!(talked.end, End::Finished);
    let heard = guest.await.unwrap();
    println!("guest end of turn → the agent's next line: {:?} ms", heard.gaps);

    let exchange = &talked.exchanges[0];
    assert_eq!(exchange.guest_questions.len(), 1, "{exchange:?}");
    // (Whisper writes "onboarding" or "on boarding".)
    assert!(exchange.guest_questions[0].answered && exchange.guest_questions[0].text.to_lowercase().replace(' ', "").contains("onboarding"), "{exchange:?}");
    // (Whisper writes "20,000", "20, 000" or "20 000": the figure is checked on its digits.)
    assert!(exchange.answer.as_deref().is_some_and(|a| a.chars().filter(|c| !matches!(c, ' ' | ',' | '.')).collect::<String>().contains("20000")), "{exchange:?}");
    assert_eq!(llm.requests.lock().unwrap().len(), 2);

    // What the guest's side received from the agent, transcribed: the LLM's reply is in it.
    let audio: Vec<f32> = heard.audio.iter().map(|&s| f32::from(s) / 32768.0).collect();
    let transcript = whisper.transcribe(&audio, "en").unwrap().text.to_lowercase();
    println!("the guest heard: {transcript}");
    assert!(transcript.contains("dedicated trainer") && transcript.contains("coming back to my question"), "{transcript}");
}
