//! Playbook storage and validation (the interchange format of `closer_wire::Playbook`), and
//! the images of their battle cards (`images`).

pub mod images;

use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{Playbook, StoredPlaybook};
use sqlx::PgPool;
use sqlx::types::Json;
use std::collections::HashSet;
use uuid::Uuid;

/// Starter playbooks every organization can start from (`GET /api/playbooks/starters`), keyed
/// by a slug: two from `shared/fixtures/playbooks` (copied verbatim) and two written for the
/// demo, in English and Italian. The demo organization is seeded with all four.
pub const STARTERS: [(&str, &str); 4] = [
    ("discovery-call", include_str!("../../seed/discovery-call.en.json")),
    ("primo-contatto", include_str!("../../seed/primo-contatto.it.json")),
    ("technical-demo", include_str!("../../seed/technical-demo.en.json")),
    ("demo-tecnica", include_str!("../../seed/demo-tecnica.it.json")),
];

/// The starter playbook of `key`, parsed; `None` for an unknown key.
pub fn starter(key: &str) -> Option<Playbook> {
    STARTERS.iter().find(|(k, _)| *k == key).map(|(_, text)| serde_json::from_str(text).expect("built-in starter playbooks parse"))
}

/// Adds starter `key` to `org` under its own name, once: when the organization already has a
/// playbook of that name, that one is returned. Returns `(id, created)`.
///
/// Errors: [`Error::NotFound`] for an unknown key.
pub async fn add_starter(pg: &PgPool, org: Uuid, key: &str) -> Result<(Uuid, bool), Error> {
    let playbook = starter(key).ok_or(Error::NotFound)?;
    let existing: Option<Uuid> = sqlx::query_scalar("SELECT id FROM playbooks WHERE organization_id = $1 AND name = $2")
        .bind(org)
        .bind(playbook.name.trim())
        .fetch_optional(pg)
        .await?;
    match existing {
        Some(id) => Ok((id, false)),
        None => match insert(pg, org, &playbook).await {
            Ok(id) => Ok((id, true)),
            // Added concurrently by another click: the unique name makes it the same one.
            Err(Error::Conflict(_)) => Box::pin(add_starter(pg, org, key)).await,
            Err(e) => Err(e),
        },
    }
}

/// A playbook row: an id (the playbook's or its organization's), name, language, checklist,
/// objections, updated_at.
type Row = (Uuid, String, String, Json<Vec<closer_wire::ChecklistItem>>, Json<Vec<closer_wire::Objection>>, DateTime<Utc>);

/// The row's id, playbook and update time.
fn from_row((id, name, language, checklist, objections, updated_at): Row) -> (Uuid, Playbook, DateTime<Utc>) {
    (id, Playbook { name, language, checklist: checklist.0, objections: objections.0 }, updated_at)
}

/// Loads playbook `id` (any organization: callers scope by organization first) as
/// `(organization id, playbook, updated_at)`.
pub async fn load(pg: &PgPool, id: Uuid) -> Result<Option<(Uuid, Playbook, DateTime<Utc>)>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT organization_id, name, language, checklist, objections, updated_at FROM playbooks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pg)
    .await?;
    Ok(row.map(from_row))
}

/// Checks that playbook `id` is organization `org`'s, before a meeting or meeting type uses it.
///
/// Errors: [`Error::Invalid`] on `playbook_id` when it is not.
pub async fn check_owned(pg: &PgPool, org: Uuid, id: Uuid) -> Result<(), Error> {
    let owned: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM playbooks WHERE id = $1 AND organization_id = $2)")
        .bind(id)
        .bind(org)
        .fetch_one(pg)
        .await?;
    if owned { Ok(()) } else { Err(Error::invalid("playbook_id", "no such playbook in your organization")) }
}

/// Checks a playbook before storing it; the error names the offending field
/// (`checklist[2].key`).
///
/// Rules: name 1–100 chars; language two lower-case letters; keys `[a-z0-9_]{1,64}` unique per
/// list; at least one checklist item (without one the copilot has nothing to tick); titles 1–200
/// chars; at least one example per item/objection, each 1–500 chars, at most 50; thresholds in
/// (0, 1]; battle card title 1–200 chars, ≤ 20 points of 1–500 chars.
pub fn validate(playbook: &Playbook) -> Result<(), Error> {
    text("name", &playbook.name, 100)?;
    if !(playbook.language.len() == 2 && playbook.language.bytes().all(|b| b.is_ascii_lowercase())) {
        return Err(Error::invalid("language", "expected an ISO 639-1 code such as \"en\" or \"it\""));
    }
    if playbook.checklist.is_empty() {
        return Err(Error::invalid("checklist", "add at least one checklist item: it is what the copilot ticks during the call"));
    }
    let mut keys = HashSet::new();
    for (i, item) in playbook.checklist.iter().enumerate() {
        let at = format!("checklist[{i}]");
        key(&at, &item.key, &mut keys)?;
        text(&format!("{at}.title"), &item.title, 200)?;
        examples(&at, &item.examples)?;
        threshold(&at, item.threshold, "a probability")?;
    }
    let mut keys = HashSet::new();
    for (i, objection) in playbook.objections.iter().enumerate() {
        let at = format!("objections[{i}]");
        key(&at, &objection.key, &mut keys)?;
        text(&format!("{at}.title"), &objection.title, 200)?;
        examples(&at, &objection.examples)?;
        threshold(&at, objection.threshold, "a cosine similarity")?;
        text(&format!("{at}.battle_card.title"), &objection.battle_card.title, 200)?;
        if objection.battle_card.points.len() > 20 {
            return Err(Error::invalid(format!("{at}.battle_card.points"), "at most 20 points"));
        }
        for (j, point) in objection.battle_card.points.iter().enumerate() {
            text(&format!("{at}.battle_card.points[{j}]"), point, 500)?;
        }
    }
    Ok(())
}

fn text(field: &str, value: &str, max: usize) -> Result<(), Error> {
    let len = value.trim().chars().count();
    if len == 0 || len > max {
        return Err(Error::invalid(field, format!("must be 1–{max} characters")));
    }
    Ok(())
}

fn key<'a>(at: &str, key: &'a str, seen: &mut HashSet<&'a str>) -> Result<(), Error> {
    let ok = (1..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(Error::invalid(format!("{at}.key"), "expected 1–64 characters of [a-z0-9_]"));
    }
    if !seen.insert(key) {
        return Err(Error::invalid(format!("{at}.key"), format!("duplicate key \"{key}\"")));
    }
    Ok(())
}

fn examples(at: &str, examples: &[String]) -> Result<(), Error> {
    if examples.is_empty() || examples.len() > 50 {
        return Err(Error::invalid(format!("{at}.examples"), "expected 1–50 example phrasings"));
    }
    for (j, example) in examples.iter().enumerate() {
        text(&format!("{at}.examples[{j}]"), example, 500)?;
    }
    Ok(())
}

/// A per-item threshold is a probability of the checklist model, a per-objection one a cosine
/// (see `analysis`); both must lie in (0, 1].
fn threshold(at: &str, threshold: Option<f32>, what: &str) -> Result<(), Error> {
    match threshold {
        Some(t) if !(t > 0.0 && t <= 1.0) => Err(Error::invalid(format!("{at}.threshold"), format!("expected {what} in (0, 1]"))),
        _ => Ok(()),
    }
}

/// Inserts `playbook` into `org`; returns its id.
///
/// Errors: [`Error::Conflict`] when the organization already has a playbook of that name.
pub async fn insert(pg: &PgPool, org: Uuid, playbook: &Playbook) -> Result<Uuid, Error> {
    validate(playbook)?;
    sqlx::query_scalar(
        "INSERT INTO playbooks (organization_id, name, language, checklist, objections)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org)
    .bind(playbook.name.trim())
    .bind(&playbook.language)
    .bind(Json(&playbook.checklist))
    .bind(Json(&playbook.objections))
    .fetch_one(pg)
    .await
    .map_err(|e| unique_name(e, &playbook.name))
}

/// The playbooks of `org`, by name.
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<StoredPlaybook>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, language, checklist, objections, updated_at FROM playbooks
         WHERE organization_id = $1 ORDER BY name",
    )
    .bind(org)
    .fetch_all(pg)
    .await?;
    Ok(rows
        .into_iter()
        .map(from_row)
        .map(|(id, playbook, updated_at)| StoredPlaybook { id, playbook, updated_at })
        .collect())
}

/// Playbook `id` if it is `org`'s.
pub async fn stored(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<StoredPlaybook>, sqlx::Error> {
    Ok(match load(pg, id).await? {
        Some((owner, playbook, updated_at)) if owner == org => Some(StoredPlaybook { id, playbook, updated_at }),
        _ => None,
    })
}

/// Deletes playbook `id` of `org`; `false` when there is no such playbook in `org`.
///
/// Errors: [`Error::Conflict`] while meetings or meeting types use it.
pub async fn delete(pg: &PgPool, org: Uuid, id: Uuid) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM playbooks WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .execute(pg)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Error::Conflict("this playbook is used by meetings or meeting types".into()),
            _ => e.into(),
        })?;
    Ok(done.rows_affected() == 1)
}

/// Replaces playbook `id` of `org`; `false` when there is no such playbook in `org`.
pub async fn update(pg: &PgPool, org: Uuid, id: Uuid, playbook: &Playbook) -> Result<bool, Error> {
    validate(playbook)?;
    let done = sqlx::query(
        "UPDATE playbooks SET name = $3, language = $4, checklist = $5, objections = $6, updated_at = now()
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .bind(playbook.name.trim())
    .bind(&playbook.language)
    .bind(Json(&playbook.checklist))
    .bind(Json(&playbook.objections))
    .execute(pg)
    .await
    .map_err(|e| unique_name(e, &playbook.name))?;
    Ok(done.rows_affected() == 1)
}

fn unique_name(e: sqlx::Error, name: &str) -> Error {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Error::Conflict(format!("a playbook named \"{}\" already exists", name.trim()))
        }
        _ => e.into(),
    }
}
