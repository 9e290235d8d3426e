//! A seller's photo on their public booking page: `PUT`/`DELETE /api/me/photo` (the signed-in
//! user's own), `GET /api/book/{seller_slug}/photo` (public, like the page). Stored in
//! PostgreSQL `user_photos` (`team::photos`); the booking page names it in
//! `BookingPage::seller_photo_url`.

use super::Error;
use super::extract::PathParams;
use super::images;
use crate::auth::AuthUser;
use crate::state::AppState;
use crate::team::photos;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    photos::put(&state.pg, user.id, &content_type, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the signed-in user's photo (nothing to remove is fine).
#[utoipa::path(delete, path = "/me/photo", tag = "auth", security(("bearer" = [])), responses((status = 204, description = "removed")))]
async fn delete_photo(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, Error> {
    photos::delete(&state.pg, user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The photo on `/book/{seller_slug}`, with the type it was uploaded with.
#[utoipa::path(get, path = "/book/{seller_slug}/photo", tag = "booking", params(("seller_slug" = String, Path)),
    responses((status = 200, description = "the image bytes"), (status = 404, description = "no photo")))]
async fn public_photo(State(state): State<AppState>, PathParams(slug): PathParams<String>) -> Result<impl IntoResponse, Error> {
    let (content_type, data) = photos::public(&state.pg, &slug).await?.ok_or(Error::NotFound)?;
    Ok((images::served(content_type), data))
}
