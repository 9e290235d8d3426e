//! User rows and their rules: who is active, and that an organization always keeps an admin.

use crate::auth::refresh;
use crate::error::Error;
use closer_wire::{Role, User};
use sqlx::PgPool;
use uuid::Uuid;

/// Columns of [`User`], in the order [`from_row`] reads them.
pub const COLUMNS: &str = "id, organization_id, email, display_name, role, slug, deactivated_at IS NULL";

/// A row of [`COLUMNS`].
pub type Row = (Uuid, Uuid, String, String, String, String, bool);

/// The API's view of a row of [`COLUMNS`].
///
/// Errors: a role this build does not know (a row is never read as a weaker or stronger role
/// than it says).
pub fn from_row((id, organization_id, email, display_name, role, slug, active): Row) -> Result<User, sqlx::Error> {
    Ok(User { id, organization_id, email, display_name, role: parse_role(&role)?, slug, active })
}

/// `role` of a row as a [`Role`]; errors on anything else.
pub fn parse_role(role: &str) -> Result<Role, sqlx::Error> {
    Role::parse(role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role:?} in a row").into()))
}

/// User `id` of organization `org`, active or not.
pub async fn load(pg: &PgPool, id: Uuid, org: Uuid) -> Result<Option<User>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(pg)
        .await?;
    row.map(from_row).transpose()
}

/// A new account's fields, checked by the caller (the password already hashed).
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    /// The booking page's slug.
    pub slug: &'a str,
}

/// Creates `account` in organization `org` (active), in the caller's transaction or pool.
///
/// Errors: the database's; a unique violation means the e-mail or slug is taken (the callers
/// word it for their form).
pub async fn insert<'e>(db: impl sqlx::PgExecutor<'e>, org: Uuid, account: &NewAccount<'_>) -> Result<User, sqlx::Error> {
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO users (organization_id, email, display_name, role, password_hash, slug)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(org)
    .bind(account.email)
    .bind(account.display_name)
    .bind(account.role.as_str())
    .bind(account.password_hash)
    .bind(account.slug)
    .fetch_one(db)
    .await?;
    from_row(row)
}

/// The account signing in with `email` (lower-case): `(user id, organization id, password
/// hash)`.
pub async fn credentials(pg: &PgPool, email: &str) -> Result<Option<(Uuid, Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, organization_id, password_hash FROM users WHERE email = $1").bind(email).fetch_optional(pg).await
}

/// User `id` of whichever organization, active or not: for a token that names only the user
/// (a rotated refresh token, a redeemed handoff).
pub async fn by_id(pg: &PgPool, id: Uuid) -> Result<Option<User>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(pg).await?;
    row.map(from_row).transpose()
}

/// The display name of user `id` of organization `org` (what a room and a HUD call them);
/// `None` for no such user.
pub async fn display_name(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND organization_id = $2").bind(id).bind(org).fetch_optional(pg).await
}

/// Whether user `id` is an active member of organization `org` (leads and AI agents are
/// handed only to people who can still sign in).
pub async fn is_active_member(conn: &mut sqlx::PgConnection, org: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let active: Option<bool> = sqlx::query_scalar("SELECT deactivated_at IS NULL FROM users WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await?;
    Ok(active == Some(true))
}

/// Everyone in organization `org`, by name.
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE organization_id = $1 ORDER BY display_name, id"))
            .bind(org)
            .fetch_all(pg)
            .await?;
    rows.into_iter().map(from_row).collect()
}

/// Changes `target`'s active flag and/or role on behalf of admin `by` (same organization) and
/// returns the user as it now is. Switching a user off revokes every refresh token they hold,
/// so no new access token is issued to them.
///
/// Errors: [`Error::NotFound`] for another organization's user; [`Error::Invalid`] when an
/// admin switches themselves off or demotes themselves, or when the change would leave the
/// organization without an active admin.
pub async fn update(
    pg: &PgPool,
    org: Uuid,
    by: Uuid,
    target: Uuid,
    active: Option<bool>,
    role: Option<Role>,
) -> Result<User, Error> {
    let mut tx = pg.begin().await?;
    // Serializes concurrent changes of this organization's admins (the "one admin left" check).
    sqlx::query("SELECT id FROM organizations WHERE id = $1 FOR UPDATE").bind(org).execute(&mut *tx).await?;
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND organization_id = $2"))
            .bind(target)
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
    let current = row.map(from_row).transpose()?.ok_or(Error::NotFound)?;
    if target == by && active == Some(false) {
        return Err(Error::invalid("active", "you cannot deactivate yourself; ask another admin"));
    }
    if target == by && role.is_some_and(|r| r != Role::Admin) {
        return Err(Error::invalid("role", "you cannot give up your own admin role; ask another admin"));
    }
    let next_active = active.unwrap_or(current.active);
    let next_role = role.unwrap_or(current.role);
    if current.role == Role::Admin && current.active && (!next_active || next_role != Role::Admin) {
        let admins: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM users WHERE organization_id = $1 AND role = 'admin' AND deactivated_at IS NULL",
        )
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
        if admins <= 1 {
            return Err(Error::invalid("role", "the organization needs at least one active admin"));
        }
    }
    let row: Row = sqlx::query_as(&format!(
        "UPDATE users SET role = $3,
             deactivated_at = CASE WHEN $4 THEN NULL ELSE coalesce(deactivated_at, now()) END
         WHERE id = $1 AND organization_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(target)
    .bind(org)
    .bind(next_role.as_str())
    .bind(next_active)
    .fetch_one(&mut *tx)
    .await?;
    if !next_active {
        refresh::revoke_user(&mut *tx, target).await?;
    }
    tx.commit().await?;
    Ok(from_row(row)?)
}

/// The argon2 hash of `user`'s password (`None` for an unknown user).
pub async fn password_hash(pg: &PgPool, user: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user).fetch_optional(pg).await
}

/// Applies the signed-in user's own changes: `display_name` (validated) and/or a new
/// `password_hash` (already checked against the current password), which also revokes every
/// refresh token the user holds. Returns the user as it now is.
pub async fn update_profile(
    pg: &PgPool,
    org: Uuid,
    user: Uuid,
    display_name: Option<&str>,
    password_hash: Option<&str>,
) -> Result<User, Error> {
    let mut tx = pg.begin().await?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE users SET display_name = coalesce($3, display_name), password_hash = coalesce($4, password_hash)
         WHERE id = $1 AND organization_id = $2 AND deactivated_at IS NULL RETURNING {COLUMNS}"
    ))
    .bind(user)
    .bind(org)
    .bind(display_name)
    .bind(password_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let row = row.ok_or_else(|| Error::Unauthorized("this account was deactivated".into()))?;
    if password_hash.is_some() {
        refresh::revoke_user(&mut *tx, user).await?;
    }
    tx.commit().await?;
    Ok(from_row(row)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_role_in_a_row_is_an_error_not_a_seller() {
        assert_eq!(parse_role("manager").unwrap(), Role::Manager);
        assert!(matches!(parse_role("owner"), Err(sqlx::Error::Decode(_))));
    }
}
