//! Free slots of a seller between two dates of the prospect's calendar.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use closer_wire::{Availability, DateException, Slot, Weekday};

/// Everything [`free_slots`] needs besides the seller's availability.
pub struct SlotQuery<'a> {
    /// Seller's zone (parsed `Availability::time_zone`).
    pub seller_tz: Tz,
    /// Prospect's zone: the date range and `local_start` are in it.
    pub prospect_tz: Tz,
    /// First and last day (inclusive) of the prospect's calendar to list.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Meeting length; slots also start every `duration` of wall-clock time from each rule's
    /// start.
    pub duration: Duration,
    /// Already taken intervals of the seller (meetings and bookings), any order.
    pub busy: &'a [(DateTime<Utc>, DateTime<Utc>)],
    pub now: DateTime<Utc>,
}

/// Free slots, sorted by start: inside a weekly rule or extra hours of a seller's day that is
/// not a day off; wholly within the rule; not overlapping a busy interval widened by the buffer
/// on both sides; starting at least `min_notice_minutes` after `now` and at most
/// `horizon_days` after it; starting within `[from 00:00, to+1 00:00)` of the prospect's zone.
///
/// Wall-clock times that do not exist (spring-forward gap) produce no slot; ambiguous ones
/// (fall-back overlap) use the first occurrence.
pub fn free_slots(availability: &Availability, query: &SlotQuery<'_>) -> Vec<Slot> {
    let (Some(window_start), Some(window_end)) = (
        midnight(query.prospect_tz, query.from),
        query.to.succ_opt().and_then(|d| midnight(query.prospect_tz, d)),
    ) else {
        return Vec::new();
    };
    if query.duration <= Duration::zero() {
        return Vec::new();
    }
    let earliest = query.now + Duration::minutes(availability.min_notice_minutes.into());
    let latest = query.now + Duration::days(availability.horizon_days.into());
    let buffer = Duration::minutes(availability.buffer_minutes.into());

    // The seller's dates that can overlap the window: one day of margin on each side covers
    // every pair of zones (offsets differ by at most 26 hours).
    let first = window_start.with_timezone(&query.seller_tz).date_naive().pred_opt().unwrap_or(query.from);
    let last = window_end.with_timezone(&query.seller_tz).date_naive().succ_opt().unwrap_or(query.to);

    let mut slots = Vec::new();
    for date in first.iter_days().take_while(|d| *d <= last) {
        for (open, close) in hours_of(availability, date) {
            let Some(close_at) = resolve(query.seller_tz, date.and_time(close)) else { continue };
            let mut wall = date.and_time(open);
            while wall.time() >= open && wall.date() == date {
                if let Some(start) = resolve_existing(query.seller_tz, wall) {
                    let end = start + query.duration;
                    if end > close_at {
                        break;
                    }
                    let free = !query.busy.iter().any(|(b_start, b_end)| start < *b_end + buffer && *b_start < end + buffer);
                    if free && start >= earliest && start <= latest && start >= window_start && start < window_end {
                        slots.push(Slot {
                            start,
                            end,
                            local_start: start.with_timezone(&query.prospect_tz).to_rfc3339(),
                        });
                    }
                }
                wall += query.duration;
            }
        }
    }
    slots.sort_by_key(|s| s.start);
    slots.dedup_by_key(|s| s.start);
    slots
}

/// Whether `at` falls within the seller's opening hours (a weekly rule or extra hours of that
/// day in `seller_tz`, not a day off): when the seller is at work, whatever their calendar.
pub fn is_open(availability: &Availability, seller_tz: Tz, at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&seller_tz);
    let (date, time) = (local.date_naive(), local.time());
    hours_of(availability, date).iter().any(|&(open, close)| open <= time && time < close)
}

/// Opening hours of the seller's `date`: the weekly rules of its weekday (none on a day off)
/// plus the extra hours of that date.
fn hours_of(availability: &Availability, date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let day_off = availability
        .exceptions
        .iter()
        .any(|e| matches!(e, DateException::DayOff { date: d } if *d == date));
    let weekday = weekday_of(date);
    let mut hours: Vec<_> = if day_off {
        Vec::new()
    } else {
        availability.weekly.iter().filter(|r| r.weekday == weekday).map(|r| (r.start, r.end)).collect()
    };
    hours.extend(availability.exceptions.iter().filter_map(|e| match e {
        DateException::ExtraHours { date: d, start, end } if *d == date => Some((*start, *end)),
        _ => None,
    }));
    hours
}

fn weekday_of(date: NaiveDate) -> Weekday {
    match date.weekday() {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

/// The instant of a wall-clock time that exists (first occurrence when ambiguous).
fn resolve_existing(tz: Tz, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&wall).earliest().map(|t| t.with_timezone(&Utc))
}

/// Like [`resolve_existing`], but a time inside a spring-forward gap maps to the end of the
/// gap (a rule closing at 02:30 on such a night closes when 03:00 begins).
fn resolve(tz: Tz, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    resolve_existing(tz, wall).or_else(|| {
        (1..=4).find_map(|quarter| resolve_existing(tz, wall + Duration::minutes(15 * quarter)))
    })
}

fn midnight(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    resolve(tz, date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_wire::WeeklyRule;

    fn every_day(start: &str, end: &str, tz: &str) -> Availability {
        let days = [
            Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday,
            Weekday::Friday, Weekday::Saturday, Weekday::Sunday,
        ];
        Availability {
            time_zone: tz.into(),
            weekly: days
                .iter()
                .map(|d| WeeklyRule { weekday: *d, start: start.parse().unwrap(), end: end.parse().unwrap() })
                .collect(),
            exceptions: vec![],
            buffer_minutes: 0,
            min_notice_minutes: 0,
            horizon_days: 365,
            intro: String::new(),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn a_rule_inside_the_spring_forward_gap_yields_only_existing_times() {
        // Europe/Rome jumps 02:00 → 03:00 on 2026-03-29.
        let availability = every_day("01:00", "04:00", "Europe/Rome");
        let query = SlotQuery {
            seller_tz: chrono_tz::Europe::Rome,
            prospect_tz: chrono_tz::Europe::Rome,
            from: "2026-03-29".parse().unwrap(),
            to: "2026-03-29".parse().unwrap(),
            duration: Duration::minutes(60),
            busy: &[],
            now: utc("2026-01-01T00:00:00Z"),
        };
        let starts: Vec<_> = free_slots(&availability, &query).iter().map(|s| s.local_start.clone()).collect();
        // 02:00 does not exist that night; 03:00 is the first hour after the gap.
        assert_eq!(starts, ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]);
    }

    #[test]
    fn busy_intervals_and_buffer_remove_slots() {
        let mut availability = every_day("09:00", "12:00", "UTC");
        availability.buffer_minutes = 15;
        let busy = [(utc("2026-05-04T10:00:00Z"), utc("2026-05-04T10:30:00Z"))];
        let query = SlotQuery {
            seller_tz: chrono_tz::UTC,
            prospect_tz: chrono_tz::UTC,
            from: "2026-05-04".parse().unwrap(),
            to: "2026-05-04".parse().unwrap(),
            duration: Duration::minutes(30),
            busy: &busy,
            now: utc("2026-05-01T00:00:00Z"),
        };
        let starts: Vec<_> = free_slots(&availability, &query).iter().map(|s| s.start.format("%H:%M").to_string()).collect();
        assert_eq!(starts, ["09:00", "11:00", "11:30"]);
    }

    #[test]
    fn notice_horizon_and_day_off_apply() {
        let mut availability = every_day("09:00", "10:00", "UTC");
        availability.min_notice_minutes = 24 * 60;
        availability.horizon_days = 3;
        availability.exceptions = vec![DateException::DayOff { date: "2026-05-03".parse().unwrap() }];
        let query = SlotQuery {
            seller_tz: chrono_tz::UTC,
            prospect_tz: chrono_tz::UTC,
            from: "2026-05-01".parse().unwrap(),
            to: "2026-05-10".parse().unwrap(),
            duration: Duration::minutes(60),
            busy: &[],
            now: utc("2026-05-01T08:00:00Z"),
        };
        let days: Vec<_> = free_slots(&availability, &query).iter().map(|s| s.start.date_naive().to_string()).collect();
        // 1st: within notice; 3rd: day off; after the 4th 08:00: beyond the horizon.
        assert_eq!(days, ["2026-05-02"]);
    }

    #[test]
    fn the_seller_is_open_within_a_rule_of_the_day_in_their_zone() {
        let rome = every_day("09:00", "18:00", "Europe/Rome");
        let tz: Tz = "Europe/Rome".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 08:30 UTC is 09:30 in Rome in winter; 17:30 UTC is 18:30, closed.
        assert!(is_open(&rome, tz, at("2026-12-07T08:30:00Z")));
        assert!(!is_open(&rome, tz, at("2026-12-07T17:30:00Z")));
        assert!(!is_open(&rome, tz, at("2026-12-07T07:59:00Z")), "07:59 UTC is 08:59 in Rome");
        let mut off = rome.clone();
        off.exceptions.push(DateException::DayOff { date: "2026-12-07".parse().unwrap() });
        assert!(!is_open(&off, tz, at("2026-12-07T08:30:00Z")), "a day off");
    }
}
