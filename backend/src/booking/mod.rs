//! Public booking (no login): a seller's booking page and its meeting types (`sellers`), the free
//! slots a prospect may pick (`slots`), booking one and the meeting an AI agent's instant call
//! creates (`book`), the prospect's manage link to read, cancel or move a booking (`manage`),
//! and the e-mails every change sends (`notify`). Slot arithmetic lives in `crate::scheduling`;
//! the handlers in `http/booking.rs` and `http/instant_call.rs` only parse, validate and
//! serialize.

mod book;
pub mod manage;
mod notify;
mod sellers;
mod slots;

pub use book::{Guest, NewBooking, book, call_back, call_back_slots, insert_meeting};
pub use sellers::{MeetingType, Seller, meeting_type, meeting_type_by_id, page, seller};
pub use slots::page_slots;

/// Message shown when a slot was taken in the meantime (by a concurrent booking, say).
pub const SLOT_TAKEN: &str = "This time is no longer available; please pick another slot.";
