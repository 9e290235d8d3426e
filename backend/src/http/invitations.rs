//! `/api/invitations`: admins invite people by e-mail; the invitee looks the invitation up and
//! accepts it without being signed in.

use super::extract::{Body, ClientIp, PathParams, QueryParams};
use super::{Error, validate};
use crate::auth::{AuthUser, password};
use crate::state::AppState;
use crate::team::{invitations, users};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{AcceptInvitation, Invitation, InvitationPreview, InvitationSent, NewInvitation, Session};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
        .routes(routes!(lookup))
        .routes(routes!(accept))
}

/// The organization's invitations, newest first (admins).
#[utoipa::path(get, path = "/invitations", tag = "team", security(("bearer" = [])),
    responses((status = 200, body = Vec<Invitation>), (status = 403, description = "admins only")))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<Invitation>>, Error> {
    user.require_admin()?;
    Ok(Json(invitations::list(&state.pg, user.org).await?))
}

/// Invite someone by e-mail (admins). The e-mail carries a link valid for 7 days; the answer
/// carries it too, once, and says whether the SMTP server took the e-mail.
#[utoipa::path(post, path = "/invitations", tag = "team", security(("bearer" = [])), request_body = NewInvitation,
    responses((status = 201, body = InvitationSent), (status = 403, description = "admins only"),
        (status = 409, description = "the address already has an account"), (status = 422, description = "invalid field")))]
async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    Body(body): Body<NewInvitation>,
) -> Result<(StatusCode, Json<InvitationSent>), Error> {
    user.require_admin()?;
    let email = validate::email("email", &body.email)?;
    let language = validate::email_language("language", body.language.as_deref())?;
    let created = invitations::create(&state.pg, user.org, user.id, &email, body.role, language).await?;
    let inviter = users::load(&state.pg, user.id, user.org).await?.map(|u| u.display_name).unwrap_or_default();
    let link = format!("{}/invite#token={}", state.config.public_base_url.trim_end_matches('/'), created.token);
    let (subject, text) =
        invitations::email(language, &created.organization_name, &inviter, body.role, &link, created.invitation.expires_at);
    let emailed = match state.mailer.send_text(&email, &subject, &text).await {
        Ok(()) => true,
        Err(e) => {
            // No address in the log (PII): the invitation id finds it.
            tracing::warn!(invitation = %created.invitation.id, error = %e, "invitation e-mail not sent");
            false
        }
    };
    Ok((StatusCode::CREATED, Json(InvitationSent { invitation: created.invitation, link, emailed })))
}

/// Withdraw an invitation (admins): its link stops working.
#[utoipa::path(delete, path = "/invitations/{id}", tag = "team", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Invitation), (status = 404, description = "not in your organization")))]
async fn revoke(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Invitation>, Error> {
    user.require_admin()?;
    Ok(Json(invitations::revoke(&state.pg, user.org, id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct Lookup {
    /// The token from the invitation link.
    token: String,
}

/// What an invitation link is for and whether it can still be accepted (no login).
/// Rate-limited like login.
#[utoipa::path(get, path = "/invitations/lookup", tag = "team", params(Lookup),
    responses((status = 200, body = InvitationPreview), (status = 404, description = "unknown link")))]
async fn lookup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    QueryParams(query): QueryParams<Lookup>,
) -> Result<Json<InvitationPreview>, Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    Ok(Json(invitations::preview(&state.pg, &query.token).await?))
}

/// Accept an invitation (no login): creates the account with the invitation's e-mail and role
/// and signs it in. Works once. Rate-limited like login.
#[utoipa::path(post, path = "/invitations/accept", tag = "team", request_body = AcceptInvitation,
    responses((status = 201, body = Session), (status = 404, description = "unknown link"),
        (status = 409, description = "slug taken"), (status = 410, description = "accepted, withdrawn or expired"),
        (status = 422, description = "invalid field")))]
async fn accept(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<AcceptInvitation>,
) -> Result<(StatusCode, Json<Session>), Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    let display_name = validate::name("display_name", &body.display_name, 100)?;
    let slug = validate::slug("slug", &body.slug)?;
    validate::password("password", &body.password)?;
    // A dead link fails before a password hash is spent on it.
    invitations::check_pending(&state.pg, &body.token).await?;
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(anyhow::Error::from)??;
    let user = invitations::accept(&state.pg, &body.token, &display_name, &hash, &slug).await?;
    Ok((StatusCode::CREATED, Json(crate::auth::session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, user).await?)))
}
