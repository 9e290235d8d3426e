//! The phone line's call log (PostgreSQL `phone_calls`): a row from the moment a call to one
//! of the organization's numbers rings, kept when the call ends however it ends.

use chrono::{DateTime, Utc};
use closer_wire::{PhoneCall, PhoneCallOutcome};
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

fn outcome_str(outcome: PhoneCallOutcome) -> &'static str {
    match outcome {
        PhoneCallOutcome::InProgress => "in_progress",
        PhoneCallOutcome::Completed => "completed",
        PhoneCallOutcome::Abandoned => "abandoned",
        PhoneCallOutcome::Failed => "failed",
    }
}

/// Reads the `outcome` column, which a CHECK constraint keeps to these four values.
fn outcome_of(s: &str) -> Result<PhoneCallOutcome, sqlx::Error> {
    Ok(match s {
        "in_progress" => PhoneCallOutcome::InProgress,
        "completed" => PhoneCallOutcome::Completed,
        "abandoned" => PhoneCallOutcome::Abandoned,
        "failed" => PhoneCallOutcome::Failed,
        other => return Err(sqlx::Error::Decode(format!("unknown phone call outcome {other:?}").into())),
    })
}

/// Logs a call to `number` (E.164) from `caller` ringing now; returns its id.
pub async fn ringing(pg: &PgPool, org: Uuid, number: &str, caller: &str) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO phone_calls (organization_id, number, caller) VALUES ($1, $2, $3) RETURNING id")
        .bind(org)
        .bind(number)
        .bind(caller)
        .fetch_one(pg)
        .await
}

/// Records the meeting and lead the call became.
pub async fn became(pg: &PgPool, call: Uuid, meeting: Uuid, lead: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE phone_calls SET meeting_id = $2, lead_id = $3 WHERE id = $1").bind(call).bind(meeting).bind(lead).execute(pg).await?;
    Ok(())
}

/// Records that the call was answered now.
pub async fn answered(pg: &PgPool, call: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE phone_calls SET answered_at = now() WHERE id = $1").bind(call).execute(pg).await?;
    Ok(())
}

/// Records how the call ended, now. A call already ended keeps its first ending.
pub async fn ended(pg: &PgPool, call: Uuid, outcome: PhoneCallOutcome) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE phone_calls SET outcome = $2, ended_at = now() WHERE id = $1 AND ended_at IS NULL")
        .bind(call)
        .bind(outcome_str(outcome))
        .execute(pg)
        .await?;
    Ok(())
}

/// The organization's last `limit` calls, newest first, each with its meeting's recording
/// (from the meeting's recap in `mongo`) once there is one, and the call back it booked.
///
/// Errors: either database failing.
pub async fn list(pg: &PgPool, mongo: &mongodb::Database, org: Uuid, limit: i64) -> anyhow::Result<Vec<PhoneCall>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(Uuid, String, String, Option<Uuid>, Option<Uuid>, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sqlx::query_as(
            "SELECT c.id, c.number, c.caller, c.meeting_id, c.lead_id, c.outcome, c.started_at, c.answered_at, c.ended_at,
                    CASE WHEN b.status = 'confirmed' THEN lower(b.slot) END
             FROM phone_calls c LEFT JOIN bookings b ON b.id = c.booking_id
             WHERE c.organization_id = $1 ORDER BY c.started_at DESC, c.id LIMIT $2",
        )
        .bind(org)
        .bind(limit)
        .fetch_all(pg)
        .await?;
    let meetings: Vec<Uuid> = rows.iter().filter_map(|row| row.3).collect();
    let recordings: HashMap<Uuid, String> = crate::recap::store::get_many(mongo, org, &meetings)
        .await?
        .into_iter()
        .filter_map(|recap| Some((recap.meeting_id, recap.recording_url?)))
        .collect();
    let calls = rows.into_iter().map(|(id, number, caller, meeting_id, lead_id, outcome, started_at, answered_at, ended_at, call_back_at)| {
        let duration_secs = answered_at.zip(ended_at).map(|(a, e)| (e - a).num_seconds());
        let recording_url = meeting_id.and_then(|m| recordings.get(&m).cloned());
        Ok(PhoneCall {
            id,
            number,
            caller,
            meeting_id,
            lead_id,
            outcome: outcome_of(&outcome)?,
            started_at,
            answered_at,
            ended_at,
            duration_secs,
            recording_url,
            call_back_at,
        })
    });
    Ok(calls.collect::<Result<_, sqlx::Error>>()?)
}
