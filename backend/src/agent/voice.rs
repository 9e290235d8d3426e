//! An AI agent's voice in a room (#17): a published microphone track that plays synthesised
//! speech ([`crate::tts`]) in real time, and falls silent at a barge-in.
//!
//! Speech goes out at 48 kHz (Opus's own rate; LiveKit takes 10 ms frames, which a voice's
//! 22 050 Hz cannot be cut into) in 10 ms frames; the library queues at most 200 ms of them.
//! At a barge-in the next frame is not sent and the queue is dropped
//! ([`closer_rtc::AudioSource::clear`]), so the agent stops within one frame plus the
//! listener's jitter buffer, not after the sentence.

use crate::tts::{Speech, TtsError};
use closer_rtc::{AudioSource, Room};
use std::sync::atomic::{AtomicBool, Ordering};

/// Rate the agent's track is published at, Hz.
pub const PUBLISH_RATE_HZ: u32 = 48_000;
/// Silence sent by [`Voice::play_out`], ms: more than the library's 200 ms queue.
pub const PLAYOUT_MS: u64 = 300;
/// Samples per frame: 10 ms at [`PUBLISH_RATE_HZ`].
const FRAME: usize = PUBLISH_RATE_HZ as usize / 100;

/// Why the agent could not speak.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The speech could not be prepared for the track.
    #[error(transparent)]
    Speech(#[from] TtsError),
    /// LiveKit refused the track or a frame.
    #[error("room: {0}")]
    Room(#[from] closer_rtc::Error),
}

/// How a [`Voice::say`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spoken {
    /// Everything was said.
    Finished,
    /// Interrupted after this much of the speech was sent, ms.
    Interrupted { after_ms: u64 },
}

/// The agent's microphone track in one room.
pub struct Voice {
    source: AudioSource,
}

impl Voice {
    /// Publishes the agent's microphone track, named `name`, in `room`.
    ///
    /// Errors: [`VoiceError::Room`] when LiveKit refuses it (e.g. a token without publish rights).
    pub async fn publish(room: &Room, name: &str) -> Result<Self, VoiceError> {
        Ok(Self { source: room.publish_audio(name, PUBLISH_RATE_HZ, 1).await? })
    }

    /// The track's sid.
    pub fn track_sid(&self) -> &str {
        &self.source.sid
    }

    /// Drops what is queued on the track: the agent falls silent within a frame.
    ///
    /// Errors: [`VoiceError::Room`] when the library refuses.
    pub fn silence(&self) -> Result<(), VoiceError> {
        Ok(self.source.clear()?)
    }

    /// Sends [`PLAYOUT_MS`] of silence, so that what is queued on the track has gone out (before
    /// the agent leaves the room).
    ///
    /// Errors: [`VoiceError::Room`] when the library refuses a frame.
    pub async fn play_out(&self) -> Result<(), VoiceError> {
        let silence = [0i16; FRAME];
        for _ in 0..PLAYOUT_MS / 10 {
            self.source.capture(&silence).await?;
        }
        Ok(())
    }

    /// Says `speech` in real time. Before each 10 ms frame `barge_in` is read: once it is set,
    /// nothing more is sent and the queued audio is dropped.
    ///
    /// Errors: [`VoiceError::Speech`] when the speech cannot be resampled, [`VoiceError::Room`]
    /// when the library refuses a frame.
    pub async fn say(&self, speech: &Speech, barge_in: &AtomicBool) -> Result<Spoken, VoiceError> {
        let speech = speech.resampled(PUBLISH_RATE_HZ)?;
        for (n, frame) in speech.samples.chunks(FRAME).enumerate() {
            if barge_in.load(Ordering::Acquire) {
                self.silence()?;
                return Ok(Spoken::Interrupted { after_ms: n as u64 * 10 });
            }
            if frame.len() == FRAME {
                self.source.capture(frame).await?;
            } else {
                let mut last = frame.to_vec();
                last.resize(FRAME, 0);
                self.source.capture(&last).await?;
            }
        }
        Ok(Spoken::Finished)
    }
}
