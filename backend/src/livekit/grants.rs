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

/// A person's LiveKit identity in a meeting's room, spelled in this one place: `host-<user id>`
/// and `shadow-<user id>` (one per user and role, so a reconnect replaces the previous
/// connection) or `guest-<12 hex>` (random; a reload keeps it through the guest's token). The
/// pages tell guests from the host by the `guest-` prefix too (`ui/src/room/presentation.tsx`).
/// The server's own participants (`agent::IDENTITY`, `agent::ai_call::IDENTITY`) join as
/// LiveKit agents and are not identities of this kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The meeting's host or a hidden manager, by user id.
    User { role: ParticipantRole, user: Uuid },
    /// A guest, by the part after `guest-`.
    Guest(String),
}

impl Identity {
    /// A new guest's identity: `guest-` and 12 random hex digits.
    pub fn new_guest() -> Self {
        Self::Guest(Uuid::new_v4().simple().to_string()[..12].to_owned())
    }

    /// `s` read back; `None` for anything else (an agent's identity, a foreign participant).
    pub fn parse(s: &str) -> Option<Self> {
        let (prefix, rest) = s.split_once('-')?;
        match ParticipantRole::parse(prefix)? {
            ParticipantRole::Guest => (!rest.is_empty()).then(|| Self::Guest(rest.to_owned())),
            role => Uuid::try_parse(rest).ok().map(|user| Self::User { role, user }),
        }
    }

    /// The participant's role.
    pub fn role(&self) -> ParticipantRole {
        match self {
            Self::User { role, .. } => *role,
            Self::Guest(_) => ParticipantRole::Guest,
        }
    }

    /// Whether `s` is a guest's identity.
    pub fn is_guest(s: &str) -> bool {
        matches!(Self::parse(s), Some(Self::Guest(_)))
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User { role, user } => write!(f, "{}-{}", role.as_str(), user.simple()),
            Self::Guest(id) => write!(f, "guest-{id}"),
        }
    }
}

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
    fn identities_round_trip_and_foreign_ones_are_none() {
        let user = Uuid::new_v4();
        for identity in [
            Identity::User { role: ParticipantRole::Host, user },
            Identity::User { role: ParticipantRole::Shadow, user },
            Identity::new_guest(),
        ] {
            assert_eq!(Identity::parse(&identity.to_string()), Some(identity.clone()), "{identity}");
        }
        assert_eq!(Identity::User { role: ParticipantRole::Shadow, user }.to_string(), format!("shadow-{}", user.simple()));
        let guest = Identity::new_guest().to_string();
        assert!(guest.len() == "guest-".len() + 12 && Identity::is_guest(&guest), "{guest}");
        assert_ne!(Identity::new_guest(), Identity::new_guest());
        for foreign in ["agent-copilot", "agent-ai", "guest-", "host-42", "shadow", "", "caller-1"] {
            assert_eq!(Identity::parse(foreign), None, "{foreign}");
        }
        assert!(!Identity::is_guest(&format!("host-{}", user.simple())));
    }

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
