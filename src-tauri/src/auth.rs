//! Sign-in against the Closer backend (`/api/auth/*`). The refresh token lives in the OS
//! keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows); the
//! access token only in this process's memory. Access tokens are refreshed silently a minute
//! before they expire; refresh tokens rotate on every use, so each refresh writes the new one
//! back to the keyring. Signing out deletes the keyring entry and revokes the login.

use crate::keyring_store::{KeyringError, RefreshTokenStore};
use closer_wire::{Login, RefreshRequest, Session, User};
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;

/// Refresh this long before the access token expires, so a request never races the expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Per-request timeout against the backend.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What went wrong while signing in or calling the backend.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("not signed in")]
    NotSignedIn,
    /// The backend refused the credentials or the refresh token (HTTP 401).
    #[error("{0}")]
    Rejected(String),
    /// Any other non-2xx answer: HTTP status and the backend's error message.
    #[error("the server answered {0}: {1}")]
    Backend(u16, String),
    #[error("cannot reach the server: {0}")]
    Network(#[from] reqwest::Error),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
}

struct Live {
    access_token: String,
    /// When `access_token` expires (per the backend's `expires_in`).
    expires_at: Instant,
    user: User,
}

/// The signed-in session of one backend.
pub struct Auth {
    http: reqwest::Client,
    /// Backend origin, e.g. `http://127.0.0.1:8787`.
    base: Url,
    store: RefreshTokenStore,
    /// Held across a refresh so two callers never spend the same single-use refresh token.
    live: Mutex<Option<Live>>,
}

impl Auth {
    /// A signed-out session for the backend at `base`, keeping its refresh token in `store`.
    pub fn new(base: Url, store: RefreshTokenStore) -> Self {
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().expect("TLS backend available");
        Self { http, base, store, live: Mutex::new(None) }
    }

    /// The backend origin.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `{base}/api{path}`.
    pub fn api_url(&self, path: &str) -> Url {
        self.base.join(&format!("api{path}")).expect("API paths are valid URL paths")
    }

    /// Signs in with e-mail and password; the refresh token goes to the keyring.
    /// Errors: [`AuthError::Rejected`] for wrong credentials, `Backend` (e.g. 429 after too
    /// many attempts), `Network`, `Keyring` (nothing is kept signed in then).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<User, AuthError> {
        let body = Login { email: email.to_owned(), password: password.to_owned() };
        let session: Session = self.post_anonymous("/auth/login", &body).await?;
        let mut live = self.live.lock().await;
        self.store.save(&session.refresh_token).await?;
        Ok(install(&mut live, session))
    }

    /// The signed-in user: from memory, else by exchanging the keyring's refresh token (the
    /// app's start-up path). `Ok(None)` when signed out; a refresh token the backend rejects
    /// is deleted from the keyring.
    pub async fn restore(&self) -> Result<Option<User>, AuthError> {
        let mut live = self.live.lock().await;
        if let Some(l) = live.as_ref() {
            return Ok(Some(l.user.clone()));
        }
        match self.refresh_locked(&mut live).await {
            Ok(()) => Ok(live.as_ref().map(|l| l.user.clone())),
            Err(AuthError::NotSignedIn | AuthError::Rejected(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A valid access token, refreshed first when it expires within a minute.
    pub async fn access_token(&self) -> Result<String, AuthError> {
        let mut live = self.live.lock().await;
        let fresh = live.as_ref().is_some_and(|l| l.expires_at > Instant::now() + REFRESH_MARGIN);
        if !fresh {
            self.refresh_locked(&mut live).await?;
        }
        live.as_ref().map(|l| l.access_token.clone()).ok_or(AuthError::NotSignedIn)
    }

    /// Forces a refresh (after a 401 on a token we believed valid).
    pub async fn refresh(&self) -> Result<(), AuthError> {
        let mut live = self.live.lock().await;
        self.refresh_locked(&mut live).await
    }

    /// Signs out: deletes the keyring entry, forgets the access token, and asks the backend to
    /// revoke the login (best effort: being offline must not keep anyone signed in).
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let mut live = self.live.lock().await;
        *live = None;
        let token = self.store.load().await?;
        self.store.delete().await?;
        if let Some(refresh_token) = token {
            let revoke = self.http.post(self.api_url("/auth/logout")).json(&RefreshRequest { refresh_token }).send().await;
            if let Err(e) = revoke.and_then(|r| r.error_for_status()) {
                tracing::warn!(error = %e, "could not revoke the login on the server");
            }
        }
        Ok(())
    }

    /// `GET /api{path}` with the access token (refreshed and retried once on 401).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, AuthError> {
        self.authed(reqwest::Method::GET, path, None).await
    }

    /// `POST /api{path}` with a JSON body and the access token (refreshed and retried once on 401).
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, AuthError> {
        self.authed(reqwest::Method::POST, path, Some(body)).await
    }

    /// `POST /api/{path}` with a JSON body for an endpoint that answers without a body (202,
    /// 204); same token handling as [`Auth::get`].
    pub async fn post_accepted(&self, path: &str, body: &serde_json::Value) -> Result<(), AuthError> {
        let response = self.authed_response(reqwest::Method::POST, path, Some(body)).await?;
        if response.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(response).await.map(|_| ())
    }

    async fn authed<T: DeserializeOwned>(&self, method: reqwest::Method, path: &str, body: Option<&serde_json::Value>) -> Result<T, AuthError> {
        decode(self.authed_response(method, path, body).await?).await
    }

    async fn authed_response(&self, method: reqwest::Method, path: &str, body: Option<&serde_json::Value>) -> Result<reqwest::Response, AuthError> {
        let send = |token: String| {
            let mut request = self.http.request(method.clone(), self.api_url(path)).bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            request.send()
        };
        let mut response = send(self.access_token().await?).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            self.refresh().await?;
            response = send(self.access_token().await?).await?;
        }
        Ok(response)
    }

    async fn post_anonymous<B: serde::Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, AuthError> {
        decode(self.http.post(self.api_url(path)).json(body).send().await?).await
    }

    async fn refresh_locked(&self, live: &mut Option<Live>) -> Result<(), AuthError> {
        let Some(refresh_token) = self.store.load().await? else {
            *live = None;
            return Err(AuthError::NotSignedIn);
        };
        match self.post_anonymous::<_, Session>("/auth/refresh", &RefreshRequest { refresh_token }).await {
            Ok(session) => {
                self.store.save(&session.refresh_token).await?;
                install(live, session);
                Ok(())
            }
            Err(AuthError::Rejected(reason)) => {
                // Expired, revoked or reused: this login is over.
                *live = None;
                self.store.delete().await?;
                Err(AuthError::Rejected(reason))
            }
            Err(e) => Err(e),
        }
    }
}

fn install(live: &mut Option<Live>, session: Session) -> User {
    let user = session.user.clone();
    *live = Some(Live {
        access_token: session.access_token,
        expires_at: Instant::now() + Duration::from_secs(session.expires_in),
        user: session.user,
    });
    user
}

/// The JSON body of a 2xx answer, else the backend's `{"error": {"message"}}` as an error.
async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, AuthError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response.json().await?);
    }
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    Err(if status == reqwest::StatusCode::UNAUTHORIZED { AuthError::Rejected(message) } else { AuthError::Backend(status.as_u16(), message) })
}
