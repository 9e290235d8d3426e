//! Invitations into an organization. An admin invites an e-mail address with a role; the
//! invitee opens the e-mailed link, picks name, password and booking slug, and is signed in.
//! Tokens are 256 random bits; only their SHA-256 is stored (as for refresh tokens).

use super::users;
use crate::auth::refresh::{digest, generate};
use crate::error::Error;
use chrono::{DateTime, Utc};
use closer_wire::{Invitation, InvitationPreview, InvitationStatus, Role, User};
use sqlx::PgPool;
use uuid::Uuid;

/// How long an invitation link works, days: a week covers someone invited on a Friday who is
/// away the next week's first days, and is the common default (Slack, GitHub org invites).
pub const TTL_DAYS: i32 = 7;

/// Languages an invitation e-mail and its acceptance page come in.
pub const LANGUAGES: [&str; 2] = ["en", "it"];

/// A new invitation and its token (the only copy: it goes into the e-mailed link).
pub struct Created {
    pub invitation: Invitation,
    pub organization_name: String,
    pub token: String,
}

const COLUMNS: &str = "id, email, role, language, created_at, expires_at, accepted_at IS NOT NULL, revoked_at IS NOT NULL";
type Row = (Uuid, String, String, String, DateTime<Utc>, DateTime<Utc>, bool, bool);
/// [`Row`]'s columns, then the organization's name.
type RowWithOrganization = (Uuid, String, String, String, DateTime<Utc>, DateTime<Utc>, bool, bool, String);
/// What accepting reads: id, organization, e-mail, role, expiry, accepted, revoked.
type Acceptance = (Uuid, Uuid, String, String, DateTime<Utc>, bool, bool);

fn status(expires_at: DateTime<Utc>, accepted: bool, revoked: bool) -> InvitationStatus {
    if accepted {
        InvitationStatus::Accepted
    } else if revoked {
        InvitationStatus::Revoked
    } else if expires_at <= Utc::now() {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

fn from_row((id, email, role, language, created_at, expires_at, accepted, revoked): Row) -> Result<Invitation, sqlx::Error> {
    let status = status(expires_at, accepted, revoked);
    Ok(Invitation { id, email, role: users::parse_role(&role)?, language, status, created_at, expires_at })
}

/// Invites `email` (validated, lower-case) into `org` as `role`; an open invitation of the same
/// address is revoked first, so inviting again is how a lost e-mail is re-sent.
///
/// Errors: [`Error::Conflict`] when the address already belongs to a user.
pub async fn create(pg: &PgPool, org: Uuid, by: Uuid, email: &str, role: Role, language: &str) -> Result<Created, Error> {
    let mut tx = pg.begin().await?;
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)")
        .bind(email)
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        return Err(Error::Conflict("this e-mail already has a Closer account".into()));
    }
    sqlx::query(
        "UPDATE invitations SET revoked_at = now()
         WHERE organization_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(org)
    .bind(email)
    .execute(&mut *tx)
    .await?;
    let token = generate();
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO invitations (organization_id, email, role, language, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7)) RETURNING {COLUMNS}"
    ))
    .bind(org)
    .bind(email)
    .bind(role.as_str())
    .bind(language)
    .bind(digest(&token))
    .bind(by)
    .bind(TTL_DAYS)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| Error::unique_conflict(e, "this address was invited a moment ago; try again"))?;
    let organization_name: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Created { invitation: from_row(row)?, organization_name, token })
}

/// The organization's invitations, newest first (at most 200).
pub async fn list(pg: &PgPool, org: Uuid) -> Result<Vec<Invitation>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE organization_id = $1 ORDER BY created_at DESC, id LIMIT 200"
    ))
    .bind(org)
    .fetch_all(pg)
    .await?;
    rows.into_iter().map(from_row).collect()
}

/// Withdraws invitation `id` of `org`; withdrawing one no longer open changes nothing.
///
/// Errors: [`Error::NotFound`] for another organization's invitation.
pub async fn revoke(pg: &PgPool, org: Uuid, id: Uuid) -> Result<Invitation, Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE invitations SET revoked_at = coalesce(revoked_at, CASE WHEN accepted_at IS NULL THEN now() END)
         WHERE id = $1 AND organization_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(pg)
    .await?;
    row.map(from_row).transpose()?.ok_or(Error::NotFound)
}

/// What the acceptance page shows for `token`, whatever its status.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown token.
pub async fn preview(pg: &PgPool, token: &str) -> Result<InvitationPreview, Error> {
    let (invitation, organization_name) = find(pg, token).await?;
    Ok(InvitationPreview {
        organization_name,
        email: invitation.email,
        role: invitation.role,
        language: invitation.language,
        status: invitation.status,
        expires_at: invitation.expires_at,
    })
}

/// The invitation of `token` and its organization's name.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown token.
async fn find(pg: &PgPool, token: &str) -> Result<(Invitation, String), Error> {
    let row: Option<RowWithOrganization> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, i.language, i.created_at, i.expires_at,
                i.accepted_at IS NOT NULL, i.revoked_at IS NOT NULL, o.name
         FROM invitations i JOIN organizations o ON o.id = i.organization_id WHERE i.token_hash = $1",
    )
    .bind(digest(token))
    .fetch_optional(pg)
    .await?;
    let (id, email, role, language, created_at, expires_at, accepted, revoked, org_name) =
        row.ok_or_else(|| Error::NotFoundMessage("this invitation link is not valid".into()))?;
    Ok((from_row((id, email, role, language, created_at, expires_at, accepted, revoked))?, org_name))
}

/// Whether `token` can still be accepted.
///
/// Errors: as [`accept`], but for the conflict.
pub async fn check_pending(pg: &PgPool, token: &str) -> Result<(), Error> {
    gone_unless_pending(find(pg, token).await?.0.status)
}

fn gone_unless_pending(status: InvitationStatus) -> Result<(), Error> {
    match status {
        InvitationStatus::Pending => Ok(()),
        InvitationStatus::Accepted => Err(Error::Gone("this invitation was already accepted: sign in instead".into())),
        InvitationStatus::Revoked => Err(Error::Gone("this invitation was withdrawn; ask your admin for a new one".into())),
        InvitationStatus::Expired => Err(Error::Gone("this invitation has expired; ask your admin for a new one".into())),
    }
}

/// Creates the invitee's account from `token` (once: the invitation is marked accepted in the
/// same transaction) with the already validated `display_name`, argon2 `password_hash` and
/// `slug`.
///
/// Errors: [`Error::NotFoundMessage`] for an unknown token; [`Error::Gone`] once it was
/// accepted, withdrawn or expired; [`Error::Conflict`] when the slug or the e-mail was taken
/// meanwhile.
pub async fn accept(pg: &PgPool, token: &str, display_name: &str, password_hash: &str, slug: &str) -> Result<User, Error> {
    let mut tx = pg.begin().await?;
    let row: Option<Acceptance> = sqlx::query_as(
        "SELECT id, organization_id, email, role, expires_at, accepted_at IS NOT NULL, revoked_at IS NOT NULL
         FROM invitations WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let (id, org, email, role, expires_at, accepted, revoked) =
        row.ok_or_else(|| Error::NotFoundMessage("this invitation link is not valid".into()))?;
    gone_unless_pending(status(expires_at, accepted, revoked))?;
    let account = users::NewAccount { email: &email, display_name, role: users::parse_role(&role)?, password_hash, slug };
    let user = users::insert(&mut *tx, org, &account)
        .await
        .map_err(|e| Error::unique_conflict(e, "this booking slug (or e-mail) is already taken; pick another slug"))?;
    sqlx::query("UPDATE invitations SET accepted_at = now() WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(user)
}

/// Subject and plain text of the invitation e-mail in `language` (`en` or `it`): who invites,
/// into which organization, as what, the link and until when it works (UTC date).
pub fn email(language: &str, organization_name: &str, inviter: &str, role: Role, link: &str, expires_at: DateTime<Utc>) -> (String, String) {
    let until = expires_at.format("%Y-%m-%d");
    if language == "it" {
        let role = match role {
            Role::Admin => "amministratore",
            Role::Manager => "manager",
            Role::Seller => "venditore",
        };
        (
            format!("{inviter} ti invita in {organization_name} su Closer"),
            format!(
                "{inviter} ti ha invitato a entrare in {organization_name} su Closer come {role}.\n\n\
                 Crea il tuo account da qui (valido fino al {until}):\n{link}\n\n\
                 Se non ti aspettavi questo invito, ignora questa e-mail.\n"
            ),
        )
    } else {
        let role = match role {
            Role::Admin => "an admin",
            Role::Manager => "a manager",
            Role::Seller => "a seller",
        };
        (
            format!("{inviter} invited you to {organization_name} on Closer"),
            format!(
                "{inviter} invited you to join {organization_name} on Closer as {role}.\n\n\
                 Create your account here (valid until {until}):\n{link}\n\n\
                 If you did not expect this invitation, ignore this e-mail.\n"
            ),
        )
    }
}
