//! Live-pipeline benchmark on the rendered fixture calls (`scripts/fixtures`). Prints figures;
//! asserts nothing. Run: `cargo bench -p closer-backend --bench live` (optimised build), or
//! `cargo bench --profile dev -p closer-backend --bench live` to reuse the test build (whisper.cpp
//! and ONNX Runtime are optimised in both).
//!
//! 1. STT real-time factor, one thread: every fixture turn transcribed with the encoder window
//!    of DESIGN.md (`max(512, samples/320 + 64)`) vs Whisper's full 30 s window (baseline), and
//!    with the window plus the playbook's vocabulary prompt, as live sessions decode.
//! 2. Analysis cost per utterance (embedding + matching + sentiment) vs the embedding alone.
//! 3. Latency from the end of a turn to its checklist tick / battle card, and to its final
//!    transcript, p50/p95, replaying both calls at 1× through the whole pipeline.
//! 4. Load: N speakers talking at once (each a copy of the host track, offset so their
//!    sentences overlap), with partials; the largest N whose final-transcript p95 stays under
//!    2 s is what 2 cores sustain.

use closer::analysis::{AnalysisModels, Analyzer, SpeakerRole, Utterance};
use closer_testkit::eval::{Observed, Timeline, percentile, score};
use closer::live::engines::Engines;
use closer::live::replay::{RecordedSpeaker, Recording, replay};
use closer::models::ModelPaths;
use closer::stt::SpeechContext;
use closer::stt::whisper::WhisperEngine;
use closer_wire::{HudEvent, Playbook};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn cache() -> PathBuf {
    std::env::var_os("CLOSER_CACHE").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/closer")
    })
}

fn shared() -> PathBuf {
    std::env::var_os("CLOSER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

fn load(id: &str) -> (PathBuf, Timeline, Playbook) {
    let dir = cache().join("fixtures").join(id);
    let timeline: Timeline = serde_json::from_slice(&std::fs::read(dir.join("timeline.json")).expect("run scripts/fixtures")).unwrap();
    let playbook = serde_json::from_slice(&std::fs::read(shared().join("fixtures").join(&timeline.playbook)).unwrap()).unwrap();
    (dir, timeline, playbook)
}

fn wav(path: &Path) -> Vec<i16> {
    hound::WavReader::open(path).unwrap().samples::<i16>().map(Result::unwrap).collect()
}

fn turn_audio(dir: &Path, speaker: &str, start_ms: i64, end_ms: i64) -> Vec<f32> {
    let track = wav(&dir.join(format!("{speaker}.wav")));
    let (a, b) = ((start_ms * 16) as usize, ((end_ms * 16) as usize).min(track.len()));
    track[a..b].iter().map(|&s| f32::from(s) / 32768.0).collect()
}

fn stt_rtf(engine: &WhisperEngine) {
    let (mut audio_s, mut design_s, mut full_s, mut prompted_s) = (0.0, 0.0, 0.0, 0.0);
    let never = std::sync::atomic::AtomicBool::new(false);
    for id in ["en-discovery", "it-primo-contatto"] {
        let (dir, timeline, playbook) = load(id);
        let speech = SpeechContext::for_playbook(&timeline.language, &playbook);
        for turn in &timeline.turns {
            let samples = turn_audio(&dir, &turn.speaker, turn.start_ms, turn.end_ms);
            audio_s += samples.len() as f64 / 16_000.0;
            let t = Instant::now();
            engine.transcribe(&samples, &timeline.language).unwrap();
            design_s += t.elapsed().as_secs_f64();
            let t = Instant::now();
            engine.transcribe_abortable(&samples, &speech, &never).unwrap();
            prompted_s += t.elapsed().as_secs_f64();
            let t = Instant::now();
            engine.transcribe_full_window(&samples, &timeline.language).unwrap();
            full_s += t.elapsed().as_secs_f64();
        }
    }
    println!(
        "STT (1 thread, {audio_s:.1} s of speech in 34 turns): RTF {:.3} with the DESIGN window vs {:.3} with the full 30 s window (baseline) — {:.1}x faster; {:.3} with the window and the playbook prompt (as live sessions decode)",
        design_s / audio_s,
        full_s / audio_s,
        full_s / design_s,
        prompted_s / audio_s
    );
}

fn analysis_cost(models: &std::sync::Arc<AnalysisModels>) {
    let (mut n, mut analyze_ms, mut embed_ms) = (0u32, 0.0, 0.0);
    for id in ["en-discovery", "it-primo-contatto"] {
        let (_, timeline, playbook) = load(id);
        let mut analyzer = Analyzer::new(models.clone(), playbook).unwrap();
        for (i, turn) in timeline.turns.iter().enumerate() {
            let role = if timeline.speakers[&turn.speaker].role == "host" { SpeakerRole::Host } else { SpeakerRole::Guest };
            let segment = format!("s{i}");
            let u = Utterance { segment_id: &segment, speaker: &turn.speaker, role, text: &turn.text, start_ms: 0, end_ms: 0, is_final: true };
            let t = Instant::now();
            analyzer.analyze(&u).unwrap();
            analyze_ms += t.elapsed().as_secs_f64() * 1000.0;
            let t = Instant::now();
            models.encoder.embed(&[turn.text.as_str()]).unwrap();
            embed_ms += t.elapsed().as_secs_f64() * 1000.0;
            n += 1;
        }
    }
    println!(
        "analysis: {:.2} ms per utterance (embedding the whole utterance alone: {:.2} ms) over {n} utterances",
        analyze_ms / f64::from(n),
        embed_ms / f64::from(n)
    );
}

async fn latency(engines: &Engines) {
    for id in ["en-discovery", "it-primo-contatto"] {
        let (dir, timeline, playbook) = load(id);
        let mut speakers: Vec<&String> = timeline.speakers.keys().collect();
        speakers.sort_by_key(|s| timeline.speakers[*s].role != "host");
        let recording = Recording {
            meeting_id: format!("bench-{id}"),
            speakers: speakers
                .iter()
                .map(|s| RecordedSpeaker {
                    name: (*s).clone(),
                    wav: dir.join(format!("{s}.wav")),
                    role: if timeline.speakers[*s].role == "host" { SpeakerRole::Host } else { SpeakerRole::Guest },
                })
                .collect(),
            language: timeline.language.clone(),
            playbook,
            realtime: true,
        };
        let mut observed = Vec::new();
        let mut finals = Vec::new();
        replay(engines.clone(), recording, None, |e| match &e.event {
            HudEvent::ChecklistTicked { item, .. } => observed.push(Observed::Tick { item: item.clone(), at_ms: e.at_ms as i64 }),
            HudEvent::ObjectionDetected { objection, .. } => {
                observed.push(Observed::Objection { key: objection.clone(), at_ms: e.at_ms as i64 })
            }
            HudEvent::TranscriptFinal { end_ms, .. } => finals.push(e.at_ms as i64 - *end_ms as i64),
            _ => {}
        })
        .await
        .unwrap();
        let s = score(&timeline, &observed);
        let l = s.latencies_ms();
        println!(
            "{id} at 1x: turn end -> tick/battle card p50 {:?} ms p95 {:?} ms (n={}, checklist P/R {:.2}/{:.2}, objections P/R {:.2}/{:.2}); speech end -> final transcript p50 {:?} ms p95 {:?} ms",
            percentile(&l, 50.0),
            percentile(&l, 95.0),
            l.len(),
            s.checklist.precision(),
            s.checklist.recall(),
            s.objections.precision(),
            s.objections.recall(),
            percentile(&finals, 50.0),
            percentile(&finals, 95.0),
        );
    }
}

/// Writes a track of `host` shifted by `offset_ms` (silence first), `duration_ms` long.
fn shifted(host: &[i16], offset_ms: usize, duration_ms: usize, path: &Path) {
    let mut out = vec![0i16; duration_ms * 16];
    for (i, s) in host.iter().enumerate() {
        if let Some(slot) = out.get_mut(offset_ms * 16 + i) {
            *slot = *s;
        }
    }
    let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    out.iter().for_each(|s| w.write_sample(*s).unwrap());
    w.finalize().unwrap();
}

async fn load_test(engines: &Engines) {
    let (dir, timeline, playbook) = load("en-discovery");
    let host = wav(&dir.join("host.wav"));
    let tmp = tempfile::tempdir().unwrap();
    let mut sustained = 0;
    for n in 1..=4usize {
        let speakers: Vec<RecordedSpeaker> = (0..n)
            .map(|i| {
                let path = tmp.path().join(format!("s{i}.wav"));
                shifted(&host, i * 700, 45_000, &path);
                RecordedSpeaker { name: format!("s{i}"), wav: path, role: if i == 0 { SpeakerRole::Host } else { SpeakerRole::Guest } }
            })
            .collect();
        let recording = Recording {
            meeting_id: format!("load-{n}"),
            speakers,
            language: timeline.language.clone(),
            playbook: playbook.clone(),
            realtime: true,
        };
        let mut finals = Vec::new();
        let mut partials = 0;
        replay(engines.clone(), recording, None, |e| match &e.event {
            HudEvent::TranscriptFinal { end_ms, .. } => finals.push(e.at_ms as i64 - *end_ms as i64),
            HudEvent::TranscriptPartial { .. } => partials += 1,
            _ => {}
        })
        .await
        .unwrap();
        let p95 = percentile(&finals, 95.0).unwrap_or(i64::MAX);
        println!("{n} simultaneous speaker(s), 45 s: final transcript p50 {:?} ms p95 {p95} ms, {partials} partials", percentile(&finals, 50.0));
        if p95 < 2000 {
            sustained = n;
        } else {
            break;
        }
    }
    println!("2 cores sustain {sustained} simultaneous speaker(s) with partials at p95 < 2 s");
}

#[tokio::main]
async fn main() {
    let paths = ModelPaths::in_dir(&cache().join("models"));
    let engines = Engines::load_embedded(&paths).expect("run scripts/models");
    let engine = WhisperEngine::load(&paths.whisper).unwrap();
    stt_rtf(&engine);
    analysis_cost(&engines.analysis);
    latency(&engines).await;
    load_test(&engines).await;
}
