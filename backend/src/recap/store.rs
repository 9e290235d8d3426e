//! The `recaps` MongoDB collection: one document per meeting (`_id` = meeting id), the
//! [`Recap`] as JSON plus `organization_id` for tenant scoping. Written with an upsert, so a
//! finalize that runs again replaces rather than duplicates.

use super::load::documents;
use closer_wire::Recap;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::ReplaceOptions;
use uuid::Uuid;

/// Collection name.
pub const COLLECTION: &str = "recaps";

/// Stores (or replaces) the recap of its meeting.
///
/// Errors: serialization or database failures.
pub async fn put(db: &mongodb::Database, organization: Uuid, recap: &Recap) -> anyhow::Result<()> {
    // Through JSON so ids, dates and numbers are stored as the API shows them.
    let json = serde_json::to_value(recap)?;
    let Bson::Document(mut document) = mongodb::bson::to_bson(&json)? else {
        anyhow::bail!("a recap serializes to an object");
    };
    let id = recap.meeting_id.to_string();
    document.insert("_id", &id);
    document.insert("organization_id", organization.to_string());
    db.collection::<Document>(COLLECTION)
        .replace_one(doc! {"_id": &id}, document)
        .with_options(ReplaceOptions::builder().upsert(true).build())
        .await?;
    Ok(())
}

fn parse(mut value: serde_json::Value) -> Option<Recap> {
    if let Some(object) = value.as_object_mut() {
        object.remove("_id");
        object.remove("organization_id");
    }
    serde_json::from_value(value).map_err(|e| tracing::warn!(error = %e, "stored recap not readable")).ok()
}

/// The recap of `meeting` in `organization`, if finalized.
///
/// Errors: database failures.
pub async fn get(db: &mongodb::Database, organization: Uuid, meeting: Uuid) -> anyhow::Result<Option<Recap>> {
    let found = documents(db, COLLECTION, doc! {"_id": meeting.to_string(), "organization_id": organization.to_string()}).await?;
    Ok(found.into_iter().next().and_then(parse))
}

/// The recaps of `meetings` in `organization` that exist (any order).
///
/// Errors: database failures.
pub async fn get_many(db: &mongodb::Database, organization: Uuid, meetings: &[Uuid]) -> anyhow::Result<Vec<Recap>> {
    let mut out = Vec::new();
    for chunk in meetings.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let filter = doc! {"_id": {"$in": ids}, "organization_id": organization.to_string()};
        out.extend(documents(db, COLLECTION, filter).await?.into_iter().filter_map(parse));
    }
    Ok(out)
}
