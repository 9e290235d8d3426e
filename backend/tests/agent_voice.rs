//! An AI agent's voice in a real LiveKit room (#17): a guest subscribed to the agent's track
//! hears what it says (Whisper transcribes the received audio), and a barge-in silences it
//! within 500 ms at the guest's end.

#[path = "../rtc/tests/common/mod.rs"]
mod rtc_common;
mod common;

use closer::agent::voice::{Spoken, Voice};
use closer_testkit::eval::word_error_rate;
use closer::stt::whisper::WhisperEngine;
use closer::tts::Voices;
use closer_rtc::AudioStream;
use rtc_common::{join, subscribed_audio, unique_room};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Samples of 10 ms at the 16 kHz the guest subscribes at.
const FRAME: usize = 160;

/// RMS of one frame.
fn rms(frame: &[i16]) -> f64 {
    (frame.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame.len().max(1) as f64).sqrt()
}

/// A frame louder than this is speech: the voice's peaks are at full scale and its speech
/// frames' RMS in the thousands; what the jitter buffer plays once a track stops (silence,
/// fading concealment) stays far under it.
const SPEECH_RMS: f64 = 500.0;

/// The guest's end: every sample received until `until`.
async fn record(mut stream: AudioStream, until: Instant) -> Vec<i16> {
    let mut samples = Vec::new();
    while Instant::now() < until {
        match tokio::time::timeout(Duration::from_millis(200), stream.recv()).await {
            Ok(Some(frame)) => samples.extend(frame.samples),
            Ok(None) => break,
            Err(_) => {}
        }
    }
    samples
}

/// The agent in `room` and a guest subscribed to its track at 16 kHz.
async fn agent_and_guest(name: &str) -> (closer_rtc::Connected, closer_rtc::Connected, Voice, AudioStream) {
    let room = unique_room(name).await;
    let agent = join(&room, "agent-ai", false, false).await;
    let mut guest = join(&room, "guest-anna", false, true).await;
    let voice = Voice::publish(&agent.room, "microphone").await.expect("publish the agent's voice");
    assert!(voice.track_sid().starts_with("TR_"), "track sid {}", voice.track_sid());
    let track = subscribed_audio(&mut guest.events, "agent-ai").await;
    let stream = guest.room.subscribe_audio(track, 16_000, 1).expect("subscribe");
    (agent, guest, voice, stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_hears_what_the_agent_says() {
    let models = common::models();
    let voices = Voices::load(&models).unwrap();
    let whisper = WhisperEngine::load(&models.whisper).unwrap();
    let (_agent, _guest, voice, stream) = agent_and_guest("voice").await;
    let line = "Hello Anna, thanks for joining. What budget do you have in mind for this project?";
    let speech = voices.speak("en", line).unwrap();
    let recording = tokio::spawn(record(stream, Instant::now() + Duration::from_millis(speech.duration_ms() + 2_000)));
    assert_eq!(voice.say(&speech, &AtomicBool::new(false)).await.unwrap(), Spoken::Finished);
    let samples: Vec<f32> = recording.await.unwrap().iter().map(|&s| f32::from(s) / 32768.0).collect();
    let text = whisper.transcribe(&samples, "en").unwrap().text;
    let error = word_error_rate(line, &text);
    println!("the guest heard {text:?} (WER {error:.2})");
    // The voice alone is heard at 0 % (tests/tts.rs); Opus and the jitter buffer may cost a word.
    assert!(error <= 0.15, "WER {error:.2}: heard {text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_barge_in_silences_the_agent_within_500_ms() {
    let voices = Voices::load(&common::models()).unwrap();
    let (_agent, _guest, voice, stream) = agent_and_guest("barge-in").await;
    let speech = voices
        .speak("en", "Our plans start at forty-nine euros per seat per month, and every plan includes onboarding, support and the analytics dashboard for your managers.")
        .unwrap();
    let total_ms = speech.duration_ms();
    let barge_in = Arc::new(AtomicBool::new(false));
    let speaking = {
        let barge_in = barge_in.clone();
        tokio::spawn(async move { voice.say(&speech, &barge_in).await })
    };
    // The guest barges in while hearing the agent speak, two seconds in, and keeps listening.
    let (mut stream, started) = (stream, Instant::now());
    let mut interrupted_at = None;
    let mut last_loud = None;
    while interrupted_at.is_none_or(|at: Instant| at.elapsed() < Duration::from_millis(1_500)) {
        assert!(started.elapsed() < Duration::from_millis(total_ms + 5_000), "the guest never heard the agent speak");
        let Ok(Some(frame)) = tokio::time::timeout(Duration::from_millis(200), stream.recv()).await else { continue };
        assert_eq!(frame.samples.len(), FRAME, "10 ms frames at 16 kHz");
        if rms(&frame.samples) > SPEECH_RMS {
            last_loud = Some(Instant::now());
            if interrupted_at.is_none() && started.elapsed() > Duration::from_secs(2) {
                interrupted_at = Some(Instant::now());
                barge_in.store(true, Ordering::Release);
            }
        }
    }
    let interrupted_at = interrupted_at.expect("barged in");
    let spoken = speaking.await.unwrap().unwrap();
    let Spoken::Interrupted { after_ms } = spoken else { panic!("not interrupted: {spoken:?}") };
    assert!(after_ms < total_ms, "interrupted after {after_ms} of {total_ms} ms");
    let tail_ms = last_loud.expect("speech heard").duration_since(interrupted_at).as_millis();
    println!("barge-in after {after_ms} of {total_ms} ms: the guest's last speech frame {tail_ms} ms later");
    assert!(tail_ms <= 500, "the guest still heard the agent {tail_ms} ms after the barge-in");
}
