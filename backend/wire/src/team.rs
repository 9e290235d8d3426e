//! The people of an organization: inviting them by e-mail, accepting an invitation,
//! switching an account off (`/api/invitations`, `PATCH /api/users/{id}`).

use crate::auth::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// `POST /api/invitations` (admins): e-mails `email` a link to join the organization as `role`.
/// Inviting an address that already has an open invitation replaces it (the old link stops
/// working).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    /// Not yet a user anywhere on the service (e-mail is the login name).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    pub role: Role,
    /// ISO 639-1 of the e-mail and the acceptance page: `en` or `it`. Default `en`.
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::language_or_null))]
    pub language: Option<String>,
}

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Its link works until `expires_at`.
    Pending,
    Accepted,
    /// Withdrawn by an admin or replaced by a newer invitation of the same address.
    Revoked,
    /// Not accepted before `expires_at`.
    Expired,
}

/// An invitation as admins see it (never its token).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub language: String,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    /// The link works for 7 days.
    pub expires_at: DateTime<Utc>,
}

/// The answer to `POST /api/invitations`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSent {
    pub invitation: Invitation,
    /// The acceptance link, shown to the admin this once (e.g. to pass on when the e-mail is
    /// slow to arrive): `<public_base_url>/invite#token=…`.
    pub link: String,
    /// Whether the SMTP server accepted the e-mail.
    pub emailed: bool,
}

/// `GET /api/invitations/lookup?token=…` (no login): what the acceptance page shows.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    pub organization_name: String,
    pub email: String,
    pub role: Role,
    pub language: String,
    /// Only a `pending` invitation can be accepted; the page says why another cannot.
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/invitations/accept` (no login): creates the invitee's account and signs them in.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInvitation {
    /// From the link.
    pub token: String,
    /// 1–100 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub display_name: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::password))]
    pub password: String,
    /// Booking page slug (`[a-z0-9-]`, 1–64 chars, unique across the service).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::slug))]
    pub slug: String,
}

/// `PATCH /api/users/{id}` (admins).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserUpdate {
    /// `false` signs the user out everywhere (their refresh tokens are revoked; an access token
    /// already issued lapses within its 15 minutes) and refuses their sign-ins; `true` lets them
    /// back in. Admins cannot switch themselves off.
    #[serde(default)]
    #[ts(optional)]
    pub active: Option<bool>,
    /// A new role. The organization keeps at least one active admin.
    #[serde(default)]
    #[ts(optional)]
    pub role: Option<Role>,
}

/// `POST /api/auth/password-reset` (no login): e-mails a one-time link to set a new password.
/// The answer is the same whether or not the address has an account.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    /// ISO 639-1 of the e-mail: `en` or `it`. Default `en`.
    #[serde(default)]
    #[ts(optional)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::language_or_null))]
    pub language: Option<String>,
}

/// `POST /api/auth/password-reset/confirm` (no login): sets the new password, signs out every
/// other session of the user and signs this one in.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirm {
    /// From the link.
    pub token: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::password))]
    pub password: String,
}

/// `PATCH /api/me`: the signed-in user changes their own name.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    /// 1–100 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub display_name: String,
}

/// `POST /api/me/password`: the signed-in user changes their password. Every other session is
/// signed out; the answer is a new session for this one.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::password))]
    pub new_password: String,
}
