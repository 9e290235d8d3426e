//! The analyzer on the analysis corpus (`tests/fixtures/corpus`): calls and playbooks written
//! apart from each other, split by playbook into a calibration half and a held-out half. The
//! floors below are asserted on the held-out half only, on the script text and on Whisper's
//! transcripts of the rendered audio (clean, pink noise at 10 dB SNR, telephone band); the
//! calibration half's figures are printed beside them.
//!
//! The floors are today's measured held-out figures less a margin (they guard against
//! regressions): they are far below the bars of issue #21 (checklist P ≥ 0.92 / R ≥ 0.88,
//! objections P ≥ 0.90 / R ≥ 0.85, sentiment ≥ 0.85), which the embedded analysis does not
//! reach yet; `cargo bench -p closer-backend --bench corpus` prints every figure.

mod common;

use closer::analysis::checklist::{self, FEATURES as CHECKLIST_FEATURES, L2_C as CHECKLIST_L2_C};
use closer::analysis::logistic::LogisticModel;
use closer::analysis::objections::{self, FEATURES as OBJECTION_FEATURES, L2_C as OBJECTION_L2_C};
use closer::analysis::{AnalysisModels, Analyzer, ClassExamples, SENTIMENT_L2_C, SentimentModel, Utterance};
use closer::semantics::encoder::{DIM, Embedding, SentenceEncoder};
use common::corpus::{self, Tally};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

fn models() -> Arc<AnalysisModels> {
    let encoder = Arc::new(SentenceEncoder::load(&common::models()).unwrap());
    Arc::new(AnalysisModels::new(encoder).unwrap())
}

/// Minimum held-out figures per language, for the script and each transcript condition:
/// checklist P, R; objections P, R; sentiment 3-class. Measured (lowest of script, clean,
/// noise10, phone): EN 0.53 0.45 0.38 0.35 0.73, IT 0.65 0.56 0.44 0.47 0.68 (script alone:
/// EN 0.65 0.45 0.41 0.41 0.76, IT 0.71 0.77 0.47 0.47 0.72; the cosine thresholds the
/// checklist and objection models replaced: checklist EN 0.19 0.24, IT 0.33 0.38, objections
/// EN 0.19 0.29, IT 0.15 0.24); the floors are those less about 0.05 (objections: 0.08, about
/// one objection of the 17 per language more), so a broken analyzer fails while the encoder's
/// small differences between CPUs do not.
const FLOORS: [(&str, [f64; 5]); 2] = [("en", [0.48, 0.40, 0.30, 0.27, 0.68]), ("it", [0.60, 0.51, 0.36, 0.39, 0.63])];

fn check(what: &str, tallies: &BTreeMap<String, Tally>) -> Vec<String> {
    let mut failures = Vec::new();
    for (language, floors) in FLOORS {
        let t = &tallies[language];
        println!("held-out {what} {language}: {}", t.line());
        let got = [t.checklist_p(), t.checklist_r(), t.objections_p(), t.objections_r(), t.sentiment_3()];
        for ((name, value), floor) in ["checklist P", "checklist R", "objections P", "objections R", "sentiment"].iter().zip(got).zip(floors) {
            if value < floor {
                failures.push(format!("{what} {language} {name} {value:.2} < {floor:.2}"));
            }
        }
    }
    failures
}

#[test]
fn held_out_calls_meet_the_floors_as_text_and_as_heard() {
    let models = models();
    for (language, t) in corpus::tally_by_language(&corpus::calls("calibration"), |c| c.run_script(&models)) {
        println!("calibration script {language}: {}", t.line());
    }
    let held_out = corpus::calls("held-out");
    let mut failures = check("script", &corpus::tally_by_language(&held_out, |c| c.run_script(&models)));
    for condition in corpus::CONDITIONS {
        failures.extend(check(condition, &corpus::tally_by_language(&held_out, |c| c.run_transcript(&models, condition))));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A seller's empathy is not irritation, in either language.
#[test]
fn a_sellers_empathy_is_not_irritation() {
    let models = models();
    for text in ["I hear you, that sounds really frustrating.", "La capisco, dev'essere davvero frustrante."] {
        let embedding = models.encoder.embed(&[text]).unwrap().remove(0);
        let probabilities = models.sentiment.classify(&embedding);
        let (label, _) = closer::analysis::sentiment_label(&probabilities);
        assert_ne!(label, closer_wire::SentimentLabel::Irritated, "{text}: {probabilities:?}");
    }
}

/// The sentiment model's data: every calibration-half turn, the shared fixture calls' turns and
/// the built-in phrasings, as (embedding, class). Texts are redacted and stripped of PII
/// placeholders as the analyzer sees them.
fn sentiment_data(encoder: &SentenceEncoder) -> Vec<(Embedding, usize)> {
    let calibration = corpus::calls("calibration");
    let mut texts: Vec<(String, usize)> =
        calibration.iter().flat_map(|c| c.timeline.turns.iter().map(|t| (t.text.clone(), corpus::class(t.sentiment)))).collect();
    let shared = common::shared_dir().join("fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&shared).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let scenario: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for turn in scenario["turns"].as_array().unwrap() {
            let label: closer_wire::SentimentLabel = serde_json::from_value(turn["sentiment"].clone()).unwrap();
            texts.push((turn["text"].as_str().unwrap().to_owned(), corpus::class(label)));
        }
    }
    texts.extend(ClassExamples::builtin().labelled().into_iter().map(|(t, c)| (t.to_owned(), c)));
    texts
        .into_iter()
        .map(|(text, class)| {
            let redacted = closer::pii::redact(&text).text;
            let plain = closer::pii::strip_placeholders(&redacted);
            (encoder.embed(&[plain.as_ref()]).unwrap().remove(0), class)
        })
        .collect()
}

/// Weights as one flat vector: 4 rows of DIM weights, then 4 biases.
type Params = Vec<f64>;

/// Objective of the multinomial logistic regression (scikit-learn's convention: cross-entropy
/// summed over examples + ‖W‖²/(2C), biases not penalised) and its gradient.
fn objective(params: &Params, data: &[(Embedding, usize)]) -> (f64, Params) {
    let mut grad = vec![0.0; 4 * DIM + 4];
    let mut loss = 0.0;
    for (x, class) in data {
        let mut logits = [0.0f64; 4];
        for (c, logit) in logits.iter_mut().enumerate() {
            *logit = params[4 * DIM + c] + (0..DIM).map(|d| params[c * DIM + d] * f64::from(x[d])).sum::<f64>();
        }
        let max = logits.iter().copied().fold(f64::MIN, f64::max);
        let sum: f64 = logits.iter().map(|l| (l - max).exp()).sum();
        loss += sum.ln() + max - logits[*class];
        for c in 0..4 {
            let p = (logits[c] - max).exp() / sum - f64::from(u8::from(c == *class));
            for d in 0..DIM {
                grad[c * DIM + d] += p * f64::from(x[d]);
            }
            grad[4 * DIM + c] += p;
        }
    }
    let c = f64::from(SENTIMENT_L2_C);
    for i in 0..4 * DIM {
        loss += params[i] * params[i] / (2.0 * c);
        grad[i] += params[i] / c;
    }
    (loss, grad)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn committed() -> Params {
    let model = SentimentModel::builtin();
    model.weights.iter().flatten().chain(&model.bias).map(|&w| f64::from(w)).collect()
}

/// The committed sentiment weights are the fit of the calibration data (and of nothing else):
/// the objective's gradient there is a tiny fraction of its gradient at zero.
#[test]
fn the_sentiment_model_is_the_fit_of_the_calibration_half() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let data = sentiment_data(&encoder);
    let at_zero = norm(&objective(&vec![0.0; 4 * DIM + 4], &data).1);
    let at_model = norm(&objective(&committed(), &data).1);
    println!("gradient norm: {at_model:.5} at the committed weights, {at_zero:.2} at zero ({} examples)", data.len());
    assert!(at_model < 0.02 * at_zero, "the committed weights are not the fit of the calibration data: refit with --ignored fit_sentiment_model");
}

/// Refits the sentiment model and writes `backend/src/analysis/data/sentiment_model.json`:
/// Nesterov's accelerated gradient for strongly convex objectives (step 1/L with L the bound
/// n·max‖x‖² on the Hessian, momentum from the strong convexity 1/C), until the gradient is
/// 10⁻⁶ of its size at zero.
#[test]
#[ignore = "writes the committed sentiment model; run after changing the calibration data"]
fn fit_sentiment_model() {
    let encoder = SentenceEncoder::load(&common::models()).unwrap();
    let data = sentiment_data(&encoder);
    let n = data.len() as f64;
    let lipschitz = n * 2.0 + 1.0 / f64::from(SENTIMENT_L2_C);
    let mu = 1.0 / f64::from(SENTIMENT_L2_C);
    let momentum = (1.0 - (mu / lipschitz).sqrt()) / (1.0 + (mu / lipschitz).sqrt());
    let mut x = vec![0.0; 4 * DIM + 4];
    let mut y = x.clone();
    let target = 1e-6 * norm(&objective(&x, &data).1);
    for step in 0.. {
        let (loss, grad) = objective(&y, &data);
        let g = norm(&grad);
        if step % 500 == 0 {
            println!("step {step}: loss {loss:.4}, gradient {g:.6}");
        }
        if g < target || step == 200_000 {
            break;
        }
        let next: Params = y.iter().zip(&grad).map(|(v, d)| v - d / lipschitz).collect();
        y = next.iter().zip(&x).map(|(a, b)| a + momentum * (a - b)).collect();
        x = next;
    }
    let model = SentimentModel {
        about: format!(
            "Multinomial logistic regression over the turn embedding, fitted by backend/tests/analysis_corpus.rs (fit_sentiment_model) on the corpus's calibration half, the shared fixture calls and data/sentiment.json ({} examples), L2 C = {}.",
            data.len(),
            SENTIMENT_L2_C
        ),
        weights: (0..4).map(|c| x[c * DIM..(c + 1) * DIM].iter().map(|&w| w as f32).collect()).collect(),
        bias: x[4 * DIM..].iter().map(|&w| w as f32).collect(),
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analysis/data/sentiment_model.json");
    std::fs::write(&path, serde_json::to_string(&model).unwrap() + "\n").unwrap();
    println!("wrote {}", path.display());
}

/// Training rows of a logistic model: features, label.
type Rows = Vec<(Vec<f32>, bool)>;

/// `turn` of `call` (redacted, as the analyzer sees it) as a final utterance.
fn with_utterance<T>(call: &corpus::Call, n: usize, turn: &closer_testkit::eval::Turn, f: impl FnOnce(&Utterance<'_>) -> T) -> T {
    let text = closer::pii::redact(&turn.text).text;
    let segment = format!("s{n}");
    let u = Utterance {
        segment_id: &segment,
        speaker: &turn.speaker,
        role: call.role(&turn.speaker),
        text: &text,
        start_ms: turn.start_ms as u64,
        end_ms: turn.end_ms as u64,
        is_final: true,
    };
    f(&u)
}

/// The checklist model's training rows from `calls`: every sentence of every script turn
/// against each item its speaker may earn that the labels have not covered yet, labelled 1
/// when the turn covers that item.
fn checklist_data(models: &Arc<AnalysisModels>, calls: &[&corpus::Call]) -> Rows {
    let mut rows = Vec::new();
    for call in calls {
        let analyzer = Analyzer::new(models.clone(), call.playbook.clone()).unwrap();
        let mut covered: HashSet<String> = HashSet::new();
        for (n, turn) in call.timeline.turns.iter().enumerate() {
            let sentences = with_utterance(call, n, turn, |u| analyzer.checklist_features(u, |key| !covered.contains(key)).unwrap());
            for sentence in sentences {
                rows.extend(sentence.into_iter().map(|(key, f)| (f, turn.covers.contains(&key))));
            }
            covered.extend(turn.covers.iter().cloned());
        }
    }
    rows
}

/// The objection model's training rows from `calls`: every sentence of every script turn in
/// which the analyzer looks for objections (a prospect's, not pleased) against each of the
/// playbook's objections, labelled 1 when the turn raises that objection.
fn objection_data(models: &Arc<AnalysisModels>, calls: &[&corpus::Call]) -> Rows {
    let mut rows = Vec::new();
    for call in calls {
        let analyzer = Analyzer::new(models.clone(), call.playbook.clone()).unwrap();
        for (n, turn) in call.timeline.turns.iter().enumerate() {
            for sentence in with_utterance(call, n, turn, |u| analyzer.objection_features(u).unwrap()) {
                rows.extend(sentence.into_iter().map(|(key, f)| (f, turn.objection.as_ref() == Some(&key))));
            }
        }
    }
    rows
}

/// The calls the objection model is fitted on: the whole calibration half, both its folders
/// (`calibration/` and `calibration-next/`: 66 objections instead of 33).
fn objection_calls() -> Vec<corpus::Call> {
    corpus::calls("calibration").into_iter().chain(corpus::calls("calibration-next")).collect()
}

/// Logistic regression objective (scikit-learn's convention: log-loss summed over rows +
/// ‖w‖²/(2C), intercept not penalised), its gradient and Hessian; parameters are the weights
/// then the intercept.
fn logistic_objective(params: &[f64], rows: &Rows, c: f32) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    let k = params.len();
    let (mut loss, mut grad, mut hess) = (0.0, vec![0.0; k], vec![vec![0.0; k]; k]);
    for (x, y) in rows {
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).chain([1.0]).collect();
        let z: f64 = x.iter().zip(params).map(|(a, b)| a * b).sum();
        let p = 1.0 / (1.0 + (-z).exp());
        let y = f64::from(u8::from(*y));
        loss += z.max(0.0) - z * y + (-z.abs()).exp().ln_1p();
        for i in 0..k {
            grad[i] += (p - y) * x[i];
            for j in 0..k {
                hess[i][j] += p * (1.0 - p) * x[i] * x[j];
            }
        }
    }
    let c = f64::from(c);
    for i in 0..k - 1 {
        loss += params[i] * params[i] / (2.0 * c);
        grad[i] += params[i] / c;
        hess[i][i] += 1.0 / c;
    }
    (loss, grad, hess)
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting (`a` is symmetric positive
/// definite here, so it never meets a zero pivot).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        x[row] = (b[row] - (row + 1..n).map(|k| a[row][k] * x[k]).sum::<f64>()) / a[row][row];
    }
    x
}

/// Fits a logistic model of `features` features to `rows` by Newton's method (a handful of
/// steps reach the optimum to machine precision): the weights, then the intercept.
fn fit_logistic(rows: &Rows, features: usize, c: f32, verbose: bool) -> Vec<f64> {
    let mut params = vec![0.0; features + 1];
    for step in 0..50 {
        let (loss, grad, hess) = logistic_objective(&params, rows, c);
        if verbose {
            println!("step {step}: loss {loss:.4}, gradient {:.2e}", norm(&grad));
        }
        if norm(&grad) < 1e-9 {
            break;
        }
        let delta = solve(hess, grad);
        params.iter_mut().zip(&delta).for_each(|(p, d)| *p -= d);
    }
    params
}

fn as_model(params: &[f64], about: String) -> LogisticModel {
    let (weights, bias) = params.split_at(params.len() - 1);
    LogisticModel { about, weights: weights.iter().map(|&w| w as f32).collect(), bias: bias[0] as f32 }
}

/// Asserts the committed `model` is the fit of `rows`: the objective's gradient there is a
/// tiny fraction of its gradient at zero.
fn assert_fitted(model: &LogisticModel, rows: &Rows, c: f32, refit: &str) {
    let committed: Vec<f64> = model.weights.iter().chain([&model.bias]).map(|&w| f64::from(w)).collect();
    let at_zero = norm(&logistic_objective(&vec![0.0; committed.len()], rows, c).1);
    let at_model = norm(&logistic_objective(&committed, rows, c).1);
    println!("gradient norm: {at_model:.5} at the committed weights, {at_zero:.2} at zero ({} rows)", rows.len());
    assert!(at_model < 1e-3 * at_zero, "the committed weights are not the fit of the calibration half: refit with --ignored {refit}");
}

#[test]
fn the_checklist_model_is_the_fit_of_the_calibration_half() {
    let calls = corpus::calls("calibration");
    let rows = checklist_data(&models(), &calls.iter().collect::<Vec<_>>());
    assert_fitted(&checklist::builtin_model(), &rows, CHECKLIST_L2_C, "fit_checklist_model");
}

#[test]
fn the_objection_model_is_the_fit_of_the_calibration_half() {
    let calls = objection_calls();
    let rows = objection_data(&models(), &calls.iter().collect::<Vec<_>>());
    assert_fitted(&objections::builtin_model(), &rows, OBJECTION_L2_C, "fit_objection_model");
}

/// Writes `model` to `backend/src/analysis/data/<file>`.
fn write_model(model: &LogisticModel, file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analysis/data").join(file);
    std::fs::write(&path, serde_json::to_string_pretty(model).unwrap() + "\n").unwrap();
    println!("wrote {}", path.display());
}

/// Refits the checklist model and writes `backend/src/analysis/data/checklist_model.json`.
#[test]
#[ignore = "writes the committed checklist model; run after changing the features or the calibration half"]
fn fit_checklist_model() {
    let calls = corpus::calls("calibration");
    let rows = checklist_data(&models(), &calls.iter().collect::<Vec<_>>());
    let positives = rows.iter().filter(|r| r.1).count();
    let model = as_model(
        &fit_logistic(&rows, CHECKLIST_FEATURES, CHECKLIST_L2_C, true),
        format!(
            "Logistic regression over the (sentence, item) features of analysis/checklist.rs, fitted by backend/tests/analysis_corpus.rs (fit_checklist_model) on the corpus's calibration half, script turns ({} rows, {positives} coverages), L2 C = {}.",
            rows.len(),
            CHECKLIST_L2_C
        ),
    );
    write_model(&model, "checklist_model.json");
}

/// Refits the objection model and writes `backend/src/analysis/data/objection_model.json`.
#[test]
#[ignore = "writes the committed objection model; run after changing the features or the calibration half"]
fn fit_objection_model() {
    let calls = objection_calls();
    let rows = objection_data(&models(), &calls.iter().collect::<Vec<_>>());
    let positives = rows.iter().filter(|r| r.1).count();
    let model = as_model(
        &fit_logistic(&rows, OBJECTION_FEATURES, OBJECTION_L2_C, true),
        format!(
            "Logistic regression over the (sentence, objection) features of analysis/objections.rs, fitted by backend/tests/analysis_corpus.rs (fit_objection_model) on the corpus's calibration half (calibration/ and calibration-next/), script turns ({} rows, {positives} positive), L2 C = {}.",
            rows.len(),
            OBJECTION_L2_C
        ),
    );
    write_model(&model, "objection_model.json");
}

/// Which model a cross-validation fold refits.
#[derive(Clone, Copy, PartialEq)]
enum Fitted {
    Checklist,
    Objections,
}

/// Leave-one-playbook-out cross-validation on `calls` of the `fitted` model, the tool for
/// choosing its features, `C` and threshold: for each playbook, the model is fitted on the
/// other playbooks' calls and run on its calls (script and every transcript condition) at each
/// threshold of `grid` (set as the playbook's per-target threshold); prints the micro-averaged
/// P / R per language and condition and the mean F1 per threshold. Never reads the held-out
/// half.
fn cross_validate(fitted: Fitted, calls: &[corpus::Call], grid: &[f32]) {
    let base = models();
    let playbooks: BTreeSet<&str> = calls.iter().map(|c| c.timeline.playbook.as_str()).collect();
    let conditions: Vec<&str> = ["script"].into_iter().chain(corpus::CONDITIONS).collect();
    // (threshold index, condition, language) → tally
    let mut tallies: BTreeMap<(usize, &str, String), corpus::Tally> = BTreeMap::new();
    // Each call's training rows, computed once (the encoder is the slow part).
    let rows: Vec<Rows> = calls
        .iter()
        .map(|c| match fitted {
            Fitted::Checklist => checklist_data(&base, &[c]),
            Fitted::Objections => objection_data(&base, &[c]),
        })
        .collect();
    for playbook in &playbooks {
        let test: Vec<&corpus::Call> = calls.iter().filter(|c| c.timeline.playbook == *playbook).collect();
        let train: Rows = calls.iter().zip(&rows).filter(|(c, _)| c.timeline.playbook != *playbook).flat_map(|(_, r)| r.clone()).collect();
        let mut models = AnalysisModels {
            encoder: base.encoder.clone(),
            sentiment: SentimentModel::builtin(),
            background: base.background.clone(),
            checklist: base.checklist.clone(),
            objections: base.objections.clone(),
        };
        match fitted {
            Fitted::Checklist => {
                models.checklist = as_model(&fit_logistic(&train, CHECKLIST_FEATURES, CHECKLIST_L2_C, false), String::new())
            }
            Fitted::Objections => {
                models.objections = as_model(&fit_logistic(&train, OBJECTION_FEATURES, OBJECTION_L2_C, false), String::new())
            }
        }
        let models = Arc::new(models);
        for (t, threshold) in grid.iter().enumerate() {
            for call in &test {
                let mut playbook = call.playbook.clone();
                match fitted {
                    Fitted::Checklist => playbook.checklist.iter_mut().for_each(|i| i.threshold = Some(*threshold)),
                    Fitted::Objections => playbook.objections.iter_mut().for_each(|o| o.threshold = Some(*threshold)),
                }
                let call = corpus::Call { id: call.id.clone(), half: call.half.clone(), timeline: call.timeline.clone(), playbook };
                for condition in conditions.iter().filter(|c| **c == "script" || call.has_transcript(c)) {
                    let (timeline, observed) =
                        if *condition == "script" { call.run_script(&models) } else { call.run_transcript(&models, condition) };
                    let key = (t, *condition, call.timeline.language.clone());
                    tallies.entry(key).or_default().add(&closer_testkit::eval::score(&timeline, &observed));
                }
            }
        }
    }
    let f1 = |p: f64, r: f64| if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    for (t, threshold) in grid.iter().enumerate() {
        let mut sum = Vec::new();
        for ((_, condition, language), tally) in tallies.iter().filter(|((at, _, _), _)| *at == t) {
            let (p, r) = match fitted {
                Fitted::Checklist => (tally.checklist_p(), tally.checklist_r()),
                Fitted::Objections => (tally.objections_p(), tally.objections_r()),
            };
            println!("threshold {threshold:.2} {condition:<8} {language}: P {p:.2} R {r:.2}");
            sum.push(f1(p, r));
        }
        println!("threshold {threshold:.2}: mean F1 {:.3}", sum.iter().sum::<f64>() / sum.len() as f64);
    }
}

/// Cross-validation of the checklist model on the calibration half (8 playbooks). Measured:
/// mean F1 0.405 at 0.3, 0.509 at 0.4, 0.554 at 0.45, 0.553 at 0.5, 0.571 at 0.55, 0.553 at
/// 0.6, 0.510 at 0.65.
#[test]
#[ignore = "minutes: run when choosing a feature or a threshold"]
fn cross_validate_the_checklist_on_the_calibration_half() {
    cross_validate(Fitted::Checklist, &corpus::calls("calibration"), &[0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65]);
}

/// Cross-validation of the objection model on the whole calibration half (16 playbooks in
/// `calibration/` and `calibration-next/`). Measured: see `objections::OBJECTION_PROBABILITY`
/// (the figures per threshold) and `objections::STEM_CHARS`.
#[test]
#[ignore = "minutes: run when choosing a feature or a threshold"]
fn cross_validate_the_objections_on_the_calibration_half() {
    cross_validate(Fitted::Objections, &objection_calls(), &[0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]);
}
