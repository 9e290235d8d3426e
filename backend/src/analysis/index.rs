//! Prototype search over a playbook family (checklist items or objections).
//!
//! Each target is represented by the mean of its phrasings' embeddings (the examples and the
//! title): a prototype, as in prototypical networks (Snell et al. 2017). A sentence is scored
//! by its cosine to the prototype rather than to the nearest single phrasing: a paraphrase of
//! the idea is close to what the phrasings share, while a sentence that happens to echo the
//! words of one phrasing is diluted by the others (a misheard "cerche rodi esseri breve"
//! scored 0.30 against the title "Concordare i prossimi passi"). On the fixture calls, with
//! nearest-phrasing scores no single checklist threshold met the quality bars on every
//! transcript (scripted text and Whisper's); with prototypes every one from 0.235 to 0.285 does.

use crate::semantics::encoder::{DIM, Embedding, EncoderError, SentenceEncoder, cosine};

/// One target: a checklist item or an objection.
struct Target {
    key: String,
    threshold: f32,
    /// Mean embedding of the example phrasings and the title.
    prototype: Embedding,
}

/// The targets of one family with their embedded phrasings.
pub(super) struct PhraseIndex {
    targets: Vec<Target>,
}

/// Embeds `texts` one by one: the int8 model quantises activations per batch, so one-by-one
/// embeddings are reproducible whatever else is in the batch.
pub(super) fn embed_all(encoder: &SentenceEncoder, texts: &[String]) -> Result<Vec<Embedding>, EncoderError> {
    texts.iter().map(|t| encoder.embed(&[t.as_str()]).map(|mut v| v.remove(0))).collect()
}

/// Built-in background phrases (`data/background.json`).
pub(super) fn background_phrases() -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct File {
        phrases: Vec<String>,
    }
    let file: File = serde_json::from_str(include_str!("data/background.json")).expect("valid built-in data");
    file.phrases
}

/// Component-wise mean of `embeddings` (zeros when empty).
pub(super) fn mean(embeddings: &[Embedding]) -> Embedding {
    let mut sum = [0.0; DIM];
    for e in embeddings {
        sum.iter_mut().zip(e).for_each(|(s, x)| *s += x);
    }
    let n = embeddings.len().max(1) as f32;
    sum.map(|s| s / n)
}

/// Highest cosine between `embedding` and any of `phrasings` (−1 when empty).
pub(super) fn best_score(phrasings: &[Embedding], embedding: &Embedding) -> f32 {
    phrasings.iter().map(|p| cosine(p, embedding)).fold(-1.0, f32::max)
}

impl PhraseIndex {
    /// Builds the index from `(key, title, examples, threshold)` tuples.
    pub(super) fn new<'a>(
        encoder: &SentenceEncoder,
        targets: impl Iterator<Item = (&'a str, &'a str, &'a [String], f32)>,
    ) -> Result<Self, EncoderError> {
        let targets = targets
            .map(|(key, title, examples, threshold)| {
                let mut texts = examples.to_vec();
                texts.push(title.to_owned());
                Ok(Target { key: key.to_owned(), threshold, prototype: mean(&embed_all(encoder, &texts)?) })
            })
            .collect::<Result<_, EncoderError>>()?;
        Ok(Self { targets })
    }

    /// Best cosine between `embedding` and any target's prototype (−1 when there is none).
    pub(super) fn best_cosine(&self, embedding: &Embedding) -> f32 {
        self.targets.iter().map(|t| cosine(&t.prototype, embedding)).fold(-1.0, f32::max)
    }

    /// The eligible target the sentence with `embedding` means, if any; a target's score is
    /// its prototype's cosine to it. The eligible target with the highest
    /// score must reach its threshold and lead by `margin` both the runner-up eligible target
    /// and the background fillers (`background` = the sentence's best background cosine),
    /// and no ineligible target (an item already ticked, an objection in its cooldown) may
    /// lead it by `covered_lead` or more: a sentence that clearly means something already
    /// covered must not tick the next-closest item, while one that is only marginally closer
    /// to a covered item is ambiguous, and the uncovered reading wins.
    /// `extra` raises every threshold (partial text must be more convincing than final text).
    pub(super) fn decide(
        &self,
        embedding: &Embedding,
        background: f32,
        margin: f32,
        covered_lead: f32,
        extra: f32,
        eligible: impl Fn(&str) -> bool,
    ) -> Option<(&str, f32)> {
        let (mut scored, covered): (Vec<_>, Vec<_>) = self
            .targets
            .iter()
            .map(|t| (t, cosine(&t.prototype, embedding)))
            .partition(|(t, _)| eligible(&t.key));
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (best, score) = *scored.first()?;
        let runner_up = scored.get(1).map_or(-1.0, |s| s.1).max(background);
        let best_covered = covered.iter().map(|c| c.1).fold(-1.0, f32::max);
        (score >= best.threshold + extra && score - runner_up >= margin && best_covered - score < covered_lead)
            .then_some((best.key.as_str(), score))
    }
}
