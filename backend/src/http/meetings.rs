//! `/api/meetings`: create (ad hoc), list (today / upcoming / past), get, update, cancel,
//! participants, and LiveKit access for the host and shadow managers.

use super::extract::{Body, PathParams, QueryParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::meetings::{self, Change, Entrant, Window, refuse_join, visible};
use crate::room_access::admit;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use closer_wire::{Meeting, MeetingStatus, MeetingUpdate, NewMeeting, Participant, ParticipantRole, RoomAccess};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(cancel))
        .routes(routes!(participants))
        .routes(routes!(room_token))
}

fn duration(minutes: Option<u32>, default: u32) -> Result<Duration, Error> {
    let minutes = minutes.unwrap_or(default);
    if !(5..=480).contains(&minutes) {
        return Err(Error::invalid("duration_minutes", "must be 5–480"));
    }
    Ok(Duration::minutes(minutes.into()))
}

/// Create a meeting hosted by the caller (ad hoc: starts now unless `starts_at` is given).
#[utoipa::path(post, path = "/meetings", tag = "meetings", security(("bearer" = [])), request_body = NewMeeting,
    responses((status = 201, body = Meeting), (status = 422, description = "invalid field")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<NewMeeting>) -> Result<(StatusCode, Json<Meeting>), Error> {
    let title = validate::name("title", &body.title, 200)?;
    let length = duration(body.duration_minutes, 30)?;
    let starts_at = body.starts_at.unwrap_or_else(Utc::now);
    let id = meetings::create(&state.pg, &user, &Change { title, playbook: body.playbook_id, starts_at, ends_at: starts_at + length }).await?;
    Ok((StatusCode::CREATED, Json(visible(&state.pg, &state.config, &user, id).await?)))
}

/// Which meetings to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `today` (the caller's calendar day), `upcoming` (not yet ended, from now on), `past`, or
    /// `summoned` (the caller's own meetings whose guest asks for them now, #18). Default
    /// `upcoming`.
    #[serde(default)]
    #[param(pattern = "^(today|upcoming|past|summoned)$")]
    when: Option<String>,
    /// IANA zone defining "today"; default UTC.
    #[serde(default)]
    time_zone: Option<String>,
}

/// Meetings of the caller (sellers) or of the whole organization (managers, admins).
#[utoipa::path(get, path = "/meetings", tag = "meetings", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Vec<Meeting>), (status = 422, description = "invalid parameter")))]
async fn list(State(state): State<AppState>, user: AuthUser, QueryParams(query): QueryParams<ListParams>) -> Result<Json<Vec<Meeting>>, Error> {
    let tz = crate::scheduling::parse_time_zone("time_zone", query.time_zone.as_deref().unwrap_or("UTC"))?;
    let now = Utc::now();
    let window = match query.when.as_deref().unwrap_or("upcoming") {
        "today" => {
            let day = now.with_timezone(&tz).date_naive();
            let start = |d: chrono::NaiveDate| {
                use chrono::TimeZone;
                tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).earliest().map(|t| t.to_utc()).unwrap_or(now)
            };
            Window::Starting { from: start(day), to: start(day.succ_opt().unwrap_or(day)) }
        }
        "upcoming" => Window::Upcoming { now },
        "past" => Window::Past { now },
        "summoned" => Window::Summoned { now },
        _ => return Err(Error::invalid("when", "expected today, upcoming, past or summoned")),
    };
    Ok(Json(meetings::list(&state.pg, &state.config, &user, window).await?))
}

/// One meeting.
#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, description = "not visible to you")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Meeting>, Error> {
    Ok(Json(visible(&state.pg, &state.config, &user, id).await?))
}

/// Change title, playbook or time of a scheduled meeting (its host, or a manager).
#[utoipa::path(patch, path = "/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MeetingUpdate, responses((status = 200, body = Meeting), (status = 409, description = "no longer scheduled")))]
async fn update(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>, Body(body): Body<MeetingUpdate>) -> Result<Json<Meeting>, Error> {
    let current = visible(&state.pg, &state.config, &user, id).await?;
    if current.status != MeetingStatus::Scheduled {
        return Err(Error::Conflict("only scheduled meetings can be changed".into()));
    }
    let title = body.title.as_deref().map(|t| validate::name("title", t, 200)).transpose()?.unwrap_or(current.title);
    let playbook = body.playbook_id.unwrap_or(current.playbook_id);
    let starts_at = body.starts_at.unwrap_or(current.starts_at);
    let current_minutes = (current.ends_at - current.starts_at).num_minutes().clamp(5, 480) as u32;
    let ends_at = starts_at + duration(body.duration_minutes, current_minutes)?;
    if !meetings::update(&state.pg, &user, id, &Change { title, playbook, starts_at, ends_at }).await? {
        return Err(Error::Conflict("only scheduled meetings can be changed".into()));
    }
    Ok(Json(visible(&state.pg, &state.config, &user, id).await?))
}

/// Cancel a scheduled meeting (and its booking, freeing the slot).
#[utoipa::path(post, path = "/meetings/{id}/cancel", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 409, description = "no longer scheduled")))]
async fn cancel(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Meeting>, Error> {
    // `visible` checks the meeting is of the user's organization.
    visible(&state.pg, &state.config, &user, id).await?;
    if !meetings::cancel(&state.pg, id).await? {
        return Err(Error::Conflict("only scheduled meetings can be cancelled".into()));
    }
    Ok(Json(visible(&state.pg, &state.config, &user, id).await?))
}

/// Everyone admitted to the meeting, with guests' AI-consent choices.
#[utoipa::path(get, path = "/meetings/{id}/participants", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Participant>)))]
async fn participants(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Vec<Participant>>, Error> {
    visible(&state.pg, &state.config, &user, id).await?;
    Ok(Json(meetings::participants(&state.pg, id).await?))
}

/// LiveKit access for the caller: the host gets a host grant; a manager or admin of the
/// organization who is not the host gets a hidden, subscribe-only shadow grant.
#[utoipa::path(post, path = "/meetings/{id}/token", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = RoomAccess), (status = 404, description = "not visible to you"), (status = 410, description = "ended or cancelled")))]
async fn room_token(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<RoomAccess>, Error> {
    let meeting = visible(&state.pg, &state.config, &user, id).await?;
    refuse_join(meeting.status)?;
    let role = if meeting.host_id == user.id { ParticipantRole::Host } else { ParticipantRole::Shadow };
    let name = crate::team::users::display_name(&state.pg, user.org, user.id).await?.ok_or(Error::NotFound)?;
    let identity = crate::livekit::grants::Identity::User { role, user: user.id }.to_string();
    Ok(Json(admit(&state, Entrant { meeting: id, role, identity: &identity, name: &name, user: Some(user.id), consent: None }).await?))
}
