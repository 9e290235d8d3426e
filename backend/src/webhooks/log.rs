//! The delivery log: deliveries of an endpoint, the attempts of one delivery, redelivery.
//! Scoped by organization like [`super::endpoints`].

use chrono::{DateTime, Utc};
use closer_wire::{DeliveryStatus, WebhookAttempt, WebhookDelivery};
use sqlx::PgPool;
use uuid::Uuid;

const COLUMNS: &str = "d.id, d.endpoint_id, d.event_id, e.event_type, e.meeting_id, d.status, d.attempts,
    d.next_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.created_at";

type Row = (
    Uuid,
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    String,
    i32,
    DateTime<Utc>,
    Option<i32>,
    Option<String>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

fn delivery(row: Row) -> WebhookDelivery {
    let (id, endpoint_id, event_id, event_type, meeting_id, status, attempts, next, code, error, delivered_at, created_at) = row;
    let status = match status.as_str() {
        "delivered" => DeliveryStatus::Delivered,
        "dead" => DeliveryStatus::Dead,
        _ => DeliveryStatus::Pending,
    };
    WebhookDelivery {
        id,
        endpoint_id,
        event_id,
        event_type,
        meeting_id,
        status,
        attempts: attempts.max(0) as u32,
        next_attempt_at: (status == DeliveryStatus::Pending).then_some(next),
        last_status_code: code.and_then(|c| u16::try_from(c).ok()),
        last_error: error,
        delivered_at,
        created_at,
        log: Vec::new(),
    }
}

/// Deliveries of one endpoint of the organization, newest first, optionally of one status;
/// at most `limit`.
pub async fn deliveries(
    pg: &PgPool,
    org: Uuid,
    endpoint: Uuid,
    status: Option<DeliveryStatus>,
    limit: i64,
) -> Result<Vec<WebhookDelivery>, sqlx::Error> {
    let status = status.map(|s| match s {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Dead => "dead",
    });
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id
         WHERE d.endpoint_id = $1 AND p.organization_id = $2 AND ($3::text IS NULL OR d.status = $3)
         ORDER BY d.created_at DESC, d.id LIMIT $4"
    ))
    .bind(endpoint)
    .bind(org)
    .bind(status)
    .bind(limit)
    .fetch_all(pg)
    .await?;
    Ok(rows.into_iter().map(delivery).collect())
}

/// One delivery of the organization with every attempt, oldest first.
pub async fn delivery_with_log(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<WebhookDelivery>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id
         WHERE d.id = $1 AND p.organization_id = $2"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(pg)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut found = delivery(row);
    type Attempt = (i32, DateTime<Utc>, i32, Option<i32>, Option<String>, Option<String>);
    let attempts: Vec<Attempt> = sqlx::query_as(
        "SELECT attempt, started_at, duration_ms, status_code, error, response_excerpt
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY started_at, id",
    )
    .bind(id)
    .fetch_all(pg)
    .await?;
    found.log = attempts
        .into_iter()
        .map(|(attempt, started_at, duration_ms, status_code, error, response_excerpt)| WebhookAttempt {
            attempt: attempt.max(0) as u32,
            started_at,
            duration_ms: duration_ms.max(0) as u32,
            status_code: status_code.and_then(|c| u16::try_from(c).ok()),
            error,
            response_excerpt,
        })
        .collect();
    Ok(Some(found))
}

/// Queues the delivery again now with a fresh attempt budget (dead-lettered, delivered or
/// pending alike). The `Idempotency-Key` stays the same, so a receiver that already processed
/// it can answer 2xx without processing it twice. `None` when not the organization's.
pub async fn redeliver(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<WebhookDelivery>, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now(),
             locked_until = NULL, delivered_at = NULL
         FROM webhook_endpoints p
         WHERE d.id = $1 AND p.id = d.endpoint_id AND p.organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .execute(pg)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    delivery_with_log(pg, org, id).await
}
