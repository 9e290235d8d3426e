//! A user's photo for their public booking page, stored in PostgreSQL `user_photos` (one per
//! user, PNG, JPEG or WebP, checked by the caller).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Stores `data` of `content_type` as `user`'s photo, replacing any earlier one.
pub async fn put(pg: &PgPool, user: Uuid, content_type: &str, data: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_photos (user_id, content_type, data) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET content_type = $2, data = $3, updated_at = now()",
    )
    .bind(user)
    .bind(content_type)
    .bind(data)
    .execute(pg)
    .await?;
    Ok(())
}

/// Removes `user`'s photo (nothing to remove is fine).
pub async fn delete(pg: &PgPool, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_photos WHERE user_id = $1").bind(user).execute(pg).await?;
    Ok(())
}

/// The photo of the active user whose booking page is `slug`: its content type and bytes.
pub async fn public(pg: &PgPool, slug: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.content_type, p.data FROM user_photos p JOIN users u ON u.id = p.user_id WHERE u.slug = $1 AND u.deactivated_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(pg)
    .await
}

/// Where the booking page of `slug` (seller `seller`) finds its photo, if there is one: the
/// public URL with the photo's version, so a new photo is not hidden by a cached old one.
pub async fn url(pg: &PgPool, seller: Uuid, slug: &str) -> Result<Option<String>, sqlx::Error> {
    let updated: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT p.updated_at FROM user_photos p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1 AND u.deactivated_at IS NULL")
            .bind(seller)
            .fetch_optional(pg)
            .await?;
    Ok(updated.map(|at| format!("/api/book/{slug}/photo?v={}", at.timestamp_millis())))
}
