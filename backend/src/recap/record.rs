//! What finalize knows about a finished call: its speakers, final segments and the analysis
//! events of the live session, as plain data (loaded by [`super::load`], built by tests from
//! fixtures). Everything else in the recap is computed from this.

use closer_wire::{Evidence, Playbook, SentimentLabel, Side, WordTiming};
use std::collections::BTreeSet;

/// A participant who may appear as a speaker.
#[derive(Clone, Debug, PartialEq)]
pub struct Speaker {
    /// LiveKit identity (the `speaker` of segments and events).
    pub identity: String,
    /// Display name.
    pub name: String,
    pub side: Side,
}

/// A final transcript segment (one utterance), redacted.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub segment_id: String,
    pub speaker: String,
    pub speaker_name: String,
    pub text: String,
    /// Audio span, ms.
    pub start_ms: u64,
    pub end_ms: u64,
    /// Word timings; a redacted span is one placeholder word such as `[card]`.
    pub words: Vec<WordTiming>,
}

/// A checklist tick of the live session.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub item: String,
    pub evidence: Evidence,
}

/// An objection detected live.
#[derive(Clone, Debug, PartialEq)]
pub struct Raised {
    pub objection: String,
    pub title: String,
    pub evidence: Evidence,
}

/// A sentiment update of the live session (smoothed label after an utterance).
#[derive(Clone, Debug, PartialEq)]
pub struct Mood {
    pub speaker: String,
    pub label: SentimentLabel,
    pub confidence: f32,
    pub segment_id: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// The whole call.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRecord {
    pub playbook: Playbook,
    /// ISO 639-1 of the call.
    pub language: String,
    /// Known participants (host and guests).
    pub speakers: Vec<Speaker>,
    /// Final segments sorted by `start_ms`.
    pub segments: Vec<Segment>,
    pub ticks: Vec<Tick>,
    pub objections: Vec<Raised>,
    /// Sentiment updates in emission order.
    pub moods: Vec<Mood>,
    /// Objection keys whose battle card the seller presented to the guests.
    pub presented: BTreeSet<String>,
}

impl CallRecord {
    /// The side of `identity`: known participants by their role, unknown speakers are guests.
    pub fn side(&self, identity: &str) -> Side {
        self.speakers.iter().find(|s| s.identity == identity).map_or(Side::Guest, |s| s.side)
    }

    /// Display name of `identity` (from the participants, else from its segments).
    pub fn name(&self, identity: &str) -> String {
        self.speakers
            .iter()
            .find(|s| s.identity == identity)
            .map(|s| s.name.clone())
            .or_else(|| self.segments.iter().find(|s| s.speaker == identity).map(|s| s.speaker_name.clone()))
            .unwrap_or_else(|| identity.to_owned())
    }

    /// Everyone who spoke, then silent known participants, in order of first appearance.
    pub fn speaker_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for id in self.segments.iter().map(|s| &s.speaker).chain(self.speakers.iter().map(|s| &s.identity)) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    }
}
