//! The analysis on the corpus (`tests/fixtures/corpus`): prints, per half (calibration /
//! held-out), per listening condition (the script text; Whisper's transcripts of the rendered
//! audio: clean, pink noise at 10 dB SNR, telephone band, and any other condition transcribed)
//! and per language, micro-averaged checklist and objection precision / recall and sentiment
//! accuracy, and the analysis cost per utterance. Asserts nothing. A method under study is
//! compared with today's by running this bench on both builds (the corpus and its transcripts
//! are fixed, so the figures are comparable run to run).
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench corpus` (reuses the test build).
//! The real-time tick / card latency is `benches/live.rs`'s.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use closer::analysis::{AnalysisModels, Analyzer, Utterance};
use closer::models::ModelPaths;
use closer::semantics::encoder::SentenceEncoder;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn models_dir() -> PathBuf {
    std::env::var_os("CLOSER_MODELS_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/closer/models")
    })
}

fn analysis_cost(models: &Arc<AnalysisModels>, calls: &[corpus::Call]) {
    let mut times = Vec::new();
    for call in calls {
        let mut analyzer = Analyzer::new(models.clone(), call.playbook.clone()).unwrap();
        for (n, turn) in call.timeline.turns.iter().enumerate() {
            let segment = format!("s{n}");
            let u = Utterance { segment_id: &segment, speaker: &turn.speaker, role: call.role(&turn.speaker), text: &turn.text, start_ms: turn.start_ms as u64, end_ms: turn.end_ms as u64, is_final: true };
            let t = Instant::now();
            analyzer.analyze(&u).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "analysis: {:.2} ms per utterance on average, p95 {:.2} ms ({} utterances; one core, the encoder's int8 ONNX graph)",
        times.iter().sum::<f64>() / times.len() as f64,
        times[times.len() * 95 / 100],
        times.len()
    );
}

fn main() {
    let encoder = Arc::new(SentenceEncoder::load(&ModelPaths::in_dir(&models_dir())).expect("run scripts/models"));
    let models = Arc::new(AnalysisModels::new(encoder.clone()).unwrap());
    for half in corpus::HALVES {
        let calls = corpus::calls(half);
        println!("{half} ({} calls)", calls.len());
        for (language, t) in corpus::tally_by_language(&calls, |c| c.run_script(&models)) {
            println!("  script     {language}: {}", t.line());
        }
        let asr = corpus::root().join(half).join("asr");
        let mut conditions: Vec<String> = std::fs::read_dir(&asr)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        conditions.sort_by_key(|c| (corpus::CONDITIONS.iter().position(|k| k == c).unwrap_or(9), c.clone()));
        for condition in &conditions {
            let transcribed = calls.iter().filter(|c| asr.join(condition).join(format!("{}.json", c.id)).is_file());
            for (language, t) in corpus::tally_by_language(transcribed, |c| c.run_transcript(&models, condition)) {
                println!("  {condition:<10} {language}: {}", t.line());
            }
        }
    }
    analysis_cost(&models, &corpus::calls("held-out"));
}
