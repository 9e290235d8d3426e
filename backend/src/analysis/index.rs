//! Embedding helpers of the checklist and objection indexes: prototypes, background fillers.
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
use std::collections::HashSet;

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

/// A checklist item's or an objection's phrasings, embedded.
pub(super) struct Phrasings {
    /// Mean embedding of the examples and the title.
    pub prototype: Embedding,
    pub examples: Vec<Embedding>,
    pub title: Embedding,
    /// `stems` of the examples and the title.
    pub stems: HashSet<String>,
}

/// Embeds `title` and `examples` one by one (see [`embed_all`]) and collects their `stems`.
///
/// Errors: the encoder failing.
pub(super) fn embed_phrasings(
    encoder: &SentenceEncoder,
    title: &str,
    examples: &[String],
    stems: fn(&str) -> HashSet<String>,
) -> Result<Phrasings, EncoderError> {
    let mut texts = examples.to_vec();
    texts.push(title.to_owned());
    let mut examples = embed_all(encoder, &texts)?;
    let title = examples.pop().expect("the title was pushed");
    let mut all = examples.clone();
    all.push(title);
    Ok(Phrasings { prototype: mean(&all), examples, title, stems: texts.iter().flat_map(|t| stems(t)).collect() })
}
