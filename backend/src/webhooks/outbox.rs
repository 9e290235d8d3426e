//! Writing events to the outbox, inside the caller's transaction.

use chrono::Utc;
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

/// Who receives an event.
#[derive(Clone, Copy, Debug)]
pub enum Audience {
    /// Every active endpoint of the organization subscribed to the event type.
    Subscribers,
    /// One endpoint, subscribed or not (connectivity tests).
    Endpoint(Uuid),
}

/// Stores an event of `event_type` with `data` and queues one delivery per receiving endpoint,
/// on `conn` — pass the transaction of the state change the event reports, so both commit or
/// neither does. The body every endpoint receives is
/// `{"id", "type", "created_at", "organization_id", "data"}` (see
/// `backend/docs/webhook-payload.schema.json`).
///
/// Returns the event id, or `None` when this meeting already emitted this `meeting.*` event
/// (the outbox keeps one per meeting and type, so a repeated step does not notify twice).
///
/// Errors: database failures (the caller's transaction should then roll back).
pub async fn enqueue(
    conn: &mut PgConnection,
    organization: Uuid,
    event_type: &str,
    meeting: Option<Uuid>,
    data: Value,
    audience: Audience,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id = Uuid::new_v4();
    let created_at = Utc::now();
    let body = json!({
        "id": id,
        "type": event_type,
        "created_at": created_at,
        "organization_id": organization,
        "data": data,
    });
    let stored = sqlx::query(
        "INSERT INTO webhook_events (id, organization_id, event_type, meeting_id, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(organization)
    .bind(event_type)
    .bind(meeting)
    .bind(&body)
    .bind(created_at)
    .execute(&mut *conn)
    .await?;
    if stored.rows_affected() == 0 {
        return Ok(None);
    }
    let (only, endpoint) = match audience {
        Audience::Subscribers => (false, None),
        Audience::Endpoint(endpoint) => (true, Some(endpoint)),
    };
    sqlx::query(
        "INSERT INTO webhook_deliveries (event_id, endpoint_id)
         SELECT $1, id FROM webhook_endpoints
         WHERE organization_id = $2
           AND CASE WHEN $4 THEN id = $5 ELSE active AND $3 = ANY (events) END",
    )
    .bind(id)
    .bind(organization)
    .bind(event_type)
    .bind(only)
    .bind(endpoint)
    .execute(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// Queues a `webhook.test` event for `endpoint` of `organization` only (the caller checked it
/// is theirs); returns the id of its delivery, to follow in the delivery log.
pub async fn enqueue_test(pg: &sqlx::PgPool, organization: Uuid, endpoint: Uuid) -> Result<Uuid, sqlx::Error> {
    let mut tx = pg.begin().await?;
    let data = json!({"endpoint_id": endpoint, "message": "Test event from Closer: your endpoint receives and verifies webhooks."});
    // A test event has no meeting, so the one-per-meeting rule never drops it.
    let event = enqueue(&mut tx, organization, super::WEBHOOK_TEST, None, data, Audience::Endpoint(endpoint))
        .await?
        .ok_or_else(|| sqlx::Error::Protocol("test event not stored".into()))?;
    let delivery = sqlx::query_scalar("SELECT id FROM webhook_deliveries WHERE event_id = $1").bind(event).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(delivery)
}
