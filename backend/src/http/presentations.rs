//! "Present now" — a battle card shown large on the guests' screens.
//!
//! - `POST /api/meetings/{id}/battle-cards/{objection}/presented`: the web room presented the
//!   card itself (a text stream to the guests) and reports it, so recaps and analytics can tell
//!   shown cards from presented ones.
//! - `POST /api/meetings/{id}/battle-cards/{objection}/present` and
//!   `DELETE /api/meetings/{id}/presentation`: the server presents (or stops presenting) for a
//!   seller whose HUD is not the room — the desktop app's HUD, beside a room that runs in the
//!   browser.
//! - `GET /api/meetings/{id}/presented/{objection}/image`: the image of a card presented in the
//!   meeting, for the guests' screens (no sign-in: guests have none; the meeting's link is their
//!   capability, as for joining), never the image of a card that was not presented.
//!
//! Presentations are stored by `meetings::record_presented`.

use super::Error;
use super::extract::PathParams;
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use livekit_api::services::room::SendDataOptions;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(presented))
        .routes(routes!(present))
        .routes(routes!(stop_presenting))
        .routes(routes!(presented_image))
}

/// LiveKit topic of "Present now" messages (`PRESENT_TOPIC` in `ui/src/room/presentation.tsx`).
pub const PRESENT_TOPIC: &str = "closer.present";

/// Record that the meeting's host presented the battle card of `objection` (a key of the
/// meeting's playbook).
#[utoipa::path(post, path = "/meetings/{id}/battle-cards/{objection}/presented", tag = "recap", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("objection" = String, Path)),
    responses((status = 204, description = "recorded"), (status = 403, description = "not the host"),
        (status = 422, description = "not an objection of the meeting's playbook")))]
async fn presented(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams((id, objection)): PathParams<(Uuid, String)>,
) -> Result<StatusCode, Error> {
    let card = hosted_card(&state, id, &user, &objection).await?;
    crate::meetings::record_presented(&state.mongo, id, &card.key).await.map_err(|e| Error::Internal(e.into()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Present the battle card of `objection` to the meeting's guests from the server: the message
/// the web room sends (`{"type":"present","id","title","points","from"}` and, when the card has
/// an image, `"image": "/api/meetings/{id}/presented/{objection}/image"`; see
/// `ui/src/room/presentation.tsx`) as a reliable LiveKit data packet on topic [`PRESENT_TOPIC`]
/// addressed to every guest in the room (never to the seller or managers). The image goes by
/// reference because a data packet carries about 15 KiB and an image up to 2 MiB; the
/// presentation is recorded before it is sent, so the guests' fetch of the image finds it.
#[utoipa::path(post, path = "/meetings/{id}/battle-cards/{objection}/present", tag = "recap", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("objection" = String, Path)),
    responses((status = 204, description = "sent to the guests"), (status = 403, description = "not the host"),
        (status = 409, description = "no guest is in the call"), (status = 422, description = "not an objection of the meeting's playbook"),
        (status = 503, description = "LiveKit unreachable")))]
async fn present(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams((id, objection)): PathParams<(Uuid, String)>,
) -> Result<StatusCode, Error> {
    let card = hosted_card(&state, id, &user, &objection).await?;
    let from = crate::team::users::display_name(&state.pg, user.org, user.id).await?.ok_or(Error::NotFound)?;
    let mut message = serde_json::json!({
        "type": "present",
        "id": card.key,
        "title": card.battle_card.title,
        "points": card.battle_card.points,
        "from": from,
    });
    if card.battle_card.image_url.is_some() {
        // Keys are `[a-z0-9_]` (playbook validation): safe in a path as they are.
        message["image"] = format!("/api/meetings/{id}/presented/{}/image", card.key).into();
    }
    let guests = guests_in_room(&state, id).await?;
    if guests.is_empty() {
        return Err(Error::Conflict("No guest is in the call yet: there is nobody to present to.".into()));
    }
    crate::meetings::record_presented(&state.mongo, id, &card.key).await.map_err(|e| Error::Internal(e.into()))?;
    send(&state, id, guests, &message).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop presenting: the guests' screens go back to the call.
#[utoipa::path(delete, path = "/meetings/{id}/presentation", tag = "recap", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "sent to the guests in the call, if any"), (status = 403, description = "not the host"),
        (status = 503, description = "LiveKit unreachable")))]
async fn stop_presenting(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    require_host(&state, id, &user).await?;
    let guests = guests_in_room(&state, id).await?;
    if !guests.is_empty() {
        send(&state, id, guests, &serde_json::json!({"type": "stop"})).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The image of the battle card of `objection` presented in meeting `id` (by the web room or
/// the server), with the type it was uploaded with; 404 when the card has no image or was not
/// presented in this meeting.
#[utoipa::path(get, path = "/meetings/{id}/presented/{objection}/image", tag = "join",
    params(("id" = Uuid, Path), ("objection" = String, Path)),
    responses((status = 200, description = "the image bytes"), (status = 404, description = "not presented in this meeting, or no image")))]
async fn presented_image(State(state): State<AppState>, PathParams((id, objection)): PathParams<(Uuid, String)>) -> Result<impl IntoResponse, Error> {
    if !crate::meetings::was_presented(&state.mongo, id, &objection).await.map_err(|e| Error::Internal(e.into()))? {
        return Err(Error::NotFound);
    }
    let (content_type, data) = crate::playbooks::images::of_meeting(&state.pg, id, &objection).await?.ok_or(Error::NotFound)?;
    Ok((super::images::served(content_type), data))
}

/// Only the meeting's host presents: 403 for anyone else.
async fn require_host(state: &AppState, id: Uuid, user: &AuthUser) -> Result<(), Error> {
    if crate::meetings::is_host(&state.pg, id, user).await? {
        Ok(())
    } else {
        Err(Error::Forbidden("only the meeting's host presents battle cards".into()))
    }
}

/// The objection `key` of meeting `id`'s playbook, if `user` hosts the meeting.
async fn hosted_card(state: &AppState, id: Uuid, user: &AuthUser, key: &str) -> Result<closer_wire::Objection, Error> {
    require_host(state, id, user).await?;
    let playbook = crate::meetings::playbook(&state.pg, id).await?.ok_or(Error::NotFound)?;
    playbook
        .objections
        .into_iter()
        .find(|o| o.key == key)
        .ok_or_else(|| Error::invalid("objection", "not an objection of this meeting's playbook"))
}

/// The identities of the guests in meeting `id`'s room (none when the room is not open).
async fn guests_in_room(state: &AppState, id: Uuid) -> Result<Vec<String>, Error> {
    let room = crate::livekit::grants::room_name(id);
    if state.livekit.list_rooms(vec![room.clone()]).await.map_err(unreachable)?.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state
        .livekit
        .list_participants(&room)
        .await
        .map_err(unreachable)?
        .into_iter()
        .map(|p| p.identity)
        .filter(|identity| crate::livekit::grants::Identity::is_guest(identity))
        .collect())
}

/// Sends `message` on [`PRESENT_TOPIC`] to `guests` (not empty: an empty list means everyone)
/// in meeting `id`'s room.
async fn send(state: &AppState, id: Uuid, guests: Vec<String>, message: &serde_json::Value) -> Result<(), Error> {
    let options = SendDataOptions { destination_identities: guests, topic: Some(PRESENT_TOPIC.into()), ..Default::default() };
    state.livekit.send_data(&crate::livekit::grants::room_name(id), message.to_string().into_bytes(), options).await.map_err(unreachable)?;
    Ok(())
}

fn unreachable(e: livekit_api::services::ServiceError) -> Error {
    Error::Unavailable(format!("LiveKit: {e}"))
}
