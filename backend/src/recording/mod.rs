//! Replay audio: the per-speaker audio the live session received (consenting participants
//! only — the session calls [`Recorder::write`] after its consent check) is kept as raw
//! tracks on the meeting's audio axis, and at finalize mixed into one seekable Opus/WebM file
//! per meeting with ffmpeg (Debian package, installed by `scripts/setup`).
//!
//! Layout under `recordings_dir`: `<meeting>/tracks/<identity>.pcm` (16 kHz mono s16le, byte
//! offset = position ms × 32, silence where nothing was received) and `<meeting>/mixed.webm`.
//! Video replay is LiveKit Egress's job in production (a room composite recording to object
//! storage); this module covers the audio the copilot already has.

pub mod mix;
pub mod writer;

pub use mix::{MixError, mix, mixed_path};
pub use writer::Recorder;

use std::path::{Path, PathBuf};

/// Directory of one meeting's recording files.
pub fn meeting_dir(root: &Path, meeting: &str) -> PathBuf {
    root.join(safe_name(meeting))
}

/// `name` with every character outside `[A-Za-z0-9_-]` replaced by `_` (identities and ids
/// become file names; no path separators, no `..`).
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if cleaned.is_empty() { "_".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_escape_the_directory() {
        assert_eq!(super::safe_name("guest/../../etc"), "guest_______etc");
        assert_eq!(super::safe_name("host-1_a"), "host-1_a");
        assert_eq!(super::safe_name(""), "_");
    }
}
