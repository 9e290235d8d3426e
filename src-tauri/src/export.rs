//! Saving what the user exports (a playbook's JSON, a recap's JSON): the OS's save dialog asks
//! where, then the app writes the file. The web view cannot do it itself: WebKitGTK keeps no
//! downloads (an `<a download>` lands silently in the process's working directory), and the
//! UI gets no file-system access — it can only hand the contents to [`save`].

use std::path::{Path, PathBuf};
use tauri::{AppHandle, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

/// Why an export was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the save dialog closed without an answer")]
    Dialog,
    #[error("the save dialog returned {0}, not a local file")]
    NotLocal(String),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// The file-name part of `suggested` (a name like `discovery_call.json`; any folders the UI
/// put in front are dropped, so it can only suggest a name, never a place).
pub fn file_name(suggested: &str) -> String {
    Path::new(suggested).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Shows the save dialog over `parent` (titled `title`, suggesting [`file_name`]`(suggested)`)
/// and writes `contents` to the file the user chose. Returns that path, or `None` when the user
/// cancelled.
pub async fn save(app: &AppHandle, parent: &WebviewWindow, title: &str, suggested: &str, contents: &[u8]) -> Result<Option<PathBuf>, ExportError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_parent(parent)
        .set_title(title)
        .set_file_name(file_name(suggested))
        .set_can_create_directories(true)
        .save_file(move |chosen| {
            let _ = tx.send(chosen);
        });
    let Some(chosen) = rx.await.map_err(|_| ExportError::Dialog)? else { return Ok(None) };
    let shown = chosen.to_string();
    let path = chosen.into_path().map_err(|_| ExportError::NotLocal(shown))?;
    std::fs::write(&path, contents).map_err(|source| ExportError::Write { path: path.clone(), source })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_name_is_suggested() {
        assert_eq!(file_name("discovery_call.json"), "discovery_call.json");
        assert_eq!(file_name("../../.bashrc"), ".bashrc");
        assert_eq!(file_name("/etc/passwd"), "passwd");
        assert_eq!(file_name(""), "");
    }
}
