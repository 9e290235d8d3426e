//! The analyzer on the fixture calls' exact text (no STT): each scripted turn is fed as one
//! final utterance. This isolates analysis quality from recognition errors; the audio path
//! is scored end to end in `live_fixtures.rs`.

mod common;

use closer::analysis::{AnalysisModels, Analyzer, Finding, SpeakerRole, Utterance};
use closer::eval::{Observed, score};
use closer::semantics::encoder::SentenceEncoder;
use std::sync::Arc;

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
        assert!(s.checklist.precision() >= 0.9 && s.checklist.recall() >= 0.9, "{id} checklist");
        assert!(s.objections.precision() >= 0.9 && s.objections.recall() >= 0.9, "{id} objections");
        assert!(s.sentiment_accuracy_3class() >= 0.8, "{id} sentiment");
    }
}
