//! LLM refinement of live tips against a local server speaking the OpenAI chat-completions
//! wire format (the real API is out of reach here): the rule-based tip comes first, the
//! refined one follows with its provenance and redacted; what is sent is redacted context;
//! a failing LLM leaves the rule-based tips alone.

mod common;

use axum::Json;
use axum::extract::State;
use closer::config::{Config, LlmProvider};
use closer::live::engines::Engines;
use closer::live::replay::{RecordedSpeaker, Recording, replay};
use closer::analysis::SpeakerRole;
use closer::llm::LlmClient;
use closer_wire::HudEvent;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Server {
    requests: Arc<Mutex<Vec<Value>>>,
    fail: bool,
}

async fn chat(State(server): State<Server>, Json(body): Json<Value>) -> (axum::http::StatusCode, Json<Value>) {
    server.requests.lock().unwrap().push(body);
    if server.fail {
        return (axum::http::StatusCode::BAD_GATEWAY, Json(json!({"error": {"message": "overloaded"}})));
    }
    let content = "\"Ask Sarah how onboarding works today; offer to mail details to sarah@acme.example\"\n";
    (axum::http::StatusCode::OK, Json(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})))
}

async fn start(server: Server) -> String {
    let router = axum::Router::new().route("/v1/chat/completions", axum::routing::post(chat)).with_state(server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

/// Replays the `smoke-en` sentence with the discovery playbook; returns the tips in order.
async fn tips(engines: Engines) -> Vec<(String, Option<String>, Option<String>)> {
    let playbook = serde_json::from_slice(&std::fs::read(common::fixture_playbook("discovery-en.json")).unwrap()).unwrap();
    let recording = Recording {
        meeting_id: common::unique("tips"),
        speakers: vec![RecordedSpeaker { name: "Marco".into(), wav: common::fixture_dir("smoke-en").join("host.wav"), role: SpeakerRole::Host }],
        playbook,
        language: "en".into(),
        realtime: false,
    };
    let mut tips = Vec::new();
    replay(engines, recording, None, |envelope| {
        if let HudEvent::Suggestion { text, item, refined_by, .. } = &envelope.event {
            tips.push((text.clone(), item.clone(), refined_by.clone()));
        }
    })
    .await
    .unwrap();
    tips
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tips_are_refined_in_the_background_and_redacted() {
    let embedded = Engines::load_embedded(&common::models()).unwrap();
    let server = Server::default();
    let config = Config {
        llm_provider: LlmProvider::Openai,
        llm_base_url: Some(start(server.clone()).await),
        llm_model: "test-model".into(),
        llm_api_key: Some("sk-test-key".into()),
        ..common::config()
    };
    let seen = tips(embedded.clone().with_llm(LlmClient::from_config(&config))).await;

    let first_refined = seen.iter().position(|t| t.2.is_some()).expect("a refined tip");
    assert!(seen[..first_refined].iter().any(|t| t.2.is_none()), "the rule-based tip comes first: {seen:#?}");
    let (text, item, by) = &seen[first_refined];
    assert_eq!(by.as_deref(), Some("llm:test-model"));
    assert_eq!(text, "Ask Sarah how onboarding works today; offer to mail details to [email]", "quotes trimmed, PII redacted");
    let rule = seen[..first_refined].iter().rev().find(|t| t.2.is_none()).unwrap();
    assert_eq!(item, &rule.1, "a refined tip is about the tip it rewrites");

    let requests = server.requests.lock().unwrap().clone();
    assert!(!requests.is_empty());
    let last = requests.last().unwrap();
    let system = last["messages"][0]["content"].as_str().unwrap();
    let user = last["messages"][1]["content"].as_str().unwrap();
    assert!(system.contains("at most 20 words"), "{system}");
    assert!(user.contains("Call language: en") && user.contains("The copilot's rule-based tip: “Set the agenda” is covered. Next:"), "{user}");
    assert!(
        requests.iter().any(|r| r["messages"][1]["content"].as_str().unwrap().contains("Marco: ")),
        "the transcript so far is sent as context: {requests:#?}"
    );

    // An LLM that fails changes nothing: the same rule-based tips, none refined.
    let failing = Server { fail: true, ..Server::default() };
    let config = Config { llm_base_url: Some(start(failing.clone()).await), ..config };
    let unrefined = tips(embedded.with_llm(LlmClient::from_config(&config))).await;
    assert!(!failing.requests.lock().unwrap().is_empty());
    assert!(!unrefined.is_empty() && unrefined.iter().all(|t| t.2.is_none()), "{unrefined:#?}");
    assert!(unrefined.iter().all(|t| t.0.contains("Next: ")), "{unrefined:#?}");
}
