//! The analysis on the corpus (`tests/fixtures/corpus`): prints, per half (calibration /
//! held-out), per listening condition (the script text; Whisper's transcripts of the rendered
//! audio: clean, pink noise at 10 dB SNR, telephone band, and any other condition transcribed)
//! and per language, micro-averaged checklist and objection precision / recall and sentiment
//! accuracy; the per-turn sentiment of the fitted model against the method it replaced
//! (centroids of example phrasings + cue words + a question bonus, `data/sentiment-baseline.json`)
//! on the same turns; and the analysis cost per utterance. Asserts nothing.
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench corpus` (reuses the test build).
//! The real-time tick / card latency is `benches/live.rs`'s.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use closer::analysis::{AnalysisModels, Analyzer, SENTIMENT_CLASSES, Utterance};
use closer::models::ModelPaths;
use closer::semantics::encoder::{Embedding, SentenceEncoder, cosine};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn models_dir() -> PathBuf {
    std::env::var_os("CLOSER_MODELS_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/closer/models")
    })
}

/// The replaced sentiment method: mean of the 3 closest example cosines per class, + 0.05 per
/// cue word (at most 2), + 0.08 to neutral for a question, softmax at temperature 0.04.
struct Baseline {
    examples: [Vec<Embedding>; 4],
    cues: [Vec<String>; 4],
}

impl Baseline {
    fn load(encoder: &SentenceEncoder) -> Self {
        let data: serde_json::Value = serde_json::from_str(include_str!("data/sentiment-baseline.json")).unwrap();
        let list = |section: &str, class: &str| -> Vec<String> {
            data[section][class].as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect()).unwrap_or_default()
        };
        let classes = ["positive", "neutral", "negative", "irritated"];
        let examples = classes.map(|c| list("examples", c).iter().map(|s| encoder.embed(&[s.as_str()]).unwrap().remove(0)).collect());
        Self { examples, cues: classes.map(|c| list("cues", c)) }
    }

    fn classify(&self, embedding: &Embedding, text: &str) -> usize {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
        let mut best = (0, f32::MIN);
        for class in 0..4 {
            let mut sims: Vec<f32> = self.examples[class].iter().map(|e| cosine(e, embedding)).collect();
            sims.sort_by(|a, b| b.total_cmp(a));
            let top = &sims[..sims.len().min(3)];
            let cues = words.iter().filter(|w| self.cues[class].iter().any(|c| c == *w)).count().min(2);
            let mut logit = top.iter().sum::<f32>() / top.len() as f32 + 0.05 * cues as f32;
            if class == 1 && text.contains('?') {
                logit += 0.08;
            }
            if logit > best.1 {
                best = (class, logit);
            }
        }
        best.0
    }
}

fn three(class: usize) -> usize {
    if class == 3 { 2 } else { class }
}

fn per_turn_sentiment(models: &AnalysisModels, baseline: &Baseline, calls: &[corpus::Call], language: &str) {
    let (mut n, mut model_ok, mut base_ok) = (0, 0, 0);
    for call in calls.iter().filter(|c| c.timeline.language == language) {
        for turn in &call.timeline.turns {
            let text = closer::pii::redact(&turn.text).text;
            let plain = closer::pii::strip_placeholders(&text);
            let embedding = models.encoder.embed(&[plain.as_ref()]).unwrap().remove(0);
            let truth = three(corpus::class(turn.sentiment));
            let probabilities = models.sentiment.classify(&embedding);
            let (label, _) = closer::analysis::sentiment_label(&probabilities);
            model_ok += usize::from(three(SENTIMENT_CLASSES.iter().position(|c| *c == label).unwrap()) == truth);
            base_ok += usize::from(three(baseline.classify(&embedding, &plain)) == truth);
            n += 1;
        }
    }
    println!(
        "    per-turn sentiment {language}, 3 classes: fitted model {:.2} vs baseline {:.2} ({n} turns)",
        model_ok as f64 / n as f64,
        base_ok as f64 / n as f64
    );
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
    let baseline = Baseline::load(&encoder);
    println!("checklist and objections: the method is unchanged from the baseline; sentiment: fitted model (baseline per turn below)");
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
        for language in ["en", "it"] {
            per_turn_sentiment(&models, &baseline, &calls, language);
        }
    }
    analysis_cost(&models, &corpus::calls("held-out"));
}
