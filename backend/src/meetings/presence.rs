//! Who is in a meeting's room, from LiveKit's webhook events: each event recorded once (LiveKit
//! retries deliveries), participants' join and leave times, and the status changes the room
//! makes — a host or guest joining starts the call, the room finishing ends it.

use super::{Transition, transition};
use crate::livekit::grants;
use chrono::{DateTime, Utc};
use closer_wire::ParticipantRole;
use sqlx::PgPool;
use uuid::Uuid;

/// What happened in a meeting's room.
#[derive(Clone, Copy, Debug)]
pub enum RoomEvent<'a> {
    /// A participant joined; `agent` when LiveKit marks it an agent (the copilot, an AI agent).
    Joined { identity: &'a str, agent: bool },
    /// A participant left.
    Left { identity: &'a str },
    /// The room was created.
    Started,
    /// The room closed (everyone left, or it was deleted).
    Finished,
}

impl RoomEvent<'_> {
    /// LiveKit's name of the event, as stored in `meeting_events.kind`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Joined { .. } => "participant_joined",
            Self::Left { .. } => "participant_left",
            Self::Started => "room_started",
            Self::Finished => "room_finished",
        }
    }
}

/// Records `event` (LiveKit's event id `id`, at `at`) on `meeting` in one transaction; `false`
/// when it was recorded before (a retried delivery) or the meeting is unknown, and then nothing
/// changes. A shadow manager or an agent joining alone does not start the call.
pub async fn record(pg: &PgPool, meeting: Uuid, id: &str, event: RoomEvent<'_>, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let identity = match event {
        RoomEvent::Joined { identity, .. } | RoomEvent::Left { identity } => Some(identity),
        RoomEvent::Started | RoomEvent::Finished => None,
    };
    let mut tx = pg.begin().await?;
    let fresh = sqlx::query(
        "INSERT INTO meeting_events (id, meeting_id, kind, identity, at)
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM meetings WHERE id = $2)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(meeting)
    .bind(event.kind())
    .bind(identity)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if fresh.rows_affected() == 0 {
        return Ok(false);
    }
    match event {
        RoomEvent::Joined { identity, agent } => {
            sqlx::query("UPDATE participants SET joined_at = coalesce(joined_at, $3), left_at = NULL WHERE meeting_id = $1 AND identity = $2")
                .bind(meeting)
                .bind(identity)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            let shadow = grants::Identity::parse(identity).is_some_and(|i| i.role() == ParticipantRole::Shadow);
            if !shadow && !agent {
                transition(&mut *tx, meeting, Transition::Start { at }).await?;
            }
        }
        RoomEvent::Left { identity } => {
            sqlx::query("UPDATE participants SET left_at = $3 WHERE meeting_id = $1 AND identity = $2")
                .bind(meeting)
                .bind(identity)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        RoomEvent::Finished => {
            transition(&mut *tx, meeting, Transition::RoomFinished { at }).await?;
        }
        RoomEvent::Started => {}
    }
    tx.commit().await?;
    Ok(true)
}
