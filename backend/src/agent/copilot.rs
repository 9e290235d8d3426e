//! The copilot agent: one hidden participant per live meeting that subscribes to the
//! microphone of every participant who consented to AI assistance (one track = one speaker) and
//! feeds the meeting's live session, so the copilot hears the call whatever the seller's tab or
//! network does, and the seller's uplink carries nobody's audio twice.
//!
//! Lifecycle: [`CopilotAgents::ensure`] starts it when the seller joins the room (their room
//! token is issued); it leaves when the room closes (the meeting ended: the room is deleted) or
//! the session ends. A failed connection is retried with backoff while the meeting is live.
//!
//! Consent: a participant's choice is fixed for the call (see `http::join`), and is read from
//! the live session (loaded from PostgreSQL) before subscribing; a participant who declined, or
//! an identity the meeting does not know, is never subscribed. The session checks consent
//! again on every frame.
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use closer_rtc::proto::{TrackKind, TrackSource};
use closer_rtc::{AudioStream, Connected, RemotePublication, RoomEvent, RoomOptions, Rtc};
use closer_wire::{AudioFrame, FRAME_SAMPLES, FRAME_SAMPLE_RATE};
use uuid::Uuid;

use crate::config::Config;
use crate::live::registry::{LiveMeeting, LiveRegistry};
use crate::live::session::Command;

/// Delays between connection attempts while the meeting is live, ms; after the last one the
/// agent gives up until the next [`CopilotAgents::ensure`].
const RETRY_MS: [u64; 5] = [500, 1_000, 2_000, 4_000, 8_000];

/// The running copilot agents of this server, by meeting.
pub struct CopilotAgents {
    config: Arc<Config>,
    live: Arc<LiveRegistry>,
    library: PathBuf,
    running: Mutex<HashMap<Uuid, tokio::task::JoinHandle<()>>>,
}

impl CopilotAgents {
    /// Agents that load LiveKit's FFI library from the configured models directory.
    pub fn new(config: Arc<Config>, live: Arc<LiveRegistry>) -> CopilotAgents {
        let library = closer_rtc::library_path(&config.models_dir);
        CopilotAgents { config, live, library, running: Mutex::default() }
    }

    /// Starts the meeting's copilot agent unless it is already running.
    pub fn ensure(self: &Arc<Self>, meeting: Uuid) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.get(&meeting).is_some_and(|task| !task.is_finished()) {
            return;
        }
        let agents = self.clone();
        running.insert(meeting, tokio::spawn(async move { agents.attend(meeting).await }));
    }

    /// Whether the meeting's agent task is running (connected or retrying).
    pub fn is_running(&self, meeting: Uuid) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).get(&meeting).is_some_and(|t| !t.is_finished())
    }

    async fn attend(&self, meeting: Uuid) {
        for (attempt, delay) in RETRY_MS.iter().enumerate() {
            match self.run(meeting).await {
                Ok(()) => return,
                Err(e) if self.live.get(meeting).is_none() => {
                    tracing::info!(%meeting, error = %e, "copilot agent stopped: the meeting is over");
                    return;
                }
                Err(e) => {
                    tracing::warn!(%meeting, attempt, error = %e, "copilot agent failed; retrying");
                    tokio::time::sleep(Duration::from_millis(*delay)).await;
                }
            }
        }
        tracing::error!(%meeting, "copilot agent gave up after {} attempts", RETRY_MS.len());
    }

    /// One stay in the room: joins, subscribes, feeds the session; returns when the room closes
    /// or the session ends.
    async fn run(&self, meeting: Uuid) -> anyhow::Result<()> {
        let rtc = Rtc::load(&self.library)?;
        let live = self.live.session(meeting).await?;
        let room_name = crate::grants::room_name(meeting);
        let token = crate::grants::mint_copilot(&self.config, &room_name)?;
        let url = crate::grants::client_url(&self.config);
        let Connected { room, participants, mut events } =
            rtc.connect(&url, &token, RoomOptions { auto_subscribe: false }).await?;
        tracing::info!(%meeting, "copilot agent joined the room");
        let mut hearing = Hearing::default();
        let mut publications: HashMap<String, RemotePublication> = HashMap::new();
        for publication in participants.into_iter().flat_map(|(_, publications)| publications) {
            self.consider(&room, &live, meeting, &mut hearing, &mut publications, publication).await?;
        }
        hearing.announce(&live).await;
        while let Some(event) = events.recv().await {
            match event {
                RoomEvent::TrackPublished(publication) => {
                    self.consider(&room, &live, meeting, &mut hearing, &mut publications, publication).await?;
                }
                RoomEvent::TrackSubscribed(track) if track.kind == TrackKind::KindAudio => {
                    let identity = track.participant.clone();
                    let stream = room.subscribe_audio(track, FRAME_SAMPLE_RATE, 1)?;
                    tokio::spawn(feed(live.clone(), identity, stream));
                }
                RoomEvent::TrackUnpublished { participant, sid } => {
                    publications.remove(&sid);
                    hearing.stop(&participant, &publications);
                }
                RoomEvent::ParticipantDisconnected { identity } => {
                    publications.retain(|_, p| p.participant != identity);
                    hearing.stop(&identity, &publications);
                }
                RoomEvent::TrackSubscriptionFailed { participant, sid, error } => {
                    tracing::warn!(%meeting, participant, sid, error, "copilot could not subscribe");
                }
                RoomEvent::Disconnected { reason } => {
                    tracing::info!(%meeting, ?reason, "copilot agent left the room");
                    return Ok(());
                }
                _ => {}
            }
            hearing.announce(&live).await;
            if self.live.get(meeting).is_none() {
                break;
            }
        }
        room.disconnect().await?;
        Ok(())
    }

    /// Subscribes to a microphone if its participant consented; records the decision.
    async fn consider(
        &self,
        room: &closer_rtc::Room,
        live: &LiveMeeting,
        meeting: Uuid,
        hearing: &mut Hearing,
        publications: &mut HashMap<String, RemotePublication>,
        publication: RemotePublication,
    ) -> anyhow::Result<()> {
        if publication.kind != TrackKind::KindAudio || publication.source != TrackSource::SourceMicrophone {
            return Ok(());
        }
        let identity = publication.participant.clone();
        let participant = match live.shared.participant(&identity) {
            Some(p) => Some(p),
            None => self.live.admit(live, meeting, &identity).await?,
        };
        if participant.is_some_and(|p| p.consent) {
            room.set_subscribed(&publication, true)?;
            hearing.hear(&identity);
        } else {
            hearing.exclude(&identity);
        }
        publications.insert(publication.sid.clone(), publication);
        Ok(())
    }
}

/// Whom the agent hears, and whether the HUD was told.
#[derive(Default)]
struct Hearing {
    state: BTreeMap<String, bool>,
    announced: Option<(Vec<String>, Vec<String>)>,
}

impl Hearing {
    fn hear(&mut self, identity: &str) {
        self.state.insert(identity.to_owned(), true);
    }

    fn exclude(&mut self, identity: &str) {
        self.state.insert(identity.to_owned(), false);
    }

    /// Forgets `identity` unless it still publishes a microphone.
    fn stop(&mut self, identity: &str, publications: &HashMap<String, RemotePublication>) {
        if !publications.values().any(|p| p.participant == identity) {
            self.state.remove(identity);
        }
    }

    async fn announce(&mut self, live: &LiveMeeting) {
        let hearing: Vec<String> = self.state.iter().filter(|(_, h)| **h).map(|(i, _)| i.clone()).collect();
        let excluded: Vec<String> = self.state.iter().filter(|(_, h)| !**h).map(|(i, _)| i.clone()).collect();
        let now = Some((hearing.clone(), excluded.clone()));
        if self.announced != now {
            live.send(Command::Hearing { hearing, excluded }).await;
            self.announced = now;
        }
    }
}

/// Feeds one speaker's microphone to the session as 20 ms frames, numbered on from where the
/// session's snapshot left this speaker (a rejoining agent continues the sequence), stamped with
/// the time they arrive. Ends with the track or the session.
async fn feed(live: Arc<LiveMeeting>, identity: String, mut stream: AudioStream) {
    let mut seq = {
        let snapshot = live.shared.snapshot.lock().unwrap_or_else(|p| p.into_inner());
        snapshot.speakers.get(&identity).map_or(0, |(next, _)| *next)
    };
    let mut pending: Vec<i16> = Vec::with_capacity(2 * FRAME_SAMPLES);
    while let Some(frame) = stream.recv().await {
        pending.extend_from_slice(&frame.samples);
        while pending.len() >= FRAME_SAMPLES {
            let samples: Vec<i16> = pending.drain(..FRAME_SAMPLES).collect();
            let capture_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let frame = AudioFrame { identity: identity.clone(), seq, capture_ms, samples };
            seq = seq.wrapping_add(1);
            if !live.send(Command::Frame(frame)).await {
                return;
            }
        }
    }
}
