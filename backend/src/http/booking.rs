//! Public booking: `/api/book/{seller_slug}` (page data, free slots, book) and
//! `/api/bookings/{manage_token}` (the prospect's cancel/reschedule links). No login: the
//! seller slug is public, the manage token is a 256-bit secret e-mailed to the prospect. The
//! rules and SQL are `crate::booking`'s.

use super::extract::{Body, PathParams, QueryParams};
use super::{Error, validate};
use crate::booking::{self, NewBooking, manage};
use crate::scheduling;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use chrono_tz::Tz;
use closer_wire::{Booking, BookingPage, BookingRequest, RescheduleRequest, Slot};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page, book))
        .routes(routes!(slots))
        .routes(routes!(get_booking))
        .routes(routes!(cancel))
        .routes(routes!(reschedule))
        .routes(routes!(reschedule_slots))
}

/// Public data of `/book/{seller_slug}`.
#[utoipa::path(get, path = "/book/{seller_slug}", tag = "booking", params(("seller_slug" = String, Path)),
    responses((status = 200, body = BookingPage), (status = 404, description = "no such booking page")))]
async fn page(State(state): State<AppState>, PathParams(slug): PathParams<String>) -> Result<Json<BookingPage>, Error> {
    Ok(Json(booking::page(&state.pg, &slug).await?))
}

/// Which meeting type the public slot API lists.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MeetingTypeParam {
    /// Meeting type slug.
    meeting_type: String,
}

/// The days and zone of a slot query (the public booking page's and the manage link's).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotWindow {
    /// First day (prospect's calendar), `YYYY-MM-DD`.
    #[param(value_type = String)]
    from: NaiveDate,
    /// Last day, inclusive; at most 62 days after `from`.
    #[param(value_type = String)]
    to: NaiveDate,
    /// The prospect's IANA time zone.
    time_zone: String,
}

impl SlotWindow {
    /// The prospect's zone and the days asked for.
    ///
    /// Errors: 422 for an unknown zone, or `to` before `from` or more than 62 days after it.
    fn checked(&self) -> Result<(Tz, (NaiveDate, NaiveDate)), Error> {
        let prospect_tz = scheduling::parse_time_zone("time_zone", &self.time_zone)?;
        if self.to < self.from || (self.to - self.from).num_days() > 62 {
            return Err(Error::invalid("to", "must be on or after from, and at most 62 days after it"));
        }
        Ok((prospect_tz, (self.from, self.to)))
    }
}

/// Free slots between two dates, in the prospect's time zone.
#[utoipa::path(get, path = "/book/{seller_slug}/slots", tag = "booking", params(("seller_slug" = String, Path), MeetingTypeParam, SlotWindow),
    responses((status = 200, body = Vec<Slot>), (status = 422, description = "invalid parameter")))]
async fn slots(
    State(state): State<AppState>,
    PathParams(slug): PathParams<String>,
    QueryParams(kind): QueryParams<MeetingTypeParam>,
    QueryParams(window): QueryParams<SlotWindow>,
) -> Result<Json<Vec<Slot>>, Error> {
    let (prospect_tz, days) = window.checked()?;
    Ok(Json(booking::page_slots(&state.pg, &slug, &kind.meeting_type, prospect_tz, days).await?))
}

/// The times a booking may move to: free slots of its seller, of its length, between two dates
/// in the prospect's zone (its own time counts as free, so it is listed too).
#[utoipa::path(get, path = "/bookings/{manage_token}/slots", tag = "booking", params(("manage_token" = String, Path), SlotWindow),
    responses((status = 200, body = Vec<Slot>), (status = 404, description = "unknown link"), (status = 410, description = "cancelled"),
        (status = 422, description = "invalid parameter")))]
async fn reschedule_slots(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
    QueryParams(window): QueryParams<SlotWindow>,
) -> Result<Json<Vec<Slot>>, Error> {
    let (prospect_tz, days) = window.checked()?;
    Ok(Json(manage::slots(&state, &token, prospect_tz, days).await?))
}

/// Book a slot: creates the meeting (guest link `/meet/<uuid>`; run by the meeting type's AI
/// agent when it has one) and e-mails the prospect a confirmation with an `.ics` invitation. Of concurrent requests for one slot exactly one
/// succeeds (a database constraint); the others get 409.
#[utoipa::path(post, path = "/book/{seller_slug}", tag = "booking", params(("seller_slug" = String, Path)), request_body = BookingRequest,
    responses((status = 201, body = Booking), (status = 409, description = "slot taken"), (status = 422, description = "invalid field")))]
async fn book(
    State(state): State<AppState>,
    PathParams(slug): PathParams<String>,
    Body(body): Body<BookingRequest>,
) -> Result<(StatusCode, Json<Booking>), Error> {
    let request = NewBooking {
        meeting_type: body.meeting_type,
        start: body.start,
        name: validate::name("name", &body.name, 100)?,
        email: validate::email("email", &body.email)?,
        company: validate::name("company", &body.company, 200)?,
        prospect_tz: scheduling::parse_time_zone("time_zone", &body.time_zone)?,
        language: validate::email_language("language", body.language.as_deref())?.to_owned(),
    };
    Ok((StatusCode::CREATED, Json(booking::book(&state, &slug, request).await?)))
}

/// A booking, by the secret of its manage link.
#[utoipa::path(get, path = "/bookings/{manage_token}", tag = "booking", params(("manage_token" = String, Path)),
    responses((status = 200, body = Booking), (status = 404, description = "unknown link")))]
async fn get_booking(State(state): State<AppState>, PathParams(token): PathParams<String>) -> Result<Json<Booking>, Error> {
    Ok(Json(manage::get(&state, &token).await?))
}

/// Cancel a booking (frees the slot, cancels the meeting, e-mails a cancellation).
#[utoipa::path(post, path = "/bookings/{manage_token}/cancel", tag = "booking", params(("manage_token" = String, Path)),
    responses((status = 200, body = Booking), (status = 404, description = "unknown link"), (status = 410, description = "already cancelled or held")))]
async fn cancel(State(state): State<AppState>, PathParams(token): PathParams<String>) -> Result<Json<Booking>, Error> {
    Ok(Json(manage::cancel(&state, &token).await?))
}

/// Move a booking to another free slot (same meeting and link; e-mails an updated invitation).
#[utoipa::path(post, path = "/bookings/{manage_token}/reschedule", tag = "booking", params(("manage_token" = String, Path)),
    request_body = RescheduleRequest,
    responses((status = 200, body = Booking), (status = 409, description = "slot taken"), (status = 410, description = "cancelled or held")))]
async fn reschedule(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
    Body(body): Body<RescheduleRequest>,
) -> Result<Json<Booking>, Error> {
    Ok(Json(manage::reschedule(&state, &token, body.start).await?))
}
