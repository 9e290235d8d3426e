//! `/api/auth/password-reset`: "forgot your password?" without being signed in.

use super::extract::{Body, ClientIp};
use super::{Error, validate};
use crate::auth::password;
use crate::state::AppState;
use crate::team::password_resets;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{PasswordResetConfirm, PasswordResetRequest, Session};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(request)).routes(routes!(confirm))
}

/// E-mail a one-time link (valid 60 minutes) to set a new password. Always 202, whether or not
/// the address has an account, so the answer does not reveal who uses Closer. Rate-limited
/// like login.
#[utoipa::path(post, path = "/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, description = "if the address has an active account, a link is on its way"),
        (status = 422, description = "invalid field"), (status = 429, description = "too many attempts from this address")))]
async fn request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<PasswordResetRequest>,
) -> Result<StatusCode, Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    let email = validate::email("email", &body.email)?;
    let language = validate::email_language("language", body.language.as_deref())?;
    if let Some(issued) = password_resets::issue(&state.pg, &email).await? {
        let link = format!("{}/reset-password#token={}", state.config.public_base_url.trim_end_matches('/'), issued.token);
        let (subject, text) = password_resets::email(language, &issued.display_name, &link);
        if let Err(e) = state.mailer.send_text(&issued.email, &subject, &text).await {
            // No address in the log (PII).
            tracing::warn!(error = %e, "password reset e-mail not sent");
        }
    }
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the e-mailed link (once). Every other session of the user is signed
/// out; this one is signed in. Rate-limited like login.
#[utoipa::path(post, path = "/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 200, body = Session), (status = 404, description = "unknown link"),
        (status = 410, description = "used or expired link"), (status = 422, description = "invalid field")))]
async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<PasswordResetConfirm>,
) -> Result<Json<Session>, Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    validate::password("password", &body.password)?;
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(anyhow::Error::from)??;
    let user = password_resets::consume(&state.pg, &body.token, &hash).await?;
    Ok(Json(crate::auth::session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, user).await?))
}
