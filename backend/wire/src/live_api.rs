//! Messages of the live endpoints besides the HUD events: the ingest socket's control
//! messages (server → client, JSON text) and the manager's priority message.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// JSON text messages the ingest WebSocket (`/api/meetings/{id}/audio`) sends to the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IngestControl {
    /// Sent once on connect: per participant identity, the next sequence number the server
    /// expects. A reconnecting client resends its buffered frames from there (earlier ones
    /// are already processed; later ones would leave a gap).
    Resume { next_seq: BTreeMap<String, u32> },
    /// Sent about once a second: frames below `next_seq` are processed and may be dropped
    /// from the client's resend buffer.
    Ack { next_seq: BTreeMap<String, u32> },
    /// Frames of this identity are refused and discarded (declined AI consent, or not a
    /// participant of the meeting); sent once per identity per connection.
    Refused { identity: String, reason: String },
}

/// Body of `GET /api/meetings/{id}/copilot` (the host and managers of the meeting's
/// organization): what the copilot's LiveKit agent does in the meeting's room now, whichever
/// server process runs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopilotPresence {
    /// Whether a copilot job runs the room (its lease renewed within the last 4 s).
    pub running: bool,
    /// Identities of the participants whose microphone it receives, sorted: those who consented
    /// to AI assistance and publish one. A declining participant is never among them.
    pub listening: Vec<String>,
}

/// Body of `POST /api/meetings/{id}/priority-messages` (managers of the meeting's
/// organization only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityMessageRequest {
    /// 1–500 characters, shown at once in the seller's HUD.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::text_500))]
    pub text: String,
}
