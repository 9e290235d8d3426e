//! Which live speech-to-text provider transcribes a meeting.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A live STT provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SttProviderKind {
    /// Embedded Whisper base (offline; the default).
    #[default]
    Whisper,
    /// Deepgram live streaming (needs the server's Deepgram API key); falls back to the
    /// embedded Whisper when it fails mid-call.
    Deepgram,
}

/// The STT provider chosen for an organization or a meeting. `null` means "inherit": a
/// meeting inherits its organization's choice, an organization the server's configuration
/// (`stt_provider`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SttSettings {
    pub stt_provider: Option<SttProviderKind>,
}
