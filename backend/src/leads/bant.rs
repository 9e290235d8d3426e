//! BANT from what a prospect answered: each answer to a question asked for one criterion
//! (budget, authority, need, timeline) is scored 0 (not met), 1 (unclear) or 2 (met) by its
//! nearest prototype — the mean sentence embedding of the example answers of that criterion
//! and score (Snell et al. 2017, as the copilot's playbook matching) — and kept, redacted, as
//! the evidence.
//!
//! The examples are the calibration half of `tests/fixtures/bant` (320 question/answer pairs,
//! EN + IT, 16 domains, written apart from the held-out half's 320 in 16 other domains).
//! Chosen there by leave-one-domain-out cross-validation: nearest prototype 0.81 accuracy
//! (0→2 or 2→0 confusions 2.8 %) against a logistic regression over the answer embedding with
//! a per-criterion copy 0.83 (3.1 %), within one standard error (0.022), so the simpler method
//! without fitted weights. On the held-out half: EN 0.85, IT 0.81 (majority class 0.34–0.35);
//! `backend/tests/bant.rs` asserts floors there.

use crate::semantics::encoder::{DIM, Embedding, EncoderError, SentenceEncoder, cosine};
use closer_wire::{Bant, BantCriterion, BantScore};
use uuid::Uuid;

/// Row of a criterion in [`Assessor`]'s prototypes.
fn index(criterion: BantCriterion) -> usize {
    criterion as usize
}

/// Longest evidence quote kept, in characters (the API's limit).
pub const EVIDENCE_MAX: usize = 500;

/// One labelled example answer (a line of `tests/fixtures/bant/<half>/<language>.jsonl`).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Example {
    pub criterion: BantCriterion,
    pub question: String,
    pub answer: String,
    /// 0, 1 or 2.
    pub score: u8,
    pub domain: String,
}

/// Parses JSON lines of [`Example`]s; blank lines are skipped.
///
/// Errors: the first line that is not an example, with its 1-based number.
pub fn parse_examples(jsonl: &str) -> Result<Vec<Example>, String> {
    parse_jsonl(jsonl)
}

/// Parses JSON lines of labelled examples (BANT answers, replies to offers); blank lines are
/// skipped.
///
/// Errors: the first line that is not a `T`, with its 1-based number.
pub fn parse_jsonl<T: serde::de::DeserializeOwned>(jsonl: &str) -> Result<Vec<T>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1)))
        .collect()
}

/// The built-in examples: the calibration half of the BANT fixtures, both languages.
pub fn builtin_examples() -> Vec<Example> {
    [include_str!("../../../tests/fixtures/bant/calibration/en.jsonl"), include_str!("../../../tests/fixtures/bant/calibration/it.jsonl")]
        .into_iter()
        .flat_map(|file| parse_examples(file).expect("valid built-in BANT examples"))
        .collect()
}

/// The text of an answer as it is embedded and kept: personal data redacted (an answer may
/// carry a phone number or an e-mail), placeholders left out of the embedding.
fn redacted(answer: &str) -> String {
    crate::pii::redact(answer.trim()).text
}

fn embed(encoder: &SentenceEncoder, text: &str) -> Result<Embedding, EncoderError> {
    let plain = crate::pii::strip_placeholders(text);
    Ok(encoder.embed(&[plain.as_ref()])?.remove(0))
}

/// Scores answers by their nearest (criterion, score) prototype.
pub struct Assessor {
    /// `prototypes[criterion][score]`.
    prototypes: [[Embedding; 3]; 4],
}

impl Assessor {
    /// Builds the prototypes from `examples` (every criterion needs an example of every score).
    ///
    /// Errors: the encoder failing, or a (criterion, score) without examples.
    pub fn new(encoder: &SentenceEncoder, examples: &[Example]) -> Result<Self, AssessError> {
        let mut sums = [[[0.0f32; DIM]; 3]; 4];
        let mut counts = [[0usize; 3]; 4];
        for example in examples {
            let score = usize::from(example.score);
            if score > 2 {
                return Err(AssessError::Examples(format!("score {} of {:?} is not 0, 1 or 2", example.score, example.answer)));
            }
            let e = embed(encoder, &redacted(&example.answer))?;
            let c = index(example.criterion);
            sums[c][score].iter_mut().zip(&e).for_each(|(s, x)| *s += x);
            counts[c][score] += 1;
        }
        let mut prototypes = [[[0.0f32; DIM]; 3]; 4];
        for criterion in BantCriterion::ALL {
            let c = index(criterion);
            for score in 0..3 {
                if counts[c][score] == 0 {
                    return Err(AssessError::Examples(format!("no example of {criterion:?} scored {score}")));
                }
                prototypes[c][score] = sums[c][score].map(|s| s / counts[c][score] as f32);
            }
        }
        Ok(Self { prototypes })
    }

    /// The built-in assessor ([`builtin_examples`]).
    ///
    /// Errors: the encoder failing.
    pub fn builtin(encoder: &SentenceEncoder) -> Result<Self, AssessError> {
        Self::new(encoder, &builtin_examples())
    }

    /// 0 (not met), 1 (unclear) or 2 (met): the score whose prototype of `criterion` is
    /// closest to `answer`.
    ///
    /// Errors: the encoder failing.
    pub fn score(&self, encoder: &SentenceEncoder, criterion: BantCriterion, answer: &str) -> Result<u8, EncoderError> {
        let e = embed(encoder, &redacted(answer))?;
        let prototypes = &self.prototypes[index(criterion)];
        let best = (0..3u8).max_by(|&a, &b| cosine(&prototypes[usize::from(a)], &e).total_cmp(&cosine(&prototypes[usize::from(b)], &e)));
        Ok(best.expect("three scores"))
    }

    /// The assessment of a call: for each criterion, its last non-empty answer (a later answer
    /// refines an earlier one), scored, with that answer redacted (and cut to
    /// [`EVIDENCE_MAX`] characters) as the evidence; criteria nobody answered stay `None`.
    ///
    /// Errors: the encoder failing.
    pub fn assess(&self, encoder: &SentenceEncoder, answers: &[(BantCriterion, &str)], meeting: Option<Uuid>) -> Result<Bant, EncoderError> {
        let mut bant = Bant::default();
        for criterion in BantCriterion::ALL {
            let Some((_, answer)) = answers.iter().rev().find(|(c, a)| *c == criterion && !a.trim().is_empty()) else {
                continue;
            };
            let score = self.score(encoder, criterion, answer)?;
            let evidence: String = redacted(answer).chars().take(EVIDENCE_MAX).collect();
            let slot = match criterion {
                BantCriterion::Budget => &mut bant.budget,
                BantCriterion::Authority => &mut bant.authority,
                BantCriterion::Need => &mut bant.need,
                BantCriterion::Timeline => &mut bant.timeline,
            };
            *slot = Some(BantScore { score, evidence, meeting_id: meeting });
        }
        Ok(bant)
    }
}

/// Errors building an [`Assessor`].
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error(transparent)]
    Encoder(#[from] EncoderError),
    /// The examples do not cover every criterion and score.
    #[error("BANT examples: {0}")]
    Examples(String),
}
