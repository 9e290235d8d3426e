//! AI agents as an organization configures them (PostgreSQL `ai_agents`, `meetings.ai_agent_id`):
//! name, language, greeting, questions with their BANT criteria, the FAQ they may answer,
//! closing, who receives the leads they qualify. Every function is scoped by the organization.
//! `agent::conversation::Script::of` turns one into the conversation the agent runs by voice.

use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{AgentFaq, AgentQuestion, AiAgent};
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

/// An agent's fields, validated by the HTTP layer.
#[derive(Clone, Debug)]
pub struct Fields {
    pub name: String,
    pub language: String,
    pub persona: String,
    pub greeting: String,
    pub questions: Vec<AgentQuestion>,
    pub faq: Vec<AgentFaq>,
    pub closing: String,
    pub handoff_owner_id: Option<Uuid>,
    pub qualify_score: u8,
}

const COLUMNS: &str =
    "id, name, language, persona, greeting, questions, faq, closing, handoff_owner_id, qualify_score, created_at, updated_at";

type Row = (
    Uuid,
    String,
    String,
    String,
    String,
    Json<Vec<AgentQuestion>>,
    Json<Vec<AgentFaq>>,
    String,
    Option<Uuid>,
    i16,
    DateTime<Utc>,
    DateTime<Utc>,
);

fn agent(row: Row) -> AiAgent {
    let (id, name, language, persona, greeting, Json(questions), Json(faq), closing, handoff_owner_id, qualify_score, created_at, updated_at) = row;
    // The column's CHECK keeps it within 0–100.
    let qualify_score = u8::try_from(qualify_score).unwrap_or(100);
    AiAgent { id, name, language, persona, greeting, questions, faq, closing, handoff_owner_id, qualify_score, created_at, updated_at }
}

/// The organization's agents, by name.
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<AiAgent>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM ai_agents WHERE organization_id = $1 ORDER BY name, id"))
        .bind(org)
        .fetch_all(pg)
        .await?;
    Ok(rows.into_iter().map(agent).collect())
}

/// Agent `id` of the organization.
pub async fn get(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<AiAgent>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM ai_agents WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(pg)
        .await?;
    Ok(row.map(agent))
}

/// Checks that the hand-off owner is an active member of the organization.
///
/// Errors: [`Error::Invalid`] on `handoff_owner_id`.
async fn check_owner(pg: &PgPool, org: Uuid, owner: Option<Uuid>) -> Result<(), Error> {
    let Some(owner) = owner else { return Ok(()) };
    if crate::team::users::is_active_member(&mut *pg.acquire().await?, org, owner).await? {
        Ok(())
    } else {
        Err(Error::invalid("handoff_owner_id", "not an active member of the organization"))
    }
}

/// Stores a new agent.
///
/// Errors: [`Error::Invalid`] for a hand-off owner outside the organization.
pub async fn create(pg: &PgPool, org: Uuid, f: Fields) -> Result<AiAgent, Error> {
    check_owner(pg, org, f.handoff_owner_id).await?;
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO ai_agents (organization_id, name, language, persona, greeting, questions, closing, handoff_owner_id, qualify_score, faq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    ))
    .bind(org)
    .bind(&f.name)
    .bind(&f.language)
    .bind(&f.persona)
    .bind(&f.greeting)
    .bind(Json(&f.questions))
    .bind(&f.closing)
    .bind(f.handoff_owner_id)
    .bind(i16::from(f.qualify_score))
    .bind(Json(&f.faq))
    .fetch_one(pg)
    .await?;
    Ok(agent(row))
}

/// Replaces every field of agent `id`; `None` when it is not the organization's.
///
/// Errors: [`Error::Invalid`] for a hand-off owner outside the organization.
pub async fn replace(pg: &PgPool, org: Uuid, id: Uuid, f: Fields) -> Result<Option<AiAgent>, Error> {
    check_owner(pg, org, f.handoff_owner_id).await?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE ai_agents SET name = $3, language = $4, persona = $5, greeting = $6, questions = $7, closing = $8,
             handoff_owner_id = $9, qualify_score = $10, faq = $11, updated_at = now()
         WHERE id = $1 AND organization_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(org)
    .bind(&f.name)
    .bind(&f.language)
    .bind(&f.persona)
    .bind(&f.greeting)
    .bind(Json(&f.questions))
    .bind(&f.closing)
    .bind(f.handoff_owner_id)
    .bind(i16::from(f.qualify_score))
    .bind(Json(&f.faq))
    .fetch_optional(pg)
    .await?;
    Ok(row.map(agent))
}

/// Deletes agent `id` (its meetings go back to their hosts); `false` when it is not the
/// organization's.
pub async fn delete(pg: &PgPool, org: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM ai_agents WHERE id = $1 AND organization_id = $2").bind(id).bind(org).execute(pg).await?;
    Ok(done.rows_affected() == 1)
}

/// The agent assigned to run meeting `meeting` (`None`: its host runs it).
pub async fn of_meeting(pg: &PgPool, org: Uuid, meeting: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let agent: Option<Option<Uuid>> = sqlx::query_scalar("SELECT ai_agent_id FROM meetings WHERE id = $1 AND organization_id = $2")
        .bind(meeting)
        .bind(org)
        .fetch_optional(pg)
        .await?;
    Ok(agent.flatten())
}

/// Assigns `agent` (or nobody) to run meeting `meeting`, which the caller has already been
/// allowed to change.
///
/// Errors: [`Error::Invalid`] on `agent_id` for an agent that is not the organization's.
pub async fn assign(pg: &PgPool, org: Uuid, meeting: Uuid, agent: Option<Uuid>) -> Result<(), Error> {
    let done = sqlx::query(
        "UPDATE meetings SET ai_agent_id = $3 WHERE id = $1 AND organization_id = $2
           AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM ai_agents WHERE id = $3 AND organization_id = $2))",
    )
    .bind(meeting)
    .bind(org)
    .bind(agent)
    .execute(pg)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::invalid("agent_id", "no such AI agent in the organization"));
    }
    Ok(())
}
