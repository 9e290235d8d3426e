//! A guest asking, through the AI agent running their call, for the meeting's host to join now
//! (#18): stored on the meeting, so that the host's console and desktop app, on whichever
//! server they reached, show it beside the meeting while the guest holds ([`read`]'s
//! `summons`).
//!
//! [`read`]: super::read

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Records that `guest` asks, through `agent`, for `meeting`'s host, holding until `until`.
/// Asked again, the newer request replaces the older.
///
/// Errors: the database.
pub async fn ask(pg: &PgPool, meeting: Uuid, guest: &str, agent: &str, until: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE meetings SET summoned_by = $2, summoned_agent = $3, summoned_until = $4 WHERE id = $1")
        .bind(meeting)
        .bind(guest)
        .bind(agent)
        .bind(until)
        .execute(pg)
        .await?;
    Ok(())
}

/// Forgets `meeting`'s request for its host: the agent's part of the call is over (a seller
/// took it over, or the call ended), so there is nobody left to join for.
///
/// Errors: the database.
pub async fn withdraw(pg: &PgPool, meeting: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE meetings SET summoned_by = NULL, summoned_agent = NULL, summoned_until = NULL WHERE id = $1 AND summoned_until IS NOT NULL")
        .bind(meeting)
        .execute(pg)
        .await?;
    Ok(())
}
