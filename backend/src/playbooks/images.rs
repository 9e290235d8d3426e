//! Battle card images: one per objection of a playbook, in PostgreSQL `battle_card_images`,
//! served at `/api/playbooks/{id}/objections/{key}/image` (the URL the card's `image_url`
//! carries). The caller checked the content type and size.

use crate::error::Error;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

/// Stores the image of objection `key`'s battle card in playbook `id` of `org` (replacing any
/// earlier one) and points the card's `image_url` at it, in one transaction.
///
/// Errors: [`Error::NotFound`] when `org` has no such playbook or it no such objection.
pub async fn put(pg: &PgPool, org: Uuid, id: Uuid, key: &str, content_type: &str, data: &[u8]) -> Result<(), Error> {
    let mut playbook = super::stored(pg, org, id).await?.ok_or(Error::NotFound)?.playbook;
    let objection = playbook.objections.iter_mut().find(|o| o.key == key).ok_or(Error::NotFound)?;
    objection.battle_card.image_url = Some(format!("/api/playbooks/{id}/objections/{key}/image"));
    let mut tx = pg.begin().await?;
    sqlx::query(
        "INSERT INTO battle_card_images (playbook_id, objection_key, content_type, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (playbook_id, objection_key) DO UPDATE SET content_type = $3, data = $4, updated_at = now()",
    )
    .bind(id)
    .bind(key)
    .bind(content_type)
    .bind(data)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE playbooks SET objections = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(Json(&playbook.objections))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The image of objection `key`'s battle card in playbook `id` of `org`: its content type and
/// bytes.
pub async fn get(pg: &PgPool, org: Uuid, id: Uuid, key: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.content_type, i.data FROM battle_card_images i JOIN playbooks p ON p.id = i.playbook_id
         WHERE i.playbook_id = $1 AND i.objection_key = $2 AND p.organization_id = $3",
    )
    .bind(id)
    .bind(key)
    .bind(org)
    .fetch_optional(pg)
    .await
}

/// The image of objection `key`'s battle card in the playbook of meeting `meeting` (the caller
/// checked the card was presented there): its content type and bytes.
pub async fn of_meeting(pg: &PgPool, meeting: Uuid, key: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.content_type, i.data FROM battle_card_images i JOIN meetings m ON m.playbook_id = i.playbook_id
         WHERE m.id = $1 AND i.objection_key = $2",
    )
    .bind(meeting)
    .bind(key)
    .fetch_optional(pg)
    .await
}
