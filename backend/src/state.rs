//! Shared application state handed to every HTTP handler.

use crate::config::Config;
use livekit_api::services::room::RoomClient;
use sqlx::PgPool;
use std::sync::Arc;

/// Cheap to clone: every field is reference-counted.
#[derive(Clone)]
pub struct AppState {
    /// Loaded configuration.
    pub config: Arc<Config>,
    /// PostgreSQL pool (lazy; reconnects by itself).
    pub pg: PgPool,
    /// MongoDB database handle.
    pub mongo: mongodb::Database,
    /// LiveKit RoomService client.
    pub livekit: Arc<RoomClient>,
}

impl AppState {
    /// Builds the state without touching the network, so the server can start while a
    /// service is down and report it on `/healthz`.
    ///
    /// Errors: malformed database URLs.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let pg = crate::store::relational::pool(&config.database_url)?;
        let mongo =
            crate::store::documents::connect(&config.mongodb_url, &config.mongodb_database).await?;
        let livekit = Arc::new(crate::livekit::room_client(&config));
        Ok(Self { config: Arc::new(config), pg, mongo, livekit })
    }
}
