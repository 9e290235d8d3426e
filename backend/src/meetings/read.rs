//! Meetings as their organization sees them: one meeting if the user may see it, or a window
//! of them (today, upcoming, past).

use crate::auth::AuthUser;
use crate::config::Config;
use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{Meeting, PublicMeeting, Role, Summons};
use sqlx::PgPool;
use uuid::Uuid;

const COLUMNS: &str = "m.id, m.title, m.host_id, m.playbook_id, m.starts_at, m.ends_at, m.status, m.started_at, m.ended_at, b.id AS booking_id,
                       m.summoned_by, m.summoned_agent, m.summoned_until";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    host_id: Uuid,
    playbook_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    status: String,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    booking_id: Option<Uuid>,
    summoned_by: Option<String>,
    summoned_agent: Option<String>,
    summoned_until: Option<DateTime<Utc>>,
}

/// The meeting of `row`; a guest's request for the host shows only while they hold.
fn meeting(config: &Config, row: Row) -> Result<Meeting, sqlx::Error> {
    let Row { id, title, host_id, playbook_id, starts_at, ends_at, status, started_at, ended_at, booking_id, summoned_by, summoned_agent, summoned_until } = row;
    let summons = match (summoned_by, summoned_agent, summoned_until) {
        (Some(guest), Some(agent), Some(until)) if until > Utc::now() => Some(Summons { guest, agent, until }),
        _ => None,
    };
    Ok(Meeting {
        id,
        title,
        host_id,
        playbook_id,
        starts_at,
        ends_at,
        status: crate::meetings::parse_status(&status)?,
        started_at,
        ended_at,
        guest_url: super::guest_url(config, id),
        booking_id,
        summons,
    })
}

/// The meeting if `user` may see it (its guest link built on `config`'s public URL): any meeting of the organization for managers and
/// admins, only their own for sellers. Otherwise 404 (existence is not revealed).
pub async fn visible(pg: &PgPool, config: &Config, user: &AuthUser, id: Uuid) -> Result<Meeting, Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM meetings m LEFT JOIN bookings b ON b.meeting_id = m.id
         WHERE m.id = $1 AND m.organization_id = $2 AND ($3 OR m.host_id = $4)"
    ))
    .bind(id)
    .bind(user.org)
    .bind(user.role != Role::Seller)
    .bind(user.id)
    .fetch_optional(pg)
    .await?;
    Ok(meeting(config, row.ok_or(Error::NotFound)?)?)
}

/// Which meetings [`list`] returns.
#[derive(Clone, Copy, Debug)]
pub enum Window {
    /// Starting in `[from, to)`, earliest first (e.g. the caller's calendar day).
    Starting { from: DateTime<Utc>, to: DateTime<Utc> },
    /// Not yet over at `now` (scheduled or live), earliest first.
    Upcoming { now: DateTime<Utc> },
    /// Over at `now` (ended, processed or cancelled, or past their end), latest first.
    Past { now: DateTime<Utc> },
    /// The caller's own meetings whose guest asks for them at `now` (a summons not yet expired,
    /// [`super::summons`]), earliest first: what their apps poll every few seconds, so it
    /// reads only those rows, and never another seller's (a manager is not the one asked for).
    Summoned { now: DateTime<Utc> },
}

/// The meetings of `window` that `user` may see (see [`visible`]), at most 500.
///
/// Errors: the database, or a row with an unknown status.
pub async fn list(pg: &PgPool, config: &Config, user: &AuthUser, window: Window) -> Result<Vec<Meeting>, Error> {
    let (filter, order, from, to) = match window {
        Window::Starting { from, to } => ("m.starts_at >= $3 AND m.starts_at < $4", "ASC", from, to),
        Window::Upcoming { now } => ("m.ends_at >= $3 AND m.status IN ('scheduled', 'live') AND $4 = $4", "ASC", now, now),
        Window::Past { now } => ("(m.ends_at < $3 OR m.status IN ('ended', 'processed', 'cancelled')) AND $4 = $4", "DESC", now, now),
        Window::Summoned { now } => ("m.summoned_until > $3 AND m.host_id = $5 AND $4 = $4", "ASC", now, now),
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM meetings m LEFT JOIN bookings b ON b.meeting_id = m.id
         WHERE m.organization_id = $1 AND ($2 OR m.host_id = $5) AND {filter}
         ORDER BY m.starts_at {order} LIMIT 500"
    ))
    .bind(user.org)
    .bind(user.role != Role::Seller)
    .bind(from)
    .bind(to)
    .bind(user.id)
    .fetch_all(pg)
    .await?;
    Ok(rows.into_iter().map(|r| meeting(config, r)).collect::<Result<_, _>>()?)
}

/// What a guest link shows before joining (anyone holding the link): title, host and
/// organization names, start and status; `None` for an unknown meeting.
///
/// Errors: the database, or a status this build does not know.
pub async fn public(pg: &PgPool, id: Uuid) -> Result<Option<PublicMeeting>, sqlx::Error> {
    let row: Option<(String, String, String, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT m.title, u.display_name, o.name, m.starts_at, m.status FROM meetings m
         JOIN users u ON u.id = m.host_id JOIN organizations o ON o.id = m.organization_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(pg)
    .await?;
    row.map(|(title, host_name, organization_name, starts_at, status)| {
        Ok(PublicMeeting { title, host_name, organization_name, starts_at, status: super::parse_status(&status)? })
    })
    .transpose()
}
