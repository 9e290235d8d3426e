//! Maps Deepgram's single time axis onto the session's utterances.
//!
//! Deepgram times everything in seconds of audio received since the connection opened. The
//! session sends only VAD-gated speech, utterance after utterance with nothing in between, so
//! that axis is exactly the concatenation of the utterances' samples: utterance `u` occupies
//! `[start_u, end_u)` samples, where `start_u` is the number of samples sent before its first
//! audio. A word at `t` seconds belongs to the last utterance with `start_u ≤ t·16000` and its
//! time relative to the utterance — what [`Transcript`] carries — is `t·1000 − start_u/16` ms.
//! The session adds that to the utterance's start on the meeting's axis.
//!
//! When to report an utterance final: the session drops a final that arrives before it
//! finished the utterance, so a `speech_final` endpoint inside an utterance (a 300 ms pause
//! mid-sentence) only closes a piece. The utterance is final once the session finished it
//! *and* Deepgram finalized all its audio: a `from_finalize` answer to the `Finalize` sent at
//! its end, or `is_final` results (including `speech_final` endpoints) reaching its end. If
//! Deepgram confirms neither within the finalize timeout, the words finalized so far are
//! reported, so a silent provider never stalls the session. Finals go out in utterance order.

use super::wire::Results;
use crate::stt::whisper::SAMPLE_RATE;
use crate::stt::{SttEvent, Transcript, Word};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Slack when comparing Deepgram's span ends (decimal seconds) with sample counts: one 20 ms
/// frame.
const END_TOLERANCE: u64 = 320;

/// Samples per millisecond.
const PER_MS: u64 = (SAMPLE_RATE / 1000) as u64;

struct Utterance {
    id: u64,
    /// First sample on Deepgram's axis.
    start: u64,
    /// One past the last sample, once the session finished it.
    end: Option<u64>,
    finished_at: Option<Instant>,
    /// Finalized words, times relative to `start`.
    words: Vec<Word>,
    /// Latest interim text of the piece not yet finalized.
    interim: String,
}

impl Utterance {
    fn text(&self) -> String {
        let mut text = self.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        if !self.interim.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&self.interim);
        }
        text
    }
}

/// One speaker stream's utterances awaiting their final transcript.
pub(super) struct Utterances {
    speaker: String,
    finalize_timeout: Duration,
    /// Samples sent since the connection opened.
    sent: u64,
    /// Not yet reported final, oldest first; the last one may still be open.
    pending: VecDeque<Utterance>,
    /// Deepgram has finalized every sample before this one.
    final_until: u64,
}

/// Seconds on Deepgram's axis → samples.
fn samples(seconds: f64) -> u64 {
    (seconds.max(0.0) * SAMPLE_RATE as f64).round() as u64
}

impl Utterances {
    /// Accounting for `speaker`'s stream; an unconfirmed final is reported `finalize_timeout`
    /// after the session finished the utterance.
    pub fn new(speaker: &str, finalize_timeout: Duration) -> Self {
        Self { speaker: speaker.to_owned(), finalize_timeout, sent: 0, pending: VecDeque::new(), final_until: 0 }
    }

    /// Records `count` samples of utterance `id` about to be sent. Returns `true` when they
    /// start a new utterance while the previous one was still open: the caller must send
    /// `Finalize` (closing that one) before this audio.
    pub fn audio(&mut self, id: u64, count: usize, now: Instant) -> bool {
        let mut closed_previous = false;
        if self.pending.back().is_none_or(|u| u.id != id || u.end.is_some()) {
            closed_previous = self.finish_open(now);
            self.pending.push_back(Utterance {
                id,
                start: self.sent,
                end: None,
                finished_at: None,
                words: Vec::new(),
                interim: String::new(),
            });
        }
        self.sent += count as u64;
        closed_previous
    }

    /// The session finished utterance `id`. Returns `true` when the caller must send
    /// `Finalize`; `false` when `id` is not the open utterance (already finished, or never
    /// had audio — as with the embedded provider, there is nothing to report then).
    pub fn finish(&mut self, id: u64, now: Instant) -> bool {
        match self.pending.back() {
            Some(u) if u.id == id => self.finish_open(now),
            _ => false,
        }
    }

    /// Finishes the open utterance, if any (the stream is closing). Returns `true` when there
    /// was one: the caller must send `Finalize` (or `CloseStream`).
    pub fn finish_open(&mut self, now: Instant) -> bool {
        match self.pending.back_mut() {
            Some(u) if u.end.is_none() => {
                u.end = Some(self.sent);
                u.finished_at = Some(now);
                true
            }
            _ => false,
        }
    }

    /// Applies a `Results` message; returns the partials and finals it makes ready.
    pub fn results(&mut self, results: &Results, now: Instant) -> Vec<SttEvent> {
        let Some(best) = results.best() else { return Vec::new() };
        let span_start = samples(results.start);
        let speaker = self.speaker.clone();
        let mut events = Vec::new();
        if results.is_final {
            for word in &best.words {
                let at = samples(word.start);
                let Some(u) = self.containing(at) else { continue }; // already reported (timeout)
                let start_ms = (at.saturating_sub(u.start) / PER_MS) as u32;
                let end_ms = (samples(word.end).saturating_sub(u.start) / PER_MS) as u32;
                u.words.push(Word {
                    text: word.text().to_owned(),
                    start_ms,
                    end_ms: end_ms.max(start_ms),
                    probability: word.confidence as f32,
                });
            }
            let span_end = samples(results.start + results.duration);
            self.final_until = self.final_until.max(span_end);
            if results.from_finalize {
                // The last result of a flush: the finished utterance it ends in is complete,
                // even if Deepgram trimmed the span short of its last sample.
                let flushed = self
                    .pending
                    .iter()
                    .filter_map(|u| u.end.map(|end| (u.start, end)))
                    .find(|&(start, end)| start < span_end && span_end <= end + END_TOLERANCE);
                if let Some((_, end)) = flushed {
                    self.final_until = self.final_until.max(end);
                }
            }
            if let Some(u) = self.containing(span_start) {
                u.interim.clear();
                if u.end.is_none() && !u.words.is_empty() {
                    events.push(SttEvent::Partial { speaker: speaker.clone(), utterance: u.id, text: u.text() });
                }
            }
        } else if let Some(u) = self.containing(span_start).filter(|u| u.end.is_none()) {
            // Partials only while the utterance is open: afterwards the session awaits the final.
            u.interim = best.transcript.trim().to_owned();
            let text = u.text();
            if !text.is_empty() {
                events.push(SttEvent::Partial { speaker, utterance: u.id, text });
            }
        }
        events.extend(self.ready(now));
        events
    }

    /// Finals that are due: confirmed by Deepgram, or past the finalize timeout.
    pub fn ready(&mut self, now: Instant) -> Vec<SttEvent> {
        let mut events = Vec::new();
        while let Some(u) = self.pending.front() {
            let (Some(end), Some(finished_at)) = (u.end, u.finished_at) else { break };
            let confirmed = end <= self.final_until + END_TOLERANCE;
            if !confirmed && now.duration_since(finished_at) < self.finalize_timeout {
                break;
            }
            let u = self.pending.pop_front().expect("front exists");
            events.push(self.final_event(u));
        }
        events
    }

    /// Everything still pending, as finals (the connection is closing).
    pub fn flush(&mut self) -> Vec<SttEvent> {
        let pending = std::mem::take(&mut self.pending);
        pending.into_iter().map(|u| self.final_event(u)).collect()
    }

    fn final_event(&self, mut u: Utterance) -> SttEvent {
        u.interim.clear();
        SttEvent::Final {
            speaker: self.speaker.clone(),
            utterance: u.id,
            transcript: Transcript { text: u.text(), words: u.words },
        }
    }

    fn containing(&mut self, sample: u64) -> Option<&mut Utterance> {
        self.pending.iter_mut().rev().find(|u| u.start <= sample)
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire::{Alternative, Channel, DeepgramWord};
    use super::*;

    fn results(start: f64, duration: f64, is_final: bool, from_finalize: bool, words: &[(&str, f64, f64)]) -> Results {
        Results {
            is_final,
            speech_final: false,
            from_finalize,
            start,
            duration,
            channel: Channel {
                alternatives: vec![Alternative {
                    transcript: words.iter().map(|w| w.0).collect::<Vec<_>>().join(" "),
                    words: words
                        .iter()
                        .map(|&(w, s, e)| DeepgramWord { word: w.to_lowercase(), punctuated_word: Some(w.into()), start: s, end: e, confidence: 0.9 })
                        .collect(),
                }],
            },
        }
    }

    fn finals(events: &[SttEvent]) -> Vec<(u64, Transcript)> {
        events
            .iter()
            .filter_map(|e| match e {
                SttEvent::Final { utterance, transcript, .. } => Some((*utterance, transcript.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn pieces_accumulate_and_times_are_relative_to_each_utterance() {
        let now = Instant::now();
        let mut u = Utterances::new("host", Duration::from_secs(3));
        assert!(!u.audio(1, 32_000, now)); // utterance 1: 0–2 s on Deepgram's axis
        let events = u.results(&results(0.0, 1.0, false, false, &[("Hello", 0.2, 0.5)]), now);
        assert!(matches!(&events[..], [SttEvent::Partial { text, .. }] if text == "Hello"));
        // An endpoint inside the utterance closes a piece but not the utterance.
        let events = u.results(&results(0.0, 1.2, true, false, &[("Hello", 0.2, 0.5), ("there.", 0.6, 1.0)]), now);
        assert!(finals(&events).is_empty());
        assert!(u.finish(1, now));
        assert!(!u.audio(2, 16_000, now)); // utterance 2: 2–3 s
        let events = u.results(&results(1.2, 0.8, true, true, &[("How", 1.3, 1.5), ("are", 1.5, 1.7)]), now);
        let done = finals(&events);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].1.text, "Hello there. How are");
        assert_eq!(done[0].1.words.iter().map(|w| (w.start_ms, w.end_ms)).collect::<Vec<_>>(), [(200, 500), (600, 1000), (1300, 1500), (1500, 1700)]);
        // Utterance 2's word at 2.25 s on Deepgram's axis is 250 ms into the utterance.
        assert!(u.finish(2, now));
        let done = finals(&u.results(&results(2.0, 1.0, true, true, &[("you?", 2.25, 2.6)]), now));
        assert_eq!(done[0].0, 2);
        assert_eq!((done[0].1.words[0].start_ms, done[0].1.words[0].end_ms), (250, 600));
    }

    #[test]
    fn unconfirmed_finals_are_reported_after_the_timeout_in_order() {
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut u = Utterances::new("host", Duration::from_secs(2));
        u.audio(1, 16_000, now);
        u.results(&results(0.0, 0.5, true, false, &[("Partial", 0.1, 0.4)]), now);
        u.finish(1, now);
        u.audio(2, 16_000, now + second);
        u.finish(2, now + second);
        assert!(u.ready(now + second).is_empty());
        let done = finals(&u.ready(now + 2 * second));
        assert_eq!(done.iter().map(|d| (d.0, d.1.text.as_str())).collect::<Vec<_>>(), [(1, "Partial")]);
        let done = finals(&u.ready(now + 3 * second));
        assert_eq!(done.iter().map(|d| (d.0, d.1.text.as_str())).collect::<Vec<_>>(), [(2, "")]);
    }

    #[test]
    fn a_new_utterance_closes_the_open_one_and_stray_finishes_are_ignored() {
        let now = Instant::now();
        let mut u = Utterances::new("host", Duration::from_secs(2));
        u.audio(1, 320, now);
        assert!(u.audio(2, 320, now), "utterance 1 must be finalized first");
        assert!(!u.finish(1, now));
        assert!(!u.finish(7, now));
        assert!(u.finish(2, now));
        let done = finals(&u.flush());
        assert_eq!(done.iter().map(|d| d.0).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn a_trimmed_flush_answer_confirms_its_utterance_only() {
        let now = Instant::now();
        let mut u = Utterances::new("host", Duration::from_secs(5));
        u.audio(1, 32_000, now);
        u.finish(1, now);
        u.audio(2, 32_000, now);
        u.finish(2, now);
        // Ends 200 ms before utterance 1's last sample, flagged as the flush's answer.
        let done = finals(&u.results(&results(0.0, 1.8, true, true, &[("One", 0.1, 0.5)]), now));
        assert_eq!(done.iter().map(|d| d.0).collect::<Vec<_>>(), [1]);
    }
}
