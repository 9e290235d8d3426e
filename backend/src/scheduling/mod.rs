//! Availability rules and slot computation, and the meeting types a seller offers
//! (`meeting_types`). Rules are wall-clock times in the seller's IANA time zone; slots are
//! instants, so a 09:00 rule gives a 09:00 slot on both sides of a DST change (08:00 UTC before,
//! 07:00 UTC after, in Europe/Rome).

pub mod emails;
pub mod meeting_types;
mod slots;
pub mod store;
mod validate;

pub use slots::{SlotQuery, free_slots, is_open};
pub use validate::{parse_time_zone, validate};
