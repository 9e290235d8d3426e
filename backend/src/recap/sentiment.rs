//! Sentiment timeline and the guests' overall score.
//!
//! Each live `sentiment_updated` event (the speaker's smoothed label after an utterance) is one
//! point. Labels map to valence: positive +1, neutral 0, negative −0.6, irritated −1
//! (irritation is the stronger negative: frustration with the call itself). The overall score
//! is the guests' mean valence weighted by each utterance's duration, in [−1, 1]; `None` when no
//! guest sentiment was measured. Ranks ([`rank`]) order labels for "did it drop" comparisons.

use super::record::CallRecord;
use closer_wire::{SentimentLabel, SentimentPoint, Side};

/// Valence of a label in [−1, 1].
pub fn valence(label: SentimentLabel) -> f64 {
    match label {
        SentimentLabel::Positive => 1.0,
        SentimentLabel::Neutral => 0.0,
        SentimentLabel::Negative => -0.6,
        SentimentLabel::Irritated => -1.0,
    }
}

/// Order of labels from worst (0, irritated) to best (3, positive).
pub fn rank(label: SentimentLabel) -> u8 {
    match label {
        SentimentLabel::Irritated => 0,
        SentimentLabel::Negative => 1,
        SentimentLabel::Neutral => 2,
        SentimentLabel::Positive => 3,
    }
}

/// Every sentiment update as a timeline point, ordered by the utterance's start.
pub fn timeline(record: &CallRecord) -> Vec<SentimentPoint> {
    let mut points: Vec<SentimentPoint> = record
        .moods
        .iter()
        .map(|m| SentimentPoint {
            speaker: m.speaker.clone(),
            label: m.label,
            score: valence(m.label),
            confidence: m.confidence,
            start_ms: m.start_ms,
            end_ms: m.end_ms,
            segment_id: m.segment_id.clone(),
        })
        .collect();
    points.sort_by_key(|p| (p.start_ms, p.end_ms));
    points
}

/// Guests' duration-weighted mean valence, rounded to 0.01.
pub fn guest_score(record: &CallRecord) -> Option<f64> {
    let guests = record.moods.iter().filter(|m| record.side(&m.speaker) == Side::Guest);
    let (sum, weight) = guests.fold((0.0, 0.0), |(sum, weight), m| {
        let w = (m.end_ms.saturating_sub(m.start_ms)).max(1) as f64;
        (sum + valence(m.label) * w, weight + w)
    });
    (weight > 0.0).then(|| (sum / weight * 100.0).round() / 100.0)
}

/// A word for a score: `positive` (≥ 0.25), `negative` (≤ −0.25) or `neutral`.
pub fn describe(score: f64) -> &'static str {
    if score >= 0.25 {
        "positive"
    } else if score <= -0.25 {
        "negative"
    } else {
        "neutral"
    }
}
