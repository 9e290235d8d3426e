//! The copilot agent: this server registers with livekit-server as an agent *worker* (LiveKit's
//! agent dispatch, [`closer_rtc::Worker`]), and LiveKit hands it one *job* per live meeting —
//! a room to join. The job joins hidden, subscribes the microphone track of every participant
//! who consented to AI assistance (one track = one speaker) and feeds the meeting's live session
//! ([`job`]). This is the only audio path of a live call; the ingest WebSocket stays for
//! recorded calls fed by tools and tests.
//!
//! Meetings ask for the agent when their room is created ([`dispatch::ensure`]). Several server
//! processes may register under the same agent name: LiveKit gives each room's job to one of
//! them by their reported load. Self-hosted livekit-server does not dispatch a job again when
//! its worker goes away (livekit/agents#1472): that room stays without a copilot (#16).

pub mod dispatch;
mod job;
mod microphone;

use crate::state::AppState;
use closer_rtc::{Rtc, Worker, WorkerEvent, WorkerOptions};
use livekit_api::access_token::{AccessToken, VideoGrants};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The identity the copilot takes in every meeting's room.
pub const IDENTITY: &str = "agent-copilot";
/// The copilot's display name in a room (nobody but the server's API sees it: it is hidden).
pub const NAME: &str = "Closer copilot";
/// Meetings one worker listens to at once; LiveKit offers further jobs to other workers.
pub const MAX_JOBS: usize = 4;
/// Wait before registering again after the worker connection failed or dropped.
const RETRY: Duration = Duration::from_secs(2);

/// Microphones the jobs receive now: room name → identities of their publishers.
pub(crate) type Listening = Arc<Mutex<HashMap<String, BTreeSet<String>>>>;

/// The running copilot worker of this server. Dropping it stops the worker and its jobs.
pub struct Copilot {
    listening: Listening,
    task: tokio::task::JoinHandle<()>,
}

impl Copilot {
    /// Identities of the participants of `room` whose microphone the copilot receives now
    /// (none when it runs no job there), in order.
    pub fn listening_to(&self, room: &str) -> Vec<String> {
        let listening = self.listening.lock().unwrap_or_else(|p| p.into_inner());
        listening.get(room).map(|identities| identities.iter().cloned().collect()).unwrap_or_default()
    }
}

impl Drop for Copilot {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the worker for the life of the returned [`Copilot`]: registers under
/// `livekit_agent_name`, runs each assigned job, and registers again whenever the connection to
/// livekit-server is lost (its jobs stop then, and LiveKit does not dispatch them again: see the
/// module's doc). Loads `liblivekit_ffi.so` from the models directory.
///
/// Errors: the library cannot be loaded (`scripts/models` not run).
pub fn start(state: AppState) -> anyhow::Result<Copilot> {
    let library = closer_rtc::library_path(&state.config.models_dir);
    let rtc = Rtc::load(&library).map_err(|e| anyhow::anyhow!("{}: {e}", library.display()))?;
    let listening = Listening::default();
    let jobs_listening = listening.clone();
    let task = tokio::spawn(async move {
        loop {
            match register(&state).await {
                Ok((worker, events)) => {
                    tracing::info!(worker = worker.id, agent = state.config.livekit_agent_name, "copilot worker registered");
                    serve(&state, rtc, &jobs_listening, worker, events).await;
                    tracing::warn!("copilot worker connection lost; registering again");
                }
                Err(e) => tracing::warn!(error = %e, "copilot worker registration failed; retrying"),
            }
            tokio::time::sleep(RETRY).await;
        }
    });
    Ok(Copilot { listening, task })
}

async fn register(state: &AppState) -> anyhow::Result<(Worker, mpsc::UnboundedReceiver<WorkerEvent>)> {
    let config = &state.config;
    let token = AccessToken::with_api_key(&config.livekit_api_key, &config.livekit_api_secret)
        .with_identity("closer-worker")
        .with_grants(VideoGrants { agent: true, ..Default::default() })
        .to_jwt()?;
    let options = WorkerOptions {
        agent_name: config.livekit_agent_name.clone(),
        max_jobs: MAX_JOBS,
        identity: IDENTITY.into(),
        name: NAME.into(),
        hidden: true,
    };
    Ok(Worker::register(&config.livekit_url, &token, options).await?)
}

/// Runs the jobs of one registration until its connection ends; then stops them.
async fn serve(state: &AppState, rtc: Rtc, listening: &Listening, worker: Worker, mut events: mpsc::UnboundedReceiver<WorkerEvent>) {
    let worker = Arc::new(worker);
    // A job stops when its sender is used or dropped.
    let mut running: HashMap<String, oneshot::Sender<()>> = HashMap::new();
    let (done_tx, mut done) = mpsc::unbounded_channel::<(String, Option<String>)>();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(WorkerEvent::Assigned(assignment)) => {
                    let (stop, stopped) = oneshot::channel();
                    let job_id = assignment.job_id.clone();
                    running.insert(job_id.clone(), stop);
                    let (state, listening, done_tx) = (state.clone(), listening.clone(), done_tx.clone());
                    tokio::spawn(async move {
                        let outcome = job::run(state, rtc, listening, assignment, stopped).await;
                        if let Err(e) = &outcome {
                            tracing::error!(job = job_id, error = %format!("{e:#}"), "copilot job failed");
                        }
                        let _ = done_tx.send((job_id, outcome.err().map(|e| format!("{e:#}"))));
                    });
                }
                Some(WorkerEvent::Terminated { job_id }) => {
                    if let Some(stop) = running.remove(&job_id) {
                        let _ = stop.send(());
                    }
                }
                None => return,
            },
            Some((job_id, error)) = done.recv() => {
                running.remove(&job_id);
                worker.finish(&job_id, error.as_deref());
            }
        }
    }
}
