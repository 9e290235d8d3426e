//! Sessions: a short-lived access token with a refresh token, as the client keeps them.

use super::refresh;
use crate::error::Error;
use crate::state::AppState;
use closer_wire::{Session, User};

/// A new session (access token + first refresh token of a new family) for `user`.
///
/// Errors: the database, or signing the access token.
pub async fn start(state: &AppState, user: User) -> Result<Session, Error> {
    let refresh_token = refresh::issue(&state.pg, user.id, state.config.refresh_token_ttl_days).await?;
    with_refresh(state, user, refresh_token)
}

/// A session for `user` around `refresh_token` (the next of its family when rotating).
///
/// Errors: signing the access token.
pub fn with_refresh(state: &AppState, user: User, refresh_token: String) -> Result<Session, Error> {
    Ok(Session {
        access_token: state.jwt.issue(user.id, user.organization_id, user.role)?,
        expires_in: state.jwt.ttl().as_secs(),
        refresh_token,
        user,
    })
}
