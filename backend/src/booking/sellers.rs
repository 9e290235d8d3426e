//! A seller's public booking page: who they are and the meeting types a prospect can book.

use crate::error::Error;
use crate::scheduling;
use crate::team::photos;
use chrono::Duration;
use closer_wire::{BookingPage, PublicMeetingType};
use sqlx::PgPool;
use uuid::Uuid;

/// The seller behind a booking page.
pub struct Seller {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub email: String,
    pub organization_name: String,
}

/// The seller whose booking page is `slug`.
///
/// Errors: [`Error::NotFoundMessage`] when no seller has that page.
pub async fn seller(pg: &PgPool, slug: &str) -> Result<Seller, Error> {
    let row: Option<(Uuid, Uuid, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.organization_id, u.display_name, u.email, o.name FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.slug = $1",
    )
    .bind(slug)
    .fetch_optional(pg)
    .await?;
    let (id, organization_id, name, email, organization_name) =
        row.ok_or_else(|| Error::NotFoundMessage("There is no booking page at this address.".into()))?;
    Ok(Seller { id, organization_id, name, email, organization_name })
}

/// One of a seller's active meeting types.
pub struct MeetingType {
    pub id: Uuid,
    pub title: String,
    pub duration: Duration,
    pub playbook: Uuid,
    /// The language of the meeting type's playbook: the seller's notices are written in it.
    pub language: String,
    /// The AI agent that runs its meetings, if any.
    pub ai_agent: Option<Uuid>,
}

/// The active meeting type `slug` of `seller`.
///
/// Errors: [`Error::Invalid`] on `meeting_type` when the seller has no such active type.
pub async fn meeting_type(pg: &PgPool, seller: Uuid, slug: &str) -> Result<MeetingType, Error> {
    let row: Option<(Uuid, String, i32, Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT t.id, t.title, t.duration_minutes, t.playbook_id, p.language, t.ai_agent_id
         FROM meeting_types t JOIN playbooks p ON p.id = t.playbook_id
         WHERE t.seller_id = $1 AND t.slug = $2 AND t.active",
    )
    .bind(seller)
    .bind(slug)
    .fetch_optional(pg)
    .await?;
    let (id, title, minutes, playbook, language, ai_agent) = row.ok_or_else(|| Error::invalid("meeting_type", "no such meeting type on this page"))?;
    Ok(MeetingType { id, title, duration: Duration::minutes(minutes.into()), playbook, language, ai_agent })
}

/// What `/book/{slug}` shows: the seller, their introduction, photo and zone (UTC before they
/// set hours), and their active meeting types by title.
///
/// Errors: [`Error::NotFoundMessage`] when no seller has that page.
pub async fn page(pg: &PgPool, slug: &str) -> Result<BookingPage, Error> {
    let seller = seller(pg, slug).await?;
    let rows: Vec<(String, String, i32, String, Option<String>)> = sqlx::query_as(
        "SELECT t.slug, t.title, t.duration_minutes, t.description, a.name
         FROM meeting_types t LEFT JOIN ai_agents a ON a.id = t.ai_agent_id
         WHERE t.seller_id = $1 AND t.active ORDER BY t.title",
    )
    .bind(seller.id)
    .fetch_all(pg)
    .await?;
    let availability = scheduling::store::load(pg, seller.id).await?;
    let (time_zone, seller_intro) = availability.map(|a| (a.time_zone, a.intro)).unwrap_or_else(|| ("UTC".into(), String::new()));
    let seller_photo_url = photos::url(pg, seller.id, slug).await?;
    Ok(BookingPage {
        seller_name: seller.name,
        seller_intro,
        seller_photo_url,
        organization_name: seller.organization_name,
        time_zone,
        meeting_types: rows
            .into_iter()
            .map(|(slug, title, minutes, description, ai_agent_name)| PublicMeetingType {
                slug,
                title,
                duration_minutes: minutes.max(0) as u32,
                description,
                ai_agent_name,
            })
            .collect(),
    })
}

/// The active meeting type `id` and its seller; `None` when it is gone or inactive.
///
/// Errors: database failures.
pub async fn meeting_type_by_id(pg: &PgPool, id: Uuid) -> Result<Option<(Seller, MeetingType)>, Error> {
    #[allow(clippy::type_complexity)]
    let row: Option<(Uuid, Uuid, String, String, String, String, i32, Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT u.id, u.organization_id, u.display_name, u.email, o.name, t.title, t.duration_minutes, t.playbook_id, p.language, t.ai_agent_id
         FROM meeting_types t JOIN users u ON u.id = t.seller_id JOIN organizations o ON o.id = u.organization_id
         JOIN playbooks p ON p.id = t.playbook_id
         WHERE t.id = $1 AND t.active",
    )
    .bind(id)
    .fetch_optional(pg)
    .await?;
    Ok(row.map(|(seller_id, organization_id, name, email, organization_name, title, minutes, playbook, language, ai_agent)| {
        (
            Seller { id: seller_id, organization_id, name, email, organization_name },
            MeetingType { id, title, duration: Duration::minutes(minutes.into()), playbook, language, ai_agent },
        )
    }))
}
