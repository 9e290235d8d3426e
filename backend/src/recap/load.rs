//! Reading a finished call: meeting facts, playbook and participants from PostgreSQL; final
//! segments, analysis events and battle-card presentations from MongoDB (`segments`,
//! `events`, `presentations`, all keyed by `meeting_id`).

use super::build::Meta;
use super::record::{CallRecord, Mood, Raised, Segment, Speaker, Tick};
use chrono::{DateTime, Utc};
use closer_wire::{HudEnvelope, HudEvent, Side, WordTiming};
use mongodb::bson::{Bson, Document, doc};
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::BTreeSet;
use uuid::Uuid;

/// A finished call as stored.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub organization: Uuid,
    pub meta: Meta,
    pub record: CallRecord,
}

#[derive(Deserialize)]
struct SegmentDoc {
    segment_id: String,
    speaker: String,
    #[serde(default)]
    speaker_name: String,
    #[serde(default)]
    text: String,
    start_ms: u64,
    end_ms: u64,
    #[serde(default)]
    words: Vec<WordTiming>,
}

/// All documents of `collection` matching `filter`, as plain JSON (numbers as numbers).
pub async fn documents(db: &mongodb::Database, collection: &str, filter: Document) -> Result<Vec<serde_json::Value>, mongodb::error::Error> {
    let mut cursor = db.collection::<Document>(collection).find(filter).await?;
    let mut out = Vec::new();
    while cursor.advance().await? {
        out.push(Bson::Document(cursor.deserialize_current()?).into_relaxed_extjson());
    }
    Ok(out)
}

/// The call of `meeting`; `None` for an unknown meeting or one without its playbook.
///
/// Errors: database failures.
pub async fn load(pg: &PgPool, db: &mongodb::Database, meeting: Uuid) -> anyhow::Result<Option<Loaded>> {
    type Row = (Uuid, Uuid, Uuid, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT organization_id, host_id, playbook_id, title, starts_at, started_at, ended_at FROM meetings WHERE id = $1",
    )
    .bind(meeting)
    .fetch_optional(pg)
    .await?;
    let Some((organization, host_id, playbook_id, title, starts_at, started_at, ended_at)) = row else {
        return Ok(None);
    };
    let Some((_, playbook, _)) = crate::playbooks::load(pg, playbook_id).await? else { return Ok(None) };
    let people: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT identity, display_name, role FROM participants WHERE meeting_id = $1 AND role IN ('host', 'guest')
         ORDER BY created_at, identity",
    )
    .bind(meeting)
    .fetch_all(pg)
    .await?;
    let speakers = people
        .into_iter()
        .map(|(identity, name, role)| Speaker { identity, name, side: if role == "host" { Side::Seller } else { Side::Guest } })
        .collect();

    let id = meeting.to_string();
    let mut segments: Vec<Segment> = documents(db, "segments", doc! {"meeting_id": &id})
        .await?
        .into_iter()
        .filter_map(|value| serde_json::from_value::<SegmentDoc>(value).ok())
        .map(|s| Segment {
            segment_id: s.segment_id,
            speaker_name: if s.speaker_name.is_empty() { s.speaker.clone() } else { s.speaker_name },
            speaker: s.speaker,
            text: s.text,
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            words: s.words,
        })
        .collect();
    segments.sort_by(|a, b| (a.start_ms, a.end_ms, &a.segment_id).cmp(&(b.start_ms, b.end_ms, &b.segment_id)));

    let kinds = ["checklist_ticked", "objection_detected", "sentiment_updated"];
    let mut events: Vec<HudEnvelope> = documents(db, "events", doc! {"meeting_id": &id, "kind": {"$in": kinds.to_vec()}})
        .await?
        .into_iter()
        .filter_map(|value| serde_json::from_value::<HudEnvelope>(value).ok())
        .collect();
    events.sort_by_key(|e| e.seq);
    let (mut ticks, mut objections, mut moods) = (Vec::new(), Vec::new(), Vec::new());
    for envelope in events {
        match envelope.event {
            HudEvent::ChecklistTicked { item, evidence, .. } => ticks.push(Tick { item, evidence }),
            HudEvent::ObjectionDetected { objection, title, evidence, .. } => objections.push(Raised { objection, title, evidence }),
            HudEvent::SentimentUpdated { speaker, label, confidence, segment_id, start_ms, end_ms, .. } => {
                moods.push(Mood { speaker, label, confidence, segment_id, start_ms, end_ms });
            }
            _ => {}
        }
    }
    let presented: BTreeSet<String> = documents(db, "presentations", doc! {"meeting_id": &id})
        .await?
        .into_iter()
        .filter_map(|value| value["objection"].as_str().map(str::to_owned))
        .collect();

    let meta = Meta {
        meeting_id: meeting,
        title,
        host_id,
        playbook_id,
        started_at,
        ended_at,
        call_date: started_at.unwrap_or(starts_at).date_naive(),
        recording_url: None,
    };
    let record = CallRecord {
        language: playbook.language.clone(),
        playbook,
        speakers,
        segments,
        ticks,
        objections,
        moods,
        presented,
    };
    Ok(Some(Loaded { organization, meta, record }))
}
