//! The copilot agent: this server registers with livekit-server as an agent *worker* (LiveKit's
//! agent dispatch, [`closer_rtc::Worker`]), and LiveKit hands it one *job* per live meeting —
//! a room to join. The job joins hidden, subscribes the microphone track of every participant
//! who consented to AI assistance (one track = one speaker) and feeds the meeting's live session
//! ([`job`]). This is the only audio path of a live call; the ingest WebSocket stays for
//! recorded calls fed by tools and tests.
//!
//! Meetings ask for the agent when their room is created ([`dispatch::ensure`]). Several server
//! processes may register under the same agent name: LiveKit offers each room's job to one of
//! them under its target load (each reports its CPU share, [`load`]), and a worker takes it by
//! [`load::admit`]: only while no other live worker runs fewer jobs, so the rooms spread evenly,
//! and, when overloaded, only while no other has room. The seller's HUD is told while no job
//! runs the meeting ([`presence`]). Self-hosted livekit-server does not dispatch a job again when its worker dies
//! (livekit/agents#1472); the servers do, from their leases in PostgreSQL ([`lease`]): a job not
//! renewed for [`lease::JOB_TIMEOUT`] is dispatched again by any server's watcher, and the new
//! job's session continues from the stored events and snapshot of the meeting.

pub mod ai_call;
pub mod ai_worker;
pub mod dialogue;
pub mod dispatch;
mod job;
mod jobs;
pub mod lease;
pub mod offer;
pub mod load;
mod microphone;
pub mod name;
pub mod number;
pub mod presence;
pub mod reasoning;
pub mod consent;
pub mod transfer;
mod summon;
pub mod conversation;
pub mod voice;

use crate::state::AppState;
use closer_rtc::{Admission, JoinAs, Offer, Rtc, Worker, WorkerEvent, WorkerOptions};
use livekit_api::access_token::{AccessToken, VideoGrants};
use jobs::Jobs;
use load::{Busy, CpuMeter};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The identity the copilot takes in every meeting's room.
pub const IDENTITY: &str = "agent-copilot";
/// The copilot's display name in a room (nobody but the server's API sees it: it is hidden).
pub const NAME: &str = "Closer copilot";
/// Meetings one worker listens to at once; LiveKit offers further jobs to other workers.
pub const MAX_JOBS: usize = 4;
/// Wait before registering again after the worker connection failed or dropped.
const RETRY: Duration = Duration::from_secs(2);

/// The running copilot worker of this server. Dropping it stops the worker and its jobs.
pub struct Copilot {
    task: tokio::task::JoinHandle<()>,
    watcher: tokio::task::JoinHandle<()>,
    ai_agents: tokio::task::JoinHandle<()>,
}

impl Drop for Copilot {
    fn drop(&mut self) {
        self.task.abort();
        self.watcher.abort();
        self.ai_agents.abort();
    }
}

/// Starts the worker for the life of the returned [`Copilot`]: registers under
/// `livekit_agent_name`, runs each assigned job, renews their leases, and registers again
/// whenever the connection to livekit-server is lost (its jobs stop then; the watcher, running
/// beside it, dispatches their rooms again). Beside it runs the AI agents' worker
/// ([`ai_worker`]). Loads `liblivekit_ffi.so` from the models directory.
///
/// Errors: the library cannot be loaded (`scripts/models` not run).
pub fn start(state: AppState) -> anyhow::Result<Copilot> {
    let library = closer_rtc::library_path(&state.config.models_dir);
    let rtc = Rtc::load(&library).map_err(|e| anyhow::anyhow!("{}: {e}", library.display()))?;
    let watcher = tokio::spawn(watch(state.clone()));
    let ai_agents = ai_worker::start(state.clone(), rtc);
    let task = tokio::spawn(async move {
        loop {
            match register(&state).await {
                Ok((worker, events)) => {
                    tracing::info!(worker = worker.id, agent = state.config.livekit_agent_name, "copilot worker registered");
                    let worker_id = worker.id.clone();
                    serve(&state, rtc, worker, events).await;
                    if let Err(e) = lease::unregistered(&state.pg, &worker_id).await {
                        tracing::warn!(error = %e, "forgetting the worker's registration failed");
                    }
                    tracing::warn!("copilot worker connection lost; registering again");
                }
                Err(e) => tracing::warn!(error = %e, "copilot worker registration failed; retrying"),
            }
            tokio::time::sleep(RETRY).await;
        }
    });
    Ok(Copilot { task, watcher, ai_agents })
}

/// Every [`lease::HEARTBEAT`], dispatches the copilot again where its job stopped; but only
/// once PostgreSQL has answered this watcher for a whole [`lease::JOB_TIMEOUT`]. While the
/// database is unreachable no job can renew its lease, so right after it comes back every
/// lease looks stale, running jobs' included: judged at once, a database restart would throw
/// every copilot out of its call. A [`lease::JOB_TIMEOUT`] later the live jobs have renewed
/// (each every [`lease::HEARTBEAT`]) and only stopped ones are still stale
/// (`backend/tests/faults.rs`).
async fn watch(state: AppState) {
    let rooms = crate::livekit::room_client(&state.config);
    let mut tick = tokio::time::interval(lease::HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reachable_since: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("SELECT 1").execute(&state.pg).await {
            tracing::warn!(error = %e, "the copilot's watcher cannot reach PostgreSQL");
            reachable_since = None;
            continue;
        }
        if reachable_since.get_or_insert_with(tokio::time::Instant::now).elapsed() < lease::JOB_TIMEOUT {
            continue;
        }
        if let Err(e) = dispatch::redispatch_stale(&state.pg, &state.dispatches, &rooms, &state.config.livekit_agent_name).await {
            tracing::warn!(error = %e, "looking for stopped copilot jobs failed");
            reachable_since = None;
        }
    }
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
        hidden: true,
        admit: {
            let (pg, agent_name) = (state.pg.clone(), config.livekit_agent_name.clone());
            Admission::new(move |offer| fair_share(pg.clone(), agent_name.clone(), offer))
        },
    };
    Ok(Worker::register(&config.livekit_url, &token, options).await?)
}

/// Takes an offered job, as [`IDENTITY`] named [`NAME`], by [`load::admit`]: while not
/// overloaded, only if no other live worker runs fewer jobs, so the rooms spread evenly over the
/// deployment's servers (LiveKit alone picks at random, weighted by load); overloaded, only if
/// no other worker has room. When the other workers cannot be read, it takes the job: a copilot
/// on a busy server beats none.
async fn fair_share(pg: sqlx::PgPool, agent_name: String, offer: Offer) -> Option<JoinAs> {
    let take = take_fair_share(&pg, &agent_name, &offer).await;
    take.then(|| JoinAs { identity: IDENTITY.into(), name: NAME.into() })
}

async fn take_fair_share(pg: &sqlx::PgPool, agent_name: &str, offer: &Offer) -> bool {
    let me = Busy { jobs: offer.running, cpu: offer.cpu };
    match lease::others(pg, agent_name, &offer.worker_id).await {
        Ok(others) => {
            let take = load::admit(me, &others);
            tracing::debug!(room = offer.room, running = offer.running, cpu = me.cpu, ?others, take, "copilot job offered");
            take
        }
        Err(e) => {
            tracing::warn!(error = %e, "reading the other workers' jobs failed; taking the job");
            true
        }
    }
}

/// Runs the jobs of one registration until its connection ends; then stops them. Renews their
/// leases every [`lease::HEARTBEAT`], and at once whenever its job count changes (the other
/// workers' [`fair_share`] reads it); every heartbeat also samples the process's CPU share and
/// reports it to LiveKit (and, through the worker, to its own job offers) and the other workers.
async fn serve(
    state: &AppState,
    rtc: Rtc,
    worker: Worker,
    mut events: mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let mut meter = CpuMeter::default();
    let mut cpu = 0.0;
    let worker = Arc::new(worker);
    let mut heartbeat = tokio::time::interval(lease::HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut jobs = Jobs::new("copilot");
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(WorkerEvent::Assigned(assignment)) => {
                    let (state, worker_id) = (state.clone(), worker.id.clone());
                    jobs.start(assignment.job_id.clone(), move |stop| async move { job::run(state, rtc, &worker_id, assignment, stop).await });
                }
                Some(WorkerEvent::Terminated { job_id }) => jobs.terminate(&job_id),
                None => return,
            },
            (job_id, error) = jobs.finished() => worker.finish(&job_id, error.as_deref()),
            _ = heartbeat.tick() => {
                cpu = meter.sample();
                worker.report_cpu(cpu);
            }
        }
        let busy = Busy { jobs: worker.jobs(), cpu };
        if let Err(e) = lease::renew(&state.pg, &worker.id, &state.config.livekit_agent_name, busy).await {
            tracing::warn!(error = %e, "renewing the copilot's leases failed");
        }
    }
}
