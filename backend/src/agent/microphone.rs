//! One subscribed microphone into the live session: LiveKit's 10 ms frames (16 kHz mono, as
//! [`closer_rtc::Room::subscribe_audio`] resamples them) regrouped into the session's 20 ms
//! [`AudioFrame`]s, numbered per participant and stamped with their capture time.

use crate::live::registry::LiveMeeting;
use crate::live::session::Command;
use crate::live::vad::HANGOVER_MS;
use closer_rtc::AudioStream;
use closer_wire::{AudioFrame, FRAME_SAMPLES};
use std::sync::Arc;

/// Length of one [`AudioFrame`], ms.
const FRAME_MS: u64 = 20;
/// Length of one frame of the library's stream, ms.
const STREAM_FRAME_MS: u64 = 10;

/// Sends `identity`'s audio from `stream` to `live` until the track ends (unsubscribed,
/// unpublished, room left) or the meeting's session does. A track that ends is followed by the
/// VAD's hangover of silence, so what its speaker was saying is closed as if they fell silent
/// and their last words reach the transcript (an AI agent leaving after its closing line, a
/// seller hanging up mid-sentence). Sequence numbers continue from where
/// the session is for this participant (a resubscribed track after a reconnect is not taken
/// for audio already heard). A frame's `capture_ms` is when it was heard, less what still waits
/// in the stream, never earlier than its predecessor's plus 20 ms.
pub async fn feed(live: Arc<LiveMeeting>, identity: String, mut stream: AudioStream) {
    let mut seq = next_seq(&live, &identity);
    let mut pending: Vec<i16> = Vec::with_capacity(2 * FRAME_SAMPLES);
    let mut last_capture_ms: Option<u64> = None;
    while let Some(frame) = stream.recv().await {
        pending.extend_from_slice(&frame.samples);
        while pending.len() >= FRAME_SAMPLES {
            let samples: Vec<i16> = pending.drain(..FRAME_SAMPLES).collect();
            let waiting_ms = stream.backlog() as u64 * STREAM_FRAME_MS;
            let heard = now_ms().saturating_sub(waiting_ms + FRAME_MS);
            let capture_ms = last_capture_ms.map_or(heard, |last| heard.max(last + FRAME_MS));
            last_capture_ms = Some(capture_ms);
            let frame = AudioFrame { identity: identity.clone(), seq, capture_ms, samples };
            // Waits while the session's queue is full; the stream's backlog grows meanwhile.
            if !live.send(Command::Frame(frame)).await {
                return; // the meeting has ended
            }
            seq = seq.wrapping_add(1);
        }
    }
    let Some(mut capture_ms) = last_capture_ms else { return };
    for _ in 0..=HANGOVER_MS / FRAME_MS {
        capture_ms += FRAME_MS;
        let frame = AudioFrame { identity: identity.clone(), seq, capture_ms, samples: vec![0; FRAME_SAMPLES] };
        if !live.send(Command::Frame(frame)).await {
            return;
        }
        seq = seq.wrapping_add(1);
    }
}

fn next_seq(live: &LiveMeeting, identity: &str) -> u32 {
    let snapshot = live.shared.snapshot.lock().unwrap_or_else(|p| p.into_inner());
    snapshot.speakers.get(identity).map_or(0, |(next, _)| *next)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
