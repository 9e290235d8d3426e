//! Meetings, participants, LiveKit access.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Life cycle of a meeting: `scheduled → live → ended → processed`, or `cancelled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Scheduled,
    Live,
    Ended,
    Processed,
    Cancelled,
}

impl MeetingStatus {
    /// The name stored in the database (`"scheduled"` …).
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "scheduled",
            MeetingStatus::Live => "live",
            MeetingStatus::Ended => "ended",
            MeetingStatus::Processed => "processed",
            MeetingStatus::Cancelled => "cancelled",
        }
    }

    /// Inverse of [`MeetingStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Scheduled, Self::Live, Self::Ended, Self::Processed, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

/// A meeting as its organization sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Meeting {
    /// Also the guest link: `/meet/<id>`.
    pub id: Uuid,
    pub title: String,
    pub host_id: Uuid,
    pub playbook_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: MeetingStatus,
    /// When the call really began (the room's first participant) and ended; absent until then.
    /// Their difference is the call's duration, shown for ended meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ended_at: Option<DateTime<Utc>>,
    /// `<public_base_url>/meet/<id>`.
    pub guest_url: String,
    /// Set when the meeting was booked through a booking page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub booking_id: Option<Uuid>,
    /// Set while the guest of the AI agent running this meeting asks for its host and holds
    /// for them (issue #18): the host's console and desktop app show it with a way to join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub summons: Option<Summons>,
}

/// A guest asking, through the AI agent running their call, for the meeting's host to join
/// now (issue #18: transfer to a human on request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summons {
    /// The guest, as the agent knows them (their name, or what their phone sent).
    pub guest: String,
    /// The AI agent's name.
    pub agent: String,
    /// When the guest stops holding and the agent carries on without the host.
    pub until: DateTime<Utc>,
}

/// `POST /api/meetings` (ad hoc meeting; the caller hosts it).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMeeting {
    /// 1–200 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200))]
    pub title: String,
    pub playbook_id: Uuid,
    /// Default: now.
    #[serde(default)]
    #[ts(optional)]
    pub starts_at: Option<DateTime<Utc>>,
    /// 5–480, default 30.
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 480))]
    pub duration_minutes: Option<u32>,
}

/// `PATCH /api/meetings/{id}`: fields to change (only while scheduled).
#[derive(Clone, Debug, Default, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingUpdate {
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200_or_null))]
    pub title: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub playbook_id: Option<Uuid>,
    #[serde(default)]
    #[ts(optional)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 480))]
    pub duration_minutes: Option<u32>,
}

/// What the guest page shows before joining: `GET /api/meetings/{id}/public`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMeeting {
    pub title: String,
    pub host_name: String,
    pub organization_name: String,
    pub starts_at: DateTime<Utc>,
    pub status: MeetingStatus,
}

/// A guest's AI-consent choice ("This call is assisted by AI for quality purposes").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AiConsent {
    /// The guest's audio may be transcribed and analysed.
    Accepted,
    /// The guest's audio is never tapped.
    Declined,
}

impl AiConsent {
    /// The name stored in the database (`"accepted"`, `"declined"`).
    pub fn as_str(self) -> &'static str {
        match self {
            AiConsent::Accepted => "accepted",
            AiConsent::Declined => "declined",
        }
    }

    /// Inverse of [`AiConsent::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Accepted, Self::Declined].into_iter().find(|consent| consent.as_str() == s)
    }
}

/// `POST /api/meetings/{id}/join` (guest, no login).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinRequest {
    /// Trimmed; 1–60 characters, no control characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_60))]
    pub display_name: String,
    pub ai_consent: AiConsent,
    /// The LiveKit `token` this browser tab got from its earlier join of the same meeting. A
    /// reload presents it to come back as the same participant: the same identity, so LiveKit
    /// replaces the old connection (no second tile, no second participant row, and a full room
    /// lets its own participant back in). A token that is not a valid guest token for this
    /// meeting's room (another meeting, forged, expired after `livekit_token_ttl_secs`), or that
    /// comes with another `ai_consent` than the one recorded, is ignored: the guest joins as a
    /// new participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rejoin_token: Option<String>,
}

/// LiveKit access for one participant of one meeting.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomAccess {
    /// LiveKit signalling URL (`ws://…` or `wss://…`).
    pub livekit_url: String,
    /// LiveKit access token (JWT) bound to this meeting's room; expires.
    pub token: String,
    /// The participant identity inside the room (`host-…`, `guest-…`, `shadow-…`).
    pub identity: String,
    /// The LiveKit room name.
    pub room: String,
}

/// A participant of a meeting with the AI-consent choice (host and shadow have none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub identity: String,
    pub display_name: String,
    pub role: ParticipantRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ai_consent: Option<AiConsent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub consent_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub joined_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub left_at: Option<DateTime<Utc>>,
}

/// How a participant is in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    /// The seller: room admin, publishes media and data.
    Host,
    /// A prospect: own camera/mic/screen only.
    Guest,
    /// A manager in shadow mode: hidden, subscribe only.
    Shadow,
}

impl ParticipantRole {
    /// The name stored in the database and used as identity prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::Host => "host",
            ParticipantRole::Guest => "guest",
            ParticipantRole::Shadow => "shadow",
        }
    }

    /// Inverse of [`ParticipantRole::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Host, Self::Guest, Self::Shadow].into_iter().find(|role| role.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for status in [MeetingStatus::Scheduled, MeetingStatus::Live, MeetingStatus::Ended, MeetingStatus::Processed, MeetingStatus::Cancelled] {
            assert_eq!(MeetingStatus::parse(status.as_str()), Some(status));
        }
        for consent in [AiConsent::Accepted, AiConsent::Declined] {
            assert_eq!(AiConsent::parse(consent.as_str()), Some(consent));
        }
        assert_eq!(AiConsent::parse("maybe"), None);
        for role in [ParticipantRole::Host, ParticipantRole::Guest, ParticipantRole::Shadow] {
            assert_eq!(ParticipantRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(ParticipantRole::parse("manager"), None);
    }
}
