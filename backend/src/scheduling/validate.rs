//! Validation of a seller's [`Availability`] before it is stored.

use crate::error::Error;
use chrono_tz::Tz;
use closer_wire::{Availability, DateException};

/// Parses an IANA zone name (`"Europe/Rome"`); the error names `field`.
pub fn parse_time_zone(field: &str, name: &str) -> Result<Tz, Error> {
    name.parse::<Tz>()
        .map_err(|_| Error::invalid(field, format!("unknown IANA time zone \"{}\"", name.chars().take(64).collect::<String>())))
}

/// Checks zone, ranges and limits; the error names the field (`weekly[1].end`).
///
/// Rules: known time zone; every rule and extra-hours exception has `start < end`; at most 100
/// weekly rules and 400 exceptions; buffer 0–240 min, notice 0–43200 min, horizon 1–365 days.
pub fn validate(availability: &Availability) -> Result<Tz, Error> {
    let tz = parse_time_zone("time_zone", &availability.time_zone)?;
    if availability.weekly.len() > 100 {
        return Err(Error::invalid("weekly", "at most 100 rules"));
    }
    for (i, rule) in availability.weekly.iter().enumerate() {
        if rule.start >= rule.end {
            return Err(Error::invalid(format!("weekly[{i}].end"), "must be after start"));
        }
    }
    if availability.exceptions.len() > 400 {
        return Err(Error::invalid("exceptions", "at most 400 exceptions"));
    }
    for (i, exception) in availability.exceptions.iter().enumerate() {
        if let DateException::ExtraHours { start, end, .. } = exception
            && start >= end
        {
            return Err(Error::invalid(format!("exceptions[{i}].end"), "must be after start"));
        }
    }
    if availability.buffer_minutes > 240 {
        return Err(Error::invalid("buffer_minutes", "must be 0–240"));
    }
    if availability.min_notice_minutes > 43_200 {
        return Err(Error::invalid("min_notice_minutes", "must be 0–43200"));
    }
    if !(1..=365).contains(&availability.horizon_days) {
        return Err(Error::invalid("horizon_days", "must be 1–365"));
    }
    if availability.intro.chars().count() > 500 {
        return Err(Error::invalid("intro", "at most 500 characters"));
    }
    Ok(tz)
}
