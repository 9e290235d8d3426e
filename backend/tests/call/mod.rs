//! A call's other side, for the copilot tests: guests who join a meeting through the API and
//! LiveKit's room with a real client (closer-rtc), speak fixture audio into their microphone in
//! real time, and the seller's HUD socket read until an awaited event. (Beside `common`, which
//! the desktop app's tests share and which needs none of these crates.)

#![allow(dead_code)] // each test binary uses a different subset

use crate::common::TestApp;
use closer_rtc::{AudioSource, Connected, RoomOptions, Rtc};
use closer_wire::{HudEnvelope, HudEvent};
use futures_util::{FutureExt, StreamExt};
use livekit_api::services::room::RoomClient;
use reqwest::Method;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;
use tokio_tungstenite::tungstenite::Message;

/// The seller's HUD socket.
pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// LiveKit's client library, from the models directory.
pub fn rtc() -> Rtc {
    let models = std::path::PathBuf::from(std::env::var("CLOSER_MODELS_DIR").expect("CLOSER_MODELS_DIR (scripts/test sets it)"));
    Rtc::load(&closer_rtc::library_path(&models)).expect("liblivekit_ffi.so loads")
}

/// A guest: joins `meeting` through `app`'s API with `consent` (`accepted`/`declined`), then
/// the room; returns their identity and connection.
pub async fn guest(app: &TestApp, meeting: &str, name: &str, consent: &str) -> (String, Connected) {
    let body = json!({"display_name": name, "ai_consent": consent});
    let (status, access) = app.call(Method::POST, &format!("/meetings/{meeting}/join"), None, Some(body)).await;
    assert_eq!(status, 200, "{access}");
    let connected = rtc()
        .connect(access["livekit_url"].as_str().unwrap(), access["token"].as_str().unwrap(), RoomOptions { auto_subscribe: false })
        .await
        .expect("the guest joins the room");
    (access["identity"].as_str().unwrap().to_owned(), connected)
}

/// 16 kHz mono samples of `file` (e.g. `host.wav`) of a rendered fixture call, from `from_s`
/// seconds on.
pub fn track(fixture: &str, file: &str, from_s: f32) -> Vec<i16> {
    let path = crate::common::fixture_dir(fixture).join(file);
    let mut reader = hound::WavReader::open(&path).unwrap();
    assert_eq!((reader.spec().sample_rate, reader.spec().channels), (16_000, 1), "{}", path.display());
    reader.samples::<i16>().map(Result::unwrap).skip((from_s * 16_000.0) as usize).collect()
}

/// Publishes a microphone and speaks `samples` into it in real time (10 ms captures), then
/// stays silent; the task ends when the participant leaves the room or is aborted.
pub async fn speak(connected: &Connected, samples: Vec<i16>) -> tokio::task::JoinHandle<()> {
    speak_after(connected, std::future::ready(()), samples).await
}

/// Like [`speak`], silent until `start` resolves.
pub async fn speak_after(
    connected: &Connected,
    start: impl std::future::Future<Output = ()> + Send + 'static,
    samples: Vec<i16>,
) -> tokio::task::JoinHandle<()> {
    let source: AudioSource = connected.room.publish_audio("microphone", 16_000, 1).await.expect("publish the microphone");
    tokio::spawn(async move {
        let silence = [0i16; 160];
        tokio::pin!(start);
        // A capture is never cancelled midway (the library would answer a request nobody
        // waits for): the start is checked between captures.
        while (&mut start).now_or_never().is_none() {
            if source.capture(&silence).await.is_err() {
                return;
            }
        }
        for chunk in samples.chunks_exact(160).chain(std::iter::repeat(&silence[..])) {
            if source.capture(chunk).await.is_err() {
                return; // left the room
            }
        }
    })
}

/// Opens `seller`'s HUD socket of `meeting` on the server at `base` (`http://…`), after
/// `after_seq` when given.
pub async fn hud(base: &str, meeting: &str, seller: &str, after_seq: Option<u64>) -> Socket {
    let after = after_seq.map(|s| format!("&after_seq={s}")).unwrap_or_default();
    let url = format!("{}/api/meetings/{meeting}/hud?access_token={seller}{after}", base.replacen("http", "ws", 1));
    tokio_tungstenite::connect_async(url).await.expect("the seller's HUD socket").0
}

/// Reads HUD events into `seen` until one matches `wanted` (returned) or `wait` passes (`None`).
/// Panics when the socket ends.
pub async fn hud_until(hud: &mut Socket, seen: &mut Vec<HudEnvelope>, wait: Duration, wanted: impl Fn(&HudEvent) -> bool) -> Option<HudEvent> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(found) = seen.iter().map(|e| &e.event).find(|e| wanted(e)) {
            return Some(found.clone());
        }
        match tokio::time::timeout_at(deadline, hud.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => seen.extend(crate::common::hud_event(&text)),
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the HUD socket ended: {other:?}"),
            Err(_) => return None,
        }
    }
}

/// The text of `event` when it is a final transcript of `identity`.
pub fn final_of<'a>(event: &'a HudEvent, identity: &str) -> Option<&'a str> {
    match event {
        HudEvent::TranscriptFinal { speaker, text, .. } if speaker == identity => Some(text),
        _ => None,
    }
}

/// The worker whose copilot LiveKit lists in `room` (from the agent participant's attributes).
pub async fn worker_of(rooms: &RoomClient, room: &str) -> Option<String> {
    let listed = rooms.list_participants(room).await.expect("list participants");
    let agent = listed.into_iter().find(|p| p.identity == closer::agent::IDENTITY)?;
    agent.attributes.get(closer_rtc::WORKER_ATTRIBUTE).cloned()
}

/// HUD events read so far, shared with the task reading them.
pub type Seen = Arc<Mutex<Vec<HudEnvelope>>>;

/// Reads `socket` into `seen` until it ends.
pub async fn read_hud(mut socket: Socket, seen: Seen) {
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            seen.lock().unwrap().extend(crate::common::hud_event(&text));
        }
    }
}

/// Waits up to `wait` for `seen` to satisfy `done`.
pub async fn wait_for(seen: &Seen, wait: Duration, done: impl Fn(&[HudEnvelope]) -> bool) -> bool {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        if done(&seen.lock().unwrap()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done(&seen.lock().unwrap())
}

/// Transcript finals of `identity` among `events`: (seq, segment id, start ms, end ms).
pub fn finals(events: &[HudEnvelope], identity: &str) -> Vec<(u64, String, u64, u64)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            HudEvent::TranscriptFinal { speaker, segment_id, start_ms, end_ms, .. } if speaker == identity => {
                Some((e.seq, segment_id.clone(), *start_ms, *end_ms))
            }
            _ => None,
        })
        .collect()
}

/// One `closer-server serve` process of the test's deployment, with the id of its copilot
/// worker.
pub struct Server {
    pub name: &'static str,
    pub child: tokio::process::Child,
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub worker: String,
}

impl Server {
    /// Starts `serve` on a free loopback port with the test's services, as one more instance of
    /// the deployment `config` describes (its copilot agent name and Redis prefix), with `env`
    /// (`CLOSER_*` settings) added; waits until its worker registered and it answers HTTP.
    pub async fn start(name: &'static str, config: &closer::config::Config, env: &[(&str, &str)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_closer-server"))
            .arg("serve")
            .env("CLOSER_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("CLOSER_LIVEKIT_AGENT_NAME", &config.livekit_agent_name)
            .env("CLOSER_REDIS_PREFIX", &config.redis_prefix)
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn,closer::agent=debug,whisper_rs=off,livekit=error")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("closer-server starts");
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let worker = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.expect("server log") {
                println!("[{name}] {line}");
                if line.contains("copilot worker registered") {
                    let id = line.split_whitespace().find_map(|w| w.strip_prefix("worker=")).expect("worker id in the log");
                    return id.trim_matches('"').to_owned();
                }
            }
            panic!("server {name} exited before its worker registered");
        })
        .await
        .unwrap_or_else(|_| panic!("server {name}: no worker registered within 120 s"));
        // Its log goes on to the test's output (the dispatches, the failover).
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                println!("[{name}] {line}");
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "server {name} does not answer HTTP");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server { name, child, base, worker }
    }
}

/// A CRM's webhook endpoint on loopback: what it got, as (`webhook-id`, meeting id) per request.
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Receiver {
    /// Starts one and subscribes it to `meeting.processed` for `admin`'s organization on `app`
    /// (whose servers need `webhooks_allow_private`).
    pub async fn subscribed(app: &TestApp, admin: &str) -> Receiver {
        let receiver = Receiver::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let (status, endpoint) = app.call(Method::POST, "/webhooks", Some(admin), Some(json!({"url": url, "events": ["meeting.processed"]}))).await;
        assert_eq!(status, 201, "{endpoint}");
        receiver
    }

    /// Deliveries for `meeting` so far.
    pub fn of(&self, meeting: &str) -> usize {
        self.got.lock().unwrap().iter().filter(|(_, m)| m == meeting).count()
    }
}

async fn receive(axum::extract::State(receiver): axum::extract::State<Receiver>, headers: axum::http::HeaderMap, body: String) -> &'static str {
    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let payload: serde_json::Value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    let meeting = payload["data"]["meeting"]["id"].as_str().unwrap_or_default().to_owned();
    receiver.got.lock().unwrap().push((id, meeting));
    "ok"
}

