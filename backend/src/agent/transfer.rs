//! A guest asking to speak with a person now (#18: transfer to a human on request): "can I talk
//! to someone real?", "mi passa un operatore?". The agent then offers to ask the meeting's
//! seller to join ([`super::conversation`]). A turn asks for a person when at least two of its
//! [`K`] nearest labelled turns (cosine of their sentence embeddings) do, and it is not much
//! closer to the prototype of other turns than to that of requests (the mean embeddings of
//! each kind, Snell et al. 2017): `cos(person) − cos(other) ≥` [`MIN_MARGIN`].
//!
//! The labelled turns are the calibration half of `tests/fixtures/agent-transfer` (140, EN +
//! IT, as Whisper writes them; a quarter ASR-noised; near misses that talk of people without
//! asking for one: "my manager signs off on it"), written apart from the held-out half (120)
//! by another hand. The method was chosen there, each turn read without itself: the 3 nearest
//! turns' vote with the margin, precision / recall EN 0.79 / 0.92, IT 0.73 / 0.92; the vote
//! alone EN 0.73 / 0.92, IT 0.73 / 0.92; the margin alone (nearest prototype) EN 0.64 / 0.88,
//! IT 0.65 / 0.92 at 0, no margin better on both languages; 5–9 nearest turns EN F1 0.70–0.79,
//! IT 0.81–0.82. The vote alone read a plain budget answer of the agent tests ("We have about
//! 20,000 euros for this project", margin −0.10) as a request: its nearest turns were the
//! calibration's requests made inside a budget answer. As about one turn in four read as a
//! request is none, the agent asks before it calls anyone in. The held-out
//! half is only measured (`backend/tests/agent_transfer.rs` prints both halves and asserts
//! floors on the held-out one).

use crate::semantics::encoder::{Embedding, EncoderError, SentenceEncoder, cosine, mean};

/// Labelled turns that vote on a turn: its nearest by cosine. Chosen on the calibration half
/// (see the module's note).
pub const K: usize = 3;
/// Least `cos(turn, person) − cos(turn, other)` of a request, over the two prototypes. Chosen
/// on the calibration half with [`K`] (see the module's note).
pub const MIN_MARGIN: f32 = -0.04;

/// What a turn is, for a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// It asks to speak with a person (the seller, someone, an operator) now.
    Person,
    /// Anything else, people mentioned or not.
    Other,
}

/// One labelled turn (a line of `tests/fixtures/agent-transfer/<half>.jsonl`).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Example {
    /// `en` or `it`.
    pub language: String,
    /// What the agent had just said.
    pub agent: String,
    pub turn: String,
    pub label: Ask,
}

/// Parses JSON lines of [`Example`]s; blank lines are skipped.
///
/// Errors: the first line that is not an example, with its 1-based number.
pub fn parse_examples(jsonl: &str) -> Result<Vec<Example>, String> {
    crate::leads::bant::parse_jsonl(jsonl)
}

/// The built-in examples: the calibration half, both languages.
pub fn builtin_examples() -> Vec<Example> {
    parse_examples(include_str!("../../../tests/fixtures/agent-transfer/calibration.jsonl")).expect("valid built-in transfer examples")
}

/// Reads turns by the vote of their nearest labelled turns and the prototypes' margin.
pub struct TransferReader {
    labelled: Vec<(Embedding, Ask)>,
    person: Embedding,
    other: Embedding,
}

impl TransferReader {
    /// The reader voting with `examples`.
    ///
    /// Errors: the encoder failing; a kind without examples ([`EncoderError::Runtime`]).
    pub fn new(encoder: &SentenceEncoder, examples: &[Example]) -> Result<Self, EncoderError> {
        let turns: Vec<&str> = examples.iter().map(|e| e.turn.trim()).collect();
        let labelled: Vec<(Embedding, Ask)> = encoder.embed(&turns)?.into_iter().zip(examples.iter().map(|e| e.label)).collect();
        let of = |kind: Ask| -> Result<Embedding, EncoderError> {
            let members: Vec<&Embedding> = labelled.iter().filter(|(_, label)| *label == kind).map(|(e, _)| e).collect();
            if members.is_empty() {
                return Err(EncoderError::Runtime(format!("no example turn of kind {kind:?}")));
            }
            Ok(mean(members))
        };
        let (person, other) = (of(Ask::Person)?, of(Ask::Other)?);
        Ok(Self { labelled, person, other })
    }

    /// The built-in reader ([`builtin_examples`]; blocking, about 2 ms an example).
    ///
    /// Errors: the encoder failing.
    pub fn builtin(encoder: &SentenceEncoder) -> Result<Self, EncoderError> {
        Self::new(encoder, &builtin_examples())
    }

    /// Whether `turn` asks to speak with a person: most of its [`K`] nearest labelled turns do,
    /// and its margin reaches [`MIN_MARGIN`]. An empty turn does not.
    ///
    /// Errors: the encoder failing.
    pub fn asks_for_person(&self, encoder: &SentenceEncoder, turn: &str) -> Result<bool, EncoderError> {
        if turn.trim().is_empty() {
            return Ok(false);
        }
        let e = encoder.embed(&[turn.trim()])?.remove(0);
        let mut near: Vec<(f32, Ask)> = self.labelled.iter().map(|(x, label)| (cosine(x, &e), *label)).collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0));
        let voted = near.iter().take(K).filter(|(_, label)| *label == Ask::Person).count() * 2 > K;
        Ok(voted && cosine(&self.person, &e) - cosine(&self.other, &e) >= MIN_MARGIN)
    }
}
