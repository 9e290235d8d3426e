//! The participants a live session knows, read from PostgreSQL (`participants` table).

use super::session::Participant;
use crate::analysis::SpeakerRole;
use sqlx::PgPool;
use uuid::Uuid;

type Row = (String, String, String, Option<String>);

fn from_row((identity, name, role, consent): Row) -> Option<Participant> {
    let role = match role.as_str() {
        "host" => SpeakerRole::Host,
        "guest" => SpeakerRole::Guest,
        _ => return None, // shadow managers publish nothing
    };
    // The seller's own voice is always analysed (they run the copilot); a guest only with an
    // explicit "accepted".
    let consent = role == SpeakerRole::Host || consent.as_deref() == Some("accepted");
    Some(Participant { identity, name, role, consent })
}

/// Host and guests of `meeting` with their consent.
///
/// Errors: database failures.
pub async fn load(pg: &PgPool, meeting: Uuid) -> Result<Vec<Participant>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT identity, display_name, role, ai_consent FROM participants WHERE meeting_id = $1",
    )
    .bind(meeting)
    .fetch_all(pg)
    .await?;
    Ok(rows.into_iter().filter_map(from_row).collect())
}

/// One participant of `meeting` by LiveKit identity (a guest who joined after the session
/// started); `None` when unknown or a shadow.
///
/// Errors: database failures.
pub async fn load_one(pg: &PgPool, meeting: Uuid, identity: &str) -> Result<Option<Participant>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT identity, display_name, role, ai_consent FROM participants WHERE meeting_id = $1 AND identity = $2",
    )
    .bind(meeting)
    .bind(identity)
    .fetch_optional(pg)
    .await?;
    Ok(row.and_then(from_row))
}
