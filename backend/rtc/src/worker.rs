//! Agent dispatch: this process registers with livekit-server as an agent *worker* (LiveKit's
//! agent worker protocol, `livekit.WorkerMessage` / `livekit.ServerMessage` over the server's
//! `/agent` WebSocket), and livekit-server hands it jobs — one room each — choosing among the
//! registered workers by their reported load. (Self-hosted livekit-server does not dispatch a
//! job again when its worker goes away, livekit/agents#1472: whoever runs the workers must.)
//!
//! The exchange, in protobuf binary frames (types from `livekit-protocol`):
//! 1. the worker sends `RegisterWorkerRequest { type: JT_ROOM, agent_name, … }`, the server answers
//!    `RegisterWorkerResponse { worker_id }`;
//! 2. for a dispatch (`AgentDispatchService.CreateDispatch` naming the agent), the server asks
//!    `AvailabilityRequest { job }`; the worker accepts with `AvailabilityResponse { available,
//!    participant_identity, participant_name }` while it has capacity and its [`Admission`]
//!    agrees, naming the participant to join as ([`JoinAs`]; an accepted job counts from then on), and declines otherwise (the server then asks
//!    another worker);
//! 3. the server sends `JobAssignment { job, url, token }`: the token admits the worker into the
//!    job's room with the identity it chose, as an agent participant (with the attribute
//!    [`WORKER_ATTRIBUTE`] naming the worker);
//! 4. the worker reports `UpdateJobStatus` when a job ends, `UpdateWorkerStatus { status, load,
//!    job_count }` whenever its jobs or its CPU share change (load = the CPU share,
//!    [`Worker::report_cpu`]; full when every job slot is taken), and pings every
//!    `ping_interval` seconds.
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use livekit_protocol as lk;
use prost::Message as _;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::error::Error;

/// Seconds between the worker's pings (what LiveKit's own SDKs use).
const PING_INTERVAL_S: u32 = 30;

/// A job offered to this worker within its capacity, for its [`Admission`] to decide on.
#[derive(Debug, Clone)]
pub struct Offer {
    /// This worker's id (`AW_…`).
    pub worker_id: String,
    /// Jobs it runs now, accepted ones included (this one not).
    pub running: usize,
    /// The CPU share it last reported ([`Worker::report_cpu`]; 0 before the first report).
    pub cpu: f32,
    /// The job's room.
    pub room: String,
    /// The job's metadata, as given to its dispatch.
    pub metadata: String,
}

/// Who the worker is in a job's room, chosen when it accepts the job (LiveKit's
/// `AvailabilityResponse`; the server mints the assignment's token for it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinAs {
    /// Identity in the room (unique there: a second participant with it replaces the first).
    pub identity: String,
    /// Display name, as the room's other participants see it.
    pub name: String,
}

/// Whether to accept a job [`Offer`]ed within capacity, and as whom: `Some` accepts and joins
/// as that [`JoinAs`], `None` declines. LiveKit waits for the answer (up to its
/// assignment timeout, 7.5 s in livekit-server 1.x). E.g. a fair share across the workers of a
/// deployment: decline while another worker runs fewer jobs, and LiveKit offers it to another;
/// or a name per job, from the dispatch's metadata.
#[derive(Clone)]
pub struct Admission(Arc<Decide>);

/// An [`Admission`]'s decision on one offer.
type Decide = dyn Fn(Offer) -> Pin<Box<dyn Future<Output = Option<JoinAs>> + Send>> + Send + Sync;

impl Admission {
    /// Decides with `decide`.
    pub fn new<F, Fut>(decide: F) -> Self
    where
        F: Fn(Offer) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<JoinAs>> + Send + 'static,
    {
        Self(Arc::new(move |offer| Box::pin(decide(offer))))
    }

    /// Accepts every job the capacity allows, joining each as `participant`.
    pub fn always(participant: JoinAs) -> Self {
        Self::new(move |_| std::future::ready(Some(participant.clone())))
    }
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Admission")
    }
}

/// What this worker offers.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The agent name dispatches must give to reach this worker (explicit dispatch).
    pub agent_name: String,
    /// Jobs run at once at most; further availability requests are declined.
    pub max_jobs: usize,
    /// Join jobs' rooms hidden: the other participants are never told this participant is
    /// there (LiveKit's `hidden` grant; the server's API still lists it).
    pub hidden: bool,
    /// Whether to take a job offered within capacity, and as whom.
    pub admit: Admission,
}

/// A room job livekit-server assigned to this worker.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Job id (`AJ_…`); pass to [`Worker::finish`].
    pub job_id: String,
    /// The room's name.
    pub room: String,
    /// The job's metadata, as given to the dispatch.
    pub metadata: String,
    /// Where to connect, when the server names another URL than the one registered with.
    pub url: Option<String>,
    /// Access token for the room, with the identity this worker chose.
    pub token: String,
}

/// What the server tells a registered worker.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    /// Join this room.
    Assigned(Assignment),
    /// Leave the job's room (dispatch deleted, room closed).
    Terminated {
        /// The job's id.
        job_id: String,
    },
}

/// A registered worker. Dropping it closes the connection; the server marks its jobs' worker
/// gone (and does not dispatch them again).
pub struct Worker {
    /// The id the server gave this worker (`AW_…`).
    pub id: String,
    outgoing: mpsc::UnboundedSender<lk::worker_message::Message>,
    running: Arc<Mutex<Vec<String>>>,
    max_jobs: usize,
    /// The share of its CPU the process uses (f32 bits), from [`Worker::report_cpu`].
    cpu: Arc<AtomicU32>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    /// Registers with the livekit-server at `url` (`http(s)://` or `ws(s)://`), authenticated by
    /// `token` (a JWT with the `agent` video grant), and returns the worker with the stream of
    /// its assignments.
    ///
    /// Errors: [`Error::Rejected`] when the server refuses the connection or the registration.
    pub async fn register(
        url: &str,
        token: &str,
        options: WorkerOptions,
    ) -> Result<(Worker, mpsc::UnboundedReceiver<WorkerEvent>), Error> {
        let endpoint = format!(
            "{}/agent",
            url.trim_end_matches('/').replacen("http", "ws", 1)
        );
        let mut request = endpoint
            .as_str()
            .into_client_request()
            .map_err(|e| Error::Rejected(format!("bad LiveKit URL {endpoint}: {e}")))?;
        let bearer = format!("Bearer {token}")
            .parse()
            .map_err(|_| Error::Rejected("the token is not a valid header value".into()))?;
        request.headers_mut().insert("Authorization", bearer);
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| Error::Rejected(format!("agent worker connection to {endpoint}: {e}")))?;
        let (mut sink, mut stream) = socket.split();

        let register = lk::worker_message::Message::Register(lk::RegisterWorkerRequest {
            r#type: lk::JobType::JtRoom as i32,
            agent_name: options.agent_name.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
            ping_interval: PING_INTERVAL_S,
            // What the server grants in the assignments' tokens: LiveKit's defaults for an
            // agent (subscribe, publish, data, own metadata), plus `hidden` when asked for.
            allowed_permissions: Some(lk::ParticipantPermission {
                can_subscribe: true,
                can_publish: true,
                can_publish_data: true,
                can_update_metadata: true,
                hidden: options.hidden,
                ..Default::default()
            }),
            ..Default::default()
        });
        sink.send(encode(register)).await.map_err(closed)?;
        let id = loop {
            match next(&mut stream).await? {
                lk::server_message::Message::Register(registered) => break registered.worker_id,
                other => tracing::debug!(target: "livekit", ?other, "before registration"),
            }
        };

        let max_jobs = options.max_jobs.max(1);
        let (outgoing, mut to_send) = mpsc::unbounded_channel();
        let (events, received) = mpsc::unbounded_channel();
        let running = Arc::new(Mutex::new(Vec::new()));
        let worker_running = running.clone();
        let cpu = Arc::new(AtomicU32::new(0f32.to_bits()));
        let task_cpu = cpu.clone();
        let outgoing_from_task = outgoing.clone();
        let worker_id = id.clone();
        let task = tokio::spawn(async move {
            let mut ping = tokio::time::interval(Duration::from_secs(PING_INTERVAL_S.into()));
            loop {
                tokio::select! {
                    _ = ping.tick() => {
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_millis() as i64);
                        let ping = lk::worker_message::Message::Ping(lk::WorkerPing { timestamp: now });
                        if sink.send(encode(ping)).await.is_err() { return; }
                    }
                    message = to_send.recv() => {
                        let Some(message) = message else { return };
                        if sink.send(encode(message)).await.is_err() { return; }
                    }
                    message = next(&mut stream) => {
                        let Ok(message) = message else { return };
                        let load = Load { max_jobs, cpu: f32::from_bits(task_cpu.load(Ordering::Relaxed)) };
                        for reply in handle(message, &worker_id, &options, load, &worker_running, &events, &outgoing_from_task) {
                            let _ = outgoing_from_task.send(reply);
                        }
                    }
                }
            }
        });
        let worker = Worker {
            id,
            outgoing,
            running,
            max_jobs,
            cpu,
            task,
        };
        Ok((worker, received))
    }

    /// Reports a job finished: its capacity is free again.
    pub fn finish(&self, job_id: &str, error: Option<&str>) {
        let job_count = {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            running.retain(|j| j != job_id);
            running.len()
        };
        let status = if error.is_some() {
            lk::JobStatus::JsFailed
        } else {
            lk::JobStatus::JsSuccess
        };
        let _ = self.outgoing.send(lk::worker_message::Message::UpdateJob(
            lk::UpdateJobStatus {
                job_id: job_id.to_owned(),
                status: status as i32,
                error: error.unwrap_or_default().to_owned(),
            },
        ));
        self.report_load(job_count);
    }

    /// Jobs this worker runs now.
    pub fn jobs(&self) -> usize {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Reports the share (0–1) of the CPU available to this process that it uses now, as the
    /// worker's load: livekit-server offers a job only to workers under its `target_load` (0.7
    /// by default) and picks among them weighing each by `1 − load`
    /// (`AgentHandler.JobRequestAffinity`, `selectWorkerWeightedByLoad`).
    pub fn report_cpu(&self, share: f32) {
        self.cpu.store(share.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
        self.report_load(self.jobs());
    }

    fn report_load(&self, job_count: usize) {
        let load = Load { max_jobs: self.max_jobs, cpu: f32::from_bits(self.cpu.load(Ordering::Relaxed)) };
        let _ = self.outgoing.send(status_update(job_count, load));
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // The task owns the socket: aborting it closes the connection.
        self.task.abort();
    }
}

/// The participant attribute naming the worker that runs a job: LiveKit's room API then shows
/// which worker (process) each room's agent runs in.
pub const WORKER_ATTRIBUTE: &str = "closer.worker_id";

/// The server's message, answered: availability by capacity, an assignment recorded and passed on.
fn handle(
    message: lk::server_message::Message,
    worker_id: &str,
    options: &WorkerOptions,
    load: Load,
    running: &Arc<Mutex<Vec<String>>>,
    events: &mpsc::UnboundedSender<WorkerEvent>,
    outgoing: &mpsc::UnboundedSender<lk::worker_message::Message>,
) -> Vec<lk::worker_message::Message> {
    use lk::server_message::Message as M;
    match message {
        M::Availability(request) => {
            let Some(job) = request.job else {
                return Vec::new();
            };
            // A job counts from its offer on (released if declined), not from its assignment,
            // which can come later: the server may meanwhile ask about the next job.
            let before = {
                let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
                let before = running.len();
                (before < load.max_jobs).then(|| {
                    running.push(job.id.clone());
                    before
                })
            };
            let answer = {
                let worker_id = worker_id.to_owned();
                move |job_id: String, participant: Option<JoinAs>| {
                    let available = participant.is_some();
                    let JoinAs { identity, name } = participant.unwrap_or_default();
                    lk::worker_message::Message::Availability(lk::AvailabilityResponse {
                        job_id,
                        available,
                        participant_identity: identity,
                        participant_name: name,
                        participant_attributes: [(WORKER_ATTRIBUTE.to_owned(), worker_id)].into(),
                        ..Default::default()
                    })
                }
            };
            let Some(before) = before else {
                return vec![answer(job.id, None)];
            };
            let offer = Offer {
                worker_id: worker_id.to_owned(),
                running: before,
                cpu: load.cpu,
                room: job.room.map(|r| r.name).unwrap_or_default(),
                metadata: job.metadata,
            };
            let (admit, running, outgoing) = (options.admit.clone(), running.clone(), outgoing.clone());
            tokio::spawn(async move {
                let participant = (admit.0)(offer).await;
                if participant.is_none() {
                    running.lock().unwrap_or_else(|p| p.into_inner()).retain(|j| *j != job.id);
                }
                let _ = outgoing.send(answer(job.id, participant));
            });
            Vec::new()
        }
        M::Assignment(assignment) => {
            let Some(job) = assignment.job else {
                return Vec::new();
            };
            let job_count = {
                let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
                if !running.contains(&job.id) {
                    running.push(job.id.clone());
                }
                running.len()
            };
            let job_id = job.id.clone();
            let _ = events.send(WorkerEvent::Assigned(Assignment {
                room: job.room.map(|r| r.name).unwrap_or_default(),
                job_id: job.id,
                metadata: job.metadata,
                url: assignment.url.filter(|u| !u.is_empty()),
                token: assignment.token,
            }));
            vec![running_update(&job_id), status_update(job_count, load)]
        }
        M::Termination(termination) => {
            let job_count = {
                let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
                running.retain(|j| *j != termination.job_id);
                running.len()
            };
            let _ = events.send(WorkerEvent::Terminated {
                job_id: termination.job_id,
            });
            vec![status_update(job_count, load)]
        }
        _ => Vec::new(),
    }
}

/// `UpdateJobStatus { JS_RUNNING }`: the job is taken.
fn running_update(job_id: &str) -> lk::worker_message::Message {
    lk::worker_message::Message::UpdateJob(lk::UpdateJobStatus {
        job_id: job_id.to_owned(),
        status: lk::JobStatus::JsRunning as i32,
        error: String::new(),
    })
}

/// What a worker's status is made of: its job slots and the CPU share it reported.
#[derive(Clone, Copy, Debug)]
struct Load {
    max_jobs: usize,
    cpu: f32,
}

/// `UpdateWorkerStatus`: full when every job slot is taken (LiveKit then offers it nothing),
/// load = the CPU share (1 when full). Not the share of slots taken, as before: LiveKit offers
/// no job at or above its target load of 0.7, so with four slots the fourth was never offered.
fn status_update(job_count: usize, load: Load) -> lk::worker_message::Message {
    let Load { max_jobs, cpu } = load;
    let full = job_count >= max_jobs;
    let load = if full { 1.0 } else { cpu.clamp(0.0, 1.0) };
    lk::worker_message::Message::UpdateWorker(lk::UpdateWorkerStatus {
        status: Some(if full {
            lk::WorkerStatus::WsFull
        } else {
            lk::WorkerStatus::WsAvailable
        } as i32),
        load,
        job_count: job_count as u32,
        ..Default::default()
    })
}

fn encode(message: lk::worker_message::Message) -> Message {
    Message::Binary(
        lk::WorkerMessage {
            message: Some(message),
        }
        .encode_to_vec()
        .into(),
    )
}

/// The next server message; errors when the connection ends or sends something undecodable.
async fn next<S>(stream: &mut S) -> Result<lk::server_message::Message, Error>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                if let Some(message) = lk::ServerMessage::decode(bytes.as_ref())?.message {
                    return Ok(message);
                }
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(Error::Rejected(format!(
                    "livekit-server closed the worker connection: {frame:?}"
                )));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(closed(e)),
            None => return Err(Error::Closed),
        }
    }
}

fn closed(e: tokio_tungstenite::tungstenite::Error) -> Error {
    Error::Rejected(format!("agent worker connection: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(job_count: usize, max_jobs: usize, cpu: f32) -> (i32, f32) {
        match status_update(job_count, Load { max_jobs, cpu }) {
            lk::worker_message::Message::UpdateWorker(u) => (u.status.unwrap(), u.load),
            other => panic!("not a status update: {other:?}"),
        }
    }

    #[test]
    fn the_load_is_the_cpu_share_and_full_is_every_slot_taken() {
        let available = lk::WorkerStatus::WsAvailable as i32;
        assert_eq!(reported(0, 4, 0.1), (available, 0.1));
        assert_eq!(reported(3, 4, 0.2), (available, 0.2), "a fourth job is still offered");
        assert_eq!(reported(1, 4, 0.8), (available, 0.8));
        assert_eq!(reported(4, 4, 0.2), (lk::WorkerStatus::WsFull as i32, 1.0));
    }
}
