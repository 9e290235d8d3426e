//! Admission to a meeting's room: the room and its agents made ready, the participant
//! recorded, a LiveKit token minted for them; and whether a guest was admitted before.

use crate::error::Error;
use crate::livekit::grants;
use crate::state::AppState;
use closer_wire::{AiConsent, MeetingStatus, ParticipantRole, RoomAccess};
use sqlx::PgPool;
use uuid::Uuid;

/// The 410 of a meeting that can no longer be joined, with a message for people.
pub fn refuse_join(status: MeetingStatus) -> Result<(), Error> {
    match status {
        MeetingStatus::Cancelled => Err(Error::Gone("This meeting was cancelled.".into())),
        MeetingStatus::Ended | MeetingStatus::Processed => Err(Error::Gone("This meeting has ended.".into())),
        MeetingStatus::Scheduled | MeetingStatus::Live => Ok(()),
    }
}

/// Creates the room (max 10 participants) with the copilot dispatched to it, unless the
/// copilot's job is running there already, dispatches the meeting's AI agent when it has one
/// and it is not there yet, records the participant and mints the token. A failed dispatch is
/// logged, not refused: the call works without its copilot (or its AI agent).
pub async fn admit(
    state: &AppState,
    meeting: Uuid,
    role: ParticipantRole,
    identity: &str,
    name: &str,
    user: Option<Uuid>,
    consent: Option<AiConsent>,
) -> Result<RoomAccess, Error> {
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
    sqlx::query(
        "INSERT INTO participants (meeting_id, identity, role, display_name, user_id, ai_consent, consent_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 IS NULL THEN NULL ELSE now() END)
         ON CONFLICT (meeting_id, identity) DO UPDATE SET display_name = $4",
    )
    .bind(meeting)
    .bind(identity)
    .bind(role.as_str())
    .bind(name)
    .bind(user)
    .bind(consent.map(AiConsent::as_str))
    .execute(&state.pg)
    .await?;
    let token = grants::mint(&state.config, role, &room, identity, name)?;
    Ok(RoomAccess { livekit_url: grants::client_url(&state.config), token, identity: identity.to_owned(), room })
}

/// `true` when `identity` was admitted to `meeting` as a guest who made the AI-consent choice
/// `consent` (a guest reloading the page rejoins as the same participant only with the same
/// choice).
pub async fn is_admitted_guest(pg: &PgPool, meeting: Uuid, identity: &str, consent: AiConsent) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM participants
         WHERE meeting_id = $1 AND identity = $2 AND role = 'guest' AND ai_consent = $3)",
    )
    .bind(meeting)
    .bind(identity)
    .bind(consent.as_str())
    .fetch_one(pg)
    .await
}
