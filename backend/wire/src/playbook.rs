//! Playbooks in the interchange format of `shared/fixtures/playbooks/*.json`: what Closer
//! imports and exports, what the live analysis matches speech against.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who may earn a checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Credit {
    /// Only the seller's (host's) speech ticks the item.
    Host,
    /// Either side's speech ticks it.
    Any,
}

/// One item of the call script the seller should cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    /// Stable identifier, unique in the playbook (`[a-z0-9_]+`), e.g. `"budget"`.
    pub key: String,
    /// Label shown in the HUD.
    pub title: String,
    /// Who may earn it.
    pub credit: Credit,
    /// Phrasings of the idea in any language (never copies of real call lines).
    pub examples: Vec<String>,
    /// Probability (from the checklist model, 0–1) a sentence must reach to tick this item;
    /// `null` = the analyzer's calibrated default (0.45). Not part of the shared interchange
    /// files; kept on export when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub threshold: Option<f32>,
}

/// Talking points shown to the seller when an objection is detected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BattleCard {
    /// Headline.
    pub title: String,
    /// Bullet points, in order.
    pub points: Vec<String>,
    /// URL of an uploaded image or chart ("Present now" shows it to guests); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_url: Option<String>,
}

/// An objection a prospect may raise, with its battle card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Objection {
    /// Stable identifier, unique in the playbook, e.g. `"price_competitor"`.
    pub key: String,
    /// Label shown in the HUD.
    pub title: String,
    /// Phrasings of the objection in any language.
    pub examples: Vec<String>,
    /// What the seller sees when it is raised.
    pub battle_card: BattleCard,
    /// Probability (from the objection model, 0–1) a prospect's sentence must reach to raise
    /// this objection; `null` = the analyzer's calibrated default. Not part of the shared
    /// interchange files; kept on export when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub threshold: Option<f32>,
}

/// A playbook: the checklist and the objections for one kind of meeting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playbook {
    /// Display name, e.g. `"Discovery Call"`.
    pub name: String,
    /// Main language of the call (ISO 639-1: `"en"`, `"it"`); selects the STT language.
    pub language: String,
    /// Items in script order.
    pub checklist: Vec<ChecklistItem>,
    /// Objections the analyzer watches for.
    pub objections: Vec<Objection>,
}

/// A playbook stored in an organization: `GET /api/playbooks/{id}`. The playbook's fields are
/// inlined next to `id`, so the body minus `id`/`updated_at` is the interchange format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredPlaybook {
    pub id: uuid::Uuid,
    #[serde(flatten)]
    pub playbook: Playbook,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A starter playbook an organization can add with one click: `GET /api/playbooks/starters`.
/// The playbook's fields are inlined next to `key`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StarterPlaybook {
    /// `POST /api/playbooks/starters/{key}` adds it.
    pub key: String,
    #[serde(flatten)]
    pub playbook: Playbook,
}
