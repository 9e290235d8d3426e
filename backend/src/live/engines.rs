//! The models a live session runs on, loaded once per process and shared by every meeting.

use crate::analysis::AnalysisModels;
use crate::models::ModelPaths;
use crate::semantics::encoder::SentenceEncoder;
use crate::stt::SttProvider;
use crate::stt::deepgram::{DeepgramConfig, DeepgramProvider};
use crate::stt::embedded::WhisperProvider;
use crate::stt::whisper::WhisperEngine;
use std::sync::Arc;

/// STT providers and analysis models.
#[derive(Clone)]
pub struct Engines {
    /// The configured STT provider.
    pub stt: Arc<dyn SttProvider>,
    /// The embedded provider used when the configured one fails.
    pub fallback_stt: Arc<dyn SttProvider>,
    /// Encoder, sentiment and background models.
    pub analysis: Arc<AnalysisModels>,
}

impl Engines {
    /// Loads the embedded models (Whisper base, the sentence encoder) from `paths`, with the
    /// embedded Whisper as both the configured and the fallback provider (≈ 1 s).
    ///
    /// Errors: a model file missing or invalid.
    pub fn load_embedded(paths: &ModelPaths) -> anyhow::Result<Self> {
        let whisper: Arc<dyn SttProvider> = Arc::new(WhisperProvider::new(Arc::new(WhisperEngine::load(&paths.whisper)?)));
        let encoder = Arc::new(SentenceEncoder::load(paths)?);
        let analysis = Arc::new(AnalysisModels::new(encoder)?);
        Ok(Self { stt: whisper.clone(), fallback_stt: whisper, analysis })
    }

    /// Makes Deepgram the configured provider when `deepgram` is given (the server
    /// configuration selects it); the embedded Whisper stays the fallback.
    pub fn with_deepgram(mut self, deepgram: Option<DeepgramConfig>) -> Self {
        if let Some(config) = deepgram {
            self.stt = Arc::new(DeepgramProvider::new(config));
        }
        self
    }
}
