//! Writes a meeting's redacted segments and events to MongoDB as they happen, off the live
//! path: the session hands documents to a writer task and never waits for the database.
//!
//! Collections: `segments` (`_id` = `<meeting>:<segment id>`), `events` (`_id` =
//! `<meeting>:<seq>`) and `snapshots` (`_id` = `<meeting>`, the session's latest [`Snapshot`] as
//! JSON). Writes are upserts keyed by those ids, so a retry or a restarted session rewriting the
//! same event never duplicates it. A session started for a meeting that has them — its copilot
//! resumed on another server — continues from them ([`Persister::restore`]).

use crate::analysis::AnalyzerState;
use closer_wire::HudEnvelope;
use mongodb::bson::{Document, doc};
use mongodb::Collection;
use mongodb::options::ReplaceOptions;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the supervisor keeps across restarts of a session; also stored (see
/// [`Persister::snapshot`]) for a session resumed by another server.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    /// Analysis conclusions so far.
    pub analysis: AnalyzerState,
    /// Per speaker: next expected frame sequence number and utterances started.
    pub speakers: HashMap<String, (u32, u64)>,
    /// Capture time of the first frame (origin of the audio axis), ms since the epoch.
    pub origin_ms: Option<u64>,
}

/// Documents waiting for the writer; beyond this the session drops (and logs) rather than
/// block the live path.
const QUEUE: usize = 4096;
/// Attempts per document before giving up (with 200 ms, 400 ms, … between them).
const ATTEMPTS: u32 = 5;

/// What the writer stores for a meeting.
enum Record {
    Event(HudEnvelope),
    /// A [`Snapshot`], serialized.
    Snapshot(String),
}

/// `true` when `meeting` has stored events (it was analysed, live or from a recording).
///
/// Errors: MongoDB unreachable.
pub async fn has_events(db: &mongodb::Database, meeting: uuid::Uuid) -> Result<bool, mongodb::error::Error> {
    Ok(db.collection::<Document>("events").count_documents(doc! {"meeting_id": meeting.to_string()}).await? > 0)
}

/// Handle to a meeting-independent writer task.
#[derive(Clone)]
pub struct Persister {
    db: mongodb::Database,
    queue: mpsc::Sender<(String, Record)>,
    /// Completed writes are counted here so [`Persister::drain`] can wait for the backlog.
    written: Arc<tokio::sync::watch::Sender<u64>>,
    queued: Arc<std::sync::atomic::AtomicU64>,
}

impl Persister {
    /// Starts the writer on `db`.
    pub fn start(db: mongodb::Database) -> Self {
        let (queue, mut rx) = mpsc::channel::<(String, Record)>(QUEUE);
        let written = Arc::new(tokio::sync::watch::Sender::new(0u64));
        let counter = written.clone();
        let writer_db = db.clone();
        tokio::spawn(async move {
            let events = writer_db.collection::<Document>("events");
            let segments = writer_db.collection::<Document>("segments");
            let snapshots = writer_db.collection::<Document>("snapshots");
            while let Some((meeting, record)) = rx.recv().await {
                match record {
                    Record::Event(envelope) => store(&events, &segments, &meeting, &envelope).await,
                    Record::Snapshot(state) => {
                        upsert(&snapshots, &meeting, doc! {"_id": &meeting, "meeting_id": &meeting, "state": state}).await;
                    }
                }
                counter.send_modify(|n| *n += 1);
            }
        });
        Self { db, queue, written, queued: Default::default() }
    }

    /// The stored events of `meeting` in `seq` order, and its latest stored snapshot: what a
    /// session resumed on this server goes on from (both empty for a new meeting).
    ///
    /// Errors: MongoDB unreachable, or a stored snapshot that no longer parses.
    pub async fn restore(&self, meeting: &str) -> anyhow::Result<(Vec<HudEnvelope>, Option<Snapshot>)> {
        let mut cursor = self.db.collection::<Document>("events").find(doc! {"meeting_id": meeting}).await?;
        let mut events = Vec::new();
        while cursor.advance().await? {
            let value = mongodb::bson::Bson::Document(cursor.deserialize_current()?).into_relaxed_extjson();
            events.push(serde_json::from_value::<HudEnvelope>(value)?);
        }
        events.sort_by_key(|e| e.seq);
        let stored = self.db.collection::<Document>("snapshots").find_one(doc! {"_id": meeting}).await?;
        let snapshot = match stored {
            Some(document) => Some(serde_json::from_str(document.get_str("state")?)?),
            None => None,
        };
        Ok((events, snapshot))
    }

    /// Queues `meeting`'s latest snapshot for storage (it replaces the one stored).
    pub fn snapshot(&self, meeting: &str, snapshot: &Snapshot) {
        let state = serde_json::to_string(snapshot).expect("snapshots serialize");
        self.enqueue(meeting, Record::Snapshot(state));
    }

    /// Waits until everything queued so far has been written (or given up on).
    pub async fn drain(&self) {
        let target = self.queued.load(std::sync::atomic::Ordering::SeqCst);
        let mut written = self.written.subscribe();
        let _ = written.wait_for(|n| *n >= target).await;
    }

    /// Queues `envelope` of `meeting` for storage (its text is already redacted).
    pub fn event(&self, meeting: &str, envelope: &HudEnvelope) {
        self.enqueue(meeting, Record::Event(envelope.clone()));
    }

    fn enqueue(&self, meeting: &str, record: Record) {
        let seq = match &record {
            Record::Event(envelope) => Some(envelope.seq),
            Record::Snapshot(_) => None,
        };
        if self.queue.try_send((meeting.to_owned(), record)).is_ok() {
            self.queued.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        } else {
            tracing::error!(meeting, ?seq, "event store queue full: not persisted");
        }
    }
}

/// Writes one event, and the segment when it is a final transcript.
async fn store(events: &Collection<Document>, segments: &Collection<Document>, meeting: &str, envelope: &HudEnvelope) {
    let body = match mongodb::bson::to_document(envelope) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(meeting, seq = envelope.seq, error = %e, "event not representable as BSON");
            return;
        }
    };
    let id = format!("{meeting}:{}", envelope.seq);
    let mut event = doc! {"_id": &id, "meeting_id": meeting};
    event.extend(body.clone());
    upsert(events, &id, event).await;
    if body.get_str("kind") == Ok("transcript_final") {
        let segment_id = body.get_str("segment_id").unwrap_or_default().to_owned();
        let id = format!("{meeting}:{segment_id}");
        let mut segment = doc! {"_id": &id, "meeting_id": meeting};
        segment.extend(body);
        segment.remove("kind");
        upsert(segments, &id, segment).await;
    }
}

async fn upsert(collection: &Collection<Document>, id: &str, document: Document) {
    let options = ReplaceOptions::builder().upsert(true).build();
    for attempt in 0..ATTEMPTS {
        match collection.replace_one(doc! {"_id": id}, document.clone()).with_options(options.clone()).await {
            Ok(_) => return,
            Err(e) if attempt + 1 < ATTEMPTS => {
                tracing::warn!(id, error = %e, "event store write failed; retrying");
                tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            }
            Err(e) => tracing::error!(id, error = %e, "event store write failed; giving up"),
        }
    }
}
