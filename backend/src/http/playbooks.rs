//! `/api/playbooks`: CRUD, import/export in the interchange format, battle card images.

use super::extract::{Body, PathParams};
use super::images;
use super::Error;
use crate::auth::AuthUser;
use crate::playbooks;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::Json;
use closer_wire::{Playbook, StarterPlaybook, StoredPlaybook};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Image types a battle card may carry.
pub const IMAGE_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/svg+xml"];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(import))
        .routes(routes!(starters))
        .routes(routes!(add_starter))
        .routes(routes!(get_one, replace, delete))
        .routes(routes!(export))
        .routes(routes!(put_image, get_image))
        // The image route reads the raw body: allow up to the image limit plus headroom, so
        // oversize uploads get our 413 JSON rather than axum's default rejection.
        .layer(axum::extract::DefaultBodyLimit::max(images::MAX_IMAGE_BYTES + 64 * 1024))
}

async fn stored(state: &AppState, org: Uuid, id: Uuid) -> Result<StoredPlaybook, Error> {
    playbooks::stored(&state.pg, org, id).await?.ok_or(Error::NotFound)
}

/// Playbooks of the caller's organization, by name.
#[utoipa::path(get, path = "/playbooks", tag = "playbooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<StoredPlaybook>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<StoredPlaybook>>, Error> {
    Ok(Json(playbooks::list(&state.pg, user.org).await?))
}

/// Create a playbook (managers and admins). The body is the interchange format.
#[utoipa::path(post, path = "/playbooks", tag = "playbooks", security(("bearer" = [])), request_body = Playbook,
    responses((status = 201, body = StoredPlaybook), (status = 409, description = "name taken"), (status = 422, description = "invalid field")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<Playbook>) -> Result<(StatusCode, Json<StoredPlaybook>), Error> {
    user.require_manager()?;
    let id = playbooks::insert(&state.pg, user.org, &body).await?;
    Ok((StatusCode::CREATED, Json(stored(&state, user.org, id).await?)))
}

/// Import a playbook file (`shared/fixtures/playbooks/*.json` format); same as create.
#[utoipa::path(post, path = "/playbooks/import", tag = "playbooks", security(("bearer" = [])), request_body = Playbook,
    responses((status = 201, body = StoredPlaybook), (status = 409, description = "name taken"), (status = 422, description = "invalid field")))]
async fn import(state: State<AppState>, user: AuthUser, body: Body<Playbook>) -> Result<(StatusCode, Json<StoredPlaybook>), Error> {
    create(state, user, body).await
}

/// The starter playbooks (English and Italian) an organization can begin with.
#[utoipa::path(get, path = "/playbooks/starters", tag = "playbooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<StarterPlaybook>)))]
async fn starters(_user: AuthUser) -> Json<Vec<StarterPlaybook>> {
    Json(
        playbooks::STARTERS
            .iter()
            .filter_map(|(key, _)| Some(StarterPlaybook { key: (*key).to_owned(), playbook: playbooks::starter(key)? }))
            .collect(),
    )
}

/// Add a starter playbook to the organization (managers and admins): 201 with the copy, or 200
/// with the playbook of the same name the organization already has (adding twice adds once).
#[utoipa::path(post, path = "/playbooks/starters/{key}", tag = "playbooks", security(("bearer" = [])), params(("key" = String, Path)),
    responses((status = 201, body = StoredPlaybook), (status = 200, body = StoredPlaybook, description = "already added"),
        (status = 403, description = "sellers cannot add playbooks"), (status = 404, description = "no such starter")))]
async fn add_starter(State(state): State<AppState>, user: AuthUser, PathParams(key): PathParams<String>) -> Result<(StatusCode, Json<StoredPlaybook>), Error> {
    user.require_manager()?;
    let (id, created) = playbooks::add_starter(&state.pg, user.org, &key).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(stored(&state, user.org, id).await?)))
}

/// One playbook.
#[utoipa::path(get, path = "/playbooks/{id}", tag = "playbooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = StoredPlaybook), (status = 404, description = "not in your organization")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<StoredPlaybook>, Error> {
    Ok(Json(stored(&state, user.org, id).await?))
}

/// Replace a playbook (managers and admins).
#[utoipa::path(put, path = "/playbooks/{id}", tag = "playbooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = Playbook, responses((status = 200, body = StoredPlaybook), (status = 403, description = "sellers do not edit playbooks"),
        (status = 404, description = "not in your organization"), (status = 409, description = "another playbook has that name")))]
async fn replace(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>, Body(body): Body<Playbook>) -> Result<Json<StoredPlaybook>, Error> {
    user.require_manager()?;
    if !playbooks::update(&state.pg, user.org, id, &body).await? {
        return Err(Error::NotFound);
    }
    Ok(Json(stored(&state, user.org, id).await?))
}

/// Delete a playbook that no meeting or meeting type uses (managers and admins).
#[utoipa::path(delete, path = "/playbooks/{id}", tag = "playbooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "deleted"), (status = 409, description = "in use")))]
async fn delete(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    user.require_manager()?;
    if !playbooks::delete(&state.pg, user.org, id).await? {
        return Err(Error::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Download a playbook in the interchange format.
#[utoipa::path(get, path = "/playbooks/{id}/export", tag = "playbooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Playbook)))]
async fn export(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<impl IntoResponse, Error> {
    let playbook = stored(&state, user.org, id).await?.playbook;
    let file: String = playbook.name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    Ok(([(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.json\""))], Json(playbook)))
}

/// Upload the image or chart of an objection's battle card (raw body; `Content-Type` one of
/// PNG, JPEG, WebP, GIF, SVG; at most 2 MiB). Sets the battle card's `image_url`.
#[utoipa::path(put, path = "/playbooks/{id}/objections/{key}/image", tag = "playbooks", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("key" = String, Path)), request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204, description = "stored"), (status = 413, description = "over 2 MiB"), (status = 415, description = "not an accepted image type")))]
async fn put_image(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams((id, key)): PathParams<(Uuid, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Error> {
    user.require_manager()?;
    let content_type = images::checked_upload(&headers, &body, &IMAGE_TYPES)?;
    playbooks::images::put(&state.pg, user.org, id, &key, &content_type, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The battle card image, with the content type it was uploaded with.
#[utoipa::path(get, path = "/playbooks/{id}/objections/{key}/image", tag = "playbooks", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("key" = String, Path)), responses((status = 200, description = "the image bytes"), (status = 404, description = "no image")))]
async fn get_image(State(state): State<AppState>, user: AuthUser, PathParams((id, key)): PathParams<(Uuid, String)>) -> Result<impl IntoResponse, Error> {
    let (content_type, data) = playbooks::images::get(&state.pg, user.org, id, &key).await?.ok_or(Error::NotFound)?;
    Ok((images::served(content_type), data))
}
