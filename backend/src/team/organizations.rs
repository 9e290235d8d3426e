//! Organizations (tenants): signing one up with its first admin, and reading one.

use super::users::{self, NewAccount};
use crate::error::Error;
use closer_wire::{Organization, User};
use sqlx::PgPool;
use uuid::Uuid;

/// Creates organization `name` (`slug`) and `admin` as its first admin, in one transaction;
/// returns the admin.
///
/// Errors: [`Error::Conflict`] when the slug, or the admin's e-mail or booking slug, is taken.
pub async fn sign_up(pg: &PgPool, name: &str, slug: &str, admin: &NewAccount<'_>) -> Result<User, Error> {
    let mut tx = pg.begin().await?;
    let org: Uuid = sqlx::query_scalar("INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(slug)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| Error::unique_conflict(e, "this organization slug is taken"))?;
    let user = users::insert(&mut *tx, org, admin)
        .await
        .map_err(|e| Error::unique_conflict(e, "this e-mail or booking slug is already registered"))?;
    tx.commit().await?;
    Ok(user)
}

/// Organization `id`; `None` when there is none.
pub async fn get(pg: &PgPool, id: Uuid) -> Result<Option<Organization>, sqlx::Error> {
    let row: Option<(Uuid, String, String)> = sqlx::query_as("SELECT id, name, slug FROM organizations WHERE id = $1").bind(id).fetch_optional(pg).await?;
    Ok(row.map(|(id, name, slug)| Organization { id, name, slug }))
}
