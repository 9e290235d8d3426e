//! Sessions: a short-lived access token with a refresh token, as the client keeps them.

use super::jwt::JwtKeys;
use super::refresh;
use crate::error::Error;
use closer_wire::{Session, User};
use sqlx::PgPool;

/// A new session (access token signed by `jwt` + first refresh token of a new family, valid
/// `refresh_ttl_days` days) for `user`.
///
/// Errors: the database, or signing the access token.
pub async fn start(pg: &PgPool, jwt: &JwtKeys, refresh_ttl_days: u32, user: User) -> Result<Session, Error> {
    let refresh_token = refresh::issue(pg, user.id, refresh_ttl_days).await?;
    with_refresh(jwt, user, refresh_token)
}

/// A session for `user` around `refresh_token` (the next of its family when rotating).
///
/// Errors: signing the access token.
pub fn with_refresh(jwt: &JwtKeys, user: User, refresh_token: String) -> Result<Session, Error> {
    Ok(Session { access_token: jwt.issue(user.id, user.organization_id, user.role)?, expires_in: jwt.ttl().as_secs(), refresh_token, user })
}
