//! Webhook endpoints of an organization (PostgreSQL `webhook_endpoints`). Every function is
//! scoped by the organization: another tenant's endpoint is "not found".

use super::signature::SECRET_PREFIX;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use closer_wire::WebhookEndpoint;
use sqlx::PgPool;
use uuid::Uuid;

const COLUMNS: &str = "id, url, events, description, active, secret, created_at, updated_at";

type Row = (Uuid, String, Vec<String>, String, bool, String, DateTime<Utc>, DateTime<Utc>);

fn endpoint((id, url, events, description, active, secret, created_at, updated_at): Row) -> WebhookEndpoint {
    let hint: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    WebhookEndpoint { id, url, events, description, active, secret_hint: format!("…{hint}"), created_at, updated_at }
}

/// A fresh signing secret as Standard Webhooks defines one: `whsec_` + 32 random bytes in
/// base64 (50 characters), which the standard's libraries decode into the HMAC key.
pub fn generate_secret() -> String {
    use base64::Engine;
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(key))
}

/// The organization's endpoints, oldest first.
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<WebhookEndpoint>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM webhook_endpoints WHERE organization_id = $1 ORDER BY created_at, id"))
            .bind(org)
            .fetch_all(pg)
            .await?;
    Ok(rows.into_iter().map(endpoint).collect())
}

/// One endpoint of the organization.
pub async fn get(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<WebhookEndpoint>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM webhook_endpoints WHERE id = $1 AND organization_id = $2"))
            .bind(id)
            .bind(org)
            .fetch_optional(pg)
            .await?;
    Ok(row.map(endpoint))
}

/// Stores a new active endpoint (fields already validated).
pub async fn create(
    pg: &PgPool,
    org: Uuid,
    url: &str,
    events: &[String],
    description: &str,
    secret: &str,
) -> Result<WebhookEndpoint, sqlx::Error> {
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO webhook_endpoints (organization_id, url, events, description, secret)
         VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    ))
    .bind(org)
    .bind(url)
    .bind(events)
    .bind(description)
    .bind(secret)
    .fetch_one(pg)
    .await?;
    Ok(endpoint(row))
}

/// What [`update`] changes; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub url: Option<&'a str>,
    pub events: Option<&'a [String]>,
    pub description: Option<&'a str>,
    pub active: Option<bool>,
    pub secret: Option<&'a str>,
}

/// Applies `changes`; `None` when the endpoint is not the organization's.
pub async fn update(pg: &PgPool, org: Uuid, id: Uuid, changes: Changes<'_>) -> Result<Option<WebhookEndpoint>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE webhook_endpoints SET url = coalesce($3, url), events = coalesce($4, events),
             description = coalesce($5, description), active = coalesce($6, active),
             secret = coalesce($7, secret), updated_at = now()
         WHERE id = $1 AND organization_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(org)
    .bind(changes.url)
    .bind(changes.events)
    .bind(changes.description)
    .bind(changes.active)
    .bind(changes.secret)
    .fetch_optional(pg)
    .await?;
    Ok(row.map(endpoint))
}

/// Deletes the endpoint and its deliveries; `false` when it is not the organization's.
pub async fn delete(pg: &PgPool, org: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .execute(pg)
        .await?;
    Ok(done.rows_affected() == 1)
}
