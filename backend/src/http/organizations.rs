//! `/api/organizations`: sign-up of a new tenant with its first admin; the caller's organization.

use super::extract::{Body, ClientIp};
use super::{Error, validate};
use crate::auth::{AuthUser, password};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{Organization, Role, Session, SignUp, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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

    let mut tx = state.pg.begin().await?;
    let org: Uuid = sqlx::query_scalar("INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id")
        .bind(&org_name)
        .bind(&slug)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| Error::unique_conflict(e, "this organization slug is taken"))?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (organization_id, email, display_name, role, password_hash, slug)
         VALUES ($1, $2, $3, 'admin', $4, $5) RETURNING id",
    )
    .bind(org)
    .bind(&email)
    .bind(&display_name)
    .bind(&hash)
    .bind(&slug)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| Error::unique_conflict(e, "this e-mail or booking slug is already registered"))?;
    tx.commit().await?;
    let user = User { id, organization_id: org, email, display_name, role: Role::Admin, slug, active: true };
    Ok((StatusCode::CREATED, Json(crate::auth::session::start(&state, user).await?)))
}

/// The caller's organization.
#[utoipa::path(get, path = "/organization", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = Organization)))]
async fn current(State(state): State<AppState>, user: AuthUser) -> Result<Json<Organization>, Error> {
    let (id, name, slug): (Uuid, String, String) =
        sqlx::query_as("SELECT id, name, slug FROM organizations WHERE id = $1")
            .bind(user.org)
            .fetch_optional(&state.pg)
            .await?
            .ok_or(Error::NotFound)?;
    Ok(Json(Organization { id, name, slug }))
}
