//! A local server speaking Deepgram's documented live-streaming protocol (`/v1/listen`) on
//! 127.0.0.1, for testing the Deepgram adapter without the cloud.
//!
//! Handshake: `Authorization: Token <key>` (else HTTP 401 with a `dg-error` header) and the
//! query parameters the adapter must send (else HTTP 400). Then: binary frames are 16 kHz mono
//! s16le audio; about every second of new audio the server answers an interim `Results`
//! (`is_final: false`) for the audio since the last finalization; `{"type":"Finalize"}` makes
//! it finalize that audio in two `is_final` pieces, the last one marked `from_finalize`;
//! `KeepAlive` is counted; `CloseStream` finalizes, sends `Metadata` and closes. Word times
//! are seconds since the connection opened, as Deepgram's are. The transcript comes from the
//! embedded Whisper on the received audio, so tests check real text and real times.
//!
//! Failure modes imitate a provider dying mid-call after a number of audio frames.

#![allow(dead_code)] // each test uses a different subset
// tungstenite's handshake callback returns its (large) `ErrorResponse` by value.
#![allow(clippy::result_large_err)]

use closer::stt::whisper::{SAMPLE_RATE, WhisperEngine};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, http};

/// How the server dies after `after` audio frames.
#[derive(Clone, Copy, Debug)]
pub enum Failure {
    /// Sends a close frame (1011, like Deepgram's `NET-0000`).
    Close,
    /// Sends a text message that is not JSON, then keeps reading.
    Garbage,
    /// Drops the TCP connection without a closing handshake (the process died).
    Drop,
}

/// What the server does.
#[derive(Clone)]
pub struct Behaviour {
    /// Transcribes with this engine; `None` answers with empty transcripts.
    pub whisper: Option<Arc<WhisperEngine>>,
    /// Dies after this many binary frames on a connection.
    pub fail_after: Option<(usize, Failure)>,
}

/// What the server saw, over all connections.
#[derive(Clone, Debug, Default)]
pub struct Log {
    /// Query parameters of each accepted handshake.
    pub queries: Vec<HashMap<String, String>>,
    /// Handshakes refused (bad key or parameters).
    pub refused: usize,
    pub audio_frames: usize,
    pub finalizes: usize,
    pub keep_alives: usize,
    pub close_streams: usize,
}

/// The running server.
pub struct FakeDeepgram {
    /// `ws://127.0.0.1:<port>/v1/listen`.
    pub url: String,
    /// The key it accepts.
    pub key: String,
    log: Arc<Mutex<Log>>,
}

impl FakeDeepgram {
    /// Starts a server on a free loopback port with a fresh random key.
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/v1/listen", listener.local_addr().unwrap());
        let key = format!("dg-test-{}", uuid::Uuid::new_v4().simple());
        let log = Arc::new(Mutex::new(Log::default()));
        let (accepted_key, server_log) = (key.clone(), log.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(serve(tcp, behaviour.clone(), accepted_key.clone(), server_log.clone()));
            }
        });
        Self { url, key, log }
    }

    /// A copy of what the server saw so far.
    pub fn log(&self) -> Log {
        self.log.lock().unwrap().clone()
    }
}

fn refuse(status: http::StatusCode, why: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(why.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert("dg-error", http::HeaderValue::from_str(why).unwrap());
    response
}

/// Checks the handshake the way Deepgram documents it; returns the query parameters.
fn check_handshake(request: &Request, key: &str) -> Result<HashMap<String, String>, ErrorResponse> {
    if request.uri().path() != "/v1/listen" {
        return Err(refuse(http::StatusCode::NOT_FOUND, "unknown path"));
    }
    let authorized = request.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Token {key}"));
    if !authorized {
        return Err(refuse(http::StatusCode::UNAUTHORIZED, "Invalid credentials."));
    }
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let expected = [("encoding", "linear16"), ("sample_rate", "16000"), ("channels", "1"), ("interim_results", "true"), ("punctuate", "true")];
    for (name, value) in expected {
        if query.get(name).map(String::as_str) != Some(value) {
            return Err(refuse(http::StatusCode::BAD_REQUEST, &format!("{name} must be {value}")));
        }
    }
    let numeric = query.get("endpointing").is_some_and(|v| v.parse::<u32>().is_ok());
    if !numeric || !query.contains_key("model") || !query.contains_key("language") {
        return Err(refuse(http::StatusCode::BAD_REQUEST, "model, language and endpointing are required"));
    }
    Ok(query)
}

/// One connection's audio since the last finalization.
struct Segment {
    /// Start on the connection's axis, samples.
    start: u64,
    audio: Vec<f32>,
    /// `audio.len()` at the last interim result.
    reported: usize,
}

struct Connection {
    ws: WebSocketStream<TcpStream>,
    behaviour: Behaviour,
    language: String,
    log: Arc<Mutex<Log>>,
    segment: Segment,
}

async fn serve(tcp: TcpStream, behaviour: Behaviour, key: String, log: Arc<Mutex<Log>>) {
    let mut query = None;
    let callback = |request: &Request, response: Response| {
        query = Some(check_handshake(request, &key)?);
        Ok(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
        log.lock().unwrap().refused += 1;
        return;
    };
    let query = query.expect("accepted handshakes have a query");
    let language = query["language"].clone();
    log.lock().unwrap().queries.push(query);
    let segment = Segment { start: 0, audio: Vec::new(), reported: 0 };
    Connection { ws, behaviour, language, log, segment }.run().await;
}

impl Connection {
    async fn run(mut self) {
        let mut frames = 0;
        while let Some(Ok(message)) = self.ws.next().await {
            match message {
                Message::Binary(pcm) => {
                    frames += 1;
                    self.log.lock().unwrap().audio_frames += 1;
                    if let Some((after, failure)) = self.behaviour.fail_after
                        && frames >= after
                    {
                        match failure {
                            Failure::Close => {
                                let frame = CloseFrame { code: CloseCode::Error, reason: "NET-0000".into() };
                                let _ = self.ws.send(Message::Close(Some(frame))).await;
                                return;
                            }
                            Failure::Drop => return,
                            Failure::Garbage => {
                                let _ = self.ws.send(Message::text("}{ not json")).await;
                                continue;
                            }
                        }
                    }
                    self.segment.audio.extend(pcm.chunks_exact(2).map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0));
                    if self.segment.audio.len() - self.segment.reported >= SAMPLE_RATE {
                        self.segment.reported = self.segment.audio.len();
                        let words = self.transcribe().await;
                        let end = self.segment.start + self.segment.audio.len() as u64;
                        self.send(results(self.segment.start, end, &words, false, false)).await;
                    }
                }
                Message::Text(text) => {
                    let kind = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["type"].as_str().map(str::to_owned));
                    match kind.as_deref() {
                        Some("Finalize") => {
                            self.log.lock().unwrap().finalizes += 1;
                            self.finalize(true).await;
                        }
                        Some("KeepAlive") => self.log.lock().unwrap().keep_alives += 1,
                        Some("CloseStream") => {
                            self.log.lock().unwrap().close_streams += 1;
                            self.finalize(false).await;
                            self.send(json!({"type": "Metadata", "request_id": "test", "duration": 0.0, "channels": 1})).await;
                            let _ = self.ws.close(None).await;
                            return;
                        }
                        _ => {
                            let frame = CloseFrame { code: CloseCode::Policy, reason: "DATA-0000".into() };
                            let _ = self.ws.send(Message::Close(Some(frame))).await;
                            return;
                        }
                    }
                }
                Message::Close(_) => return,
                _ => {}
            }
        }
    }

    async fn send(&mut self, message: Value) {
        let _ = self.ws.send(Message::text(message.to_string())).await;
    }

    /// Whisper's words for the segment so far, on the connection's axis (samples).
    async fn transcribe(&self) -> Vec<(String, u64, u64, f32)> {
        let Some(whisper) = self.behaviour.whisper.clone() else { return Vec::new() };
        let (audio, language, start) = (self.segment.audio.clone(), self.language.clone(), self.segment.start);
        let transcript = tokio::task::spawn_blocking(move || whisper.transcribe(&audio, &language)).await.unwrap().unwrap();
        let at = |ms: u32| start + u64::from(ms) * 16;
        transcript
            .words
            .into_iter()
            .filter(|w| !w.text.starts_with(['[', '('])) // Whisper's "[BLANK_AUDIO]": Deepgram sends no words for silence
            .map(|w| (w.text, at(w.start_ms), at(w.end_ms), w.probability))
            .collect()
    }

    /// Finalizes the segment in two `is_final` pieces (Deepgram splits long finals too); the
    /// last one carries `from_finalize` when this answers a `Finalize`.
    async fn finalize(&mut self, from_finalize: bool) {
        if self.segment.audio.is_empty() {
            return;
        }
        let words = self.transcribe().await;
        let end = self.segment.start + self.segment.audio.len() as u64;
        let half = words.len() / 2;
        if half > 0 {
            let cut = words[half].1;
            self.send(results(self.segment.start, cut, &words[..half], true, false)).await;
            self.send(results(cut, end, &words[half..], true, from_finalize)).await;
        } else {
            self.send(results(self.segment.start, end, &words, true, from_finalize)).await;
        }
        self.segment = Segment { start: end, audio: Vec::new(), reported: 0 };
    }
}

/// A `Results` message for `[start, end)` samples with `words` (text, start, end, confidence).
fn results(start: u64, end: u64, words: &[(String, u64, u64, f32)], is_final: bool, from_finalize: bool) -> Value {
    let seconds = |samples: u64| samples as f64 / SAMPLE_RATE as f64;
    let words: Vec<Value> = words
        .iter()
        .map(|(text, s, e, confidence)| {
            let bare: String = text.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect::<String>().to_lowercase();
            json!({"word": bare, "start": seconds(*s), "end": seconds(*e), "confidence": confidence, "punctuated_word": text})
        })
        .collect();
    let transcript = words.iter().map(|w| w["punctuated_word"].as_str().unwrap()).collect::<Vec<_>>().join(" ");
    json!({
        "type": "Results",
        "channel_index": [0, 1],
        "duration": seconds(end - start),
        "start": seconds(start),
        "is_final": is_final,
        "speech_final": from_finalize,
        "from_finalize": from_finalize,
        "channel": {"alternatives": [{"transcript": transcript, "confidence": 0.9, "words": words}]},
        "metadata": {"request_id": "test", "model_info": {"name": "general", "version": "test", "arch": "nova-2"}, "model_uuid": "test"},
    })
}
