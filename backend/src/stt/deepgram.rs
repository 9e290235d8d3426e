//! Deepgram live streaming (`wss://api.deepgram.com/v1/listen`) as an STT provider: one
//! WebSocket per speaker stream, owned by a Tokio task.
//!
//! The stream never blocks the session: [`SttStream::push`] converts the speech to 16 kHz
//! mono s16le and queues it for the task, which sends it as binary frames; `finish` sends
//! `Finalize`. Deepgram's interim results become [`SttEvent::Partial`]s; its final pieces are
//! accumulated per utterance into one [`SttEvent::Final`] with word times relative to the
//! utterance's first audio (see `utterances` for the mapping and for when a final is due).
//! While the speaker is silent the task sends `KeepAlive` every 5 s; dropping the stream sends
//! `CloseStream`. A refused handshake, a close, a network error or a malformed message
//! mid-call ends the task with one [`SttEvent::Failed`]; the session then switches the speaker
//! to the embedded provider.
//!
//! The API key travels only in the handshake's `Authorization: Token <key>` header; it is never
//! logged nor put in an error.

mod connection;
mod utterances;
mod wire;

use super::provider::{SttError, SttEvent, SttProvider, SttStream};
use super::speech::SpeechContext;
use crate::config::{Config, SttProviderKind};
use connection::{Command, Connection, report_failure};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::{AUTHORIZATION, HeaderValue};
use utterances::Utterances;

/// Pushes queued per stream before the stream gives up: 30 s of 20 ms frames. A connection
/// that far behind is not live transcription any more, so it fails over to the embedded
/// provider instead of buffering without bound.
const AUDIO_QUEUE: usize = 1500;

/// Settings of the Deepgram provider.
#[derive(Clone)]
pub struct DeepgramConfig {
    /// Live endpoint, `ws://` or `wss://`. Default `wss://api.deepgram.com/v1/listen`.
    pub url: String,
    /// API key (secret: never logged; `Debug` hides it).
    pub api_key: String,
    /// Deepgram model. Default `nova-2`.
    pub model: String,
    /// Ask for interim results (the HUD's partial transcripts). Default `true`.
    pub interim_results: bool,
    /// Silence, in ms, after which Deepgram marks an endpoint (`speech_final`). Default 300.
    pub endpointing_ms: u32,
    /// How long after the end of an utterance its final is reported even if Deepgram has not
    /// confirmed it (with the words finalized so far), in ms. Default 3000: Deepgram answers a
    /// `Finalize` in a few hundred ms, and the HUD's budget is 2 s.
    pub finalize_timeout_ms: u64,
}

impl Default for DeepgramConfig {
    fn default() -> Self {
        Self {
            url: "wss://api.deepgram.com/v1/listen".into(),
            api_key: String::new(),
            model: "nova-2".into(),
            interim_results: true,
            endpointing_ms: 300,
            finalize_timeout_ms: 3000,
        }
    }
}

impl std::fmt::Debug for DeepgramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeepgramConfig")
            .field("url", &self.url)
            .field("api_key", &"[redacted]")
            .field("model", &self.model)
            .field("interim_results", &self.interim_results)
            .field("endpointing_ms", &self.endpointing_ms)
            .field("finalize_timeout_ms", &self.finalize_timeout_ms)
            .finish()
    }
}

impl DeepgramConfig {
    /// The Deepgram settings of the server configuration, when Deepgram can be used: it is
    /// the default (`stt_provider = "deepgram"`) or an API key is configured (organizations and
    /// meetings may then choose it); `None` otherwise.
    pub fn from_config(config: &Config) -> Option<Self> {
        let keyed = config.deepgram_api_key.as_deref().is_some_and(|k| !k.is_empty());
        (keyed || config.stt_provider == SttProviderKind::Deepgram).then(|| Self {
            url: config.deepgram_url.clone(),
            api_key: config.deepgram_api_key.clone().unwrap_or_default(),
            model: config.deepgram_model.clone(),
            ..Self::default()
        })
    }

    /// The listen URL for `language` (ISO 639-1): audio format, model and result options as
    /// query parameters.
    ///
    /// Errors: a model or language that is not a plain token (letters, digits, `-`, `_`, `.`).
    pub fn listen_url(&self, language: &str) -> Result<String, SttError> {
        for (name, value) in [("model", &self.model), ("language", &language.to_owned())] {
            if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
                return Err(SttError::Provider(format!("invalid Deepgram {name} {value:?}")));
            }
        }
        let separator = if self.url.contains('?') { '&' } else { '?' };
        Ok(format!(
            "{}{separator}model={}&language={language}&encoding=linear16&sample_rate=16000&channels=1&interim_results={}&endpointing={}&punctuate=true",
            self.url, self.model, self.interim_results, self.endpointing_ms
        ))
    }
}

/// Deepgram live streaming, one connection per speaker stream.
pub struct DeepgramProvider {
    config: DeepgramConfig,
}

impl DeepgramProvider {
    /// A provider with `config`; nothing connects until a stream is opened.
    pub fn new(config: DeepgramConfig) -> Self {
        Self { config }
    }
}

impl SttProvider for DeepgramProvider {
    fn name(&self) -> &'static str {
        "deepgram"
    }

    /// Starts the stream's task (the connection is made there: audio pushed meanwhile is
    /// queued). A connection that fails is reported as [`SttEvent::Failed`]. Only
    /// `speech.language` is used: the prompt is a Whisper decoding hint.
    ///
    /// Errors: no API key, an invalid URL, model or language, or no Tokio runtime.
    fn open(&self, speaker: &str, speech: &SpeechContext, events: mpsc::UnboundedSender<SttEvent>) -> Result<Box<dyn SttStream>, SttError> {
        if self.config.api_key.is_empty() {
            return Err(SttError::Provider("Deepgram API key not configured".into()));
        }
        let mut request = self
            .config
            .listen_url(&speech.language)?
            .into_client_request()
            .map_err(|e| SttError::Provider(format!("invalid Deepgram URL: {e}")))?;
        let mut token = HeaderValue::from_str(&format!("Token {}", self.config.api_key))
            .map_err(|_| SttError::Provider("the Deepgram API key contains characters a header cannot carry".into()))?;
        token.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, token);
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| SttError::Provider("the Deepgram provider needs a Tokio runtime".into()))?;

        let (commands_tx, commands) = mpsc::channel(AUDIO_QUEUE);
        let failed = Arc::new(AtomicBool::new(false));
        let connection = Connection {
            speaker: speaker.to_owned(),
            events: events.clone(),
            failed: failed.clone(),
            commands,
            utterances: Utterances::new(speaker, Duration::from_millis(self.config.finalize_timeout_ms)),
        };
        runtime.spawn(connection.run(request));
        Ok(Box::new(DeepgramStream { commands: commands_tx, speaker: speaker.to_owned(), events, failed }))
    }
}

struct DeepgramStream {
    commands: mpsc::Sender<Command>,
    speaker: String,
    events: mpsc::UnboundedSender<SttEvent>,
    failed: Arc<AtomicBool>,
}

impl DeepgramStream {
    fn send(&self, command: Command) {
        match self.commands.try_send(command) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => report_failure(
                &self.failed,
                &self.events,
                &self.speaker,
                "Deepgram is not keeping up: 30 s of audio queued".into(),
            ),
            // The task ended after reporting its failure; the session is switching providers.
            Err(TrySendError::Closed(_)) => {}
        }
    }
}

/// f32 in [-1, 1] → s16le. The session made the f32 from i16 by dividing by 32768, so this
/// restores the captured samples exactly.
fn to_s16le(samples: &[f32]) -> Vec<u8> {
    samples.iter().flat_map(|&s| ((s * 32768.0).round().clamp(-32768.0, 32767.0) as i16).to_le_bytes()).collect()
}

impl SttStream for DeepgramStream {
    fn push(&mut self, utterance: u64, samples: &[f32]) {
        self.send(Command::Audio { utterance, pcm: to_s16le(samples) });
    }

    fn finish(&mut self, utterance: u64) {
        self.send(Command::Finish { utterance });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_url_carries_the_documented_parameters() {
        let config = DeepgramConfig { api_key: "secret-key".into(), ..DeepgramConfig::default() };
        assert_eq!(
            config.listen_url("it").unwrap(),
            "wss://api.deepgram.com/v1/listen?model=nova-2&language=it&encoding=linear16&sample_rate=16000&channels=1&interim_results=true&endpointing=300&punctuate=true"
        );
        assert!(config.listen_url("en&x=1").is_err());
        assert!(!format!("{config:?}").contains("secret-key"));
    }

    #[test]
    fn s16le_round_trips_the_sessions_samples() {
        let original: [i16; 4] = [i16::MIN, -1, 0, i16::MAX];
        let floats: Vec<f32> = original.iter().map(|&s| f32::from(s) / 32768.0).collect();
        let bytes = to_s16le(&floats);
        let back: Vec<i16> = bytes.chunks(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
        assert_eq!(back, original);
    }
}
