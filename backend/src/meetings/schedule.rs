//! Meetings a user schedules themselves (ad hoc, or at a time): creating one, changing it while
//! it is scheduled, cancelling it with its booking, and who was admitted to it. The caller
//! checked the fields and that the user may see the meeting ([`super::visible`]).

use super::{Transition, transition};
use crate::auth::AuthUser;
use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{AiConsent, Participant, ParticipantRole};
use sqlx::PgPool;
use uuid::Uuid;

/// A scheduled meeting's title, playbook and time, as created or changed.
pub struct Change {
    pub title: String,
    pub playbook: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Creates a meeting hosted by `user`; returns its id.
///
/// Errors: [`Error::Invalid`] on `playbook_id` for another organization's playbook.
pub async fn create(pg: &PgPool, user: &AuthUser, meeting: &Change) -> Result<Uuid, Error> {
    crate::playbooks::check_owned(pg, user.org, meeting.playbook).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO meetings (organization_id, host_id, playbook_id, title, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.org)
    .bind(user.id)
    .bind(meeting.playbook)
    .bind(&meeting.title)
    .bind(meeting.starts_at)
    .bind(meeting.ends_at)
    .fetch_one(pg)
    .await?)
}

/// Changes meeting `id` of `user`'s organization while it is scheduled; `false` when it no
/// longer is (it started, ended or was cancelled meanwhile).
///
/// Errors: [`Error::Invalid`] on `playbook_id` for another organization's playbook.
pub async fn update(pg: &PgPool, user: &AuthUser, id: Uuid, meeting: &Change) -> Result<bool, Error> {
    crate::playbooks::check_owned(pg, user.org, meeting.playbook).await?;
    let done = sqlx::query(
        "UPDATE meetings SET title = $3, playbook_id = $4, starts_at = $5, ends_at = $6
         WHERE id = $1 AND organization_id = $2 AND status = 'scheduled'",
    )
    .bind(id)
    .bind(user.org)
    .bind(&meeting.title)
    .bind(meeting.playbook)
    .bind(meeting.starts_at)
    .bind(meeting.ends_at)
    .execute(pg)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels scheduled meeting `id` and its booking, if any (freeing the slot, so the prospect's
/// manage link shows it cancelled); `false` when the meeting is no longer scheduled.
pub async fn cancel(pg: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    let mut tx = pg.begin().await?;
    if !transition(&mut *tx, id, Transition::Cancel).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE bookings SET status = 'cancelled', sequence = sequence + 1 WHERE meeting_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A `participants` row: identity, display name, role, consent, consent time, joined, left.
type ParticipantRow = (String, String, String, Option<String>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The participant of a row. A role this build does not know is a defect in the row, not a
/// guest: an error (`sqlx::Error::Decode`), as for a meeting's status.
fn participant((identity, display_name, role, consent, consent_at, joined_at, left_at): ParticipantRow) -> Result<Participant, sqlx::Error> {
    let role = ParticipantRole::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown participant role {role:?} in a row").into()))?;
    Ok(Participant { identity, display_name, role, ai_consent: consent.as_deref().and_then(AiConsent::parse), consent_at, joined_at, left_at })
}

/// Everyone admitted to `meeting`, in join order, with guests' AI-consent choices.
///
/// Errors: the database, or a row [`participant`] refuses.
pub async fn participants(pg: &PgPool, meeting: Uuid) -> Result<Vec<Participant>, sqlx::Error> {
    let rows: Vec<ParticipantRow> = sqlx::query_as(
        "SELECT identity, display_name, role, ai_consent, consent_at, joined_at, left_at FROM participants
         WHERE meeting_id = $1 ORDER BY created_at, identity",
    )
    .bind(meeting)
    .fetch_all(pg)
    .await?;
    rows.into_iter().map(participant).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_participant_role_in_a_row_is_an_error_not_a_guest() {
        let row = |role: &str| ("guest-1".to_owned(), "Anna".to_owned(), role.to_owned(), Some("accepted".to_owned()), None, None, None);
        assert_eq!(participant(row("shadow")).unwrap().role, ParticipantRole::Shadow);
        assert_eq!(participant(row("guest")).unwrap().ai_consent, Some(AiConsent::Accepted));
        assert!(matches!(participant(row("manager")), Err(sqlx::Error::Decode(_))));
    }
}
