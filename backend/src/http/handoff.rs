//! `/api/auth/handoff`: one-time tokens that carry a desktop app's sign-in to the browser
//! (`crate::auth::handoff`).

use super::Error;
use crate::auth::session;
use crate::team::users;
use super::extract::{Body, ClientIp};
use crate::auth::{AuthUser, handoff};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use closer_wire::{Handoff, HandoffRedeem, Session};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue)).routes(routes!(redeem))
}

/// A one-time token for the caller, to open the web UI signed in (e.g. a call in the system
/// browser). Redeem it within `expires_in` seconds at `POST /api/auth/handoff/redeem`.
#[utoipa::path(post, path = "/auth/handoff", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Handoff), (status = 401, description = "no valid access token")))]
async fn issue(State(state): State<AppState>, user: AuthUser) -> Result<Json<Handoff>, Error> {
    let token = handoff::issue(&state.pg, user.id).await?;
    Ok(Json(Handoff { token, expires_in: u64::from(handoff::TTL_SECONDS) }))
}

/// Exchanges a handoff token for a new session (its own refresh-token family). Each token
/// works once.
#[utoipa::path(post, path = "/auth/handoff/redeem", tag = "auth", request_body = HandoffRedeem,
    responses((status = 200, body = Session), (status = 401, description = "unknown, expired or used token"),
        (status = 429, description = "too many attempts from this address")))]
async fn redeem(State(state): State<AppState>, ClientIp(ip): ClientIp, Body(body): Body<HandoffRedeem>) -> Result<Json<Session>, Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    let user_id = handoff::redeem(&state.pg, body.token.trim())
        .await?
        .ok_or_else(|| Error::Unauthorized("invalid, expired or already used handoff token".into()))?;
    let user = users::by_id(&state.pg, user_id).await?.ok_or(Error::NotFound)?;
    Ok(Json(session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, user).await?))
}
