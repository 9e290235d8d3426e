//! The guest's side of `/meet/<uuid>`: what the page shows before joining, and the join itself
//! (no login; rate-limited per client address and meeting).

use super::extract::{Body, ClientIp, PathParams};
use crate::meetings::{Entrant, refuse_join};
use crate::room_access::admit;
use super::{Error, validate};
use crate::livekit::grants;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use closer_wire::{AiConsent, JoinRequest, ParticipantRole, PublicMeeting, RoomAccess};
use livekit_api::access_token::TokenVerifier;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(public_info)).routes(routes!(join))
}

const UNKNOWN: &str = "This meeting link is not valid. Please check the link in your invitation.";

async fn lookup(state: &AppState, id: Uuid) -> Result<PublicMeeting, Error> {
    crate::meetings::public(&state.pg, id).await?.ok_or_else(|| Error::NotFoundMessage(UNKNOWN.into()))
}

/// What the guest page shows before joining (title, host, time, status).
#[utoipa::path(get, path = "/meetings/{id}/public", tag = "join", params(("id" = Uuid, Path)),
    responses((status = 200, body = PublicMeeting), (status = 404, description = "unknown link")))]
async fn public_info(State(state): State<AppState>, PathParams(id): PathParams<Uuid>) -> Result<Json<PublicMeeting>, Error> {
    Ok(Json(lookup(&state, id).await?))
}

/// Join as a guest: records the display name and AI-consent choice (with the time it was
/// made) and returns a guest token for the meeting's room. With a `rejoin_token` from this
/// tab's earlier join the guest comes back as the same participant (see [`rejoining`]).
#[utoipa::path(post, path = "/meetings/{id}/join", tag = "join", params(("id" = Uuid, Path)), request_body = JoinRequest,
    responses((status = 200, body = RoomAccess), (status = 404, description = "unknown link"),
        (status = 409, description = "the call is full (10 participants)"), (status = 410, description = "ended or cancelled"),
        (status = 422, description = "invalid display_name"), (status = 429, description = "too many attempts")))]
async fn join(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<JoinRequest>,
) -> Result<Json<RoomAccess>, Error> {
    if !state.join_limit.check(format!("{ip}/{id}")).await {
        return Err(Error::TooManyRequests);
    }
    let display_name = validate::name("display_name", &body.display_name, 60)?;
    let meeting = lookup(&state, id).await?;
    refuse_join(meeting.status)?;
    let room = grants::room_name(id);
    let returning = match &body.rejoin_token {
        Some(token) => rejoining(&state, id, &room, token, body.ai_consent).await?,
        None => None,
    };
    // LiveKit refuses the 11th participant itself; checking first lets the guest page say why.
    // A guest coming back is not counted twice: its new connection replaces its old one. The
    // copilot agent takes no place (LiveKit does not count agents either).
    let agent = livekit_protocol::participant_info::Kind::Agent as i32;
    if let Ok(present) = state.livekit.list_participants(&room).await
        && present.iter().filter(|p| Some(&p.identity) != returning.as_ref() && p.kind != agent).count() >= grants::MAX_PARTICIPANTS as usize
    {
        return Err(Error::Conflict(format!(
            "This call is full ({} participants). Please ask the host to make room.",
            grants::MAX_PARTICIPANTS
        )));
    }
    let identity = returning.unwrap_or_else(|| grants::Identity::new_guest().to_string());
    let entrant = Entrant { meeting: id, role: ParticipantRole::Guest, identity: &identity, name: &display_name, user: None, consent: Some(body.ai_consent) };
    Ok(Json(admit(&state, entrant).await?))
}

/// The identity a guest comes back as: the subject of `token` when it is a guest token this
/// server minted for `room` (signature, issuer and expiry checked by LiveKit's verifier) and the
/// meeting has that guest on record with the same AI-consent choice. Any other token gives
/// `None`, a new participant: an expired token is the ordinary case of a tab reloaded over an
/// hour later, not an error; and a guest who now chooses differently becomes a new participant
/// because the live pipeline keeps each identity's consent for the whole call.
///
/// Errors: only the database failing.
async fn rejoining(state: &AppState, meeting: Uuid, room: &str, token: &str, consent: AiConsent) -> Result<Option<String>, Error> {
    let verifier = TokenVerifier::with_api_key(&state.config.livekit_api_key, &state.config.livekit_api_secret);
    let Ok(claims) = verifier.verify(token) else { return Ok(None) };
    if claims.video.room != room || !grants::Identity::is_guest(&claims.sub) {
        return Ok(None);
    }
    let known = crate::meetings::is_admitted_guest(&state.pg, meeting, &claims.sub, consent).await?;
    Ok(known.then_some(claims.sub))
}
