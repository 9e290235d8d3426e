//! Availability and busy time in PostgreSQL.

use chrono::{DateTime, Utc};
use closer_wire::Availability;
use sqlx::types::Json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// The seller's stored availability; `None` until they set one.
pub async fn load(pg: &PgPool, seller: Uuid) -> Result<Option<Availability>, sqlx::Error> {
    type Row = (String, Json<Vec<closer_wire::WeeklyRule>>, Json<Vec<closer_wire::DateException>>, i32, i32, i32, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT time_zone, weekly, exceptions, buffer_minutes, min_notice_minutes, horizon_days, intro
         FROM availability WHERE user_id = $1",
    )
    .bind(seller)
    .fetch_optional(pg)
    .await?;
    Ok(row.map(|(time_zone, weekly, exceptions, buffer, notice, horizon, intro)| Availability {
        time_zone,
        weekly: weekly.0,
        exceptions: exceptions.0,
        buffer_minutes: buffer.max(0) as u32,
        min_notice_minutes: notice.max(0) as u32,
        horizon_days: horizon.max(1) as u32,
        intro,
    }))
}

/// Stores (replaces) the seller's availability; the caller validated it.
pub async fn save(pg: &PgPool, org: Uuid, seller: Uuid, availability: &Availability) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO availability (user_id, organization_id, time_zone, weekly, exceptions, buffer_minutes, min_notice_minutes, horizon_days, intro)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id) DO UPDATE SET time_zone = $3, weekly = $4, exceptions = $5,
             buffer_minutes = $6, min_notice_minutes = $7, horizon_days = $8, intro = $9, updated_at = now()",
    )
    .bind(seller)
    .bind(org)
    .bind(&availability.time_zone)
    .bind(Json(&availability.weekly))
    .bind(Json(&availability.exceptions))
    .bind(availability.buffer_minutes as i32)
    .bind(availability.min_notice_minutes as i32)
    .bind(availability.horizon_days as i32)
    .bind(&availability.intro)
    .execute(pg)
    .await?;
    Ok(())
}

/// The seller's meetings (not cancelled) overlapping `[from, to)`, as `(start, end)`, except
/// meeting `except` (the one being rescheduled).
pub async fn busy<'e>(
    db: impl PgExecutor<'e>,
    seller: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT starts_at, ends_at FROM meetings
         WHERE host_id = $1 AND status <> 'cancelled' AND starts_at < $3 AND ends_at > $2
           AND ($4::uuid IS NULL OR id <> $4)",
    )
    .bind(seller)
    .bind(from)
    .bind(to)
    .bind(except)
    .fetch_all(db)
    .await
}
