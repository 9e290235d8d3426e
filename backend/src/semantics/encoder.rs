//! Universal Sentence Encoder multilingual v3 (int8 ONNX) with a Rust tokenizer.
//!
//! The published graph tokenizes inside ONNX with a sentencepiece custom op that stock ONNX
//! Runtime lacks; `scripts/models` cuts that op out and emits an equivalent `tokenizer.json`, so
//! here the `tokenizers` crate produces the ids (with `<s>`/`</s>` added by its post-processor)
//! and the graph takes them as `token_ids` (int32 `[N]`, all sentences concatenated) and
//! `row_splits` (int64 `[B+1]`, start offset of each sentence, then N).

use crate::models::{MissingModel, ModelPaths, require};
use ort::session::Session;
use ort::value::Tensor;
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// Dimension of every embedding.
pub const DIM: usize = 512;

/// One sentence embedding (L2-normalised by the model).
pub type Embedding = [f32; DIM];

/// Errors from loading or running the encoder.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// A model file is absent.
    #[error(transparent)]
    Missing(#[from] MissingModel),
    /// ONNX Runtime failed to load or run the graph.
    #[error("onnx runtime: {0}")]
    Runtime(String),
    /// The tokenizer file is invalid or tokenization failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
}

/// A loaded sentence encoder. `embed` takes `&self`; runs are serialised by an internal lock
/// (one intra-op thread: an utterance costs < 1 ms, so a pool would add more than it saves).
pub struct SentenceEncoder {
    session: Mutex<Session>,
    tokenizer: Tokenizer,
}

impl SentenceEncoder {
    /// Loads ONNX Runtime, the graph and the tokenizer from `paths`.
    ///
    /// Errors: [`EncoderError::Missing`] for an absent file; [`EncoderError::Runtime`] or
    /// [`EncoderError::Tokenizer`] when a file is invalid.
    pub fn load(paths: &ModelPaths) -> Result<Self, EncoderError> {
        let session = crate::models::onnx_session(require(&paths.onnxruntime)?, require(&paths.encoder)?)
            .map_err(EncoderError::Runtime)?;
        let tokenizer = Tokenizer::from_file(require(&paths.encoder_tokenizer)?)
            .map_err(|e| EncoderError::Tokenizer(e.to_string()))?;
        Ok(Self { session: Mutex::new(session), tokenizer })
    }

    /// Token ids of `text` exactly as the original graph's sentencepiece op produced them
    /// (`<s>` … `</s>`).
    ///
    /// Errors: [`EncoderError::Tokenizer`].
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, EncoderError> {
        let encoding =
            self.tokenizer.encode(text, true).map_err(|e| EncoderError::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Embeds each text; the result has one [`Embedding`] per input, in order.
    ///
    /// Errors: [`EncoderError::Tokenizer`] or [`EncoderError::Runtime`].
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EncoderError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<i32> = Vec::new();
        let mut splits: Vec<i64> = vec![0];
        for text in texts {
            ids.extend(self.token_ids(text)?.into_iter().map(|id| id as i32));
            splits.push(ids.len() as i64);
        }
        let runtime = |e: ort::Error| EncoderError::Runtime(e.to_string());
        let ids = Tensor::from_array(([ids.len()], ids)).map_err(runtime)?;
        let splits = Tensor::from_array(([splits.len()], splits)).map_err(runtime)?;
        let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let outputs = session
            .run(ort::inputs!["token_ids" => ids, "row_splits" => splits])
            .map_err(runtime)?;
        let (_, values) = outputs["outputs"].try_extract_tensor::<f32>().map_err(runtime)?;
        if values.len() != texts.len() * DIM {
            return Err(EncoderError::Runtime(format!(
                "expected {} × {DIM} outputs, got {} values",
                texts.len(),
                values.len()
            )));
        }
        Ok(values
            .chunks_exact(DIM)
            .map(|row| {
                let mut embedding = [0.0; DIM];
                embedding.copy_from_slice(row);
                embedding
            })
            .collect())
    }
}

/// The mean of `embeddings` (zero for none): a class's prototype, which a text is read by its
/// nearest (Snell et al. 2017, "Prototypical Networks for Few-shot Learning").
pub fn mean<'a>(embeddings: impl IntoIterator<Item = &'a Embedding>) -> Embedding {
    let (mut sum, mut n) = ([0.0f32; DIM], 0usize);
    for e in embeddings {
        sum.iter_mut().zip(e).for_each(|(s, x)| *s += x);
        n += 1;
    }
    sum.map(|s| s / n.max(1) as f32)
}

/// Cosine similarity in [-1, 1] of two embeddings.
pub fn cosine(a: &Embedding, b: &Embedding) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &Embedding| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(f32::EPSILON)
}
