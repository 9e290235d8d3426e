//! `/api/meetings`: create (ad hoc), list (today / upcoming / past), get, update, cancel,
//! participants, and LiveKit access for the host and shadow managers.

use super::extract::{Body, PathParams, QueryParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::meetings::{Window, admit, refuse_join, visible};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use closer_wire::{
    AiConsent, Meeting, MeetingStatus, MeetingUpdate, NewMeeting, Participant, ParticipantRole, RoomAccess,
};
use serde::Deserialize;
use sqlx::PgPool;
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

async fn check_playbook(pg: &PgPool, org: Uuid, playbook: Uuid) -> Result<(), Error> {
    let owned: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM playbooks WHERE id = $1 AND organization_id = $2)")
        .bind(playbook)
        .bind(org)
        .fetch_one(pg)
        .await?;
    if owned { Ok(()) } else { Err(Error::invalid("playbook_id", "no such playbook in your organization")) }
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
    check_playbook(&state.pg, user.org, body.playbook_id).await?;
    let starts_at = body.starts_at.unwrap_or_else(Utc::now);
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (organization_id, host_id, playbook_id, title, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.org)
    .bind(user.id)
    .bind(body.playbook_id)
    .bind(&title)
    .bind(starts_at)
    .bind(starts_at + length)
    .fetch_one(&state.pg)
    .await?;
    Ok((StatusCode::CREATED, Json(visible(&state, &user, id).await?)))
}

/// Which meetings to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `today` (the caller's calendar day), `upcoming` (not yet ended, from now on) or `past`.
    /// Default `upcoming`.
    #[serde(default)]
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
        _ => return Err(Error::invalid("when", "expected today, upcoming or past")),
    };
    Ok(Json(crate::meetings::list(&state, &user, window).await?))
}

/// One meeting.
#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, description = "not visible to you")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Meeting>, Error> {
    Ok(Json(visible(&state, &user, id).await?))
}

/// Change title, playbook or time of a scheduled meeting (its host, or a manager).
#[utoipa::path(patch, path = "/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MeetingUpdate, responses((status = 200, body = Meeting), (status = 409, description = "no longer scheduled")))]
async fn update(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>, Body(body): Body<MeetingUpdate>) -> Result<Json<Meeting>, Error> {
    let current = visible(&state, &user, id).await?;
    if current.status != MeetingStatus::Scheduled {
        return Err(Error::Conflict("only scheduled meetings can be changed".into()));
    }
    let title = body.title.as_deref().map(|t| validate::name("title", t, 200)).transpose()?.unwrap_or(current.title);
    let playbook = body.playbook_id.unwrap_or(current.playbook_id);
    check_playbook(&state.pg, user.org, playbook).await?;
    let starts_at = body.starts_at.unwrap_or(current.starts_at);
    let current_minutes = (current.ends_at - current.starts_at).num_minutes().clamp(5, 480) as u32;
    let ends_at = starts_at + duration(body.duration_minutes, current_minutes)?;
    sqlx::query(
        "UPDATE meetings SET title = $3, playbook_id = $4, starts_at = $5, ends_at = $6
         WHERE id = $1 AND organization_id = $2 AND status = 'scheduled'",
    )
    .bind(id)
    .bind(user.org)
    .bind(&title)
    .bind(playbook)
    .bind(starts_at)
    .bind(ends_at)
    .execute(&state.pg)
    .await?;
    Ok(Json(visible(&state, &user, id).await?))
}

/// Cancel a scheduled meeting (and its booking, freeing the slot).
#[utoipa::path(post, path = "/meetings/{id}/cancel", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 409, description = "no longer scheduled")))]
async fn cancel(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Meeting>, Error> {
    visible(&state, &user, id).await?;
    let mut tx = state.pg.begin().await?;
    // `visible` checked the meeting is of the user's organization.
    if !crate::meetings::transition(&mut *tx, id, crate::meetings::Transition::Cancel).await? {
        return Err(Error::Conflict("only scheduled meetings can be cancelled".into()));
    }
    sqlx::query("UPDATE bookings SET status = 'cancelled', sequence = sequence + 1 WHERE meeting_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(visible(&state, &user, id).await?))
}

/// Everyone admitted to the meeting, with guests' AI-consent choices.
#[utoipa::path(get, path = "/meetings/{id}/participants", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Participant>)))]
async fn participants(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Vec<Participant>>, Error> {
    visible(&state, &user, id).await?;
    let rows: Vec<PRow> = sqlx::query_as(
        "SELECT identity, display_name, role, ai_consent, consent_at, joined_at, left_at FROM participants
         WHERE meeting_id = $1 ORDER BY created_at, identity",
    )
    .bind(id)
    .fetch_all(&state.pg)
    .await?;
    Ok(Json(rows.into_iter().map(participant).collect::<Result<_, sqlx::Error>>()?))
}

/// A `participants` row: identity, display name, role, consent, consent time, joined, left.
type PRow = (String, String, String, Option<String>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The participant of a row. A role this build does not know is a defect in the row, not a
/// guest: an error (`sqlx::Error::Decode`), as for a meeting's status.
fn participant((identity, display_name, role, consent, consent_at, joined_at, left_at): PRow) -> Result<Participant, sqlx::Error> {
    let role = ParticipantRole::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown participant role {role:?} in a row").into()))?;
    Ok(Participant { identity, display_name, role, ai_consent: consent.as_deref().and_then(AiConsent::parse), consent_at, joined_at, left_at })
}


/// LiveKit access for the caller: the host gets a host grant; a manager or admin of the
/// organization who is not the host gets a hidden, subscribe-only shadow grant.
#[utoipa::path(post, path = "/meetings/{id}/token", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = RoomAccess), (status = 404, description = "not visible to you"), (status = 410, description = "ended or cancelled")))]
async fn room_token(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<RoomAccess>, Error> {
    let meeting = visible(&state, &user, id).await?;
    refuse_join(meeting.status)?;
    let role = if meeting.host_id == user.id { ParticipantRole::Host } else { ParticipantRole::Shadow };
    let name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1").bind(user.id).fetch_one(&state.pg).await?;
    let identity = crate::grants::Identity::User { role, user: user.id }.to_string();
    Ok(Json(admit(&state, id, role, &identity, &name, Some(user.id), None).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_participant_role_in_a_row_is_an_error_not_a_guest() {
        let row = |role: &str| ("guest-1".to_owned(), "Anna".to_owned(), role.to_owned(), Some("accepted".to_owned()), None, None, None);
        assert_eq!(participant(row("shadow")).unwrap().role, ParticipantRole::Shadow);
        assert_eq!(participant(row("guest")).unwrap().ai_consent, Some(AiConsent::Accepted));
        assert!(matches!(participant(row("manager")), Err(sqlx::Error::Decode(_))));
    }
}
