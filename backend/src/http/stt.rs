//! `/api/organization/stt` and `/api/meetings/{id}/stt`: which live speech-to-text provider
//! transcribes an organization's meetings, and a per-meeting override.

use super::extract::{Body, PathParams};
use super::Error;
use crate::meetings;
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use closer_wire::{SttProviderKind, SttSettings};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organization, set_organization))
        .routes(routes!(meeting, set_meeting))
}

/// Deepgram can only be chosen when this server can reach it: refusing here beats a meeting
/// that silently runs on another provider.
fn check_available(state: &AppState, settings: &SttSettings) -> Result<(), Error> {
    if settings.stt_provider == Some(SttProviderKind::Deepgram)
        && crate::stt::deepgram::DeepgramConfig::from_config(&state.config).is_none()
    {
        return Err(Error::invalid("stt_provider", "Deepgram is not configured on this server (no API key)"));
    }
    Ok(())
}

/// The organization's provider (`null`: the server's default).
#[utoipa::path(get, path = "/organization/stt", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = SttSettings)))]
async fn organization(State(state): State<AppState>, user: AuthUser) -> Result<Json<SttSettings>, Error> {
    Ok(Json(SttSettings { stt_provider: crate::stt::settings::organization(&state.pg, user.org).await? }))
}

/// Choose the organization's provider (admins only; `null` returns to the server's default).
#[utoipa::path(put, path = "/organization/stt", tag = "organizations", security(("bearer" = [])), request_body = SttSettings,
    responses((status = 200, body = SttSettings), (status = 403, description = "not an admin"),
        (status = 422, description = "provider not configured on this server")))]
async fn set_organization(State(state): State<AppState>, user: AuthUser, Body(body): Body<SttSettings>) -> Result<Json<SttSettings>, Error> {
    user.require_admin()?;
    check_available(&state, &body)?;
    crate::stt::settings::set_organization(&state.pg, user.org, body.stt_provider).await?;
    Ok(Json(body))
}

/// The meeting's own provider (`null`: the organization's).
#[utoipa::path(get, path = "/meetings/{id}/stt", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = SttSettings), (status = 404, description = "not visible to the caller")))]
async fn meeting(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<SttSettings>, Error> {
    meetings::visible(&state.pg, &state.config, &user, id).await?;
    Ok(Json(SttSettings { stt_provider: crate::stt::settings::meeting(&state.pg, user.org, id).await? }))
}

/// Choose the meeting's provider (its host, managers, admins). A session already running keeps
/// its provider; the next one uses the new choice.
#[utoipa::path(put, path = "/meetings/{id}/stt", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = SttSettings,
    responses((status = 200, body = SttSettings), (status = 404, description = "not visible to the caller"),
        (status = 422, description = "provider not configured on this server")))]
async fn set_meeting(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<SttSettings>,
) -> Result<Json<SttSettings>, Error> {
    meetings::visible(&state.pg, &state.config, &user, id).await?;
    check_available(&state, &body)?;
    crate::stt::settings::set_meeting(&state.pg, user.org, id, body.stt_provider).await?;
    Ok(Json(body))
}
