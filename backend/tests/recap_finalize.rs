//! Finalize end to end against the real services: a call's documents written by the live
//! persister → finalize → recap in MongoDB, meeting `processed`, one `meeting.processed`
//! webhook (delivered to a local receiver, signed, matching the JSON Schema); finalizing
//! twice is a no-op; a worker that dies mid-finalize is replaced and the job completes; LLM
//! notes from local OpenAI-compatible and Anthropic servers, and the fallback when the LLM
//! fails.
//!
//! Finalize workers process every ended meeting of the database, so the tests of this binary
//! run one at a time (`SERIAL`).

mod common;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use closer::config::{Config, LlmProvider};
use closer::live::persist::Persister;
use closer::recap::finalize::{FlushLive, Finalizer, Outcome};
use closer::recap::jobs;
use closer_wire::{Evidence, HudEnvelope, HudEvent, SentimentLabel, WordTiming};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A finished two-person call: meeting, participants, and its live documents in MongoDB.
struct Call {
    meeting: Uuid,
    admin: String,
}

fn final_segment(seq: u64, id: &str, speaker: &str, name: &str, text: &str, start: u64, end: u64) -> HudEnvelope {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let step = (end - start) / tokens.len() as u64;
    let words = tokens
        .iter()
        .enumerate()
        .map(|(i, w)| WordTiming { text: (*w).into(), start_ms: start + i as u64 * step, end_ms: start + (i as u64 + 1) * step })
        .collect();
    HudEnvelope {
        seq,
        at_ms: end + 300,
        event: HudEvent::TranscriptFinal {
            segment_id: id.into(),
            speaker: speaker.into(),
            speaker_name: name.into(),
            text: text.into(),
            start_ms: start,
            end_ms: end,
            words,
        },
    }
}

async fn finished_call(app: &TestApp, prefix: &str) -> Call {
    let (admin, slug) = app.sign_up(prefix).await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(json!({"title": "Discovery with Acme", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let meeting: Uuid = meeting["id"].as_str().unwrap().parse().unwrap();
    let _ = slug;
    for (identity, role, name) in [("host-1", "host", "Marco"), ("guest-1", "guest", "Sarah")] {
        sqlx::query(
            "INSERT INTO participants (meeting_id, identity, role, display_name, ai_consent, consent_at)
             VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'guest' THEN 'accepted' END, CASE WHEN $3 = 'guest' THEN now() END)",
        )
        .bind(meeting)
        .bind(identity)
        .bind(role)
        .bind(name)
        .execute(&app.pg)
        .await
        .unwrap();
    }
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let persist = Persister::start(mongo);
    let id = meeting.to_string();
    let evidence = |segment: &str, speaker: &str, start: u64, text: &str| Evidence {
        segment_id: segment.into(),
        speaker: speaker.into(),
        start_ms: start,
        text: text.into(),
        score: 0.5,
    };
    let events = vec![
        final_segment(0, "host-1-0", "host-1", "Marco", "What is the biggest problem your team has with onboarding today?", 1000, 5000),
        HudEnvelope { seq: 1, at_ms: 5300, event: HudEvent::ChecklistTicked { item: "pain".into(), title: "Pain".into(), evidence: evidence("host-1-0", "host-1", 1000, "biggest problem") } },
        final_segment(2, "guest-1-0", "guest-1", "Sarah", "Honestly it is all manual and a competitor quoted us a much lower price.", 5600, 10_000),
        HudEnvelope {
            seq: 3,
            at_ms: 10_300,
            event: HudEvent::ObjectionDetected {
                objection: "price_competitor".into(),
                title: "Competitor is cheaper".into(),
                battle_card: closer_wire::BattleCard { title: "Total cost".into(), points: vec!["Compare setup and support".into()], image_url: None },
                evidence: evidence("guest-1-0", "guest-1", 5600, "a competitor quoted us a much lower price"),
            },
        },
        HudEnvelope {
            seq: 4,
            at_ms: 10_300,
            event: HudEvent::SentimentUpdated {
                speaker: "guest-1".into(),
                speaker_name: "Sarah".into(),
                label: SentimentLabel::Negative,
                confidence: 0.8,
                segment_id: "guest-1-0".into(),
                start_ms: 5600,
                end_ms: 10_000,
            },
        },
        final_segment(5, "host-1-1", "host-1", "Marco", "I understand. I will send you the total cost comparison by Friday.", 10_600, 15_000),
        final_segment(6, "guest-1-1", "guest-1", "Sarah", "Great, that works for us. My card is [card] by the way.", 15_600, 19_000),
        HudEnvelope {
            seq: 7,
            at_ms: 19_300,
            event: HudEvent::SentimentUpdated {
                speaker: "guest-1".into(),
                speaker_name: "Sarah".into(),
                label: SentimentLabel::Positive,
                confidence: 0.9,
                segment_id: "guest-1-1".into(),
                start_ms: 15_600,
                end_ms: 19_000,
            },
        },
    ];
    for envelope in &events {
        persist.event(&id, envelope);
    }
    persist.drain().await;
    sqlx::query("UPDATE meetings SET status = 'ended', started_at = now() - interval '1 minute', ended_at = now() WHERE id = $1")
        .bind(meeting)
        .execute(&app.pg)
        .await
        .unwrap();
    Call { meeting, admin }
}

async fn events_of(app: &TestApp, meeting: Uuid) -> Vec<Value> {
    sqlx::query_scalar("SELECT payload FROM webhook_events WHERE meeting_id = $1")
        .bind(meeting)
        .fetch_all(&app.pg)
        .await
        .unwrap()
}

fn schema_validator() -> jsonschema::Validator {
    let path = common::repo_root().join("backend/docs/webhook-payload.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema itself is valid")
}

/// Receives webhooks and keeps their bodies and headers.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> &'static str {
    r.got.lock().unwrap().push((headers, body));
    "ok"
}

#[tokio::test]
async fn finalize_stores_the_recap_once_and_sends_a_valid_signed_webhook() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let call = finished_call(&app, "fin_once").await;
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let (status, endpoint) = app.call(Method::POST, "/webhooks", Some(&call.admin), Some(json!({"url": url, "events": ["meeting.processed"]}))).await;
    assert_eq!(status, 201, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_owned();

    let (status, _) = app.call(Method::GET, &format!("/meetings/{}/recap", call.meeting), Some(&call.admin), None).await;
    assert_eq!(status, 404, "no recap before finalize");
    let presented = format!("/meetings/{}/battle-cards/price_competitor/presented", call.meeting);
    assert_eq!(app.call(Method::POST, &presented, Some(&call.admin), None).await.0, 204, "the host presented the card");
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let finalizer = Finalizer::new(&app.config, app.pg.clone(), mongo);
    assert_eq!(finalizer.finalize(call.meeting).await.unwrap(), Outcome::Processed);
    assert_eq!(finalizer.finalize(call.meeting).await.unwrap(), Outcome::AlreadyProcessed, "finalizing twice is a no-op");
    assert_eq!(closer::meetings::status(&app.pg, call.meeting).await.unwrap(), Some(closer_wire::MeetingStatus::Processed));
    assert_eq!(events_of(&app, call.meeting).await.len(), 1, "one meeting.processed event");

    let (status, recap) = app.call(Method::GET, &format!("/meetings/{}/recap", call.meeting), Some(&call.admin), None).await;
    assert_eq!(status, 200, "{recap}");
    assert_eq!(recap["kpis"]["objections_raised"], 1);
    assert_eq!(recap["kpis"]["objections_handled"], 1, "Marco answered and Sarah got warmer: {recap}");
    assert_eq!(recap["kpis"]["items_covered"], 1);
    assert_eq!((recap["objections"][0]["card_shown"].as_bool(), recap["objections"][0]["card_presented"].as_bool()), (Some(true), Some(true)));
    assert_eq!(recap["transcript"].as_array().unwrap().len(), 4);
    assert!(recap["speakers"][1]["wpm"].as_f64().is_some(), "{recap}");
    let action = &recap["action_items"][0];
    assert_eq!((action["text"].as_str(), action["owner"].as_str(), action["due"].as_str()), (Some("I will send you the total cost comparison by Friday"), Some("Marco"), Some("by Friday")));
    let html = app.client.get(app.url(&format!("/meetings/{}/recap?format=html", call.meeting))).bearer_auth(&call.admin).send().await.unwrap();
    assert_eq!(html.status(), 200);
    let page = html.text().await.unwrap();
    assert!(page.starts_with("<!doctype html>") && page.contains("Discovery with Acme") && page.contains("<svg"), "{page}");
    // The same page as a PDF download, printed by Chromium: its text is the recap's.
    let pdf = app.client.get(app.url(&format!("/meetings/{}/recap?format=pdf", call.meeting))).bearer_auth(&call.admin).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert_eq!(pdf.headers()["content-disposition"].to_str().unwrap(), format!("attachment; filename=\"recap-{}.pdf\"", call.meeting));
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("recap.pdf"), &bytes).unwrap();
    let text = std::process::Command::new("pdftotext").arg(dir.path().join("recap.pdf")).arg("-").output().expect("pdftotext (poppler-utils, scripts/setup)");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Discovery with Acme") && text.contains("Action items") && text.contains("total cost comparison"), "{text}");
    assert!(!text.contains("4111"), "only redacted text is printed");
    let (status, body) = app.call(Method::GET, &format!("/meetings/{}/recap?format=docx", call.meeting), Some(&call.admin), None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("format")), "{body}");

    let _worker = closer::webhooks::worker::start(app.pg.clone(), closer::webhooks::worker::Settings::from_config(&Config { webhook_poll_ms: 50, ..app.config.clone() }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while receiver.got.lock().unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "webhook not received");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (headers, body) = receiver.got.lock().unwrap()[0].clone();
    let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
    let timestamp: i64 = header("x-closer-timestamp").parse().unwrap();
    assert!(closer::webhooks::signature::verify(&secret, timestamp, body.as_bytes(), &header("x-closer-signature"), chrono::Utc::now().timestamp(), 300));
    assert_eq!(header("x-closer-event"), "meeting.processed");
    let payload: Value = serde_json::from_str(&body).unwrap();
    let validator = schema_validator();
    let errors: Vec<String> = validator.iter_errors(&payload).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "payload does not match the schema: {errors:#?}\n{payload:#}");
    let data = &payload["data"];
    assert_eq!(data["meeting"]["id"], call.meeting.to_string());
    assert_eq!(data["meeting"]["host"]["email"].as_str().map(|e| e.starts_with("admin@")), Some(true));
    assert!(data["recap_url"].as_str().unwrap().ends_with(&format!("/console/meetings/{}/recap", call.meeting)));
    assert_eq!(data["sentiment"]["label"], "neutral", "{data}"); // negative then positive, duration-weighted
    assert!(!body.contains("4111"), "only redacted text leaves the server");
    // The schema is strict: an unknown field fails it.
    let mut broken = payload.clone();
    broken["data"]["kpis"]["surprise"] = json!(1);
    assert!(!validator.is_valid(&broken));
}

#[tokio::test]
async fn a_finalize_interrupted_by_a_restart_completes_later() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|_| {}).await;
    let call = finished_call(&app, "fin_restart").await;
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let target = call.meeting;
    // The first server "dies" inside finalize: its flush of this meeting never returns.
    let stuck: FlushLive = Arc::new(move |meeting| {
        Box::pin(async move {
            if meeting == target {
                std::future::pending::<()>().await;
            }
        })
    });
    let settings = jobs::Settings { poll: Duration::from_millis(50), lease: Duration::from_millis(1500) };
    let first = jobs::start(app.pg.clone(), Arc::new(Finalizer::new(&app.config, app.pg.clone(), mongo.clone()).with_live_flush(stuck)), settings);
    let claimed = async || -> Option<(String, i32)> {
        sqlx::query_as("SELECT status, attempts FROM finalize_jobs WHERE meeting_id = $1").bind(call.meeting).fetch_optional(&app.pg).await.unwrap()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while claimed().await.is_none_or(|(_, attempts)| attempts == 0) {
        assert!(tokio::time::Instant::now() < deadline, "job never claimed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(first);
    assert_eq!(closer::meetings::status(&app.pg, call.meeting).await.unwrap(), Some(closer_wire::MeetingStatus::Ended));

    let _second = jobs::start(app.pg.clone(), Arc::new(Finalizer::new(&app.config, app.pg.clone(), mongo)), settings);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while claimed().await.map(|(status, _)| status) != Some("done".into()) {
        assert!(tokio::time::Instant::now() < deadline, "job not completed after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(claimed().await.unwrap().1, 2, "the interrupted attempt counts");
    assert_eq!(closer::meetings::status(&app.pg, call.meeting).await.unwrap(), Some(closer_wire::MeetingStatus::Processed));
    assert_eq!(events_of(&app, call.meeting).await.len(), 1);
    let (status, _) = app.call(Method::GET, &format!("/meetings/{}/recap", call.meeting), Some(&call.admin), None).await;
    assert_eq!(status, 200);
}

/// What the fake LLM servers saw.
#[derive(Clone, Default)]
struct Seen {
    requests: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    fail: bool,
}

const LLM_NOTES: &str = r#"{"summary": "Marco met Sarah (Acme). Onboarding is manual; a competitor is cheaper.",
 "next_steps": ["Send the total cost comparison"],
 "action_items": [{"text": "Send the total cost comparison", "owner": "Marco", "due": "by Friday", "due_date": "2030-01-04"},
                  {"text": "Decide", "owner": "Somebody Invented", "due": null, "due_date": "not a date"}]}"#;

async fn openai(State(seen): State<Seen>, headers: HeaderMap, Json(body): Json<Value>) -> (axum::http::StatusCode, Json<Value>) {
    seen.requests.lock().unwrap().push((headers, body));
    if seen.fail {
        return (axum::http::StatusCode::BAD_GATEWAY, Json(json!({"error": "overloaded"})));
    }
    let content = format!("```json\n{LLM_NOTES}\n```");
    (axum::http::StatusCode::OK, Json(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})))
}

async fn anthropic(State(seen): State<Seen>, headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
    seen.requests.lock().unwrap().push((headers, body));
    Json(json!({"type": "message", "role": "assistant", "content": [{"type": "text", "text": LLM_NOTES}]}))
}

async fn llm_server(seen: Seen) -> String {
    let router = axum::Router::new()
        .route("/v1/chat/completions", axum::routing::post(openai))
        .route("/v1/messages", axum::routing::post(anthropic))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

#[tokio::test]
async fn llm_notes_from_openai_compatible_and_anthropic_servers_with_fallback() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|_| {}).await;
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    for (provider, fail) in [(LlmProvider::Openai, false), (LlmProvider::Anthropic, false), (LlmProvider::Openai, true)] {
        let seen = Seen { fail, ..Seen::default() };
        let base = llm_server(seen.clone()).await;
        let config = Config {
            llm_provider: provider,
            llm_base_url: Some(if provider == LlmProvider::Openai { format!("{base}/v1") } else { base }),
            llm_model: "test-model".into(),
            llm_api_key: Some("sk-test-key".into()),
            ..app.config.clone()
        };
        let call = finished_call(&app, "fin_llm").await;
        assert_eq!(Finalizer::new(&config, app.pg.clone(), mongo.clone()).finalize(call.meeting).await.unwrap(), Outcome::Processed);
        let (_, recap) = app.call(Method::GET, &format!("/meetings/{}/recap", call.meeting), Some(&call.admin), None).await;

        let requests = seen.requests.lock().unwrap().clone();
        assert_eq!(requests.len(), 1, "{provider:?}");
        let (headers, body) = &requests[0];
        let prompt = body.to_string();
        assert!(prompt.contains("Sarah") && prompt.contains("[card]") && prompt.contains("one JSON object"), "{prompt}");
        match provider {
            LlmProvider::Anthropic => {
                assert_eq!(headers["x-api-key"], "sk-test-key");
                assert_eq!(headers["anthropic-version"], "2023-06-01");
                assert_eq!(body["model"], "test-model");
                assert!(body["system"].as_str().unwrap().contains("sales"));
            }
            _ => {
                assert_eq!(headers["authorization"], "Bearer sk-test-key");
                assert_eq!(body["messages"][0]["role"], "system");
                assert_eq!(body["response_format"]["type"], "json_object");
            }
        }
        if fail {
            assert_eq!(recap["summary_method"], "extractive", "a failing LLM falls back: {recap}");
            assert!(recap["summary"].as_str().unwrap().contains("Discovery with Acme"));
        } else {
            assert_eq!(recap["summary_method"], "llm:test-model");
            assert!(recap["summary"].as_str().unwrap().starts_with("Marco met Sarah"));
            let items = recap["action_items"].as_array().unwrap();
            assert_eq!(items[0]["owner"], "Marco");
            assert_eq!(items[0]["due_date"], "2030-01-04");
            assert!(items[1].get("owner").is_none(), "invented owners are dropped: {items:?}");
            assert!(items[1].get("due_date").is_none());
        }
    }
}
