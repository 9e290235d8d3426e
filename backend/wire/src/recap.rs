//! The post-call recap of a meeting (`GET /api/meetings/{id}/recap`): KPIs, checklist with
//! evidence, objections and how they were handled, sentiment timelines, transcript, summary,
//! next steps and action items. All times are ms on the meeting's audio axis (0 = first audio
//! frame) unless they are timestamps; all text is PII-redacted.

use crate::events::{Evidence, SentimentLabel};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Which side of the call a speaker is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The seller hosting the call.
    Seller,
    /// A prospect.
    Guest,
}

/// Benchmark bands the UI draws around the KPIs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Benchmarks {
    /// Seller's share of talk time in top-performing discovery calls: 43 % (Gong Labs, analysis
    /// of 25,537 B2B sales calls, "talk-to-listen ratio").
    pub seller_talk_pct: f64,
    /// Comfortable speaking pace, words per minute: lower bound (130).
    pub wpm_min: f64,
    /// Upper bound (175); above it prospects struggle to follow.
    pub wpm_max: f64,
}

/// Per-participant speaking statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpeakerStats {
    /// LiveKit identity (the `speaker` of transcript events).
    pub speaker: String,
    pub name: String,
    pub side: Side,
    /// Time spent talking, ms: utterance spans plus pauses ≤ 1 s inside a turn.
    pub talk_ms: u64,
    /// Share of all talk time, percent (0–100).
    pub talk_pct: f64,
    /// Words recognised (a redacted span counts as one placeholder).
    pub words: u32,
    /// Speaking pace, words per minute, over the utterances without redacted spans; absent
    /// when fewer than 5 words count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub wpm: Option<f64>,
    /// Longest uninterrupted stretch of speech, ms.
    pub longest_monologue_ms: u64,
    /// Questions asked.
    pub questions: u32,
    /// Utterances.
    pub turns: u32,
}

/// The headline numbers of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    /// Covered checklist items / all items × 100.
    pub script_adherence_pct: f64,
    pub items_covered: u32,
    pub items_total: u32,
    /// Seller's share of talk time, percent.
    pub seller_talk_pct: f64,
    /// All guests' share of talk time, percent.
    pub guest_talk_pct: f64,
    /// Seller's pace, words per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub seller_wpm: Option<f64>,
    /// Guests' pace, words per minute (all guests' words over their talk time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub guest_wpm: Option<f64>,
    /// Longest monologue of anyone, ms, and whose.
    pub longest_monologue_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub longest_monologue_speaker: Option<String>,
    /// Questions the seller asked.
    pub seller_questions: u32,
    pub objections_raised: u32,
    pub objections_handled: u32,
    /// Guests' overall sentiment, −1 (irritated) … +1 (positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sentiment_score: Option<f64>,
    /// Length of the call on the audio axis, ms (end of the last utterance).
    pub duration_ms: u64,
    pub benchmarks: Benchmarks,
}

/// A checklist item and whether (and where) it was covered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistCoverage {
    pub item: String,
    pub title: String,
    pub covered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence: Option<Evidence>,
}

/// An objection raised during the call and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionOutcome {
    /// Objection key of the playbook (its category).
    pub objection: String,
    pub title: String,
    /// The guest's words that raised it.
    pub evidence: Evidence,
    /// The battle card was shown in the seller's HUD (always, for detected objections).
    pub card_shown: bool,
    /// The seller presented the battle card to the guests.
    pub card_presented: bool,
    /// The seller spoke within the next two utterances.
    pub responded: bool,
    /// Responded, and the raising guest's sentiment did not drop further within the two
    /// utterances after the response.
    pub handled: bool,
    /// Start of the seller's response, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub response_ms: Option<u64>,
}

/// One point of a participant's sentiment timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentimentPoint {
    pub speaker: String,
    pub label: SentimentLabel,
    /// −1 (irritated), −0.6 (negative), 0 (neutral), +1 (positive).
    pub score: f64,
    pub confidence: f32,
    /// The utterance that moved it (seek target of a dip), ms.
    pub start_ms: u64,
    pub end_ms: u64,
    pub segment_id: String,
}

/// A line of the transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptLine {
    pub segment_id: String,
    pub speaker: String,
    pub speaker_name: String,
    pub side: Side,
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// Something someone committed to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionItem {
    /// What is to be done, as said (or as phrased by the LLM).
    pub text: String,
    /// Who will do it (a participant's name), when said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
    /// When, as said ("next Tuesday", "entro venerdì").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub due: Option<String>,
    /// `due` resolved against the call's date, when it names a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub due_date: Option<NaiveDate>,
    /// Utterance it comes from (absent for LLM items it cannot be traced to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub segment_id: Option<String>,
}

/// The recap of one meeting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recap {
    pub meeting_id: Uuid,
    pub title: String,
    pub host_id: Uuid,
    pub playbook_id: Uuid,
    pub playbook_name: String,
    /// ISO 639-1 of the call.
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ended_at: Option<DateTime<Utc>>,
    pub kpis: Kpis,
    pub speakers: Vec<SpeakerStats>,
    pub checklist: Vec<ChecklistCoverage>,
    pub objections: Vec<ObjectionOutcome>,
    /// Every sentiment update, in time order.
    pub sentiment: Vec<SentimentPoint>,
    pub transcript: Vec<TranscriptLine>,
    pub summary: String,
    pub next_steps: Vec<String>,
    pub action_items: Vec<ActionItem>,
    /// `extractive` (embedded, offline) or `llm:<model>`.
    pub summary_method: String,
    /// `/api/meetings/{id}/recording` when a mixed recording exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recording_url: Option<String>,
    pub generated_at: DateTime<Utc>,
}
