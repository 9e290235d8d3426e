//! CRM webhook endpoints and their delivery log (`/api/webhooks`). The body a receiver gets is
//! documented by `backend/docs/webhook-payload.schema.json`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// A receiver of an organization's webhooks. The signing secret is only returned when it is
/// created or rotated ([`WebhookSecret`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpoint {
    pub id: Uuid,
    /// `https://…` (or `http://`); its host must resolve to public addresses.
    pub url: String,
    /// Event types delivered, e.g. `["meeting.processed"]`.
    pub events: Vec<String>,
    pub description: String,
    /// Inactive endpoints keep their pending deliveries until re-activated.
    pub active: bool,
    /// Last 4 characters of the secret, to tell secrets apart.
    pub secret_hint: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/webhooks`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhookEndpoint {
    /// `http(s)://host[:port]/path`, ≤ 2048 characters, no credentials in it.
    pub url: String,
    /// Event types, at least one; see `GET /api/webhooks/event-types`.
    pub events: Vec<String>,
    /// ≤ 200 characters. Default empty.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// 16–200 characters; default: a random `whsec_…` secret.
    #[serde(default)]
    #[ts(optional)]
    pub secret: Option<String>,
}

/// `PATCH /api/webhooks/{id}`: fields to change.
#[derive(Clone, Debug, Default, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointUpdate {
    #[serde(default)]
    #[ts(optional)]
    pub url: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub events: Option<Vec<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub active: Option<bool>,
}

/// An endpoint with its signing secret: the answer of creation and of secret rotation, the
/// only times the secret is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSecret {
    pub endpoint: WebhookEndpoint,
    /// HMAC-SHA256 key of `X-Closer-Signature`.
    pub secret: String,
}

/// Where one event stands with one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Given up (attempts exhausted or URL refused); `redeliver` puts it back in the queue.
    Dead,
}

/// One event sent (or to be sent) to one endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Also the `Idempotency-Key` header of every attempt.
    pub id: Uuid,
    pub endpoint_id: Uuid,
    /// Id of the event (`id` in the body).
    pub event_id: Uuid,
    pub event_type: String,
    /// Meeting the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub meeting_id: Option<Uuid>,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due (pending only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_status_code: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first (filled by `GET /api/webhooks/deliveries/{id}`, empty in
    /// lists).
    #[serde(default)]
    pub log: Vec<WebhookAttempt>,
}

/// One HTTP attempt of a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttempt {
    /// 1 for the first attempt.
    pub attempt: u32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: u32,
    /// The receiver's HTTP status; absent when no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status_code: Option<u16>,
    /// Why it failed; absent on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
    /// Start of the receiver's answer (≤ 512 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub response_excerpt: Option<String>,
}
