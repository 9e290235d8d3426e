//! The app's shared state (managed by Tauri, reachable from every command).

use crate::audio::LevelMeter;
use crate::auth::Auth;
use crate::deep_link::DeepLink;
use crate::hud_drag_region::DragRegion;
use crate::hud_moves::HudMoves;
use crate::keyring_store::RefreshTokenStore;
use crate::settings::SettingsFile;
use std::sync::{Arc, Mutex};
use url::Url;

/// Backend used when neither `CLOSER_BACKEND_URL` nor the settings name one: the port
/// `scripts/dev` serves on.
pub const DEFAULT_BACKEND: &str = "http://127.0.0.1:8787";

/// Everything the commands share.
pub struct DesktopState {
    pub auth: Arc<Auth>,
    pub settings: Mutex<SettingsFile>,
    /// Whether the user is dragging the HUD, and where it is (lock before `settings` when both).
    pub hud_moves: Mutex<HudMoves>,
    /// Where on the HUD a press drags it, as its page last reported (`None` before it did).
    pub hud_drag_region: Mutex<Option<DragRegion>>,
    pub meter: Mutex<Option<LevelMeter>>,
    /// A `closer://` link that arrived before the main window's UI asked for it.
    pub pending_link: Mutex<Option<DeepLink>>,
}

impl DesktopState {
    /// State for the backend named by `CLOSER_BACKEND_URL`, else the settings, else
    /// [`DEFAULT_BACKEND`]. Errors when that is not an http(s) URL.
    pub fn new(settings: SettingsFile) -> Result<Self, String> {
        let configured = std::env::var("CLOSER_BACKEND_URL").ok().or_else(|| settings.settings.backend_url.clone());
        let base = backend_url(configured.as_deref().unwrap_or(DEFAULT_BACKEND))?;
        let store = RefreshTokenStore::for_backend(base.as_str().trim_end_matches('/'));
        Ok(Self {
            auth: Arc::new(Auth::new(base, store)),
            settings: Mutex::new(settings),
            hud_moves: Mutex::new(HudMoves::default()),
            hud_drag_region: Mutex::new(None),
            meter: Mutex::new(None),
            pending_link: Mutex::new(None),
        })
    }
}

/// Parses a backend origin (`http(s)://host[:port]`, any path is dropped).
pub fn backend_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| format!("backend URL {raw:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("backend URL {raw:?}: expected http(s)://host[:port]"));
    }
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_urls() {
        assert_eq!(backend_url("http://127.0.0.1:8787").unwrap().as_str(), "http://127.0.0.1:8787/");
        assert_eq!(backend_url(" https://closer.example.com/app?x=1 ").unwrap().as_str(), "https://closer.example.com/");
        assert!(backend_url("ftp://x").is_err());
        assert!(backend_url("127.0.0.1:8787").is_err());
        assert!(backend_url("").is_err());
    }
}
