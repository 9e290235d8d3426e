//! `/api/availability` (the caller's bookable hours) and `/api/meeting-types` (what the
//! caller's booking page offers, each run by the seller or by one of the organization's AI
//! agents).

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::scheduling::{self, meeting_types};
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

/// The input's checked slug and title.
///
/// Errors: 422 for a bad slug or title, a description over 500 characters, or a duration
/// outside 5–480 minutes.
fn checked(body: &MeetingTypeInput) -> Result<(String, String), Error> {
    let slug = validate::slug("slug", &body.slug)?;
    let title = validate::name("title", &body.title, 100)?;
    if body.description.chars().count() > 500 {
        return Err(Error::invalid("description", "at most 500 characters"));
    }
    if !(5..=480).contains(&body.duration_minutes) {
        return Err(Error::invalid("duration_minutes", "must be 5–480"));
    }
    Ok((slug, title))
}

/// The caller's meeting types.
#[utoipa::path(get, path = "/meeting-types", tag = "availability", security(("bearer" = [])),
    responses((status = 200, body = Vec<MeetingType>)))]
async fn list_types(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<MeetingType>>, Error> {
    Ok(Json(meeting_types::list(&state.pg, &user).await?))
}

/// Offer a new meeting type on the caller's booking page.
#[utoipa::path(post, path = "/meeting-types", tag = "availability", security(("bearer" = [])), request_body = MeetingTypeInput,
    responses((status = 201, body = MeetingType), (status = 409, description = "slug taken"), (status = 422, description = "invalid field")))]
async fn create_type(State(state): State<AppState>, user: AuthUser, Body(body): Body<MeetingTypeInput>) -> Result<(StatusCode, Json<MeetingType>), Error> {
    let (slug, title) = checked(&body)?;
    Ok((StatusCode::CREATED, Json(meeting_types::create(&state.pg, &user, &slug, &title, &body).await?)))
}

/// Change one of the caller's meeting types.
#[utoipa::path(put, path = "/meeting-types/{id}", tag = "availability", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MeetingTypeInput, responses((status = 200, body = MeetingType), (status = 404, description = "not yours")))]
async fn update_type(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>, Body(body): Body<MeetingTypeInput>) -> Result<Json<MeetingType>, Error> {
    let (slug, title) = checked(&body)?;
    Ok(Json(meeting_types::update(&state.pg, &user, id, &slug, &title, &body).await?))
}

/// Remove one of the caller's meeting types (deactivated instead when bookings refer to it).
#[utoipa::path(delete, path = "/meeting-types/{id}", tag = "availability", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "removed or deactivated"), (status = 404, description = "not yours")))]
async fn delete_type(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    meeting_types::delete(&state.pg, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
