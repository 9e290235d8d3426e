//! Embedded Whisper as a streaming provider: one worker thread per speaker stream (whisper.cpp
//! on one thread each, as DESIGN.md prescribes), partial transcripts about once a second while
//! the speaker talks, a final transcript when the VAD closes the utterance.
//!
//! Scheduling: finals are never dropped and run in order; partials are "latest wins" (a
//! partial still queued when a newer one arrives is discarded), and a final aborts the partial
//! in flight so the seller's HUD gets the finished sentence as early as possible.
//!
//! Speculative finals: when the speaker pauses, the utterance so far is decoded at once. If the
//! pause turns out to be the end (the VAD's 300 ms hangover passes in silence), that decode —
//! which already holds every spoken word — becomes the final: the hangover and the queueing no
//! longer add to the latency. If speech resumes, it was just a partial.

use super::whisper::{SAMPLE_RATE, Transcript, WhisperEngine};
use super::{SpeechContext, SttError, SttEvent, SttProvider, SttStream};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use tokio::sync::mpsc::UnboundedSender;

/// New speech, in samples, between two partial transcripts: 1 s.
pub const PARTIAL_EVERY_SAMPLES: usize = SAMPLE_RATE;

/// Whisper base shared by every stream of the process.
pub struct WhisperProvider {
    engine: Arc<WhisperEngine>,
}

impl WhisperProvider {
    /// Wraps a loaded engine.
    pub fn new(engine: Arc<WhisperEngine>) -> Self {
        Self { engine }
    }
}

impl SttProvider for WhisperProvider {
    fn name(&self) -> &'static str {
        "whisper"
    }

    fn open(
        &self,
        speaker: &str,
        speech: &SpeechContext,
        events: UnboundedSender<SttEvent>,
    ) -> Result<Box<dyn SttStream>, SttError> {
        let shared = Arc::new(Shared::default());
        let worker = Worker {
            engine: self.engine.clone(),
            shared: shared.clone(),
            speaker: speaker.to_owned(),
            speech: speech.clone(),
            events,
        };
        std::thread::Builder::new()
            .name(format!("stt-{speaker}"))
            .spawn(move || worker.run())
            .map_err(|e| SttError::Provider(format!("cannot start STT thread: {e}")))?;
        Ok(Box::new(WhisperStream { shared, utterance: None, audio: Vec::new(), partial_at: 0, speculated: false }))
    }
}

enum Job {
    /// `speculative`: decoded at a pause; may be promoted to the final.
    Partial { utterance: u64, samples: Arc<[f32]>, speculative: bool },
    Final { utterance: u64, samples: Arc<[f32]> },
    /// The speculative decode of `utterance` is its final (queued, running or done); if it
    /// is gone (superseded), `samples` are decoded instead.
    Promote { utterance: u64, samples: Arc<[f32]> },
}

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<Job>>,
    wake: Condvar,
    /// Raised to make the partial in flight give up.
    abort_partial: AtomicBool,
    /// Utterance whose running speculative decode must be delivered as its final.
    promoted: Mutex<Option<u64>>,
    /// The stream was dropped: finish the queued finals, then exit.
    closed: AtomicBool,
}

struct WhisperStream {
    shared: Arc<Shared>,
    utterance: Option<u64>,
    audio: Vec<f32>,
    /// `audio.len()` when the last partial was requested.
    partial_at: usize,
    /// A speculative decode of the current utterance was requested at the latest pause.
    speculated: bool,
}

impl WhisperStream {
    fn enqueue(&self, job: Job) {
        let mut queue = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
        let speculative_queued = queue.iter().any(|j| matches!(j, Job::Partial { speculative: true, .. }));
        match job {
            // Behind a final the worker is busy with finished speech; a partial would be stale.
            Job::Partial { .. } if queue.iter().any(|j| matches!(j, Job::Final { .. })) => return,
            // A queued speculative decode is worth more than a routine partial.
            Job::Partial { speculative: false, .. } if speculative_queued => return,
            Job::Partial { speculative, .. } => {
                queue.retain(|j| !matches!(j, Job::Partial { .. }));
                if speculative {
                    self.shared.abort_partial.store(true, Ordering::Relaxed);
                }
            }
            Job::Final { .. } => {
                queue.retain(|j| !matches!(j, Job::Partial { .. }));
                self.shared.abort_partial.store(true, Ordering::Relaxed);
            }
            Job::Promote { utterance, .. } => {
                // Still queued: run it as the final.
                for j in queue.iter_mut() {
                    if let Job::Partial { utterance: u, speculative: true, samples } = j {
                        if *u == utterance {
                            *j = Job::Final { utterance, samples: samples.clone() };
                            self.shared.wake.notify_one();
                            return;
                        }
                    }
                }
                // Running (or done): the worker delivers it as the final.
                *self.shared.promoted.lock().unwrap_or_else(|p| p.into_inner()) = Some(utterance);
            }
        }
        queue.push_back(job);
        self.shared.wake.notify_one();
    }
}

impl SttStream for WhisperStream {
    fn push(&mut self, utterance: u64, samples: &[f32]) {
        if self.utterance != Some(utterance) {
            if let Some(previous) = self.utterance {
                self.finish(previous);
            }
            self.utterance = Some(utterance);
        }
        self.audio.extend_from_slice(samples);
        if self.audio.len() - self.partial_at >= PARTIAL_EVERY_SAMPLES {
            self.partial_at = self.audio.len();
            self.enqueue(Job::Partial { utterance, samples: self.audio.as_slice().into(), speculative: false });
        }
    }

    fn pause(&mut self, utterance: u64) {
        if self.utterance != Some(utterance) {
            return;
        }
        self.speculated = true;
        self.partial_at = self.audio.len();
        self.enqueue(Job::Partial { utterance, samples: self.audio.as_slice().into(), speculative: true });
    }

    fn finish(&mut self, utterance: u64) {
        if self.utterance != Some(utterance) {
            return;
        }
        let samples: Arc<[f32]> = std::mem::take(&mut self.audio).into();
        self.utterance = None;
        self.partial_at = 0;
        // The latest pause started the silence that ended the utterance, so the speculative
        // decode already holds every word.
        if std::mem::take(&mut self.speculated) {
            self.enqueue(Job::Promote { utterance, samples });
        } else {
            self.enqueue(Job::Final { utterance, samples });
        }
    }
}

impl Drop for WhisperStream {
    fn drop(&mut self) {
        if let Some(utterance) = self.utterance {
            self.finish(utterance);
        }
        self.shared.closed.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
    }
}

struct Worker {
    engine: Arc<WhisperEngine>,
    shared: Arc<Shared>,
    speaker: String,
    speech: SpeechContext,
    events: UnboundedSender<SttEvent>,
}

impl Worker {
    fn next_job(&self) -> Option<Job> {
        let mut queue = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(job) = queue.pop_front() {
                if matches!(job, Job::Partial { .. }) {
                    self.shared.abort_partial.store(false, Ordering::Relaxed);
                }
                return Some(job);
            }
            if self.shared.closed.load(Ordering::Relaxed) {
                return None;
            }
            queue = self.shared.wake.wait(queue).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn promoted(&self, utterance: u64) -> bool {
        let mut promoted = self.shared.promoted.lock().unwrap_or_else(|p| p.into_inner());
        if *promoted == Some(utterance) {
            *promoted = None;
            return true;
        }
        false
    }

    fn run(self) {
        let never = AtomicBool::new(false);
        // Last speculative decode: (utterance, transcript), delivered if promoted afterwards.
        let mut speculation: Option<(u64, Transcript)> = None;
        // Last utterance whose final went out (a promotion may arrive after it did).
        let mut delivered: Option<u64> = None;
        while let Some(job) = self.next_job() {
            let event = match job {
                Job::Partial { utterance, samples, speculative } => {
                    match self.engine.transcribe_abortable(&samples, &self.speech, &self.shared.abort_partial) {
                        Ok(transcript) if speculative && self.promoted(utterance) => {
                            delivered = Some(utterance);
                            SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                        }
                        Ok(transcript) => {
                            let text = transcript.text.clone();
                            if speculative {
                                speculation = Some((utterance, transcript));
                            }
                            if text.is_empty() {
                                continue;
                            }
                            SttEvent::Partial { speaker: self.speaker.clone(), utterance, text }
                        }
                        Err(SttError::Aborted) => continue,
                        Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                    }
                }
                Job::Promote { utterance, samples } => {
                    self.promoted(utterance);
                    if delivered == Some(utterance) {
                        continue; // the running speculative decode already went out as the final
                    }
                    delivered = Some(utterance);
                    match speculation.take() {
                        Some((u, transcript)) if u == utterance => {
                            SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                        }
                        // Superseded or aborted: decode the whole utterance now.
                        _ => match self.engine.transcribe_abortable(&samples, &self.speech, &never) {
                            Ok(transcript) => SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript },
                            Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                        },
                    }
                }
                Job::Final { utterance, samples } => match self.engine.transcribe_abortable(&samples, &self.speech, &never) {
                    Ok(transcript) => {
                        delivered = Some(utterance);
                        SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                    }
                    Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                },
            };
            if self.events.send(event).is_err() {
                return; // the session is gone
            }
        }
    }
}
