//! Meetings: facts other modules need (live pipeline, HUD) — who hosts a meeting, whether a user
//! may watch it as a manager, the participants' AI-consent choices, the meeting's playbook —
//! its status machine (`lifecycle`, the one writer of `meetings.status`), how its organization
//! reads meetings (`read`), a guest's request for the host to join (`summons`) and who was admitted to its room (`admission`; `room_access` admits). Every function is scoped by the caller's organization where a user is
//! involved.

mod admission;
mod lifecycle;
mod presence;
mod presentations;
mod read;
mod schedule;
pub mod summons;

pub use admission::{Entrant, add_participant, is_admitted_guest, refuse_join};
pub use lifecycle::{Transition, parse_status, transition};
pub use presence::{RoomEvent, record};
pub use presentations::{record_presented, was_presented};
pub use read::{Window, list, public, visible};
pub use schedule::{Change, cancel, create, participants, update};

use crate::auth::AuthUser;
use crate::config::Config;
use closer_wire::{MeetingStatus, Playbook, Role};
use sqlx::PgPool;
use uuid::Uuid;

/// The guest link of `meeting`: `<public base URL>/meet/<uuid>`, the page guests join from.
pub fn guest_url(config: &Config, meeting: Uuid) -> String {
    format!("{}/meet/{meeting}", config.public_base_url.trim_end_matches('/'))
}

/// `true` when `user` is the host (seller) of `meeting` in the user's organization.
pub async fn is_host(pg: &PgPool, meeting: Uuid, user: &AuthUser) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM meetings WHERE id = $1 AND organization_id = $2 AND host_id = $3)",
    )
    .bind(meeting)
    .bind(user.org)
    .bind(user.id)
    .fetch_one(pg)
    .await
}

/// `true` when `user` is a manager or admin of the organization that owns `meeting` (and so
/// may join it in shadow mode and read its HUD).
pub async fn is_org_manager(pg: &PgPool, meeting: Uuid, user: &AuthUser) -> Result<bool, sqlx::Error> {
    if user.role == Role::Seller {
        return Ok(false);
    }
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM meetings WHERE id = $1 AND organization_id = $2)")
        .bind(meeting)
        .bind(user.org)
        .fetch_one(pg)
        .await
}

/// AI-consent choice of every guest admitted to `meeting`, as `(LiveKit identity, accepted)`,
/// in join order. Hosts and shadows are not listed (they made no choice). A guest who declined
/// must never be tapped.
pub async fn consents(pg: &PgPool, meeting: Uuid) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT identity, ai_consent FROM participants
         WHERE meeting_id = $1 AND role = 'guest' ORDER BY created_at, identity",
    )
    .bind(meeting)
    .fetch_all(pg)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(identity, consent)| (identity, consent.as_deref() == Some("accepted")))
        .collect())
}

/// The playbook chosen for `meeting` in the interchange format; `None` for an unknown meeting.
pub async fn playbook(pg: &PgPool, meeting: Uuid) -> Result<Option<Playbook>, sqlx::Error> {
    let id: Option<Uuid> = sqlx::query_scalar("SELECT playbook_id FROM meetings WHERE id = $1")
        .bind(meeting)
        .fetch_optional(pg)
        .await?;
    match id {
        Some(id) => crate::playbooks::load(pg, id).await.map(|p| p.map(|(_, playbook, _)| playbook)),
        None => Ok(None),
    }
}

/// Current status of `meeting`; `None` when unknown.
///
/// Errors: the database, or a status this build does not know ([`parse_status`]).
pub async fn status(pg: &PgPool, meeting: Uuid) -> Result<Option<MeetingStatus>, sqlx::Error> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM meetings WHERE id = $1")
        .bind(meeting)
        .fetch_optional(pg)
        .await?;
    status.as_deref().map(parse_status).transpose()
}

/// Records that `meeting`'s call has begun, now, unless a start is already recorded (LiveKit's
/// `participant_joined` webhook sets it too, and may come first or never, e.g. behind a
/// firewall). `started_at`/`ended_at` give the call's real duration.
///
/// Errors: the database.
pub async fn mark_started(pg: &PgPool, meeting: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE meetings SET started_at = coalesce(started_at, now()) WHERE id = $1 AND status IN ('scheduled', 'live')")
        .bind(meeting)
        .execute(pg)
        .await?;
    Ok(())
}
