//! The analysis on the corpus (`tests/fixtures/corpus`): prints, per half (calibration /
//! held-out), per listening condition (the script text; Whisper's transcripts of the rendered
//! audio: clean, pink noise at 10 dB SNR, telephone band, and any other condition transcribed)
//! and per language, micro-averaged checklist and objection precision / recall and sentiment
//! accuracy, with the checklist's and the objections' replaced methods (cosine thresholds) on
//! the same utterances below each line; the per-turn sentiment of the fitted model against the method it replaced
//! (centroids of example phrasings + cue words + a question bonus, `data/sentiment-baseline.json`)
//! on the same turns; and the analysis cost per utterance. Asserts nothing.
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench corpus` (reuses the test build).
//! The real-time tick / card latency is `benches/live.rs`'s.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use closer::analysis::{AnalysisModels, Analyzer, SENTIMENT_CLASSES, Utterance};
use closer::models::ModelPaths;
use closer_testkit::eval::Observed;
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

/// The checklist method the model replaced: a sentence ticks the open, creditable item whose
/// prototype (mean embedding of its examples and title) it is closest to, when that cosine is
/// ≥ 0.26, leads the runner-up item and the background fillers by 0.02, and no ticked item
/// leads it by 0.08 or more; the whole text of a multi-sentence utterance only when none of its
/// sentences ticked.
fn cosine_checklist(models: &AnalysisModels, call: &corpus::Call, utterances: &[(String, String, u64, u64)]) -> Vec<Observed> {
    let items: Vec<(&str, bool, Embedding)> = call
        .playbook
        .checklist
        .iter()
        .map(|i| (i.key.as_str(), i.credit == closer_wire::Credit::Any, prototype(models, &i.title, &i.examples)))
        .collect();
    let mut ticked: Vec<&str> = Vec::new();
    let mut observed = Vec::new();
    for (speaker, text, _, end_ms) in utterances {
        let host = call.role(speaker) == closer::analysis::SpeakerRole::Host;
        let text = closer::pii::redact(text).text;
        let whole = text.trim().to_owned();
        let (parts, sentences) = parts(whole);
        let mut ticked_here = false;
        for (n, part) in parts.iter().enumerate() {
            if n == sentences && sentences > 0 && ticked_here {
                continue;
            }
            let e = models.encoder.embed(&[part.as_str()]).unwrap().remove(0);
            let background = models.background.iter().map(|b| cosine(b, &e)).fold(-1.0, f32::max);
            let mut open: Vec<(&str, f32)> =
                items.iter().filter(|(k, any, _)| !ticked.contains(k) && (host || *any)).map(|(k, _, p)| (*k, cosine(p, &e))).collect();
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let covered = items.iter().filter(|(k, _, _)| ticked.contains(k)).map(|(_, _, p)| cosine(p, &e)).fold(-1.0, f32::max);
            if let Some(&(key, score)) = open.first() {
                let runner_up = open.get(1).map_or(-1.0, |o| o.1).max(background);
                if score >= 0.26 && score - runner_up >= 0.02 && covered - score < 0.08 {
                    ticked.push(key);
                    ticked_here = true;
                    observed.push(Observed::Tick { item: key.to_owned(), at_ms: *end_ms as i64 });
                }
            }
        }
    }
    observed
}

/// The old analyzer's reading of an utterance's text `whole`: its sentences of two words or
/// more (none when that is the whole text), then the whole; and how many sentences.
fn parts(whole: String) -> (Vec<String>, usize) {
    let mut parts: Vec<String> =
        whole.split(['.', '?', '!', ';']).map(str::trim).filter(|s| s.split_whitespace().count() >= 2).map(str::to_owned).collect();
    if parts.len() == 1 && parts[0] == whole {
        parts.clear();
    }
    let sentences = parts.len();
    parts.push(whole);
    (parts, sentences)
}

/// Mean embedding of a target's examples and title, its prototype.
fn prototype(models: &AnalysisModels, title: &str, examples: &[String]) -> Embedding {
    let texts: Vec<&str> = examples.iter().map(String::as_str).chain([title]).collect();
    let embedded: Vec<Embedding> = texts.iter().map(|t| models.encoder.embed(&[t]).unwrap().remove(0)).collect();
    let mut mean = [0.0; closer::semantics::encoder::DIM];
    for e in &embedded {
        mean.iter_mut().zip(e).for_each(|(m, x)| *m += x / embedded.len() as f32);
    }
    mean
}

/// The objection method the model replaced: in a prospect's utterance that is not pleased, a
/// sentence raises the objection whose prototype it is closest to among those not raised in
/// the last 120 s, when that cosine is ≥ 0.355, leads the runner-up and the background fillers
/// by 0.02, and no objection in its cooldown leads it by 0.08 or more; the whole text of a
/// multi-sentence utterance only when none of its sentences raised one.
fn cosine_objections(models: &AnalysisModels, call: &corpus::Call, utterances: &[(String, String, u64, u64)]) -> Vec<Observed> {
    let objections: Vec<(&str, Embedding)> =
        call.playbook.objections.iter().map(|o| (o.key.as_str(), prototype(models, &o.title, &o.examples))).collect();
    let mut raised: Vec<(&str, u64)> = Vec::new();
    let mut observed = Vec::new();
    for (speaker, text, start_ms, end_ms) in utterances {
        if call.role(speaker) != closer::analysis::SpeakerRole::Guest {
            continue;
        }
        let text = closer::pii::redact(text).text;
        let whole = text.trim().to_owned();
        let plain = closer::pii::strip_placeholders(&whole).into_owned();
        let sentiment = models.sentiment.classify(&models.encoder.embed(&[plain.as_str()]).unwrap().remove(0));
        if closer::analysis::sentiment_label(&sentiment).0 == closer_wire::SentimentLabel::Positive {
            continue;
        }
        let (parts, sentences) = parts(whole);
        let mut raised_here = false;
        for (n, part) in parts.iter().enumerate() {
            if n == sentences && sentences > 0 && raised_here {
                continue;
            }
            let e = models.encoder.embed(&[part.as_str()]).unwrap().remove(0);
            let background = models.background.iter().map(|b| cosine(b, &e)).fold(-1.0, f32::max);
            let fresh = |k: &str| raised.iter().all(|(r, at)| *r != k || start_ms.saturating_sub(*at) >= 120_000);
            let mut open: Vec<(&str, f32)> = objections.iter().filter(|(k, _)| fresh(k)).map(|(k, p)| (*k, cosine(p, &e))).collect();
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let covered = objections.iter().filter(|(k, _)| !fresh(k)).map(|(_, p)| cosine(p, &e)).fold(-1.0, f32::max);
            if let Some(&(key, score)) = open.first() {
                let runner_up = open.get(1).map_or(-1.0, |o| o.1).max(background);
                if score >= 0.355 && score - runner_up >= 0.02 && covered - score < 0.08 {
                    raised.retain(|(r, _)| *r != key);
                    raised.push((key, *start_ms));
                    raised_here = true;
                    observed.push(Observed::Objection { key: key.to_owned(), at_ms: *end_ms as i64 });
                }
            }
        }
    }
    observed
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
    println!("checklist and objections: fitted models (the cosine thresholds they replaced on the line below each); sentiment: fitted model (baseline per turn below)");
    for half in corpus::HALVES {
        let calls = corpus::calls(half);
        println!("{half} ({} calls)", calls.len());
        for (language, t) in corpus::tally_by_language(&calls, |c| c.run_script(&models)) {
            println!("  script     {language}: {}", t.line());
        }
        let cosine_tally = corpus::tally_by_language(&calls, |c| {
            let (timeline, utterances) = c.script();
            let mut observed = cosine_checklist(&models, c, &utterances);
            observed.extend(cosine_objections(&models, c, &utterances));
            (timeline, observed)
        });
        for (language, t) in cosine_tally {
            println!(
                "    baseline   {language}: checklist P {:.2} R {:.2}, objections P {:.2} R {:.2} with the cosine thresholds",
                t.checklist_p(),
                t.checklist_r(),
                t.objections_p(),
                t.objections_r()
            );
        }
        let asr = corpus::root().join(half).join("asr");
        let mut conditions: Vec<String> = std::fs::read_dir(&asr)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        conditions.sort_by_key(|c| (corpus::CONDITIONS.iter().position(|k| k == c).unwrap_or(9), c.clone()));
        for condition in &conditions {
            let transcribed: Vec<&corpus::Call> = calls.iter().filter(|c| c.has_transcript(condition)).collect();
            for (language, t) in corpus::tally_by_language(transcribed.iter().copied(), |c| c.run_transcript(&models, condition)) {
                println!("  {condition:<10} {language}: {}", t.line());
            }
            let cosine_tally = corpus::tally_by_language(transcribed.iter().copied(), |c| {
                let (timeline, utterances) = c.heard(condition);
                let mut observed = cosine_checklist(&models, c, &utterances);
                observed.extend(cosine_objections(&models, c, &utterances));
                (timeline, observed)
            });
            for (language, t) in cosine_tally {
                println!(
                "    baseline   {language}: checklist P {:.2} R {:.2}, objections P {:.2} R {:.2} with the cosine thresholds",
                t.checklist_p(),
                t.checklist_r(),
                t.objections_p(),
                t.objections_r()
            );
            }
        }
        for language in ["en", "it"] {
            per_turn_sentiment(&models, &baseline, &calls, language);
        }
    }
    analysis_cost(&models, &corpus::calls("held-out"));
}
