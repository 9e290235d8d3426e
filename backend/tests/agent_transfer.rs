//! A guest asking to speak with a person (#18), read on the held-out half of
//! `tests/fixtures/agent-transfer` (EN + IT, by another hand than the built-in examples, the
//! calibration half), per language; and the calibration half read leaving each turn out of its
//! own prototype, the figures the method and its margin were chosen on.

mod common;

use closer::agent::transfer::{Ask, Example, K, MIN_MARGIN, TransferReader, builtin_examples, parse_examples};
use closer::semantics::encoder::{Embedding, SentenceEncoder, cosine, mean};

/// Floors on the held-out half, per language: (language, recall, precision). Measured when the
/// method was chosen (December 2026, 60 turns each, 20 requests): EN recall 0.95, precision
/// 0.86; IT 0.90 and 0.95. The floors allow about two turns more read wrongly, so the
/// encoder's small differences between CPUs pass and a broken reader does not. A request
/// missed makes the guest ask again; a turn wrongly read as one costs a question ("would you
/// like me to ask Sara to join?"), as the agent asks before it calls anyone in.
const FLOORS: [(&str, f64, f64); 2] = [("en", 0.85, 0.76), ("it", 0.80, 0.84)];

/// (precision, recall) of `asks` against the labels of `examples`.
fn measure(asks: impl Fn(&Example) -> bool, examples: &[&Example]) -> (f64, f64) {
    let (mut hit, mut said, mut wanted) = (0, 0, 0);
    for e in examples {
        let got = asks(e);
        let want = e.label == Ask::Person;
        hit += usize::from(got && want);
        said += usize::from(got);
        wanted += usize::from(want);
    }
    (hit as f64 / said.max(1) as f64, hit as f64 / wanted.max(1) as f64)
}

#[test]
fn held_out_requests_for_a_person_are_heard_and_other_turns_are_not() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let reader = TransferReader::builtin(&encoder).unwrap();
    let path = common::repo_root().join("tests/fixtures/agent-transfer/held-out.jsonl");
    let held_out = parse_examples(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut failures = Vec::new();
    for (language, recall_floor, precision_floor) in FLOORS {
        let examples: Vec<&Example> = held_out.iter().filter(|e| e.language == language).collect();
        let (precision, recall) = measure(|e| reader.asks_for_person(&encoder, &e.turn).unwrap(), &examples);
        println!("held-out {language}: precision {precision:.3} recall {recall:.3}, {} turns", examples.len());
        for e in &examples {
            let got = reader.asks_for_person(&encoder, &e.turn).unwrap();
            if got != (e.label == Ask::Person) {
                println!("  {:?} read as {}: {:?}", e.label, if got { "person" } else { "other" }, e.turn);
            }
        }
        if recall < recall_floor || precision < precision_floor {
            failures.push(format!("{language}: precision {precision:.3} (floor {precision_floor}), recall {recall:.3} (floor {recall_floor})"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The calibration half, each turn read by prototypes built without it (leave one out), over a
/// range of margins, and by the vote of its 3–9 nearest turns (with and without a margin):
/// what the method, [`K`] and [`MIN_MARGIN`] were chosen on. Prints the figures; run with `--ignored --nocapture`.
#[test]
#[ignore = "a measurement for choosing the method, not a check"]
fn calibration_turns_left_out_one_at_a_time() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let examples = builtin_examples();
    let turns: Vec<&str> = examples.iter().map(|e| e.turn.trim()).collect();
    let embedded = encoder.embed(&turns).unwrap();
    let mean_without = |kind: Ask, left_out: usize| -> Embedding {
        mean((0..examples.len()).filter(|&i| i != left_out && examples[i].label == kind).map(|i| &embedded[i]))
    };
    let margins: Vec<f32> = (0..examples.len())
        .map(|i| cosine(&mean_without(Ask::Person, i), &embedded[i]) - cosine(&mean_without(Ask::Other, i), &embedded[i]))
        .collect();
    let index = |e: &Example| examples.iter().position(|o| std::ptr::eq(o, e)).unwrap();
    for language in ["en", "it"] {
        let mine: Vec<&Example> = examples.iter().filter(|e| e.language == language).collect();
        for t in [-0.06f32, -0.04, -0.02, 0.0, 0.02, 0.04, 0.06, 0.08, 0.10] {
            let (p, r) = measure(|e| margins[index(e)] >= t, &mine);
            let f1 = 2.0 * p * r / (p + r).max(f64::EPSILON);
            println!("calibration {language} nearest prototype by margin {t:+.2}: precision {p:.3} recall {r:.3} F1 {f1:.3}");
        }
        for k in [3usize, 5, 7, 9] {
            let knn = |e: &Example| {
                let i = index(e);
                let mut near: Vec<(f32, Ask)> = (0..examples.len()).filter(|&j| j != i).map(|j| (cosine(&embedded[i], &embedded[j]), examples[j].label)).collect();
                near.sort_by(|a, b| b.0.total_cmp(&a.0));
                near.iter().take(k).filter(|(_, l)| *l == Ask::Person).count() * 2 > k
            };
            let (p, r) = measure(knn, &mine);
            println!("calibration {language} {k} nearest turns' vote{}: precision {p:.3} recall {r:.3} F1 {:.3}", if k == K { " (K)" } else { "" }, 2.0 * p * r / (p + r).max(f64::EPSILON));
            for t in [-0.04f32, -0.02, 0.0] {
                let (p, r) = measure(|e| knn(e) && margins[index(e)] >= t, &mine);
                println!("calibration {language} {k} nearest turns' vote and margin {t:+.2}{}: precision {p:.3} recall {r:.3} F1 {:.3}", if k == K && t == MIN_MARGIN { " (K, MIN_MARGIN)" } else { "" }, 2.0 * p * r / (p + r).max(f64::EPSILON));
            }
        }
    }
}

