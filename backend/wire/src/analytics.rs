//! Sales analytics over a date range (`GET /api/analytics`): per seller and for the team,
//! from the meetings (PostgreSQL) and their recaps (MongoDB).

use crate::recap::Benchmarks;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Figures of a set of meetings. Averages are over the processed meetings that have the
/// figure; absent when none has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aggregate {
    /// Meetings scheduled in the range (not cancelled).
    pub meetings_scheduled: u32,
    /// Of those, booked by prospects through a booking page.
    pub meetings_booked: u32,
    /// Of those, actually held (someone joined).
    pub meetings_held: u32,
    /// Of those, with a recap.
    pub meetings_processed: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avg_adherence_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avg_seller_talk_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avg_seller_wpm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avg_seller_questions: Option<f64>,
    /// Guests' sentiment, −1 … +1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avg_sentiment: Option<f64>,
    pub objections_raised: u32,
    pub objections_handled: u32,
    /// handled / raised × 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub handled_rate_pct: Option<f64>,
}

/// One seller's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SellerAnalytics {
    pub seller_id: Uuid,
    pub name: String,
    pub stats: Aggregate,
}

/// One objection category (playbook objection key) across the meetings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionAnalytics {
    pub objection: String,
    pub title: String,
    pub raised: u32,
    pub handled: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub handled_rate_pct: Option<f64>,
    /// Times its battle card was presented to the guests.
    pub presented: u32,
}

/// Battle-card effectiveness: shown in the HUD → presented to guests → objection handled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BattleCardFunnel {
    pub shown: u32,
    pub presented: u32,
    /// Handled among all shown.
    pub handled: u32,
    /// Handled among the presented ones.
    pub handled_after_presented: u32,
}

/// A seller's place on the leaderboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardEntry {
    /// 1 = best.
    pub rank: u32,
    pub seller_id: Uuid,
    pub name: String,
    /// 0–100: 40 % script adherence + 30 % objection handled rate + 30 % closeness of the
    /// seller's talk share to the 43 % benchmark (100 at 43 %, −2.5 per point away).
    pub score: f64,
    pub meetings_held: u32,
}

/// `GET /api/analytics`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Analytics {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Filters applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub seller: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub playbook: Option<Uuid>,
    /// Everyone in the filter together.
    pub team: Aggregate,
    /// Per seller, by name.
    pub sellers: Vec<SellerAnalytics>,
    /// Per objection category, most raised first.
    pub objections: Vec<ObjectionAnalytics>,
    pub battle_cards: BattleCardFunnel,
    /// Sellers with at least one processed meeting, best first (managers and admins only;
    /// empty for sellers).
    pub leaderboard: Vec<LeaderboardEntry>,
    /// The bands the dashboard draws the team's talk share and pace against (the recaps'
    /// own benchmarks).
    pub benchmarks: Benchmarks,
}
