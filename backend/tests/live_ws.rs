//! The live endpoints over real WebSockets against the real services: audio ingest with
//! consent refusal, reconnect + resume without duplicated or lost speech, the HUD stream for the
//! host and managers only, priority messages, malformed frames, and a crashed session that
//! neither loses its finalized state nor disturbs another meeting.

mod common;

use closer_wire::{AudioFrame, FRAME_SAMPLES, HudEnvelope, HudEvent, IngestControl};
use common::TestApp;
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn ws_url(app: &TestApp, path: &str, token: &str) -> String {
    format!("{}/api{path}?access_token={token}", app.base.replacen("http", "ws", 1))
}

async fn connect(app: &TestApp, path: &str, token: &str) -> Socket {
    tokio_tungstenite::connect_async(ws_url(app, path, token)).await.expect("websocket").0
}

fn track(name: &str) -> Vec<i16> {
    let path = common::fixture_dir("en-discovery").join(format!("{name}.wav"));
    hound::WavReader::open(path).unwrap().samples::<i16>().map(Result::unwrap).collect()
}

fn frame(identity: &str, track: &[i16], seq: u32) -> Message {
    let start = seq as usize * FRAME_SAMPLES;
    let mut samples: Vec<i16> = track.iter().skip(start).take(FRAME_SAMPLES).copied().collect();
    samples.resize(FRAME_SAMPLES, 0);
    let frame = AudioFrame { identity: identity.into(), seq, capture_ms: u64::from(seq) * 20, samples };
    Message::Binary(frame.encode().into())
}

async fn control(socket: &mut Socket) -> IngestControl {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("control message") {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    }
}

/// Reads HUD events until `done` holds for the collected list (or 90 s pass).
async fn collect_until(socket: &mut Socket, seen: &mut Vec<HudEnvelope>, done: impl Fn(&[HudEnvelope]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while !done(seen) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => seen.extend(common::hud_event(&text)),
            Ok(Some(Ok(_))) => {}
            other => panic!("HUD ended or timed out ({other:?}); events so far: {seen:#?}"),
        }
    }
}

fn finals(events: &[HudEnvelope]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            HudEvent::TranscriptFinal { speaker_name, text, .. } => Some((speaker_name.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

struct Meeting {
    id: String,
    host: String,
    host_identity: String,
}

async fn meeting(app: &TestApp, playbook: &str, seller: &str) -> Meeting {
    let (status, meeting) = app
        .call(Method::POST, "/meetings", Some(seller), Some(serde_json::json!({"title": "Discovery", "playbook_id": playbook})))
        .await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let (status, access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(seller), None).await;
    assert_eq!(status, 200, "{access}");
    Meeting { id, host: seller.to_owned(), host_identity: access["identity"].as_str().unwrap().to_owned() }
}

/// A new organization `org` with a seller (`seller_name`) and the en-discovery playbook, and a
/// meeting of that seller's.
async fn seller_meeting(app: &TestApp, org: &str, seller_name: &str) -> Meeting {
    let (admin, slug) = app.sign_up(org).await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", seller_name).await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    meeting(app, &playbook, &seller).await
}

async fn join(app: &TestApp, meeting: &str, name: &str, consent: &str) -> String {
    let body = serde_json::json!({"display_name": name, "ai_consent": consent});
    let (status, access) = app.call(Method::POST, &format!("/meetings/{meeting}/join"), None, Some(body)).await;
    assert_eq!(status, 200, "{access}");
    access["identity"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_resume_consent_hud_priority_and_isolation() {
    let app = TestApp::start(|_| {}).await;
    let (admin, slug) = app.sign_up("live").await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", "marco").await;
    let (manager, _) = app.add_user(&admin, &slug, "manager", "lucia").await;
    let (outsider_admin, _) = app.sign_up("other").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let m = meeting(&app, &playbook, &seller).await;
    let sarah = join(&app, &m.id, "Sarah", "accepted").await;
    let dora = join(&app, &m.id, "Dora", "declined").await;

    // Only the host and the org's managers reach the HUD; guests have no API token at all.
    let hud_path = format!("/meetings/{}/hud", m.id);
    assert!(tokio_tungstenite::connect_async(format!("{}/api{hud_path}", app.base.replacen("http", "ws", 1))).await.is_err());
    assert!(tokio_tungstenite::connect_async(ws_url(&app, &hud_path, &outsider_admin)).await.is_err());
    let mut hud = connect(&app, &hud_path, &m.host).await;
    let mut manager_hud = connect(&app, &hud_path, &manager).await;

    let host_track = track("host");
    let sarah_track = track("guest_a");
    let dora_track = track("guest_b");
    let audio = format!("/meetings/{}/audio", m.id);

    // First connection: 8 s of audio, then the connection drops. The call has begun from the
    // copilot's first hearing (no LiveKit participant joined here), and has not ended.
    let (_, before) = app.call(Method::GET, &format!("/meetings/{}", m.id), Some(&m.host), None).await;
    assert!(before.get("started_at").is_none(), "{before}");
    let mut ingest = connect(&app, &audio, &m.host).await;
    assert_eq!(control(&mut ingest).await, IngestControl::Resume { next_seq: Default::default() });
    let (_, begun) = app.call(Method::GET, &format!("/meetings/{}", m.id), Some(&m.host), None).await;
    assert!(begun["started_at"].is_string() && begun.get("ended_at").is_none(), "{begun}");
    for seq in 0..400 {
        ingest.send(frame(&m.host_identity, &host_track, seq)).await.unwrap();
        ingest.send(frame(&sarah, &sarah_track, seq)).await.unwrap();
        ingest.send(frame(&dora, &dora_track, seq)).await.unwrap();
    }
    let refused = loop {
        if let IngestControl::Refused { identity, reason } = control(&mut ingest).await {
            break (identity, reason);
        }
    };
    assert_eq!(refused.0, dora);
    assert!(refused.1.contains("declined"), "{}", refused.1);
    // Wait until the server has processed what was sent, then drop the connection.
    loop {
        if let IngestControl::Ack { next_seq } = control(&mut ingest).await
            && next_seq.get(&m.host_identity) == Some(&400) && next_seq.get(&sarah) == Some(&400)
        {
            assert!(!next_seq.contains_key(&dora), "declined guest's frames were processed");
            break;
        }
    }
    drop(ingest);

    // Reconnect: the server says where to resume; the client resends from a bit earlier
    // (its buffer), and the duplicates must not produce duplicated speech.
    let mut ingest = connect(&app, &audio, &m.host).await;
    match control(&mut ingest).await {
        IngestControl::Resume { next_seq } => assert_eq!(next_seq.get(&m.host_identity), Some(&400)),
        other => panic!("expected resume, got {other:?}"),
    }
    for seq in 350..850 {
        ingest.send(frame(&m.host_identity, &host_track, seq)).await.unwrap();
        ingest.send(frame(&sarah, &sarah_track, seq)).await.unwrap();
    }

    let mut events = Vec::new();
    collect_until(&mut hud, &mut events, |e| {
        let f = finals(e);
        f.iter().any(|(who, text)| who == "Sarah" && text.contains("happy"))
            && e.iter().any(|x| matches!(&x.event, HudEvent::ChecklistTicked { item, .. } if item == "agenda"))
    })
    .await;
    let transcript = finals(&events);
    let host_text: String = transcript.iter().filter(|(who, _)| who == "marco").map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" ");
    assert_eq!(host_text.matches("Sarah").count(), 1, "greeting duplicated or lost: {transcript:?}");
    assert!(host_text.contains("cover"), "{transcript:?}");
    assert!(transcript.iter().all(|(who, _)| who != "Dora"), "declined guest transcribed: {transcript:?}");
    for pair in events.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1, "HUD sequence has a gap");
    }

    // The manager sees the same stream.
    let mut manager_events = Vec::new();
    collect_until(&mut manager_hud, &mut manager_events, |e| e.len() >= events.len()).await;
    assert_eq!(manager_events[..events.len()], events[..]);

    // Priority message: only managers; reaches the seller's HUD fast.
    let (status, _) = app
        .call(Method::POST, &format!("/meetings/{}/priority-messages", m.id), Some(&seller), Some(serde_json::json!({"text": "hi"})))
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(Method::POST, &format!("/meetings/{}/priority-messages", m.id), Some(&manager), Some(serde_json::json!({"text": ""})))
        .await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("text")));
    let sent = Instant::now();
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/meetings/{}/priority-messages", m.id),
            Some(&manager),
            Some(serde_json::json!({"text": "Ask about the finance director"})),
        )
        .await;
    assert_eq!(status, 202);
    collect_until(&mut hud, &mut events, |e| {
        e.iter().any(|x| matches!(&x.event, HudEvent::PriorityMessage { text, from } if text.contains("finance") && from == "lucia"))
    })
    .await;
    let delivery = sent.elapsed();
    println!("priority message delivered in {delivery:?}");
    assert!(delivery < Duration::from_millis(200), "priority message took {delivery:?}");

    // Before its call, no session of a meeting runs anywhere: a message is refused, not lost.
    let idle = meeting(&app, &playbook, &seller).await;
    let (status, body) = app
        .call(Method::POST, &format!("/meetings/{}/priority-messages", idle.id), Some(&manager), Some(serde_json::json!({"text": "early"})))
        .await;
    assert_eq!(status, 409, "{body}");

    // A second meeting runs alongside; the first one's session is killed.
    let other = meeting(&app, &playbook, &seller).await;
    let mut other_hud = connect(&app, &format!("/meetings/{}/hud", other.id), &other.host).await;
    let mut other_ingest = connect(&app, &format!("/meetings/{}/audio", other.id), &other.host).await;
    control(&mut other_ingest).await;
    let first = uuid::Uuid::parse_str(&m.id).unwrap();
    assert!(app.state.live.abort_session(first));
    for seq in 0..600 {
        other_ingest.send(frame(&other.host_identity, &host_track, seq)).await.unwrap();
    }
    let mut other_events = Vec::new();
    collect_until(&mut other_hud, &mut other_events, |e| {
        e.iter().any(|x| matches!(&x.event, HudEvent::ChecklistTicked { item, .. } if item == "agenda"))
    })
    .await;

    // The restarted session kept its state: new audio continues the same meeting, the agenda
    // is not ticked twice, and the HUD stream continues without a gap.
    for seq in 850..1100 {
        ingest.send(frame(&m.host_identity, &host_track, seq)).await.unwrap();
        ingest.send(frame(&sarah, &sarah_track, seq)).await.unwrap();
    }
    let before = events.len();
    collect_until(&mut hud, &mut events, |e| finals(&e[before..]).iter().any(|(who, _)| who == "marco")).await;
    let agenda_ticks = events
        .iter()
        .filter(|x| matches!(&x.event, HudEvent::ChecklistTicked { item, .. } if item == "agenda"))
        .count();
    assert_eq!(agenda_ticks, 1);
    for pair in events.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1, "HUD sequence has a gap after the restart");
    }

    // A malformed frame closes only that socket, with 1007 and the reason.
    let mut bad = connect(&app, &audio, &m.host).await;
    control(&mut bad).await;
    bad.send(Message::Binary(vec![b'C', b'F', 1, 0, 0].into())).await.unwrap();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), bad.next()).await.unwrap() {
            Some(Ok(Message::Close(frame))) => break frame.expect("close frame"),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.code, CloseCode::Invalid);
    assert!(close.reason.contains("truncated"), "{}", close.reason);
    // The meeting itself goes on.
    let (status, _) = app
        .call(Method::POST, &format!("/meetings/{}/priority-messages", m.id), Some(&manager), Some(serde_json::json!({"text": "still here"})))
        .await;
    assert_eq!(status, 202);
}

/// xorshift64*: a deterministic stream of cases without another dependency.
struct Cases(u64);

impl Cases {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_out_of_order_frames_never_break_a_meeting() {
    let app = TestApp::start(|_| {}).await;
    let m = seller_meeting(&app, "fuzz", "fuzzer").await;
    let audio = format!("/meetings/{}/audio", m.id);
    let silence = vec![0i16; FRAME_SAMPLES * 400];
    let mut cases = Cases(0x9E37_79B9_7F4A_7C15);

    // Malformed messages: each closes its socket with 1007 (never a crash, never a hang).
    for case in 0..60 {
        let mut socket = connect(&app, &audio, &m.host).await;
        control(&mut socket).await;
        let valid = match frame(&m.host_identity, &silence, 0) {
            Message::Binary(bytes) => bytes.to_vec(),
            _ => unreachable!(),
        };
        let mut bytes = valid.clone();
        match case % 3 {
            0 => bytes.truncate((cases.next() as usize) % valid.len()),
            1 => bytes.extend((0..1 + cases.next() % 50).map(|i| i as u8)),
            _ => {
                // Corrupt the fixed header, keeping the length.
                let i = (cases.next() % 4) as usize;
                bytes[i] = bytes[i].wrapping_add(1 + (cases.next() % 200) as u8);
            }
        }
        socket.send(Message::Binary(bytes.clone().into())).await.unwrap();
        let closed = loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("no answer to a malformed frame") {
                Some(Ok(Message::Close(frame))) => break frame.map(|f| f.code),
                Some(Ok(_)) => continue,
                other => panic!("case {case}: {other:?}"),
            }
        };
        assert_eq!(closed, Some(CloseCode::Invalid), "case {case}: {bytes:?}");
    }

    // Out of order: frames arrive shuffled within windows of 8; frames older than the newest
    // already accepted are dropped, so the session's sequence only moves forward and ends at
    // the highest one sent.
    let mut socket = connect(&app, &audio, &m.host).await;
    control(&mut socket).await;
    let mut order: Vec<u32> = (0..200).collect();
    for chunk in order.chunks_mut(8) {
        for i in (1..chunk.len()).rev() {
            chunk.swap(i, (cases.next() % (i as u64 + 1)) as usize);
        }
    }
    for seq in &order {
        socket.send(frame(&m.host_identity, &silence, *seq)).await.unwrap();
    }
    loop {
        if let IngestControl::Ack { next_seq } = control(&mut socket).await
            && next_seq.get(&m.host_identity) == Some(&200)
        {
            break;
        }
    }
    // A text message is refused with 1003; the meeting still answers afterwards.
    socket.send(Message::Text("hello".into())).await.unwrap();
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await.unwrap() {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| f.code),
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(closed, Some(CloseCode::Unsupported));
    let mut again = connect(&app, &audio, &m.host).await;
    match control(&mut again).await {
        IngestControl::Resume { next_seq } => assert_eq!(next_seq.get(&m.host_identity), Some(&200)),
        other => panic!("{other:?}"),
    }
}

fn wav_bytes(samples: &[i16]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::new(&mut out, spec).unwrap();
    samples.iter().for_each(|s| writer.write_sample(*s).unwrap());
    writer.finalize().unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_recording_is_analysed_and_stored() {
    let app = TestApp::start(|_| {}).await;
    let (admin, slug) = app.sign_up("upload").await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", "uploader").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let m = meeting(&app, &playbook, &seller).await;
    let url = app.url(&format!("/meetings/{}/recordings", m.id));
    let first_20s = |name: &str| wav_bytes(&track(name)[..16_000 * 20]);

    // A part that is not a 16 kHz WAV is refused, naming the speaker.
    let form = reqwest::multipart::Form::new()
        .part("Marco", reqwest::multipart::Part::bytes(first_20s("host")).file_name("host.wav"))
        .part("Sarah", reqwest::multipart::Part::bytes(b"not a wav".to_vec()).file_name("a.wav"));
    let response = app.client.post(&url).bearer_auth(&seller).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "Sarah");

    let form = reqwest::multipart::Form::new()
        .part("Marco", reqwest::multipart::Part::bytes(first_20s("host")).file_name("host.wav"))
        .part("Sarah", reqwest::multipart::Part::bytes(first_20s("guest_a")).file_name("a.wav"));
    let response = app.client.post(&url).bearer_auth(&seller).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 202);

    let events = app.state.mongo.collection::<mongodb::bson::Document>("events");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let ticked = events
            .count_documents(mongodb::bson::doc! {"meeting_id": &m.id, "kind": "checklist_ticked", "item": "agenda"})
            .await
            .unwrap();
        let sarah = events
            .count_documents(mongodb::bson::doc! {"meeting_id": &m.id, "kind": "transcript_final", "speaker_name": "Sarah"})
            .await
            .unwrap();
        if ticked == 1 && sarah >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "recording not analysed in time");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // A second upload of the same meeting is refused.
    let form = reqwest::multipart::Form::new().part("Marco", reqwest::multipart::Part::bytes(first_20s("host")).file_name("h.wav"));
    let response = app.client.post(&url).bearer_auth(&seller).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 409);
}

/// The HUD socket and the audio socket of a meeting open together, and each starts the
/// meeting's session if it is not running: every caller must get a meeting that takes
/// commands at once, none one still starting (which told the first audio frame "the meeting
/// has ended").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_of_a_session_all_get_a_meeting_that_takes_commands() {
    use closer::live::session::Command;
    let app = TestApp::start(|_| {}).await;
    let m = seller_meeting(&app, "race", "marco").await;
    let id = uuid::Uuid::parse_str(&m.id).unwrap();
    let starts = (0..8).map(|n| {
        let registry = app.state.live.clone();
        tokio::spawn(async move {
            let live = registry.session(id).await.expect("session");
            let sent = live.send(Command::PriorityMessage { from: format!("manager {n}"), text: format!("note {n}") }).await;
            (live, sent)
        })
    });
    let started: Vec<_> = futures_util::future::join_all(starts).await.into_iter().map(Result::unwrap).collect();
    for (n, (live, sent)) in started.iter().enumerate() {
        assert!(sent, "caller {n} was told the meeting had ended");
        assert!(std::sync::Arc::ptr_eq(live, &started[0].0), "caller {n} got a second session");
    }
    // Every message reached the one session (the HUD stream starts with the meeting's backlog).
    let mut hud = connect(&app, &format!("/meetings/{}/hud", m.id), &m.host).await;
    let mut events = Vec::new();
    collect_until(&mut hud, &mut events, |e| e.iter().filter(|x| matches!(x.event, HudEvent::PriorityMessage { .. })).count() == 8)
        .await;
}
