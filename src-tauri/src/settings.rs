//! What the app remembers between runs (`settings.json` in the app's config directory): the
//! backend to use, the HUD's position per monitor, the chosen microphone, whether the HUD lets
//! clicks through.

use crate::placement::Remembered;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Persisted preferences. Unknown or missing fields take their defaults, so older files load.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Backend origin chosen on the sign-in screen (`None`: `CLOSER_BACKEND_URL`, else
    /// `http://127.0.0.1:8787`).
    pub backend_url: Option<String>,
    /// HUD positions per monitor.
    pub hud: Remembered,
    /// Name of the chosen microphone (`None`: the system default).
    pub input_device: Option<String>,
    /// Whether clicks pass through the HUD window when it opens.
    pub hud_click_through: bool,
}

/// The settings file and its current contents.
pub struct SettingsFile {
    path: PathBuf,
    pub settings: Settings,
}

impl SettingsFile {
    /// Loads `path`; a missing file gives the defaults, and so does an unreadable or corrupt
    /// one (logged: preferences are not worth refusing to start over).
    pub fn load(path: PathBuf) -> Self {
        let settings = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring corrupt settings file");
                Settings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read the settings file");
                Settings::default()
            }
        };
        Self { path, settings }
    }

    /// Writes the settings atomically (temporary file + rename), creating the directory.
    pub fn save(&self) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&self.settings)?)?;
        std::fs::rename(tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::Offset;

    #[test]
    fn round_trip_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/settings.json");
        assert_eq!(SettingsFile::load(path.clone()).settings, Settings::default());

        let mut file = SettingsFile::load(path.clone());
        file.settings.input_device = Some("USB Mic".into());
        file.settings.hud_click_through = true;
        file.settings.hud.offsets.insert("HDMI-1@1920x1080".into(), Offset { x: 10.0, y: 20.0 });
        file.save().unwrap();
        assert_eq!(SettingsFile::load(path.clone()).settings, file.settings);

        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(SettingsFile::load(path.clone()).settings, Settings::default());
        std::fs::write(&path, br#"{"input_device":"Mic","future_key":1}"#).unwrap();
        assert_eq!(SettingsFile::load(path).settings.input_device.as_deref(), Some("Mic"));
    }
}
