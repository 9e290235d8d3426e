//! STT provider chosen per organization and per meeting: the API (admin-only for the
//! organization, refused when the server cannot run the provider) and the live session that
//! really streams to the chosen provider — a local server speaking Deepgram's documented
//! protocol — or to the embedded Whisper.

mod common;
mod deepgram_server;

use closer_wire::{AudioFrame, FRAME_SAMPLES, IngestControl};
use common::TestApp;
use deepgram_server::{Behaviour, FakeDeepgram};
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Streams 3 s of the host's fixture speech into `meeting` and waits until the session has
/// taken every frame (so its STT stream is open).
async fn speak(app: &TestApp, meeting: &str, seller: &str) {
    let (status, access) = app.call(Method::POST, &format!("/meetings/{meeting}/token"), Some(seller), None).await;
    assert_eq!(status, 200, "{access}");
    let identity = access["identity"].as_str().unwrap().to_owned();
    let path = common::fixture_dir("en-discovery").join("host.wav");
    let track: Vec<i16> = hound::WavReader::open(path).unwrap().samples::<i16>().map(Result::unwrap).collect();
    let url = format!("{}/api/meetings/{meeting}/audio?access_token={seller}", app.base.replacen("http", "ws", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("ingest socket");
    const FRAMES: u32 = 150;
    for seq in 0..FRAMES {
        // From 1 s in: speech, not the leading silence.
        let start = (50 + seq as usize) * FRAME_SAMPLES;
        let frame = AudioFrame { identity: identity.clone(), seq, capture_ms: u64::from(seq) * 20, samples: track[start..start + FRAME_SAMPLES].to_vec() };
        socket.send(Message::Binary(frame.encode().into())).await.unwrap();
    }
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), socket.next()).await.expect("ack in time");
        if let Some(Ok(Message::Text(text))) = message
            && let IngestControl::Ack { next_seq } = serde_json::from_str(&text).unwrap()
            && next_seq.get(&identity) == Some(&FRAMES)
        {
            return;
        }
    }
}

async fn new_meeting(app: &TestApp, seller: &str, playbook: &str) -> String {
    let (status, meeting) =
        app.call(Method::POST, "/meetings", Some(seller), Some(json!({"title": "Discovery", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    meeting["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_and_meeting_choose_the_live_provider() {
    let deepgram = FakeDeepgram::start(Behaviour { whisper: None, fail_after: None }).await;
    let app = TestApp::start(|c| {
        c.deepgram_url = deepgram.url.clone();
        c.deepgram_api_key = Some(deepgram.key.clone());
    })
    .await;
    let (admin, slug) = app.sign_up("stt").await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", "giulia").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;

    // The organization inherits the server default until an admin chooses.
    assert_eq!(app.call(Method::GET, "/organization/stt", Some(&admin), None).await, (200, json!({"stt_provider": null})));
    let deepgram_choice = json!({"stt_provider": "deepgram"});
    assert_eq!(app.call(Method::PUT, "/organization/stt", Some(&seller), Some(deepgram_choice.clone())).await.0, 403);
    let (status, body) = app.call(Method::PUT, "/organization/stt", Some(&admin), Some(json!({"stt_provider": "vosk"}))).await;
    assert_eq!(status, 400, "unknown provider: {body}");
    assert_eq!(app.call(Method::PUT, "/organization/stt", Some(&admin), Some(deepgram_choice.clone())).await.0, 200);
    assert_eq!(app.call(Method::GET, "/organization/stt", Some(&seller), None).await, (200, deepgram_choice.clone()));

    // A meeting without its own choice streams to Deepgram, in the call's language.
    let inherits = new_meeting(&app, &seller, &playbook).await;
    assert_eq!(deepgram.log().queries.len(), 0);
    speak(&app, &inherits, &seller).await;
    let log = deepgram.log();
    assert_eq!(log.queries.len(), 1, "one Deepgram stream for the one speaker");
    assert_eq!(log.queries[0].get("language").map(String::as_str), Some("en"));

    // A meeting that overrides its organization runs on the embedded Whisper.
    let embedded = new_meeting(&app, &seller, &playbook).await;
    let path = format!("/meetings/{embedded}/stt");
    assert_eq!(app.call(Method::PUT, &path, Some(&seller), Some(json!({"stt_provider": "whisper"}))).await.0, 200);
    assert_eq!(app.call(Method::GET, &path, Some(&seller), None).await, (200, json!({"stt_provider": "whisper"})));
    speak(&app, &embedded, &seller).await;
    assert_eq!(deepgram.log().queries.len(), 1, "the overriding meeting must not reach Deepgram");

    // Another organization's meeting is invisible.
    let (outsider, _) = app.sign_up("stt-other").await;
    assert_eq!(app.call(Method::GET, &path, Some(&outsider), None).await.0, 404);
    assert_eq!(app.call(Method::PUT, &path, Some(&outsider), Some(json!({"stt_provider": null}))).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deepgram_cannot_be_chosen_without_server_configuration() {
    let app = TestApp::start(|c| c.deepgram_api_key = None).await;
    let (admin, _) = app.sign_up("stt-nokey").await;
    let (status, body) = app.call(Method::PUT, "/organization/stt", Some(&admin), Some(json!({"stt_provider": "deepgram"}))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "stt_provider");
    assert_eq!(app.call(Method::PUT, "/organization/stt", Some(&admin), Some(json!({"stt_provider": "whisper"}))).await.0, 200);
}
