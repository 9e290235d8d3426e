//! CRM webhooks against a real local HTTP receiver (an axum server on 127.0.0.1): signature,
//! retries with backoff until the receiver recovers, a worker killed mid-retry or mid-request
//! and replaced, the transactional outbox, and the SSRF guard at creation and delivery time.
//!
//! Workers claim any due delivery in the database, so the tests of this binary run one at a
//! time (`SERIAL`).

mod common;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use closer::webhooks::outbox::{self, Audience};
use closer::webhooks::signature;
use closer::webhooks::worker::{self, Settings};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
struct Received {
    key: String,
    timestamp: i64,
    signature: String,
    event: String,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature` (Standard Webhooks).
    standard: [String; 3],
    body: String,
}

/// How the receiver answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// 503 to the first `n` requests, then 200.
    FailFirst(usize),
    /// Never answers the first request (the client gives up or dies), then 200.
    HangFirst,
}

#[derive(Default)]
struct Log {
    requests: Vec<Received>,
    /// Idempotency keys processed (answered 2xx): a real receiver's dedup table.
    processed: HashSet<String>,
    /// Requests answered 2xx whose key was already processed.
    duplicates: usize,
}

#[derive(Clone)]
struct Receiver {
    behaviour: Behaviour,
    log: Arc<Mutex<Log>>,
}

impl Receiver {
    /// Starts the receiver; returns it and its `http://127.0.0.1:<port>/hook` URL.
    async fn start(behaviour: Behaviour) -> (Self, String) {
        let receiver = Receiver { behaviour, log: Arc::default() };
        let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    fn requests(&self) -> Vec<Received> {
        self.log.lock().unwrap().requests.clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let request = Received {
        key: header(signature::IDEMPOTENCY_HEADER),
        timestamp: header(signature::TIMESTAMP_HEADER).parse().unwrap_or(0),
        signature: header(signature::SIGNATURE_HEADER),
        event: header(signature::EVENT_HEADER),
        standard: [
            header(signature::WEBHOOK_ID_HEADER),
            header(signature::WEBHOOK_TIMESTAMP_HEADER),
            header(signature::WEBHOOK_SIGNATURE_HEADER),
        ],
        body,
    };
    let n = {
        let mut log = receiver.log.lock().unwrap();
        log.requests.push(request.clone());
        log.requests.len()
    };
    match receiver.behaviour {
        Behaviour::FailFirst(failures) if n <= failures => return StatusCode::SERVICE_UNAVAILABLE,
        Behaviour::HangFirst if n == 1 => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        _ => {}
    }
    let mut log = receiver.log.lock().unwrap();
    if !log.processed.insert(request.key) {
        log.duplicates += 1;
    }
    StatusCode::OK
}

/// Verifies `got` the way a CRM would with Standard Webhooks' own Python library
/// (`standardwebhooks`, pinned by `scripts/setup`): `Ok` with the parsed body, or the library's
/// refusal. The secret goes through stdin, never a command line or the test output.
fn standard_library_verifies(secret: &str, got: &Received) -> Result<Value, String> {
    use std::io::Write;
    const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
given = json.load(sys.stdin)
try:
    print(json.dumps(Webhook(given["secret"]).verify(given["body"], given["headers"])))
except Exception as e:
    print(type(e).__name__, e, file=sys.stderr)
    sys.exit(3)
"#;
    let [id, timestamp, signature] = &got.standard;
    let input = json!({"secret": secret, "body": got.body,
        "headers": {"webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature}});
    let mut child = std::process::Command::new(common::receivers_python())
        .args(["-c", VERIFY])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn settings(allow_private: bool, backoff_ms: u64, timeout_ms: u64) -> Settings {
    Settings {
        allow_private,
        max_attempts: 6,
        backoff_base: Duration::from_millis(backoff_ms),
        backoff_max: Duration::from_secs(5),
        timeout: Duration::from_millis(timeout_ms),
        poll: Duration::from_millis(50),
    }
}

async fn wait_for(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn org_of(app: &TestApp, admin: &str) -> Uuid {
    let (status, org) = app.call(Method::GET, "/organization", Some(admin), None).await;
    assert_eq!(status, 200, "{org}");
    org["id"].as_str().unwrap().parse().unwrap()
}

/// Creates an endpoint for `url` through the API; returns (id, secret).
async fn add_endpoint(app: &TestApp, admin: &str, url: &str) -> (String, String) {
    let (status, body) = app
        .call(Method::POST, "/webhooks", Some(admin), Some(json!({"url": url, "events": ["meeting.processed"], "description": "CRM"})))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["endpoint"]["secret_hint"].as_str().unwrap().starts_with('…'));
    (body["endpoint"]["id"].as_str().unwrap().to_owned(), body["secret"].as_str().unwrap().to_owned())
}

/// Queues a `meeting.processed`-shaped event for the organization's subscribers, committed.
async fn enqueue(app: &TestApp, org: Uuid, data: Value) -> Uuid {
    let mut tx = app.pg.begin().await.unwrap();
    let id = outbox::enqueue(&mut tx, org, "meeting.processed", None, data, Audience::Subscribers).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    id
}

async fn delivery_of(app: &TestApp, admin: &str, endpoint: &str) -> Value {
    let (status, list) = app.call(Method::GET, &format!("/webhooks/{endpoint}/deliveries"), Some(admin), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].as_str().unwrap();
    let (status, delivery) = app.call(Method::GET, &format!("/webhooks/deliveries/{id}"), Some(admin), None).await;
    assert_eq!(status, 200, "{delivery}");
    delivery
}

#[tokio::test]
async fn signed_delivery_verifies_with_the_endpoint_secret() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let (admin, slug) = app.sign_up("wh_sig").await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", "sam").await;
    let (receiver, url) = Receiver::start(Behaviour::FailFirst(0)).await;

    let (status, _) = app.call(Method::POST, "/webhooks", Some(&seller), Some(json!({"url": url, "events": ["meeting.processed"]}))).await;
    assert_eq!(status, 403, "sellers cannot manage webhooks");
    let (status, body) = app.call(Method::POST, "/webhooks", Some(&admin), Some(json!({"url": url, "events": ["meeting.exploded"]}))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("events[0]")), "{body}");
    let (endpoint, secret) = add_endpoint(&app, &admin, &url).await;
    assert!(secret.starts_with("whsec_"));
    let (status, listed) = app.call(Method::GET, "/webhooks", Some(&admin), None).await;
    assert_eq!(status, 200);
    assert!(!listed.to_string().contains(&secret), "the secret is only shown at creation");

    let (status, test) = app.call(Method::POST, &format!("/webhooks/{endpoint}/test"), Some(&admin), None).await;
    assert_eq!((status, test["status"].as_str()), (202, Some("pending")), "{test}");
    let _worker = worker::start(app.pg.clone(), settings(true, 50, 2000));
    wait_for("the test delivery", Duration::from_secs(15), async || receiver.requests().len() == 1).await;

    let got = &receiver.requests()[0];
    assert_eq!(got.key, test["id"].as_str().unwrap(), "Idempotency-Key is the delivery id");
    assert_eq!(got.event, "webhook.test");
    assert!((chrono::Utc::now().timestamp() - got.timestamp).abs() < 60);
    let now = chrono::Utc::now().timestamp();
    assert!(signature::verify(&secret, got.timestamp, got.body.as_bytes(), &got.signature, now, 300), "signature must verify");
    assert!(!signature::verify("whsec_wrong_secret_000", got.timestamp, got.body.as_bytes(), &got.signature, now, 300));
    let body: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(body["type"], "webhook.test");
    assert_eq!(body["data"]["endpoint_id"], endpoint.as_str());
    // Standard Webhooks: the message id is the delivery id; the standard's own library verifies
    // the delivery with the secret as shown, and refuses another secret or a changed body.
    assert_eq!(got.standard[0], got.key);
    assert!(signature::verify_standard(&secret, &got.standard[0], got.timestamp, got.body.as_bytes(), &got.standard[2], now, 300));
    assert_eq!(standard_library_verifies(&secret, got).expect("standardwebhooks verifies the delivery"), body);
    let other = closer::webhooks::endpoints::generate_secret();
    assert!(standard_library_verifies(&other, got).unwrap_err().contains("No matching signature"));
    let tampered = Received { body: got.body.replace("webhook.test", "webhook.tset"), ..got.clone() };
    assert!(standard_library_verifies(&secret, &tampered).is_err());

    wait_for("the log entry", Duration::from_secs(5), async || delivery_of(&app, &admin, &endpoint).await["status"] == "delivered").await;
    let delivery = delivery_of(&app, &admin, &endpoint).await;
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["log"][0]["status_code"], 200, "{delivery}");

    // Rotation: later deliveries are signed with the new secret.
    let (status, rotated) = app.call(Method::POST, &format!("/webhooks/{endpoint}/rotate-secret"), Some(&admin), None).await;
    assert_eq!(status, 200);
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    let (status, _) = app.call(Method::POST, &format!("/webhooks/deliveries/{}/redeliver", test["id"].as_str().unwrap()), Some(&admin), None).await;
    assert_eq!(status, 202);
    wait_for("the redelivery", Duration::from_secs(15), async || receiver.requests().len() == 2).await;
    let again = &receiver.requests()[1];
    assert_eq!(again.key, got.key, "a redelivery keeps its Idempotency-Key");
    assert!(signature::verify(&new_secret, again.timestamp, again.body.as_bytes(), &again.signature, now, 300));
    assert_eq!(again.standard[0], got.standard[0], "a redelivery keeps its webhook-id");
    assert!(standard_library_verifies(&new_secret, again).is_ok(), "signed with the rotated secret");
    assert!(standard_library_verifies(&secret, again).is_err(), "not with the old one");
    assert_eq!(receiver.log.lock().unwrap().processed.len(), 1, "one key, processed once by the receiver");
}

#[tokio::test]
async fn receiver_down_for_three_attempts_gets_it_once_later() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let (admin, _) = app.sign_up("wh_retry").await;
    let org = org_of(&app, &admin).await;
    let (receiver, url) = Receiver::start(Behaviour::FailFirst(3)).await;
    let (endpoint, _) = add_endpoint(&app, &admin, &url).await;

    // The outbox is transactional: a rolled-back change sends nothing.
    let mut tx = app.pg.begin().await.unwrap();
    outbox::enqueue(&mut tx, org, "meeting.processed", None, json!({"rolled": "back"}), Audience::Subscribers).await.unwrap();
    tx.rollback().await.unwrap();
    enqueue(&app, org, json!({"meeting": {"title": "Discovery"}})).await;

    let _worker = worker::start(app.pg.clone(), settings(true, 100, 2000));
    wait_for("delivery after three failures", Duration::from_secs(20), async || {
        delivery_of(&app, &admin, &endpoint).await["status"] == "delivered"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await; // nothing else may arrive
    let requests = receiver.requests();
    assert_eq!(requests.len(), 4, "3 refused attempts + 1 accepted");
    assert!(requests.iter().all(|r| r.key == requests[0].key), "one Idempotency-Key for every retry");
    assert!(requests.iter().all(|r| !r.body.contains("rolled")), "the rolled-back event was never sent");
    {
        let log = receiver.log.lock().unwrap();
        assert_eq!((log.processed.len(), log.duplicates), (1, 0), "accepted exactly once");
    }
    let delivery = delivery_of(&app, &admin, &endpoint).await;
    let codes: Vec<Value> = delivery["log"].as_array().unwrap().iter().map(|a| a["status_code"].clone()).collect();
    assert_eq!(codes, vec![json!(503), json!(503), json!(503), json!(200)], "{delivery}");
    // Backoff: each wait at least half the doubled base (100, 200, 400 ms → ≥ 50, 100, 200).
    let times: Vec<chrono::DateTime<chrono::Utc>> =
        delivery["log"].as_array().unwrap().iter().map(|a| a["started_at"].as_str().unwrap().parse().unwrap()).collect();
    for (i, minimum) in [50, 100, 200].into_iter().enumerate() {
        let gap = (times[i + 1] - times[i]).num_milliseconds();
        assert!(gap >= minimum, "retry {} after {gap} ms", i + 1);
    }
}

#[tokio::test]
async fn worker_killed_between_retries_is_replaced_and_delivers() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let (admin, _) = app.sign_up("wh_kill").await;
    let org = org_of(&app, &admin).await;
    let (receiver, url) = Receiver::start(Behaviour::FailFirst(1)).await;
    let (endpoint, _) = add_endpoint(&app, &admin, &url).await;
    enqueue(&app, org, json!({"n": 1})).await;

    let first = worker::start(app.pg.clone(), settings(true, 1500, 2000));
    wait_for("the failed first attempt", Duration::from_secs(10), async || {
        delivery_of(&app, &admin, &endpoint).await["log"].as_array().unwrap().len() == 1
    })
    .await;
    drop(first); // "the backend dies" while the retry is scheduled
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.requests().len(), 1, "nobody retries while no worker runs");
    assert_eq!(delivery_of(&app, &admin, &endpoint).await["status"], "pending");

    let _second = worker::start(app.pg.clone(), settings(true, 1500, 2000));
    wait_for("delivery by the new worker", Duration::from_secs(10), async || {
        delivery_of(&app, &admin, &endpoint).await["status"] == "delivered"
    })
    .await;
    let log = receiver.log.lock().unwrap();
    assert_eq!((log.requests.len(), log.processed.len(), log.duplicates), (2, 1, 0));
}

#[tokio::test]
async fn worker_killed_mid_request_is_retried_after_its_lease() {
    let _serial = SERIAL.lock().await;
    let app = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let (admin, _) = app.sign_up("wh_lease").await;
    let org = org_of(&app, &admin).await;
    let (receiver, url) = Receiver::start(Behaviour::HangFirst).await;
    let (endpoint, _) = add_endpoint(&app, &admin, &url).await;
    enqueue(&app, org, json!({"n": 2})).await;

    let first = worker::start(app.pg.clone(), settings(true, 100, 1000));
    wait_for("the first request", Duration::from_secs(10), async || receiver.requests().len() == 1).await;
    drop(first); // dies with the request in flight: no result recorded, the claim stays
    let _second = worker::start(app.pg.clone(), settings(true, 100, 1000));
    wait_for("delivery after the lease expired", Duration::from_secs(15), async || {
        delivery_of(&app, &admin, &endpoint).await["status"] == "delivered"
    })
    .await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].key, requests[1].key);
    assert_eq!(receiver.log.lock().unwrap().processed.len(), 1);
    assert_eq!(delivery_of(&app, &admin, &endpoint).await["attempts"], 2, "the abandoned attempt counts");
}

#[tokio::test]
async fn private_addresses_are_refused_without_the_development_flag() {
    let _serial = SERIAL.lock().await;
    let strict = TestApp::start(|c| c.webhooks_allow_private = false).await;
    let (admin, _) = strict.sign_up("wh_ssrf").await;
    let (receiver, url) = Receiver::start(Behaviour::FailFirst(0)).await;
    for refused in [
        url.as_str(),
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[fd00:ec2::254]/",
        "http://100.64.1.1/",
        "https://user:pass@example.com/",
        "file:///etc/passwd",
    ] {
        let (status, body) =
            strict.call(Method::POST, "/webhooks", Some(&admin), Some(json!({"url": refused, "events": ["meeting.processed"]}))).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("url")), "{refused}: {body}");
    }

    // An endpoint accepted while the flag was on is still refused at delivery time without it.
    let lax = TestApp::start(|c| c.webhooks_allow_private = true).await;
    let (endpoint, _) = add_endpoint(&lax, &admin, &url).await;
    let (status, _) = strict.call(Method::PATCH, &format!("/webhooks/{endpoint}"), Some(&admin), Some(json!({"url": url}))).await;
    assert_eq!(status, 422, "changing to a private URL is refused too");
    let org = org_of(&strict, &admin).await;
    enqueue(&strict, org, json!({"n": 3})).await;
    let _worker = worker::start(strict.pg.clone(), settings(false, 50, 1000));
    wait_for("the dead letter", Duration::from_secs(10), async || {
        delivery_of(&strict, &admin, &endpoint).await["status"] == "dead"
    })
    .await;
    let delivery = delivery_of(&strict, &admin, &endpoint).await;
    assert_eq!(delivery["attempts"], 1, "a refused URL is not retried");
    assert!(delivery["last_error"].as_str().unwrap().contains("loopback"), "{delivery}");
    assert!(receiver.requests().is_empty(), "nothing reached the private address");
}
