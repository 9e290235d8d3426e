//! `/api/auth/*`: login, refresh (rotating), logout, and `GET /api/me`.

use super::extract::{Body, ClientIp};
use super::Error;
use crate::auth::refresh::{self, RefreshError};
use crate::auth::{AuthUser, password, session};
use crate::team::users;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{Login, PasswordChange, ProfileUpdate, RefreshRequest, Session, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh_session))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
}

/// Log in with e-mail and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = Session), (status = 401, description = "wrong e-mail or password"),
        (status = 403, description = "the account was deactivated"),
        (status = 429, description = "too many attempts from this address")))]
async fn login(State(state): State<AppState>, ClientIp(ip): ClientIp, Body(body): Body<Login>) -> Result<Json<Session>, Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    let email = body.email.trim().to_lowercase();
    let row = users::credentials(&state.pg, &email).await?;
    let password = body.password;
    // Verify even for unknown e-mails, so timing does not reveal which accounts exist.
    let stored = row.as_ref().map(|(_, _, hash)| hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .map_err(anyhow::Error::from)?;
    let (Some((id, org, _)), true) = (row, matches) else {
        return Err(Error::Unauthorized("wrong e-mail or password".into()));
    };
    let user = users::load(&state.pg, id, org).await?.ok_or(Error::NotFound)?;
    if !user.active {
        return Err(Error::Forbidden("this account was deactivated by an admin of your organization".into()));
    }
    Ok(Json(session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, user).await?))
}

/// Exchange a refresh token for a new session. Each refresh token works once; presenting a
/// used one revokes the whole login (every token descended from it).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Session), (status = 401, description = "invalid, expired, revoked or reused token")))]
async fn refresh_session(State(state): State<AppState>, Body(body): Body<RefreshRequest>) -> Result<Json<Session>, Error> {
    let (user_id, next) = refresh::rotate(&state.pg, &body.refresh_token, state.config.refresh_token_ttl_days)
        .await
        .map_err(|e| match e {
            RefreshError::Database(e) => e.into(),
            other => Error::Unauthorized(other.to_string()),
        })?;
    let user = users::by_id(&state.pg, user_id).await?.ok_or(Error::NotFound)?;
    if !user.active {
        // Deactivation revoked the user's tokens; this closes the race with a rotation in flight.
        return Err(Error::Unauthorized("this account was deactivated".into()));
    }
    Ok(Json(session::with_refresh(&state.jwt, user, next)?))
}

/// Log out: revokes the refresh token's whole family. Always 204 (unknown tokens included).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "logged out")))]
async fn logout(State(state): State<AppState>, Body(body): Body<RefreshRequest>) -> Result<StatusCode, Error> {
    refresh::revoke(&state.pg, &body.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, description = "no valid access token")))]
async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<User>, Error> {
    Ok(Json(users::load(&state.pg, user.id, user.org).await?.ok_or(Error::NotFound)?))
}

/// Change your own name.
#[utoipa::path(patch, path = "/me", tag = "auth", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 200, body = User), (status = 422, description = "invalid field")))]
async fn update_me(State(state): State<AppState>, user: AuthUser, Body(body): Body<ProfileUpdate>) -> Result<Json<User>, Error> {
    let display_name = super::validate::name("display_name", &body.display_name, 100)?;
    Ok(Json(crate::team::users::update_profile(&state.pg, user.org, user.id, Some(&display_name), None).await?))
}

/// Change your own password (the current one is required). Every other session is signed out;
/// the answer is a new session for this one.
#[utoipa::path(post, path = "/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, body = Session), (status = 403, description = "wrong current password"),
        (status = 422, description = "invalid field")))]
async fn change_password(State(state): State<AppState>, user: AuthUser, Body(body): Body<PasswordChange>) -> Result<Json<Session>, Error> {
    super::validate::password("new_password", &body.new_password)?;
    let stored = crate::team::users::password_hash(&state.pg, user.id).await?.ok_or(Error::NotFound)?;
    let PasswordChange { current_password, new_password } = body;
    let hash = tokio::task::spawn_blocking(move || password::verify(&current_password, &stored).then(|| password::hash(&new_password)))
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| Error::Forbidden("the current password is not right".into()))??;
    let updated = crate::team::users::update_profile(&state.pg, user.org, user.id, None, Some(&hash)).await?;
    Ok(Json(session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, updated).await?))
}
