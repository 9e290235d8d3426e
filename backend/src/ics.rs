//! iCalendar (RFC 5545) invitations for bookings: one VEVENT, times in UTC, text escaped and
//! lines folded at 75 octets with CRLF endings, as calendar clients require.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What an invitation says. `sequence` grows on each change (reschedule, cancel) so clients
/// replace the event carrying the same `uid` instead of adding another.
pub struct Invite<'a> {
    pub uid: Uuid,
    pub sequence: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: &'a str,
    pub description: &'a str,
    /// The meeting link (also `LOCATION`).
    pub url: &'a str,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
    /// `false` produces a `METHOD:CANCEL` / `STATUS:CANCELLED` update.
    pub confirmed: bool,
}

/// Renders the invitation as a complete `VCALENDAR` document.
pub fn render(invite: &Invite<'_>) -> String {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let (method, status) = if invite.confirmed { ("REQUEST", "CONFIRMED") } else { ("CANCEL", "CANCELLED") };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        "PRODID:-//Closer//Booking//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".into(),
        format!("UID:{}@closer", invite.uid),
        format!("SEQUENCE:{}", invite.sequence),
        format!("DTSTAMP:{}", stamp(Utc::now())),
        format!("DTSTART:{}", stamp(invite.start)),
        format!("DTEND:{}", stamp(invite.end)),
        format!("SUMMARY:{}", escape(invite.summary)),
        format!("DESCRIPTION:{}", escape(invite.description)),
        format!("LOCATION:{}", escape(invite.url)),
        format!("URL:{}", invite.url),
        format!("ORGANIZER;CN={}:mailto:{}", param(invite.organizer_name), invite.organizer_email),
        format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
            param(invite.attendee_name),
            invite.attendee_email
        ),
        format!("STATUS:{status}"),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

/// TEXT value escaping (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted (DQUOTE cannot appear inside, so it is dropped with controls).
fn param(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// Folds a content line into ≤ 75-octet pieces (never splitting a UTF-8 character), each
/// continuation starting with a space; terminates with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_escaped_and_crlf_terminated() {
        let start = DateTime::parse_from_rfc3339("2026-03-30T13:00:00Z").unwrap().to_utc();
        let description = "Prezzo, budget; tempi\nè tutto qui ".repeat(10);
        let invite = Invite {
            uid: Uuid::nil(),
            sequence: 2,
            start,
            end: start + chrono::Duration::minutes(30),
            summary: "Discovery Call",
            description: &description,
            url: "http://127.0.0.1:8787/meet/00000000-0000-0000-0000-000000000000",
            organizer_name: "Anna \"the seller\"",
            organizer_email: "anna@example.com",
            attendee_name: "Bob",
            attendee_email: "bob@example.com",
            confirmed: true,
        };
        let text = render(&invite);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART:20260330T130000Z\r\n") && text.contains("DTEND:20260330T133000Z\r\n"));
        assert!(text.contains("SEQUENCE:2\r\n") && text.contains("METHOD:REQUEST\r\n"));
        assert!(text.contains("ORGANIZER;CN=\"Anna the seller\":mailto:anna@example.com"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "unfolded line: {line:?}");
            assert!(!line.contains('\n'), "bare LF in {line:?}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("DESCRIPTION:Prezzo\\, budget\\; tempi\\nè tutto qui Prezzo"));
    }
}
