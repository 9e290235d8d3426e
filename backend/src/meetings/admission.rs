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

/// Someone entering a meeting's room.
#[derive(Clone, Copy, Debug)]
pub struct Entrant<'a> {
    /// The meeting.
    pub meeting: Uuid,
    /// Host, guest or manager.
    pub role: ParticipantRole,
    /// Their LiveKit identity.
    pub identity: &'a str,
    /// Their display name.
    pub name: &'a str,
    /// Their account, for the seller and managers; `None` for guests.
    pub user: Option<Uuid>,
    /// A guest's AI-consent choice; `None` for the organization's people.
    pub consent: Option<AiConsent>,
}

/// Records `entrant` as a participant of their meeting (role, name, user and AI-consent choice;
/// a rejoin only renames them), the step of admission the meeting owns (`room_access::admit`
/// does the rest).
///
/// Errors: the database.
pub async fn add_participant(pg: &PgPool, entrant: Entrant<'_>) -> Result<(), sqlx::Error> {
    let Entrant { meeting, role, identity, name, user, consent } = entrant;
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
