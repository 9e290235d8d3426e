//! The models a live session runs on, loaded once per process and shared by every meeting.

use crate::analysis::AnalysisModels;
use crate::config::SttProviderKind;
use crate::live::refine::TipRefiner;
use crate::llm::LlmClient;
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
    /// The STT provider of this session (the server's default until [`Engines::choose`]).
    pub stt: Arc<dyn SttProvider>,
    /// The embedded provider, used when the chosen one fails.
    pub fallback_stt: Arc<dyn SttProvider>,
    /// Deepgram, when the server is configured for it (an API key or the default).
    pub deepgram: Option<Arc<dyn SttProvider>>,
    /// LLM refinement of tips, when an LLM is configured.
    pub refiner: Option<Arc<TipRefiner>>,
    /// Encoder, sentiment and background models.
    pub analysis: Arc<AnalysisModels>,
    /// The embedded Whisper behind `fallback_stt`, also what AI agents hear their guests with
    /// (`agent::ai_call::AiModels`): one copy of the weights per process.
    pub whisper: Arc<WhisperEngine>,
}

impl Engines {
    /// Loads the embedded models (Whisper base, the sentence encoder) from `paths`, with the
    /// embedded Whisper as both the configured and the fallback provider (≈ 1 s).
    ///
    /// Errors: a model file missing or invalid.
    pub fn load_embedded(paths: &ModelPaths) -> anyhow::Result<Self> {
        let engine = Arc::new(WhisperEngine::load(&paths.whisper)?);
        let whisper: Arc<dyn SttProvider> = Arc::new(WhisperProvider::new(engine.clone()));
        let encoder = Arc::new(SentenceEncoder::load(paths)?);
        let analysis = Arc::new(AnalysisModels::new(encoder)?);
        Ok(Self { stt: whisper.clone(), fallback_stt: whisper, deepgram: None, refiner: None, analysis, whisper: engine })
    }

    /// Makes Deepgram available when `deepgram` is given, and the default provider when
    /// `default` says so; the embedded Whisper stays the fallback.
    pub fn with_deepgram(mut self, deepgram: Option<DeepgramConfig>, default: SttProviderKind) -> Self {
        self.deepgram = deepgram.map(|config| Arc::new(DeepgramProvider::new(config)) as Arc<dyn SttProvider>);
        if default == SttProviderKind::Deepgram
            && let Some(deepgram) = &self.deepgram
        {
            self.stt = deepgram.clone();
        }
        self
    }

    /// Refines tips with `llm` when given.
    pub fn with_llm(mut self, llm: Option<LlmClient>) -> Self {
        self.refiner = llm.map(|client| Arc::new(TipRefiner::new(client)));
        self
    }

    /// These engines with `choice` as the session's provider: `None` keeps the server's
    /// default, `Whisper` is the embedded model, `Deepgram` the cloud provider.
    ///
    /// Errors: [`ProviderUnavailable`] when Deepgram is chosen but the server has no Deepgram
    /// configuration (the caller carries on with the default and says so).
    pub fn choose(&self, choice: Option<SttProviderKind>) -> Result<Self, ProviderUnavailable> {
        let stt = match choice {
            None => self.stt.clone(),
            Some(SttProviderKind::Whisper) => self.fallback_stt.clone(),
            Some(SttProviderKind::Deepgram) => self.deepgram.clone().ok_or(ProviderUnavailable(SttProviderKind::Deepgram))?,
        };
        Ok(Self { stt, ..self.clone() })
    }
}

/// A provider was chosen for a meeting that this server cannot run.
#[derive(Debug, thiserror::Error)]
#[error("STT provider {0:?} is chosen for this meeting but not configured on the server (no API key)")]
pub struct ProviderUnavailable(pub SttProviderKind);
