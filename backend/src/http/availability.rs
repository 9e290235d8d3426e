//! `/api/availability` (the caller's bookable hours) and `/api/meeting-types` (what the
//! caller's booking page offers, each run by the seller or by one of the organization's AI
//! agents).

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::scheduling;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{Availability, MeetingType, MeetingTypeInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_availability, put_availability))
        .routes(routes!(list_types, create_type))
        .routes(routes!(update_type, delete_type))
}

/// The caller's availability; before the first `PUT`, an empty schedule in UTC.
#[utoipa::path(get, path = "/availability", tag = "availability", security(("bearer" = [])),
    responses((status = 200, body = Availability)))]
async fn get_availability(State(state): State<AppState>, user: AuthUser) -> Result<Json<Availability>, Error> {
    let stored = scheduling::store::load(&state.pg, user.id).await?;
    Ok(Json(stored.unwrap_or(Availability {
        time_zone: "UTC".into(),
        weekly: vec![],
        exceptions: vec![],
        buffer_minutes: 0,
        min_notice_minutes: 60,
        horizon_days: 60,
        intro: String::new(),
    })))
}

/// Replace the caller's availability.
#[utoipa::path(put, path = "/availability", tag = "availability", security(("bearer" = [])), request_body = Availability,
    responses((status = 200, body = Availability), (status = 422, description = "invalid field")))]
async fn put_availability(State(state): State<AppState>, user: AuthUser, Body(body): Body<Availability>) -> Result<Json<Availability>, Error> {
    scheduling::validate(&body)?;
    scheduling::store::save(&state.pg, user.org, user.id, &body).await?;
    Ok(Json(body))
}

type TypeRow = (Uuid, String, String, i32, Uuid, bool, String, Option<Uuid>);
const TYPE_COLUMNS: &str = "id, slug, title, duration_minutes, playbook_id, active, description, ai_agent_id";

fn meeting_type((id, slug, title, duration, playbook_id, active, description, ai_agent_id): TypeRow) -> MeetingType {
    MeetingType { id, slug, title, duration_minutes: duration.max(0) as u32, playbook_id, active, description, ai_agent_id }
}

async fn check_type(state: &AppState, user: &AuthUser, body: &MeetingTypeInput) -> Result<(String, String), Error> {
    let slug = validate::slug("slug", &body.slug)?;
    let title = validate::name("title", &body.title, 100)?;
    if body.description.chars().count() > 500 {
        return Err(Error::invalid("description", "at most 500 characters"));
    }
    if !(5..=480).contains(&body.duration_minutes) {
        return Err(Error::invalid("duration_minutes", "must be 5–480"));
    }
    let owned: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM playbooks WHERE id = $1 AND organization_id = $2)")
        .bind(body.playbook_id)
        .bind(user.org)
        .fetch_one(&state.pg)
        .await?;
    if !owned {
        return Err(Error::invalid("playbook_id", "no such playbook in your organization"));
    }
    if let Some(agent) = body.ai_agent_id
        && crate::ai_agents::get(&state.pg, user.org, agent).await?.is_none()
    {
        return Err(Error::invalid("ai_agent_id", "no such AI agent in your organization"));
    }
    Ok((slug, title))
}

/// The caller's meeting types.
#[utoipa::path(get, path = "/meeting-types", tag = "availability", security(("bearer" = [])),
    responses((status = 200, body = Vec<MeetingType>)))]
async fn list_types(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<MeetingType>>, Error> {
    let rows: Vec<TypeRow> = sqlx::query_as(&format!(
        "SELECT {TYPE_COLUMNS} FROM meeting_types WHERE seller_id = $1 AND organization_id = $2 ORDER BY title"
    ))
    .bind(user.id)
    .bind(user.org)
    .fetch_all(&state.pg)
    .await?;
    Ok(Json(rows.into_iter().map(meeting_type).collect()))
}

/// Offer a new meeting type on the caller's booking page.
#[utoipa::path(post, path = "/meeting-types", tag = "availability", security(("bearer" = [])), request_body = MeetingTypeInput,
    responses((status = 201, body = MeetingType), (status = 409, description = "slug taken"), (status = 422, description = "invalid field")))]
async fn create_type(State(state): State<AppState>, user: AuthUser, Body(body): Body<MeetingTypeInput>) -> Result<(StatusCode, Json<MeetingType>), Error> {
    let (slug, title) = check_type(&state, &user, &body).await?;
    let row: TypeRow = sqlx::query_as(&format!(
        "INSERT INTO meeting_types (organization_id, seller_id, slug, title, duration_minutes, playbook_id, active, description, ai_agent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {TYPE_COLUMNS}"
    ))
    .bind(user.org)
    .bind(user.id)
    .bind(&slug)
    .bind(&title)
    .bind(body.duration_minutes as i32)
    .bind(body.playbook_id)
    .bind(body.active)
    .bind(body.description.trim())
    .bind(body.ai_agent_id)
    .fetch_one(&state.pg)
    .await
    .map_err(|e| Error::unique_conflict(e, "you already have a meeting type with this slug"))?;
    Ok((StatusCode::CREATED, Json(meeting_type(row))))
}

/// Change one of the caller's meeting types.
#[utoipa::path(put, path = "/meeting-types/{id}", tag = "availability", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MeetingTypeInput, responses((status = 200, body = MeetingType), (status = 404, description = "not yours")))]
async fn update_type(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>, Body(body): Body<MeetingTypeInput>) -> Result<Json<MeetingType>, Error> {
    let (slug, title) = check_type(&state, &user, &body).await?;
    let row: Option<TypeRow> = sqlx::query_as(&format!(
        "UPDATE meeting_types SET slug = $3, title = $4, duration_minutes = $5, playbook_id = $6, active = $7, description = $8,
             ai_agent_id = $9
         WHERE id = $1 AND seller_id = $2 RETURNING {TYPE_COLUMNS}"
    ))
    .bind(id)
    .bind(user.id)
    .bind(&slug)
    .bind(&title)
    .bind(body.duration_minutes as i32)
    .bind(body.playbook_id)
    .bind(body.active)
    .bind(body.description.trim())
    .bind(body.ai_agent_id)
    .fetch_optional(&state.pg)
    .await
    .map_err(|e| Error::unique_conflict(e, "you already have a meeting type with this slug"))?;
    Ok(Json(meeting_type(row.ok_or(Error::NotFound)?)))
}

/// Remove one of the caller's meeting types (deactivated instead when bookings refer to it).
#[utoipa::path(delete, path = "/meeting-types/{id}", tag = "availability", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "removed or deactivated"), (status = 404, description = "not yours")))]
async fn delete_type(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    let deleted = sqlx::query("DELETE FROM meeting_types WHERE id = $1 AND seller_id = $2").bind(id).bind(user.id).execute(&state.pg).await;
    let affected = match deleted {
        Ok(done) => done.rows_affected(),
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            sqlx::query("UPDATE meeting_types SET active = false WHERE id = $1 AND seller_id = $2")
                .bind(id)
                .bind(user.id)
                .execute(&state.pg)
                .await?
                .rows_affected()
        }
        Err(e) => return Err(e.into()),
    };
    if affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
