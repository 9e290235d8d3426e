//! The finalize job queue (`finalize_jobs`) and its worker, started by `serve`.
//!
//! Each round the worker (1) creates a job for every meeting that reached `ended` — whichever
//! path got it there: LiveKit's `room_finished` webhook or the host ending the call — (2)
//! claims one due job under a lease (`FOR UPDATE SKIP LOCKED`, `locked_until`), (3) runs
//! [`Finalizer::finalize`] and records the result. A server that stops mid-finalize leaves the
//! job claimed; once the lease expires the next worker (e.g. the restarted server) runs it
//! again, which is safe because finalize is idempotent. Failures are retried after
//! 30 s × 2^(attempt−1) up to [`MAX_ATTEMPTS`], then the job is `failed` (logged; visible in the
//! table for an operator).

use super::finalize::Finalizer;
use crate::config::Config;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Attempts before a job is marked failed.
pub const MAX_ATTEMPTS: i32 = 5;
/// First retry delay; doubles per attempt.
const RETRY_BASE: Duration = Duration::from_secs(30);

/// Worker timing, from `finalize_poll_ms` and `finalize_lease_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub poll: Duration,
    pub lease: Duration,
}

impl Settings {
    /// From the configuration.
    pub fn from_config(config: &Config) -> Self {
        Self {
            poll: Duration::from_millis(config.finalize_poll_ms.max(10)),
            lease: Duration::from_millis(config.finalize_lease_ms.max(1000)),
        }
    }
}

/// A running worker; dropping it stops the task (a finalize in progress is abandoned and
/// taken over by the next worker when its lease expires).
pub struct Worker {
    task: JoinHandle<()>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a worker.
pub fn start(pg: PgPool, finalizer: Arc<Finalizer>, settings: Settings) -> Worker {
    Worker {
        task: tokio::spawn(async move {
            loop {
                match round(&pg, &finalizer, settings).await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "finalize worker: database unavailable; retrying"),
                }
                tokio::time::sleep(settings.poll).await;
            }
        }),
    }
}

/// Sweeps, claims and runs at most one job; `true` when one ran.
async fn round(pg: &PgPool, finalizer: &Finalizer, settings: Settings) -> Result<bool, sqlx::Error> {
    sqlx::query("INSERT INTO finalize_jobs (meeting_id) SELECT id FROM meetings WHERE status = 'ended' ON CONFLICT DO NOTHING")
        .execute(pg)
        .await?;
    sqlx::query(
        "UPDATE finalize_jobs SET status = 'failed', locked_until = NULL, last_error = 'the server stopped during the last attempt'
         WHERE status = 'pending' AND attempts >= $1 AND locked_until < now()",
    )
    .bind(MAX_ATTEMPTS)
    .execute(pg)
    .await?;
    let claimed: Option<(Uuid, i32)> = sqlx::query_as(
        "UPDATE finalize_jobs SET attempts = attempts + 1, locked_until = now() + make_interval(secs => $1)
         WHERE meeting_id = (
             SELECT meeting_id FROM finalize_jobs
             WHERE status = 'pending' AND next_attempt_at <= now() AND attempts < $2
               AND (locked_until IS NULL OR locked_until < now())
             ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING meeting_id, attempts",
    )
    .bind(settings.lease.as_secs_f64())
    .bind(MAX_ATTEMPTS)
    .fetch_optional(pg)
    .await?;
    let Some((meeting, attempt)) = claimed else { return Ok(false) };
    match finalizer.finalize(meeting).await {
        Ok(outcome) => {
            tracing::debug!(%meeting, ?outcome, "finalize job done");
            sqlx::query(
                "UPDATE finalize_jobs SET status = 'done', locked_until = NULL, last_error = NULL, finished_at = now()
                 WHERE meeting_id = $1 AND attempts = $2",
            )
            .bind(meeting)
            .bind(attempt)
            .execute(pg)
            .await?;
        }
        Err(e) => {
            let error = format!("{e:#}");
            let failed = attempt >= MAX_ATTEMPTS;
            tracing::warn!(%meeting, attempt, failed, error, "finalize failed");
            let retry = RETRY_BASE * 2u32.saturating_pow(attempt.clamp(1, 20) as u32 - 1);
            sqlx::query(
                "UPDATE finalize_jobs SET status = CASE WHEN $3 THEN 'failed' ELSE 'pending' END, locked_until = NULL,
                     last_error = $4, next_attempt_at = now() + make_interval(secs => $5)
                 WHERE meeting_id = $1 AND attempts = $2",
            )
            .bind(meeting)
            .bind(attempt)
            .bind(failed)
            .bind(&error)
            .bind(retry.as_secs_f64())
            .execute(pg)
            .await?;
        }
    }
    Ok(true)
}
