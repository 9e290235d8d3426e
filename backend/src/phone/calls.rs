//! The phone line's call log (PostgreSQL `phone_calls`): a row from the moment a call to one
//! of the organization's numbers rings, kept when the call ends however it ends.

use chrono::{DateTime, Utc};
use closer_wire::{PhoneCall, PhoneCallOutcome};
use sqlx::PgPool;
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

/// The organization's last `limit` calls, newest first.
pub async fn list(pg: &PgPool, org: Uuid, limit: i64) -> Result<Vec<PhoneCall>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(Uuid, String, String, Option<Uuid>, Option<Uuid>, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sqlx::query_as(
            "SELECT id, number, caller, meeting_id, lead_id, outcome, started_at, answered_at, ended_at
             FROM phone_calls WHERE organization_id = $1 ORDER BY started_at DESC, id LIMIT $2",
        )
        .bind(org)
        .bind(limit)
        .fetch_all(pg)
        .await?;
    rows.into_iter()
        .map(|(id, number, caller, meeting_id, lead_id, outcome, started_at, answered_at, ended_at)| {
            let duration_secs = answered_at.zip(ended_at).map(|(a, e)| (e - a).num_seconds());
            Ok(PhoneCall { id, number, caller, meeting_id, lead_id, outcome: outcome_of(&outcome)?, started_at, answered_at, ended_at, duration_secs })
        })
        .collect()
}
