//! `/api/organizations`: sign-up of a new tenant with its first admin; the caller's organization.

use super::extract::{Body, ClientIp};
use super::{Error, validate};
use crate::auth::{AuthUser, password};
use crate::state::AppState;
use crate::team::organizations;
use crate::team::users::NewAccount;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{Organization, Role, Session, SignUp};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_up)).routes(routes!(current))
}

/// Create an organization and its admin (whose booking slug is the organization slug); logs
/// the admin in. Rate-limited like login.
#[utoipa::path(post, path = "/organizations", tag = "organizations", request_body = SignUp,
    responses((status = 201, body = Session), (status = 409, description = "slug or e-mail taken"),
        (status = 422, description = "invalid field")))]
async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<SignUp>,
) -> Result<(StatusCode, Json<Session>), Error> {
    if !state.login_limit.check(ip).await {
        return Err(Error::TooManyRequests);
    }
    let org_name = validate::name("organization_name", &body.organization_name, 200)?;
    let slug = validate::slug("organization_slug", &body.organization_slug)?;
    let email = validate::email("email", &body.email)?;
    let display_name = validate::name("display_name", &body.display_name, 100)?;
    validate::password("password", &body.password)?;
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(anyhow::Error::from)??;

    let admin = NewAccount { email: &email, display_name: &display_name, role: Role::Admin, password_hash: &hash, slug: &slug };
    let user = organizations::sign_up(&state.pg, &org_name, &slug, &admin).await?;
    Ok((StatusCode::CREATED, Json(crate::auth::session::start(&state.pg, &state.jwt, state.config.refresh_token_ttl_days, user).await?)))
}

/// The caller's organization.
#[utoipa::path(get, path = "/organization", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = Organization)))]
async fn current(State(state): State<AppState>, user: AuthUser) -> Result<Json<Organization>, Error> {
    Ok(Json(organizations::get(&state.pg, user.org).await?.ok_or(Error::NotFound)?))
}
