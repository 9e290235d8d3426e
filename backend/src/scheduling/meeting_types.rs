//! A seller's meeting types: what their booking page offers, each run by the seller or by one of
//! the organization's AI agents, with a playbook of the organization. Fields are checked at the
//! edge (`http/availability.rs`); the references to other rows are checked here.

use crate::auth::AuthUser;
use crate::error::Error;
use closer_wire::{MeetingType, MeetingTypeInput};
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use sqlx::{PgPool, Postgres};
use uuid::Uuid;

type Row = (Uuid, String, String, i32, Uuid, bool, String, Option<Uuid>);
const COLUMNS: &str = "id, slug, title, duration_minutes, playbook_id, active, description, ai_agent_id";
const SLUG_TAKEN: &str = "you already have a meeting type with this slug";

fn meeting_type((id, slug, title, duration, playbook_id, active, description, ai_agent_id): Row) -> MeetingType {
    MeetingType { id, slug, title, duration_minutes: duration.max(0) as u32, playbook_id, active, description, ai_agent_id }
}

/// Binds a meeting type's fields, `$3`–`$9` of both statements: slug, title, duration, playbook,
/// active, description, AI agent.
fn with_fields<'q>(query: QueryAs<'q, Postgres, Row, PgArguments>, slug: &'q str, title: &'q str, input: &'q MeetingTypeInput) -> QueryAs<'q, Postgres, Row, PgArguments> {
    query
        .bind(slug)
        .bind(title)
        .bind(input.duration_minutes as i32)
        .bind(input.playbook_id)
        .bind(input.active)
        .bind(input.description.trim())
        .bind(input.ai_agent_id)
}

/// Errors: [`Error::Invalid`] when the playbook or the AI agent is not the caller's
/// organization's.
async fn check_references(pg: &PgPool, user: &AuthUser, input: &MeetingTypeInput) -> Result<(), Error> {
    crate::playbooks::check_owned(pg, user.org, input.playbook_id).await?;
    if let Some(agent) = input.ai_agent_id
        && crate::ai_agents::get(pg, user.org, agent).await?.is_none()
    {
        return Err(Error::invalid("ai_agent_id", "no such AI agent in your organization"));
    }
    Ok(())
}

/// The caller's meeting types, by title.
pub async fn list(pg: &PgPool, user: &AuthUser) -> Result<Vec<MeetingType>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM meeting_types WHERE seller_id = $1 AND organization_id = $2 ORDER BY title"))
        .bind(user.id)
        .bind(user.org)
        .fetch_all(pg)
        .await?;
    Ok(rows.into_iter().map(meeting_type).collect())
}

/// Adds a meeting type to the caller's page; `slug` and `title` are the input's, checked.
///
/// Errors: [`Error::Invalid`] for another organization's playbook or agent,
/// [`Error::Conflict`] when the caller has a type with this slug.
pub async fn create(pg: &PgPool, user: &AuthUser, slug: &str, title: &str, input: &MeetingTypeInput) -> Result<MeetingType, Error> {
    check_references(pg, user, input).await?;
    let sql = format!(
        "INSERT INTO meeting_types (organization_id, seller_id, slug, title, duration_minutes, playbook_id, active, description, ai_agent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    );
    let insert = sqlx::query_as(&sql).bind(user.org).bind(user.id);
    let row = with_fields(insert, slug, title, input).fetch_one(pg).await.map_err(|e| Error::unique_conflict(e, SLUG_TAKEN))?;
    Ok(meeting_type(row))
}

/// Changes the caller's meeting type `id`.
///
/// Errors: as [`create`], and [`Error::NotFound`] when `id` is not the caller's.
pub async fn update(pg: &PgPool, user: &AuthUser, id: Uuid, slug: &str, title: &str, input: &MeetingTypeInput) -> Result<MeetingType, Error> {
    check_references(pg, user, input).await?;
    let sql = format!(
        "UPDATE meeting_types SET slug = $3, title = $4, duration_minutes = $5, playbook_id = $6, active = $7, description = $8,
             ai_agent_id = $9
         WHERE id = $1 AND seller_id = $2 RETURNING {COLUMNS}"
    );
    let update = sqlx::query_as(&sql).bind(id).bind(user.id);
    let row = with_fields(update, slug, title, input).fetch_optional(pg).await.map_err(|e| Error::unique_conflict(e, SLUG_TAKEN))?;
    Ok(meeting_type(row.ok_or(Error::NotFound)?))
}

/// Removes the caller's meeting type `id`, or deactivates it when bookings refer to it (they
/// keep their history).
///
/// Errors: [`Error::NotFound`] when `id` is not the caller's.
pub async fn delete(pg: &PgPool, user: &AuthUser, id: Uuid) -> Result<(), Error> {
    let deleted = sqlx::query("DELETE FROM meeting_types WHERE id = $1 AND seller_id = $2").bind(id).bind(user.id).execute(pg).await;
    let affected = match deleted {
        Ok(done) => done.rows_affected(),
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => sqlx::query("UPDATE meeting_types SET active = false WHERE id = $1 AND seller_id = $2")
            .bind(id)
            .bind(user.id)
            .execute(pg)
            .await?
            .rows_affected(),
        Err(e) => return Err(e.into()),
    };
    if affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
