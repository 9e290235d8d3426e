//! Booking a slot (a meeting plus a booking holding its slot), and the meeting an AI agent's
//! instant call creates.

use super::notify::{Parties, notify};
use super::slots::{is_free, is_overlap};
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
    let availability = store::load(&state.pg, seller.id)
        .await?
        .ok_or_else(|| Error::Conflict("this seller has no bookable hours yet".into()))?;
    let (start, end) = (request.start, request.start + kind.duration);
    if !is_free(&state.pg, seller.id, &availability, kind.duration, start, None).await? {
        return Err(Error::Conflict(SLOT_TAKEN.into()));
    }
    let buffer = Duration::minutes(availability.buffer_minutes.into());
    let token = refresh::generate();

    let mut tx = state.pg.begin().await?;
    let meeting = insert_meeting(&mut *tx, &seller, &kind, &request.company, start).await?;
    let inserted = sqlx::query_scalar::<_, Uuid>(
        "INSERT INTO bookings (organization_id, seller_id, meeting_type_id, meeting_id, slot, guest_name, guest_email,
             guest_company, guest_time_zone, manage_token_hash, language)
         VALUES ($1, $2, $3, $4, tstzrange($5, $6, '[)'), $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(seller.organization_id)
    .bind(seller.id)
    .bind(kind.id)
    .bind(meeting)
    .bind(start)
    .bind(end + buffer)
    .bind(&request.name)
    .bind(&request.email)
    .bind(&request.company)
    .bind(request.prospect_tz.name())
    .bind(refresh::digest(&token))
    .bind(&request.language)
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
        guest_name: request.name,
        guest_email: request.email,
        guest_company: request.company,
        guest_language: request.language,
        prospect_tz: request.prospect_tz,
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
