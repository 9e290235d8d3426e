//! Leads: the prospects a team works, with their BANT qualification (`/api/leads`). A lead is
//! created by hand in the console, or by an AI agent after the call it ran (issue #17), and is
//! linked to the meetings it took part in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Where a lead stands: `new → qualified → handed_off → won`, or `disqualified` / `lost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeadStage {
    /// Not qualified yet.
    New,
    /// Meets the team's bar: worth a seller's time.
    Qualified,
    /// Does not meet it (no budget, no need, …).
    Disqualified,
    /// Passed from an AI agent (or an SDR) to the seller who owns it.
    HandedOff,
    Won,
    Lost,
}

impl LeadStage {
    /// Every stage, in the order of the pipeline.
    pub const ALL: [LeadStage; 6] = [
        LeadStage::New,
        LeadStage::Qualified,
        LeadStage::Disqualified,
        LeadStage::HandedOff,
        LeadStage::Won,
        LeadStage::Lost,
    ];

    /// The snake_case name stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStage::New => "new",
            LeadStage::Qualified => "qualified",
            LeadStage::Disqualified => "disqualified",
            LeadStage::HandedOff => "handed_off",
            LeadStage::Won => "won",
            LeadStage::Lost => "lost",
        }
    }

    /// The stage named `name` (as [`LeadStage::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A BANT criterion: what a qualification question asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BantCriterion {
    Budget,
    Authority,
    Need,
    Timeline,
}

impl BantCriterion {
    /// All four, in BANT order (the order of their discriminants).
    pub const ALL: [BantCriterion; 4] = [BantCriterion::Budget, BantCriterion::Authority, BantCriterion::Need, BantCriterion::Timeline];
}

/// One BANT criterion as assessed: how well the lead meets it and what was said that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BantScore {
    /// 0 = not met (no budget, no authority, no need, no timeline), 1 = unclear or partly met,
    /// 2 = clearly met.
    pub score: u8,
    /// The prospect's words that support the score (PII-redacted call text), ≤ 500 characters.
    pub evidence: String,
    /// The meeting the evidence was heard in, when it comes from a call.
    #[serde(default)]
    pub meeting_id: Option<Uuid>,
}

/// BANT qualification (budget, authority, need, timeline): each criterion assessed or `null`
/// when nothing was learnt about it yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bant {
    #[serde(default)]
    pub budget: Option<BantScore>,
    #[serde(default)]
    pub authority: Option<BantScore>,
    #[serde(default)]
    pub need: Option<BantScore>,
    #[serde(default)]
    pub timeline: Option<BantScore>,
}

/// A lead as the console shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lead {
    pub id: Uuid,
    /// The person's name.
    pub name: String,
    /// Their company ("" when unknown).
    pub company: String,
    /// Lower-cased; unique among the organization's leads.
    pub email: Option<String>,
    /// As typed, `+` and digits kept.
    pub phone: Option<String>,
    pub stage: LeadStage,
    /// 0–100 from the BANT scores: the sum of the four criteria's scores (0–2 each, unassessed
    /// = 0) over 8, rounded; `null` while no criterion is assessed.
    pub score: Option<u8>,
    pub bant: Bant,
    /// The seller who owns the lead; `null` = unassigned (every seller may claim it).
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    /// The meetings the lead took part in, oldest first.
    pub meeting_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/leads`. A lead with the same e-mail in the organization is not duplicated: the
/// existing one is returned (200 instead of 201), linked to `meeting_id` too.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewLead {
    /// 1–200 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200))]
    pub name: String,
    /// ≤ 200 characters.
    #[serde(default)]
    #[ts(optional)]
    pub company: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email_or_null))]
    pub email: Option<String>,
    /// 6–20 digits, optionally with `+`, spaces, dots, dashes and brackets.
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::phone_or_null))]
    pub phone: Option<String>,
    /// Default: the caller when a seller creates it, unassigned otherwise.
    #[serde(default)]
    #[ts(optional)]
    pub owner_id: Option<Uuid>,
    /// A meeting of the organization the lead took part in.
    #[serde(default)]
    #[ts(optional)]
    pub meeting_id: Option<Uuid>,
}

/// `PATCH /api/leads/{id}`: fields to change (absent = unchanged).
#[derive(Clone, Debug, Default, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadUpdate {
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200_or_null))]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub company: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email_or_null))]
    pub email: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::phone_or_null))]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<LeadStage>,
    /// The new owner. Sellers may only claim an unassigned lead for themselves.
    #[serde(default)]
    #[ts(optional)]
    pub owner_id: Option<Uuid>,
    /// Replaces the whole assessment.
    #[serde(default)]
    #[ts(optional)]
    pub bant: Option<Bant>,
}
