//! One meeting's live session: an actor task that owns the meeting's audio state and turns
//! frames into events. Messages in ([`Command`]), STT results in ([`SttEvent`]), events out
//! (the [`EventBus`] and the [`Persister`]).
//!
//! Per speaker: sequence check (duplicates dropped, short gaps filled with silence) → VAD →
//! STT stream. Per STT result: PII redaction → transcript event → analysis → events.

use super::bus::EventBus;
use super::engines::Engines;
use super::persist::{Persister, Snapshot};
use super::refine::{RefineError, TipRequest};
use super::vad::{FRAME, Vad, VadOutput};
use crate::analysis::{Analyzer, Finding, SpeakerRole, Utterance};
use crate::pii;
use crate::stt::{SpeechContext, SttEvent, SttStream, Transcript};
use closer_wire::{AudioFrame, HudEnvelope, HudEvent, ProviderState, WordTiming};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// Frames queued per session before senders wait (backpressure): 10 s of one speaker.
pub const COMMAND_QUEUE: usize = 500;
/// A sequence gap up to this many frames (5 s) is filled with silence so the audio axis stays
/// continuous; a longer one means the sender restarted its clock and is accepted as is.
const MAX_FILLED_GAP: u32 = 250;
/// Milliseconds per frame.
const FRAME_MS: u64 = 20;
/// Final lines of the call kept as context for tip refinement.
const CONTEXT_LINES: usize = 6;
/// From this far behind (ms) the HUD is told the copilot is late ([`HudEvent::CopilotStatus`]).
/// Ticks and cards are due within 2 s of speech (issue #5's budget, `tests/e2e`), so a final
/// transcript still missing 2 s after its utterance ended can no longer be on time.
pub const BEHIND_REPORT_MS: u64 = 2000;
/// While late, a new report for every further second behind (the HUD counts the seconds).
const BEHIND_STEP_MS: u64 = 1000;

/// A tip refinement that came back from the LLM task.
struct Refined {
    /// The rule-based tip it rewrites (shown only while that tip is still current).
    original: String,
    item: Option<String>,
    objection: Option<String>,
    result: Result<String, RefineError>,
}

/// A participant as the session knows it.
#[derive(Clone, Debug)]
pub struct Participant {
    /// LiveKit identity (frames carry it).
    pub identity: String,
    /// Display name for the HUD.
    pub name: String,
    /// Seller or prospect.
    pub role: SpeakerRole,
    /// AI-consent choice: `false` = never tapped, never transcribed.
    pub consent: bool,
}

/// Everything a session needs to start.
#[derive(Clone)]
pub struct SessionSetup {
    /// Meeting id (also the key of its stored documents).
    pub meeting_id: String,
    /// Call language for STT (ISO 639-1).
    pub language: String,
    /// The meeting's playbook.
    pub playbook: closer_wire::Playbook,
    /// How `at_ms` is measured.
    pub clock: Clock,
}

/// How events are placed on the meeting's time axis.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// Wall time since the first frame arrived: audio arrives in real time (live calls, and
    /// `analyze --realtime`), so `at_ms` includes every processing delay.
    Wall,
    /// The audio position an event is about (recordings analysed faster than real time).
    Audio,
}

/// Messages to a session.
pub enum Command {
    /// One 20 ms frame of a participant's audio.
    Frame(AudioFrame),
    /// A manager's message for the seller's HUD.
    PriorityMessage { from: String, text: String },
    /// Close every open utterance, wait for their final transcripts and analysis, then reply.
    Flush(oneshot::Sender<()>),
}

/// Shared by a session, its supervisor and the ingest sockets.
pub struct SessionShared {
    /// Meeting id.
    pub meeting_id: String,
    /// Participants by identity (ingest checks consent here before queueing a frame; a guest
    /// joining mid-call is added here).
    pub participants: RwLock<HashMap<String, Participant>>,
    /// The meeting's events.
    pub bus: EventBus,
    /// Saved state for a restart.
    pub snapshot: Mutex<Snapshot>,
    /// Started at the first frame, for [`Clock::Wall`].
    pub started: Mutex<Option<Instant>>,
    /// Keeps consenting participants' audio for the post-call replay (none for analyses of
    /// uploaded files, which are recordings already).
    pub recorder: Option<crate::recording::Recorder>,
    /// Sends every event to the meeting's HUDs on any server process (none for analyses of
    /// uploaded files and in-process replays, which no HUD watches).
    pub fanout: Option<super::fanout::Fanout>,
}

impl SessionShared {
    /// The participant behind `identity`, if known.
    pub fn participant(&self, identity: &str) -> Option<Participant> {
        self.participants.read().unwrap_or_else(|p| p.into_inner()).get(identity).cloned()
    }
}

struct Speaker {
    vad: Vad,
    next_seq: Option<u32>,
    utterances: u64,
    /// Open utterance: id and start on the audio axis.
    open: Option<(u64, u64)>,
    /// Utterances whose final transcript is awaited: id → (start, end) ms.
    pending: HashMap<u64, (u64, u64)>,
    stream: Box<dyn SttStream>,
    provider: &'static str,
}

/// The actor. Build with [`Session::start`], then run [`Session::run`] in a task.
pub struct Session {
    setup: SessionSetup,
    /// Language and playbook vocabulary every speaker's STT stream is opened with.
    speech: SpeechContext,
    shared: Arc<SessionShared>,
    engines: Engines,
    persist: Option<Persister>,
    analyzer: Analyzer,
    speakers: HashMap<String, Speaker>,
    stt_tx: mpsc::UnboundedSender<SttEvent>,
    stt_rx: mpsc::UnboundedReceiver<SttEvent>,
    flushes: Vec<oneshot::Sender<()>>,
    origin_ms: Option<u64>,
    seq: u64,
    /// Audio position of the latest frame, ms.
    audio_ms: u64,
    refined_tx: mpsc::UnboundedSender<Refined>,
    refined_rx: mpsc::UnboundedReceiver<Refined>,
    /// Refinements asked for and not yet back.
    refining: usize,
    /// The last final lines (`Name: text`, redacted), context for refinement.
    recent_lines: VecDeque<String>,
    /// What the last stored snapshot held: (utterances opened, items ticked, objections raised,
    /// origin known); a frame's snapshot is stored only when one of them changed.
    stored: (u64, usize, usize, bool),
    /// How far behind the last [`HudEvent::CopilotStatus`] said the copilot was, while it is
    /// late; `None` while it is on time.
    reported_behind: Option<u64>,
}

impl Session {
    /// Prepares a session continuing from `shared`'s snapshot (empty for a new meeting).
    ///
    /// Errors: the analyzer cannot embed the playbook.
    pub fn start(
        setup: SessionSetup,
        shared: Arc<SessionShared>,
        engines: Engines,
        persist: Option<Persister>,
    ) -> anyhow::Result<Self> {
        let snapshot = shared.snapshot.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let analyzer = Analyzer::restore(engines.analysis.clone(), setup.playbook.clone(), snapshot.analysis)?;
        let (stt_tx, stt_rx) = mpsc::unbounded_channel();
        let (refined_tx, refined_rx) = mpsc::unbounded_channel();
        let mut session = Self {
            seq: shared.bus.next_seq(),
            speech: SpeechContext::for_playbook(&setup.language, &setup.playbook),
            setup,
            shared,
            engines,
            persist,
            analyzer,
            speakers: HashMap::new(),
            stt_tx,
            stt_rx,
            flushes: Vec::new(),
            origin_ms: snapshot.origin_ms,
            audio_ms: 0,
            refined_tx,
            refined_rx,
            refining: 0,
            recent_lines: VecDeque::new(),
            stored: Default::default(),
            reported_behind: None,
        };
        for (identity, (next_seq, utterances)) in snapshot.speakers {
            let speaker = session.open_speaker(&identity)?;
            session.speakers.insert(identity, Speaker { next_seq: Some(next_seq), utterances, ..speaker });
        }
        Ok(session)
    }

    fn open_speaker(&self, identity: &str) -> anyhow::Result<Speaker> {
        let (stream, provider) = match self.engines.stt.open(identity, &self.speech, self.stt_tx.clone()) {
            Ok(stream) => (stream, self.engines.stt.name()),
            Err(e) => {
                tracing::warn!(identity, error = %e, "STT provider unavailable; using the embedded one");
                let stream = self.engines.fallback_stt.open(identity, &self.speech, self.stt_tx.clone())?;
                (stream, self.engines.fallback_stt.name())
            }
        };
        Ok(Speaker { vad: Vad::default(), next_seq: None, utterances: 0, open: None, pending: HashMap::new(), stream, provider })
    }

    /// Processes commands until every sender is gone and STT has delivered what was pending.
    pub async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => break,
                },
                Some(event) = self.stt_rx.recv() => self.stt(event),
                Some(refined) = self.refined_rx.recv() => self.refined(refined),
            }
        }
        // Senders gone: close utterances and deliver what STT still owes, and the refined tips
        // still on their way (each bounded by REFINE_TIMEOUT).
        self.close_utterances();
        self.speakers.values_mut().for_each(|s| s.open = None);
        while self.speakers.values().any(|s| !s.pending.is_empty()) || self.refining > 0 {
            tokio::select! {
                Some(event) = self.stt_rx.recv() => self.stt(event),
                Some(refined) = self.refined_rx.recv() => self.refined(refined),
                else => break,
            }
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Frame(frame) => self.frame(frame),
            Command::PriorityMessage { from, text } => {
                let text = pii::redact(&text).text;
                self.emit(HudEvent::PriorityMessage { from, text }, self.audio_ms);
            }
            Command::Flush(reply) => {
                self.close_utterances();
                self.flushes.push(reply);
                self.maybe_flushed();
            }
        }
    }

    fn frame(&mut self, frame: AudioFrame) {
        let Some(participant) = self.shared.participant(&frame.identity) else { return };
        if !participant.consent {
            return; // declined AI assistance: never processed (ingest refuses these too)
        }
        let origin = *self.origin_ms.get_or_insert(frame.capture_ms);
        self.shared.started.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert_with(Instant::now);
        if !self.speakers.contains_key(&frame.identity) {
            match self.open_speaker(&frame.identity) {
                Ok(speaker) => {
                    self.speakers.insert(frame.identity.clone(), speaker);
                }
                Err(e) => {
                    tracing::error!(identity = frame.identity, error = %e, "cannot open STT stream");
                    return;
                }
            }
        }
        let speaker = self.speakers.get_mut(&frame.identity).expect("inserted above");
        let expected = *speaker.next_seq.get_or_insert(frame.seq);
        if frame.seq < expected {
            return; // already processed (a reconnecting client resent it)
        }
        let gap = frame.seq - expected;
        speaker.next_seq = Some(frame.seq.wrapping_add(1));
        let end_ms = frame.capture_ms.saturating_sub(origin) + FRAME_MS;
        let mut frames: Vec<Vec<i16>> = Vec::new();
        if gap > 0 && gap <= MAX_FILLED_GAP {
            frames.extend((0..gap).map(|_| vec![0; FRAME]));
        }
        frames.push(frame.samples);
        let count = frames.len() as u64;
        for (i, samples) in frames.into_iter().enumerate() {
            let frame_end = end_ms - (count - 1 - i as u64) * FRAME_MS;
            self.audio_ms = self.audio_ms.max(frame_end);
            if let Some(recorder) = &self.shared.recorder {
                recorder.write(&self.setup.meeting_id, &frame.identity, frame_end - FRAME_MS, &samples);
            }
            self.vad_step(&frame.identity, &samples, frame_end);
        }
        self.save_snapshot(false);
        self.report_delay();
    }

    /// How long the oldest utterance still waiting for its final transcript has been over, ms
    /// on the session's clock; 0 when none waits, and always 0 for recordings analysed faster
    /// than real time ([`Clock::Audio`]), whose audio runs ahead of any clock.
    fn behind_ms(&self) -> u64 {
        if let Clock::Audio = self.setup.clock {
            return 0;
        }
        let now = self.clock_ms(self.audio_ms);
        self.speakers.values().flat_map(|s| s.pending.values()).map(|&(_, end)| now.saturating_sub(end)).max().unwrap_or(0)
    }

    /// Tells the HUD when the copilot falls [`BEHIND_REPORT_MS`] behind, for every further
    /// [`BEHIND_STEP_MS`], and when it is back on time.
    fn report_delay(&mut self) {
        let behind = self.behind_ms();
        let report = match self.reported_behind {
            None => behind >= BEHIND_REPORT_MS,
            Some(last) => behind < BEHIND_REPORT_MS || behind >= last + BEHIND_STEP_MS,
        };
        if report {
            self.reported_behind = (behind >= BEHIND_REPORT_MS).then_some(behind);
            self.emit(HudEvent::CopilotStatus { behind_ms: behind }, self.audio_ms);
        }
    }

    fn vad_step(&mut self, identity: &str, samples: &[i16], frame_end: u64) {
        let speaker = self.speakers.get_mut(identity).expect("caller ensured");
        match speaker.vad.push(samples) {
            VadOutput::Silence => {}
            VadOutput::Speech(audio) => {
                let (utterance, _) = *speaker.open.get_or_insert_with(|| {
                    speaker.utterances += 1;
                    (speaker.utterances, frame_end.saturating_sub(audio.len() as u64 / 16))
                });
                let audio: Vec<f32> = audio.iter().map(|&s| f32::from(s) / 32768.0).collect();
                speaker.stream.push(utterance, &audio);
                if speaker.vad.pause_started() {
                    speaker.stream.pause(utterance);
                } else if speaker.vad.speech_resumed() {
                    speaker.stream.resume(utterance);
                }
            }
            VadOutput::End => {
                if let Some((utterance, start)) = speaker.open.take() {
                    speaker.stream.finish(utterance);
                    // The utterance ended where the hangover silence began.
                    let end = frame_end.saturating_sub(super::vad::HANGOVER_MS).max(start);
                    speaker.pending.insert(utterance, (start, end));
                    // With the log line's own time, how long after its speech the utterance closed.
                    tracing::debug!(speaker = identity, utterance, speech_end = self.origin_ms.unwrap_or(0) + end, "utterance closed");
                }
            }
        }
    }

    fn close_utterances(&mut self) {
        let now = self.audio_ms;
        for speaker in self.speakers.values_mut() {
            if let Some((utterance, start)) = speaker.open.take() {
                speaker.stream.finish(utterance);
                speaker.pending.insert(utterance, (start, now.max(start)));
                speaker.vad = Vad::default();
            }
        }
    }

    fn maybe_flushed(&mut self) {
        if self.speakers.values().all(|s| s.pending.is_empty() && s.open.is_none()) {
            for reply in self.flushes.drain(..) {
                let _ = reply.send(());
            }
        }
    }

    fn speaker_name(&self, identity: &str) -> (String, SpeakerRole) {
        self.shared
            .participant(identity)
            .map(|p| (p.name, p.role))
            .unwrap_or_else(|| (identity.to_owned(), SpeakerRole::Guest))
    }

    fn stt(&mut self, event: SttEvent) {
        match event {
            SttEvent::Partial { speaker, utterance, text } => self.partial(&speaker, utterance, &text),
            SttEvent::Final { speaker, utterance, transcript } => {
                let span = self.speakers.get_mut(&speaker).and_then(|s| s.pending.remove(&utterance));
                if let Some((start, end)) = span {
                    self.final_transcript(&speaker, utterance, start, end, transcript);
                }
                self.save_snapshot(true);
                self.report_delay();
                self.maybe_flushed();
            }
            SttEvent::Failed { speaker, error } => self.fail_over(&speaker, &error),
        }
    }

    fn partial(&mut self, identity: &str, utterance: u64, text: &str) {
        let Some(start) = self.speakers.get(identity).and_then(|s| s.open.filter(|o| o.0 == utterance)).map(|o| o.1)
        else {
            return; // the utterance already ended; its final is on the way
        };
        let text = pii::redact(text).text;
        let (name, role) = self.speaker_name(identity);
        let segment_id = format!("{identity}-{utterance}");
        let now = self.audio_ms;
        self.emit(
            HudEvent::TranscriptPartial {
                segment_id: segment_id.clone(),
                speaker: identity.to_owned(),
                speaker_name: name,
                text: text.clone(),
                start_ms: start,
            },
            now,
        );
        let u = Utterance { segment_id: &segment_id, speaker: identity, role, text: &text, start_ms: start, end_ms: now, is_final: false };
        self.analyze(&u, now);
    }

    fn final_transcript(&mut self, identity: &str, utterance: u64, start: u64, end: u64, transcript: Transcript) {
        if transcript.text.is_empty() {
            return;
        }
        let text = pii::redact(&transcript.text).text;
        let timed: Vec<(String, u64, u64)> = transcript
            .words
            .iter()
            .map(|w| (w.text.clone(), start + u64::from(w.start_ms), start + u64::from(w.end_ms)))
            .collect();
        let words = pii::redact_words(&timed)
            .into_iter()
            .map(|(text, start_ms, end_ms)| WordTiming { text, start_ms, end_ms })
            .collect();
        let (name, role) = self.speaker_name(identity);
        let segment_id = format!("{identity}-{utterance}");
        if self.recent_lines.len() == CONTEXT_LINES {
            self.recent_lines.pop_front();
        }
        self.recent_lines.push_back(format!("{name}: {text}"));
        self.emit(
            HudEvent::TranscriptFinal {
                segment_id: segment_id.clone(),
                speaker: identity.to_owned(),
                speaker_name: name,
                text: text.clone(),
                start_ms: start,
                end_ms: end,
                words,
            },
            end,
        );
        let u = Utterance { segment_id: &segment_id, speaker: identity, role, text: &text, start_ms: start, end_ms: end, is_final: true };
        self.analyze(&u, end);
    }

    fn analyze(&mut self, utterance: &Utterance<'_>, audio_ms: u64) {
        let findings = match self.analyzer.analyze(utterance) {
            Ok(findings) => findings,
            Err(e) => {
                tracing::error!(meeting = self.setup.meeting_id, error = %e, "analysis failed; transcript kept");
                return;
            }
        };
        for finding in findings {
            let event = match finding {
                Finding::Ticked { item, title, evidence } => HudEvent::ChecklistTicked { item, title, evidence },
                Finding::Objection { key, title, battle_card, evidence } => {
                    HudEvent::ObjectionDetected { objection: key, title, battle_card, evidence }
                }
                Finding::Sentiment { speaker, label, confidence, segment_id, start_ms, end_ms } => {
                    let speaker_name = self.speaker_name(&speaker).0;
                    HudEvent::SentimentUpdated { speaker, speaker_name, label, confidence, segment_id, start_ms, end_ms }
                }
                Finding::Suggestion { text, item, objection } => {
                    self.refine(&text, &item, &objection);
                    HudEvent::Suggestion { text, item, objection, refined_by: None }
                }
            };
            self.emit(event, audio_ms);
        }
    }

    /// Asks the LLM (when configured) to rewrite a tip, in a task of its own: the rule-based
    /// tip is already on its way to the HUD and nothing here waits.
    fn refine(&mut self, tip: &str, item: &Option<String>, objection: &Option<String>) {
        let Some(refiner) = self.engines.refiner.clone() else { return };
        let playbook = &self.setup.playbook;
        let notes: Vec<String> = match (item, objection) {
            (_, Some(key)) => playbook
                .objections
                .iter()
                .filter(|o| &o.key == key)
                .flat_map(|o| std::iter::once(o.battle_card.title.clone()).chain(o.battle_card.points.iter().cloned()))
                .collect(),
            (Some(key), None) => playbook
                .checklist
                .iter()
                .filter(|i| &i.key == key)
                .flat_map(|i| std::iter::once(i.title.clone()).chain(i.examples.iter().cloned()))
                .collect(),
            (None, None) => Vec::new(),
        };
        let request = TipRequest {
            language: self.setup.language.clone(),
            transcript: self.recent_lines.iter().cloned().collect(),
            tip: tip.to_owned(),
            notes,
        };
        let (original, item, objection, tx) = (tip.to_owned(), item.clone(), objection.clone(), self.refined_tx.clone());
        self.refining += 1;
        tokio::spawn(async move {
            let result = refiner.refine(&request).await;
            let _ = tx.send(Refined { original, item, objection, result });
        });
    }

    /// Shows a refined tip if the tip it rewrites is still the current one.
    fn refined(&mut self, refined: Refined) {
        self.refining = self.refining.saturating_sub(1);
        let text = match refined.result {
            Ok(text) => pii::redact(&text).text,
            Err(e) => {
                tracing::warn!(meeting = self.setup.meeting_id, error = %e, "tip not refined; the rule-based tip stays");
                return;
            }
        };
        if self.analyzer.state().last_suggestion.as_deref() != Some(refined.original.as_str()) {
            return; // the call has moved on to another tip
        }
        let refined_by = self.engines.refiner.as_ref().map(|r| r.source());
        let event = HudEvent::Suggestion { text, item: refined.item, objection: refined.objection, refined_by };
        self.emit(event, self.audio_ms);
    }

    fn fail_over(&mut self, identity: &str, error: &str) {
        tracing::warn!(meeting = self.setup.meeting_id, identity, error, "STT stream failed; switching to embedded");
        let fallback = self.engines.fallback_stt.clone();
        let stream = match fallback.open(identity, &self.speech, self.stt_tx.clone()) {
            Ok(stream) => stream,
            Err(e) => {
                tracing::error!(identity, error = %e, "embedded STT cannot start either");
                return;
            }
        };
        let Some(speaker) = self.speakers.get_mut(identity) else { return };
        // Utterances the failed stream owed are lost with it; the open one restarts cleanly.
        speaker.pending.clear();
        speaker.open = None;
        speaker.vad = Vad::default();
        speaker.stream = stream;
        speaker.provider = fallback.name();
        let now = self.audio_ms;
        self.emit(
            HudEvent::ProviderStatus {
                speaker: identity.to_owned(),
                provider: fallback.name().to_owned(),
                state: ProviderState::Fallback,
                message: format!("speech recognition switched to {} after an error: {error}", fallback.name()),
            },
            now,
        );
        self.maybe_flushed();
    }

    /// Now on the meeting's time axis: `audio_ms` for [`Clock::Audio`], the wall time since the
    /// first frame for [`Clock::Wall`].
    fn clock_ms(&self, audio_ms: u64) -> u64 {
        match self.setup.clock {
            Clock::Audio => audio_ms,
            Clock::Wall => {
                self.shared.started.lock().unwrap_or_else(|p| p.into_inner()).map_or(0, |started| started.elapsed().as_millis() as u64)
            }
        }
    }

    fn emit(&mut self, event: HudEvent, audio_ms: u64) {
        let at_ms = self.clock_ms(audio_ms);
        let envelope = HudEnvelope { seq: self.seq, at_ms, event };
        self.seq += 1;
        if let Some(persist) = &self.persist {
            persist.event(&self.setup.meeting_id, &envelope);
        }
        if let Some(fanout) = &self.shared.fanout {
            fanout.publish(&self.setup.meeting_id, &envelope);
        }
        self.shared.bus.publish(envelope);
    }

    /// Saves the snapshot for the supervisor, and stores it after a final transcript (`settled`)
    /// or when it opened an utterance, ticked, raised or set the origin since the last stored
    /// one: a session resumed elsewhere then never reuses a segment id nor repeats a tick or
    /// card (its frame numbers may be a little behind, which costs nothing).
    fn save_snapshot(&mut self, settled: bool) {
        let mut snapshot = self.shared.snapshot.lock().unwrap_or_else(|p| p.into_inner());
        snapshot.analysis = self.analyzer.state().clone();
        snapshot.origin_ms = self.origin_ms;
        snapshot.speakers = self
            .speakers
            .iter()
            .map(|(id, s)| (id.clone(), (s.next_seq.unwrap_or(0), s.utterances)))
            .collect();
        let now = (
            self.speakers.values().map(|s| s.utterances).sum(),
            snapshot.analysis.ticked.len(),
            snapshot.analysis.raised.len(),
            snapshot.origin_ms.is_some(),
        );
        if let Some(persist) = self.persist.as_ref().filter(|_| settled || now != self.stored) {
            persist.snapshot(&self.setup.meeting_id, &snapshot);
            self.stored = now;
        }
    }
}
