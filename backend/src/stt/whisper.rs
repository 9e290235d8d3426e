//! Embedded Whisper (whisper.cpp through `whisper-rs`) transcribing one utterance at a time.
//!
//! Decoding parameters follow DESIGN.md "Embedded AI": greedy, one thread per stream, encoder
//! window `audio_ctx = max(512, samples/320 + 64)` (Whisper's encoder sees 50 frames per second
//! of 16 kHz audio, i.e. one frame per 320 samples; the margin keeps the last word), a token cap,
//! and no temperature fallback (fallback re-decodes at higher temperature and invents text).
//! Live streams also prime the decoder with the playbook's vocabulary (`SpeechContext`).

use super::provider::{SttError, Transcript, Word};
use super::speech::SpeechContext;
use crate::models::require;
use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

/// Input sample rate, Hz. Audio must be 16 kHz mono f32 in [-1, 1].
pub const SAMPLE_RATE: usize = 16_000;

/// Assumed length of the final word, ms: DTW gives each token's position, so a word ends where
/// the next begins, but the last one has no successor. 400 ms is an average spoken word at
/// 150 words per minute.
const LAST_WORD_MS: u32 = 400;

/// Whisper's full encoder window: 1500 frames = 30 s.
const MAX_AUDIO_CTX: usize = 1500;

/// Decodes running in this process now.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// Set once the process exits: running decodes give up at whisper.cpp's next check and no new
/// one starts.
static EXITING: AtomicBool = AtomicBool::new(false);
static WAIT_AT_EXIT: Once = Once::new();
/// How long the process's exit waits for running decodes: one graph computation of Whisper
/// base on one loaded core (about 1 s; whisper.cpp cannot stop inside one), with margin.
const EXIT_WAIT: Duration = Duration::from_secs(10);

/// Runs at the process's exit (libc `atexit`), before the static state of whisper.cpp's CPU
/// backend is destroyed: live streams decode on detached threads, and a decode still computing
/// when `exit` destroys that state crashes the process (seen: SIGSEGV in
/// `ggml_cpu_extra_compute_forward` on an STT thread as a test binary exited mid-call).
extern "C" fn wait_for_decodes() {
    EXITING.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + EXIT_WAIT;
    while IN_FLIGHT.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Counts a decode in [`IN_FLIGHT`] while it lives.
struct InFlight;

impl InFlight {
    fn start() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// whisper.cpp polls this between graph computations; `data` points at the caller's flag.
unsafe extern "C" fn abort_requested(data: *mut std::ffi::c_void) -> bool {
    // SAFETY: `transcribe_abortable` passes a pointer to an `AtomicBool` that outlives the
    // `full` call during which whisper.cpp may call this.
    EXITING.load(Ordering::Relaxed) || unsafe { (*(data as *const AtomicBool)).load(Ordering::Relaxed) }
}

/// A loaded Whisper model. The weights are shared; each call to [`transcribe`](Self::transcribe)
/// creates its own decoding state, so one engine serves several streams (one thread each).
pub struct WhisperEngine {
    context: WhisperContext,
}

impl WhisperEngine {
    /// Loads a GGML model file (≈150 MB for base f16; takes ~0.3 s).
    ///
    /// Errors: [`SttError::Missing`] when the file is absent, [`SttError::Whisper`] when it is
    /// not a valid whisper.cpp model.
    pub fn load(path: &Path) -> Result<Self, SttError> {
        let path = require(path)?;
        // Route whisper.cpp's and ggml's log lines into `tracing` instead of raw stderr.
        whisper_rs::install_logging_hooks();
        let mut params = WhisperContextParameters::default();
        // Word times from dynamic time warping over the model's alignment heads (the preset
        // for multilingual base) are far closer to the audio than the decoder's timestamp
        // tokens, which stretch the first and last words over surrounding silence.
        params.dtw_parameters(DtwParameters {
            mode: DtwMode::ModelPreset { model_preset: DtwModelPreset::Base },
            ..DtwParameters::default()
        });
        let context = WhisperContext::new_with_params(path, params)?;
        Ok(Self { context })
    }

    /// Transcribes one utterance (≤ 30 s of 16 kHz mono f32) in `language` (ISO 639-1, e.g.
    /// `"en"`, `"it"`) on one thread. Returns an empty transcript for empty input.
    ///
    /// Errors: [`SttError::Whisper`] when decoding fails.
    pub fn transcribe(&self, samples: &[f32], language: &str) -> Result<Transcript, SttError> {
        self.transcribe_abortable(samples, &SpeechContext::language(language), &AtomicBool::new(false))
    }

    /// [`transcribe`](Self::transcribe) in `speech.language`, primed with `speech.prompt`
    /// (Whisper's initial prompt: decoded as if it preceded the audio), that gives up as soon
    /// as `abort` is set (checked between the model's layers), so a stale partial never
    /// delays a final.
    ///
    /// Errors: [`SttError::Aborted`] when `abort` was set, [`SttError::Whisper`] otherwise.
    pub fn transcribe_abortable(
        &self,
        samples: &[f32],
        speech: &SpeechContext,
        abort: &AtomicBool,
    ) -> Result<Transcript, SttError> {
        self.decode(samples, speech, abort, audio_ctx(samples.len()))
    }

    /// [`transcribe`](Self::transcribe) with Whisper's full 30 s encoder window, as
    /// whisper.cpp does by default: the baseline the benchmark compares the shortened
    /// window against.
    ///
    /// Errors: [`SttError::Whisper`].
    pub fn transcribe_full_window(&self, samples: &[f32], language: &str) -> Result<Transcript, SttError> {
        self.decode(samples, &SpeechContext::language(language), &AtomicBool::new(false), MAX_AUDIO_CTX)
    }

    fn decode(
        &self,
        samples: &[f32],
        speech: &SpeechContext,
        abort: &AtomicBool,
        audio_ctx: usize,
    ) -> Result<Transcript, SttError> {
        if samples.is_empty() {
            return Ok(Transcript { text: String::new(), words: Vec::new() });
        }
        let _in_flight = InFlight::start();
        if EXITING.load(Ordering::SeqCst) {
            return Err(SttError::Aborted);
        }
        let mut state = self.context.create_state()?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(1);
        params.set_language(Some(&speech.language));
        if !speech.prompt.is_empty() {
            // `no_context` below drops the text of earlier decodes, not this prompt.
            params.set_initial_prompt(&speech.prompt);
        }
        params.set_audio_ctx(audio_ctx as i32);
        params.set_max_tokens(token_cap(samples.len()) as i32);
        params.set_temperature_inc(0.0);
        params.set_no_context(true);
        params.set_single_segment(true);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        // SAFETY: the callback only reads the flag behind the pointer, which lives until this
        // function returns, after `full` has finished.
        unsafe {
            params.set_abort_callback(Some(abort_requested));
            params.set_abort_callback_user_data(abort as *const AtomicBool as *mut std::ffi::c_void);
        }
        let outcome = state.full(params, samples);
        // Registered after a first decode, so that it runs before the destructors of the
        // static state whisper.cpp created during it (`atexit` runs handlers in reverse order).
        WAIT_AT_EXIT.call_once(|| {
            // SAFETY: registers a plain function with no captured state.
            unsafe { libc::atexit(wait_for_decodes) };
        });
        if abort.load(Ordering::Relaxed) || EXITING.load(Ordering::Relaxed) {
            return Err(SttError::Aborted);
        }
        outcome?;

        let eot = self.context.token_eot();
        let audio_ms = u32::try_from(samples.len() * 1000 / SAMPLE_RATE).unwrap_or(u32::MAX);
        let mut text = String::new();
        let mut words: Vec<Word> = Vec::new();
        let mut probabilities: Vec<f32> = Vec::new();
        for segment in state.as_iter() {
            for i in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(i) else { continue };
                if token.token_id() >= eot {
                    continue; // timestamps, language and task markers
                }
                let piece = token.to_str_lossy()?.into_owned();
                let at_ms = centis_to_ms(token.token_data().t_dtw).min(audio_ms);
                text.push_str(&piece);
                if piece.starts_with(' ') || words.is_empty() {
                    close_word(&mut words, &mut probabilities, at_ms);
                    words.push(Word {
                        text: piece.trim_start().to_owned(),
                        start_ms: at_ms,
                        end_ms: at_ms,
                        probability: 0.0,
                    });
                } else if let Some(word) = words.last_mut() {
                    word.text.push_str(&piece);
                }
                probabilities.push(token.token_probability());
            }
        }
        let last_end = words.last().map_or(0, |w| (w.start_ms + LAST_WORD_MS).min(audio_ms));
        close_word(&mut words, &mut probabilities, last_end);
        words.retain(|w| !w.text.trim().is_empty());
        Ok(Transcript { text: text.trim().to_owned(), words })
    }
}

/// Finishes the last word: it ends at `end_ms` (where the next word starts) and its
/// probability is the mean over its tokens.
fn close_word(words: &mut [Word], probabilities: &mut Vec<f32>, end_ms: u32) {
    if let Some(word) = words.last_mut() {
        word.end_ms = end_ms.max(word.start_ms);
        if !probabilities.is_empty() {
            word.probability = probabilities.iter().sum::<f32>() / probabilities.len() as f32;
        }
    }
    probabilities.clear();
}

/// whisper.cpp reports token times in centiseconds.
fn centis_to_ms(t: i64) -> u32 {
    u32::try_from(t.max(0) * 10).unwrap_or(u32::MAX)
}

/// Encoder window for `samples` of 16 kHz audio: `max(512, samples/320 + 64)`, at most 1500.
/// A shorter window makes the encoder cost proportional to the utterance instead of 30 s.
pub fn audio_ctx(samples: usize) -> usize {
    (samples / 320 + 64).clamp(512, MAX_AUDIO_CTX)
}

/// Upper bound on decoded tokens: 8 per second of audio + 16. Fast speech is ≈ 4 tokens/s in
/// English and ≈ 6 in Italian; the cap stops a hallucination loop without cutting real speech.
pub fn token_cap(samples: usize) -> usize {
    samples * 8 / SAMPLE_RATE + 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisper_cpp_has_llamafile_sgemm() {
        // Set in .cargo/config.toml; without it every decode takes about 1.5x as long.
        let info = whisper_rs::print_system_info();
        assert!(info.contains("LLAMAFILE = 1"), "whisper.cpp built without GGML_LLAMAFILE: {info}");
    }

    #[test]
    fn audio_ctx_follows_design_formula() {
        assert_eq!(audio_ctx(0), 512);
        assert_eq!(audio_ctx(16_000 * 5), 512); // 250 + 64 < 512
        assert_eq!(audio_ctx(16_000 * 10), 564); // 500 + 64
        assert_eq!(audio_ctx(16_000 * 40), 1500);
    }

    #[test]
    fn token_cap_grows_with_duration() {
        assert_eq!(token_cap(16_000), 24);
        assert_eq!(token_cap(16_000 * 10), 96);
    }
}
