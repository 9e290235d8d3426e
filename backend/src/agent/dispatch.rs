//! Asking LiveKit for the copilot in a meeting's room: an explicit agent dispatch naming this
//! deployment's agent (`livekit_agent_name`), at most one per room.

use crate::config::Config;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_protocol as lk;
use sqlx::PgPool;
use std::time::Duration;

/// A dispatch client for the configured LiveKit server.
pub fn client(config: &Config) -> AgentDispatchClient {
    AgentDispatchClient::with_api_key(&config.livekit_url, &config.livekit_api_key, &config.livekit_api_secret)
        // Region failover only applies to LiveKit Cloud; a self-hosted server has one node.
        .with_failover(false)
        .with_request_timeout(Duration::from_secs(5))
}

/// Dispatches the copilot agent to `room` (which must exist) unless a dispatch of that agent is
/// already there; returns the dispatch's id. LiveKit then assigns the room's job to one
/// registered worker of that name, and drops the dispatch with the room. Concurrent calls for
/// one room, from any server process of the deployment, are serialized by a PostgreSQL
/// advisory lock on the room's name, so a room never gets two dispatches.
///
/// Errors: PostgreSQL, or LiveKit unreachable or refusing the API key.
pub async fn ensure(pg: &PgPool, dispatches: &AgentDispatchClient, agent_name: &str, room: &str) -> anyhow::Result<String> {
    let mut lock = pg.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(room).execute(&mut *lock).await?;
    let id = find_or_create(dispatches, agent_name, room).await?;
    lock.commit().await?;
    Ok(id)
}

async fn find_or_create(dispatches: &AgentDispatchClient, agent_name: &str, room: &str) -> anyhow::Result<String> {
    let existing = dispatches.list_dispatch(room).await?;
    if let Some(dispatch) = existing.into_iter().find(|d| d.agent_name == agent_name) {
        return Ok(dispatch.id);
    }
    let created = dispatches
        .create_dispatch(lk::CreateAgentDispatchRequest {
            agent_name: agent_name.to_owned(),
            room: room.to_owned(),
            ..Default::default()
        })
        .await?;
    Ok(created.id)
}
