//! The free slots of a seller: their availability less their busy time, in the prospect's zone.

use crate::error::Error;
use crate::scheduling::{self, SlotQuery};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use closer_wire::{Availability, Slot};
use sqlx::PgPool;
use uuid::Uuid;

/// Free slots of `seller`, `duration` long, between two dates of the prospect's zone
/// (inclusive); the meeting `except` (a booking being moved) does not count as busy.
///
/// Errors: [`Error::Invalid`] when the seller's stored zone is unknown; database errors.
pub(super) async fn free_slots(
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

/// The free slots of meeting type `meeting_type` on the booking page `slug` between two dates of
/// the prospect's zone (none before the seller sets hours).
///
/// Errors: [`Error::NotFoundMessage`] for an unknown page, [`Error::Invalid`] for an unknown
/// meeting type.
pub async fn page_slots(pg: &PgPool, slug: &str, meeting_type: &str, prospect_tz: Tz, days: (NaiveDate, NaiveDate)) -> Result<Vec<Slot>, Error> {
    let seller = super::seller(pg, slug).await?;
    let kind = super::meeting_type(pg, seller.id, meeting_type).await?;
    let Some(availability) = scheduling::store::load(pg, seller.id).await? else {
        return Ok(vec![]);
    };
    free_slots(pg, seller.id, &availability, kind.duration, prospect_tz, days, None).await
}

/// `true` when `start` is one of the free slots of its day.
pub(super) async fn is_free(
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
pub(super) fn is_overlap(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("23P01"))
}
