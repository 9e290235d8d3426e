//! PostgreSQL pool and the numbered SQL migrations in `migrations/`.

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// Migrations embedded at compile time from the repository's `migrations/` folder, applied in
/// file-name order (`0001_…`, `0002_…`) and recorded in `_sqlx_migrations`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens a pool without connecting yet: the server must start (and report 503 on `/healthz`)
/// even while PostgreSQL is down, and reconnects on its own when it comes back.
///
/// Errors: only a malformed `url`.
pub fn pool(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(10)
        // A request should fail fast with 503 rather than hang when the database is gone.
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(url)
}

/// Applies every pending migration; a no-op when the schema is current.
///
/// Errors: connection failures, or a migration whose checksum differs from the applied one.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// One round trip to PostgreSQL (the readiness probe's).
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.map(drop)
}
