//! The analysis corpus (`tests/fixtures/corpus`, see its README): scripted calls over playbooks
//! written apart from them, split by playbook into a calibration half (methods and thresholds
//! are chosen there) and a held-out half (reported and asserted, never tuned on). Used by
//! `tests/analysis_corpus.rs` and `benches/corpus.rs`.
//!
//! A call is run through the analyzer as text: either its script, one final utterance per turn
//! (turn times made up from its length), or Whisper's final segments of its rendered audio in
//! one listening condition (`asr/<condition>/<id>.json`, from `scripts/corpus_transcripts.py`,
//! scored against the rendered turn times). Scoring is `closer_testkit::eval::score`, the fixture rules
//! of `shared/fixtures/README.md`.

use closer::analysis::{AnalysisModels, Analyzer, Finding, SpeakerRole, Utterance};
use closer_testkit::eval::{Observed, Score, Timeline};
use closer_wire::{Playbook, SentimentLabel};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `calibration` or `held-out`.
pub const HALVES: [&str; 2] = ["calibration", "held-out"];
/// Conditions with committed transcripts (`scripts/corpus_transcripts.py`'s defaults).
pub const CONDITIONS: [&str; 3] = ["clean", "noise10", "phone"];

/// One scripted call of the corpus.
pub struct Call {
    /// Scenario id, e.g. `en-dental-pms-1`.
    pub id: String,
    /// `calibration` or `held-out`.
    pub half: String,
    /// Script turns with their labels; times made up (600 ms gaps, 380 ms a word, ≥ 800 ms).
    pub timeline: Timeline,
    /// The call's playbook.
    pub playbook: Playbook,
}

/// Whisper's final segments of one rendered call.
#[derive(serde::Deserialize)]
pub struct Transcript {
    /// Rendered `[start_ms, end_ms]` of each script turn, in order.
    pub turns: Vec<[i64; 2]>,
    /// Final segments in start order.
    pub segments: Vec<Segment>,
}

/// One final segment.
#[derive(serde::Deserialize)]
pub struct Segment {
    /// Speaker key of the scenario.
    pub speaker: String,
    /// Start on the call's time axis, ms.
    pub start_ms: u64,
    /// End, ms.
    pub end_ms: u64,
    /// What Whisper heard.
    pub text: String,
}

/// `tests/fixtures/corpus`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/corpus")
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every call of `half`, in id order.
pub fn calls(half: &str) -> Vec<Call> {
    let dir = root().join(half);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let mut scenario: serde_json::Value = read(path);
            let mut at = 0i64;
            for turn in scenario["turns"].as_array_mut().unwrap() {
                let words = turn["text"].as_str().unwrap().split_whitespace().count() as i64;
                at += 600;
                turn["start_ms"] = at.into();
                at += (words * 380).max(800);
                turn["end_ms"] = at.into();
            }
            scenario["duration_ms"] = (at + 1000).into();
            let timeline: Timeline = serde_json::from_value(scenario).unwrap();
            let playbook = read(&dir.join(&timeline.playbook));
            Call { id: timeline.id.clone(), half: half.to_owned(), timeline, playbook }
        })
        .collect()
}

impl Call {
    /// Whisper's transcript of the call in `condition`.
    pub fn transcript(&self, condition: &str) -> Transcript {
        read(&self.transcript_path(condition))
    }

    /// Whether the call has a transcript in `condition`.
    pub fn has_transcript(&self, condition: &str) -> bool {
        self.transcript_path(condition).is_file()
    }

    fn transcript_path(&self, condition: &str) -> PathBuf {
        root().join(&self.half).join("asr").join(condition).join(format!("{}.json", self.id))
    }

    /// Seller or prospect, from the scenario's speakers.
    pub fn role(&self, speaker: &str) -> SpeakerRole {
        if self.timeline.speakers[speaker].role == "host" { SpeakerRole::Host } else { SpeakerRole::Guest }
    }

    /// The script as utterances, one final utterance per turn: the timeline to score on and
    /// `(speaker, text, start ms, end ms)` in order.
    pub fn script(&self) -> (Timeline, Vec<(String, String, u64, u64)>) {
        let utterances = self.timeline.turns.iter().map(|t| (t.speaker.clone(), t.text.clone(), t.start_ms as u64, t.end_ms as u64));
        (self.timeline.clone(), utterances.collect())
    }

    /// Whisper's final segments in `condition` as utterances, in the order their speech ended
    /// (the order finals reach a live session), with the timeline of the rendered turn times.
    pub fn heard(&self, condition: &str) -> (Timeline, Vec<(String, String, u64, u64)>) {
        let transcript = self.transcript(condition);
        assert_eq!(transcript.turns.len(), self.timeline.turns.len(), "{}: stale transcript, rerun scripts/corpus_transcripts.py", self.id);
        let mut timeline = self.timeline.clone();
        for (turn, [start, end]) in timeline.turns.iter_mut().zip(&transcript.turns) {
            (turn.start_ms, turn.end_ms) = (*start, *end);
        }
        let mut segments: Vec<&Segment> = transcript.segments.iter().collect();
        segments.sort_by_key(|s| (s.end_ms, s.start_ms));
        (timeline, segments.iter().map(|s| (s.speaker.clone(), s.text.clone(), s.start_ms, s.end_ms)).collect())
    }

    /// Script text through a fresh analyzer: the events and the timeline to score them with.
    pub fn run_script(&self, models: &Arc<AnalysisModels>) -> (Timeline, Vec<Observed>) {
        let (timeline, utterances) = self.script();
        (timeline, self.analyze(models, &utterances))
    }

    /// Whisper's final segments in `condition` through a fresh analyzer, scored on the rendered
    /// times.
    pub fn run_transcript(&self, models: &Arc<AnalysisModels>, condition: &str) -> (Timeline, Vec<Observed>) {
        let (timeline, utterances) = self.heard(condition);
        (timeline, self.analyze(models, &utterances))
    }

    fn analyze(&self, models: &Arc<AnalysisModels>, utterances: &[(String, String, u64, u64)]) -> Vec<Observed> {
        let mut analyzer = Analyzer::new(models.clone(), self.playbook.clone()).unwrap();
        let mut observed = Vec::new();
        for (n, (speaker, text, start_ms, end_ms)) in utterances.iter().enumerate() {
            let text = closer::pii::redact(text).text;
            let segment_id = format!("{speaker}-{n}");
            let (start_ms, end_ms) = (*start_ms, *end_ms);
            let u = Utterance { segment_id: &segment_id, speaker, role: self.role(speaker), text: &text, start_ms, end_ms, is_final: true };
            let at_ms = end_ms as i64;
            for finding in analyzer.analyze(&u).unwrap() {
                observed.push(match finding {
                    Finding::Ticked { item, .. } => Observed::Tick { item, at_ms },
                    Finding::Objection { key, .. } => Observed::Objection { key, at_ms },
                    Finding::Sentiment { speaker, label, start_ms, end_ms, .. } => {
                        Observed::Sentiment { speaker, label, start_ms: start_ms as i64, end_ms: end_ms as i64 }
                    }
                    Finding::Suggestion { .. } => continue,
                });
            }
        }
        observed
    }
}

/// Micro-averaged counts over several calls.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Calls added.
    pub calls: usize,
    /// Checklist: true positives, false positives, labelled keys, keys found.
    pub checklist: [usize; 4],
    /// Objections: the same four counts.
    pub objections: [usize; 4],
    /// Sentiment: turns, 4-class matches, 3-class matches.
    pub sentiment: [usize; 3],
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

impl Tally {
    /// Adds one call's score.
    pub fn add(&mut self, s: &Score) {
        self.calls += 1;
        for (counts, d) in [(&mut self.checklist, &s.checklist), (&mut self.objections, &s.objections)] {
            counts[0] += d.hits;
            counts[1] += d.false_positives;
            counts[2] += d.expected;
            counts[3] += d.found;
        }
        self.sentiment[0] += s.sentiment_turns;
        self.sentiment[1] += s.sentiment_exact;
        self.sentiment[2] += s.sentiment_3class;
    }
    /// Checklist precision.
    pub fn checklist_p(&self) -> f64 {
        ratio(self.checklist[0], self.checklist[0] + self.checklist[1])
    }
    /// Checklist recall.
    pub fn checklist_r(&self) -> f64 {
        ratio(self.checklist[3], self.checklist[2])
    }
    /// Objection precision.
    pub fn objections_p(&self) -> f64 {
        ratio(self.objections[0], self.objections[0] + self.objections[1])
    }
    /// Objection recall.
    pub fn objections_r(&self) -> f64 {
        ratio(self.objections[3], self.objections[2])
    }
    /// Sentiment accuracy, 4 classes.
    pub fn sentiment_4(&self) -> f64 {
        ratio(self.sentiment[1], self.sentiment[0])
    }
    /// Sentiment accuracy, 3 classes (irritated counted as negative).
    pub fn sentiment_3(&self) -> f64 {
        ratio(self.sentiment[2], self.sentiment[0])
    }
    /// One line of figures.
    pub fn line(&self) -> String {
        format!(
            "checklist P {:.2} R {:.2} ({}/{}) | objections P {:.2} R {:.2} ({}/{}) | sentiment 4-class {:.2} 3-class {:.2} ({} turns, {} calls)",
            self.checklist_p(),
            self.checklist_r(),
            self.checklist[3],
            self.checklist[2],
            self.objections_p(),
            self.objections_r(),
            self.objections[3],
            self.objections[2],
            self.sentiment_4(),
            self.sentiment_3(),
            self.sentiment[0],
            self.calls
        )
    }
}

/// Tallies per language (`en`, `it`) of `run` over `calls`.
pub fn tally_by_language<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    mut run: impl FnMut(&Call) -> (Timeline, Vec<Observed>),
) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for call in calls {
        let (timeline, observed) = run(call);
        out.entry(call.timeline.language.clone()).or_default().add(&closer_testkit::eval::score(&timeline, &observed));
    }
    out
}

/// Index of `label` in `closer::analysis::SENTIMENT_CLASSES`.
pub fn class(label: SentimentLabel) -> usize {
    closer::analysis::SENTIMENT_CLASSES.iter().position(|c| *c == label).unwrap()
}
