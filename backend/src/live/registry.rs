//! Live sessions of the whole server: one per live meeting, started on first use and
//! supervised — if a session task dies (a panic, or an operator aborting a stuck one) it is
//! restarted from its last snapshot, with the same event bus, so nothing already finalized is
//! lost and no other meeting notices.

use super::bus::EventBus;
use super::engines::Engines;
use super::fanout::Fanout;
use super::persist::Persister;
use super::session::{Clock, Command, COMMAND_QUEUE, Session, SessionSetup, SessionShared};
use crate::models::ModelPaths;
use crate::config::SttProviderKind;
use crate::stt::deepgram::DeepgramConfig;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{OnceCell, mpsc, oneshot};
use tokio::task::AbortHandle;
use uuid::Uuid;

/// Why a session could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// No such meeting (or it has no playbook).
    #[error("meeting not found")]
    NotFound,
    /// The embedded models could not be loaded (see the server log).
    #[error("speech models unavailable: {0}")]
    Models(String),
    /// Database or analysis failure.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A running meeting.
pub struct LiveMeeting {
    /// State shared with the session (participants, bus, snapshot).
    pub shared: Arc<SessionShared>,
    commands: RwLock<Option<mpsc::Sender<Command>>>,
    task: Mutex<Option<AbortHandle>>,
    /// Relays the priority messages sent to this meeting from other server processes.
    relay: Mutex<Option<AbortHandle>>,
}

impl LiveMeeting {
    /// Sends a command, waiting while the session's queue is full (backpressure).
    /// Returns `false` when the meeting has ended.
    pub async fn send(&self, command: Command) -> bool {
        let sender = self.commands.read().unwrap_or_else(|p| p.into_inner()).clone();
        match sender {
            Some(sender) => sender.send(command).await.is_ok(),
            None => false,
        }
    }
}

/// All live meetings of this server.
pub struct LiveRegistry {
    meetings: Mutex<HashMap<Uuid, Arc<LiveMeeting>>>,
    engines: OnceCell<Engines>,
    models: ModelPaths,
    /// Set when the server can use Deepgram for live STT (see [`DeepgramConfig::from_config`]).
    deepgram: Option<DeepgramConfig>,
    /// The server's default provider; organizations and meetings may choose another.
    default_stt: SttProviderKind,
    /// Refines tips when set.
    llm: Option<crate::llm::LlmClient>,
    pg: PgPool,
    persist: Persister,
    fanout: Fanout,
    recorder: Option<crate::recording::Recorder>,
}

impl LiveRegistry {
    /// Creates the registry; models load on the first session. Each session transcribes with
    /// its meeting's provider (meeting, else organization, else `default_stt`); with
    /// `deepgram` set, Deepgram can be chosen, falling back to the embedded Whisper.
    pub fn new(
        models: ModelPaths,
        deepgram: Option<DeepgramConfig>,
        default_stt: SttProviderKind,
        pg: PgPool,
        persist: Persister,
        fanout: Fanout,
    ) -> Self {
        Self {
            meetings: Mutex::new(HashMap::new()),
            engines: OnceCell::new(),
            models,
            deepgram,
            default_stt,
            llm: None,
            pg,
            persist,
            fanout,
            recorder: None,
        }
    }

    /// Also asks `llm` (when given) to refine each tip, in the background.
    pub fn with_llm(mut self, llm: Option<crate::llm::LlmClient>) -> Self {
        self.llm = llm;
        self
    }

    /// Also keeps every consenting participant's audio for the post-call replay.
    pub fn with_recorder(mut self, recorder: crate::recording::Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// The process's models, loaded at the first call (blocking work on a blocking thread).
    ///
    /// Errors: [`LiveError::Models`] when a model file is missing or invalid.
    pub async fn engines(&self) -> Result<Engines, LiveError> {
        let (models, deepgram, default_stt, llm) = (self.models.clone(), self.deepgram.clone(), self.default_stt, self.llm.clone());
        self.engines
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || Engines::load_embedded(&models))
                    .await
                    .map_err(|e| LiveError::Models(e.to_string()))?
                    .map(|engines| engines.with_deepgram(deepgram, default_stt).with_llm(llm))
                    .map_err(|e| LiveError::Models(format!("{e:#}")))
            })
            .await
            .cloned()
    }

    /// The running meeting, if any.
    pub fn get(&self, meeting: Uuid) -> Option<Arc<LiveMeeting>> {
        self.meetings.lock().unwrap_or_else(|p| p.into_inner()).get(&meeting).cloned()
    }

    /// The meeting's session, started (from PostgreSQL: playbook, participants; from MongoDB:
    /// the events and snapshot stored so far) if needed.
    ///
    /// Errors: [`LiveError::NotFound`] for an unknown meeting, [`LiveError::Models`] when the
    /// models cannot load, [`LiveError::Other`] when the stored events cannot be read.
    pub async fn session(&self, meeting: Uuid) -> Result<Arc<LiveMeeting>, LiveError> {
        if let Some(live) = self.get(meeting) {
            return Ok(live);
        }
        let engines = self.engines().await?;
        let playbook = crate::meetings::playbook(&self.pg, meeting)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(LiveError::NotFound)?;
        let participants = super::participants::load(&self.pg, meeting).await.map_err(anyhow::Error::from)?;
        let choice = crate::stt::settings::for_meeting(&self.pg, meeting).await.map_err(anyhow::Error::from)?;
        let engines = engines.choose(choice).unwrap_or_else(|e| {
            tracing::warn!(%meeting, error = %e, "using the server's default STT provider");
            engines
        });
        // A meeting already heard (its copilot resumed here after another server stopped)
        // continues its event numbers, history and analysis.
        let (history, snapshot) = self.persist.restore(&meeting.to_string()).await?;
        let streamed = self.fanout.last_seq(&meeting.to_string()).await?;
        let setup = SessionSetup {
            meeting_id: meeting.to_string(),
            language: playbook.language.clone(),
            playbook,
            clock: Clock::Wall,
        };
        let mut meetings = self.meetings.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(live) = meetings.get(&meeting) {
            return Ok(live.clone()); // started concurrently
        }
        let shared = Arc::new(SessionShared {
            meeting_id: setup.meeting_id.clone(),
            participants: RwLock::new(participants.into_iter().map(|p| (p.identity.clone(), p)).collect()),
            bus: EventBus::resumed(history, streamed.map_or(0, |seq| seq + 1)),
            snapshot: Mutex::new(snapshot.unwrap_or_default()),
            started: Mutex::new(None),
            recorder: self.recorder.clone(),
            fanout: Some(self.fanout.clone()),
        });
        // The meeting is visible to other callers from here on, so it gets its command queue
        // now: whatever they send waits in the queue (backpressure) until the session task,
        // started below, reads it. (Installed after the start instead, a HUD socket and an
        // ingest socket opening together saw a meeting without a sender: "the meeting has
        // ended" on the first frame.)
        let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
        let live = Arc::new(LiveMeeting { shared, commands: RwLock::new(Some(tx)), task: Mutex::new(None), relay: Mutex::new(None) });
        meetings.insert(meeting, live.clone());
        drop(meetings);
        if let Err(e) = self.supervise(setup, live.clone(), engines, rx) {
            // Not left half-started: the next caller tries again.
            live.commands.write().unwrap_or_else(|p| p.into_inner()).take();
            self.meetings.lock().unwrap_or_else(|p| p.into_inner()).remove(&meeting);
            return Err(e.into());
        }
        let relay = tokio::spawn(relay(self.fanout.clone(), meeting, Arc::downgrade(&live)));
        *live.relay.lock().unwrap_or_else(|p| p.into_inner()) = Some(relay.abort_handle());
        Ok(live)
    }

    /// Starts the session task on `commands` (the receiving end of the meeting's queue) and a
    /// supervisor that restarts it, on a new queue, if it dies.
    fn supervise(
        &self,
        setup: SessionSetup,
        live: Arc<LiveMeeting>,
        engines: Engines,
        commands: mpsc::Receiver<Command>,
    ) -> anyhow::Result<()> {
        let persist = self.persist.clone();
        let first = Self::spawn(&setup, &live, &engines, &persist, commands)?;
        tokio::spawn(async move {
            let mut task = first;
            loop {
                match task.await {
                    Ok(()) => return, // every sender dropped: the meeting ended
                    Err(e) => {
                        tracing::error!(meeting = setup.meeting_id, error = %e, "live session died; restarting from its snapshot");
                        let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
                        *live.commands.write().unwrap_or_else(|p| p.into_inner()) = Some(tx);
                        match Self::spawn(&setup, &live, &engines, &persist, rx) {
                            Ok(next) => task = next,
                            Err(e) => {
                                tracing::error!(meeting = setup.meeting_id, error = %e, "live session cannot restart");
                                // Nothing reads the new queue: senders are told the meeting ended.
                                live.commands.write().unwrap_or_else(|p| p.into_inner()).take();
                                return;
                            }
                        }
                    }
                }
            }
        });
        Ok(())
    }

    fn spawn(
        setup: &SessionSetup,
        live: &Arc<LiveMeeting>,
        engines: &Engines,
        persist: &Persister,
        commands: mpsc::Receiver<Command>,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let session = Session::start(setup.clone(), live.shared.clone(), engines.clone(), Some(persist.clone()))?;
        let task = tokio::spawn(session.run(commands));
        *live.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task.abort_handle());
        Ok(task)
    }

    /// Operator action for a stuck session: kills its task; the supervisor restarts it from
    /// the last snapshot (in-flight utterances are lost, finalized ones are not).
    /// Returns `false` when the meeting is not live.
    pub fn abort_session(&self, meeting: Uuid) -> bool {
        let Some(live) = self.get(meeting) else { return false };
        let handle = live.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        handle.map(|h| h.abort()).is_some()
    }

    /// Ends a meeting's session: closes open utterances, waits for their transcripts and
    /// analysis, stops the session and waits until its events are stored. No-op when not live.
    pub async fn end(&self, meeting: Uuid) {
        let Some(live) = self.get(meeting) else { return };
        let (done, wait) = oneshot::channel();
        if live.send(Command::Flush(done)).await {
            let _ = wait.await;
        }
        live.commands.write().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(relay) = live.relay.lock().unwrap_or_else(|p| p.into_inner()).take() {
            relay.abort();
        }
        self.meetings.lock().unwrap_or_else(|p| p.into_inner()).remove(&meeting);
        // Whoever ends a meeting reads its documents next (the recap): write them all first.
        self.persist.drain().await;
    }

    /// Analyses an uploaded recording of `meeting` (one validated WAV per speaker) in the
    /// background, faster than real time, storing its events like a live call's. The playbook
    /// is the meeting's.
    ///
    /// Errors: [`LiveError::NotFound`] for an unknown meeting, [`LiveError::Models`].
    pub async fn analyze_recording(
        &self,
        meeting: Uuid,
        speakers: Vec<super::replay::RecordedSpeaker>,
        keep: tempfile::TempDir,
    ) -> Result<(), LiveError> {
        let engines = self.engines().await?;
        let playbook = crate::meetings::playbook(&self.pg, meeting)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(LiveError::NotFound)?;
        let recording = super::replay::Recording {
            meeting_id: meeting.to_string(),
            language: playbook.language.clone(),
            playbook,
            speakers,
            realtime: false,
        };
        let persist = self.persist.clone();
        tokio::spawn(async move {
            let _files = keep; // the WAVs live until the analysis is done
            match super::replay::replay(engines, recording, Some(persist.clone()), |_| {}).await {
                Ok(()) => persist.drain().await,
                Err(e) => tracing::error!(meeting = %meeting, error = %e, "recording analysis failed"),
            }
        });
        Ok(())
    }

    /// Registers a participant who joined after the session started (looked up by identity).
    /// Returns it, or `None` when the identity is not a host or guest of the meeting.
    ///
    /// Errors: database failures.
    pub async fn admit(&self, live: &LiveMeeting, meeting: Uuid, identity: &str) -> anyhow::Result<Option<super::session::Participant>> {
        let Some(participant) = super::participants::load_one(&self.pg, meeting, identity).await? else {
            return Ok(None);
        };
        live.shared.participants.write().unwrap_or_else(|p| p.into_inner()).insert(identity.to_owned(), participant.clone());
        Ok(Some(participant))
    }
}

/// Hands `meeting`'s priority messages sent from other server processes to its session, while
/// the session runs.
async fn relay(fanout: Fanout, meeting: Uuid, live: std::sync::Weak<LiveMeeting>) {
    use futures_util::StreamExt;
    let messages = match fanout.listen(&meeting.to_string()).await {
        Ok(messages) => messages,
        Err(e) => {
            tracing::warn!(%meeting, error = %e, "priority messages from other servers cannot reach this meeting");
            return;
        }
    };
    futures_util::pin_mut!(messages);
    while let Some(message) = messages.next().await {
        let Some(live) = live.upgrade() else { return };
        if !live.send(Command::PriorityMessage { from: message.from, text: message.text }).await {
            return;
        }
    }
}
