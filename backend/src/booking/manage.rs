//! The prospect's manage link (`/booking/<token>`, a 256-bit secret e-mailed at booking): read,
//! cancel, or move a booking to another free slot.

use super::notify::{Parties, notify};
use super::slots::{free_slots, is_free, is_overlap};
use super::{SLOT_TAKEN, Seller};
use crate::auth::refresh;
use crate::error::Error;
use crate::meetings;
use crate::scheduling::emails::Change;
use crate::scheduling::store;
use crate::state::AppState;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use closer_wire::{Booking, BookingStatus, Slot};
use uuid::Uuid;

/// A booking found by its manage link, with what its e-mails need.
struct Managed {
    booking: Booking,
    parties: Parties,
    duration: Duration,
    /// The calendar event's revision so far.
    sequence: u32,
}

/// The booking whose manage link carries `token`.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown link; a row with an unknown status or time
/// zone is a decode error, not a default (both were checked when it was stored).
async fn managed(state: &AppState, token: &str) -> Result<Managed, Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        meeting_id: Uuid,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        status: String,
        guest_name: String,
        guest_email: Option<String>,
        guest_company: String,
        guest_time_zone: String,
        language: String,
        sequence: i32,
        organization_id: Uuid,
        seller_id: Uuid,
        seller_name: String,
        seller_email: String,
        organization_name: String,
        title: String,
        playbook_language: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT b.id, b.meeting_id, m.starts_at, m.ends_at, b.status, b.guest_name, b.guest_email, b.guest_company,
                b.guest_time_zone, b.language, b.sequence, b.organization_id, u.id AS seller_id, u.display_name AS seller_name,
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
            meeting_url: meetings::guest_url(&state.config, row.meeting_id),
            start: row.starts_at,
            end: row.ends_at,
            status: BookingStatus::parse(&row.status)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown booking status {:?} in a row", row.status).into()))?,
            manage_token: None,
        },
        parties: Parties {
            seller: Seller {
                id: row.seller_id,
                organization_id: row.organization_id,
                name: row.seller_name,
                email: row.seller_email,
                organization_name: row.organization_name,
            },
            seller_language: row.playbook_language,
            title: row.title,
            guest_name: row.guest_name,
            guest_email: row.guest_email,
            guest_company: row.guest_company,
            guest_language: row.language,
            prospect_tz: row
                .guest_time_zone
                .parse()
                .map_err(|_| sqlx::Error::Decode(format!("unknown time zone {:?} in a booking row", row.guest_time_zone).into()))?,
        },
        duration: row.ends_at - row.starts_at,
        sequence: row.sequence.max(0) as u32,
    })
}

/// The booking of the manage link `token`.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown link.
pub async fn get(state: &AppState, token: &str) -> Result<Booking, Error> {
    Ok(managed(state, token).await?.booking)
}

/// The times the booking of `token` may move to: free slots of its seller, of its length,
/// between two dates of `prospect_tz` (its own time counts as free, so it is listed too).
///
/// Errors: [`Error::NotFoundMessage`] for an unknown link, [`Error::Gone`] once cancelled.
pub async fn slots(state: &AppState, token: &str, prospect_tz: Tz, days: (NaiveDate, NaiveDate)) -> Result<Vec<Slot>, Error> {
    let managed = managed(state, token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is cancelled.".into()));
    }
    let seller = managed.parties.seller.id;
    let Some(availability) = store::load(&state.pg, seller).await? else {
        return Ok(vec![]);
    };
    free_slots(&state.pg, seller, &availability, managed.duration, prospect_tz, days, Some(managed.booking.meeting_id)).await
}

/// Cancels the booking of `token`: frees the slot, cancels the meeting, e-mails a cancellation.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown link, [`Error::Gone`] when already
/// cancelled or when its meeting has started or ended.
pub async fn cancel(state: &AppState, token: &str) -> Result<Booking, Error> {
    let managed = managed(state, token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is already cancelled.".into()));
    }
    // The meeting and its booking, as when the seller cancels.
    if !meetings::cancel(&state.pg, managed.booking.meeting_id).await? {
        return Err(Error::Gone("This meeting has already started or ended.".into()));
    }
    let booking = Booking { status: BookingStatus::Cancelled, ..managed.booking };
    notify(state, &managed.parties, &booking, Change::Cancelled, managed.sequence + 1, None).await;
    Ok(booking)
}

/// Moves the booking of `token` to the free slot at `start` (same meeting and link; e-mails an
/// updated invitation).
///
/// Errors: [`Error::NotFoundMessage`] for an unknown link, [`Error::Gone`] when cancelled or
/// when its meeting has started or ended, [`Error::Conflict`] when `start` is not free.
pub async fn reschedule(state: &AppState, token: &str, start: DateTime<Utc>) -> Result<Booking, Error> {
    let managed = managed(state, token).await?;
    if managed.booking.status == BookingStatus::Cancelled {
        return Err(Error::Gone("This booking is cancelled.".into()));
    }
    let seller = managed.parties.seller.id;
    let availability = store::load(&state.pg, seller).await?.ok_or_else(|| Error::Conflict(SLOT_TAKEN.into()))?;
    let meeting = managed.booking.meeting_id;
    if !is_free(&state.pg, seller, &availability, managed.duration, start, Some(meeting)).await? {
        return Err(Error::Conflict(SLOT_TAKEN.into()));
    }
    let end = start + managed.duration;
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
    notify(state, &managed.parties, &booking, Change::Rescheduled, managed.sequence + 1, Some(token)).await;
    Ok(booking)
}
