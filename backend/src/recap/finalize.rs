//! Finalizing one meeting: flush the live session → mix its replay audio → load the call →
//! compute the recap (LLM notes when configured, else extractive) → store it in MongoDB → in
//! ONE PostgreSQL transaction move the meeting to `processed` and enqueue the
//! `meeting.processed` webhook.
//!
//! Idempotent: a meeting already `processed` is left alone ([`Outcome::AlreadyProcessed`]);
//! a run interrupted after storing the recap but before the commit simply runs again (the
//! recap upsert replaces, the status change and the webhook happen once, together).

use super::build::{self, Notes};
use super::{load, notes_llm, payload, store};
use crate::config::Config;
use crate::llm::LlmClient;
use crate::models::ModelPaths;
use crate::recording::Recorder;
use crate::semantics::encoder::SentenceEncoder;
use crate::webhooks::outbox::{self, Audience};
use closer_wire::MeetingStatus;
use sqlx::PgPool;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Closes a meeting's live session and waits until its last segments and events are stored
/// (the live registry's `end`); finalize calls it before reading MongoDB.
pub type FlushLive = Arc<dyn Fn(Uuid) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// What [`Finalizer::finalize`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The recap was stored and the meeting moved to `processed` (webhook enqueued).
    Processed,
    /// The meeting was already processed: nothing done.
    AlreadyProcessed,
    /// The meeting has not ended (scheduled, live or cancelled): nothing done.
    NotEnded,
    /// No such meeting.
    Unknown,
}

/// Everything finalize needs; shared by the job worker and the HTTP layer.
pub struct Finalizer {
    pg: PgPool,
    mongo: mongodb::Database,
    public_base_url: String,
    llm: Option<LlmClient>,
    models: ModelPaths,
    encoder: OnceCell<Option<Arc<SentenceEncoder>>>,
    flush: Option<FlushLive>,
    recordings_dir: PathBuf,
    recorder: Option<Recorder>,
}

impl Finalizer {
    /// A finalizer on the configured stores, LLM (if any) and models directory.
    pub fn new(config: &Config, pg: PgPool, mongo: mongodb::Database) -> Self {
        Self {
            pg,
            mongo,
            public_base_url: config.public_base_url.clone(),
            llm: LlmClient::from_config(config),
            models: ModelPaths::in_dir(&config.models_dir),
            encoder: OnceCell::new(),
            flush: None,
            recordings_dir: config.recordings_dir.clone(),
            recorder: None,
        }
    }

    /// Waits for `recorder`'s pending writes of a meeting before mixing its replay audio.
    pub fn with_recorder(mut self, recorder: Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Mixes the meeting's replay audio; its API path when there is one. A failure is logged
    /// and leaves the recap without a recording rather than failing finalize.
    async fn recording(&self, meeting: Uuid) -> Option<String> {
        let id = meeting.to_string();
        if let Some(recorder) = &self.recorder {
            recorder.close(&id).await;
        }
        match crate::recording::mix(&self.recordings_dir, &id).await {
            Ok(_) => Some(format!("/api/meetings/{meeting}/recording")),
            Err(crate::recording::MixError::NoTracks) => None,
            Err(e) => {
                tracing::warn!(%meeting, error = %e, "replay audio not mixed");
                None
            }
        }
    }

    /// Calls `flush` before reading a meeting's documents.
    pub fn with_live_flush(mut self, flush: FlushLive) -> Self {
        self.flush = Some(flush);
        self
    }

    /// The sentence encoder, loaded on first use; `None` (logged once) when the models are
    /// missing — the summary then ranks sentences without embeddings.
    async fn encoder(&self) -> Option<Arc<SentenceEncoder>> {
        let models = self.models.clone();
        self.encoder
            .get_or_init(|| async move {
                match tokio::task::spawn_blocking(move || SentenceEncoder::load(&models)).await {
                    Ok(Ok(encoder)) => Some(Arc::new(encoder)),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "recap: sentence encoder unavailable; extractive summary without embeddings");
                        None
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "recap: loading the sentence encoder panicked");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// Finalizes `meeting` (see the module docs).
    ///
    /// Errors: database failures (PostgreSQL or MongoDB); the job worker retries them.
    pub async fn finalize(&self, meeting: Uuid) -> anyhow::Result<Outcome> {
        match crate::meetings::status(&self.pg, meeting).await? {
            None => return Ok(Outcome::Unknown),
            Some(MeetingStatus::Processed) => return Ok(Outcome::AlreadyProcessed),
            Some(MeetingStatus::Ended) => {}
            Some(_) => return Ok(Outcome::NotEnded),
        }
        if let Some(flush) = &self.flush {
            flush(meeting).await;
        }
        let recording_url = self.recording(meeting).await;
        let Some(loaded) = load::load(&self.pg, &self.mongo, meeting).await? else { return Ok(Outcome::Unknown) };
        let (meta, record) = (build::Meta { recording_url, ..loaded.meta }, loaded.record);
        let analysis = build::analyze(&record);
        let notes = self.notes(&record, &meta, &analysis).await;
        let recap = build::recap(&meta, &record, analysis, notes);
        store::put(&self.mongo, loaded.organization, &recap).await?;

        let mut tx = self.pg.begin().await?;
        if !crate::meetings::transition(&mut *tx, meeting, crate::meetings::Transition::Processed).await? {
            // Processed concurrently by another worker, which also sent the webhook.
            return Ok(Outcome::AlreadyProcessed);
        }
        let data = payload::meeting_processed(&mut tx, &recap, &self.public_base_url).await?;
        outbox::enqueue(&mut tx, loaded.organization, crate::webhooks::MEETING_PROCESSED, Some(meeting), data, Audience::Subscribers)
            .await?;
        tx.commit().await?;
        tracing::info!(%meeting, method = recap.summary_method, "meeting finalized");
        Ok(Outcome::Processed)
    }

    async fn notes(&self, record: &super::record::CallRecord, meta: &build::Meta, analysis: &build::Analysis) -> Notes {
        if let Some(llm) = &self.llm {
            match notes_llm::notes(llm, record, &meta.title, analysis, meta.call_date).await {
                Ok(notes) => return notes,
                Err(e) => tracing::warn!(meeting = %meta.meeting_id, error = %e, "LLM notes failed; using the extractive method"),
            }
        }
        let encoder = self.encoder().await;
        build::extractive_notes(record, &meta.title, analysis, meta.call_date, encoder.as_deref())
    }
}
