//! `POST /api/livekit/webhook`: LiveKit's signed event notifications (the `Authorization`
//! header is a JWT over the body's SHA-256). Participant joins/leaves and room ends are
//! recorded on the meeting; a host or guest joining (not a shadow manager, not the copilot
//! agent) makes it `live`, the room finishing makes it `ended`.

use super::Error;
use crate::livekit::grants;
use crate::meetings::{self, RoomEvent};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Utc};
use livekit_api::access_token::TokenVerifier;
use livekit_api::webhooks::WebhookReceiver;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receive))
}

/// Receive a LiveKit webhook (signature verified with the LiveKit API key/secret).
#[utoipa::path(post, path = "/livekit/webhook", tag = "livekit", request_body(content = String, content_type = "application/webhook+json"),
    responses((status = 200, description = "recorded or ignored"), (status = 400, description = "not UTF-8"), (status = 401, description = "bad signature")))]
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Result<StatusCode, Error> {
    let body = std::str::from_utf8(&body).map_err(|e| Error::BadRequest { field: "body".into(), message: format!("not UTF-8: {e}") })?;
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("Bearer ").trim())
        .ok_or_else(|| Error::Unauthorized("missing webhook signature".into()))?;
    let verifier = TokenVerifier::with_api_key(&state.config.livekit_api_key, &state.config.livekit_api_secret);
    let event = WebhookReceiver::new(verifier)
        .receive(body, auth)
        .map_err(|e| Error::Unauthorized(format!("webhook rejected: {e}")))?;
    let Some(meeting) = event.room.as_ref().and_then(|r| grants::meeting_of_room(&r.name)) else {
        return Ok(StatusCode::OK);
    };
    let at = DateTime::<Utc>::from_timestamp(event.created_at, 0).unwrap_or_else(Utc::now);
    let identity = event.participant.as_ref().map(|p| p.identity.as_str());
    let agent = event.participant.as_ref().is_some_and(|p| p.kind == livekit_protocol::participant_info::Kind::Agent as i32);
    let room_event = match (event.event.as_str(), identity) {
        ("participant_joined", Some(identity)) => RoomEvent::Joined { identity, agent },
        ("participant_left", Some(identity)) => RoomEvent::Left { identity },
        ("room_started", _) => RoomEvent::Started,
        ("room_finished", _) => RoomEvent::Finished,
        _ => return Ok(StatusCode::OK),
    };
    let id = if event.id.is_empty() {
        format!("{}:{meeting}:{}:{}", room_event.kind(), identity.unwrap_or(""), event.created_at)
    } else {
        event.id.clone()
    };
    // `false` for a retry of a delivered event, or a room of no meeting of ours: both are fine.
    meetings::record(&state.pg, meeting, &id, room_event, at).await?;
    Ok(StatusCode::OK)
}
