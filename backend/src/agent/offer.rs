//! The call back an AI agent offers a caller of the phone line (#18) after its questions: a
//! free slot of the line's seller, said in the agent's language the way a receptionist would
//! say it ("Sara can call you back on Tuesday 8 December at 10 am. Shall I book it?"), and
//! the line that confirms it once accepted, with the number that will ring and whether it is
//! the right one ([`super::consent`] reads the replies; [`super::number`] a number given
//! instead).

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

/// One slot offered.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// When the call back would start.
    pub start: DateTime<Utc>,
    /// What the agent says to offer it.
    pub line: String,
    /// What it says once the caller accepted and the slot is booked: ends asking whether the
    /// number said back is the one to ring.
    pub confirmation: String,
    /// The seller's first name, as the lines say it.
    pub seller: String,
    /// The number the call back rings (E.164) unless the caller gives another.
    pub number: String,
}

/// The offers of `slots` (in the seller's zone, in order) of the seller called `seller` (their
/// first name is said), in `language` (`it…` Italian, anything else English), to the caller
/// whose number is `caller` (E.164): the confirmation says its last four digits back, one by
/// one, and asks whether it is theirs, so that a caller on someone else's phone can say so.
pub fn offers(language: &str, seller: &str, caller: &str, slots: &[DateTime<Tz>]) -> Vec<Offer> {
    let italian = language.to_ascii_lowercase().starts_with("it");
    let name = seller.split_whitespace().next().unwrap_or(seller);
    let ending = ending(caller);
    slots
        .iter()
        .enumerate()
        .map(|(n, at)| {
            let when = spoken(italian, at);
            let line = match (italian, n) {
                (false, 0) => format!("{name} can call you back on {when}. Shall I book it?"),
                (false, _) => format!("Or {name} could call you on {when}. Would that suit you better?"),
                (true, 0) => format!("{name} può richiamarla {when}. Lo fisso?"),
                (true, _) => format!("Oppure {name} potrebbe chiamarla {when}. Le andrebbe meglio?"),
            };
            let confirmation = if italian {
                format!("Fatto: {name} la chiamerà {when}, al numero che finisce con {ending}. È il numero giusto?")
            } else {
                format!("Done: {name} will call you on {when}, on the number ending in {ending}. Is that the right number?")
            };
            Offer { start: at.with_timezone(&Utc), line, confirmation, seller: name.to_owned(), number: caller.to_owned() }
        })
        .collect()
}

/// The last four digits of `number`, one by one ("4 5 6 7"): how a number is said back.
pub fn ending(number: &str) -> String {
    let digits: Vec<String> = number.chars().filter(char::is_ascii_digit).map(String::from).collect();
    digits[digits.len().saturating_sub(4)..].join(" ")
}

/// A time as it is said: "Tuesday 8 December at 10 am" / "at 3:30 pm"; "martedì 8 dicembre
/// alle 10" / "alle 15 e 30" (the voices read figures, and a colon reads badly).
fn spoken(italian: bool, at: &DateTime<Tz>) -> String {
    let (hour, minute) = (at.hour(), at.minute());
    if italian {
        let day = crate::scheduling::emails::italian_day(at);
        let article = if hour == 1 { "all'una" } else { "alle" };
        let time = if hour == 1 { String::new() } else { format!(" {hour}") };
        match minute {
            0 => format!("{day} {article}{time}"),
            m => format!("{day} {article}{time} e {m}"),
        }
    } else {
        let (h12, half) = match hour {
            0 => (12, "am"),
            1..=11 => (hour, "am"),
            12 => (12, "pm"),
            _ => (hour - 12, "pm"),
        };
        let time = if minute == 0 { format!("{h12} {half}") } else { format!("{h12}:{minute:02} {half}") };
        format!("{} at {time}", at.format("%A %-d %B"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slots_are_offered_as_a_receptionist_says_them() {
        let rome: Tz = "Europe/Rome".parse().unwrap();
        let slots = [rome.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap(), rome.with_ymd_and_hms(2026, 12, 9, 15, 30, 0).unwrap()];
        let en = offers("en", "Sara Neri", "+393331234567", &slots);
        assert_eq!(en[0].line, "Sara can call you back on Tuesday 8 December at 10 am. Shall I book it?");
        assert_eq!(en[1].line, "Or Sara could call you on Wednesday 9 December at 3:30 pm. Would that suit you better?");
        assert_eq!(en[1].confirmation, "Done: Sara will call you on Wednesday 9 December at 3:30 pm, on the number ending in 4 5 6 7. Is that the right number?");
        assert_eq!(en[0].start, Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap(), "10:00 in Rome is 9:00 UTC in December");
        let it = offers("it", "Sara Neri", "+39 02 1234 0089", &slots);
        assert_eq!(it[0].line, "Sara può richiamarla martedì 8 dicembre alle 10. Lo fisso?");
        assert_eq!(it[1].confirmation, "Fatto: Sara la chiamerà mercoledì 9 dicembre alle 15 e 30, al numero che finisce con 0 0 8 9. È il numero giusto?");
        let one = rome.with_ymd_and_hms(2026, 12, 10, 13, 0, 0).unwrap();
        assert_eq!(spoken(true, &one), "giovedì 10 dicembre alle 13");
        assert_eq!(spoken(true, &rome.with_ymd_and_hms(2026, 12, 10, 1, 5, 0).unwrap()), "giovedì 10 dicembre all'una e 5");
        assert_eq!(spoken(false, &rome.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap()), "Thursday 10 December at 12 pm");
        assert_eq!((en[0].seller.as_str(), en[0].number.as_str()), ("Sara", "+393331234567"));
        assert!(offers("en", "Sara", "+393331234567", &[]).is_empty());
    }
}
