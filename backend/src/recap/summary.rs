//! Embedded extractive summary (offline, EN + IT): a headline built from the KPIs, then the
//! call's key sentences.
//!
//! Key sentences: every sentence of 5+ words is scored
//! `0.5 × centrality + 0.3 × evidence + 0.2 × guest`, where centrality is the cosine between
//! the sentence's embedding (multilingual sentence encoder) and the mean embedding of all
//! sentences — the sentence most representative of the call — evidence is 1 for a sentence
//! that ticked a checklist item or raised an objection, and guest is 1 for the prospect's words
//! (what the customer said is what a CRM note needs). Without the encoder, centrality is
//! replaced by length (longer sentences carry more content, capped at 25 words). The top
//! [`KEY_POINTS`] are listed in call order as "Name: sentence".

use super::record::CallRecord;
use super::text;
use crate::semantics::encoder::{DIM, Embedding, SentenceEncoder, cosine};
use closer_wire::{ChecklistCoverage, Kpis, ObjectionOutcome, Side};

/// Key sentences listed under the headline.
pub const KEY_POINTS: usize = 4;
/// Shorter sentences are not key-point candidates.
const MIN_WORDS: usize = 5;

struct Candidate {
    order: usize,
    speaker: String,
    side: Side,
    text: String,
    evidence: bool,
}

fn candidates(record: &CallRecord, checklist: &[ChecklistCoverage], objections: &[ObjectionOutcome]) -> Vec<Candidate> {
    let evidence_segments: Vec<&str> = checklist
        .iter()
        .filter_map(|c| c.evidence.as_ref())
        .chain(objections.iter().map(|o| &o.evidence))
        .map(|e| e.segment_id.as_str())
        .collect();
    let mut out = Vec::new();
    for segment in &record.segments {
        for sentence in text::sentences(&segment.text) {
            if text::words(&sentence).len() < MIN_WORDS {
                continue;
            }
            out.push(Candidate {
                order: out.len(),
                speaker: record.name(&segment.speaker),
                side: record.side(&segment.speaker),
                evidence: evidence_segments.contains(&segment.segment_id.as_str()),
                text: sentence,
            });
        }
    }
    out
}

/// Centrality of each candidate, or `None` when the encoder is missing or fails.
fn centrality(encoder: Option<&SentenceEncoder>, candidates: &[Candidate]) -> Option<Vec<f64>> {
    let encoder = encoder?;
    let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
    let mut embeddings: Vec<Embedding> = Vec::with_capacity(texts.len());
    for batch in texts.chunks(64) {
        match encoder.embed(batch) {
            Ok(batch) => embeddings.extend(batch),
            Err(e) => {
                tracing::warn!(error = %e, "summary: sentence encoder failed; ranking without it");
                return None;
            }
        }
    }
    let mut mean: Embedding = [0.0; DIM];
    for e in &embeddings {
        mean.iter_mut().zip(e.iter()).for_each(|(m, v)| *m += v);
    }
    Some(embeddings.iter().map(|e| f64::from(cosine(e, &mean))).collect())
}

/// The key sentences, in call order, as "Name: sentence".
pub fn key_points(
    record: &CallRecord,
    checklist: &[ChecklistCoverage],
    objections: &[ObjectionOutcome],
    encoder: Option<&SentenceEncoder>,
) -> Vec<String> {
    let candidates = candidates(record, checklist, objections);
    let central = centrality(encoder, &candidates);
    let mut scored: Vec<(f64, &Candidate)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let content = match &central {
                Some(values) => values[i],
                None => text::words(&c.text).len().min(25) as f64 / 25.0,
            };
            let score = 0.5 * content + 0.3 * f64::from(u8::from(c.evidence)) + 0.2 * f64::from(u8::from(c.side == Side::Guest));
            (score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.order.cmp(&b.1.order)));
    let mut chosen: Vec<&Candidate> = scored.into_iter().take(KEY_POINTS).map(|(_, c)| c).collect();
    chosen.sort_by_key(|c| c.order);
    chosen.into_iter().map(|c| format!("{}: {}", c.speaker, c.text)).collect()
}

/// Words of the headline per language (English for languages without a translation).
struct Phrases {
    with: &'static str,
    checklist: &'static str,
    missing: &'static str,
    objections: &'static str,
    handled: &'static str,
    not_handled: &'static str,
    none: &'static str,
    sentiment: &'static str,
    key_points: &'static str,
    moods: [&'static str; 3],
}

fn phrases(language: &str) -> Phrases {
    match language {
        "it" => Phrases {
            with: "con",
            checklist: "Checklist: {c} di {t} punti coperti",
            missing: "mancano",
            objections: "Obiezioni",
            handled: "gestita",
            not_handled: "non gestita",
            none: "nessuna",
            sentiment: "Sentiment degli ospiti",
            key_points: "Punti chiave",
            moods: ["positivo", "neutro", "negativo"],
        },
        _ => Phrases {
            with: "with",
            checklist: "Checklist: {c} of {t} items covered",
            missing: "missing",
            objections: "Objections",
            handled: "handled",
            not_handled: "not handled",
            none: "none",
            sentiment: "Guest sentiment",
            key_points: "Key points",
            moods: ["positive", "neutral", "negative"],
        },
    }
}

/// The whole extractive summary: headline lines, then "Key points:" and one "- …" per point.
pub fn summarize(
    record: &CallRecord,
    title: &str,
    kpis: &Kpis,
    checklist: &[ChecklistCoverage],
    objections: &[ObjectionOutcome],
    key_points: &[String],
) -> String {
    let p = phrases(&record.language);
    let ids = record.speaker_ids();
    let seller: Vec<String> = ids.iter().filter(|id| record.side(id) == Side::Seller).map(|id| record.name(id)).collect();
    let guests: Vec<String> = ids.iter().filter(|id| record.side(id) == Side::Guest).map(|id| record.name(id)).collect();
    let minutes = (kpis.duration_ms as f64 / 60_000.0).round().max(1.0);
    let mut lines = vec![format!("{title} — {} {} {}, {minutes} min.", seller.join(", "), p.with, guests.join(", "))];
    let missing: Vec<&str> = checklist.iter().filter(|c| !c.covered).map(|c| c.title.as_str()).collect();
    let mut coverage = p.checklist.replace("{c}", &kpis.items_covered.to_string()).replace("{t}", &kpis.items_total.to_string());
    if !missing.is_empty() {
        coverage.push_str(&format!(" ({}: {})", p.missing, missing.join(", ")));
    }
    lines.push(format!("{coverage}."));
    let raised: Vec<String> = objections
        .iter()
        .map(|o| format!("{} ({})", o.title, if o.handled { p.handled } else { p.not_handled }))
        .collect();
    lines.push(format!("{}: {}.", p.objections, if raised.is_empty() { p.none.to_owned() } else { raised.join(", ") }));
    if let Some(score) = kpis.sentiment_score {
        let mood = match super::sentiment::describe(score) {
            "positive" => p.moods[0],
            "negative" => p.moods[2],
            _ => p.moods[1],
        };
        lines.push(format!("{}: {mood} ({score:+.2}).", p.sentiment));
    }
    if !key_points.is_empty() {
        lines.push(format!("{}:", p.key_points));
        lines.extend(key_points.iter().map(|k| format!("- {k}")));
    }
    lines.join("\n")
}
