//! Piper voices (VITS models exported to ONNX by rhasspy/piper), run with ONNX Runtime.
//!
//! Each sentence is one run of the graph (see `phonemes.rs` for its ids), so memory stays
//! bounded by the longest sentence; the runs' audio is concatenated. Each run's audio is
//! peak-normalised to full scale as Piper does (`audio × 32767 / max(0.01, max |audio|)`).

use super::phonemes;
use super::{Speech, TtsError};
use crate::models::{ModelPaths, onnx_session, require};
use ort::session::Session;
use ort::value::Tensor;
use std::collections::HashMap;
use std::sync::Mutex;

/// The parts of a Piper voice's `model.onnx.json` Closer reads.
#[derive(serde::Deserialize)]
struct Config {
    audio: AudioConfig,
    espeak: EspeakConfig,
    inference: Inference,
    phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(serde::Deserialize)]
struct AudioConfig {
    sample_rate: u32,
}

#[derive(serde::Deserialize)]
struct EspeakConfig {
    voice: String,
}

/// The voice's sampling scales (`noise_scale`, `length_scale`, `noise_w`), passed as `scales`.
#[derive(serde::Deserialize)]
struct Inference {
    noise_scale: f32,
    length_scale: f32,
    noise_w: f32,
}

/// A loaded Piper voice. `speak` takes `&self`; runs are serialised by an internal lock.
pub struct PiperVoice {
    session: Mutex<Session>,
    espeak_voice: String,
    sample_rate_hz: u32,
    scales: [f32; 3],
    ids: HashMap<char, Vec<i64>>,
}

impl PiperVoice {
    /// Loads the voice and its configuration from `paths` (`piper_voice`, `piper_config`).
    ///
    /// Errors: [`TtsError::Missing`], [`TtsError::Config`] for an unreadable configuration
    /// (or a phoneme key that is not one character), [`TtsError::Runtime`].
    pub fn load(paths: &ModelPaths) -> Result<Self, TtsError> {
        let text = std::fs::read_to_string(require(&paths.piper_config)?).map_err(|e| TtsError::Config(e.to_string()))?;
        let config: Config = serde_json::from_str(&text).map_err(|e| TtsError::Config(e.to_string()))?;
        let mut ids = HashMap::new();
        for (phoneme, id) in config.phoneme_id_map {
            let mut chars = phoneme.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => ids.insert(c, id),
                _ => return Err(TtsError::Config(format!("phoneme {phoneme:?} is not one character"))),
            };
        }
        let session =
            onnx_session(require(&paths.onnxruntime)?, require(&paths.piper_voice)?).map_err(TtsError::Runtime)?;
        let Inference { noise_scale, length_scale, noise_w } = config.inference;
        Ok(Self {
            session: Mutex::new(session),
            espeak_voice: config.espeak.voice,
            sample_rate_hz: config.audio.sample_rate,
            scales: [noise_scale, length_scale, noise_w],
            ids,
        })
    }

    /// Speaks `text` (mono, the voice's sample rate: 22 050 Hz for joe).
    ///
    /// Errors: [`TtsError::Empty`], [`TtsError::Program`] (espeak-ng), [`TtsError::Runtime`].
    pub fn speak(&self, text: &str) -> Result<Speech, TtsError> {
        let sentences = phonemes::sentences(text);
        if sentences.is_empty() {
            return Err(TtsError::Empty);
        }
        let mut samples = Vec::new();
        for sentence in sentences {
            let phonemes = phonemes::sentence_phonemes(&sentence, |clause| phonemes::ipa(&self.espeak_voice, clause))?;
            let ids = phonemes::ids(&phonemes, &self.ids)?;
            samples.extend(self.run(ids)?);
        }
        Ok(Speech { samples, sample_rate_hz: self.sample_rate_hz })
    }

    /// One run of the graph over one sentence's ids.
    fn run(&self, ids: Vec<i64>) -> Result<Vec<i16>, TtsError> {
        let runtime = |e: ort::Error| TtsError::Runtime(e.to_string());
        let length = ids.len();
        let input = Tensor::from_array(([1, length], ids)).map_err(runtime)?;
        let lengths = Tensor::from_array(([1], vec![length as i64])).map_err(runtime)?;
        let scales = Tensor::from_array(([3], self.scales.to_vec())).map_err(runtime)?;
        let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let outputs = session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
            .map_err(runtime)?;
        let (_, audio) = outputs["output"].try_extract_tensor::<f32>().map_err(runtime)?;
        let peak = audio.iter().fold(0.01_f32, |m, s| m.max(s.abs()));
        let scale = f32::from(i16::MAX) / peak;
        Ok(audio.iter().map(|s| (s * scale).clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16).collect())
    }
}
