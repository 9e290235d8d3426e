//! Objections raised and whether the seller handled them.
//!
//! Rule (turns = final segments of anyone, in start order):
//! 1. The objection's turn is the segment of its evidence.
//! 2. **Responded**: a seller turn is among the next [`RESPONSE_TURNS`] turns.
//! 3. **Handled**: responded, and the sentiment of the guest who raised it did not drop below
//!    its level at the objection within the [`AFTER_TURNS`] turns after the seller's response
//!    (label order irritated < negative < neutral < positive). The level at the objection is the
//!    guest's sentiment update for that turn, else their latest before it (neutral if none). A
//!    guest who stays silent in that window shows no drop.
//!
//! An objection whose evidence matches no segment counts as raised, not responded, not handled.

use super::record::{CallRecord, Raised};
use super::sentiment::rank;
use closer_wire::{ObjectionOutcome, SentimentLabel, Side};

/// Turns after the objection in which the seller must speak.
pub const RESPONSE_TURNS: usize = 2;
/// Turns after the seller's response in which the guest's sentiment must not drop.
pub const AFTER_TURNS: usize = 2;

/// The guest's label for turn `index`, or their latest before it.
fn level_at(record: &CallRecord, guest: &str, index: usize) -> SentimentLabel {
    let segment = &record.segments[index];
    let own = record.moods.iter().filter(|m| m.speaker == guest);
    own.clone()
        .find(|m| m.segment_id == segment.segment_id)
        .or_else(|| own.filter(|m| m.end_ms <= segment.end_ms).max_by_key(|m| m.end_ms))
        .map_or(SentimentLabel::Neutral, |m| m.label)
}

fn outcome(record: &CallRecord, raised: &Raised) -> ObjectionOutcome {
    let turn = record.segments.iter().position(|s| s.segment_id == raised.evidence.segment_id).or_else(|| {
        record.segments.iter().position(|s| {
            s.speaker == raised.evidence.speaker && (s.start_ms..=s.end_ms).contains(&raised.evidence.start_ms)
        })
    });
    let guest = &raised.evidence.speaker;
    let response = turn.and_then(|i| {
        (i + 1..=i + RESPONSE_TURNS)
            .take_while(|j| *j < record.segments.len())
            .find(|j| record.side(&record.segments[*j].speaker) == Side::Seller)
    });
    let handled = match (turn, response) {
        (Some(i), Some(r)) => {
            let before = rank(level_at(record, guest, i));
            let window: Vec<&str> = record.segments[r + 1..].iter().take(AFTER_TURNS).map(|s| s.segment_id.as_str()).collect();
            !record.moods.iter().any(|m| &m.speaker == guest && window.contains(&m.segment_id.as_str()) && rank(m.label) < before)
        }
        _ => false,
    };
    ObjectionOutcome {
        objection: raised.objection.clone(),
        title: raised.title.clone(),
        evidence: raised.evidence.clone(),
        card_shown: true,
        card_presented: record.presented.contains(&raised.objection),
        responded: response.is_some(),
        handled,
        response_ms: response.map(|r| record.segments[r].start_ms),
    }
}

/// Every objection raised, in order, with its outcome.
pub fn outcomes(record: &CallRecord) -> Vec<ObjectionOutcome> {
    record.objections.iter().map(|raised| outcome(record, raised)).collect()
}
