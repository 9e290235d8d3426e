//! The refresh token's home: one OS keyring entry per backend (service [`SERVICE`], account =
//! the backend's origin). Keyring calls block on D-Bus (Linux) or the OS's credential API, so
//! they run on Tokio's blocking pool.

/// Keyring service name of the app's entries.
pub const SERVICE: &str = "app.closer.desktop";

/// A keyring failure other than "no entry" (which is `Ok(None)`): no Secret Service on the
/// session bus, a locked collection the user refused to unlock, …
#[derive(Debug, thiserror::Error)]
#[error("OS keyring: {0}")]
pub struct KeyringError(String);

/// The keyring entry holding one backend's refresh token.
#[derive(Clone, Debug)]
pub struct RefreshTokenStore {
    service: String,
    account: String,
}

impl RefreshTokenStore {
    /// The entry for the backend at `origin` (e.g. `http://127.0.0.1:8787`) under [`SERVICE`].
    pub fn for_backend(origin: &str) -> Self {
        Self::new(SERVICE, origin)
    }

    /// An entry under another service name (tests use a unique one per run).
    pub fn new(service: &str, account: &str) -> Self {
        Self { service: service.to_owned(), account: account.to_owned() }
    }

    /// The stored token, `None` when there is no entry.
    pub async fn load(&self) -> Result<Option<String>, KeyringError> {
        self.with_entry(|entry| match entry.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    /// Stores (replaces) the token.
    pub async fn save(&self, token: &str) -> Result<(), KeyringError> {
        let token = token.to_owned();
        self.with_entry(move |entry| entry.set_password(&token)).await
    }

    /// Deletes the entry; deleting a missing entry is not an error.
    pub async fn delete(&self) -> Result<(), KeyringError> {
        self.with_entry(|entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }

    async fn with_entry<T: Send + 'static>(
        &self,
        op: impl FnOnce(&keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, KeyringError> {
        let (service, account) = (self.service.clone(), self.account.clone());
        tokio::task::spawn_blocking(move || {
            let entry = keyring::Entry::new(&service, &account).map_err(|e| KeyringError(e.to_string()))?;
            op(&entry).map_err(|e| KeyringError(e.to_string()))
        })
        .await
        .map_err(|e| KeyringError(format!("keyring task failed: {e}")))?
    }
}
