//! One job: the copilot in one meeting's room, from LiveKit's assignment until the room or the
//! dispatch ends. It subscribes only what it may hear — the microphone of a participant who
//! consented to AI assistance, decided when that track is published, from the participant's
//! record — and hands each subscribed microphone to [`super::microphone::feed`].

use crate::livekit::grants;
use crate::live::registry::LiveMeeting;
use crate::state::AppState;
use anyhow::Context;
use closer_rtc::proto::{TrackKind, TrackSource};
use closer_rtc::{Assignment, Connected, RemotePublication, RemoteTrack, Room, RoomEvent, RoomOptions, Rtc};
use closer_wire::{FRAME_SAMPLE_RATE, MeetingStatus};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::oneshot;
use uuid::Uuid;

/// Runs the job of `assignment` (given to worker `worker_id`) until the room closes, the copilot
/// is removed from it, or `stop` fires (LiveKit terminated the job) or is dropped (the worker
/// lost its connection). It holds the meeting's lease ([`super::lease`]) from the start (its
/// worker renews it) and lets go of it at the end, whatever the outcome: the watcher then
/// decides whether the room needs the copilot again. While it runs, the identities whose
/// microphones it receives are on the lease ([`super::lease::presence`]).
///
/// Errors: the room is not a meeting's, the meeting is over, its live session cannot start,
/// or the assignment's token is refused.
pub async fn run(state: AppState, rtc: Rtc, worker_id: &str, assignment: Assignment, stop: oneshot::Receiver<()>) -> anyhow::Result<()> {
    let meeting = grants::meeting_of_room(&assignment.room).with_context(|| format!("room {} is no meeting's", assignment.room))?;
    super::lease::taken(&state.pg, meeting, &assignment.room, &state.config.livekit_agent_name, worker_id, &assignment.job_id).await?;
    let outcome = listen(&state, rtc, meeting, &assignment, stop).await;
    if let Err(e) = super::lease::left(&state.pg, meeting, &assignment.job_id).await {
        tracing::warn!(%meeting, error = %e, "releasing the copilot's lease failed");
    }
    outcome
}

async fn listen(state: &AppState, rtc: Rtc, meeting: Uuid, assignment: &Assignment, mut stop: oneshot::Receiver<()>) -> anyhow::Result<()> {
    match crate::meetings::status(&state.pg, meeting).await? {
        Some(MeetingStatus::Scheduled | MeetingStatus::Live) => {}
        other => anyhow::bail!("meeting {meeting} is not open ({other:?})"),
    }
    let live = state.live.session(meeting).await?;
    let url = assignment.url.clone().unwrap_or_else(|| state.config.livekit_url.clone());
    let Connected { room, participants, mut events } =
        rtc.connect(&url, &assignment.token, RoomOptions { auto_subscribe: false }).await.context("joining the room")?;
    tracing::info!(%meeting, job = assignment.job_id, "copilot joined the room");
    let mut listener = Listener {
        state: state.clone(),
        meeting,
        live,
        job_id: assignment.job_id.clone(),
        heard: BTreeSet::new(),
        publications: HashMap::new(),
    };
    for publication in participants.into_iter().flat_map(|(_, publications)| publications) {
        listener.published(&room, publication).await;
    }
    loop {
        tokio::select! {
            _ = &mut stop => break,
            event = events.recv() => match event {
                Some(RoomEvent::TrackPublished(publication)) => listener.published(&room, publication).await,
                Some(RoomEvent::TrackUnpublished { participant, sid }) => {
                    listener.publications.remove(&sid);
                    listener.stopped(&participant).await;
                }
                Some(RoomEvent::TrackUnsubscribed { participant, .. }) => listener.stopped(&participant).await,
                Some(RoomEvent::ParticipantDisconnected { identity }) => {
                    listener.publications.retain(|_, p| p.participant != identity);
                    listener.stopped(&identity).await;
                }
                Some(RoomEvent::TrackSubscribed(track)) => listener.subscribed(&room, track).await,
                Some(RoomEvent::Disconnected { reason }) => {
                    tracing::info!(%meeting, ?reason, "copilot left the room");
                    return Ok(());
                }
                None => return Ok(()),
                Some(_) => {}
            },
        }
    }
    room.disconnect().await.context("leaving the room")?;
    tracing::info!(%meeting, "copilot left the room: job terminated");
    Ok(())
}

/// What the job knows of its room.
struct Listener {
    state: AppState,
    meeting: Uuid,
    live: Arc<LiveMeeting>,
    job_id: String,
    /// Identities whose microphone it receives now (also on the lease).
    heard: BTreeSet<String>,
    /// Microphones subscribed, by track sid (kept: the publication is what a subscription is for).
    publications: HashMap<String, RemotePublication>,
}

impl Listener {
    /// A participant's published track: subscribed when it is a microphone and the participant
    /// consented; otherwise never received.
    async fn published(&mut self, room: &Room, publication: RemotePublication) {
        if publication.kind != TrackKind::KindAudio || publication.source != TrackSource::SourceMicrophone {
            tracing::debug!(meeting = %self.meeting, participant = publication.participant, kind = ?publication.kind, source = ?publication.source, "track not for the copilot");
            return;
        }
        if !self.consented(&publication.participant).await {
            tracing::info!(meeting = %self.meeting, participant = publication.participant, "microphone not subscribed: no AI consent");
            return;
        }
        if let Err(e) = room.set_subscribed(&publication, true) {
            tracing::warn!(meeting = %self.meeting, participant = publication.participant, error = %e, "subscribing a microphone failed");
            return;
        }
        self.publications.insert(publication.sid.clone(), publication);
    }

    /// A subscribed microphone: from now on its audio feeds the live session.
    async fn subscribed(&mut self, room: &Room, track: RemoteTrack) {
        if !self.publications.contains_key(&track.sid) {
            return; // not one this job asked for
        }
        // The call has begun, whatever LiveKit's webhook reports (it may never arrive).
        if let Err(e) = crate::meetings::mark_started(&self.state.pg, self.meeting).await {
            tracing::warn!(meeting = %self.meeting, error = %e, "recording the call's start failed");
        }
        let identity = track.participant.clone();
        match room.subscribe_audio(track, FRAME_SAMPLE_RATE, 1) {
            Ok(stream) => {
                tracing::info!(meeting = %self.meeting, participant = identity, "microphone received");
                tokio::spawn(super::microphone::feed(self.live.clone(), identity.clone(), stream));
                self.heard.insert(identity);
                self.publish_heard().await;
            }
            Err(e) => tracing::warn!(meeting = %self.meeting, participant = identity, error = %e, "receiving a microphone failed"),
        }
    }

    /// `identity`'s microphone is no longer received.
    async fn stopped(&mut self, identity: &str) {
        if self.heard.remove(identity) {
            self.publish_heard().await;
        }
    }

    /// Puts whose microphones the job receives on its lease.
    async fn publish_heard(&self) {
        if let Err(e) = super::lease::listening(&self.state.pg, self.meeting, &self.job_id, &self.heard).await {
            tracing::warn!(meeting = %self.meeting, error = %e, "recording whom the copilot hears failed");
        }
    }

    /// Whether `identity` is a host or guest of the meeting who consented to AI assistance (a
    /// guest's choice is made before their token exists; choosing again makes a new identity).
    async fn consented(&self, identity: &str) -> bool {
        if let Some(participant) = self.live.shared.participant(identity) {
            return participant.consent;
        }
        match self.state.live.admit(&self.live, self.meeting, identity).await {
            Ok(participant) => participant.is_some_and(|p| p.consent),
            Err(e) => {
                tracing::error!(meeting = %self.meeting, error = %e, "participant lookup failed");
                false
            }
        }
    }
}
