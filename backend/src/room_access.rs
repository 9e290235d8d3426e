//! Entering a meeting's room: the room and its agents made ready (LiveKit, `agent`), the
//! participant recorded (`meetings`), a LiveKit token minted for them. It composes those
//! modules, so none of them depends on another for it (the copilot's dispatch lives in `agent`,
//! which reads meetings).

use crate::error::Error;
use crate::livekit::grants;
use crate::state::AppState;
use crate::meetings::Entrant;
use closer_wire::RoomAccess;

/// Creates `entrant`'s meeting's room (max 10 participants) with the copilot dispatched to it, unless the
/// copilot's job is running there already, dispatches the meeting's AI agent when it has one
/// and it is not there yet, records the participant and mints the token. A failed dispatch is
/// logged, not refused: the call works without its copilot (or its AI agent).
///
/// Errors: [`Error::Unavailable`] when LiveKit cannot create the room; the database; signing
/// the token.
pub async fn admit(state: &AppState, entrant: Entrant<'_>) -> Result<RoomAccess, Error> {
    let Entrant { meeting, role, identity, name, .. } = entrant;
    let room = grants::room_name(meeting);
    let agent_name = &state.config.livekit_agent_name;
    // The common case in a call (every join, rejoin and reconnect after the first) costs one
    // query instead of two LiveKit requests and the room's advisory lock (issue #19's API bench).
    if !crate::agent::lease::running(&state.pg, meeting, agent_name).await? {
        grants::ensure_room(&state.livekit, &room).await.map_err(|e| {
            tracing::warn!(error = %e, "LiveKit room creation failed");
            Error::Unavailable("The video service is unreachable; please try again in a moment.".into())
        })?;
        if let Err(e) = crate::agent::dispatch::ensure(&state.pg, &state.dispatches, agent_name, meeting, &room).await {
            tracing::warn!(%meeting, error = %e, "dispatching the copilot failed");
        }
    }
    // The room exists by now (the copilot's job runs there, or it was just created).
    if let Err(e) = crate::agent::ai_worker::ensure(state, meeting, &room).await {
        tracing::warn!(%meeting, error = %e, "dispatching the meeting's AI agent failed");
    }
    crate::meetings::add_participant(&state.pg, entrant).await?;
    let token = grants::mint(&state.config, role, &room, identity, name)?;
    Ok(RoomAccess { livekit_url: grants::client_url(&state.config), token, identity: identity.to_owned(), room })
}
