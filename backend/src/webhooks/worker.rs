//! The delivery worker: a tokio task (started by `serve`) that claims due deliveries, sends
//! them and records the outcome.
//!
//! Claims use `FOR UPDATE SKIP LOCKED` plus a lease (`locked_until` = now + 2 × timeout), so
//! several workers (or server replicas) never send the same delivery at once, and the claim of
//! a worker that died mid-request expires and is retried by the next one. The attempt counter
//! grows when a delivery is claimed, so a request that crashes its worker still uses up the
//! budget. Results are written only while the claim is still ours (`attempts` unchanged), so a
//! late answer cannot overwrite a newer state.

use super::backoff;
use super::deliver::{self, Outcome, Request};
use crate::config::Config;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tokio::task::{JoinHandle, JoinSet};
use uuid::Uuid;

/// Deliveries claimed per round.
const BATCH: i64 = 16;

/// How the worker behaves; from [`Config`] via [`Settings::from_config`].
#[derive(Clone, Debug)]
pub struct Settings {
    /// `webhooks_allow_private`.
    pub allow_private: bool,
    /// Attempts before a delivery is dead-lettered.
    pub max_attempts: u32,
    /// First retry delay (before jitter).
    pub backoff_base: Duration,
    /// Longest retry delay (before jitter).
    pub backoff_max: Duration,
    /// Deadline of one HTTP attempt.
    pub timeout: Duration,
    /// Pause between polls when nothing was due.
    pub poll: Duration,
}

impl Settings {
    /// The `webhook*` keys of the configuration.
    pub fn from_config(config: &Config) -> Self {
        Self {
            allow_private: config.webhooks_allow_private,
            max_attempts: config.webhook_max_attempts.max(1),
            backoff_base: Duration::from_millis(config.webhook_backoff_base_ms),
            backoff_max: Duration::from_millis(config.webhook_backoff_max_ms),
            timeout: Duration::from_millis(config.webhook_timeout_ms),
            poll: Duration::from_millis(config.webhook_poll_ms.max(10)),
        }
    }

    fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(1)
    }
}

/// A running worker; dropping it stops the task (an attempt in flight is abandoned and its
/// lease expires, after which another worker retries it).
pub struct Worker {
    task: JoinHandle<()>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a worker on `pg`.
pub fn start(pg: PgPool, settings: Settings) -> Worker {
    Worker { task: tokio::spawn(run(pg, settings)) }
}

async fn run(pg: PgPool, settings: Settings) {
    loop {
        match round(&pg, &settings).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook worker: database unavailable; retrying"),
        }
        tokio::time::sleep(settings.poll).await;
    }
}

/// A claimed delivery.
struct Claimed {
    request: Request,
    attempt: i32,
}

/// Dead-letters abandoned last attempts, claims due deliveries and sends them concurrently;
/// returns how many were sent.
async fn round(pg: &PgPool, settings: &Settings) -> Result<usize, sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'dead', locked_until = NULL,
             last_error = 'the worker stopped during the last attempt'
         WHERE status = 'pending' AND attempts >= $1 AND locked_until < now()",
    )
    .bind(settings.max_attempts as i32)
    .execute(pg)
    .await?;
    type Row = (Uuid, i32, String, String, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
             locked_until = now() + make_interval(secs => $1)
         FROM webhook_events e, webhook_endpoints p
         WHERE d.id IN (
                 SELECT d2.id FROM webhook_deliveries d2 JOIN webhook_endpoints p2 ON p2.id = d2.endpoint_id
                 WHERE d2.status = 'pending' AND d2.next_attempt_at <= now() AND d2.attempts < $2
                   AND (d2.locked_until IS NULL OR d2.locked_until < now()) AND p2.active
                 ORDER BY d2.next_attempt_at LIMIT $3 FOR UPDATE OF d2 SKIP LOCKED)
           AND e.id = d.event_id AND p.id = d.endpoint_id
         RETURNING d.id, d.attempts, e.event_type, p.url, p.secret, e.payload::text",
    )
    .bind(settings.lease().as_secs_f64())
    .bind(settings.max_attempts as i32)
    .bind(BATCH)
    .fetch_all(pg)
    .await?;
    let count = rows.len();
    let mut sends = JoinSet::new();
    for (delivery, attempt, event_type, url, secret, body) in rows {
        let claimed = Claimed { request: Request { delivery, event_type, url, secret, body }, attempt };
        let (pg, settings) = (pg.clone(), settings.clone());
        sends.spawn(async move {
            let started_at = Utc::now();
            let clock = Instant::now();
            let outcome = deliver::send(&claimed.request, settings.timeout, settings.allow_private).await;
            let elapsed = clock.elapsed();
            if let Err(e) = record(&pg, &settings, &claimed, started_at, elapsed, &outcome).await {
                // The lease expires and the delivery is retried.
                tracing::warn!(delivery = %claimed.request.delivery, error = %e, "webhook result not recorded");
            }
        });
    }
    while sends.join_next().await.is_some() {}
    Ok(count)
}

/// Logs the attempt and moves the delivery on: delivered, retried later, or dead-lettered.
async fn record(
    pg: &PgPool,
    settings: &Settings,
    claimed: &Claimed,
    started_at: DateTime<Utc>,
    elapsed: Duration,
    outcome: &Outcome,
) -> Result<(), sqlx::Error> {
    let delivery = claimed.request.delivery;
    let attempt = claimed.attempt;
    let (status_code, error, excerpt) = match outcome {
        Outcome::Delivered { status, excerpt } => (Some(i32::from(*status)), None, Some(excerpt.clone())),
        Outcome::Failed { status, error, excerpt } => (status.map(i32::from), Some(error.clone()), excerpt.clone()),
        Outcome::Refused(refusal) => (None, Some(format!("refused: {refusal}")), None),
    };
    let mut tx = pg.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(delivery)
    .bind(attempt)
    .bind(started_at)
    .bind(i32::try_from(elapsed.as_millis()).unwrap_or(i32::MAX))
    .bind(status_code)
    .bind(&error)
    .bind(&excerpt)
    .execute(&mut *tx)
    .await?;
    let retry = backoff::jittered(attempt.max(1) as u32, settings.backoff_base, settings.backoff_max);
    let (status, next) = match outcome {
        Outcome::Delivered { .. } => ("delivered", Duration::ZERO),
        Outcome::Refused(_) => ("dead", Duration::ZERO),
        Outcome::Failed { .. } if attempt as u32 >= settings.max_attempts => ("dead", Duration::ZERO),
        Outcome::Failed { .. } => ("pending", retry),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $3, locked_until = NULL, last_status_code = $4, last_error = $5,
             next_attempt_at = now() + make_interval(secs => $6),
             delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
         WHERE id = $1 AND attempts = $2 AND status = 'pending'",
    )
    .bind(delivery)
    .bind(attempt)
    .bind(status)
    .bind(status_code)
    .bind(&error)
    .bind(next.as_secs_f64())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Ids and status codes only: URLs and bodies may carry secrets or personal data.
    match status {
        "delivered" => tracing::info!(%delivery, attempt, status_code, "webhook delivered"),
        "dead" => tracing::warn!(%delivery, attempt, status_code, "webhook dead-lettered"),
        _ => tracing::info!(%delivery, attempt, status_code, retry_in_ms = next.as_millis() as u64, "webhook attempt failed; will retry"),
    }
    Ok(())
}
