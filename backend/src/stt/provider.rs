//! The interface every speech-to-text provider implements (one stream per speaker, events back
//! on a channel) and what it produces: transcripts with word timings.

use super::speech::SpeechContext;
use crate::models::MissingModel;
use tokio::sync::mpsc::UnboundedSender;

/// Errors of the STT providers.
#[derive(Debug, thiserror::Error)]
pub enum SttError {
    /// A model file is absent.
    #[error(transparent)]
    Missing(#[from] MissingModel),
    /// whisper.cpp rejected the model or failed while decoding.
    #[error("whisper: {0}")]
    Whisper(#[from] whisper_rs::WhisperError),
    /// The caller's abort flag was raised while decoding.
    #[error("transcription aborted")]
    Aborted,
    /// A cloud provider refused or failed (message says which and why, without secrets).
    #[error("{0}")]
    Provider(String),
}

/// What a stream reports. Times inside `transcript` are relative to the utterance start.
#[derive(Clone, Debug)]
pub enum SttEvent {
    /// Text recognised so far in an utterance still being spoken.
    Partial { speaker: String, utterance: u64, text: String },
    /// The final transcript of an utterance.
    Final { speaker: String, utterance: u64, transcript: Transcript },
    /// The stream cannot go on; the session falls back to the embedded provider.
    Failed { speaker: String, error: String },
}

/// A provider opens one stream per speaker.
pub trait SttProvider: Send + Sync {
    /// Short name shown in provider-status events (`"whisper"`, `"deepgram"`).
    fn name(&self) -> &'static str;

    /// Opens a stream for `speaker` with what is known of the call's speech (`speech`:
    /// language, vocabulary prompt); events go to `events`.
    ///
    /// Errors: the provider cannot start (bad configuration, unreachable service).
    fn open(
        &self,
        speaker: &str,
        speech: &SpeechContext,
        events: UnboundedSender<SttEvent>,
    ) -> Result<Box<dyn SttStream>, SttError>;
}

/// One speaker's stream. Calls never block on recognition.
pub trait SttStream: Send {
    /// More speech of utterance `utterance` (16 kHz mono f32), in order. A new utterance id
    /// means the previous one was finished.
    fn push(&mut self, utterance: u64, samples: &[f32]);

    /// Utterance `utterance` ended (the VAD heard silence): produce its final transcript.
    fn finish(&mut self, utterance: u64);

    /// The speaker paused (160 ms of silence, see `live::vad`): the utterance may be over. A provider may
    /// start decoding what it has so that, if [`finish`](Self::finish) follows, the final is
    /// ready sooner; speech resuming makes it an ordinary partial. Default: nothing.
    fn pause(&mut self, _utterance: u64) {}

    /// The speaker went on after a [`pause`](Self::pause) (see `live::vad`): the utterance was
    /// not over, so work started for the pause may be dropped. Default: nothing.
    fn resume(&mut self, _utterance: u64) {}
}

/// One recognised word with times relative to the start of the utterance.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The word as spoken (leading space removed).
    pub text: String,
    /// Start, ms from the beginning of the utterance's audio as given to the provider (Whisper:
    /// the dynamic-time-warping alignment of the word's first token).
    pub start_ms: u32,
    /// End, ms from the beginning of the audio (Whisper: the next word's start; the last word
    /// is given 400 ms).
    pub end_ms: u32,
    /// Mean token probability in [0, 1].
    pub probability: f32,
}

/// Text of one utterance with word timings.
#[derive(Clone, Debug, PartialEq)]
pub struct Transcript {
    /// Full text, trimmed.
    pub text: String,
    /// Words in order.
    pub words: Vec<Word>,
}
