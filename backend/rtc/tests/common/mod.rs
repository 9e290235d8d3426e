//! What the tests and the bench of closer-rtc share: the environment scripts/test exports, the
//! library, tokens, and fresh rooms. Included with `#[path]` by `tests/room.rs` and
//! `benches/agent.rs`.
#![allow(dead_code)] // each includer uses its own subset

use closer_rtc::proto::TrackKind;
use closer_rtc::{AudioStream, Connected, RemoteTrack, Room, RoomEvent, RoomOptions, Rtc};
use std::f32::consts::TAU;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use livekit_api::access_token::{AccessToken, VideoGrants};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};

pub fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run the tests through scripts/test"))
}

pub fn rtc() -> Rtc {
    let models = std::path::PathBuf::from(env("CLOSER_MODELS_DIR"));
    Rtc::load(&closer_rtc::library_path(&models)).expect("liblivekit_ffi.so loads")
}

pub fn token(room: &str, identity: &str, hidden: bool) -> String {
    AccessToken::with_api_key(
        &env("CLOSER_LIVEKIT_API_KEY"),
        &env("CLOSER_LIVEKIT_API_SECRET"),
    )
    .with_identity(identity)
    .with_name(identity)
    .with_grants(VideoGrants {
        room_join: true,
        room: room.into(),
        hidden,
        ..Default::default()
    })
    .to_jwt()
    .expect("token")
}

pub async fn join(room: &str, identity: &str, hidden: bool, auto_subscribe: bool) -> Connected {
    rtc()
        .connect(
            &env("CLOSER_LIVEKIT_URL"),
            &token(room, identity, hidden),
            RoomOptions { auto_subscribe },
        )
        .await
        .unwrap_or_else(|e| panic!("{identity} joins {room}: {e}"))
}

/// A new room on the server (which, like Closer's, does not create rooms on join).
pub async fn unique_room(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let room = format!("rtc-{name}-{nanos}");
    RoomClient::with_api_key(
        &env("CLOSER_LIVEKIT_URL"),
        &env("CLOSER_LIVEKIT_API_KEY"),
        &env("CLOSER_LIVEKIT_API_SECRET"),
    )
    .create_room(&room, CreateRoomOptions::default())
    .await
    .expect("create the room");
    room
}

/// The first event `pick` accepts within 20 s; the events before it are returned too.
pub async fn wait_for<T>(
    events: &mut UnboundedReceiver<RoomEvent>,
    what: &str,
    mut pick: impl FnMut(RoomEvent) -> Result<T, RoomEvent>,
) -> (T, Vec<RoomEvent>) {
    let mut skipped = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("no {what} within 20 s; saw {skipped:?}"))
            .unwrap_or_else(|| panic!("event stream ended before {what}; saw {skipped:?}"));
        match pick(event) {
            Ok(found) => return (found, skipped),
            Err(other) => skipped.push(other),
        }
    }
}

pub async fn subscribed_audio(events: &mut UnboundedReceiver<RoomEvent>, from: &str) -> RemoteTrack {
    wait_for(events, "an audio track subscription", |e| match e {
        RoomEvent::TrackSubscribed(t)
            if t.participant == from && t.kind == TrackKind::KindAudio =>
        {
            Ok(t)
        }
        other => Err(other),
    })
    .await
    .0
}

/// 48 kHz mono sine frames of 10 ms at `hz`, amplitude 8000.
pub fn tone_frames(hz: f32, seconds: f32) -> Vec<Vec<i16>> {
    let total = (48_000.0 * seconds) as usize;
    let samples: Vec<i16> = (0..total)
        .map(|n| (8000.0 * (TAU * hz * n as f32 / 48_000.0).sin()) as i16)
        .collect();
    samples.chunks(480).map(<[i16]>::to_vec).collect()
}

pub async fn speak(room: &Room, hz: f32, seconds: f32) -> tokio::task::JoinHandle<()> {
    let source = room
        .publish_audio("microphone", 48_000, 1)
        .await
        .expect("publish audio");
    assert!(
        source.sid.starts_with("TR_"),
        "published track sid {}",
        source.sid
    );
    tokio::spawn(async move {
        for frame in tone_frames(hz, seconds) {
            source.capture(&frame).await.expect("capture");
        }
    })
}

/// At least `samples` samples of `stream` (subscribed at 16 kHz mono), each frame checked to be
/// 10 ms of 16 kHz mono.
pub async fn hear(stream: &mut AudioStream, samples: usize) -> Vec<i16> {
    let mut heard = Vec::new();
    while heard.len() < samples {
        let frame = tokio::time::timeout(Duration::from_secs(10), stream.recv())
            .await
            .expect("a frame within 10 s")
            .expect("stream open");
        assert_eq!((frame.sample_rate, frame.channels), (16_000, 1));
        assert_eq!(frame.samples.len(), 160, "10 ms frames");
        heard.extend(frame.samples);
    }
    heard
}

