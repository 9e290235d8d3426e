//! Scoring of live-pipeline output against a rendered call fixture's ground truth
//! (`timeline.json` written by `shared/fixtures/synth.py`), as `shared/fixtures/README.md`
//! defines it. Used by the fixture tests and the benchmark.
//!
//! Rules:
//! - a checklist tick / objection is a true positive when it arrives between the `start_ms` of a
//!   turn labelled with it and that turn's `end_ms` + 2000 ms; otherwise (too early, too late,
//!   wrong key) it is a false positive. Recall counts the labelled keys that got a true positive;
//! - latency of a true positive = arrival − the matched turn's `end_ms` (negative when it came
//!   while the turn was still being spoken);
//! - sentiment: each turn is scored with the last sentiment update of its speaker whose
//!   utterance overlaps the turn; 3-class accuracy maps irritated → negative.

use closer_wire::SentimentLabel;
use serde::Deserialize;
use std::collections::BTreeSet;

/// How late an event may arrive after the end of the turn that earns it, ms.
pub const ON_TIME_MS: i64 = 2000;

/// One turn of `timeline.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Turn {
    /// Speaker key (`host`, `guest_a`, …).
    pub speaker: String,
    /// What was said.
    pub text: String,
    /// Checklist keys this turn covers.
    #[serde(default)]
    pub covers: Vec<String>,
    /// Objection key raised.
    #[serde(default)]
    pub objection: Option<String>,
    /// positive | neutral | negative | irritated.
    pub sentiment: SentimentLabel,
    /// Kinds of personal data spoken.
    #[serde(default)]
    pub pii: Vec<String>,
    /// Start on the shared time axis, ms.
    pub start_ms: i64,
    /// End on the shared time axis, ms.
    pub end_ms: i64,
}

/// A speaker of the scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct Speaker {
    /// Display name.
    pub name: String,
    /// `host` or `guest`.
    pub role: String,
}

/// `timeline.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Timeline {
    /// Scenario id.
    pub id: String,
    /// ISO 639-1.
    pub language: String,
    /// Playbook file, relative to `shared/fixtures/`.
    pub playbook: String,
    /// Speakers by key.
    pub speakers: std::collections::BTreeMap<String, Speaker>,
    /// Total length of every rendered WAV, ms.
    pub duration_ms: i64,
    /// Turns in order.
    pub turns: Vec<Turn>,
}

/// What the scorer needs of one pipeline event.
#[derive(Clone, Debug)]
pub enum Observed {
    /// A checklist item ticked at `at_ms`.
    Tick { item: String, at_ms: i64 },
    /// An objection shown at `at_ms`.
    Objection { key: String, at_ms: i64 },
    /// A speaker's sentiment after the utterance spanning `start_ms..end_ms`.
    Sentiment { speaker: String, label: SentimentLabel, start_ms: i64, end_ms: i64 },
}

/// Precision / recall of one event family.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detection {
    /// True positives.
    pub hits: usize,
    /// Events that were not true positives.
    pub false_positives: usize,
    /// Labelled keys.
    pub expected: usize,
    /// Labelled keys with a true positive.
    pub found: usize,
    /// Latency of each true positive, ms.
    pub latencies_ms: Vec<i64>,
    /// Human-readable list of mistakes, for test output.
    pub mistakes: Vec<String>,
}

impl Detection {
    /// hits / (hits + false positives); 1 when nothing was emitted and nothing expected.
    pub fn precision(&self) -> f64 {
        let emitted = self.hits + self.false_positives;
        if emitted == 0 { f64::from(u8::from(self.expected == 0)) } else { self.hits as f64 / emitted as f64 }
    }

    /// found / expected; 1 when nothing was expected.
    pub fn recall(&self) -> f64 {
        if self.expected == 0 { 1.0 } else { self.found as f64 / self.expected as f64 }
    }
}

/// All scores of one run.
#[derive(Clone, Debug, Default)]
pub struct Score {
    /// Checklist ticks.
    pub checklist: Detection,
    /// Objections.
    pub objections: Detection,
    /// Turns scored for sentiment.
    pub sentiment_turns: usize,
    /// Turns whose 4-class label matched.
    pub sentiment_exact: usize,
    /// Turns whose 3-class label matched (irritated → negative).
    pub sentiment_3class: usize,
    /// Sentiment mistakes, for test output.
    pub sentiment_mistakes: Vec<String>,
}

impl Score {
    /// 4-class accuracy.
    pub fn sentiment_accuracy(&self) -> f64 {
        self.sentiment_exact as f64 / self.sentiment_turns.max(1) as f64
    }

    /// 3-class accuracy (irritated counted as negative).
    pub fn sentiment_accuracy_3class(&self) -> f64 {
        self.sentiment_3class as f64 / self.sentiment_turns.max(1) as f64
    }

    /// Latencies of all checklist and objection true positives, ms.
    pub fn latencies_ms(&self) -> Vec<i64> {
        let mut all = self.checklist.latencies_ms.clone();
        all.extend(&self.objections.latencies_ms);
        all
    }
}

/// `p`-th percentile (0–100, nearest rank) of `values`; `None` when empty.
pub fn percentile(values: &[i64], p: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Lower-cased words of `text` (letters, digits and apostrophes), for [`word_error_rate`].
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Word error rate of `hypothesis` against `reference`: the word-level Levenshtein distance
/// (substitutions + insertions + deletions) over the reference's word count, case and
/// punctuation ignored. 0 is perfect; it can exceed 1 when many words are inserted.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let (r, h) = (words(reference), words(hypothesis));
    let mut row: Vec<usize> = (0..=h.len()).collect();
    for i in 1..=r.len() {
        let mut previous = row[0];
        row[0] = i;
        for j in 1..=h.len() {
            let substitution = previous + usize::from(r[i - 1] != h[j - 1]);
            previous = row[j];
            row[j] = substitution.min(row[j] + 1).min(row[j - 1] + 1);
        }
    }
    row[h.len()] as f64 / r.len().max(1) as f64
}

fn three_class(label: SentimentLabel) -> SentimentLabel {
    if label == SentimentLabel::Irritated { SentimentLabel::Negative } else { label }
}

fn detect<'a>(
    timeline: &Timeline,
    events: impl Iterator<Item = (&'a str, i64)>,
    labels: impl Fn(&Turn) -> Vec<&str>,
) -> Detection {
    let expected: BTreeSet<&str> = timeline.turns.iter().flat_map(&labels).collect();
    let mut found = BTreeSet::new();
    let mut d = Detection { expected: expected.len(), ..Detection::default() };
    for (key, at_ms) in events {
        let turn = timeline.turns.iter().find(|t| {
            labels(t).contains(&key) && t.start_ms <= at_ms && at_ms <= t.end_ms + ON_TIME_MS
        });
        match turn {
            Some(turn) => {
                d.hits += 1;
                found.insert(key);
                d.latencies_ms.push(at_ms - turn.end_ms);
            }
            None => {
                d.false_positives += 1;
                d.mistakes.push(format!("unexpected {key} at {at_ms} ms"));
            }
        }
    }
    for missing in expected.difference(&found) {
        d.mistakes.push(format!("missed {missing}"));
    }
    d.found = found.len();
    d
}

/// Scores `observed` events (speakers named by the scenario's speaker keys) against `timeline`.
pub fn score(timeline: &Timeline, observed: &[Observed]) -> Score {
    let ticks = observed.iter().filter_map(|o| match o {
        Observed::Tick { item, at_ms } => Some((item.as_str(), *at_ms)),
        _ => None,
    });
    let checklist = detect(timeline, ticks, |t| t.covers.iter().map(String::as_str).collect());
    let objections_seen = observed.iter().filter_map(|o| match o {
        Observed::Objection { key, at_ms } => Some((key.as_str(), *at_ms)),
        _ => None,
    });
    let objections = detect(timeline, objections_seen, |t| t.objection.as_deref().into_iter().collect());

    let mut score = Score { checklist, objections, ..Score::default() };
    for turn in &timeline.turns {
        score.sentiment_turns += 1;
        let predicted = observed.iter().rev().find_map(|o| match o {
            Observed::Sentiment { speaker, label, start_ms, end_ms }
                if *speaker == turn.speaker && *start_ms < turn.end_ms && *end_ms > turn.start_ms =>
            {
                Some(*label)
            }
            _ => None,
        });
        match predicted {
            Some(label) if label == turn.sentiment => {
                score.sentiment_exact += 1;
                score.sentiment_3class += 1;
            }
            Some(label) if three_class(label) == three_class(turn.sentiment) => score.sentiment_3class += 1,
            other => score.sentiment_mistakes.push(format!(
                "{:?} for {:?} ({}: {})",
                other,
                turn.sentiment,
                turn.speaker,
                turn.text.chars().take(50).collect::<String>()
            )),
        }
    }
    score
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_error_rate_counts_word_edits() {
        use super::word_error_rate as wer;
        assert_eq!(wer("a b c d", "a b c d"), 0.0);
        assert_eq!(wer("a b c d", "a x c"), 0.5);
        assert_eq!(wer("Hello, World!", "hello world"), 0.0);
    }

    use super::*;

    fn timeline() -> Timeline {
        serde_json::from_value(serde_json::json!({
            "id": "t", "language": "en", "playbook": "p.json", "duration_ms": 10000,
            "speakers": {"host": {"name": "H", "role": "host"}, "guest_a": {"name": "G", "role": "guest"}},
            "turns": [
                {"speaker": "host", "text": "a", "covers": ["agenda"], "sentiment": "positive", "start_ms": 0, "end_ms": 1000},
                {"speaker": "guest_a", "text": "b", "objection": "price", "sentiment": "irritated", "start_ms": 1500, "end_ms": 3000},
                {"speaker": "host", "text": "c", "covers": ["budget"], "sentiment": "neutral", "start_ms": 3500, "end_ms": 5000}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn on_time_early_late_and_missing() {
        let observed = [
            Observed::Tick { item: "agenda".into(), at_ms: 2500 },  // end + 1500: on time
            Observed::Tick { item: "budget".into(), at_ms: 3000 },  // before its turn starts
            Observed::Objection { key: "price".into(), at_ms: 5200 }, // end + 2200: late
            Observed::Sentiment { speaker: "host".into(), label: SentimentLabel::Positive, start_ms: 0, end_ms: 1000 },
            Observed::Sentiment { speaker: "guest_a".into(), label: SentimentLabel::Negative, start_ms: 1500, end_ms: 3000 },
        ];
        let s = score(&timeline(), &observed);
        assert_eq!((s.checklist.hits, s.checklist.false_positives, s.checklist.found), (1, 1, 1));
        assert_eq!(s.checklist.latencies_ms, [1500]);
        assert_eq!(s.checklist.recall(), 0.5);
        assert_eq!(s.objections.precision(), 0.0);
        assert_eq!(s.objections.recall(), 0.0);
        assert_eq!((s.sentiment_exact, s.sentiment_3class, s.sentiment_turns), (1, 2, 3));
    }

    #[test]
    fn percentiles_nearest_rank() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[5, 1, 3, 2, 4], 50.0), Some(3));
        assert_eq!(percentile(&(1..=100).collect::<Vec<_>>(), 95.0), Some(95));
    }
}
