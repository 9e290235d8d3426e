//! Locations of the embedded AI models prepared by `scripts/models`.
//!
//! Layout under `models_dir` (see `scripts/prepare_models.py`):
//! `whisper-base/ggml-model.bin`, `use-m-v3/model.onnx`, `use-m-v3/tokenizer.json`,
//! `onnxruntime-1.31.1/libonnxruntime.so`, `piper-joe-medium/model.onnx` (+ `.json`).

use ort::environment::Environment;
use ort::session::Session;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Absolute paths of every model file, derived from one directory.
#[derive(Clone, Debug)]
pub struct ModelPaths {
    /// Multilingual Whisper base, whisper.cpp GGML format (f16).
    pub whisper: PathBuf,
    /// Universal Sentence Encoder multilingual v3 (int8), tokenizer op removed; inputs
    /// `token_ids` int32 `[N]` and `row_splits` int64 `[B+1]`, output `outputs` f32 `[B, 512]`.
    pub encoder: PathBuf,
    /// Hugging Face `tokenizers` JSON equivalent to the encoder's sentencepiece model.
    pub encoder_tokenizer: PathBuf,
    /// ONNX Runtime shared library loaded at run time by `ort` (`load-dynamic`).
    pub onnxruntime: PathBuf,
    /// Piper's en_US "joe" voice (VITS, ONNX): inputs `input` int64 `[1, N]` phoneme ids,
    /// `input_lengths` int64 `[1]`, `scales` f32 `[3]`; output f32 audio at 22 050 Hz.
    pub piper_voice: PathBuf,
    /// That voice's configuration JSON (sample rate, espeak voice, scales, phoneme id map).
    pub piper_config: PathBuf,
}

impl ModelPaths {
    /// Paths inside `dir` (normally `Config::models_dir`).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            whisper: dir.join("whisper-base/ggml-model.bin"),
            encoder: dir.join("use-m-v3/model.onnx"),
            encoder_tokenizer: dir.join("use-m-v3/tokenizer.json"),
            onnxruntime: dir.join("onnxruntime-1.31.1/libonnxruntime.so"),
            piper_voice: dir.join("piper-joe-medium/model.onnx"),
            piper_config: dir.join("piper-joe-medium/model.onnx.json"),
        }
    }
}

/// A model file is missing: the message says which and how to prepare it.
#[derive(Debug, thiserror::Error)]
#[error("model file {0} is missing; run `scripts/models` to prepare the embedded models")]
pub struct MissingModel(pub PathBuf);

/// Returns `path` if it exists, else [`MissingModel`].
pub fn require(path: &Path) -> Result<&Path, MissingModel> {
    if path.is_file() { Ok(path) } else { Err(MissingModel(path.to_owned())) }
}

/// ONNX Runtime allows one environment per process: the library is loaded once, from the first
/// path asked for, and shared by every ONNX model (the sentence encoder, the Piper voice).
static ONNX_RUNTIME: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process's ONNX Runtime environment, loading `library` (`libonnxruntime.so`) the first time.
///
/// Errors: the library failing to load, as text (the same error every later call).
pub fn onnx_runtime(library: &Path) -> Result<&'static Environment, String> {
    ONNX_RUNTIME
        .get_or_init(|| {
            let builder = ort::init_from(library).map_err(|e| e.to_string())?;
            builder.with_name("closer").build().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The ONNX graph `model` loaded with the runtime at `library`, on one intra-op thread (each
/// model runs per utterance or per sentence; the machine's other core belongs to the call's
/// other streams).
///
/// Errors: the runtime or the graph failing to load, as text.
pub fn onnx_session(library: &Path, model: &Path) -> Result<Session, String> {
    let environment = onnx_runtime(library)?;
    Session::builder(environment)
        .and_then(|builder| builder.with_intra_threads(1).map_err(ort::Error::from))
        .and_then(|mut builder| builder.commit_from_file(model))
        .map_err(|e| e.to_string())
}
