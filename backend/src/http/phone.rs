//! `/api/phone-numbers`: the organization's phone line (everyone reads it; admins add and
//! remove numbers), and `/api/phone-calls`: its call log (managers and admins).

use super::extract::{Body, PathParams};
use super::Error;
use crate::auth::AuthUser;
use crate::phone::{calls, numbers};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{NewPhoneNumber, PhoneCall, PhoneNumber, PhoneTarget};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(targets)).routes(routes!(delete)).routes(routes!(call_log))
}

/// Calls the log shows: the last 200.
const LOG_LENGTH: i64 = 200;

/// The organization's phone numbers.
#[utoipa::path(get, path = "/phone-numbers", tag = "phone", security(("bearer" = [])), responses((status = 200, body = Vec<PhoneNumber>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<PhoneNumber>>, Error> {
    Ok(Json(numbers::list(&state.pg, user.org).await?))
}

/// The meeting types a number can be answered as: the organization's active ones an AI agent runs.
#[utoipa::path(get, path = "/phone-numbers/targets", tag = "phone", security(("bearer" = [])), responses((status = 200, body = Vec<PhoneTarget>)))]
async fn targets(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<PhoneTarget>>, Error> {
    Ok(Json(numbers::targets(&state.pg, user.org).await?))
}

/// Add a number to the phone line (admins): its calls are answered by the meeting type's AI agent.
#[utoipa::path(post, path = "/phone-numbers", tag = "phone", security(("bearer" = [])), request_body = NewPhoneNumber,
    responses((status = 201, body = PhoneNumber), (status = 403, description = "not an admin"),
        (status = 409, description = "the number is already on a phone line"),
        (status = 422, description = "invalid number, or a meeting type that is not the organization's or that no AI agent runs")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<NewPhoneNumber>) -> Result<(StatusCode, Json<PhoneNumber>), Error> {
    user.require_admin()?;
    let number = numbers::e164("number", &body.number)?;
    Ok((StatusCode::CREATED, Json(numbers::create(&state.pg, user.org, &number, body.meeting_type_id).await?)))
}

/// Remove a number from the phone line (admins); its calls stay in the log.
#[utoipa::path(delete, path = "/phone-numbers/{id}", tag = "phone", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, description = "not an admin"), (status = 404, description = "not the organization's")))]
async fn delete(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    user.require_admin()?;
    if numbers::delete(&state.pg, user.org, id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(Error::NotFound) }
}

/// The phone line's last 200 calls, newest first (managers and admins).
#[utoipa::path(get, path = "/phone-calls", tag = "phone", security(("bearer" = [])),
    responses((status = 200, body = Vec<PhoneCall>), (status = 403, description = "not a manager")))]
async fn call_log(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<PhoneCall>>, Error> {
    user.require_manager()?;
    Ok(Json(calls::list(&state.pg, &state.mongo, user.org, LOG_LENGTH).await?))
}
