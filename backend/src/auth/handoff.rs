//! One-time handoff tokens: a signed-in desktop app asks for one and opens the web UI with it
//! in the URL fragment; the browser redeems it once, within [`TTL_SECONDS`], for a session of
//! its own (a new refresh-token family). Only the token's SHA-256 is stored.

use super::refresh::{digest, generate};
use sqlx::PgPool;
use uuid::Uuid;

/// How long a handoff token can be redeemed, seconds: long enough for a browser to start,
/// short enough that a token in a browser's history is worthless.
pub const TTL_SECONDS: u32 = 60;

/// Issues a token for `user` (43 base64url chars), valid once for [`TTL_SECONDS`]. Expired
/// tokens of any user are deleted on the way, so the table stays small.
pub async fn issue(pg: &PgPool, user: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query("DELETE FROM handoff_tokens WHERE expires_at < now() - interval '1 hour'").execute(pg).await?;
    let token = generate();
    sqlx::query("INSERT INTO handoff_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))")
        .bind(digest(&token))
        .bind(user)
        .bind(f64::from(TTL_SECONDS))
        .execute(pg)
        .await?;
    Ok(token)
}

/// Redeems `token`: the user it was issued to, or `None` when it is unknown, expired or was
/// already redeemed (one atomic update, so two concurrent redemptions cannot both succeed).
pub async fn redeem(pg: &PgPool, token: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE handoff_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
    )
    .bind(digest(token))
    .fetch_optional(pg)
    .await
}
