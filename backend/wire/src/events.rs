//! Events of a live meeting, pushed to the seller's HUD and to shadow managers (never to
//! guests), persisted redacted in MongoDB, and printed as JSON lines by `closer-server analyze`.
//!
//! Times: `at_ms` is when the event was emitted, in ms on the meeting's audio time axis (0 =
//! the first audio frame received), so it includes processing delay; `start_ms`/`end_ms` are
//! the audio span the event is about. All text is PII-redacted before an event exists.

use crate::playbook::BattleCard;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Sentiment classes of the embedded classifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    /// Warm, agreeing, pleased.
    Positive,
    /// Factual, no clear polarity.
    Neutral,
    /// Problem, disagreement, concern.
    Negative,
    /// Annoyed or frustrated with the call or the seller.
    Irritated,
}

/// One recognised word of a final segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct WordTiming {
    /// The word (redacted words appear as their placeholder, e.g. `[card]`).
    pub text: String,
    /// Start on the audio axis, ms.
    pub start_ms: u64,
    /// End on the audio axis, ms.
    pub end_ms: u64,
}

/// Where a checklist item or objection was heard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Segment id (`<speaker>-<n>`).
    pub segment_id: String,
    /// LiveKit identity of the speaker.
    pub speaker: String,
    /// Start of the segment on the audio axis, ms.
    pub start_ms: u64,
    /// The (redacted) words that matched.
    pub text: String,
    /// How sure the match is: for a checklist tick the checklist model's probability (0–1,
    /// `analysis/checklist.rs`), for an objection the cosine to its prototype (−1–1).
    pub score: f32,
}

/// Which speech-to-text provider serves a speaker, and why it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProviderState {
    /// The configured provider is transcribing.
    Active,
    /// The configured provider failed; the embedded one took over.
    Fallback,
}

/// What the HUD shows. Serialized with a `kind` tag, e.g.
/// `{"kind":"checklist_ticked","item":"budget",...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HudEvent {
    /// Words recognised so far in an utterance still being spoken (≈ once a second).
    TranscriptPartial {
        segment_id: String,
        speaker: String,
        speaker_name: String,
        text: String,
        start_ms: u64,
    },
    /// A finished utterance with word timings.
    TranscriptFinal {
        segment_id: String,
        speaker: String,
        speaker_name: String,
        text: String,
        start_ms: u64,
        end_ms: u64,
        words: Vec<WordTiming>,
    },
    /// A playbook checklist item was covered.
    ChecklistTicked { item: String, title: String, evidence: Evidence },
    /// A prospect raised an objection; the battle card tells the seller what to say.
    ObjectionDetected {
        objection: String,
        title: String,
        battle_card: BattleCard,
        evidence: Evidence,
    },
    /// A participant's smoothed sentiment after their latest utterance.
    SentimentUpdated {
        speaker: String,
        speaker_name: String,
        label: SentimentLabel,
        /// Probability-like confidence of `label`, 0–1.
        confidence: f32,
        segment_id: String,
        /// Audio span of the utterance that moved it, ms.
        start_ms: u64,
        end_ms: u64,
    },
    /// Next-best-action tip for the seller.
    Suggestion {
        text: String,
        /// Checklist item the tip is about, if any.
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
        /// Objection the tip answers, if any.
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objection: Option<String>,
        /// Set when an LLM rewrote the rule-based tip (`llm:<model>`); absent for the
        /// embedded rules' tip, which always comes first.
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refined_by: Option<String>,
    },
    /// A manager's message for the seller.
    PriorityMessage { from: String, text: String },
    /// STT provider change for a speaker (e.g. cloud failure → embedded fallback).
    ProviderStatus { speaker: String, provider: String, state: ProviderState, message: String },
    /// The copilot is falling behind the call, or caught up: `behind_ms` is how long the
    /// oldest finished utterance still waiting for its transcript has been over (ms; 0 when
    /// none waits). Sent in live calls when it first reaches 2 s, again for every further
    /// second, and once more when the copilot is back under 2 s, so the HUD can say
    /// "delayed" even while no transcript arrives at all.
    CopilotStatus { behind_ms: u64 },
}

/// An event with its place in the meeting's stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct HudEnvelope {
    /// Per-meeting sequence number, from 0, gap-free: a reconnecting HUD resumes after the
    /// last one it saw.
    pub seq: u64,
    /// Emission time on the meeting's audio axis, ms.
    pub at_ms: u64,
    /// The event.
    #[serde(flatten)]
    pub event: HudEvent,
}

/// A message of the HUD socket about the call as it stands, outside the meeting's event stream
/// (no `seq`; never stored or replayed): sent by whichever server holds the socket, from the
/// copilot's lease.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum HudNotice {
    /// No copilot job has run the meeting for `waiting_ms` (ms): no worker had room for it
    /// (every one full or over LiveKit's target load), or the one running it stopped and it is
    /// being dispatched again. Sent every 2 s while it lasts, so the HUD never shows "Live"
    /// while nothing listens.
    CopilotAbsent { waiting_ms: u64 },
    /// The copilot runs the meeting again after a [`HudNotice::CopilotAbsent`].
    CopilotPresent,
}

