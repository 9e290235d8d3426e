//! Who may enter a meeting's room and who did: the meeting's refusal once it is over, its
//! participant records, and whether a guest was admitted before.

use crate::error::Error;
use closer_wire::{AiConsent, MeetingStatus, ParticipantRole};
use sqlx::PgPool;
use uuid::Uuid;

/// The 410 of a meeting that can no longer be joined, with a message for people.
pub fn refuse_join(status: MeetingStatus) -> Result<(), Error> {
    match status {
        MeetingStatus::Cancelled => Err(Error::Gone("This meeting was cancelled.".into())),
        MeetingStatus::Ended | MeetingStatus::Processed => Err(Error::Gone("This meeting has ended.".into())),
        MeetingStatus::Scheduled | MeetingStatus::Live => Ok(()),
    }
}

/// Records `identity` as a participant of `meeting` (its role, name, user and AI-consent
/// choice; a rejoin only renames it), the step of admission the meeting owns
/// (`room_access::admit` does the rest).
///
/// Errors: the database.
pub async fn add_participant(
    pg: &PgPool,
    meeting: Uuid,
    role: ParticipantRole,
    identity: &str,
    name: &str,
    user: Option<Uuid>,
    consent: Option<AiConsent>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO participants (meeting_id, identity, role, display_name, user_id, ai_consent, consent_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 IS NULL THEN NULL ELSE now() END)
         ON CONFLICT (meeting_id, identity) DO UPDATE SET display_name = $4",
    )
    .bind(meeting)
    .bind(identity)
    .bind(role.as_str())
    .bind(name)
    .bind(user)
    .bind(consent.map(AiConsent::as_str))
    .execute(pg)
    .await?;
    Ok(())
}

/// `true` when `identity` was admitted to `meeting` as a guest who made the AI-consent choice
/// `consent` (a guest reloading the page rejoins as the same participant only with the same
/// choice).
pub async fn is_admitted_guest(pg: &PgPool, meeting: Uuid, identity: &str, consent: AiConsent) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM participants
         WHERE meeting_id = $1 AND identity = $2 AND role = 'guest' AND ai_consent = $3)",
    )
    .bind(meeting)
    .bind(identity)
    .bind(consent.as_str())
    .fetch_one(pg)
    .await
}
