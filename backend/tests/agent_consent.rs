//! Replies to the agent's offer of a call back (#18), read on the held-out half of
//! `tests/fixtures/agent-consent` (80 replies EN + IT by another hand than the built-in
//! examples, the calibration half), per language, beside the majority class; and the
//! calibration half read leaving each reply out of its own prototype, the figure the method
//! was chosen on.

mod common;

use closer::agent::consent::{Consent, ConsentReader, Example, builtin_examples, opens_with_no, parse_examples};
use closer::semantics::encoder::SentenceEncoder;

/// Floors: the held-out accuracy measured when the method was chosen (December 2026: EN 0.875,
/// IT 0.825, 40 replies each; majority class 0.45) less 0.05, so the encoder's small
/// differences between CPUs pass and a broken reader does not. A decline read as an
/// acceptance books a call nobody wants: measured EN 1 of 14 declines, IT none; the ceiling
/// allows one flip more (2 of 14).
const FLOORS: [(&str, f64); 2] = [("en", 0.82), ("it", 0.77)];
const DECLINE_AS_ACCEPT_CEILING: f64 = 0.15;

/// (accuracy, share of declines read as accepts, majority class) of `reader` on `examples`.
fn measure(read: impl Fn(&Example) -> Consent, examples: &[&Example]) -> (f64, f64, f64) {
    let (mut right, mut booked_wrongly, mut declines, mut counts) = (0, 0, 0, [0usize; 3]);
    for e in examples {
        let got = read(e);
        right += usize::from(got == e.label);
        if e.label == Consent::Decline {
            declines += 1;
            booked_wrongly += usize::from(got == Consent::Accept);
        }
        counts[e.label as usize] += 1;
    }
    let n = examples.len() as f64;
    (right as f64 / n, booked_wrongly as f64 / declines.max(1) as f64, *counts.iter().max().unwrap() as f64 / n)
}

#[test]
fn held_out_replies_to_an_offer_are_read_like_their_labels() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let reader = ConsentReader::builtin(&encoder).unwrap();
    let path = common::repo_root().join("tests/fixtures/agent-consent/held-out.jsonl");
    let held_out = parse_examples(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut failures = Vec::new();
    for (language, floor) in FLOORS {
        let examples: Vec<&Example> = held_out.iter().filter(|e| e.language == language).collect();
        let (accuracy, wrong_bookings, majority) = measure(|e| reader.read(&encoder, &e.reply).unwrap(), &examples);
        println!(
            "held-out {language}: accuracy {accuracy:.3} (majority class {majority:.3}), declines read as accepts {wrong_bookings:.3}, {} replies",
            examples.len()
        );
        if accuracy < floor || wrong_bookings > DECLINE_AS_ACCEPT_CEILING {
            failures.push(format!("{language}: accuracy {accuracy:.3} (floor {floor}), declines read as accepts {wrong_bookings:.3}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The calibration half, each reply read by prototypes built without it (leave one out): what
/// the method was chosen on. Prints the figures; run with `--ignored --nocapture`.
#[test]
#[ignore = "a measurement for choosing the method, not a check"]
fn calibration_replies_left_out_one_at_a_time() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let examples = builtin_examples();
    for language in ["en", "it"] {
        let mine: Vec<&Example> = examples.iter().filter(|e| e.language == language).collect();
        let read = |e: &Example| {
            let others: Vec<Example> = examples.iter().filter(|o| o.reply != e.reply).cloned().collect();
            ConsentReader::new(&encoder, &others).unwrap().read(&encoder, &e.reply).unwrap()
        };
        let (accuracy, wrong_bookings, majority) = measure(read, &mine);
        println!("calibration {language} (leave one out): accuracy {accuracy:.3} (majority class {majority:.3}), declines read as accepts {wrong_bookings:.3}");
    }
}

/// A way of reading the reply at an index of the calibration half.
type Method<'a> = Box<dyn Fn(usize) -> Consent + 'a>;

/// The first clause of a reply: up to its first punctuation mark.
fn first_clause(reply: &str) -> &str {
    let cut = reply.find([',', '.', '!', '?', ';']).unwrap_or(reply.len());
    reply[..cut].trim()
}

/// Candidate methods, each reply left out: prototypes of whole replies (A), of first clauses
/// (B), the sum of both cosines (C), the 5 nearest replies' vote (D), and a reply opening with
/// the answer particle no read as a decline, the others as A (E).
#[test]
#[ignore = "a measurement for choosing the method, not a check"]
fn candidate_methods_on_the_calibration_half() {
    use closer::semantics::encoder::{Embedding, cosine};
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let examples = builtin_examples();
    let embed = |t: &str| encoder.embed(&[t]).unwrap().remove(0);
    let whole: Vec<Embedding> = examples.iter().map(|e| embed(e.reply.trim())).collect();
    let first: Vec<Embedding> = examples.iter().map(|e| embed(first_clause(&e.reply))).collect();
    let kinds = [Consent::Accept, Consent::Decline, Consent::Unclear];
    let prototype = |set: &[Embedding], skip: usize, kind: Consent| {
        let mut p = [0f32; 512];
        let mut n = 0;
        for (_, e) in set.iter().enumerate().filter(|(i, _)| *i != skip && examples[*i].label == kind) {
            p.iter_mut().zip(e).for_each(|(s, x)| *s += x);
            n += 1;
        }
        p.map(|s| s / n as f32)
    };
    let argmax = |scores: [f32; 3]| kinds[(0..3).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap()];
    for language in ["en", "it"] {
        let mine: Vec<usize> = (0..examples.len()).filter(|&i| examples[i].language == language).collect();
        let methods: [(&str, Method); 5] = [
            ("A whole", Box::new(|i| argmax(kinds.map(|k| cosine(&prototype(&whole, i, k), &whole[i]))))),
            ("E a leading no, else A", Box::new(|i| {
                if opens_with_no(&examples[i].reply) { Consent::Decline } else { argmax(kinds.map(|k| cosine(&prototype(&whole, i, k), &whole[i]))) }
            })),
            ("B first clause", Box::new(|i| argmax(kinds.map(|k| cosine(&prototype(&first, i, k), &first[i]))))),
            ("C both", Box::new(|i| argmax(kinds.map(|k| cosine(&prototype(&whole, i, k), &whole[i]) + cosine(&prototype(&first, i, k), &first[i]))))),
            ("D 5-NN", Box::new(|i| {
                let mut near: Vec<(f32, Consent)> = (0..examples.len()).filter(|&j| j != i).map(|j| (cosine(&whole[i], &whole[j]), examples[j].label)).collect();
                near.sort_by(|a, b| b.0.total_cmp(&a.0));
                argmax(kinds.map(|k| near[..5].iter().filter(|(_, l)| *l == k).map(|(c, _)| *c).sum()))
            })),
        ];
        for (name, method) in &methods {
            let picked: Vec<&Example> = mine.iter().map(|&i| &examples[i]).collect();
            let index = |e: &Example| examples.iter().position(|x| std::ptr::eq(x, e)).unwrap();
            let (accuracy, wrong, _) = measure(|e| method(index(e)), &picked);
            println!("calibration {language} {name}: accuracy {accuracy:.3}, declines read as accepts {wrong:.3}");
        }
    }
}
