//! The phone line (#18): the numbers an organization's calls arrive at, and its call log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// A number of the organization's phone line: calls to it are answered by the AI agent of its
/// meeting type, each call becoming a meeting of that type's seller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneNumber {
    pub id: Uuid,
    /// The number in E.164 form (`+` and 6–15 digits), as callers dial it.
    pub number: String,
    /// The meeting type its calls become (an AI agent runs it).
    pub meeting_type_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/phone-numbers`: a number for the organization's phone line.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPhoneNumber {
    /// The number as people type it (`+39 02 1234 5678`); stored in E.164 form. With no `+`,
    /// the digits are taken as already international.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::phone))]
    pub number: String,
    /// One of the organization's meeting types that an AI agent runs.
    pub meeting_type_id: Uuid,
}

/// A meeting type a number can be answered as: one of the organization's active meeting types
/// that an AI agent runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneTarget {
    pub meeting_type_id: Uuid,
    /// The meeting type's title.
    pub title: String,
    /// The seller whose meetings its calls become.
    pub seller_name: String,
    /// The AI agent that answers.
    pub agent_name: String,
}

/// How a call to the phone line went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhoneCallOutcome {
    /// Answered and still going.
    InProgress,
    /// Answered, then ended by either side.
    Completed,
    /// The caller hung up before it was answered.
    Abandoned,
    /// It could not be answered (the meeting type has no AI agent, or a failure on our side).
    Failed,
}

/// A call in the phone line's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneCall {
    pub id: Uuid,
    /// The number called, E.164.
    pub number: String,
    /// The caller's number as their phone sent it (empty when withheld).
    pub caller: String,
    /// The meeting the call became (transcript, recording and recap are the meeting's).
    pub meeting_id: Option<Uuid>,
    /// The lead the caller became.
    pub lead_id: Option<Uuid>,
    pub outcome: PhoneCallOutcome,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Seconds from answer to hang-up; `null` until it ends, or when it was never answered.
    #[ts(type = "number | null")]
    pub duration_secs: Option<i64>,
    /// The call's recording (`/api/meetings/{id}/recording`, Opus/WebM, for a signed-in
    /// request) once its meeting is finalized with one; `null` until then.
    pub recording_url: Option<String>,
    /// When the call back the caller booked with the agent starts (`null`: none booked, or
    /// cancelled since).
    pub call_back_at: Option<DateTime<Utc>>,
}
