//! AI agents (`/api/agents`): voices that run a qualification call on their own — greet the
//! guest, ask their questions, score the answers on BANT — and hand warm leads to a seller.

use crate::leads::BantCriterion;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// A question the agent asks, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentQuestion {
    /// What the agent says, 1–300 characters.
    pub text: String,
    /// The BANT criterion the answer tells about; `null` for a question outside BANT.
    #[serde(default)]
    pub criterion: Option<BantCriterion>,
}

/// A question the agent may answer when the guest asks it, and its answer: the only facts it
/// states (it never makes up a price or a date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentFaq {
    /// The question as a guest might ask it, 1–300 characters.
    pub question: String,
    /// What the agent says, 1–1000 characters.
    pub answer: String,
}

/// An AI agent as the console shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AiAgent {
    pub id: Uuid,
    /// Its name in the call (the guest sees it on its tile).
    pub name: String,
    /// `en` or `it`: the language it speaks and listens in. The voice is the language's
    /// embedded one (English: Piper "joe"; Italian: festival `lp_diphone`).
    pub language: String,
    /// Persona and instructions for a configured LLM (the scripted dialogue ignores them).
    pub persona: String,
    /// The opening line; `{guest}` is replaced by the guest's first name.
    pub greeting: String,
    /// 1–20 questions, asked in order.
    pub questions: Vec<AgentQuestion>,
    /// What it answers when the guest asks (0–30 entries).
    pub faq: Vec<AgentFaq>,
    /// The last line.
    pub closing: String,
    /// The seller who receives the leads it qualifies; `null`: they stay unassigned.
    pub handoff_owner_id: Option<Uuid>,
    /// The BANT score (0–100) from which a lead is qualified and handed off.
    pub qualify_score: u8,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/agents` and `PUT /api/agents/{id}` (the whole agent).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AiAgentInput {
    /// 1–60 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_60))]
    pub name: String,
    /// `en` or `it`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::language))]
    pub language: String,
    /// ≤ 4000 characters. Default empty.
    #[serde(default)]
    #[ts(optional)]
    pub persona: Option<String>,
    /// 1–500 characters.
    pub greeting: String,
    /// 1–20 questions.
    pub questions: Vec<AgentQuestion>,
    /// 0–30 entries; default none.
    #[serde(default)]
    #[ts(optional)]
    pub faq: Option<Vec<AgentFaq>>,
    /// 1–500 characters.
    pub closing: String,
    /// An active member of the organization.
    #[serde(default)]
    #[ts(optional)]
    pub handoff_owner_id: Option<Uuid>,
    /// 0–100; default 50.
    #[serde(default)]
    #[ts(optional)]
    pub qualify_score: Option<u8>,
}

/// `PUT /api/meetings/{id}/agent`: the AI agent that runs the meeting (`null`: none, a human
/// seller runs it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingAgent {
    pub agent_id: Option<Uuid>,
}
