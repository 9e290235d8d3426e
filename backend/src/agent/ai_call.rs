//! One AI agent's call (#17): the job of the AI agents' worker ([`super::ai_worker`]) in one
//! meeting's room. The agent joins under its name and publishes its voice; it waits for the
//! first guest who consented to AI assistance to publish a microphone, greets them by name and
//! runs its script ([`super::conversation`]); what the guest answered is scored on BANT and
//! left behind as their lead, with the summary e-mails ([`crate::leads::after_call`]). A guest
//! who leaves midway leaves the answers they gave. Then the agent leaves the room.

use super::ai_worker::{AiModels, JobMetadata};
use super::conversation::{self, ConversationError, Exchange};
use super::voice::Voice;
use crate::grants;
use crate::leads::Contact;
use crate::leads::after_call::{self, CallOutcome};
use crate::live::session::Participant;
use crate::state::AppState;
use anyhow::Context;
use closer_rtc::proto::{TrackKind, TrackSource};
use closer_rtc::{Assignment, AudioStream, Connected, RemotePublication, Room, RoomEvent, RoomOptions, Rtc};
use closer_wire::{FRAME_SAMPLE_RATE, MeetingStatus};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Runs the call of `assignment` until the script is done, the guest leaves, the room closes
/// or `stop` fires (LiveKit terminated the job) or is dropped (the worker lost its connection).
///
/// Errors: the room is not a meeting's, the dispatch names no agent of the meeting's
/// organization, the meeting is over, the room refuses the token or the agent's track, the
/// voice or Whisper fails, or the lead cannot be stored.
pub async fn run(state: AppState, rtc: Rtc, models: Arc<AiModels>, assignment: Assignment, mut stop: oneshot::Receiver<()>) -> anyhow::Result<()> {
    let meeting = grants::meeting_of_room(&assignment.room).with_context(|| format!("room {} is no meeting's", assignment.room))?;
    let JobMetadata { agent_id } = serde_json::from_str(&assignment.metadata).context("the dispatch's metadata")?;
    let org: Uuid = sqlx::query_scalar("SELECT organization_id FROM meetings WHERE id = $1")
        .bind(meeting)
        .fetch_optional(&state.pg)
        .await?
        .with_context(|| format!("meeting {meeting} does not exist"))?;
    let agent = crate::ai_agents::get(&state.pg, org, agent_id).await?.with_context(|| format!("AI agent {agent_id} is not the meeting's organization's"))?;
    match crate::meetings::status(&state.pg, meeting).await? {
        Some(MeetingStatus::Scheduled | MeetingStatus::Live) => {}
        other => anyhow::bail!("meeting {meeting} is not open ({other:?})"),
    }

    let url = assignment.url.clone().unwrap_or_else(|| state.config.livekit_url.clone());
    let Connected { room, participants, mut events } =
        rtc.connect(&url, &assignment.token, RoomOptions { auto_subscribe: false }).await.context("joining the room")?;
    tracing::info!(%meeting, agent = %agent.id, job = assignment.job_id, "AI agent joined the room");
    let voice = Voice::publish(&room, "microphone").await.context("publishing the agent's voice")?;

    let guest = tokio::select! {
        guest = first_guest(&state, meeting, &room, participants, &mut events) => guest?,
        _ = &mut stop => None,
    };
    let Some((guest, stream)) = guest else {
        room.disconnect().await.context("leaving the room")?;
        tracing::info!(%meeting, "AI agent left the room before any guest spoke");
        return Ok(());
    };
    if let Err(e) = crate::meetings::mark_started(&state.pg, meeting).await {
        tracing::warn!(%meeting, error = %e, "recording the call's start failed");
    }
    let script = crate::ai_agents::script(&agent, Some(&guest.name));
    let exchanges = tokio::select! {
        result = conversation::run(&voice, models.voices.clone(), models.whisper.clone(), stream, &script) => match result {
            Ok(exchanges) => exchanges,
            Err(ConversationError::GuestLeft(exchanges)) => {
                tracing::info!(%meeting, answered = exchanges.len(), "the guest left the AI agent's call");
                exchanges
            }
            Err(e) => {
                let _ = room.disconnect().await;
                return Err(e).context("the conversation");
            }
        },
        _ = &mut stop => Vec::new(),
    };
    let left = room.disconnect().await;
    if !exchanges.is_empty() {
        let lead = after_call::record(&state, org, outcome(&state, &models, meeting, &agent, guest, &exchanges).await?).await?;
        tracing::info!(%meeting, lead = %lead.id, stage = lead.stage.as_str(), "AI agent's call recorded");
    }
    left.context("leaving the room")?;
    Ok(())
}

/// The call's outcome: the guest as they booked (name, e-mail, company) or, without a booking,
/// as they joined; the answers scored on BANT (on a blocking thread: the encoder runs there).
async fn outcome<'a>(
    state: &AppState,
    models: &Arc<AiModels>,
    meeting: Uuid,
    agent: &'a closer_wire::AiAgent,
    guest: Participant,
    exchanges: &[Exchange],
) -> anyhow::Result<CallOutcome<'a>> {
    let booked: Option<(String, String, String)> =
        sqlx::query_as("SELECT guest_name, guest_email, guest_company FROM bookings WHERE meeting_id = $1 AND status = 'confirmed'")
            .bind(meeting)
            .fetch_optional(&state.pg)
            .await?;
    let guest = match booked {
        Some((name, email, company)) => Contact { name, company, email: Some(email), phone: None },
        None => Contact { name: guest.name, company: String::new(), email: None, phone: None },
    };
    let answers: Vec<_> = conversation::bant_answers(exchanges).into_iter().map(|(c, a)| (c, a.to_owned())).collect();
    let models = models.clone();
    let bant = tokio::task::spawn_blocking(move || {
        let answers: Vec<_> = answers.iter().map(|(c, a)| (*c, a.as_str())).collect();
        models.assessor.assess(&models.encoder, &answers, Some(meeting))
    })
    .await??;
    Ok(CallOutcome { meeting, agent, guest, bant })
}

/// Waits for the first guest of `meeting` who consented to AI assistance to publish a
/// microphone, subscribes it and returns them with their audio (16 kHz mono); `None` when the
/// room closes first. Microphones of hosts, shadows and guests who declined are never
/// subscribed.
async fn first_guest(
    state: &AppState,
    meeting: Uuid,
    room: &Room,
    present: Vec<(closer_rtc::Participant, Vec<RemotePublication>)>,
    events: &mut mpsc::UnboundedReceiver<RoomEvent>,
) -> anyhow::Result<Option<(Participant, AudioStream)>> {
    let mut asked: HashMap<String, (Participant, RemotePublication)> = HashMap::new();
    for publication in present.into_iter().flat_map(|(_, publications)| publications) {
        subscribe_if_guest(state, meeting, room, publication, &mut asked).await?;
    }
    while let Some(event) = events.recv().await {
        match event {
            RoomEvent::TrackPublished(publication) => subscribe_if_guest(state, meeting, room, publication, &mut asked).await?,
            RoomEvent::TrackSubscribed(track) => {
                let Some((guest, _)) = asked.remove(&track.sid) else { continue };
                let stream = room.subscribe_audio(track, FRAME_SAMPLE_RATE, 1).context("receiving the guest's microphone")?;
                tracing::info!(%meeting, participant = guest.identity, "AI agent hears its guest");
                return Ok(Some((guest, stream)));
            }
            RoomEvent::Disconnected { .. } => return Ok(None),
            _ => {}
        }
    }
    Ok(None)
}

async fn subscribe_if_guest(
    state: &AppState,
    meeting: Uuid,
    room: &Room,
    publication: RemotePublication,
    asked: &mut HashMap<String, (Participant, RemotePublication)>,
) -> anyhow::Result<()> {
    if publication.kind != TrackKind::KindAudio || publication.source != TrackSource::SourceMicrophone {
        return Ok(());
    }
    let participant = crate::live::participants::load_one(&state.pg, meeting, &publication.participant).await?;
    let Some(guest) = participant.filter(|p| p.role == crate::analysis::SpeakerRole::Guest && p.consent) else {
        tracing::debug!(%meeting, participant = publication.participant, "microphone not for the AI agent");
        return Ok(());
    };
    room.set_subscribed(&publication, true).context("subscribing the guest's microphone")?;
    asked.insert(publication.sid.clone(), (guest, publication));
    Ok(())
}
