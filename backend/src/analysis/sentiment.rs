//! Sentiment per utterance: embedding similarity to class examples plus a cue-word signal,
//! smoothed per speaker over their recent turns.
//!
//! Classes are positive / neutral / negative / irritated (index order of [`CLASSES`]).

use crate::semantics::encoder::{Embedding, EncoderError, SentenceEncoder, cosine};
use closer_wire::SentimentLabel;
use std::collections::HashSet;

/// Class order used by every `[f32; 4]` here.
pub const CLASSES: [SentimentLabel; 4] = [
    SentimentLabel::Positive,
    SentimentLabel::Neutral,
    SentimentLabel::Negative,
    SentimentLabel::Irritated,
];

/// Softmax temperature over cosine scores: cosines of different classes differ by a few
/// hundredths, so a small temperature turns those gaps into usable probabilities.
const TEMPERATURE: f32 = 0.04;
/// Logit added per cue word of a class (capped at two words), on the cosine scale.
const CUE_WEIGHT: f32 = 0.05;
/// Logit added to neutral when the text asks a question (any sentence ends with `?`, also
/// mid-turn: Whisper often puts the mark inside a long question): in sales calls questions
/// mostly seek information, whatever emotional words they quote ("what is your biggest
/// headache?").
const QUESTION_WEIGHT: f32 = 0.08;
/// Weight of the current utterance in the per-speaker smoothing (the rest is the speaker's
/// previous smoothed state): recent turns matter, but one neutral remark after a complaint
/// should not wipe it out entirely.
const CURRENT_WEIGHT: f32 = 0.75;
/// Number of closest examples averaged per class.
const TOP_K: usize = 3;

/// Class examples (embedded) and cue words, from `data/sentiment.json`.
pub struct SentimentModel {
    examples: [Vec<Embedding>; 4],
    cues: [HashSet<String>; 4],
}

#[derive(serde::Deserialize)]
struct Data {
    examples: ClassLists,
    cues: ClassLists,
}

/// Cue words have no neutral list: neutral is the absence of cues.
#[derive(serde::Deserialize)]
#[serde(default)]
#[derive(Default)]
struct ClassLists {
    positive: Vec<String>,
    neutral: Vec<String>,
    negative: Vec<String>,
    irritated: Vec<String>,
}

impl ClassLists {
    fn into_array(self) -> [Vec<String>; 4] {
        [self.positive, self.neutral, self.negative, self.irritated]
    }
}

impl SentimentModel {
    /// Embeds the built-in class examples.
    ///
    /// Errors: the encoder failing.
    pub fn new(encoder: &SentenceEncoder) -> Result<Self, EncoderError> {
        let data: Data = serde_json::from_str(include_str!("data/sentiment.json")).expect("valid built-in data");
        let lists = data.examples.into_array();
        let mut examples: [Vec<Embedding>; 4] = Default::default();
        for (slot, list) in examples.iter_mut().zip(&lists) {
            *slot = super::index::embed_all(encoder, list)?;
        }
        let cues = data.cues.into_array().map(|words| words.into_iter().collect());
        Ok(Self { examples, cues })
    }

    /// Class probabilities of one utterance (its whole-text embedding and its text).
    pub fn classify(&self, embedding: &Embedding, text: &str) -> [f32; 4] {
        let words: Vec<String> = text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let mut logits = [0.0f32; 4];
        for (class, logit) in logits.iter_mut().enumerate() {
            let mut sims: Vec<f32> = self.examples[class].iter().map(|e| cosine(e, embedding)).collect();
            sims.sort_by(|a, b| b.total_cmp(a));
            let top = &sims[..sims.len().min(TOP_K)];
            let similarity = top.iter().sum::<f32>() / top.len().max(1) as f32;
            let cues = words.iter().filter(|w| self.cues[class].contains(w.as_str())).count().min(2);
            *logit = similarity + CUE_WEIGHT * cues as f32;
        }
        if text.contains('?') {
            logits[1] += QUESTION_WEIGHT;
        }
        softmax(logits)
    }
}

fn softmax(logits: [f32; 4]) -> [f32; 4] {
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let exp = logits.map(|l| ((l - max) / TEMPERATURE).exp());
    let sum: f32 = exp.iter().sum();
    exp.map(|e| e / sum)
}

/// Exponential smoothing of a speaker's class probabilities.
pub fn smooth(previous: Option<[f32; 4]>, current: [f32; 4]) -> [f32; 4] {
    match previous {
        None => current,
        Some(previous) => {
            let mut out = [0.0; 4];
            for i in 0..4 {
                out[i] = CURRENT_WEIGHT * current[i] + (1.0 - CURRENT_WEIGHT) * previous[i];
            }
            out
        }
    }
}

/// Most probable class and its probability.
pub fn label(probabilities: &[f32; 4]) -> (SentimentLabel, f32) {
    let (index, p) = probabilities
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .expect("four classes");
    (CLASSES[index], *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_weights_the_current_turn() {
        let previous = [0.0, 0.0, 1.0, 0.0];
        let current = [1.0, 0.0, 0.0, 0.0];
        let s = smooth(Some(previous), current);
        assert_eq!(label(&s).0, SentimentLabel::Positive);
        assert!((s[2] - 0.25).abs() < 1e-6);
        assert_eq!(smooth(None, current), current);
    }

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax([0.3, 0.31, 0.2, 0.1]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p[1] > p[0] && p[0] > p[2]);
    }
}
