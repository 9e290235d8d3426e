//! `/api/users`: the people of the caller's organization.

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::auth::{AuthUser, password};
use crate::state::AppState;
use crate::team::users;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{NewUser, Role, User, UserUpdate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

/// Users of the caller's organization (managers and admins).
#[utoipa::path(get, path = "/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, description = "sellers cannot list users")))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<User>>, Error> {
    user.require_manager()?;
    Ok(Json(users::list(&state.pg, user.org).await?))
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
    let account = users::NewAccount { email: &email, display_name: &display_name, role: body.role, password_hash: &hash, slug: &slug };
    let created = users::insert(&state.pg, user.org, &account)
        .await
        .map_err(|e| Error::unique_conflict(e, "this e-mail or booking slug is already registered"))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One user of the caller's organization (sellers may read only themselves).
#[utoipa::path(get, path = "/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = User), (status = 404, description = "not in your organization")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<User>, Error> {
    if user.role == Role::Seller && id != user.id {
        return Err(Error::NotFound);
    }
    Ok(Json(users::load(&state.pg, id, user.org).await?.ok_or(Error::NotFound)?))
}

/// Deactivate or reactivate a user, or change their role (admins). Deactivating signs the user
/// out everywhere; the organization always keeps an active admin.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", security(("bearer" = [])), request_body = UserUpdate,
    params(("id" = Uuid, Path)), responses((status = 200, body = User), (status = 403, description = "admins only"),
        (status = 404, description = "not in your organization"),
        (status = 422, description = "would leave no active admin, or an admin switching themselves off")))]
async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<UserUpdate>,
) -> Result<Json<User>, Error> {
    user.require_admin()?;
    Ok(Json(users::update(&state.pg, user.org, user.id, id, body.active, body.role).await?))
}
