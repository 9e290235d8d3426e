//! The phone line's numbers (PostgreSQL `phone_numbers`): each is one organization's and
//! answered by the AI agent of one of its meeting types; a call to it becomes a meeting of that
//! type's seller. Every function but [`route`] is scoped by the organization.

use crate::booking::{MeetingType, Seller};
use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{PhoneNumber, PhoneTarget};
use sqlx::PgPool;
use uuid::Uuid;

/// `number` in E.164 form: `+` and 6–15 digits. Spaces, dots, dashes and brackets are dropped;
/// digits without a leading `+` are taken as already international (as SIP trunks send them).
///
/// Errors: [`Error::Invalid`] on `field` when anything else is left or the digit count is off.
pub fn e164(field: &str, number: &str) -> Result<String, Error> {
    let number = number.trim();
    let digits: String = number.strip_prefix('+').unwrap_or(number).chars().filter(|c| !" .-()".contains(*c)).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || !(6..=15).contains(&digits.len()) {
        return Err(Error::invalid(field, "expected a phone number in international form, like +39 02 1234 5678"));
    }
    Ok(format!("+{digits}"))
}

type Row = (Uuid, String, Uuid, DateTime<Utc>);

fn number((id, number, meeting_type_id, created_at): Row) -> PhoneNumber {
    PhoneNumber { id, number, meeting_type_id, created_at }
}

/// The organization's numbers, in the order they were added.
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<PhoneNumber>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as("SELECT id, number, meeting_type_id, created_at FROM phone_numbers WHERE organization_id = $1 ORDER BY created_at, number")
            .bind(org)
            .fetch_all(pg)
            .await?;
    Ok(rows.into_iter().map(number).collect())
}

/// Adds `e164` to the organization's line, answered as meeting type `meeting_type`.
///
/// Errors: [`Error::Invalid`] on `meeting_type_id` when the type is not the organization's or
/// no AI agent runs it (nobody would answer); [`Error::Conflict`] when the number is already on
/// a line (this organization's or another's).
pub async fn create(pg: &PgPool, org: Uuid, e164: &str, meeting_type: Uuid) -> Result<PhoneNumber, Error> {
    let agent: Option<Option<Uuid>> = sqlx::query_scalar("SELECT ai_agent_id FROM meeting_types WHERE id = $1 AND organization_id = $2")
        .bind(meeting_type)
        .bind(org)
        .fetch_optional(pg)
        .await?;
    match agent {
        None => return Err(Error::invalid("meeting_type_id", "no such meeting type in this organization")),
        Some(None) => return Err(Error::invalid("meeting_type_id", "no AI agent runs this meeting type; assign one first")),
        Some(Some(_)) => {}
    }
    let row: Option<Row> = sqlx::query_as(
        "INSERT INTO phone_numbers (organization_id, number, meeting_type_id) VALUES ($1, $2, $3)
         ON CONFLICT (number) DO NOTHING RETURNING id, number, meeting_type_id, created_at",
    )
    .bind(org)
    .bind(e164)
    .bind(meeting_type)
    .fetch_optional(pg)
    .await?;
    row.map(number).ok_or_else(|| Error::Conflict(format!("{e164} is already on a phone line")))
}

/// Removes a number from the organization's line; `false` when it has no such number. Its
/// calls stay in the log.
pub async fn delete(pg: &PgPool, org: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM phone_numbers WHERE id = $1 AND organization_id = $2").bind(id).bind(org).execute(pg).await?;
    Ok(done.rows_affected() == 1)
}

/// The meeting types a number of the organization can be answered as: its active ones that an
/// AI agent runs, by title.
pub async fn targets(pg: &PgPool, org: Uuid) -> Result<Vec<PhoneTarget>, sqlx::Error> {
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT t.id, t.title, u.display_name, a.name FROM meeting_types t
         JOIN users u ON u.id = t.seller_id JOIN ai_agents a ON a.id = t.ai_agent_id
         WHERE t.organization_id = $1 AND t.active ORDER BY t.title, u.display_name",
    )
    .bind(org)
    .fetch_all(pg)
    .await?;
    Ok(rows.into_iter().map(|(meeting_type_id, title, seller_name, agent_name)| PhoneTarget { meeting_type_id, title, seller_name, agent_name }).collect())
}

/// Where a call to a number goes.
pub struct Route {
    /// The number, E.164.
    pub number: String,
    /// Its meeting type's seller: the call is their meeting.
    pub seller: Seller,
    /// The meeting type the call becomes.
    pub kind: MeetingType,
}

/// The route of a call to `e164`; `None` when the number is on no line or its meeting type is
/// no longer active.
pub async fn route(pg: &PgPool, e164: &str) -> Result<Option<Route>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let row: Option<(Uuid, Uuid, String, String, String, Uuid, String, i32, Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT u.id, u.organization_id, u.display_name, u.email, o.name,
                t.id, t.title, t.duration_minutes, t.playbook_id, p.language, t.ai_agent_id
         FROM phone_numbers n
         JOIN meeting_types t ON t.id = n.meeting_type_id AND t.active
         JOIN users u ON u.id = t.seller_id
         JOIN organizations o ON o.id = u.organization_id
         JOIN playbooks p ON p.id = t.playbook_id
         WHERE n.number = $1",
    )
    .bind(e164)
    .fetch_optional(pg)
    .await?;
    Ok(row.map(|(id, organization_id, name, email, organization_name, type_id, title, minutes, playbook, language, ai_agent)| Route {
        number: e164.to_owned(),
        seller: Seller { id, organization_id, name, email, organization_name },
        kind: MeetingType { id: type_id, title, duration: chrono::Duration::minutes(minutes.into()), playbook, language, ai_agent },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stored_in_e164() {
        assert_eq!(e164("n", "+39 02 1234 5678").unwrap(), "+390212345678");
        assert_eq!(e164("n", "390212345678").unwrap(), "+390212345678");
        assert_eq!(e164("n", "+1 (555) 010-0199").unwrap(), "+15550100199");
        for bad in ["", "+", "12345", "+39 02 abc", "+1234567890123456", "++390212345678"] {
            assert!(e164("n", bad).is_err(), "{bad:?}");
        }
    }
}
