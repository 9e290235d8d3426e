//! Rotating refresh tokens with family-wide revocation on reuse.
//!
//! A token is 32 random bytes (base64url); only its SHA-256 is stored. Login starts a family.
//! [`rotate`] marks the presented token used and issues its successor in the same family. A
//! token presented after it was used means two parties hold it (theft or replay): the whole
//! family is revoked, logging out the thief and the user alike.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// Why a refresh token was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Unknown, expired or revoked token.
    #[error("invalid or expired refresh token")]
    Invalid,
    /// The token had already been exchanged; its family is now revoked.
    #[error("refresh token reuse detected; every session of this login was revoked")]
    Reused,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A fresh random token string (43 base64url chars).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, as stored.
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a new family for `user` and returns its first token.
pub async fn issue(pg: &PgPool, user: Uuid, ttl_days: u32) -> Result<String, sqlx::Error> {
    let token = generate();
    insert(pg, user, Uuid::new_v4(), &token, ttl_days).await?;
    Ok(token)
}

async fn insert<'e>(
    db: impl sqlx::PgExecutor<'e>,
    user: Uuid,
    family: Uuid,
    token: &str,
    ttl_days: u32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(days => $4))",
    )
    .bind(user)
    .bind(family)
    .bind(digest(token))
    .bind(ttl_days as i32)
    .execute(db)
    .await?;
    Ok(())
}

/// A `refresh_tokens` row as [`rotate`] reads it: user, family, expiry, when it was used, when
/// it was revoked.
type TokenRow = (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Exchanges `token` for its successor; returns `(user id, new token)`.
///
/// Errors: [`RefreshError::Invalid`] for unknown/expired/revoked tokens,
/// [`RefreshError::Reused`] when the token was already exchanged (the family is revoked
/// before returning).
pub async fn rotate(pg: &PgPool, token: &str, ttl_days: u32) -> Result<(Uuid, String), RefreshError> {
    let mut tx = pg.begin().await?;
    // FOR UPDATE: two concurrent exchanges of one token serialize here, so the second sees
    // `used_at` set and is treated as reuse.
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT user_id, family_id, expires_at, used_at, revoked_at FROM refresh_tokens
         WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user, family, expires_at, used_at, revoked_at)) = row else {
        return Err(RefreshError::Invalid);
    };
    if revoked_at.is_some() {
        return Err(RefreshError::Invalid);
    }
    if used_at.is_some() {
        revoke_family_in(&mut *tx, family).await?;
        tx.commit().await?;
        return Err(RefreshError::Reused);
    }
    if expires_at <= Utc::now() {
        return Err(RefreshError::Invalid);
    }
    sqlx::query("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&mut *tx)
        .await?;
    let next = generate();
    insert(&mut *tx, user, family, &next, ttl_days).await?;
    tx.commit().await?;
    Ok((user, next))
}

/// Revokes the family `token` belongs to (logout). Unknown tokens are ignored.
pub async fn revoke(pg: &PgPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = now()
         WHERE revoked_at IS NULL
           AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)",
    )
    .bind(digest(token))
    .execute(pg)
    .await?;
    Ok(())
}

/// Revokes every token of `user` (their account was switched off).
pub async fn revoke_user<'e>(db: impl sqlx::PgExecutor<'e>, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}

async fn revoke_family_in<'e>(db: impl sqlx::PgExecutor<'e>, family: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL")
        .bind(family)
        .execute(db)
        .await?;
    Ok(())
}
