//! The [`AuthUser`] extractor: a verified access token from `Authorization: Bearer`.

use super::jwt::JwtKeys;
use crate::error::Error;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use closer_wire::Role;
use uuid::Uuid;

/// The caller of an authenticated endpoint. Handlers taking it answer 401 (JSON body) when the
/// header is missing, malformed, expired or signed with another key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthUser {
    /// User id.
    pub id: Uuid,
    /// Organization id: every query of the handler must be scoped by it.
    pub org: Uuid,
    /// Role at login (the access token lives ≈15 min, so a role change applies within that).
    pub role: Role,
}

impl AuthUser {
    /// Ok for managers and admins, else [`Error::Forbidden`].
    pub fn require_manager(&self) -> Result<(), Error> {
        match self.role {
            Role::Admin | Role::Manager => Ok(()),
            Role::Seller => Err(Error::Forbidden("managers and admins only".into())),
        }
    }

    /// Ok for admins, else [`Error::Forbidden`].
    pub fn require_admin(&self) -> Result<(), Error> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(Error::Forbidden("admins only".into())),
        }
    }
}

fn is_websocket_upgrade(parts: &Parts) -> bool {
    parts
        .headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn query_token(parts: &Parts) -> Option<String> {
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "access_token").map(|(_, v)| v.into_owned())
}

/// Any state the access-token keys can be taken from (the server's `AppState`).
impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    JwtKeys: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let token = match parts.headers.get(AUTHORIZATION) {
            Some(header) => header
                .to_str()
                .ok()
                .and_then(|h| h.strip_prefix("Bearer "))
                .ok_or_else(|| Error::Unauthorized("expected Authorization: Bearer <token>".into()))?
                .to_owned(),
            // Browsers cannot set headers on a WebSocket handshake, so upgrades may carry the
            // token as `?access_token=` (request logs record paths only, never query strings).
            None if is_websocket_upgrade(parts) => query_token(parts)
                .ok_or_else(|| Error::Unauthorized("missing access_token query parameter".into()))?,
            None => return Err(Error::Unauthorized("missing Authorization: Bearer token".into())),
        };
        let claims = JwtKeys::from_ref(state)
            .verify(token.trim())
            .map_err(|_| Error::Unauthorized("invalid or expired access token".into()))?;
        Ok(AuthUser { id: claims.sub, org: claims.org, role: claims.role })
    }
}
