//! "Forgot your password?": a one-time link e-mailed to an active user; using it sets a new
//! password and revokes every session the user had (whoever knew the old password is out).

use super::users;
use crate::auth::refresh::{self, digest, generate};
use crate::error::Error;
use closer_wire::User;
use sqlx::PgPool;
use uuid::Uuid;

/// How long a reset link works, minutes: long enough to switch to the mailbox, short enough
/// that a link found later in a mailbox is useless (OWASP's Forgot Password Cheat Sheet).
pub const TTL_MINUTES: i32 = 60;

/// A reset link to send: to whom (name, e-mail) and its token (the only copy).
pub struct Issued {
    pub display_name: String,
    pub email: String,
    pub token: String,
}

/// Issues a reset token for the active user with `email` (already lower-cased), or `None` when
/// there is no such user: the caller answers the same either way.
pub async fn issue(pg: &PgPool, email: &str) -> Result<Option<Issued>, sqlx::Error> {
    let user: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE email = $1 AND deactivated_at IS NULL")
            .bind(email)
            .fetch_optional(pg)
            .await?;
    let Some((user, display_name)) = user else { return Ok(None) };
    let token = generate();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(mins => $3))",
    )
    .bind(digest(&token))
    .bind(user)
    .bind(TTL_MINUTES)
    .execute(pg)
    .await?;
    Ok(Some(Issued { display_name, email: email.to_owned(), token }))
}

/// Uses `token` once: stores `password_hash` (argon2, already computed), marks every open reset
/// link of the user used, revokes all their refresh tokens, and returns the user.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown token; [`Error::Gone`] for a used or expired
/// one, or a user deactivated since.
pub async fn consume(pg: &PgPool, token: &str, password_hash: &str) -> Result<User, Error> {
    let mut tx = pg.begin().await?;
    let row: Option<(Uuid, bool, bool)> = sqlx::query_as(
        "SELECT user_id, used_at IS NOT NULL, expires_at <= now() FROM password_resets WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let (user_id, used, expired) = row.ok_or_else(|| Error::NotFoundMessage("this reset link is not valid".into()))?;
    if used {
        return Err(Error::Gone("this reset link was already used; ask for a new one".into()));
    }
    if expired {
        return Err(Error::Gone("this reset link has expired; ask for a new one".into()));
    }
    let row: Option<users::Row> = sqlx::query_as(&format!(
        "UPDATE users SET password_hash = $2 WHERE id = $1 AND deactivated_at IS NULL RETURNING {}",
        users::COLUMNS
    ))
    .bind(user_id)
    .bind(password_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let user = row.ok_or_else(|| Error::Gone("this account was deactivated".into()))?;
    sqlx::query("UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    refresh::revoke_user(&mut *tx, user_id).await?;
    tx.commit().await?;
    Ok(users::from_row(user)?)
}

/// Subject and plain text of the reset e-mail in `language` (`en` or `it`).
pub fn email(language: &str, display_name: &str, link: &str) -> (String, String) {
    if language == "it" {
        (
            "Reimposta la password di Closer".to_owned(),
            format!(
                "Ciao {display_name},\n\nper scegliere una nuova password apri questo link entro {TTL_MINUTES} minuti:\n{link}\n\n\
                 Se non l'hai chiesto tu, ignora questa e-mail: la password resta quella di prima.\n"
            ),
        )
    } else {
        (
            "Reset your Closer password".to_owned(),
            format!(
                "Hi {display_name},\n\nto choose a new password, open this link within {TTL_MINUTES} minutes:\n{link}\n\n\
                 If you did not ask for this, ignore this e-mail: your password stays as it was.\n"
            ),
        )
    }
}
