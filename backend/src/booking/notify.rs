//! The e-mails of a booking's changes: the prospect's invitation (or cancellation) with an
//! `.ics`, and the seller's notice.

use super::Seller;
use crate::ics::{self, Invite};
use crate::mail::Email;
use crate::scheduling::emails::{self, Change};
use crate::scheduling::store;
use crate::state::AppState;
use chrono_tz::Tz;
use closer_wire::{Booking, BookingStatus};

/// Who a booking's e-mails go to, in which language and time zone.
pub(super) struct Parties {
    pub(super) seller: Seller,
    /// The seller's notices are written in the language of the meeting type's playbook, the
    /// one the seller sells in (users keep no language of their own); English when it is
    /// neither English nor Italian.
    pub(super) seller_language: String,
    /// The meeting type's title.
    pub(super) title: String,
    pub(super) guest_name: String,
    /// `None` for a call back booked on the phone line: the caller gave a number.
    pub(super) guest_email: Option<String>,
    pub(super) guest_company: String,
    /// The language the prospect booked in (`en` or `it`).
    pub(super) guest_language: String,
    pub(super) prospect_tz: Tz,
}

/// E-mails the prospect (when they gave an e-mail) the booking's state with an invitation (or
/// cancellation), revision `sequence` of the calendar event, and tells the seller. A failure is logged, not returned:
/// the booking stands and the links work without the e-mails.
pub(super) async fn notify(state: &AppState, parties: &Parties, booking: &Booking, change: Change, sequence: u32, manage_token: Option<&str>) {
    let base = state.config.public_base_url.trim_end_matches('/');
    let notice = emails::Notice {
        title: &parties.title,
        seller_name: &parties.seller.name,
        guest_name: &parties.guest_name,
        guest_company: &parties.guest_company,
        meeting_url: &booking.meeting_url,
        change,
    };
    if let Some(email) = &parties.guest_email {
        let manage_url = manage_token.map(|token| format!("{base}/booking/{token}"));
        invite(state, parties, email, booking, &notice, sequence, manage_url.as_deref()).await;
    }

    // The seller's notice, in the seller's own zone (their availability's), after the
    // prospect's so that a slow seller mailbox never delays the invitation.
    let seller_tz = match store::load(&state.pg, parties.seller.id).await {
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

/// The prospect's e-mail at `email`: the booking's state with an invitation (or cancellation),
/// revision `sequence` of the calendar event, and their manage link.
async fn invite(state: &AppState, parties: &Parties, email: &str, booking: &Booking, notice: &emails::Notice<'_>, sequence: u32, manage_url: Option<&str>) {
    let confirmed = booking.status == BookingStatus::Confirmed;
    let guest_start = booking.start.with_timezone(&parties.prospect_tz);
    let (subject, text) = emails::for_guest(&parties.guest_language, notice, guest_start, manage_url);
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
        attendee_email: email,
        confirmed,
    });
    let email = Email {
        to_name: &parties.guest_name,
        to_email: email,
        subject: &subject,
        text: &text,
        ics,
        method: if confirmed { "REQUEST" } else { "CANCEL" },
    };
    if let Err(e) = state.mailer.send(email).await {
        // No address or name in the log (PII): the booking id finds the rest.
        tracing::warn!(booking = %booking.id, error = %e, "booking e-mail not sent");
    }
}
