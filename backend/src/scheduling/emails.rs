//! The words of booking e-mails, in English or Italian: the prospect's confirmation,
//! rescheduling and cancellation (in the language the prospect booked in), and the seller's
//! notice of each (in the seller's language). Times are written out in the reader's time zone.

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;

/// Languages booking e-mails are written in; anything else reads as English.
pub const LANGUAGES: [&str; 2] = ["en", "it"];

/// What happened to a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Booked,
    Rescheduled,
    Cancelled,
}

/// One booking as its e-mails tell it.
pub struct Notice<'a> {
    /// The meeting type's title, e.g. "Demo".
    pub title: &'a str,
    pub seller_name: &'a str,
    pub guest_name: &'a str,
    pub guest_company: &'a str,
    /// `<public_base_url>/meet/<meeting_id>`.
    pub meeting_url: &'a str,
    pub change: Change,
}

/// Subject and plain text of the prospect's e-mail, in `language` (`en` or `it`), times in the
/// prospect's zone (`start`). `manage_url`: the reschedule/cancel link, absent once cancelled.
pub fn for_guest(language: &str, notice: &Notice<'_>, start: DateTime<Tz>, manage_url: Option<&str>) -> (String, String) {
    let when = local_time(language, start);
    let (title, seller) = (notice.title, notice.seller_name);
    let italian = language == "it";
    let subject = match (notice.change, italian) {
        (Change::Booked, false) => format!("Confirmed: {title} with {seller} on {when}"),
        (Change::Rescheduled, false) => format!("Rescheduled: {title} with {seller}, now on {when}"),
        (Change::Cancelled, false) => format!("Cancelled: {title} with {seller} on {when}"),
        (Change::Booked, true) => format!("Confermato: {title} con {seller}, {when}"),
        (Change::Rescheduled, true) => format!("Spostato: {title} con {seller}, ora {when}"),
        (Change::Cancelled, true) => format!("Annullato: {title} con {seller}, {when}"),
    };
    let mut text = format!("{subject}\n\n");
    if notice.change != Change::Cancelled {
        text.push_str(&format!("{}: {}\n", if italian { "Partecipa" } else { "Join" }, notice.meeting_url));
    }
    if let Some(url) = manage_url.filter(|_| notice.change != Change::Cancelled) {
        text.push_str(&format!("{}: {url}\n", if italian { "Sposta o annulla" } else { "Reschedule or cancel" }));
    }
    (subject, text)
}

/// Subject and plain text of the seller's notice, in `language`, times in the seller's zone.
/// `console_url`: the meeting in the seller's console.
pub fn for_seller(language: &str, notice: &Notice<'_>, start: DateTime<Tz>, console_url: &str) -> (String, String) {
    let when = local_time(language, start);
    let title = notice.title;
    // "Giulia (Verdi SpA)", or "Giulia" alone for a caller booked on the phone line.
    let guest = match notice.guest_company.trim() {
        "" => notice.guest_name.to_owned(),
        company => format!("{} ({company})", notice.guest_name),
    };
    let subject = match (notice.change, language == "it") {
        (Change::Booked, false) => format!("New booking: {title} with {guest} on {when}"),
        (Change::Rescheduled, false) => format!("Rescheduled: {title} with {guest}, now on {when}"),
        (Change::Cancelled, false) => format!("Cancelled: {title} with {guest} on {when}"),
        (Change::Booked, true) => format!("Nuova prenotazione: {title} con {guest}, {when}"),
        (Change::Rescheduled, true) => format!("Spostato: {title} con {guest}, ora {when}"),
        (Change::Cancelled, true) => format!("Annullato: {title} con {guest}, {when}"),
    };
    let text = format!("{subject}\n\n{console_url}\n");
    (subject, text)
}

const WEEKDAYS_IT: [&str; 7] = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"];
const MONTHS_IT: [&str; 12] =
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"];

/// "venerdì 4 dicembre": a day as Italian writes it (chrono names days and months in English).
pub fn italian_day(at: &DateTime<Tz>) -> String {
    format!("{} {} {}", WEEKDAYS_IT[at.weekday().num_days_from_monday() as usize], at.day(), MONTHS_IT[at.month0() as usize])
}

/// "Friday 4 December 2026, 15:00 CET" / "venerdì 4 dicembre 2026, 15:00 CET".
pub fn local_time(language: &str, at: DateTime<Tz>) -> String {
    if language == "it" {
        format!("{} {}, {:02}:{:02} {}", italian_day(&at), at.year(), at.hour(), at.minute(), at.format("%Z"))
    } else {
        at.format("%A %-d %B %Y, %H:%M %Z").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn notice(change: Change) -> Notice<'static> {
        Notice { title: "Demo", seller_name: "Sam", guest_name: "Giulia", guest_company: "Verdi SpA", meeting_url: "https://x/meet/1", change }
    }

    #[test]
    fn times_are_written_in_the_readers_language_and_zone() {
        let at = chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        assert_eq!(local_time("en", at), "Friday 4 December 2026, 15:00 CET");
        assert_eq!(local_time("it", at), "venerdì 4 dicembre 2026, 15:00 CET");
        let summer = chrono_tz::America::New_York.with_ymd_and_hms(2027, 7, 5, 9, 30, 0).unwrap();
        assert_eq!(local_time("it", summer), "lunedì 5 luglio 2027, 09:30 EDT");
    }

    #[test]
    fn the_guest_reads_each_change_in_their_language_with_links_only_while_booked() {
        let at = chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        let (subject, text) = for_guest("it", &notice(Change::Booked), at, Some("https://x/booking/t"));
        assert_eq!(subject, "Confermato: Demo con Sam, venerdì 4 dicembre 2026, 15:00 CET");
        assert!(text.contains("Partecipa: https://x/meet/1") && text.contains("Sposta o annulla: https://x/booking/t"), "{text}");
        let (subject, _) = for_guest("en", &notice(Change::Rescheduled), at, Some("https://x/booking/t"));
        assert_eq!(subject, "Rescheduled: Demo with Sam, now on Friday 4 December 2026, 15:00 CET");
        let (subject, text) = for_guest("en", &notice(Change::Cancelled), at, Some("https://x/booking/t"));
        assert!(subject.starts_with("Cancelled: Demo with Sam"));
        assert!(!text.contains("/booking/") && !text.contains("/meet/"), "no links to a cancelled call: {text}");
    }

    #[test]
    fn the_seller_is_told_who_booked_and_where_to_find_it() {
        let at = chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        let (subject, text) = for_seller("en", &notice(Change::Booked), at, "https://x/console/meetings/1");
        assert_eq!(subject, "New booking: Demo with Giulia (Verdi SpA) on Friday 4 December 2026, 15:00 CET");
        assert!(text.ends_with("https://x/console/meetings/1\n"));
        let (subject, _) = for_seller("it", &notice(Change::Cancelled), at, "u");
        assert_eq!(subject, "Annullato: Demo con Giulia (Verdi SpA), venerdì 4 dicembre 2026, 15:00 CET");
    }
}
