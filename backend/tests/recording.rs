//! Replay audio: per-speaker frames written at their positions on the meeting's audio axis,
//! mixed by ffmpeg into one seekable Opus/WebM file whose content is where it belongs in time
//! (checked by decoding it back and measuring each window's tone), served with range requests
//! after finalize.

mod common;

use closer::recording::{Recorder, mix, mixed_path};
use reqwest::Method;
use std::path::Path;
use std::process::Command;

/// 20 ms frames of a `hz` sine from `from_ms` to `to_ms`, as (position ms, samples).
fn tone(hz: f64, from_ms: u64, to_ms: u64) -> Vec<(u64, Vec<i16>)> {
    (from_ms..to_ms)
        .step_by(20)
        .map(|start| {
            let samples = (0..320)
                .map(|i| {
                    let t = (start * 16 + i) as f64 / 16_000.0;
                    (8000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
                })
                .collect();
            (start, samples)
        })
        .collect()
}

/// The file decoded to 16 kHz mono s16le, from `seek_s` on.
fn decode(file: &Path, seek_s: f64) -> Vec<i16> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-ss", &seek_s.to_string(), "-i"])
        .arg(file)
        .args(["-f", "s16le", "-ac", "1", "-ar", "16000", "-"])
        .output()
        .expect("ffmpeg");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

/// (RMS, zero crossings per second) of `samples[from_ms..to_ms]`.
fn measure(samples: &[i16], from_ms: usize, to_ms: usize) -> (f64, f64) {
    let window = &samples[from_ms * 16..(to_ms * 16).min(samples.len())];
    let rms = (window.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / window.len() as f64).sqrt();
    let crossings = window.windows(2).filter(|w| (w[0] >= 0) != (w[1] >= 0)).count();
    (rms, crossings as f64 / (window.len() as f64 / 16_000.0))
}

fn probe(file: &Path, entry: &str) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", entry, "-of", "default=noprint_wrappers=1:nokey=1"])
        .arg(file)
        .output()
        .expect("ffprobe");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Host: 440 Hz over 0–1 s and 1.5–2 s (a gap in between); guest: 880 Hz over 2–4 s, written
/// out of order with one frame repeated (a reconnecting client).
async fn record(recorder: &Recorder, meeting: &str) {
    for (position, samples) in tone(440.0, 0, 1000).into_iter().chain(tone(440.0, 1500, 2000)) {
        recorder.write(meeting, "host-1", position, &samples);
    }
    let mut guest = tone(880.0, 2000, 4000);
    guest.swap(3, 10);
    guest.push(guest[5].clone());
    for (position, samples) in guest {
        recorder.write(meeting, "guest/1", position, &samples);
    }
    recorder.close(meeting).await;
}

#[tokio::test]
async fn tracks_are_mixed_in_place_into_a_seekable_webm() {
    let root = tempfile::tempdir().unwrap();
    let recorder = Recorder::start(root.path().to_owned());
    record(&recorder, "m1").await;
    let file = mix(root.path(), "m1").await.unwrap();
    assert_eq!(file, mixed_path(root.path(), "m1"));
    assert!(!root.path().join("m1/tracks").exists(), "raw tracks are removed after mixing");
    assert_eq!(probe(&file, "stream=codec_name"), "opus");
    assert!(probe(&file, "format=format_name").contains("webm"));
    let duration: f64 = probe(&file, "format=duration").parse().unwrap();
    assert!((duration - 4.0).abs() < 0.1, "duration {duration}");

    let pcm = decode(&file, 0.0);
    let (host_rms, host_zc) = measure(&pcm, 200, 900);
    let (gap_rms, _) = measure(&pcm, 1100, 1400);
    let (guest_rms, guest_zc) = measure(&pcm, 2200, 3800);
    assert!(host_rms > 2000.0 && guest_rms > 2000.0, "tones present: {host_rms} {guest_rms}");
    assert!(gap_rms < 200.0, "silence where nothing was received: {gap_rms}");
    assert!((host_zc / 880.0 - 1.0).abs() < 0.05, "host 440 Hz at 0.2–0.9 s: {host_zc} crossings/s");
    assert!((guest_zc / 1760.0 - 1.0).abs() < 0.05, "guest 880 Hz at 2.2–3.8 s: {guest_zc} crossings/s");

    // Seeking lands at the right place: from 3.0 s on only the guest's tone remains, 1 s long.
    let tail = decode(&file, 3.0);
    assert!((tail.len() as f64 / 16_000.0 - 1.0).abs() < 0.1, "{} samples after seeking", tail.len());
    let (_, zc) = measure(&tail, 100, 800);
    assert!((zc / 1760.0 - 1.0).abs() < 0.05, "{zc}");

    // Mixing again (a finalize that runs twice) keeps the finished mix.
    assert_eq!(mix(root.path(), "m1").await.unwrap(), file);
    assert!(matches!(mix(root.path(), "nothing").await, Err(closer::recording::MixError::NoTracks)));
}

#[tokio::test]
async fn finalize_links_the_recording_and_the_api_serves_ranges() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_owned();
    let app = common::TestApp::start(|c| c.recordings_dir = dir).await;
    let (admin, _) = app.sign_up("rec").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (_, meeting) = app.call(Method::POST, "/meetings", Some(&admin), Some(serde_json::json!({"title": "Replay", "playbook_id": playbook}))).await;
    let meeting: uuid::Uuid = meeting["id"].as_str().unwrap().parse().unwrap();
    let recorder = Recorder::start(root.path().to_owned());
    record(&recorder, &meeting.to_string()).await;
    sqlx::query("UPDATE meetings SET status = 'ended' WHERE id = $1").bind(meeting).execute(&app.pg).await.unwrap();

    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let finalizer = closer::recap::finalize::Finalizer::new(&app.config, app.pg.clone(), mongo).with_recorder(recorder);
    finalizer.finalize(meeting).await.unwrap();
    let (status, recap) = app.call(Method::GET, &format!("/meetings/{meeting}/recap"), Some(&admin), None).await;
    assert_eq!(status, 200);
    let path = format!("/meetings/{meeting}/recording");
    assert_eq!(recap["recording_url"], format!("/api{path}"));

    let full = app.client.get(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["content-type"], "audio/webm");
    let bytes = full.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), std::fs::read(mixed_path(root.path(), &meeting.to_string())).unwrap());
    let part = app.client.get(app.url(&path)).bearer_auth(&admin).header("Range", "bytes=100-199").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[100..200]);

    let (other, _) = app.sign_up("rec_other").await;
    let (status, _) = app.call(Method::GET, &path, Some(&other), None).await;
    assert_eq!(status, 404, "another organization cannot fetch it");
    let (status, _) = app.call(Method::GET, &path, None, None).await;
    assert_eq!(status, 401);
}
