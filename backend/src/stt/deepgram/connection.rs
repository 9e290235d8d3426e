//! The task behind one Deepgram stream: owns the WebSocket, sends the speaker's audio and
//! control messages, turns results into [`SttEvent`]s, keeps the connection alive while the
//! speaker is silent, and reports the first failure once.

use super::utterances::Utterances;
use super::wire::{self, CLOSE_STREAM, FINALIZE, KEEP_ALIVE, ServerMessage};
use crate::stt::SttEvent;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval, timeout};
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Longest wait for the TCP/TLS/WebSocket handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle time after which a `KeepAlive` is sent (Deepgram's limit is 10 s; it advises 3–5 s).
const KEEP_ALIVE_AFTER: Duration = Duration::from_secs(5);
/// Housekeeping cadence: keep-alives and overdue finals.
const TICK: Duration = Duration::from_millis(100);
/// After `CloseStream`, how long to wait for Deepgram's last results before hanging up.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the stream asks of its task.
pub(super) enum Command {
    /// Speech of utterance `utterance`, 16 kHz mono s16le.
    Audio { utterance: u64, pcm: Vec<u8> },
    /// The utterance ended.
    Finish { utterance: u64 },
}

/// Reports a stream failure to the session, once per stream (the stream and its task share
/// `failed`).
pub(super) fn report_failure(failed: &AtomicBool, events: &mpsc::UnboundedSender<SttEvent>, speaker: &str, error: String) {
    if !failed.swap(true, Ordering::SeqCst) {
        tracing::warn!(speaker, error, "Deepgram stream failed");
        let _ = events.send(SttEvent::Failed { speaker: speaker.to_owned(), error });
    }
}

/// How the task ended.
enum End {
    /// The stream was dropped, the session is gone, or a failure was already reported.
    Quiet,
    /// The connection failed: report it.
    Failed(String),
}

impl From<WsError> for End {
    fn from(error: WsError) -> Self {
        End::Failed(describe(&error))
    }
}

/// Error text for the session and the logs. Never contains the API key: it travels only in
/// the `Authorization` header, which no error variant carries.
fn describe(error: &WsError) -> String {
    match error {
        WsError::Http(response) => {
            // Deepgram explains a refused handshake in this header.
            let detail = response.headers().get("dg-error").and_then(|v| v.to_str().ok()).map(|v| format!(" ({v})"));
            format!("Deepgram refused the connection: HTTP {}{}", response.status(), detail.unwrap_or_default())
        }
        other => format!("Deepgram connection failed: {other}"),
    }
}

/// One stream's connection task.
pub(super) struct Connection {
    pub speaker: String,
    pub events: mpsc::UnboundedSender<SttEvent>,
    pub failed: Arc<AtomicBool>,
    pub commands: mpsc::Receiver<Command>,
    pub utterances: Utterances,
}

impl Connection {
    /// Runs until the stream is dropped (then closes gracefully) or the connection fails
    /// (then reports one [`SttEvent::Failed`]).
    /// `request` is the handshake: the listen URL and the `Authorization` header (marked
    /// sensitive, so even its `Debug` form hides the key).
    pub async fn run(mut self, request: Request) {
        if let Err(End::Failed(error)) = self.serve(request).await {
            report_failure(&self.failed, &self.events, &self.speaker, error);
        }
    }

    async fn serve(&mut self, request: Request) -> Result<(), End> {
        let connect = tokio_tungstenite::connect_async(request);
        let (mut socket, _) = timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| End::Failed("Deepgram connection failed: handshake timed out".into()))??;
        let mut tick = interval(TICK);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_sent = Instant::now();
        loop {
            tokio::select! {
                command = self.commands.recv() => {
                    if self.failed.load(Ordering::SeqCst) {
                        return Err(End::Quiet); // the stream gave up (audio queue full)
                    }
                    match command {
                        Some(command) => {
                            if self.command(&mut socket, command).await? {
                                last_sent = Instant::now();
                            }
                        }
                        None => return self.close(socket).await,
                    }
                }
                message = socket.next() => self.message(message)?,
                _ = tick.tick() => {
                    if last_sent.elapsed() >= KEEP_ALIVE_AFTER {
                        socket.send(Message::text(KEEP_ALIVE)).await?;
                        last_sent = Instant::now();
                    }
                    let due = self.utterances.ready(std::time::Instant::now());
                    deliver(&self.events, due)?;
                }
            }
        }
    }

    /// Returns `true` when audio was sent (only audio and keep-alives reset Deepgram's idle
    /// timer).
    async fn command(&mut self, socket: &mut Socket, command: Command) -> Result<bool, End> {
        let now = std::time::Instant::now();
        match command {
            Command::Audio { utterance, pcm } => {
                if self.utterances.audio(utterance, pcm.len() / 2, now) {
                    socket.send(Message::text(FINALIZE)).await?;
                }
                socket.send(Message::binary(pcm)).await?;
                Ok(true)
            }
            Command::Finish { utterance } => {
                if self.utterances.finish(utterance, now) {
                    socket.send(Message::text(FINALIZE)).await?;
                }
                Ok(false)
            }
        }
    }

    fn message(&mut self, message: Option<Result<Message, WsError>>) -> Result<(), End> {
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => return Ok(()),
            Some(Ok(Message::Binary(_))) => return Err(End::Failed("Deepgram sent an unexpected binary message".into())),
            Some(Ok(Message::Close(frame))) => {
                let why = frame.map_or_else(|| "no reason given".to_owned(), |f| format!("{} {}", u16::from(f.code), f.reason));
                return Err(End::Failed(format!("Deepgram closed the stream mid-call: {why}")));
            }
            Some(Err(error)) => return Err(error.into()),
            None => return Err(End::Failed("Deepgram connection closed mid-call".into())),
        };
        match wire::parse(&text).map_err(|e| End::Failed(e.to_string()))? {
            ServerMessage::Results(results) => {
                deliver(&self.events, self.utterances.results(&results, std::time::Instant::now()))
            }
            ServerMessage::Other => Ok(()),
        }
    }

    /// The stream was dropped: ask Deepgram for its last results, deliver them, hang up.
    /// Nothing here is a mid-call failure, so errors end the task quietly.
    async fn close(&mut self, mut socket: Socket) -> Result<(), End> {
        self.utterances.finish_open(std::time::Instant::now());
        if socket.send(Message::text(CLOSE_STREAM)).await.is_ok() {
            let _ = timeout(CLOSE_GRACE, async {
                while let Some(Ok(message)) = socket.next().await {
                    if let Message::Text(text) = message
                        && let Ok(ServerMessage::Results(results)) = wire::parse(&text)
                    {
                        let _ = deliver(&self.events, self.utterances.results(&results, std::time::Instant::now()));
                    }
                }
            })
            .await;
        }
        let _ = deliver(&self.events, self.utterances.flush());
        let _ = socket.close(None).await;
        Ok(())
    }
}

/// Hands events to the session; `End::Quiet` when it is gone.
fn deliver(sink: &mpsc::UnboundedSender<SttEvent>, events: Vec<SttEvent>) -> Result<(), End> {
    for event in events {
        if sink.send(event).is_err() {
            return Err(End::Quiet); // the session is gone
        }
    }
    Ok(())
}
