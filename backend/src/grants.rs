//! LiveKit access tokens per participant role, and room creation.
//!
//! | role   | admin | publish                         | data | subscribe | hidden |
//! |--------|-------|---------------------------------|------|-----------|--------|
//! | host   | yes   | any                             | yes  | yes       | no     |
//! | guest  | no    | camera, microphone, screen(+audio) | no | yes       | no     |
//! | shadow | no    | nothing                         | no   | yes       | yes    |
//!
//! Every token names exactly one room (the meeting's) and expires.

use crate::config::Config;
use closer_wire::ParticipantRole;
use livekit_api::access_token::{AccessToken, VideoGrants};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use std::time::Duration;
use uuid::Uuid;

/// Most participants a room admits (LiveKit refuses the next join).
pub const MAX_PARTICIPANTS: u32 = 10;

/// Start of every guest's LiveKit identity (`guest-<12 hex>`); the pages tell guests from the
/// host by it too (`ui/src/room/presentation.tsx`).
pub const GUEST_IDENTITY_PREFIX: &str = "guest-";

/// The LiveKit room of a meeting: `meeting-<uuid>`.
pub fn room_name(meeting: Uuid) -> String {
    format!("meeting-{meeting}")
}

/// The meeting a room belongs to (inverse of [`room_name`]).
pub fn meeting_of_room(room: &str) -> Option<Uuid> {
    room.strip_prefix("meeting-").and_then(|id| Uuid::parse_str(id).ok())
}

/// The grants of `role` in `room` (see the module table).
pub fn grants(role: ParticipantRole, room: &str) -> VideoGrants {
    let base = VideoGrants { room_join: true, room: room.to_owned(), ..VideoGrants::default() };
    match role {
        ParticipantRole::Host => VideoGrants {
            room_admin: true,
            can_publish: Some(true),
            can_subscribe: Some(true),
            can_publish_data: Some(true),
            ..base
        },
        ParticipantRole::Guest => VideoGrants {
            can_publish: Some(true),
            can_publish_sources: ["camera", "microphone", "screen_share", "screen_share_audio"]
                .map(String::from)
                .to_vec(),
            can_subscribe: Some(true),
            can_publish_data: Some(false),
            can_update_own_metadata: Some(false),
            ..base
        },
        ParticipantRole::Shadow => VideoGrants {
            hidden: true,
            can_publish: Some(false),
            can_subscribe: Some(true),
            can_publish_data: Some(false),
            can_update_own_metadata: Some(false),
            ..base
        },
    }
}

/// A signed token for `identity` (shown as `name`) with `role`'s grants in `room`, valid for
/// `livekit_token_ttl_secs`.
///
/// Errors: signing failure (an empty API key or secret).
pub fn mint(config: &Config, role: ParticipantRole, room: &str, identity: &str, name: &str) -> anyhow::Result<String> {
    Ok(AccessToken::with_api_key(&config.livekit_api_key, &config.livekit_api_secret)
        .with_identity(identity)
        .with_name(name)
        .with_ttl(Duration::from_secs(config.livekit_token_ttl_secs))
        .with_grants(grants(role, room))
        .to_jwt()?)
}

/// The URL clients connect to: the configured LiveKit URL with `http(s)` → `ws(s)`.
pub fn client_url(config: &Config) -> String {
    let url = &config.livekit_url;
    if let Some(rest) = url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        url.clone()
    }
}

/// Creates the meeting's room with [`MAX_PARTICIPANTS`] (LiveKit returns the existing room
/// when it is already there).
///
/// Errors: LiveKit unreachable or refusing the API key.
pub async fn ensure_room(rooms: &RoomClient, room: &str) -> anyhow::Result<()> {
    rooms
        .create_room(
            room,
            CreateRoomOptions {
                max_participants: MAX_PARTICIPANTS,
                // Close the room 5 minutes after the last participant leaves.
                empty_timeout: 300,
                ..Default::default()
            },
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_round_trip() {
        let id = Uuid::new_v4();
        assert_eq!(meeting_of_room(&room_name(id)), Some(id));
        assert_eq!(meeting_of_room("other"), None);
    }

    #[test]
    fn client_url_uses_websocket_scheme() {
        let config = Config { livekit_url: "https://lk.example.com".into(), ..Config::default() };
        assert_eq!(client_url(&config), "wss://lk.example.com");
        let config = Config { livekit_url: "http://127.0.0.1:7880".into(), ..Config::default() };
        assert_eq!(client_url(&config), "ws://127.0.0.1:7880");
    }
}
