//! Booking a slot (a meeting plus a booking holding its slot) from the booking page or, as a
//! call back, from the phone line; and the meeting an AI agent's instant call creates.

use super::notify::{Parties, notify};
use super::slots::{free_slots, is_free, is_overlap};
use super::{MeetingType, SLOT_TAKEN, Seller, meeting_type, seller};
use crate::auth::refresh;
use crate::error::Error;
use crate::meetings;
use crate::scheduling::emails::Change;
use crate::scheduling::store;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use closer_wire::{Booking, BookingStatus};
use sqlx::PgPool;
use uuid::Uuid;

/// A prospect's booking request, validated by the caller.
pub struct NewBooking {
    /// The meeting type's slug on the seller's page.
    pub meeting_type: String,
    pub start: DateTime<Utc>,
    pub name: String,
    pub email: String,
    pub company: String,
    pub prospect_tz: Tz,
    /// The language the prospect booked in (`en` or `it`): their e-mails are in it.
    pub language: String,
}

/// Books `request` on the page `slug`: creates the meeting (run by the meeting type's AI agent
/// when it has one) and the booking, then e-mails the prospect a confirmation with an `.ics`
/// invitation and the seller a notice (a failed e-mail is logged; the booking stands). Returns
/// the booking with its manage token, which is shown once.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown page, [`Error::Invalid`] for an unknown
/// meeting type, [`Error::Conflict`] when the seller has no hours or the slot is not free —
/// of concurrent requests for one slot exactly one succeeds (the bookings' exclusion constraint).
pub async fn book(state: &AppState, slug: &str, request: NewBooking) -> Result<Booking, Error> {
    let seller = seller(&state.pg, slug).await?;
    let kind = meeting_type(&state.pg, seller.id, &request.meeting_type).await?;
    let guest = Guest {
        name: request.name,
        email: Some(request.email),
        phone: None,
        company: request.company,
        time_zone: request.prospect_tz,
        language: request.language,
    };
    reserve(state, seller, kind, request.start, guest).await
}

/// Who a booking is for.
pub struct Guest {
    pub name: String,
    /// Where their invitation goes; `None` for a phone caller.
    pub email: Option<String>,
    /// E.164, for a call back booked on the phone line.
    pub phone: Option<String>,
    pub company: String,
    pub time_zone: Tz,
    /// `en` or `it`: their e-mails are in it.
    pub language: String,
}

/// Books a call back from `seller` for a caller of the phone line (#18) at `start`, a free
/// slot of `kind` (the line's meeting type): a meeting of the seller's own (no AI agent runs
/// it: they call back), its booking holding the slot with the caller's number, and the
/// seller's notice e-mailed. `caller.time_zone` is the zone the slot was offered in.
///
/// Errors: as [`book`]: [`Error::Conflict`] when the slot was taken meanwhile.
pub async fn call_back(state: &AppState, seller: Seller, kind: MeetingType, start: DateTime<Utc>, caller: Guest) -> Result<Booking, Error> {
    reserve(state, seller, MeetingType { ai_agent: None, ..kind }, start, caller).await
}

/// The first free slot of meeting type `kind` of `seller` and the first on another day, in the
/// seller's zone (their availability's): what the phone line's AI agent offers a caller for a
/// call back. None before the seller sets hours.
///
/// Errors: the seller's stored zone is unknown; database errors.
pub async fn call_back_slots(pg: &PgPool, seller: &Seller, kind: &MeetingType) -> Result<Vec<DateTime<Tz>>, Error> {
    let Some(availability) = store::load(pg, seller.id).await? else { return Ok(vec![]) };
    let tz = crate::scheduling::parse_time_zone("time_zone", &availability.time_zone)?;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let last = today + Duration::days(i64::from(availability.horizon_days.clamp(1, 14)));
    let free = free_slots(pg, seller.id, &availability, kind.duration, tz, (today, last), None).await?;
    let first = free.first().map(|s| s.start.with_timezone(&tz));
    let other_day = first.and_then(|f| free.iter().map(|s| s.start.with_timezone(&tz)).find(|s| s.date_naive() != f.date_naive()));
    Ok(first.into_iter().chain(other_day).collect())
}

/// Holds `start` of `seller`'s meeting type `kind` for `guest`: the meeting, the booking, the
/// e-mails (the guest's when they gave an address; the seller's notice).
async fn reserve(state: &AppState, seller: Seller, kind: MeetingType, start: DateTime<Utc>, guest: Guest) -> Result<Booking, Error> {
    let availability = store::load(&state.pg, seller.id)
        .await?
        .ok_or_else(|| Error::Conflict("this seller has no bookable hours yet".into()))?;
    let end = start + kind.duration;
    if !is_free(&state.pg, seller.id, &availability, kind.duration, start, None).await? {
        return Err(Error::Conflict(SLOT_TAKEN.into()));
    }
    let buffer = Duration::minutes(availability.buffer_minutes.into());
    let token = refresh::generate();

    let mut tx = state.pg.begin().await?;
    let who = if guest.company.trim().is_empty() { &guest.name } else { &guest.company };
    let meeting = insert_meeting(&mut *tx, &seller, &kind, who, start).await?;
    let inserted = sqlx::query_scalar::<_, Uuid>(
        "INSERT INTO bookings (organization_id, seller_id, meeting_type_id, meeting_id, slot, guest_name, guest_email,
             guest_phone, guest_company, guest_time_zone, manage_token_hash, language)
         VALUES ($1, $2, $3, $4, tstzrange($5, $6, '[)'), $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(seller.organization_id)
    .bind(seller.id)
    .bind(kind.id)
    .bind(meeting)
    .bind(start)
    .bind(end + buffer)
    .bind(&guest.name)
    .bind(&guest.email)
    .bind(&guest.phone)
    .bind(&guest.company)
    .bind(guest.time_zone.name())
    .bind(refresh::digest(&token))
    .bind(&guest.language)
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
        meeting_url: meetings::guest_url(&state.config, meeting),
        start,
        end,
        status: BookingStatus::Confirmed,
        manage_token: None,
    };
    let parties = Parties {
        seller,
        seller_language: kind.language,
        title: kind.title,
        guest_name: guest.name,
        guest_email: guest.email,
        guest_company: guest.company,
        guest_language: guest.language,
        prospect_tz: guest.time_zone,
    };
    notify(state, &parties, &booking, Change::Booked, 0, Some(&token)).await;
    Ok(Booking { manage_token: Some(token), ..booking })
}

/// Creates the meeting a prospect of `company` books (or starts now) on meeting type `kind` of
/// `seller`: from `start` for the type's duration, run by the type's AI agent if it has one.
pub async fn insert_meeting<'e>(
    db: impl sqlx::PgExecutor<'e>,
    seller: &Seller,
    kind: &MeetingType,
    company: &str,
    start: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO meetings (organization_id, host_id, playbook_id, title, starts_at, ends_at, ai_agent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(seller.organization_id)
    .bind(seller.id)
    .bind(kind.playbook)
    .bind(format!("{} — {company}", kind.title))
    .bind(start)
    .bind(start + kind.duration)
    .bind(kind.ai_agent)
    .fetch_one(db)
    .await
}
