//! `/api/users`: the people of the caller's organization.

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::auth::{AuthUser, password};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{NewUser, Role, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one))
}

/// Users of the caller's organization (managers and admins).
#[utoipa::path(get, path = "/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, description = "sellers cannot list users")))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<User>>, Error> {
    user.require_manager()?;
    let rows: Vec<(Uuid, Uuid, String, String, String, String)> = sqlx::query_as(
        "SELECT id, organization_id, email, display_name, role, slug FROM users
         WHERE organization_id = $1 ORDER BY display_name, id",
    )
    .bind(user.org)
    .fetch_all(&state.pg)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, organization_id, email, display_name, role, slug)| User {
                id,
                organization_id,
                email,
                display_name,
                role: Role::parse(&role).unwrap_or(Role::Seller),
                slug,
            })
            .collect(),
    ))
}

/// Add a user to the caller's organization (admins).
#[utoipa::path(post, path = "/users", tag = "users", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = User), (status = 409, description = "e-mail or slug taken"), (status = 422, description = "invalid field")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<NewUser>) -> Result<(StatusCode, Json<User>), Error> {
    user.require_admin()?;
    let email = validate::email("email", &body.email)?;
    let display_name = validate::name("display_name", &body.display_name, 100)?;
    let slug = validate::slug("slug", &body.slug)?;
    validate::password("password", &body.password)?;
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(anyhow::Error::from)??;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (organization_id, email, display_name, role, password_hash, slug)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.org)
    .bind(&email)
    .bind(&display_name)
    .bind(body.role.as_str())
    .bind(&hash)
    .bind(&slug)
    .fetch_one(&state.pg)
    .await
    .map_err(|e| validate::unique_conflict(e, "this e-mail or booking slug is already registered"))?;
    Ok((StatusCode::CREATED, Json(User { id, organization_id: user.org, email, display_name, role: body.role, slug })))
}

/// One user of the caller's organization (sellers may read only themselves).
#[utoipa::path(get, path = "/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = User), (status = 404, description = "not in your organization")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<User>, Error> {
    if user.role == Role::Seller && id != user.id {
        return Err(Error::NotFound);
    }
    Ok(Json(super::auth::load_user(&state.pg, id, user.org).await?.ok_or(Error::NotFound)?))
}
