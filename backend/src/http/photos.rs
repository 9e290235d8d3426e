//! A seller's photo on their public booking page: `PUT`/`DELETE /api/me/photo` (the signed-in
//! user's own), `GET /api/book/{seller_slug}/photo` (public, like the page). Stored in
//! PostgreSQL `user_photos`; the booking page names it in `BookingPage::seller_photo_url`.

use super::Error;
use super::extract::PathParams;
use super::images;
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Photo types accepted: no SVG, since the booking page is public and an SVG can carry script.
pub const PHOTO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(put_photo, delete_photo))
        .routes(routes!(public_photo))
        .layer(axum::extract::DefaultBodyLimit::max(images::MAX_IMAGE_BYTES + 64 * 1024))
}

/// Upload the signed-in user's photo (raw body; `Content-Type` PNG, JPEG or WebP; at most 2 MiB),
/// replacing any earlier one.
#[utoipa::path(put, path = "/me/photo", tag = "auth", security(("bearer" = [])), request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204, description = "stored"), (status = 413, description = "over 2 MiB"), (status = 415, description = "not PNG, JPEG or WebP"),
        (status = 422, description = "empty")))]
async fn put_photo(State(state): State<AppState>, user: AuthUser, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Error> {
    let content_type = images::checked_upload(&headers, &body, &PHOTO_TYPES)?;
    sqlx::query(
        "INSERT INTO user_photos (user_id, content_type, data) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET content_type = $2, data = $3, updated_at = now()",
    )
    .bind(user.id)
    .bind(&content_type)
    .bind(body.as_ref())
    .execute(&state.pg)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the signed-in user's photo (nothing to remove is fine).
#[utoipa::path(delete, path = "/me/photo", tag = "auth", security(("bearer" = [])), responses((status = 204, description = "removed")))]
async fn delete_photo(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, Error> {
    sqlx::query("DELETE FROM user_photos WHERE user_id = $1").bind(user.id).execute(&state.pg).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The photo on `/book/{seller_slug}`, with the type it was uploaded with.
#[utoipa::path(get, path = "/book/{seller_slug}/photo", tag = "booking", params(("seller_slug" = String, Path)),
    responses((status = 200, description = "the image bytes"), (status = 404, description = "no photo")))]
async fn public_photo(State(state): State<AppState>, PathParams(slug): PathParams<String>) -> Result<impl IntoResponse, Error> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT p.content_type, p.data FROM user_photos p JOIN users u ON u.id = p.user_id WHERE u.slug = $1 AND u.deactivated_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(&state.pg)
    .await?;
    let (content_type, data) = row.ok_or(Error::NotFound)?;
    Ok((images::served(content_type), data))
}

/// Where the booking page of `slug` (seller `seller`) finds its photo, if there is one: the
/// public URL with the photo's version, so a new photo is not hidden by a cached old one.
pub async fn photo_url(pg: &PgPool, seller: Uuid, slug: &str) -> Result<Option<String>, sqlx::Error> {
    let updated: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT p.updated_at FROM user_photos p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1 AND u.deactivated_at IS NULL")
            .bind(seller)
            .fetch_optional(pg)
            .await?;
    Ok(updated.map(|at| format!("/api/book/{slug}/photo?v={}", at.timestamp_millis())))
}
