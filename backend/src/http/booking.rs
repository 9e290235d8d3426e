//! Public booking: `/api/book/{seller_slug}` (page data, free slots, book) and
//! `/api/bookings/{manage_token}` (the prospect's cancel/reschedule links). No login: the
//! seller slug is public, the manage token is a 256-bit secret e-mailed to the prospect.

use super::extract::{Body, PathParams, QueryParams};
use super::{Error, validate};
use crate::auth::refresh;
use crate::ics::{self, Invite};
use crate::mail::Email;
use crate::meetings::{self, Transition};
use crate::scheduling::emails::{self, Change};
use crate::scheduling::{self, SlotQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use closer_wire::{
    Availability, Booking, BookingPage, BookingRequest, BookingStatus, PublicMeetingType, RescheduleRequest, Slot,
};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Message shown when a slot was taken in the meantime (by a concurrent booking, say).
const SLOT_TAKEN: &str = "This time is no longer available; please pick another slot.";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page, book))
        .routes(routes!(slots))
        .routes(routes!(get_booking))
        .routes(routes!(cancel))
        .routes(routes!(reschedule))
        .routes(routes!(reschedule_slots))
}

pub(super) struct Seller {
    pub(super) id: Uuid,
    name: String,
    email: String,
    organization_name: String,
}

pub(super) async fn seller(pg: &PgPool, slug: &str) -> Result<Seller, Error> {
    let row: Option<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, o.name FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.slug = $1",
    )
    .bind(slug)
    .fetch_optional(pg)
    .await?;
    let (id, name, email, organization_name) =
        row.ok_or_else(|| Error::NotFoundMessage("There is no booking page at this address.".into()))?;
    Ok(Seller { id, name, email, organization_name })
}

pub(super) struct Kind {
    id: Uuid,
    title: String,
    duration: Duration,
    playbook: Uuid,
    /// The language of the meeting type's playbook: the seller's notices are written in it.
    language: String,
    /// The AI agent that runs its meetings, if any.
    pub(super) ai_agent: Option<Uuid>,
}

pub(super) async fn meeting_type(pg: &PgPool, seller: Uuid, slug: &str) -> Result<Kind, Error> {
    let row: Option<(Uuid, String, i32, Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT t.id, t.title, t.duration_minutes, t.playbook_id, p.language, t.ai_agent_id
         FROM meeting_types t JOIN playbooks p ON p.id = t.playbook_id
         WHERE t.seller_id = $1 AND t.slug = $2 AND t.active",
    )
    .bind(seller)
    .bind(slug)
    .fetch_optional(pg)
    .await?;
    let (id, title, minutes, playbook, language, ai_agent) = row.ok_or_else(|| Error::invalid("meeting_type", "no such meeting type on this page"))?;
    Ok(Kind { id, title, duration: Duration::minutes(minutes.into()), playbook, language, ai_agent })
}

/// Free slots of `seller` between two dates of the prospect's zone (inclusive).
async fn free_slots(
    pg: &PgPool,
    seller: Uuid,
    availability: &Availability,
    duration: Duration,
    prospect_tz: Tz,
    (from, to): (NaiveDate, NaiveDate),
    except: Option<Uuid>,
) -> Result<Vec<Slot>, Error> {
    let seller_tz = scheduling::parse_time_zone("time_zone", &availability.time_zone)?;
    // Busy time from a day before to two days after the window covers every zone offset.
    let margin_from = from.pred_opt().unwrap_or(from).and_time(chrono::NaiveTime::MIN).and_utc();
    let margin_to = to.checked_add_days(chrono::Days::new(2)).unwrap_or(to).and_time(chrono::NaiveTime::MIN).and_utc();
    let busy = scheduling::store::busy(pg, seller, margin_from, margin_to, except).await?;
    Ok(scheduling::free_slots(
        availability,
        &SlotQuery { seller_tz, prospect_tz, from, to, duration, busy: &busy, now: Utc::now() },
    ))
}

/// Public data of `/book/{seller_slug}`.
#[utoipa::path(get, path = "/book/{seller_slug}", tag = "booking", params(("seller_slug" = String, Path)),
    responses((status = 200, body = BookingPage), (status = 404, description = "no such booking page")))]
async fn page(State(state): State<AppState>, PathParams(slug): PathParams<String>) -> Result<Json<BookingPage>, Error> {
    let seller = seller(&state.pg, &slug).await?;
    let rows: Vec<(String, String, i32, String, Option<String>)> = sqlx::query_as(
        "SELECT t.slug, t.title, t.duration_minutes, t.description, a.name
         FROM meeting_types t LEFT JOIN ai_agents a ON a.id = t.ai_agent_id
         WHERE t.seller_id = $1 AND t.active ORDER BY t.title",
    )
    .bind(seller.id)
    .fetch_all(&state.pg)
    .await?;
    let availability = scheduling::store::load(&state.pg, seller.id).await?;
    let (time_zone, seller_intro) = availability.map(|a| (a.time_zone, a.intro)).unwrap_or_else(|| ("UTC".into(), String::new()));
    let seller_photo_url = super::photos::photo_url(&state.pg, seller.id, &slug).await?;
    Ok(Json(BookingPage {
        seller_name: seller.name,
        seller_intro,
        seller_photo_url,
        organization_name: seller.organization_name,
        time_zone,
        meeting_types: rows
            .into_iter()
            .map(|(slug, title, minutes, description, ai_agent_name)| PublicMeetingType {
                slug,
                title,
                duration_minutes: minutes.max(0) as u32,
                description,
                ai_agent_name,
            })
            .collect(),
    }))
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
    let seller = seller(&state.pg, &slug).await?;
    let kind = meeting_type(&state.pg, seller.id, &kind.meeting_type).await?;
    let Some(availability) = scheduling::store::load(&state.pg, seller.id).await? else {
        return Ok(Json(vec![]));
    };
    Ok(Json(
        free_slots(&state.pg, seller.id, &availability, kind.duration, prospect_tz, days, None).await?,
    ))
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
    let managed = managed(&state, &token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is cancelled.".into()));
    }
    let Some(availability) = scheduling::store::load(&state.pg, managed.seller_id).await? else {
        return Ok(Json(vec![]));
    };
    let except = Some(managed.booking.meeting_id);
    Ok(Json(free_slots(&state.pg, managed.seller_id, &availability, managed.duration, prospect_tz, days, except).await?))
}

/// `true` when `start` is one of the free slots of its day.
async fn is_free(
    pg: &PgPool,
    seller: Uuid,
    availability: &Availability,
    duration: Duration,
    start: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<bool, Error> {
    let day = start.date_naive();
    let slots = free_slots(pg, seller, availability, duration, chrono_tz::UTC, (day, day), except).await?;
    Ok(slots.iter().any(|s| s.start == start))
}

/// Whether a database error is the bookings' no-overlap exclusion constraint.
fn is_overlap(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("23P01"))
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
    let name = validate::name("name", &body.name, 100)?;
    let email = validate::email("email", &body.email)?;
    let company = validate::name("company", &body.company, 200)?;
    let prospect_tz = scheduling::parse_time_zone("time_zone", &body.time_zone)?;
    let language = validate::email_language("language", body.language.as_deref())?.to_owned();
    let seller = seller(&state.pg, &slug).await?;
    let kind = meeting_type(&state.pg, seller.id, &body.meeting_type).await?;
    let availability = scheduling::store::load(&state.pg, seller.id)
        .await?
        .ok_or_else(|| Error::Conflict("this seller has no bookable hours yet".into()))?;
    let (start, end) = (body.start, body.start + kind.duration);
    if !is_free(&state.pg, seller.id, &availability, kind.duration, start, None).await? {
        return Err(Error::Conflict(SLOT_TAKEN.into()));
    }
    let buffer = Duration::minutes(availability.buffer_minutes.into());
    let token = refresh::generate();

    let mut tx = state.pg.begin().await?;
    let (org,): (Uuid,) = sqlx::query_as("SELECT organization_id FROM users WHERE id = $1").bind(seller.id).fetch_one(&mut *tx).await?;
    let meeting = insert_meeting(&mut *tx, org, seller.id, &kind, &company, start).await?;
    let inserted = sqlx::query_scalar::<_, Uuid>(
        "INSERT INTO bookings (organization_id, seller_id, meeting_type_id, meeting_id, slot, guest_name, guest_email,
             guest_company, guest_time_zone, manage_token_hash, language)
         VALUES ($1, $2, $3, $4, tstzrange($5, $6, '[)'), $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(org)
    .bind(seller.id)
    .bind(kind.id)
    .bind(meeting)
    .bind(start)
    .bind(end + buffer)
    .bind(&name)
    .bind(&email)
    .bind(&company)
    .bind(prospect_tz.name())
    .bind(refresh::digest(&token))
    .bind(&language)
    .fetch_one(&mut *tx)
    .await;
    let booking_id = match inserted {
        Ok(id) => id,
        Err(e) if is_overlap(&e) => return Err(Error::Conflict(SLOT_TAKEN.into())),
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;

    let booking = Booking {
        id: booking_id,
        meeting_id: meeting,
        meeting_url: meeting_url(&state, meeting),
        start,
        end,
        status: BookingStatus::Confirmed,
        manage_token: None,
    };
    let parties = Parties {
        seller,
        seller_language: kind.language,
        title: kind.title,
        guest_name: name,
        guest_email: email,
        guest_company: company,
        guest_language: language,
        prospect_tz,
    };
    notify(&state, &parties, &booking, Change::Booked, 0, Some(&token)).await;
    Ok((StatusCode::CREATED, Json(Booking { manage_token: Some(token), ..booking })))
}

/// Creates the meeting a prospect of `company` books (or starts now) on meeting type `kind` of
/// `seller`: from `start` for the type's duration, run by the type's AI agent if it has one.
pub(super) async fn insert_meeting<'e>(
    db: impl sqlx::PgExecutor<'e>,
    org: Uuid,
    seller: Uuid,
    kind: &Kind,
    company: &str,
    start: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO meetings (organization_id, host_id, playbook_id, title, starts_at, ends_at, ai_agent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org)
    .bind(seller)
    .bind(kind.playbook)
    .bind(format!("{} — {company}", kind.title))
    .bind(start)
    .bind(start + kind.duration)
    .bind(kind.ai_agent)
    .fetch_one(db)
    .await
}

pub(super) fn meeting_url(state: &AppState, meeting: Uuid) -> String {
    format!("{}/meet/{meeting}", state.config.public_base_url.trim_end_matches('/'))
}

/// Who a booking's e-mails go to, in which language and time zone.
struct Parties {
    seller: Seller,
    /// The seller's notices are written in the language of the meeting type's playbook, the
    /// one the seller sells in (users keep no language of their own); English when it is
    /// neither English nor Italian.
    seller_language: String,
    /// The meeting type's title.
    title: String,
    guest_name: String,
    guest_email: String,
    guest_company: String,
    /// The language the prospect booked in (`en` or `it`).
    guest_language: String,
    prospect_tz: Tz,
}

/// E-mails the prospect the booking's state with an invitation (or cancellation), revision
/// `sequence` of the calendar event, and tells the seller. A failure is logged, not returned:
/// the booking stands and the links work without the e-mails.
async fn notify(state: &AppState, parties: &Parties, booking: &Booking, change: Change, sequence: u32, manage_token: Option<&str>) {
    let confirmed = booking.status == BookingStatus::Confirmed;
    let base = state.config.public_base_url.trim_end_matches('/');
    let notice = emails::Notice {
        title: &parties.title,
        seller_name: &parties.seller.name,
        guest_name: &parties.guest_name,
        guest_company: &parties.guest_company,
        meeting_url: &booking.meeting_url,
        change,
    };
    let manage_url = manage_token.map(|token| format!("{base}/booking/{token}"));
    let guest_start = booking.start.with_timezone(&parties.prospect_tz);
    let (subject, text) = emails::for_guest(&parties.guest_language, &notice, guest_start, manage_url.as_deref());
    let description = format!("{} {}", if parties.guest_language == "it" { "Partecipa alla chiamata:" } else { "Join the call:" }, booking.meeting_url);
    let ics = ics::render(&Invite {
        uid: booking.id,
        sequence,
        start: booking.start,
        end: booking.end,
        summary: &format!("{} — {}", parties.title, parties.seller.name),
        description: &description,
        url: &booking.meeting_url,
        organizer_name: &parties.seller.name,
        organizer_email: &parties.seller.email,
        attendee_name: &parties.guest_name,
        attendee_email: &parties.guest_email,
        confirmed,
    });
    let email = Email {
        to_name: &parties.guest_name,
        to_email: &parties.guest_email,
        subject: &subject,
        text: &text,
        ics,
        method: if confirmed { "REQUEST" } else { "CANCEL" },
    };
    if let Err(e) = state.mailer.send(email).await {
        // No address or name in the log (PII): the booking id finds the rest.
        tracing::warn!(booking = %booking.id, error = %e, "booking e-mail not sent");
    }

    // The seller's notice, in the seller's own zone (their availability's), after the
    // prospect's so that a slow seller mailbox never delays the invitation.
    let seller_tz = match scheduling::store::load(&state.pg, parties.seller.id).await {
        Ok(Some(availability)) => availability.time_zone.parse().unwrap_or(parties.prospect_tz),
        _ => parties.prospect_tz,
    };
    let language = if emails::LANGUAGES.contains(&parties.seller_language.as_str()) { parties.seller_language.as_str() } else { "en" };
    let console_url = format!("{base}/console/meetings/{}", booking.meeting_id);
    let (subject, text) = emails::for_seller(language, &notice, booking.start.with_timezone(&seller_tz), &console_url);
    if let Err(e) = state.mailer.send_text(&parties.seller.email, &subject, &text).await {
        tracing::warn!(booking = %booking.id, error = %e, "seller's booking notice not sent");
    }
}

struct Managed {
    booking: Booking,
    parties: Parties,
    seller_id: Uuid,
    duration: Duration,
    sequence: u32,
}

async fn managed(state: &AppState, token: &str) -> Result<Managed, Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        meeting_id: Uuid,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        status: String,
        guest_name: String,
        guest_email: String,
        guest_company: String,
        guest_time_zone: String,
        language: String,
        sequence: i32,
        seller_id: Uuid,
        seller_name: String,
        seller_email: String,
        organization_name: String,
        title: String,
        playbook_language: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT b.id, b.meeting_id, m.starts_at, m.ends_at, b.status, b.guest_name, b.guest_email, b.guest_company,
                b.guest_time_zone, b.language, b.sequence, u.id AS seller_id, u.display_name AS seller_name,
                u.email AS seller_email, o.name AS organization_name, t.title, p.language AS playbook_language
         FROM bookings b JOIN meetings m ON m.id = b.meeting_id JOIN users u ON u.id = b.seller_id
         JOIN organizations o ON o.id = b.organization_id JOIN meeting_types t ON t.id = b.meeting_type_id
         JOIN playbooks p ON p.id = t.playbook_id
         WHERE b.manage_token_hash = $1",
    )
    .bind(refresh::digest(token))
    .fetch_optional(&state.pg)
    .await?;
    let row = row.ok_or_else(|| Error::NotFoundMessage("This booking link is not valid.".into()))?;
    Ok(Managed {
        booking: Booking {
            id: row.id,
            meeting_id: row.meeting_id,
            meeting_url: meeting_url(state, row.meeting_id),
            start: row.starts_at,
            end: row.ends_at,
            status: BookingStatus::parse(&row.status)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown booking status {:?} in a row", row.status).into()))?,
            manage_token: None,
        },
        parties: Parties {
            seller: Seller { id: row.seller_id, name: row.seller_name, email: row.seller_email, organization_name: row.organization_name },
            seller_language: row.playbook_language,
            title: row.title,
            guest_name: row.guest_name,
            guest_email: row.guest_email,
            guest_company: row.guest_company,
            guest_language: row.language,
            prospect_tz: row.guest_time_zone.parse().unwrap_or(chrono_tz::UTC),
        },
        seller_id: row.seller_id,
        duration: row.ends_at - row.starts_at,
        sequence: row.sequence.max(0) as u32,
    })
}

/// A booking, by the secret of its manage link.
#[utoipa::path(get, path = "/bookings/{manage_token}", tag = "booking", params(("manage_token" = String, Path)),
    responses((status = 200, body = Booking), (status = 404, description = "unknown link")))]
async fn get_booking(State(state): State<AppState>, PathParams(token): PathParams<String>) -> Result<Json<Booking>, Error> {
    Ok(Json(managed(&state, &token).await?.booking))
}

/// Cancel a booking (frees the slot, cancels the meeting, e-mails a cancellation).
#[utoipa::path(post, path = "/bookings/{manage_token}/cancel", tag = "booking", params(("manage_token" = String, Path)),
    responses((status = 200, body = Booking), (status = 404, description = "unknown link"), (status = 410, description = "already cancelled or held")))]
async fn cancel(State(state): State<AppState>, PathParams(token): PathParams<String>) -> Result<Json<Booking>, Error> {
    let managed = managed(&state, &token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is already cancelled.".into()));
    }
    let mut tx = state.pg.begin().await?;
    if !meetings::transition(&mut *tx, managed.booking.meeting_id, Transition::Cancel).await? {
        return Err(Error::Gone("This meeting has already started or ended.".into()));
    }
    sqlx::query("UPDATE bookings SET status = 'cancelled', sequence = sequence + 1 WHERE id = $1")
        .bind(managed.booking.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let booking = Booking { status: BookingStatus::Cancelled, ..managed.booking };
    notify(&state, &managed.parties, &booking, Change::Cancelled, managed.sequence + 1, None).await;
    Ok(Json(booking))
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
    let managed = managed(&state, &token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is cancelled.".into()));
    }
    let availability = scheduling::store::load(&state.pg, managed.seller_id)
        .await?
        .ok_or_else(|| Error::Conflict(SLOT_TAKEN.into()))?;
    let meeting = managed.booking.meeting_id;
    if !is_free(&state.pg, managed.seller_id, &availability, managed.duration, body.start, Some(meeting)).await? {
        return Err(Error::Conflict(SLOT_TAKEN.into()));
    }
    let (start, end) = (body.start, body.start + managed.duration);
    let buffer = Duration::minutes(availability.buffer_minutes.into());
    let mut tx = state.pg.begin().await?;
    let moved = sqlx::query("UPDATE meetings SET starts_at = $2, ends_at = $3 WHERE id = $1 AND status = 'scheduled'")
        .bind(meeting)
        .bind(start)
        .bind(end)
        .execute(&mut *tx)
        .await?;
    if moved.rows_affected() == 0 {
        return Err(Error::Gone("This meeting has already started or ended.".into()));
    }
    let updated = sqlx::query("UPDATE bookings SET slot = tstzrange($2, $3, '[)'), sequence = sequence + 1 WHERE id = $1")
        .bind(managed.booking.id)
        .bind(start)
        .bind(end + buffer)
        .execute(&mut *tx)
        .await;
    match updated {
        Ok(_) => {}
        Err(e) if is_overlap(&e) => return Err(Error::Conflict(SLOT_TAKEN.into())),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    let booking = Booking { start, end, ..managed.booking };
    notify(&state, &managed.parties, &booking, Change::Rescheduled, managed.sequence + 1, Some(&token)).await;
    Ok(Json(booking))
}
