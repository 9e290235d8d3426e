//! Live-call endpoints: the seller's audio ingest socket, the HUD event socket (seller and
//! managers only — guests never reach it), managers' priority messages, ending the call, and
//! uploading a past call's recording for analysis.

use super::extract::{Body, PathParams, QueryParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::analysis::SpeakerRole;
use crate::live::fanout::{PriorityMessage, Subscription};
use crate::live::registry::{LiveError, LiveMeeting};
use crate::live::replay::{RecordedSpeaker, read_track};
use crate::live::session::Command;
use crate::state::AppState;
use axum::Json;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use crate::agent::presence::{self, AbsenceWatch};
use futures_util::StreamExt;
use closer_wire::{AudioFrame, CopilotPresence, HudEnvelope, IngestControl, MeetingStatus, PriorityMessageRequest};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The live routes, relative to `/api`. The WebSocket ones are documented as `GET`s answered
/// with 101 Switching Protocols; their messages are described on each operation.
pub fn router() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload_recording))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_RECORDING_BYTES));
    OpenApiRouter::new()
        .routes(routes!(audio))
        .routes(routes!(hud))
        .routes(routes!(copilot))
        .routes(routes!(priority_message))
        .routes(routes!(end))
        .merge(uploads)
}

impl From<LiveError> for Error {
    fn from(e: LiveError) -> Self {
        match e {
            LiveError::NotFound => Error::NotFound,
            LiveError::Models(m) => Error::Unavailable(m),
            LiveError::Other(e) => Error::Internal(e),
        }
    }
}

/// The meeting must be scheduled or live: ended and cancelled calls take no audio.
async fn open_meeting(state: &AppState, id: Uuid) -> Result<(), Error> {
    match crate::meetings::status(&state.pg, id).await? {
        None => Err(Error::NotFound),
        Some(MeetingStatus::Scheduled | MeetingStatus::Live) => Ok(()),
        Some(_) => Err(Error::Gone("this meeting has ended".into())),
    }
}

/// `GET /api/meetings/{id}/audio` (WebSocket; the meeting's host only). Binary messages are
/// audio frames (`closer_wire::AudioFrame` layout); JSON text messages from the server are
/// [`IngestControl`]. A malformed frame closes the socket with 1007 and the reason; a text
/// message from the client closes it with 1003. Neither touches any other meeting.
#[utoipa::path(get, path = "/meetings/{id}/audio", tag = "live", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 101, description = "WebSocket: binary audio frames in, JSON IngestControl messages out"),
        (status = 400, description = "not a WebSocket handshake"), (status = 403, description = "not the meeting's host"),
        (status = 404, description = "unknown meeting"), (status = 410, description = "ended or cancelled")))]
async fn audio(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Error> {
    let upgrade = upgrade?;
    if !crate::meetings::is_host(&state.pg, id, &user).await? {
        return Err(Error::Forbidden("only the meeting's host sends audio".into()));
    }
    open_meeting(&state, id).await?;
    // The copilot hears the call from here on: it has begun, whatever LiveKit reports.
    crate::meetings::mark_started(&state.pg, id).await?;
    let live = state.live.session(id).await?;
    Ok(upgrade.on_upgrade(move |socket| ingest(socket, state, id, live)))
}

fn next_seqs(live: &LiveMeeting) -> BTreeMap<String, u32> {
    let snapshot = live.shared.snapshot.lock().unwrap_or_else(|p| p.into_inner());
    snapshot.speakers.iter().map(|(identity, (next, _))| (identity.clone(), *next)).collect()
}

async fn send_control(socket: &mut WebSocket, control: &IngestControl) -> bool {
    let text = serde_json::to_string(control).expect("control messages serialize");
    socket.send(Message::Text(text.into())).await.is_ok()
}

async fn close(socket: &mut WebSocket, code: u16, reason: String) {
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

async fn ingest(mut socket: WebSocket, state: AppState, meeting: Uuid, live: Arc<LiveMeeting>) {
    if !send_control(&mut socket, &IngestControl::Resume { next_seq: next_seqs(&live) }).await {
        return;
    }
    let mut refused: HashSet<String> = HashSet::new();
    let mut ack = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = ack.tick() => {
                if !send_control(&mut socket, &IngestControl::Ack { next_seq: next_seqs(&live) }).await {
                    return;
                }
            }
            message = socket.recv() => {
                let bytes = match message {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Text(_))) => {
                        close(&mut socket, close_code::UNSUPPORTED, "only binary audio frames are accepted".into()).await;
                        return;
                    }
                    Some(Err(e)) => {
                        tracing::warn!(%meeting, error = %e, "audio socket failed");
                        return;
                    }
                    Some(Ok(Message::Close(_))) | None => return,
                };
                let frame = match AudioFrame::parse(&bytes) {
                    Ok(frame) => frame,
                    Err(e) => {
                        close(&mut socket, close_code::INVALID, e.to_string()).await;
                        return;
                    }
                };
                if refused.contains(&frame.identity) {
                    continue;
                }
                let participant = match live.shared.participant(&frame.identity) {
                    Some(p) => Some(p),
                    None => state.live.admit(&live, meeting, &frame.identity).await.unwrap_or_else(|e| {
                        tracing::error!(error = %e, "participant lookup failed");
                        None
                    }),
                };
                let reason = match participant {
                    None => Some("not a participant of this meeting"),
                    Some(p) if !p.consent => Some("the participant declined AI assistance"),
                    Some(_) => None,
                };
                if let Some(reason) = reason {
                    refused.insert(frame.identity.clone());
                    let control = IngestControl::Refused { identity: frame.identity, reason: reason.into() };
                    if !send_control(&mut socket, &control).await {
                        return;
                    }
                    continue;
                }
                // Waits while the session's queue is full: backpressure reaches the client
                // through TCP instead of growing a buffer here.
                if !live.send(Command::Frame(frame)).await {
                    close(&mut socket, close_code::NORMAL, "the meeting has ended".into()).await;
                    return;
                }
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct HudQuery {
    /// Resume after this sequence number (events with a larger `seq` are sent).
    after_seq: Option<u64>,
}

/// `GET /api/meetings/{id}/hud?after_seq=N` (WebSocket; the host, or a manager/admin of the
/// meeting's organization). Each text message is one JSON [`HudEnvelope`]; on connect the
/// events after `after_seq` (all when absent) come first, then live ones, gap-free — from the
/// meeting's stream ([`crate::live::fanout`]), whichever server process runs its session, and
/// across a failover of its copilot to another process. Between them, notices
/// ([`closer_wire::HudNotice`]: a `notice` field, no `seq`) say when no copilot has listened for
/// a while, and when one does again.
#[utoipa::path(get, path = "/meetings/{id}/hud", tag = "live", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("after_seq" = Option<u64>, Query, description = "resume after this sequence number")),
    responses((status = 101, description = "WebSocket: one JSON HudEnvelope or HudNotice per text message"),
        (status = 400, description = "not a WebSocket handshake"), (status = 403, description = "neither the host nor a manager of the meeting's organization"),
        (status = 503, description = "the live event stream is unreachable")))]
async fn hud(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    QueryParams(query): QueryParams<HudQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Error> {
    let upgrade = upgrade?;
    let allowed = crate::meetings::is_host(&state.pg, id, &user).await?
        || crate::meetings::is_org_manager(&state.pg, id, &user).await?;
    if !allowed {
        return Err(Error::Forbidden("the HUD is for the seller and their managers".into()));
    }
    let events = state.fanout.subscribe(&id.to_string(), query.after_seq).await.map_err(|e| {
        tracing::error!(meeting = %id, error = %e, "HUD stream unavailable");
        Error::Unavailable("The live copilot is unreachable; please try again in a moment.".into())
    })?;
    Ok(upgrade.on_upgrade(move |socket| stream_hud(socket, events, state, id)))
}

async fn send_event(socket: &mut WebSocket, event: &HudEnvelope) -> bool {
    let text = serde_json::to_string(event).expect("events serialize");
    socket.send(Message::Text(text.into())).await.is_ok()
}

/// Sends the meeting's events, and every [`presence::CHECK_EVERY`] what the copilot's lease
/// says of its presence ([`closer_wire::HudNotice`], from [`AbsenceWatch`]).
async fn stream_hud(mut socket: WebSocket, events: Subscription, state: AppState, meeting: Uuid) {
    // A stream keeps a read in flight across the other branches (a Redis XREAD cancelled midway
    // would leave a blocked read queued on the connection).
    let events = futures_util::stream::unfold(events, |mut events| async move { Some((events.next().await, events)) });
    tokio::pin!(events);
    let mut check = tokio::time::interval(presence::CHECK_EVERY);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut watch = AbsenceWatch::default();
    loop {
        tokio::select! {
            _ = check.tick() => {
                let due = crate::agent::lease::due_and_running(&state.pg, meeting, &state.config.livekit_agent_name).await;
                let notice = match due {
                    Ok(Some(running)) => watch.observe(running, std::time::Instant::now()),
                    Ok(None) => None,
                    Err(e) => {
                        tracing::debug!(%meeting, error = %e, "the copilot's lease is unreadable; the HUD is told nothing");
                        None
                    }
                };
                if let Some(notice) = notice {
                    let text = serde_json::to_string(&notice).expect("notices serialize");
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
            event = events.next() => match event.expect("the event stream never ends") {
                Ok(event) => {
                    if !send_event(&mut socket, &event).await {
                        return;
                    }
                }
                Err(e) => {
                    // The HUD reconnects with its last `seq` and misses nothing.
                    tracing::warn!(error = %e, "HUD stream interrupted");
                    close(&mut socket, 1011, "the live copilot is unreachable".into()).await;
                    return;
                }
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {} // the HUD socket is one-way
            },
        }
    }
}

/// `GET /api/meetings/{id}/copilot` (the host, or a manager/admin of the meeting's
/// organization): whether the copilot's agent runs in the meeting's room and whose microphones
/// it receives ([`CopilotPresence`]), from its lease, whichever server process runs it.
#[utoipa::path(get, path = "/meetings/{id}/copilot", tag = "live", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CopilotPresence),
        (status = 403, description = "neither the host nor a manager of the meeting's organization")))]
async fn copilot(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<CopilotPresence>, Error> {
    let allowed = crate::meetings::is_host(&state.pg, id, &user).await?
        || crate::meetings::is_org_manager(&state.pg, id, &user).await?;
    if !allowed {
        return Err(Error::Forbidden("the copilot's state is for the seller and their managers".into()));
    }
    Ok(Json(crate::agent::lease::presence(&state.pg, id).await?))
}

/// `POST /api/meetings/{id}/priority-messages` — a manager of the meeting's organization
/// pushes a message to the seller's HUD (202 once queued for the live session, on whichever
/// server process it runs; 409 while no session of the meeting runs anywhere, i.e. before the
/// copilot joined the call; 410 once it ended).
#[utoipa::path(post, path = "/meetings/{id}/priority-messages", tag = "live", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = PriorityMessageRequest,
    responses((status = 202, description = "queued for the seller's HUD"), (status = 403, description = "not a manager of the meeting's organization"),
        (status = 409, description = "the call is not live"), (status = 410, description = "the call has ended"),
        (status = 422, description = "invalid text"), (status = 503, description = "the live copilot is unreachable")))]
async fn priority_message(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<PriorityMessageRequest>,
) -> Result<StatusCode, Error> {
    if !crate::meetings::is_org_manager(&state.pg, id, &user).await? {
        return Err(Error::Forbidden("only managers of this organization send priority messages".into()));
    }
    let text = validate::name("text", &body.text, 500)?;
    let from = crate::team::users::display_name(&state.pg, user.org, user.id).await?.ok_or(Error::NotFound)?;
    // The session may run in another server process (where its copilot job runs).
    match state.live.get(id) {
        Some(live) => {
            if !live.send(Command::PriorityMessage { from, text }).await {
                return Err(Error::Gone("this meeting has ended".into()));
            }
        }
        None => {
            let message = PriorityMessage { from, text };
            let listeners = state.fanout.send(&id.to_string(), &message).await.map_err(|e| {
                tracing::error!(meeting = %id, error = %e, "relaying a priority message failed");
                Error::Unavailable("The live copilot is unreachable; please try again in a moment.".into())
            })?;
            if listeners == 0 {
                return Err(Error::Conflict("the call is not live: messages reach the seller during the call".into()));
            }
        }
    }
    Ok(StatusCode::ACCEPTED)
}

/// `POST /api/meetings/{id}/end` — the host ends the call for everyone: the meeting is marked
/// ended (no new joins; its recap follows), the LiveKit room is closed (every participant sees
/// the call end at once), then the live session finishes its transcripts and analysis before
/// the answer.
#[utoipa::path(post, path = "/meetings/{id}/end", tag = "live", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "ended for everyone"), (status = 403, description = "not the meeting's host")))]
async fn end(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    if !crate::meetings::is_host(&state.pg, id, &user).await? {
        return Err(Error::Forbidden("only the meeting's host ends the call".into()));
    }
    // Ended before the room closes: a guest reconnecting as the room goes gets 410 from
    // `join` instead of a token for a room `ensure_room` would create again. Ended now, not
    // when LiveKit's webhook arrives (it may not, e.g. behind a firewall): the finalizer picks
    // up ended meetings for their recap, and flushes the live session itself before reading
    // its documents.
    crate::meetings::transition(&state.pg, id, crate::meetings::Transition::HostEnded { at: chrono::Utc::now() }).await?;
    // Then the room, before the copilot's backlog (seconds to minutes on a loaded machine):
    // that is the seller's business, not a reason to keep the guests in a call that has
    // ended. The audio it works on is already here.
    if let Err(e) = state.livekit.delete_room(&crate::livekit::grants::room_name(id)).await {
        tracing::warn!(meeting = %id, error = %e, "closing the LiveKit room failed");
    }
    state.live.end(id).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Largest upload accepted: one hour of three speakers at 16 kHz mono 16-bit (≈ 345 MB).
const MAX_RECORDING_BYTES: usize = 3 * 3600 * 32_000 + 1024 * 1024;

/// `POST /api/meetings/{id}/recordings` (the host): a past call as `multipart/form-data`, one
/// part per speaker, the part name being the speaker's name and its body a 16 kHz mono 16-bit
/// WAV on the call's shared time axis; the first part is the seller. Answers 202 once every
/// file is validated; the analysis runs in the background and stores its events and segments
/// like a live call's. 409 when the meeting already has stored events.
#[utoipa::path(post, path = "/meetings/{id}/recordings", tag = "live", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "one 16 kHz mono 16-bit WAV part per speaker, named after them; the seller first"),
    responses((status = 202, description = "validated; the analysis runs in the background"), (status = 403, description = "not the meeting's host"),
        (status = 409, description = "the meeting is live or already has an analysis"), (status = 413, description = "larger than one hour of three speakers"),
        (status = 415, description = "not a multipart/form-data body"),
        (status = 422, description = "a part is not a valid WAV, or a speaker appears twice")))]
async fn upload_recording(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<StatusCode, Error> {
    let mut form = form?;
    if !crate::meetings::is_host(&state.pg, id, &user).await? {
        return Err(Error::Forbidden("only the meeting's host uploads its recording".into()));
    }
    if state.live.get(id).is_some() {
        return Err(Error::Conflict("the meeting is live".into()));
    }
    if crate::live::persist::has_events(&state.mongo, id).await.map_err(anyhow::Error::from)? {
        return Err(Error::Conflict("this meeting already has an analysis".into()));
    }
    let dir = tempfile::tempdir().map_err(anyhow::Error::from)?;
    let mut speakers = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| Error::invalid("body", e.to_string()))? {
        let name = validate::name("speaker", field.name().unwrap_or_default(), 60)?;
        if speakers.iter().any(|s: &RecordedSpeaker| s.name == name) {
            return Err(Error::invalid("speaker", format!("{name} appears twice")));
        }
        let bytes = field.bytes().await.map_err(|e| Error::invalid(&name, e.to_string()))?;
        let wav = dir.path().join(format!("{}.wav", speakers.len()));
        std::fs::write(&wav, &bytes).map_err(anyhow::Error::from)?;
        read_track(&wav).map_err(|e| Error::invalid(&name, e.to_string().replace(&wav.display().to_string(), "file")))?;
        let role = if speakers.is_empty() { SpeakerRole::Host } else { SpeakerRole::Guest };
        speakers.push(RecordedSpeaker { name, wav, role });
    }
    if speakers.is_empty() {
        return Err(Error::invalid("speaker", "upload at least one WAV part"));
    }
    state.live.analyze_recording(id, speakers, dir).await?;
    Ok(StatusCode::ACCEPTED)
}
