//! Due dates said in a sentence (EN + IT), resolved against the day of the call.
//!
//! Conventions (documented because speakers are ambiguous):
//! - a bare weekday, "this/on/by <weekday>", IT "<giorno>", "<giorno> prossimo", "entro
//!   <giorno>" → the first such day *after* the call day (Italian "giovedì prossimo" usually
//!   means the coming Thursday);
//! - EN "next <weekday>" and IT "<giorno> della prossima settimana" → that day of the *next
//!   calendar week* (Monday–Sunday);
//! - "this week" / "questa settimana" → Friday of the call's week; "next week" / "la prossima
//!   settimana" → Friday of the next week; "end of the week/month/quarter/year" → its last
//!   working day for weeks (Friday), else its last day; "next month" → end of next month;
//! - "in/within N days/weeks/months", "tra/fra/entro N giorni/settimane/mesi" → call day + N;
//! - "by/before/in September", "entro/a settembre" → last day of the next such month;
//! - "today/tonight/right away/asap", "oggi/stasera/subito/in giornata" → the call day;
//!   "tomorrow/domani" → +1, "dopodomani" → +2.
//!
//! Times are calendar dates of the call in UTC (the call's local date may differ near midnight).

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::Regex;
use std::sync::LazyLock;

/// A due date as said, and resolved when it names a day.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    /// The words that said it, e.g. "next Tuesday".
    pub text: String,
    pub date: Option<NaiveDate>,
}

type Resolve = fn(&regex::Captures<'_>, NaiveDate) -> Option<NaiveDate>;

const WEEKDAYS_EN: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
const WEEKDAYS_IT: &str = "lunedì|lunedi|martedì|martedi|mercoledì|mercoledi|giovedì|giovedi|venerdì|venerdi|sabato|domenica";
const MONTHS_EN: &str = "january|february|march|april|may|june|july|august|september|october|november|december";
const MONTHS_IT: &str = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre";
const NUMBERS: &str = r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|un|uno|una|due|tre|quattro|cinque|sei|sette|otto|nove|dieci";

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_lowercase().replace('ì', "i");
    Some(match w.as_str() {
        "monday" | "lunedi" => Weekday::Mon,
        "tuesday" | "martedi" => Weekday::Tue,
        "wednesday" | "mercoledi" => Weekday::Wed,
        "thursday" | "giovedi" => Weekday::Thu,
        "friday" | "venerdi" => Weekday::Fri,
        "saturday" | "sabato" => Weekday::Sat,
        "sunday" | "domenica" => Weekday::Sun,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let index = MONTHS_EN.split('|').position(|m| m == w).or_else(|| MONTHS_IT.split('|').position(|m| m == w))?;
    Some(index as u32 + 1)
}

fn number(word: &str) -> Option<u64> {
    let w = word.to_lowercase();
    w.parse().ok().or_else(|| {
        Some(match w.as_str() {
            "a" | "an" | "one" | "un" | "uno" | "una" => 1,
            "two" | "due" => 2,
            "three" | "tre" => 3,
            "four" | "quattro" => 4,
            "five" | "cinque" => 5,
            "six" | "sei" => 6,
            "seven" | "sette" => 7,
            "eight" | "otto" => 8,
            "nine" | "nove" => 9,
            "ten" | "dieci" => 10,
            _ => return None,
        })
    })
}

/// First `day` strictly after `today`.
pub fn upcoming(today: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64 - 1) % 7 + 1;
    today + chrono::Duration::days(ahead)
}

/// `day` of the calendar week after `today`'s.
pub fn next_week(today: NaiveDate, day: Weekday) -> NaiveDate {
    let monday = today - chrono::Duration::days(today.weekday().num_days_from_monday() as i64) + chrono::Duration::days(7);
    monday + chrono::Duration::days(day.num_days_from_monday() as i64)
}

fn end_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1))?.pred_opt()
}

fn end_of(period: &str, today: NaiveDate, next: bool) -> Option<NaiveDate> {
    let p = period.to_lowercase();
    match p.as_str() {
        "week" | "settimana" => {
            let friday = next_week(today, Weekday::Fri) - chrono::Duration::days(7);
            Some(if next { friday + chrono::Duration::days(7) } else { friday })
        }
        "month" | "mese" => {
            let base = if next { today.checked_add_months(Months::new(1))? } else { today };
            end_of_month(base.year(), base.month())
        }
        "quarter" | "trimestre" => {
            let base = if next { today.checked_add_months(Months::new(3))? } else { today };
            end_of_month(base.year(), (base.month() - 1) / 3 * 3 + 3)
        }
        "year" | "anno" => NaiveDate::from_ymd_opt(today.year() + i32::from(next), 12, 31),
        _ => None,
    }
}

fn in_units(count: u64, unit: &str, today: NaiveDate) -> Option<NaiveDate> {
    let u = unit.to_lowercase();
    if u.starts_with("day") || u.starts_with("giorn") {
        today.checked_add_days(Days::new(count))
    } else if u.starts_with("week") || u.starts_with("settiman") {
        today.checked_add_days(Days::new(count * 7))
    } else {
        today.checked_add_months(Months::new(u32::try_from(count).ok()?))
    }
}

fn by_month(m: u32, today: NaiveDate) -> Option<NaiveDate> {
    let year = if m >= today.month() { today.year() } else { today.year() + 1 };
    end_of_month(year, m)
}

static PATTERNS: LazyLock<Vec<(Regex, Resolve)>> = LazyLock::new(|| {
    let rx = |p: &str| Regex::new(&format!("(?i){p}")).expect("valid due-date pattern");
    vec![
        // EN end of a period.
        (
            rx(r"\b(?:by |before |until |at )?(?:the )?end of (?:the )?(next |this )?(week|month|quarter|year)\b"),
            |c, t| end_of(&c[2], t, c.get(1).is_some_and(|m| m.as_str().trim().eq_ignore_ascii_case("next"))),
        ),
        // IT end of a period: "entro fine mese", "fine del prossimo trimestre", "fine settimana prossima".
        (
            rx(r"\b(?:entro |per |a )?(?:la )?fine (?:del |della |di )?(prossim[oa] )?(settimana|mese|trimestre|anno)( prossim[oa])?\b"),
            |c, t| end_of(&c[2], t, c.get(1).is_some() || c.get(3).is_some()),
        ),
        (rx(&format!(r"\bnext ({WEEKDAYS_EN})\b")), |c, t| weekday(&c[1]).map(|d| next_week(t, d))),
        (
            rx(&format!(r"\b({WEEKDAYS_IT}) della prossima settimana\b")),
            |c, t| weekday(&c[1]).map(|d| next_week(t, d)),
        ),
        (
            rx(&format!(r"\b(?:(?:by|on|this|until|before) )?({WEEKDAYS_EN})\b")),
            |c, t| weekday(&c[1]).map(|d| upcoming(t, d)),
        ),
        (
            rx(&format!(r"\b(?:(?:entro|per|a) )?({WEEKDAYS_IT})(?: prossim[oa])?\b")),
            |c, t| weekday(&c[1]).map(|d| upcoming(t, d)),
        ),
        (rx(r"\b(?:by )?(today|tonight|right away|asap|this (?:morning|afternoon|evening))\b"), |_, t| Some(t)),
        (rx(r"\b(?:entro )?(oggi|stasera|stamattina|subito|in giornata)\b"), |_, t| Some(t)),
        (rx(r"\b(?:by )?(tomorrow|domani)\b"), |_, t| t.succ_opt()),
        (rx(r"\bdopodomani\b"), |_, t| t.checked_add_days(Days::new(2))),
        (
            rx(&format!(r"\b(?:in|within|tra|fra|entro) ({NUMBERS}) (days?|weeks?|months?|giorn[oi]|settiman[ae]|mes[ei])\b")),
            |c, t| in_units(number(&c[1])?, &c[2], t),
        ),
        (rx(r"\b(?:by |until )?(next|this) (week|month)\b"), |c, t| end_of(&c[2], t, c[1].eq_ignore_ascii_case("next"))),
        (
            rx(r"\b(?:entro )?(?:la |il )?(prossima settimana|settimana prossima|questa settimana|mese prossimo|prossimo mese)\b"),
            |c, t| {
                let phrase = c[1].to_lowercase();
                let next = !phrase.starts_with("questa");
                end_of(if phrase.contains("settimana") { "week" } else { "month" }, t, next)
            },
        ),
        (rx(&format!(r"\b(?:by|before|in|until) ({MONTHS_EN})\b")), |c, t| by_month(month(&c[1])?, t)),
        (rx(&format!(r"\b(?:entro|a|per|prima di) ({MONTHS_IT})\b")), |c, t| by_month(month(&c[1])?, t)),
    ]
});

/// The first due-date phrase in `sentence` (patterns tried from the most specific), resolved
/// against `today` (the call's date).
pub fn find(sentence: &str, today: NaiveDate) -> Option<Due> {
    PATTERNS.iter().find_map(|(pattern, resolve)| {
        let captures = pattern.captures(sentence)?;
        let text = captures.get(0)?.as_str().trim().to_owned();
        Some(Due { date: resolve(&captures, today), text })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn resolves_english_and_italian_phrases() {
        let wed = day("2026-03-11"); // a Wednesday
        let cases = [
            ("a technical demo next Tuesday, and", "next Tuesday", "2026-03-17"),
            ("I will send it by Friday", "by Friday", "2026-03-13"),
            ("I will send the calendar invite today.", "today", "2026-03-11"),
            ("we can talk tomorrow", "tomorrow", "2026-03-12"),
            ("before the end of the next quarter", "before the end of the next quarter", "2026-06-30"),
            ("by the end of the month", "by the end of the month", "2026-03-31"),
            ("in two weeks", "in two weeks", "2026-03-25"),
            ("sometime next week", "next week", "2026-03-20"),
            ("by September", "by September", "2026-09-30"),
            ("fissiamo una demo giovedì prossimo con", "giovedì prossimo", "2026-03-12"),
            ("le mando subito l'invito", "subito", "2026-03-11"),
            ("entro venerdì", "entro venerdì", "2026-03-13"),
            ("martedì della prossima settimana", "martedì della prossima settimana", "2026-03-17"),
            ("entro fine mese", "entro fine mese", "2026-03-31"),
            ("tra tre giorni", "tra tre giorni", "2026-03-14"),
            ("Entro settembre, prima della fiera.", "Entro settembre", "2026-09-30"),
            ("la prossima settimana", "la prossima settimana", "2026-03-20"),
            ("by January", "by January", "2027-01-31"),
        ];
        for (sentence, text, date) in cases {
            let due = find(sentence, wed).unwrap_or_else(|| panic!("{sentence}"));
            assert_eq!((due.text.as_str(), due.date), (text, Some(day(date))), "{sentence}");
        }
        assert_eq!(find("We copy data between three tools", wed), None);
        assert_eq!(upcoming(wed, Weekday::Wed), day("2026-03-18"));
    }
}
