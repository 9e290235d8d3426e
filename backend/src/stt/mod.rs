//! Speech-to-text behind one streaming interface. The live session feeds each speaker's
//! VAD-gated speech to an [`SttStream`] and receives [`SttEvent`]s back on a channel.
//!
//! Providers: [`embedded::WhisperProvider`] (default, offline) and
//! [`deepgram::DeepgramProvider`] (cloud streaming; falls back to embedded on failure).

pub mod deepgram;
pub mod embedded;
mod provider;
pub mod settings;
mod speech;
pub mod whisper;

pub use provider::{SttError, SttEvent, SttProvider, SttStream, Transcript, Word};
pub use speech::{PROMPT_MAX_CHARS, SpeechContext};
