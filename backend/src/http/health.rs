//! `GET /healthz`: reachability of PostgreSQL, MongoDB, LiveKit and Redis.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use closer_wire::{HealthReport, HealthStatus, ServiceHealth};
use std::future::Future;
use std::time::{Duration, Instant};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz))
}

/// Probes the four services concurrently, each bounded by `health_probe_timeout_ms`.
/// 200 with status `ok` when all answer, else 503 with status `unavailable` and the error of
/// each failing probe.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = HealthReport), (status = 503, body = HealthReport, description = "a service is unreachable")))]
async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let deadline = state.config.health_probe_timeout();
    let (postgres, mongodb, livekit, redis) = tokio::join!(
        probe(deadline, crate::store::relational::ping(&state.pg)),
        probe(deadline, async {
            state.mongo.run_command(mongodb::bson::doc! {"ping": 1}).await.map(drop)
        }),
        probe(deadline, async { state.livekit.list_rooms(Vec::new()).await.map(drop) }),
        probe(deadline, state.fanout.ping()),
    );
    let report = HealthReport::new(env!("CARGO_PKG_VERSION").into(), postgres, mongodb, livekit, redis);
    let code = match report.status {
        HealthStatus::Ok => StatusCode::OK,
        HealthStatus::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    (code, Json(report))
}

async fn probe<E: std::fmt::Display>(
    deadline: Duration,
    check: impl Future<Output = Result<(), E>>,
) -> ServiceHealth {
    let started = Instant::now();
    let outcome = tokio::time::timeout(deadline, check).await;
    let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} ms", deadline.as_millis())),
    };
    ServiceHealth { ok: error.is_none(), latency_ms, error }
}
