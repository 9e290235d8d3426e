//! `GET /healthz` response body.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Overall verdict of `GET /healthz`: `ok` (HTTP 200) only when every backing service answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Every service answered within its deadline; served with HTTP 200.
    Ok,
    /// At least one service is unreachable; served with HTTP 503.
    Unavailable,
}

/// Reachability of one backing service, probed on every `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceHealth {
    /// `true` when the probe succeeded before its deadline.
    pub ok: bool,
    /// Wall-clock time the probe took, in milliseconds (up to the probe deadline on failure).
    pub latency_ms: u32,
    /// Why the probe failed (connection refused, timeout, auth …); `null` when `ok`.
    pub error: Option<String>,
}

/// Body of `GET /healthz`: one [`ServiceHealth`] per backing service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// `ok` when all services are reachable, else `unavailable`.
    pub status: HealthStatus,
    /// Server version (the backend crate's semver).
    pub version: String,
    /// PostgreSQL: `SELECT 1` over the pool.
    pub postgres: ServiceHealth,
    /// MongoDB wire protocol (FerretDB locally): the `ping` command.
    pub mongodb: ServiceHealth,
    /// LiveKit server: an authenticated `RoomService.ListRooms` call.
    pub livekit: ServiceHealth,
    /// Redis (the HUD's fan-out across server processes): `PING`.
    pub redis: ServiceHealth,
}

impl HealthReport {
    /// Builds a report whose `status` is derived from the four probes.
    pub fn new(
        version: String,
        postgres: ServiceHealth,
        mongodb: ServiceHealth,
        livekit: ServiceHealth,
        redis: ServiceHealth,
    ) -> Self {
        let all_ok = postgres.ok && mongodb.ok && livekit.ok && redis.ok;
        Self {
            status: if all_ok { HealthStatus::Ok } else { HealthStatus::Unavailable },
            version,
            postgres,
            mongodb,
            livekit,
            redis,
        }
    }
}
