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

mod paths;

pub use mix::{MixError, mix, mixed_path};
pub use paths::{meeting_dir, safe_name};
pub use writer::Recorder;
