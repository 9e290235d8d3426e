//! Deepgram's live-streaming (`/v1/listen`) messages, as documented: the client sends binary
//! audio frames and JSON control messages (`Finalize`, `KeepAlive`, `CloseStream`); the server
//! answers with JSON text messages tagged by `type` (`Results`, `Metadata`, `SpeechStarted`,
//! `UtteranceEnd`) and reports errors with a WebSocket close frame.

use serde::Deserialize;

/// Flush: the server finalizes all audio received so far and answers with a result marked
/// `from_finalize` (when there was audio left to finalize).
pub(super) const FINALIZE: &str = r#"{"type":"Finalize"}"#;
/// Keeps the connection open while no audio is sent (Deepgram closes it with `NET-0001` after
/// 10 s without audio or keep-alive).
pub(super) const KEEP_ALIVE: &str = r#"{"type":"KeepAlive"}"#;
/// Graceful end: the server sends what is left, a `Metadata` message, then closes.
pub(super) const CLOSE_STREAM: &str = r#"{"type":"CloseStream"}"#;

/// A server message the adapter acts on.
#[derive(Debug, PartialEq)]
pub(super) enum ServerMessage {
    /// A transcription result.
    Results(Results),
    /// `Metadata`, `SpeechStarted`, `UtteranceEnd` or a type added later: nothing to do.
    Other,
}

/// Why a server message could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed Deepgram message: {0}")]
pub(super) struct Malformed(String);

/// A `Results` message: the transcript of the audio in `[start, start + duration)`.
#[derive(Debug, Deserialize, PartialEq)]
pub(super) struct Results {
    /// `false`: an interim guess that later results replace; `true`: this span is final.
    #[serde(default)]
    pub is_final: bool,
    /// The speaker paused for the endpointing interval after this span.
    #[serde(default)]
    pub speech_final: bool,
    /// The answer to a `Finalize` message.
    #[serde(default)]
    pub from_finalize: bool,
    /// Start of the span, seconds of audio since the connection opened.
    pub start: f64,
    /// Length of the span, seconds.
    pub duration: f64,
    /// The (single) audio channel.
    pub channel: Channel,
}

/// The alternatives for one audio channel, best first.
#[derive(Debug, Deserialize, PartialEq)]
pub(super) struct Channel {
    pub alternatives: Vec<Alternative>,
}

/// One hypothesis of the span.
#[derive(Debug, Deserialize, PartialEq)]
pub(super) struct Alternative {
    /// The span's text (punctuated when `punctuate=true`); empty for silence.
    pub transcript: String,
    /// The span's words in order.
    #[serde(default)]
    pub words: Vec<DeepgramWord>,
}

/// One word of a result.
#[derive(Debug, Deserialize, PartialEq)]
pub(super) struct DeepgramWord {
    /// Lower-case, unpunctuated form.
    pub word: String,
    /// Form with case and punctuation (present when `punctuate=true`).
    pub punctuated_word: Option<String>,
    /// Seconds since the connection opened.
    pub start: f64,
    /// Seconds since the connection opened.
    pub end: f64,
    /// In [0, 1].
    #[serde(default)]
    pub confidence: f64,
}

impl Results {
    /// The best alternative, if the server sent any.
    pub fn best(&self) -> Option<&Alternative> {
        self.channel.alternatives.first()
    }
}

impl DeepgramWord {
    /// The word as it should be shown.
    pub fn text(&self) -> &str {
        self.punctuated_word.as_deref().unwrap_or(&self.word)
    }
}

/// Parses a text message from the server.
///
/// Errors: not a JSON object with a string `type`, or a `Results` message missing its
/// documented fields.
pub(super) fn parse(text: &str) -> Result<ServerMessage, Malformed> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Malformed(e.to_string()))?;
    match value.get("type").and_then(|t| t.as_str()) {
        Some("Results") => serde_json::from_value(value).map(ServerMessage::Results).map_err(|e| Malformed(e.to_string())),
        Some(_) => Ok(ServerMessage::Other),
        None => Err(Malformed("no `type` field".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result as Deepgram's documentation shows it (fields the adapter ignores included).
    const DOCUMENTED: &str = r#"{
        "type": "Results", "channel_index": [0, 1], "duration": 1.98, "start": 5.99,
        "is_final": true, "speech_final": true, "from_finalize": false,
        "channel": {"alternatives": [{"transcript": "Another big problem.", "confidence": 0.98,
            "words": [
                {"word": "another", "start": 6.08, "end": 6.32, "confidence": 0.99, "punctuated_word": "Another"},
                {"word": "big", "start": 6.32, "end": 6.56, "confidence": 0.97, "punctuated_word": "big"},
                {"word": "problem", "start": 6.56, "end": 7.05, "confidence": 0.95, "punctuated_word": "problem."}
            ]}]},
        "metadata": {"request_id": "r", "model_info": {"name": "2-general-nova", "version": "v", "arch": "nova-2"}, "model_uuid": "u"}
    }"#;

    #[test]
    fn documented_results_message_parses() {
        let ServerMessage::Results(results) = parse(DOCUMENTED).unwrap() else { panic!("not results") };
        assert!(results.is_final && results.speech_final && !results.from_finalize);
        assert_eq!((results.start, results.duration), (5.99, 1.98));
        let best = results.best().unwrap();
        assert_eq!(best.transcript, "Another big problem.");
        assert_eq!(best.words.iter().map(DeepgramWord::text).collect::<Vec<_>>(), ["Another", "big", "problem."]);
        assert_eq!((best.words[2].start, best.words[2].end), (6.56, 7.05));
    }

    #[test]
    fn other_types_are_ignored_and_garbage_is_malformed() {
        assert_eq!(parse(r#"{"type":"Metadata","request_id":"r"}"#).unwrap(), ServerMessage::Other);
        assert_eq!(parse(r#"{"type":"UtteranceEnd","last_word_end":2.3}"#).unwrap(), ServerMessage::Other);
        assert!(parse("not json").is_err());
        assert!(parse(r#"{"transcript":"x"}"#).is_err());
        assert!(parse(r#"{"type":"Results","start":0}"#).is_err());
    }
}
