//! BANT scoring of a prospect's answers on the held-out half of `tests/fixtures/bant` (320
//! question/answer pairs in 16 domains that the built-in examples — the calibration half — do
//! not cover), per language, beside the majority-class baseline.

mod common;

use closer::leads::bant::{Assessor, Example, parse_examples};
use closer_wire::BantCriterion;
use closer::semantics::encoder::SentenceEncoder;

fn held_out(language: &str) -> Vec<Example> {
    let path = common::repo_root().join(format!("tests/fixtures/bant/held-out/{language}.jsonl"));
    parse_examples(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Floors: the held-out accuracy measured when the method was chosen (December 2026: EN 0.85,
/// IT 0.81, both 160 answers) less 0.05, so the encoder's small differences between CPUs pass
/// and a broken assessor does not; a 0 read as 2 or the reverse on at most 8 % of answers
/// (measured EN 2.5 %, IT 5.6 %).
const FLOORS: [(&str, f64); 2] = [("en", 0.80), ("it", 0.76)];
const GROSS_CEILING: f64 = 0.08;

#[test]
fn held_out_answers_are_scored_like_their_labels() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let assessor = Assessor::builtin(&encoder).unwrap();
    let mut failures = Vec::new();
    for (language, floor) in FLOORS {
        let examples = held_out(language);
        let (mut right, mut gross, mut counts) = (0, 0, [0usize; 3]);
        for e in &examples {
            let got = assessor.score(&encoder, e.criterion, &e.answer).unwrap();
            right += usize::from(got == e.score);
            gross += usize::from(got.abs_diff(e.score) == 2);
            counts[usize::from(e.score)] += 1;
        }
        let n = examples.len() as f64;
        let (accuracy, gross) = (right as f64 / n, gross as f64 / n);
        let majority = *counts.iter().max().unwrap() as f64 / n;
        println!("held-out {language}: accuracy {accuracy:.3} (majority class {majority:.3}), 0↔2 confusions {gross:.3}, {} answers", examples.len());
        if accuracy < floor || gross > GROSS_CEILING {
            failures.push(format!("{language}: accuracy {accuracy:.3} (floor {floor}), 0↔2 {gross:.3} (ceiling {GROSS_CEILING})"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_call_is_assessed_from_the_last_answer_per_criterion_with_redacted_evidence() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let assessor = Assessor::builtin(&encoder).unwrap();
    let meeting = uuid::Uuid::new_v4();
    let answers = [
        (BantCriterion::Budget, "Not sure yet, I'd have to see."),
        (BantCriterion::Budget, "Yes, the board approved forty thousand euros for it last month. Mail me at paolo@acme.example."),
        (BantCriterion::Authority, "No, honestly I have no say in this, the owner decides everything and I just collect quotes."),
        (BantCriterion::Need, "   "),
    ];
    let bant = assessor.assess(&encoder, &answers, Some(meeting)).unwrap();
    let budget = bant.budget.expect("budget answered");
    assert_eq!(budget.score, 2, "{budget:?}");
    assert!(budget.evidence.starts_with("Yes, the board approved") && !budget.evidence.contains("paolo@"), "{}", budget.evidence);
    assert_eq!(budget.meeting_id, Some(meeting));
    assert_eq!(bant.authority.expect("authority answered").score, 0);
    assert_eq!((bant.need, bant.timeline), (None, None), "blank and unasked criteria stay unassessed");

    let bad = parse_examples("{\"criterion\": \"budget\"}\n").unwrap_err();
    assert!(bad.starts_with("line 1:"), "{bad}");
}
