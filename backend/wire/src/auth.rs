//! Accounts: sign-up, login, token refresh, users.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// What a user may do in their organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and everything a manager does.
    Admin,
    /// Sees every meeting of the organization, joins calls in shadow mode.
    Manager,
    /// Hosts calls, owns availability and booking page.
    Seller,
}

impl Role {
    /// The lower-case name stored in the database and the token (`"admin"` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Seller => "seller",
        }
    }

    /// Inverse of [`Role::as_str`]; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "seller" => Some(Role::Seller),
            _ => None,
        }
    }
}

/// `POST /api/organizations`: create a tenant and its first admin.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUp {
    /// Organization display name, 1–200 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_200))]
    pub organization_name: String,
    /// Organization slug (`[a-z0-9-]`, 1–64 chars).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::slug))]
    pub organization_slug: String,
    /// The admin's e-mail (login name).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::password))]
    pub password: String,
    /// The admin's name, 1–100 chars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub display_name: String,
}

/// `POST /api/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token from the last [`Session`]; single use.
    pub refresh_token: String,
}

/// A logged-in session: a short-lived access token for `Authorization: Bearer`, and a
/// single-use refresh token (the desktop app keeps it in the OS keyring).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// JWT (HS256); send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Seconds until `access_token` expires (≈ 900).
    pub expires_in: u64,
    /// Opaque; exchange at `POST /api/auth/refresh` for a new session. Reusing an already
    /// exchanged token revokes every token descended from the same login.
    pub refresh_token: String,
    /// Who logged in.
    pub user: User,
}

/// `POST /api/auth/handoff`: a one-time token that signs a browser in as the caller.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handoff {
    /// Opaque, single use; redeem at `POST /api/auth/handoff/redeem`. The desktop app puts it
    /// in the URL fragment (`/handoff#token=…`), which browsers never send to servers.
    pub token: String,
    /// Seconds until the token expires (60).
    pub expires_in: u64,
}

/// `POST /api/auth/handoff/redeem`.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoffRedeem {
    pub token: String,
}

/// A person of the organization (never includes the password hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Booking page slug: `/book/<slug>`.
    pub slug: String,
    /// `false` once an admin deactivated the account: it cannot sign in.
    pub active: bool,
}

/// `POST /api/users` (admin only).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::email))]
    pub email: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::password))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::name_100))]
    pub display_name: String,
    pub role: Role,
    /// Booking page slug (`[a-z0-9-]`, 1–64 chars, unique across the service).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::rules::slug))]
    pub slug: String,
}

/// An organization (tenant).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
}
