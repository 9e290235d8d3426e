//! Recorded calls through the live pipeline: one WAV per speaker (16 kHz mono s16le, shared time
//! axis) is cut into the same 20 ms frames a live client sends and fed to a [`Session`], either
//! at 1× speed (`realtime`: events carry real processing delay) or as fast as the pipeline
//! takes them.

use super::bus::EventBus;
use super::engines::Engines;
use super::persist::Persister;
use super::session::{Clock, Command, Participant, Session, SessionSetup, SessionShared};
use crate::analysis::SpeakerRole;
use closer_wire::{AudioFrame, FRAME_SAMPLES, HudEnvelope, Playbook};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// One speaker of a recording.
#[derive(Clone, Debug)]
pub struct RecordedSpeaker {
    /// Name used as identity and display name in events.
    pub name: String,
    /// Their audio: 16 kHz mono 16-bit WAV.
    pub wav: PathBuf,
    /// Seller or prospect.
    pub role: SpeakerRole,
}

/// A recording to analyse.
#[derive(Clone, Debug)]
pub struct Recording {
    /// Meeting id the events are filed under.
    pub meeting_id: String,
    /// Speakers with their tracks.
    pub speakers: Vec<RecordedSpeaker>,
    /// Playbook to match against.
    pub playbook: Playbook,
    /// STT language (ISO 639-1).
    pub language: String,
    /// Feed audio at 1× (wall clock) instead of as fast as possible.
    pub realtime: bool,
}

/// Reading a recording failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The WAV cannot be read.
    #[error("{path}: {source}")]
    Wav { path: String, source: hound::Error },
    /// The WAV is not 16 kHz mono 16-bit.
    #[error("{path}: expected 16 kHz mono 16-bit PCM, got {rate} Hz, {channels} channel(s), {bits} bits")]
    Format { path: String, rate: u32, channels: u16, bits: u16 },
}

/// Reads a 16 kHz mono 16-bit WAV.
///
/// Errors: [`ReplayError`] naming the file and what is wrong with it.
pub fn read_track(path: &std::path::Path) -> Result<Vec<i16>, ReplayError> {
    let shown = path.display().to_string();
    let mut reader = hound::WavReader::open(path).map_err(|source| ReplayError::Wav { path: shown.clone(), source })?;
    let spec = reader.spec();
    if spec.sample_rate != 16_000 || spec.channels != 1 || spec.bits_per_sample != 16 {
        return Err(ReplayError::Format {
            path: shown,
            rate: spec.sample_rate,
            channels: spec.channels,
            bits: spec.bits_per_sample,
        });
    }
    reader.samples::<i16>().collect::<Result<_, _>>().map_err(|source| ReplayError::Wav { path: shown, source })
}

/// Runs `recording` through a session; `on_event` sees every event as it is emitted. Returns
/// when every utterance has its final transcript and analysis.
///
/// Errors: unreadable WAVs, models failing to embed the playbook.
pub async fn replay(
    engines: Engines,
    recording: Recording,
    persist: Option<Persister>,
    mut on_event: impl FnMut(&HudEnvelope),
) -> anyhow::Result<()> {
    let tracks: Vec<Vec<i16>> = recording.speakers.iter().map(|s| read_track(&s.wav)).collect::<Result<_, _>>()?;
    let participants: Vec<Participant> = recording
        .speakers
        .iter()
        .map(|s| Participant { identity: s.name.clone(), name: s.name.clone(), role: s.role, consent: true })
        .collect();
    let shared = Arc::new(SessionShared {
        meeting_id: recording.meeting_id.clone(),
        participants: RwLock::new(participants.iter().map(|p| (p.identity.clone(), p.clone())).collect()),
        bus: EventBus::default(),
        snapshot: Mutex::new(Default::default()),
        started: Mutex::new(None),
        recorder: None,
        fanout: None,
    });
    let setup = SessionSetup {
        meeting_id: recording.meeting_id.clone(),
        language: recording.language.clone(),
        playbook: recording.playbook.clone(),
        clock: if recording.realtime { Clock::Wall } else { Clock::Audio },
    };
    let session = Session::start(setup, shared.clone(), engines, persist)?;
    let (tx, rx) = mpsc::channel(super::session::COMMAND_QUEUE);
    let (_, mut events) = shared.bus.subscribe(None);
    let running = tokio::spawn(session.run(rx));

    let frames = tracks.iter().map(|t| t.len().div_ceil(FRAME_SAMPLES)).max().unwrap_or(0);
    let started = tokio::time::Instant::now();
    for i in 0..frames {
        if recording.realtime {
            tokio::time::sleep_until(started + Duration::from_millis(20 * i as u64)).await;
        }
        for (speaker, track) in recording.speakers.iter().zip(&tracks) {
            let mut samples: Vec<i16> = track.iter().skip(i * FRAME_SAMPLES).take(FRAME_SAMPLES).copied().collect();
            samples.resize(FRAME_SAMPLES, 0);
            let frame = AudioFrame { identity: speaker.name.clone(), seq: i as u32, capture_ms: 20 * i as u64, samples };
            tx.send(Command::Frame(frame)).await?;
        }
        while let Ok(event) = events.try_recv() {
            on_event(&event);
        }
    }
    let (done_tx, done_rx) = oneshot::channel();
    tx.send(Command::Flush(done_tx)).await?;
    let mut done = std::pin::pin!(done_rx);
    loop {
        tokio::select! {
            Ok(event) = events.recv() => on_event(&event),
            _ = &mut done => break,
        }
    }
    drop(tx);
    running.await?;
    while let Ok(event) = events.try_recv() {
        on_event(&event);
    }
    Ok(())
}

/// One line of `closer-server analyze` output: the event's JSON (`seq`, `at_ms`, `kind`, its
/// fields) plus, for checklist ticks and objections, the evidence's `speaker` and `text` lifted
/// to the top level, so every line that concerns a speaker has `speaker`.
pub fn jsonl(envelope: &HudEnvelope) -> serde_json::Value {
    let mut value = serde_json::to_value(envelope).expect("events serialize");
    if let Some(evidence) = value.get("evidence").cloned() {
        value["speaker"] = evidence["speaker"].clone();
        value["text"] = evidence["text"].clone();
    }
    value
}
