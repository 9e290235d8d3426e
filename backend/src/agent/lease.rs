//! Leases on the copilot's jobs, in PostgreSQL (`copilot_jobs`, `copilot_workers`), shared by
//! every server process of a deployment. Self-hosted livekit-server never dispatches a job again
//! when its worker dies (livekit/agents#1472), so the servers keep their own account: each
//! worker renews the leases of the jobs it runs every [`HEARTBEAT`], and a lease not renewed for
//! [`JOB_TIMEOUT`] is taken back by whichever server's watcher sees it first
//! ([`super::dispatch::redispatch_stale`]). The same renewal publishes each worker's job count,
//! and CPU share, from which a worker offered a job decides whether it is its turn ([`others`]).

use super::load::Busy;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// How often a worker renews its leases and watchers look for stale ones.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// A worker not seen for this long is gone: its job count no longer counts for the fair share.
/// Three heartbeats, so one slow database write does not make a live worker disappear.
pub const WORKER_TIMEOUT: Duration = Duration::from_secs(3);
/// A job's lease not renewed for this long (or a dispatch no job took up within it) is
/// dispatched again. Longer than [`WORKER_TIMEOUT`]: by the time a dead worker's jobs are offered
/// again it no longer counts as a live worker with few jobs, so the survivors accept them. With
/// the watcher's [`HEARTBEAT`] tick, a dead worker's rooms are dispatched again 4–5 s after its
/// last renewal, inside issue #16's 10 s budget for the copilot to resume.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(4);

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Records that `meeting`'s room (`room`) has the copilot of `agent_name` dispatched, unless a
/// lease is already there (a job may be running it). Run inside the room's advisory lock.
///
/// Errors: the database.
pub async fn dispatched(tx: &mut sqlx::PgConnection, meeting: Uuid, room: &str, agent_name: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO copilot_jobs (meeting_id, room, agent_name) VALUES ($1, $2, $3)
         ON CONFLICT (meeting_id) DO NOTHING",
    )
    .bind(meeting)
    .bind(room)
    .bind(agent_name)
    .execute(tx)
    .await?;
    Ok(())
}

/// The job `job_id` of worker `worker_id` runs `meeting`'s room from now on.
///
/// Errors: the database.
pub async fn taken(pg: &PgPool, meeting: Uuid, room: &str, agent_name: &str, worker_id: &str, job_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO copilot_jobs (meeting_id, room, agent_name, worker_id, job_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (meeting_id) DO UPDATE SET room = $2, agent_name = $3, worker_id = $4, job_id = $5, listening = '{}', heartbeat_at = now()",
    )
    .bind(meeting)
    .bind(room)
    .bind(agent_name)
    .bind(worker_id)
    .bind(job_id)
    .execute(pg)
    .await?;
    Ok(())
}

/// The job `job_id` no longer runs `meeting`'s room: its lease is no longer renewed, and the
/// watcher decides (call over or room closed: lease deleted; otherwise: dispatched again). A job
/// that another dispatch replaced meanwhile touches nothing.
///
/// Errors: the database.
pub async fn left(pg: &PgPool, meeting: Uuid, job_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE copilot_jobs SET worker_id = NULL, listening = '{}' WHERE meeting_id = $1 AND job_id = $2")
        .bind(meeting)
        .bind(job_id)
        .execute(pg)
        .await?;
    Ok(())
}

/// The job `job_id` in `meeting`'s room receives the microphones of `identities` now.
///
/// Errors: the database.
pub async fn listening(pg: &PgPool, meeting: Uuid, job_id: &str, identities: &std::collections::BTreeSet<String>) -> sqlx::Result<()> {
    sqlx::query("UPDATE copilot_jobs SET listening = $3 WHERE meeting_id = $1 AND job_id = $2")
        .bind(meeting)
        .bind(job_id)
        .bind(identities.iter().cloned().collect::<Vec<_>>())
        .execute(pg)
        .await?;
    Ok(())
}

/// What the copilot does in `meeting`'s room: whether a job runs it (lease renewed within
/// [`JOB_TIMEOUT`]) and whose microphones it receives.
///
/// Errors: the database.
pub async fn presence(pg: &PgPool, meeting: Uuid) -> sqlx::Result<closer_wire::CopilotPresence> {
    let row: Option<(bool, Vec<String>)> = sqlx::query_as(
        "SELECT worker_id IS NOT NULL AND heartbeat_at > now() - make_interval(secs => $2), listening
         FROM copilot_jobs WHERE meeting_id = $1",
    )
    .bind(meeting)
    .bind(seconds(JOB_TIMEOUT))
    .fetch_optional(pg)
    .await?;
    let (running, listening) = row.unwrap_or_default();
    Ok(closer_wire::CopilotPresence { running, listening: if running { listening } else { Vec::new() } })
}

/// Renews the leases of worker `worker_id` (of `agent_name`, running `busy.jobs` jobs, accepted
/// ones included) and publishes its job count and CPU share.
///
/// Errors: the database.
pub async fn renew(pg: &PgPool, worker_id: &str, agent_name: &str, busy: Busy) -> sqlx::Result<()> {
    let mut tx = pg.begin().await?;
    sqlx::query("UPDATE copilot_jobs SET heartbeat_at = now() WHERE worker_id = $1")
        .bind(worker_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO copilot_workers (worker_id, agent_name, jobs, cpu) VALUES ($1, $2, $3, $4)
         ON CONFLICT (worker_id) DO UPDATE SET jobs = $3, cpu = $4, seen_at = now()",
    )
    .bind(worker_id)
    .bind(agent_name)
    .bind(i32::try_from(busy.jobs).unwrap_or(i32::MAX))
    .bind(busy.cpu.clamp(0.0, 1.0))
    .execute(&mut *tx)
    .await?;
    // Rows of workers long gone (killed ones never delete theirs).
    sqlx::query("DELETE FROM copilot_workers WHERE seen_at < now() - interval '1 minute'").execute(&mut *tx).await?;
    tx.commit().await
}

/// The jobs and CPU share of every other live worker of `agent_name` than `worker_id`.
///
/// Errors: the database.
pub async fn others(pg: &PgPool, agent_name: &str, worker_id: &str) -> sqlx::Result<Vec<Busy>> {
    let rows: Vec<(i32, f32)> = sqlx::query_as(
        "SELECT jobs, cpu FROM copilot_workers
         WHERE agent_name = $1 AND worker_id <> $2 AND seen_at > now() - make_interval(secs => $3)",
    )
    .bind(agent_name)
    .bind(worker_id)
    .bind(seconds(WORKER_TIMEOUT))
    .fetch_all(pg)
    .await?;
    Ok(rows.into_iter().map(|(jobs, cpu)| Busy { jobs: jobs.max(0) as usize, cpu }).collect())
}

/// Worker `worker_id`'s registration ended: it no longer counts (its jobs' leases go stale).
///
/// Errors: the database.
pub async fn unregistered(pg: &PgPool, worker_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM copilot_workers WHERE worker_id = $1").bind(worker_id).execute(pg).await?;
    Ok(())
}

/// Whether a job of `agent_name` runs `meeting`'s room now: a worker took it and renewed its
/// lease within [`JOB_TIMEOUT`]. Its agent is then in the room, so the room exists and has its
/// dispatch, and a token request need not ask LiveKit for either again.
///
/// Errors: the database.
pub async fn running(pg: &PgPool, meeting: Uuid, agent_name: &str) -> sqlx::Result<bool> {
    Ok(due_and_running(pg, meeting, agent_name).await? == Some(true))
}

/// Whether a job of `agent_name` runs `meeting`'s room now (its lease renewed within
/// [`JOB_TIMEOUT`]), or `None` when the copilot is not due there: never dispatched (the call has
/// not started) or the call is over.
///
/// Errors: the database.
pub async fn due_and_running(pg: &PgPool, meeting: Uuid, agent_name: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar(
        "SELECT job_id IS NOT NULL AND heartbeat_at >= now() - make_interval(secs => $3) FROM copilot_jobs
         WHERE meeting_id = $1 AND agent_name = $2",
    )
    .bind(meeting)
    .bind(agent_name)
    .bind(seconds(JOB_TIMEOUT))
    .fetch_optional(pg)
    .await
}

/// Meetings (with their room) whose copilot lease of `agent_name` is stale.
///
/// Errors: the database.
pub async fn stale(pg: &PgPool, agent_name: &str) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "SELECT meeting_id, room FROM copilot_jobs
         WHERE agent_name = $1 AND heartbeat_at < now() - make_interval(secs => $2)",
    )
    .bind(agent_name)
    .bind(seconds(JOB_TIMEOUT))
    .fetch_all(pg)
    .await
}

/// Whether `meeting`'s lease is (still) stale; locks its row until `tx` ends.
///
/// Errors: the database.
pub async fn lock_if_stale(tx: &mut sqlx::PgConnection, meeting: Uuid) -> sqlx::Result<bool> {
    let row: Option<Uuid> = sqlx::query_scalar(
        "SELECT meeting_id FROM copilot_jobs
         WHERE meeting_id = $1 AND heartbeat_at < now() - make_interval(secs => $2) FOR UPDATE",
    )
    .bind(meeting)
    .bind(seconds(JOB_TIMEOUT))
    .fetch_optional(tx)
    .await?;
    Ok(row.is_some())
}

/// Dispatched again: no job yet, and a fresh [`JOB_TIMEOUT`] for one to take it.
///
/// Errors: the database.
pub async fn redispatched(tx: &mut sqlx::PgConnection, meeting: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE copilot_jobs SET worker_id = NULL, job_id = NULL, listening = '{}', heartbeat_at = now() WHERE meeting_id = $1")
        .bind(meeting)
        .execute(tx)
        .await?;
    Ok(())
}

/// The call is over or its room closed: no copilot is due there any more.
///
/// Errors: the database.
pub async fn ended(tx: &mut sqlx::PgConnection, meeting: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM copilot_jobs WHERE meeting_id = $1").bind(meeting).execute(tx).await?;
    Ok(())
}
