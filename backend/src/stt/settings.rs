//! Which STT provider an organization or a meeting chose (PostgreSQL columns
//! `organizations.stt_provider`, `meetings.stt_provider`; migration 0024). `None` inherits: a
//! meeting its organization's choice, an organization the server's default.

use closer_wire::SttProviderKind;
use sqlx::PgPool;
use uuid::Uuid;

fn parse(value: Option<String>) -> Option<SttProviderKind> {
    match value.as_deref() {
        Some("whisper") => Some(SttProviderKind::Whisper),
        Some("deepgram") => Some(SttProviderKind::Deepgram),
        _ => None,
    }
}

fn text(choice: Option<SttProviderKind>) -> Option<&'static str> {
    choice.map(|kind| match kind {
        SttProviderKind::Whisper => "whisper",
        SttProviderKind::Deepgram => "deepgram",
    })
}

/// The provider a live session of `meeting` uses: the meeting's choice, else its
/// organization's; `None` for the server default (also for an unknown meeting).
///
/// Errors: the database.
pub async fn for_meeting(pg: &PgPool, meeting: Uuid) -> Result<Option<SttProviderKind>, sqlx::Error> {
    let value: Option<Option<String>> = sqlx::query_scalar(
        "SELECT COALESCE(m.stt_provider, o.stt_provider) FROM meetings m
         JOIN organizations o ON o.id = m.organization_id WHERE m.id = $1",
    )
    .bind(meeting)
    .fetch_optional(pg)
    .await?;
    Ok(parse(value.flatten()))
}

/// The organization's own choice.
///
/// Errors: the database.
pub async fn organization(pg: &PgPool, org: Uuid) -> Result<Option<SttProviderKind>, sqlx::Error> {
    let value: Option<Option<String>> = sqlx::query_scalar("SELECT stt_provider FROM organizations WHERE id = $1")
        .bind(org)
        .fetch_optional(pg)
        .await?;
    Ok(parse(value.flatten()))
}

/// Sets the organization's choice (`None` = the server default).
///
/// Errors: the database.
pub async fn set_organization(pg: &PgPool, org: Uuid, choice: Option<SttProviderKind>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organizations SET stt_provider = $2 WHERE id = $1").bind(org).bind(text(choice)).execute(pg).await?;
    Ok(())
}

/// The meeting's own choice (`None` also for a meeting outside `org`).
///
/// Errors: the database.
pub async fn meeting(pg: &PgPool, org: Uuid, meeting: Uuid) -> Result<Option<SttProviderKind>, sqlx::Error> {
    let value: Option<Option<String>> =
        sqlx::query_scalar("SELECT stt_provider FROM meetings WHERE id = $1 AND organization_id = $2")
            .bind(meeting)
            .bind(org)
            .fetch_optional(pg)
            .await?;
    Ok(parse(value.flatten()))
}

/// Sets the meeting's choice (`None` = the organization's). A session already running keeps
/// its provider; the next one uses the new choice.
///
/// Errors: the database.
pub async fn set_meeting(pg: &PgPool, org: Uuid, meeting: Uuid, choice: Option<SttProviderKind>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE meetings SET stt_provider = $3 WHERE id = $1 AND organization_id = $2")
        .bind(meeting)
        .bind(org)
        .bind(text(choice))
        .execute(pg)
        .await?;
    Ok(())
}
