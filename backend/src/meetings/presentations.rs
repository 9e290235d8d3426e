//! Which battle cards a meeting's host presented ("Present now"), in MongoDB `presentations`
//! (`_id` = `<meeting>:<objection>`, upserted: presenting twice counts once). Recaps and
//! analytics tell shown cards from presented ones; guests may fetch only a presented card's
//! image.

use mongodb::Database;
use mongodb::bson::{Document, doc};
use mongodb::options::UpdateOptions;
use uuid::Uuid;

/// Records that `meeting`'s host presented the card of `objection` (idempotent).
pub async fn record_presented(db: &Database, meeting: Uuid, objection: &str) -> Result<(), mongodb::error::Error> {
    let meeting = meeting.to_string();
    db.collection::<Document>("presentations")
        .update_one(
            doc! {"_id": format!("{meeting}:{objection}")},
            doc! {"$setOnInsert": {"meeting_id": &meeting, "objection": objection, "at": chrono::Utc::now().to_rfc3339()}},
        )
        .with_options(UpdateOptions::builder().upsert(true).build())
        .await?;
    Ok(())
}

/// `true` once the card of `objection` was presented in `meeting`.
pub async fn was_presented(db: &Database, meeting: Uuid, objection: &str) -> Result<bool, mongodb::error::Error> {
    let found = db.collection::<Document>("presentations").count_documents(doc! {"_id": format!("{meeting}:{objection}")}).await?;
    Ok(found > 0)
}
