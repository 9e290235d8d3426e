//! Smoke tests of the embedded models prepared by `scripts/models`: Whisper transcribes
//! rendered fixture sentences (EN and IT, `tests/fixtures/smoke-*.json` rendered by
//! `scripts/fixtures` with `shared/fixtures/synth.py`), and the sentence encoder ranks EN and
//! IT paraphrases above an unrelated sentence with token ids equal to sentencepiece's.

use closer_testkit::eval::word_error_rate as wer;
use closer::models::ModelPaths;
use closer::semantics::encoder::{SentenceEncoder, cosine};
use closer::stt::whisper::{SAMPLE_RATE, WhisperEngine};
use std::path::PathBuf;
use std::time::Instant;

fn models() -> ModelPaths {
    let dir = std::env::var_os("CLOSER_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| closer::config::Config::default().models_dir);
    ModelPaths::in_dir(&dir)
}

fn fixture(id: &str) -> PathBuf {
    let root = std::env::var_os("CLOSER_FIXTURES_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/closer/fixtures")
    });
    let dir = root.join(id);
    assert!(dir.is_dir(), "{} missing: run scripts/fixtures", dir.display());
    dir
}

/// 16 kHz mono s16le WAV → f32 samples in [-1, 1].
fn read_wav(path: &std::path::Path) -> Vec<f32> {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    assert_eq!((spec.sample_rate as usize, spec.channels), (SAMPLE_RATE, 1));
    reader.samples::<i16>().map(|s| f32::from(s.unwrap()) / 32768.0).collect()
}

#[test]
fn whisper_transcribes_rendered_en_and_it_sentences() {
    let engine = WhisperEngine::load(&models().whisper).expect("load whisper");
    // Bounds well above the measured rates (EN ≈ 6 %, IT ≈ 17 % on synthetic voices): a broken
    // conversion or wrong parameters produce garbage far above them.
    for (id, language, max_wer) in [("smoke-en", "en", 0.2), ("smoke-it", "it", 0.35)] {
        let dir = fixture(id);
        let timeline: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("timeline.json")).unwrap()).unwrap();
        let turn = &timeline["turns"][0];
        let reference = turn["text"].as_str().unwrap();
        let (start, end) = (turn["start_ms"].as_u64().unwrap(), turn["end_ms"].as_u64().unwrap());
        let samples = read_wav(&dir.join("host.wav"));

        let started = Instant::now();
        let transcript = engine.transcribe(&samples, language).expect("transcribe");
        let elapsed = started.elapsed().as_secs_f64();
        let audio_s = samples.len() as f64 / SAMPLE_RATE as f64;
        let error = wer(reference, &transcript.text);
        println!(
            "{id}: WER {:.0}% RTF {:.2} ({elapsed:.2} s for {audio_s:.2} s) — {:?}",
            error * 100.0,
            elapsed / audio_s,
            transcript.text
        );
        assert!(error <= max_wer, "{id}: WER {error:.2} > {max_wer}: {:?} vs {reference:?}", transcript.text);

        // Word timings follow the speech: the first word starts and the last ends within
        // 600 / 800 ms of the turn's rendered start / end, and they never go backwards.
        assert!(!transcript.words.is_empty());
        let first = transcript.words.first().unwrap();
        let last = transcript.words.last().unwrap();
        assert!(u64::from(first.start_ms).abs_diff(start) <= 600, "{first:?} vs turn start {start}");
        assert!(u64::from(last.end_ms).abs_diff(end) <= 800, "{last:?} vs turn end {end}");
        for pair in transcript.words.windows(2) {
            assert!(pair[0].start_ms <= pair[1].start_ms, "{pair:?}");
        }
    }
}

#[test]
fn encoder_ranks_en_and_it_paraphrases_above_unrelated() {
    let encoder = SentenceEncoder::load(&models()).expect("load encoder");
    let texts = [
        "How much does your product cost?",
        "What is the price of your software?",
        "Quanto costa il vostro prodotto?",
        "The children played football in the park all afternoon.",
    ];
    let started = Instant::now();
    let embeddings = encoder.embed(&texts).unwrap();
    println!("embedded {} sentences in {:?}", texts.len(), started.elapsed());
    let [anchor, en, it, unrelated] = [0, 1, 2, 3].map(|i| &embeddings[i]);
    let (en, it, unrelated) = (cosine(anchor, en), cosine(anchor, it), cosine(anchor, unrelated));
    println!("cosine: EN paraphrase {en:.3}, IT paraphrase {it:.3}, unrelated {unrelated:.3}");
    assert!(en > unrelated + 0.1, "EN paraphrase {en} vs unrelated {unrelated}");
    assert!(it > unrelated + 0.1, "IT paraphrase {it} vs unrelated {unrelated}");
    // A batch gives the same vectors as one-by-one calls (row splits are honoured).
    let single = encoder.embed(&[texts[2]]).unwrap();
    assert!(cosine(&single[0], &embeddings[2]) > 0.999);
}

#[test]
fn tokenizer_ids_equal_sentencepiece() {
    let encoder = SentenceEncoder::load(&models()).expect("load encoder");
    // Reference ids from the model's own sentencepiece processor (python `sentencepiece`,
    // `[bos] + encode(text) + [eos]`), as the removed ONNX op produced them.
    let vectors: [(&str, &[u32]); 4] = [
        ("Hello world, how are you?", &[1, 17486, 1017, 7, 430, 69, 37, 21, 2]),
        ("Ciao, quanto costa il prodotto?", &[1, 2557, 39, 7, 2266, 7356, 84, 17833, 21, 2]),
        (
            "Vorrei capire l'offerta: è più cara di 12.000 euro?",
            &[1, 3368, 3219, 8772, 70, 11, 67525, 23, 162, 627, 1433, 40, 91603, 4910, 21, 2],
        ),
        ("WHO makes the final   decision?", &[1, 46189, 1841, 12, 1629, 4545, 21, 2]),
    ];
    for (text, expected) in vectors {
        assert_eq!(encoder.token_ids(text).unwrap(), expected, "{text}");
    }
}
