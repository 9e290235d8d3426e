//! Availability, slots and public booking.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// A day of the week (ISO order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// Bookable hours on one weekday, in the seller's time zone (`start < end`, `"09:00"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyRule {
    pub weekday: Weekday,
    #[ts(type = "string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00"))]
    pub start: NaiveTime,
    #[ts(type = "string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17:00"))]
    pub end: NaiveTime,
}

/// A date that differs from the weekly rules, in the seller's time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateException {
    /// No availability at all that day.
    DayOff {
        #[ts(type = "string")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-25"))]
        date: NaiveDate,
    },
    /// Extra bookable hours that day (added to the weekly rules).
    ExtraHours {
        #[ts(type = "string")]
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        date: NaiveDate,
        #[ts(type = "string")]
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        start: NaiveTime,
        #[ts(type = "string")]
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        end: NaiveTime,
    },
}

/// A seller's availability: `GET`/`PUT /api/availability`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    /// IANA time zone of the rules, e.g. `"Europe/Rome"`.
    pub time_zone: String,
    pub weekly: Vec<WeeklyRule>,
    pub exceptions: Vec<DateException>,
    /// Free minutes kept after each meeting (0–240).
    pub buffer_minutes: u32,
    /// No slot starts sooner than this many minutes from now (0–43200).
    pub min_notice_minutes: u32,
    /// No slot starts later than this many days from now (1–365).
    pub horizon_days: u32,
    /// What the booking page says about the seller, under their name (plain text, 0–500
    /// characters; empty: nothing).
    #[serde(default)]
    pub intro: String,
}

/// One free slot. `start`/`end` are instants (UTC, RFC 3339); `local_start` is the same
/// instant as wall-clock time in the requested time zone, with its offset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// e.g. `"2026-03-30T09:00:00-04:00"`.
    pub local_start: String,
}

/// A meeting type on the booking page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingType {
    pub id: Uuid,
    /// URL-safe key used by the booking page, unique per seller.
    pub slug: String,
    pub title: String,
    pub duration_minutes: u32,
    pub playbook_id: Uuid,
    pub active: bool,
    /// What the call is about, as the booking page shows it (plain text, 0–500 characters).
    pub description: String,
    /// The AI agent that runs every meeting booked on it (`null`: the seller does).
    pub ai_agent_id: Option<Uuid>,
}

/// `POST /api/meeting-types` and `PUT /api/meeting-types/{id}`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingTypeInput {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::slug))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub title: String,
    /// 5–480.
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 480))]
    pub duration_minutes: u32,
    pub playbook_id: Uuid,
    #[serde(default = "yes")]
    pub active: bool,
    /// What the call is about, as the booking page shows it (plain text, 0–500 characters).
    #[serde(default)]
    pub description: String,
    /// An AI agent of the organization to run every meeting booked on it; absent or `null`:
    /// the seller runs them.
    #[serde(default)]
    #[ts(optional)]
    pub ai_agent_id: Option<Uuid>,
}

fn yes() -> bool {
    true
}

/// Public data of `/book/<seller-slug>`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingPage {
    pub seller_name: String,
    /// The seller's introduction (`Availability::intro`; empty: none).
    pub seller_intro: String,
    /// The seller's photo (`GET /api/book/{seller_slug}/photo?v=…`), if they uploaded one.
    pub seller_photo_url: Option<String>,
    pub organization_name: String,
    /// The seller's time zone (the page shows slots in the visitor's own).
    pub time_zone: String,
    pub meeting_types: Vec<PublicMeetingType>,
}

/// A meeting type as the public booking page shows it.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMeetingType {
    pub slug: String,
    pub title: String,
    pub duration_minutes: u32,
    /// What the call is about (empty: nothing to say).
    pub description: String,
    /// The name of the AI agent the prospect will talk to (`null`: the seller).
    pub ai_agent_name: Option<String>,
}

/// `POST /api/book/{seller_slug}`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    /// Slug of one of the seller's meeting types.
    pub meeting_type: String,
    /// Start of a slot returned by the slot API.
    pub start: DateTime<Utc>,
    /// Prospect's name, 1–100 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    /// 1–200 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200))]
    pub company: String,
    /// The prospect's IANA time zone (times in the e-mail are shown in it).
    pub time_zone: String,
    /// ISO 639-1 of the prospect's e-mails (confirmation, reschedule, cancellation): `en` or
    /// `it`. Default `en`; the booking page sends the language it is shown in.
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::language_or_null))]
    pub language: Option<String>,
}

/// `POST /api/book/{seller_slug}/now`: talk to the meeting type's AI agent at once.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstantCallRequest {
    /// Slug of one of the seller's meeting types that an AI agent runs.
    pub meeting_type: String,
    /// Prospect's name, 1–100 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    /// 1–200 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200))]
    pub company: String,
}

/// The call to join now: its guest link.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstantCall {
    pub meeting_id: Uuid,
    /// `<public_base_url>/meet/<meeting_id>`.
    pub meeting_url: String,
}

/// A confirmed booking. `manage_token` is the secret of the cancel/reschedule links.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// `<public_base_url>/meet/<meeting_id>`.
    pub meeting_url: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: BookingStatus,
    /// Present only in the answer to the booking request (it is stored hashed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub manage_token: Option<String>,
}

/// Whether a booking still holds its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
}

impl BookingStatus {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
        }
    }

    /// Inverse of [`BookingStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Confirmed, Self::Cancelled].into_iter().find(|status| status.as_str() == s)
    }
}

/// `POST /api/bookings/{manage_token}/reschedule`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleRequest {
    pub start: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booking_statuses_round_trip_and_unknown_ones_are_none() {
        for status in [BookingStatus::Confirmed, BookingStatus::Cancelled] {
            assert_eq!(BookingStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(BookingStatus::parse("pending"), None);
    }
}
