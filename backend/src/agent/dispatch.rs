//! Asking LiveKit for the copilot in a meeting's room: an explicit agent dispatch naming this
//! deployment's agent (`livekit_agent_name`), at most one per room; and asking again when the job
//! running it stopped renewing its lease ([`super::lease`]) while the call goes on.

use super::lease;
use closer_wire::MeetingStatus;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::room::RoomClient;
use livekit_protocol as lk;
use sqlx::PgPool;
use uuid::Uuid;

/// Dispatches the copilot agent to `room` (which must exist) unless a dispatch of that agent is
/// already there; returns the dispatch's id. LiveKit then assigns the room's job to one
/// registered worker of that name, and drops the dispatch with the room. Concurrent calls for
/// one room, from any server process of the deployment, are serialized by a PostgreSQL
/// advisory lock on the room's name, so a room never gets two dispatches. The meeting's lease
/// is recorded even when LiveKit refuses: the watcher then dispatches again.
///
/// Errors: PostgreSQL, or LiveKit unreachable or refusing the API key.
pub async fn ensure(pg: &PgPool, dispatches: &AgentDispatchClient, agent_name: &str, meeting: Uuid, room: &str) -> anyhow::Result<String> {
    let mut tx = pg.begin().await?;
    lock_room(&mut tx, room).await?;
    lease::dispatched(&mut tx, meeting, room, agent_name).await?;
    let id = find_or_create(dispatches, agent_name, room, "").await;
    tx.commit().await?;
    id
}

/// Dispatches the copilot again to every live meeting of `agent_name` whose job stopped
/// renewing its lease (its worker died, lost LiveKit, or its job failed), and forgets the leases
/// of calls that are over or whose room closed. Any server process may run it: each meeting is
/// handled under its room's advisory lock and only while its lease is still stale.
///
/// Errors: PostgreSQL; a LiveKit failure for one meeting is logged and retried on the next run.
pub async fn redispatch_stale(pg: &PgPool, dispatches: &AgentDispatchClient, rooms: &RoomClient, agent_name: &str) -> anyhow::Result<()> {
    for (meeting, room) in lease::stale(pg, agent_name).await? {
        let mut tx = pg.begin().await?;
        lock_room(&mut tx, &room).await?;
        if !lease::lock_if_stale(&mut tx, meeting).await? {
            continue; // another server took it back meanwhile
        }
        let open = matches!(crate::meetings::status(pg, meeting).await?, Some(MeetingStatus::Scheduled | MeetingStatus::Live));
        let room_exists = match rooms.list_rooms(vec![room.clone()]).await {
            Ok(listed) => !listed.is_empty(),
            Err(e) => {
                tracing::warn!(%meeting, error = %e, "LiveKit unreachable; the copilot's dispatch waits");
                continue;
            }
        };
        if !open || !room_exists {
            lease::ended(&mut tx, meeting).await?;
            tx.commit().await?;
            continue;
        }
        // The stopped job's participant may linger (a killed process's for ~20 s): removed
        // first, or LiveKit takes the new job's arrival under the same identity for the old
        // one's and terminates the new job with the old.
        if let Err(e) = rooms.remove_participant(&room, super::IDENTITY).await {
            tracing::debug!(%meeting, error = %e, "no stopped copilot to remove from the room");
        }
        match redispatch(dispatches, agent_name, &room).await {
            Ok(id) => {
                lease::redispatched(&mut tx, meeting).await?;
                tx.commit().await?;
                tracing::warn!(%meeting, dispatch = id, "the copilot's job stopped; dispatched again");
            }
            Err(e) => tracing::warn!(%meeting, error = %e, "dispatching the copilot again failed; retrying"),
        }
    }
    Ok(())
}

async fn lock_room(tx: &mut sqlx::PgConnection, room: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(room).execute(tx).await?;
    Ok(())
}

/// The room's dispatch of `agent_name`, created with `metadata` when there is none.
///
/// Errors: LiveKit unreachable or refusing the API key.
pub async fn find_or_create(dispatches: &AgentDispatchClient, agent_name: &str, room: &str, metadata: &str) -> anyhow::Result<String> {
    let existing = dispatches.list_dispatch(room).await?;
    if let Some(dispatch) = existing.into_iter().find(|d| d.agent_name == agent_name) {
        return Ok(dispatch.id);
    }
    create(dispatches, agent_name, room, metadata).await
}

/// Replaces the room's dispatches of `agent_name` (their jobs' workers are gone or their jobs
/// failed; LiveKit keeps such a job "running" forever) by a new one.
async fn redispatch(dispatches: &AgentDispatchClient, agent_name: &str, room: &str) -> anyhow::Result<String> {
    for old in dispatches.list_dispatch(room).await?.into_iter().filter(|d| d.agent_name == agent_name) {
        if let Err(e) = dispatches.delete_dispatch(&old.id, room).await {
            tracing::debug!(dispatch = old.id, error = %e, "deleting the stopped job's dispatch failed");
        }
    }
    create(dispatches, agent_name, room, "").await
}

async fn create(dispatches: &AgentDispatchClient, agent_name: &str, room: &str, metadata: &str) -> anyhow::Result<String> {
    let created = dispatches
        .create_dispatch(lk::CreateAgentDispatchRequest {
            agent_name: agent_name.to_owned(),
            room: room.to_owned(),
            metadata: metadata.to_owned(),
            ..Default::default()
        })
        .await?;
    Ok(created.id)
}
