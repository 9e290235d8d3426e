//! The analyzer on the fixture calls' exact text (no STT): each scripted turn is fed as one
//! final utterance. This isolates analysis quality from recognition errors; the audio path
//! is scored end to end in `live_fixtures.rs`.

mod common;

use closer::analysis::{AnalysisModels, Analyzer, Finding, SpeakerRole, Utterance};
use closer_testkit::eval::{Observed, score};
use closer::semantics::encoder::SentenceEncoder;
use std::sync::Arc;

/// Checklist recall floor on the scripted text. The checklist model is fitted on the analysis
/// corpus's calibration half, not on these two calls (whose old cosine threshold was chosen to
/// tick every item of them, #21). Fed as whole scripted turns, "Great. So the next step is…"
/// and "That is fair. When would you ideally want…?" come out just under its threshold (0.35
/// and 0.44 against 0.45: the leading pleased remark weighs against coverage), and so does the
/// Italian greeting turn "Buongiorno Paolo, grazie…": 4 of 6 English items, 5 of 6 Italian. As heard, Whisper ends a segment at each sentence pause and every
/// item of both calls is ticked; `live_fixtures.rs` asserts ≥ 0.9 there. Held-out figures are
/// `analysis_corpus.rs`'.
const SCRIPTED_CHECKLIST_RECALL: f64 = 0.6;

#[test]
fn analyzer_on_scripted_text_meets_quality_bars() {
    let encoder = Arc::new(SentenceEncoder::load(&common::models()).unwrap());
    let models = Arc::new(AnalysisModels::new(encoder).unwrap());
    for id in ["en-discovery", "it-primo-contatto"] {
        let (timeline, playbook) = common::fixture(id);
        let mut analyzer = Analyzer::new(models.clone(), playbook).unwrap();
        let mut observed = Vec::new();
        for (n, turn) in timeline.turns.iter().enumerate() {
            let role = if timeline.speakers[&turn.speaker].role == "host" { SpeakerRole::Host } else { SpeakerRole::Guest };
            let text = closer::pii::redact(&turn.text).text;
            let segment_id = format!("{}-{n}", turn.speaker);
            let utterance = Utterance {
                segment_id: &segment_id,
                speaker: &turn.speaker,
                role,
                text: &text,
                start_ms: turn.start_ms as u64,
                end_ms: turn.end_ms as u64,
                is_final: true,
            };
            for finding in analyzer.analyze(&utterance).unwrap() {
                observed.push(match finding {
                    Finding::Ticked { item, .. } => Observed::Tick { item, at_ms: turn.end_ms },
                    Finding::Objection { key, .. } => Observed::Objection { key, at_ms: turn.end_ms },
                    Finding::Sentiment { speaker, label, start_ms, end_ms, .. } => Observed::Sentiment {
                        speaker,
                        label,
                        start_ms: start_ms as i64,
                        end_ms: end_ms as i64,
                    },
                    Finding::Suggestion { .. } => continue,
                });
            }
        }
        let s = score(&timeline, &observed);
        println!(
            "{id}: checklist P {:.2} R {:.2} {:?}; objections P {:.2} R {:.2} {:?}; sentiment 4-class {:.2} 3-class {:.2} {:#?}",
            s.checklist.precision(),
            s.checklist.recall(),
            s.checklist.mistakes,
            s.objections.precision(),
            s.objections.recall(),
            s.objections.mistakes,
            s.sentiment_accuracy(),
            s.sentiment_accuracy_3class(),
            s.sentiment_mistakes
        );
        assert!(s.checklist.precision() >= 0.9 && s.checklist.recall() >= SCRIPTED_CHECKLIST_RECALL, "{id} checklist");
        assert!(s.objections.precision() >= 0.9 && s.objections.recall() >= 0.9, "{id} objections");
        assert!(s.sentiment_accuracy_3class() >= 0.8, "{id} sentiment");
    }
}

/// A fresh analyzer with the playbook of fixture call `id`.
fn analyzer_for(id: &str) -> Analyzer {
    let encoder = Arc::new(SentenceEncoder::load(&common::models()).unwrap());
    let models = Arc::new(AnalysisModels::new(encoder).unwrap());
    Analyzer::new(models, common::fixture(id).1).unwrap()
}

/// Sentiment is judged per turn: the VAD cuts a turn at every sentence pause, so the segments
/// of one speaker are joined until someone else starts speaking (by audio time, whatever order
/// the finals arrive in) or the speaker falls silent for over `TURN_LAPSE_MS`.
#[test]
fn sentiment_is_judged_on_whole_turns_in_audio_order() {
    let mut analyzer = analyzer_for("en-discovery");
    let mut feed = |n: usize, speaker: &str, text: &str, start_ms: u64, end_ms: u64| {
        let role = if speaker == "host" { SpeakerRole::Host } else { SpeakerRole::Guest };
        let segment_id = format!("{speaker}-{n}");
        let u = Utterance { segment_id: &segment_id, speaker, role, text, start_ms, end_ms, is_final: true };
        analyzer
            .analyze(&u)
            .unwrap()
            .into_iter()
            .find_map(|f| match f {
                Finding::Sentiment { label, start_ms, .. } => Some((label, start_ms)),
                _ => None,
            })
            .expect("a final always updates the speaker's sentiment")
    };
    use closer_wire::SentimentLabel::{Irritated, Negative};
    // One complaint cut in two: the second, neutral-sounding sentence belongs to it.
    feed(1, "guest_a", "Honestly, it is all manual.", 0, 1_800);
    let (label, start) = feed(2, "guest_a", "We copy data between three tools and it takes our team twenty hours a week.", 2_100, 7_000);
    assert_eq!(start, 0, "the second segment continues the turn");
    assert!(matches!(label, Negative | Irritated), "the turn is a complaint, got {label:?}");
    // The seller answers: the prospect's next segment is a new turn.
    feed(3, "host", "Twenty hours a week is a lot.", 7_600, 9_000);
    assert_eq!(feed(4, "guest_a", "Yes it is.", 9_600, 10_400).1, 9_600);
    // A later segment of someone else that arrives first does not cut the turn.
    feed(5, "host", "Let me show you the numbers.", 20_000, 21_500);
    assert_eq!(feed(6, "guest_a", "And the reports take another day.", 10_700, 12_500).1, 9_600);
    // A silence longer than the lapse ends the turn even without a reply.
    assert_eq!(feed(7, "guest_a", "Anyway.", 15_000, 15_600).1, 15_000);
}

/// A match in partial text needs the next partial of the same utterance to agree; a final
/// needs no confirmation. (Whisper's real partials of the it-primo-contatto needs question:
/// its first second came out as "qual è il budget progetto?".)
#[test]
fn a_partial_match_counts_once_the_next_partial_agrees() {
    let mut analyzer = analyzer_for("it-primo-contatto");
    let mut ticks = |segment_id: &str, text: &str, is_final: bool| -> Vec<String> {
        let u = Utterance { segment_id, speaker: "host", role: SpeakerRole::Host, text, start_ms: 12_080, end_ms: 16_000, is_final };
        keys(&mut analyzer, &u, ticked)
    };
    let none = Vec::<String>::new();
    assert_eq!(ticks("host-3", "Qual è il budget progetto?", false), none, "a first partial match waits");
    assert_eq!(ticks("host-3", "Qual è oggi il problema più grande?", false), none, "a different match waits too");
    assert_eq!(ticks("host-3", "Qual è oggi il problema più grande per il vostro ufficio?", false), ["esigenze"], "confirmed");
    assert_eq!(ticks("host-3", "Qual è oggi il problema più grande per il vostro ufficio commerciale?", true), none);
    // The hallucinated budget was never ticked, and a final ticks at once.
    assert_eq!(ticks("host-4", "Avete già stanziato delle risorse economiche per questo progetto?", true), ["budget"]);
}

/// What `analyzer` concludes from `u`: the keys `pick` takes from its findings.
fn keys(analyzer: &mut Analyzer, u: &Utterance<'_>, pick: fn(Finding) -> Option<String>) -> Vec<String> {
    analyzer.analyze(u).unwrap().into_iter().filter_map(pick).collect()
}

/// The checklist item a finding ticks.
fn ticked(finding: Finding) -> Option<String> {
    match finding {
        Finding::Ticked { item, .. } => Some(item),
        _ => None,
    }
}
