//! The AI agents' worker (#17): beside the copilot's, this server registers a second LiveKit
//! agent worker, under [`agent_name`], whose jobs are AI agents running meetings by voice
//! ([`super::ai_call`]). A meeting assigned to an AI agent gets a dispatch of that worker with
//! the agent's id as its metadata ([`ensure`]); the worker joins the room visible, as
//! [`IDENTITY`] named after the agent, so the guest sees the agent's tile.
//!
//! The models an AI call needs (the voices, Whisper, the sentence encoder and the BANT
//! assessor) are set up once per process, when the worker starts, and shared by every call; Whisper
//! and the encoder are the live copilot's own ([`crate::live::engines::Engines`]).

use super::ai_call::{self, AiModels, IDENTITY, JobMetadata};
use super::jobs::Jobs;
use crate::config::Config;
use crate::models::ModelPaths;
use crate::state::AppState;
use closer_rtc::{Admission, JoinAs, Offer, Rtc, Worker, WorkerEvent, WorkerOptions};
use livekit_api::access_token::{AccessToken, VideoGrants};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OnceCell, mpsc};
use uuid::Uuid;

/// AI calls one worker runs at once: five, the phone line's concurrent calls (#18). A call
/// costs the worker little beside the copilot's transcription of the same room: its lines are
/// synthesised once (about a tenth of their length; each while the one before it is said),
/// and Whisper decodes the guest's turns one at a time on one thread. `backend/tests/phone_call.rs` calls one line
/// five times at once on 2 cores and prints when each caller first hears the agent; further
/// calls wait for another server's worker (#19).
pub const MAX_JOBS: usize = 5;
/// Wait before registering again after the worker connection failed or dropped.
const RETRY: Duration = Duration::from_secs(2);

/// The agent name of the AI agents' worker: the copilot's (`livekit_agent_name`) + `-ai`.
pub fn agent_name(config: &Config) -> String {
    format!("{}-ai", config.livekit_agent_name)
}

/// Dispatches meeting `meeting`'s AI agent to its room `room` (which must exist) when the
/// meeting is assigned one and no dispatch of the AI worker is there yet. Returns whether the
/// meeting has an AI agent.
///
/// Errors: PostgreSQL, or LiveKit unreachable or refusing the API key.
pub async fn ensure(state: &AppState, meeting: Uuid, room: &str) -> anyhow::Result<bool> {
    let agent: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT ai_agent_id FROM meetings WHERE id = $1").bind(meeting).fetch_optional(&state.pg).await?;
    let Some(agent_id) = agent.flatten() else {
        return Ok(false);
    };
    let metadata = serde_json::to_string(&JobMetadata { agent_id })?;
    super::dispatch::find_or_create(&state.dispatches, &agent_name(&state.config), room, &metadata).await?;
    Ok(true)
}

/// Runs the AI agents' worker until the returned task is aborted: registers, runs each assigned
/// job, and registers again whenever the connection to livekit-server is lost (its calls stop
/// then).
pub fn start(state: AppState, rtc: Rtc) -> tokio::task::JoinHandle<()> {
    let models: Arc<OnceCell<Arc<AiModels>>> = Arc::default();
    tokio::spawn(async move {
        // Loaded now, not at the first call: its caller would hear 3 s of silence first.
        let warm = async {
            if let Err(e) = loaded(&state, &models).await {
                tracing::warn!(error = %e, "the AI agents' models could not be loaded; each call will try again");
            }
        };
        let work = async {
            loop {
                match register(&state).await {
                    Ok((worker, events)) => {
                        tracing::info!(worker = worker.id, agent = agent_name(&state.config), "AI agents' worker registered");
                        serve(&state, rtc, &models, worker, events).await;
                        tracing::warn!("AI agents' worker connection lost; registering again");
                    }
                    Err(e) => tracing::warn!(error = %e, "AI agents' worker registration failed; retrying"),
                }
                tokio::time::sleep(RETRY).await;
            }
        };
        tokio::join!(warm, work);
    })
}

async fn register(state: &AppState) -> anyhow::Result<(Worker, mpsc::UnboundedReceiver<WorkerEvent>)> {
    let config = &state.config;
    let token = AccessToken::with_api_key(&config.livekit_api_key, &config.livekit_api_secret)
        .with_identity("closer-ai-worker")
        .with_grants(VideoGrants { agent: true, ..Default::default() })
        .to_jwt()?;
    let pg = state.pg.clone();
    let options = WorkerOptions {
        agent_name: agent_name(config),
        max_jobs: MAX_JOBS,
        hidden: false,
        admit: Admission::new(move |offer| join_as(pg.clone(), offer)),
    };
    Ok(Worker::register(&config.livekit_url, &token, options).await?)
}

/// Takes a job whose metadata names an AI agent that still exists, joining as [`IDENTITY`]
/// under the agent's name; declines any other (a malformed dispatch, a deleted agent).
async fn join_as(pg: sqlx::PgPool, offer: Offer) -> Option<JoinAs> {
    let Ok(JobMetadata { agent_id }) = serde_json::from_str(&offer.metadata) else {
        tracing::warn!(room = offer.room, "AI agent job without an agent in its metadata; declined");
        return None;
    };
    match sqlx::query_scalar::<_, String>("SELECT name FROM ai_agents WHERE id = $1").bind(agent_id).fetch_optional(&pg).await {
        Ok(Some(name)) => Some(JoinAs { identity: IDENTITY.into(), name }),
        Ok(None) => {
            tracing::warn!(room = offer.room, %agent_id, "the dispatched AI agent no longer exists; declined");
            None
        }
        Err(e) => {
            tracing::warn!(room = offer.room, error = %e, "reading the AI agent failed; declined");
            None
        }
    }
}

/// The AI agents' models, loaded once per process (voices, and the live Whisper and encoder;
/// about 3 s on 2 cores).
///
/// Errors: a model file missing or invalid.
async fn loaded(state: &AppState, models: &OnceCell<Arc<AiModels>>) -> anyhow::Result<Arc<AiModels>> {
    let paths = ModelPaths::in_dir(&state.config.models_dir);
    let engines = state.live.engines().await?;
    let models = models
        .get_or_try_init(|| async move { tokio::task::spawn_blocking(move || AiModels::load(&paths, &engines).map(Arc::new)).await? })
        .await?;
    Ok(models.clone())
}

/// Runs the jobs of one registration until its connection ends; then stops them.
async fn serve(
    state: &AppState,
    rtc: Rtc,
    models: &Arc<OnceCell<Arc<AiModels>>>,
    worker: Worker,
    mut events: mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let mut jobs = Jobs::new("AI agent");
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(WorkerEvent::Assigned(assignment)) => {
                    let (state, models) = (state.clone(), models.clone());
                    jobs.start(assignment.job_id.clone(), move |stop| async move {
                        let models = loaded(&state, &models).await?;
                        ai_call::run(state, rtc, models, assignment, stop).await
                    });
                }
                Some(WorkerEvent::Terminated { job_id }) => jobs.terminate(&job_id),
                None => return,
            },
            (job_id, error) = jobs.finished() => worker.finish(&job_id, error.as_deref()),
        }
    }
}
