//! One AI agent's call (#17): the job of the AI agents' worker ([`super::ai_worker`]) in one
//! meeting's room. The agent joins under its name and publishes its voice; it waits for the
//! first guest who consented to AI assistance to publish a microphone, greets them by name and
//! runs its script ([`super::conversation`]); what the guest answered is scored on BANT and
//! left behind as their lead, with the summary e-mails ([`crate::leads::after_call`]). Then the
//! agent leaves the room. A guest who leaves midway leaves the answers they gave; so does a
//! seller taking the call over: once a host's microphone is live in the room the agent falls
//! silent within a frame and leaves, and the copilot (in the room all along, hidden) whispers
//! to that seller.

use super::conversation::{self, Conversation, Exchange, SellerSide};
use super::dialogue::{Dialogue, Readers};
use super::reasoning::Reasoner;
use crate::llm::LlmClient;
use super::voice::Voice;
use crate::analysis::SpeakerRole;
use crate::livekit::grants;
use crate::leads::Contact;
use crate::leads::after_call::{self, CallOutcome, Told};
use crate::live::session::Participant;
use crate::state::AppState;
use anyhow::Context;
use closer_rtc::proto::{TrackKind, TrackSource};
use closer_rtc::{Assignment, AudioStream, Connected, RemotePublication, Room, RoomEvent, RoomOptions, Rtc};
use closer_wire::{FRAME_SAMPLE_RATE, MeetingStatus};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use crate::booking::{Guest, MeetingType, Seller};
use crate::live::engines::Engines;
use crate::models::ModelPaths;
use crate::stt::whisper::WhisperEngine;
use crate::tts::Voices;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The identity an AI agent takes in a meeting's room.
pub const IDENTITY: &str = "agent-ai";

/// What a dispatch of the AI worker carries (its metadata, JSON): which agent runs the call.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct JobMetadata {
    /// The AI agent (`ai_agents.id`).
    pub agent_id: Uuid,
}

/// The models of AI calls, loaded once per process.
pub struct AiModels {
    /// The agents' voices, EN and IT.
    pub voices: Arc<Voices>,
    /// Whisper, for the guest's answers.
    pub whisper: Arc<WhisperEngine>,
    /// What the dialogue reads the guest's turns with (the live encoder's).
    pub readers: Arc<Readers>,
}

impl AiModels {
    /// The voices loaded from `paths`, with the Whisper and the encoder of the live `engines`
    /// (a second or so; blocking).
    ///
    /// Errors: a voice's files missing or invalid, the encoder failing on the readers' examples.
    pub fn load(paths: &ModelPaths, engines: &Engines) -> anyhow::Result<Self> {
        let readers = Arc::new(Readers::builtin(engines.analysis.encoder.clone())?);
        Ok(Self { voices: Arc::new(Voices::load(paths)?), whisper: engines.whisper.clone(), readers })
    }
}

/// Runs the call of `assignment` until the script is done, the guest leaves, the room closes
/// or `stop` fires (LiveKit terminated the job) or is dropped (the worker lost its connection).
///
/// Errors: the room is not a meeting's, the dispatch names no agent of the meeting's
/// organization, the meeting is over, the room refuses the token or the agent's track, the
/// voice or Whisper fails, or the lead cannot be stored.
pub async fn run(state: AppState, rtc: Rtc, models: Arc<AiModels>, assignment: Assignment, mut stop: oneshot::Receiver<()>) -> anyhow::Result<()> {
    let meeting = grants::meeting_of_room(&assignment.room).with_context(|| format!("room {} is no meeting's", assignment.room))?;
    let JobMetadata { agent_id } = serde_json::from_str(&assignment.metadata).context("the dispatch's metadata")?;
    let (org, playbook): (Uuid, Option<Uuid>) = sqlx::query_as("SELECT organization_id, playbook_id FROM meetings WHERE id = $1")
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
    // The agent is the seller's side of the call: the copilot transcribes and analyses it, and
    // the recap and the replay have its voice, as a human seller's.
    sqlx::query(
        "INSERT INTO participants (meeting_id, identity, role, display_name, ai_consent, consent_at)
         VALUES ($1, $2, 'host', $3, 'accepted', now())
         ON CONFLICT (meeting_id, identity) DO UPDATE SET display_name = $3",
    )
    .bind(meeting)
    .bind(IDENTITY)
    .bind(&agent.name)
    .execute(&state.pg)
    .await?;
    let voice = Voice::publish(&room, "microphone").await.context("publishing the agent's voice")?;

    let mut watch = Watch { state: state.clone(), meeting, asked: HashMap::new(), host_mics: HashMap::new() };
    let guest = tokio::select! {
        guest = watch.first_guest(&room, participants, &mut events) => guest?,
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
    // Greeted by name only when their name is one: a phone caller who sent none shows as the
    // end of their number (`phone::line`), which is no way to greet anyone; they are asked it.
    let mut script = super::conversation::Script::of(&agent, Some(guest.name.as_str()).filter(|n| n.chars().any(char::is_alphabetic)));
    let line = phone_line(&state, meeting).await?;
    // The seller's zone, the slots offered are said in it.
    let mut zone = chrono_tz::UTC;
    if let Some(PhoneLine { call_back_with: Some(CallBack { seller, kind, number }), .. }) = &line {
        match crate::booking::call_back_slots(&state.pg, seller, kind).await {
            Ok(slots) => {
                zone = slots.first().map_or(zone, |s| s.timezone());
                script.offers = super::offer::offers(&agent.language, &seller.name, number, &slots);
            }
            Err(e) => tracing::warn!(%meeting, error = %e, "no call back offered: the seller's free slots could not be read"),
        }
    }
    let dialogue = {
        let readers = models.readers.clone();
        let (language, faq) = (agent.language.clone(), agent.faq.clone());
        let reasoner = match LlmClient::from_config(&state.config) {
            Some(client) => Some(Reasoner::new(client, &agent.name, &agent.language, &agent.persona, &agent.faq, &battle_cards(&state, playbook).await?)),
            None => None,
        };
        tokio::task::spawn_blocking(move || Dialogue::new(readers, &language, &faq)).await??.with_reasoner(reasoner)
    };
    let transfer = super::summon::transfer_to_host(&state, meeting, &agent, &guest.name).await?;
    let mut taken_over_by = None;
    let seller = SellerSide { takes_over: watch.seller_takes_over(&room, &mut events, &mut taken_over_by), transfer };
    let (exchanges, booked, asked_for_seller, told) = tokio::select! {
        talked = conversation::run(&voice, models.voices.clone(), models.whisper.clone(), stream, &script, &dialogue, seller) => match talked {
            Ok(Conversation { exchanges, end, booked, asked_for_seller, guest_name, call_back_number, .. }) => {
                tracing::info!(%meeting, answered = exchanges.len(), ?end, call_back = booked.is_some(), asked_for_seller, named = guest_name.is_some(), "AI agent's conversation over");
                (exchanges, booked, asked_for_seller, Told { name: guest_name, phone: call_back_number })
            }
            Err(e) => {
                let _ = room.disconnect().await;
                return Err(e).context("the conversation");
            }
        },
        _ = &mut stop => (Vec::new(), None, false, Told::default()),
    };
    // The agent's part is over: a seller asked for has nobody left to join for (or has joined).
    if let Err(e) = crate::meetings::summons::withdraw(&state.pg, meeting).await {
        tracing::warn!(%meeting, error = %e, "the request for the seller stays shown until it expires");
    }
    if let Err(e) = voice.play_out().await {
        tracing::warn!(%meeting, error = %e, "the agent's last words may be cut");
    }
    let left = room.disconnect().await;
    let seller = match taken_over_by {
        Some(identity) => {
            let user: Option<Option<Uuid>> = sqlx::query_scalar("SELECT user_id FROM participants WHERE meeting_id = $1 AND identity = $2")
                .bind(meeting)
                .bind(&identity)
                .fetch_optional(&state.pg)
                .await?;
            user.flatten()
        }
        None => None,
    };
    if !exchanges.is_empty() || seller.is_some() || booked.is_some() || asked_for_seller || told.name.is_some() {
        let mut outcome = outcome(&state, &models, meeting, &agent, guest, &exchanges, seller).await?;
        outcome.by_phone = line.is_some();
        outcome.asked_for_seller = asked_for_seller;
        if let Some(name) = &told.name {
            outcome.guest.name.clone_from(name);
        }
        if let Some(phone) = &told.phone {
            outcome.guest.phone = Some(phone.clone());
        }
        outcome.told = told;
        if let (Some(start), Some(PhoneLine { call, call_back_with: Some(CallBack { seller, kind, .. }) })) = (booked, line) {
            outcome.call_back = book_call_back(&state, call, seller, kind, start.with_timezone(&zone), &outcome.guest, &agent.language).await;
        }
        let lead = after_call::record(&state.pg, &state.mailer, &state.config.public_base_url, org, outcome).await?;
        tracing::info!(%meeting, lead = %lead.id, stage = lead.stage.as_str(), "AI agent's call recorded");
    }
    left.context("leaving the room")?;
    Ok(())
}

/// The objections of the meeting's `playbook` (none without one), with their battle cards.
async fn battle_cards(state: &AppState, playbook: Option<Uuid>) -> anyhow::Result<Vec<closer_wire::Objection>> {
    let Some(playbook) = playbook else { return Ok(Vec::new()) };
    Ok(crate::playbooks::load(&state.pg, playbook).await?.map(|(_, p, _)| p.objections).unwrap_or_default())
}

/// A meeting that is a call to the phone line (#18): the call's log entry, and who a call back
/// is booked with (`None` once its number is off the line, or when the caller's number is
/// withheld: there is nobody to call back).
struct PhoneLine {
    call: Uuid,
    call_back_with: Option<CallBack>,
}

/// A call back's seller and meeting type, and the caller's number (E.164) the seller calls.
struct CallBack {
    seller: Seller,
    kind: MeetingType,
    number: String,
}

/// The phone call `meeting` is, if it is one.
async fn phone_line(state: &AppState, meeting: Uuid) -> anyhow::Result<Option<PhoneLine>> {
    let row: Option<(Uuid, Option<Uuid>, Option<String>)> = sqlx::query_as(
        "SELECT c.id, n.meeting_type_id, l.phone
         FROM phone_calls c LEFT JOIN phone_numbers n ON n.number = c.number LEFT JOIN leads l ON l.id = c.lead_id
         WHERE c.meeting_id = $1",
    )
    .bind(meeting)
    .fetch_optional(&state.pg)
    .await?;
    let Some((call, kind, number)) = row else { return Ok(None) };
    let call_back_with = match (kind, number) {
        (Some(kind), Some(number)) => {
            crate::booking::meeting_type_by_id(&state.pg, kind).await?.map(|(seller, kind)| CallBack { seller, kind, number })
        }
        _ => None,
    };
    Ok(Some(PhoneLine { call, call_back_with }))
}

/// Books the call back the caller accepted, at `start` (in the seller's zone, as offered), with
/// the line's `seller` (the caller's number from their lead), and logs it on the `call`.
/// Returns its meeting and start; `None` when it could not be booked (the slot taken
/// meanwhile: logged).
async fn book_call_back(
    state: &AppState,
    call: Uuid,
    seller: Seller,
    kind: MeetingType,
    start: chrono::DateTime<chrono_tz::Tz>,
    caller: &Contact,
    language: &str,
) -> Option<(Uuid, chrono::DateTime<chrono_tz::Tz>)> {
    let guest = Guest {
        name: caller.name.clone(),
        email: None,
        phone: caller.phone.clone(),
        company: caller.company.clone(),
        time_zone: start.timezone(),
        language: if language == "it" { "it".into() } else { "en".into() },
    };
    match crate::booking::call_back(state, seller, kind, start.with_timezone(&chrono::Utc), guest).await {
        Ok(booking) => {
            if let Err(e) = sqlx::query("UPDATE phone_calls SET booking_id = $2 WHERE id = $1").bind(call).bind(booking.id).execute(&state.pg).await {
                tracing::warn!(%call, error = %e, "logging the call back on the call failed");
            }
            Some((booking.meeting_id, start))
        }
        Err(e) => {
            tracing::warn!(%call, error = %e, "the call back the caller accepted could not be booked");
            None
        }
    }
}

/// The call's outcome: the guest as they booked (name, e-mail, company), as the lead already
/// linked to the meeting, or as they joined; the answers scored on BANT (on a blocking thread: the encoder runs there);
/// the seller (user) who took the call over.
async fn outcome<'a>(
    state: &AppState,
    models: &Arc<AiModels>,
    meeting: Uuid,
    agent: &'a closer_wire::AiAgent,
    guest: Participant,
    exchanges: &[Exchange],
    taken_over_by: Option<Uuid>,
) -> anyhow::Result<CallOutcome<'a>> {
    let booked: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT guest_name, guest_email, guest_company FROM bookings WHERE meeting_id = $1 AND status = 'confirmed'")
            .bind(meeting)
            .fetch_optional(&state.pg)
            .await?;
    // A prospect who asked to talk now (`POST /api/book/{seller}/now`) is already the meeting's lead.
    let linked: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT l.name, l.company, l.email, l.phone FROM leads l JOIN lead_meetings m ON m.lead_id = l.id
         WHERE m.meeting_id = $1 ORDER BY m.linked_at LIMIT 1",
    )
    .bind(meeting)
    .fetch_optional(&state.pg)
    .await?;
    let guest = match (booked, linked) {
        (Some((name, email, company)), _) => Contact { name, company, email, phone: None },
        (None, Some((name, company, email, phone))) => Contact { name, company, email, phone },
        (None, None) => Contact { name: guest.name, company: String::new(), email: None, phone: None },
    };
    let answers: Vec<_> = conversation::bant_answers(exchanges).into_iter().map(|(c, a)| (c, a.to_owned())).collect();
    let models = models.clone();
    let bant = tokio::task::spawn_blocking(move || {
        let answers: Vec<_> = answers.iter().map(|(c, a)| (*c, a.as_str())).collect();
        models.readers.assessor.assess(&models.readers.encoder, &answers, Some(meeting))
    })
    .await??;
    Ok(CallOutcome { meeting, agent, guest, bant, taken_over_by, open_questions: conversation::open_questions(exchanges), by_phone: false, call_back: None, asked_for_seller: false, told: Told::default() })
}

/// The room as the agent sees it while it waits for its guest and talks with them: whose
/// microphone it asked for, and the hosts' microphones.
struct Watch {
    state: AppState,
    meeting: Uuid,
    /// Guests' microphones subscribed, by track sid.
    asked: HashMap<String, Participant>,
    /// Hosts' microphones by track sid: their publisher and whether it is muted.
    host_mics: HashMap<String, (String, bool)>,
}

impl Watch {
    /// A microphone published: a consenting guest's is subscribed, a host's remembered.
    async fn published(&mut self, room: &Room, publication: RemotePublication) -> anyhow::Result<()> {
        if publication.kind != TrackKind::KindAudio || publication.source != TrackSource::SourceMicrophone {
            return Ok(());
        }
        let Some(participant) = crate::live::participants::load_one(&self.state.pg, self.meeting, &publication.participant).await? else {
            return Ok(()); // a shadow manager, or nobody of the meeting's
        };
        match participant.role {
            SpeakerRole::Host => {
                self.host_mics.insert(publication.sid.clone(), (participant.identity, publication.muted));
            }
            SpeakerRole::Guest if participant.consent => {
                room.set_subscribed(&publication, true).context("subscribing the guest's microphone")?;
                self.asked.insert(publication.sid.clone(), participant);
            }
            SpeakerRole::Guest => tracing::debug!(meeting = %self.meeting, "a guest without AI consent: not heard by the AI agent"),
        }
        Ok(())
    }

    /// The host whose microphone is live (a seller talking in the call), if any.
    fn seller_live(&self) -> Option<String> {
        self.host_mics.values().find(|(_, muted)| !muted).map(|(identity, _)| identity.clone())
    }

    /// Follows `event`; the host whose microphone is live after it, if any.
    async fn follow(&mut self, room: &Room, event: RoomEvent) -> anyhow::Result<Option<String>> {
        match event {
            RoomEvent::TrackPublished(publication) => self.published(room, publication).await?,
            RoomEvent::TrackMuted { sid, .. } => {
                if let Some((_, muted)) = self.host_mics.get_mut(&sid) {
                    *muted = true;
                }
            }
            RoomEvent::TrackUnmuted { sid, .. } => {
                if let Some((_, muted)) = self.host_mics.get_mut(&sid) {
                    *muted = false;
                }
            }
            RoomEvent::TrackUnpublished { sid, .. } => {
                self.host_mics.remove(&sid);
            }
            _ => {}
        }
        Ok(self.seller_live())
    }

    /// Waits for the first consenting guest's microphone and returns them with their audio
    /// (16 kHz mono); `None` when the room closes first.
    async fn first_guest(
        &mut self,
        room: &Room,
        present: Vec<(closer_rtc::Participant, Vec<RemotePublication>)>,
        events: &mut mpsc::UnboundedReceiver<RoomEvent>,
    ) -> anyhow::Result<Option<(Participant, AudioStream)>> {
        for publication in present.into_iter().flat_map(|(_, publications)| publications) {
            self.published(room, publication).await?;
        }
        while let Some(event) = events.recv().await {
            match event {
                RoomEvent::TrackSubscribed(track) => {
                    let Some(guest) = self.asked.remove(&track.sid) else { continue };
                    let stream = room.subscribe_audio(track, FRAME_SAMPLE_RATE, 1).context("receiving the guest's microphone")?;
                    tracing::info!(meeting = %self.meeting, participant = guest.identity, "AI agent hears its guest");
                    return Ok(Some((guest, stream)));
                }
                RoomEvent::Disconnected { .. } => return Ok(None),
                event => {
                    self.follow(room, event).await?;
                }
            }
        }
        Ok(None)
    }

    /// Resolves when a seller takes the call over: a host's microphone is live (already, or
    /// published or unmuted later); that host is then in `taken_over_by`. Never resolves once
    /// the room is gone (the guest's track ends then, which ends the conversation).
    async fn seller_takes_over(&mut self, room: &Room, events: &mut mpsc::UnboundedReceiver<RoomEvent>, taken_over_by: &mut Option<String>) {
        if let Some(host) = self.seller_live() {
            *taken_over_by = Some(host);
            return;
        }
        while let Some(event) = events.recv().await {
            match self.follow(room, event).await {
                Ok(Some(host)) => {
                    *taken_over_by = Some(host);
                    return;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(meeting = %self.meeting, error = %format!("{e:#}"), "following the room failed"),
            }
        }
        std::future::pending().await
    }
}
