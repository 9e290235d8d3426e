//! Mixing a meeting's tracks into one seekable Opus/WebM file with ffmpeg.
//!
//! `ffmpeg -f s16le -ar 16000 -ac 1 -i <track> … -filter_complex amix=inputs=N:duration=longest:normalize=0
//! -c:a libopus -b:a 32k -f webm mixed.webm`: tracks start together (all share the audio axis,
//! silence-padded), `normalize=0` keeps each voice at its level (no one is attenuated by the
//! number of inputs), and the WebM muxer writes cues (a seek index) since the output is a file.
//! The raw tracks are deleted once the mix is written.

use super::paths::meeting_dir;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Why a mix failed.
#[derive(Debug, thiserror::Error)]
pub enum MixError {
    /// No track was recorded for the meeting.
    #[error("no audio was recorded for this meeting")]
    NoTracks,
    /// ffmpeg is missing or failed (its last lines of output).
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Where the mixed file of `meeting` lives (whether or not it exists yet).
pub fn mixed_path(root: &Path, meeting: &str) -> PathBuf {
    meeting_dir(root, meeting).join("mixed.webm")
}

/// Mixes the tracks of `meeting` into [`mixed_path`] and returns it. When the tracks are gone
/// but the mix exists (an earlier run finished it), returns the existing mix.
///
/// Errors: [`MixError`].
pub async fn mix(root: &Path, meeting: &str) -> Result<PathBuf, MixError> {
    let out = mixed_path(root, meeting);
    let tracks_dir = meeting_dir(root, meeting).join("tracks");
    let mut tracks: Vec<PathBuf> = match std::fs::read_dir(&tracks_dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "pcm")).collect(),
        Err(_) => Vec::new(),
    };
    tracks.sort();
    if tracks.is_empty() {
        return if out.is_file() { Ok(out) } else { Err(MixError::NoTracks) };
    }
    let partial = out.with_extension("partial.webm");
    let mut command = tokio::process::Command::new("ffmpeg");
    command.args(["-hide_banner", "-loglevel", "error", "-y"]);
    for track in &tracks {
        command.args(["-f", "s16le", "-ar", "16000", "-ac", "1", "-i"]).arg(track);
    }
    command
        .args(["-filter_complex", &format!("amix=inputs={}:duration=longest:normalize=0", tracks.len())])
        .args(["-c:a", "libopus", "-b:a", "32k", "-f", "webm"])
        .arg(&partial)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let output = command.output().await.map_err(|e| MixError::Ffmpeg(format!("cannot run ffmpeg: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        return Err(MixError::Ffmpeg(tail.into_iter().rev().collect::<Vec<_>>().join(" / ")));
    }
    std::fs::rename(&partial, &out)?;
    std::fs::remove_dir_all(&tracks_dir)?;
    Ok(out)
}
