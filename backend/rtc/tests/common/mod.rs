//! What the tests and the bench of closer-rtc share: the environment scripts/test exports, the
//! library, tokens, and fresh rooms. Included with `#[path]` by `tests/room.rs` and
//! `benches/agent.rs`.
#![allow(dead_code)] // each includer uses its own subset

use closer_rtc::{Connected, RoomOptions, Rtc};
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
