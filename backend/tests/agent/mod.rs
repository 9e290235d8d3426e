//! A call between an AI agent and a guest, both server-side LiveKit participants, shared by
//! `tests/agent_conversation.rs` and `benches/agent.rs`.
#![allow(dead_code)] // each includer uses its own subset

use super::rtc_common::{join, subscribed_audio, unique_room, wait_for};
use closer_rtc::{AudioSource, AudioStream, Connected, RoomEvent};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A fresh room with the agent (`agent-ai`, nothing subscribed) and a guest (`guest-anna`)
/// who has published a 48 kHz microphone.
pub struct Call {
    pub agent: Connected,
    pub guest: Connected,
    pub mic: Arc<AudioSource>,
}

impl Call {
    pub async fn start(name: &str) -> Call {
        let room = unique_room(name).await;
        let agent = join(&room, "agent-ai", false, false).await;
        let guest = join(&room, "guest-anna", false, true).await;
        let mic = Arc::new(guest.room.publish_audio("microphone", 48_000, 1).await.unwrap());
        Call { agent, guest, mic }
    }

    /// Once the agent has published its voice: the guest's stream of it and the agent's
    /// stream of the guest's microphone, both 16 kHz mono.
    pub async fn hear_each_other(&mut self) -> (AudioStream, AudioStream) {
        let from_agent = subscribed_audio(&mut self.guest.events, "agent-ai").await;
        let hears_agent = self.guest.room.subscribe_audio(from_agent, 16_000, 1).unwrap();
        let published = wait_for(&mut self.agent.events, "the guest's track", |e| match e {
            RoomEvent::TrackPublished(p) if p.participant == "guest-anna" => Ok(p),
            other => Err(other),
        })
        .await
        .0;
        self.agent.room.set_subscribed(&published, true).unwrap();
        let from_guest = subscribed_audio(&mut self.agent.events, "guest-anna").await;
        let hears_guest = self.agent.room.subscribe_audio(from_guest, 16_000, 1).unwrap();
        (hears_agent, hears_guest)
    }
}

/// A 10 ms frame louder than this (RMS) is the agent speaking (its speech frames are in the
/// thousands; silence and the jitter buffer's concealment far under).
const SPEECH_RMS: f64 = 500.0;
/// Silence after which the guest takes a stretch of the agent's speech to be over: longer
/// than the pauses between the sentences of one line (festival's Italian voice pauses 730–800
/// ms at a full stop, which the room's jitter stretches past 800 ms).
const LINE_END: Duration = Duration::from_millis(1_200);

fn rms(frame: &[i16]) -> f64 {
    (frame.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame.len().max(1) as f64).sqrt()
}

/// Speaks `samples` (48 kHz) on `mic` in real time; returns when the last frame was queued.
async fn say(mic: Arc<AudioSource>, samples: Vec<i16>) -> Instant {
    for frame in samples.chunks(480) {
        let mut frame = frame.to_vec();
        frame.resize(480, 0);
        mic.capture(&frame).await.expect("capture");
    }
    Instant::now()
}

/// What the guest went through.
pub struct Heard {
    /// Per answer, how long after the answer ended the agent's next stretch began, ms.
    pub gaps: Vec<u128>,
    /// Everything received from the agent (16 kHz mono), until the last gap.
    pub audio: Vec<i16>,
    /// The agent's audio from then on.
    pub agent: AudioStream,
}

/// The guest: answers each stretch of the agent's speech after it ends, except the stretch
/// numbered `barge_in` (0-based), which it answers one second into it.
pub async fn guest(mut agent: AudioStream, mic: Arc<AudioSource>, answers: Vec<Vec<i16>>, barge_in: Option<usize>) -> Heard {
    let (mut stretch, mut answered, mut loud_since, mut last_loud) = (0usize, 0usize, None::<Instant>, None::<Instant>);
    let mut speaking: Option<tokio::task::JoinHandle<Instant>> = None;
    let mut answer_ends = Vec::new();
    let mut gaps = Vec::new();
    let mut audio = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60 + 20 * answers.len() as u64);
    while Instant::now() < deadline && gaps.len() < answers.len() {
        let Ok(Some(frame)) = tokio::time::timeout(Duration::from_millis(100), agent.recv()).await else { continue };
        let now = Instant::now();
        audio.extend_from_slice(&frame.samples);
        if speaking.as_ref().is_some_and(|s| s.is_finished()) {
            answer_ends.push(speaking.take().unwrap().await.unwrap());
        }
        if rms(&frame.samples) > SPEECH_RMS {
            if loud_since.is_none() {
                loud_since = Some(now);
                if let Some(&ended) = answer_ends.last().filter(|_| answer_ends.len() > gaps.len()) {
                    gaps.push(now.duration_since(ended).as_millis());
                }
            }
            last_loud = Some(now);
            let cut_in = Some(stretch) == barge_in && now.duration_since(loud_since.unwrap()) > Duration::from_secs(1);
            if cut_in && answered == stretch && speaking.is_none() {
                speaking = Some(tokio::spawn(say(mic.clone(), answers[answered].clone())));
                answered += 1;
            }
        } else if last_loud.is_some_and(|at| now.duration_since(at) > LINE_END) && loud_since.is_some() {
            if answered == stretch && answered < answers.len() && speaking.is_none() {
                speaking = Some(tokio::spawn(say(mic.clone(), answers[answered].clone())));
                answered += 1;
            }
            stretch += 1;
            loud_since = None;
        }
    }
    Heard { gaps, audio, agent }
}


/// The agent's stretches of speech in `audio` (16 kHz mono, as [`Heard::audio`]), split where
/// it was quiet for [`LINE_END`], the rule the guest answers by; each from its first loud 10 ms
/// frame to its last.
pub fn stretches(audio: &[i16]) -> Vec<&[i16]> {
    const FRAME: usize = 160;
    let quiet_frames = (LINE_END.as_millis() / 10) as usize;
    let mut found = Vec::new();
    let (mut start, mut last_loud) = (None::<usize>, 0usize);
    for (n, frame) in audio.chunks(FRAME).enumerate() {
        if rms(frame) > SPEECH_RMS {
            start.get_or_insert(n);
            last_loud = n;
        } else if let Some(first) = start.filter(|_| n - last_loud > quiet_frames) {
            found.push(&audio[first * FRAME..(last_loud + 1) * FRAME]);
            start = None;
        }
    }
    if let Some(first) = start {
        found.push(&audio[first * FRAME..((last_loud + 1) * FRAME).min(audio.len())]);
    }
    found
}

/// Reads `agent` until it has been silent for `quiet`; returns when its last loud frame arrived
/// (`None`: nothing loud at all).
pub async fn last_sound(agent: &mut AudioStream, quiet: Duration) -> Option<Instant> {
    let mut last = None;
    let mut since = Instant::now();
    while since.elapsed() < quiet {
        let Ok(Some(frame)) = tokio::time::timeout(Duration::from_millis(100), agent.recv()).await else { continue };
        if rms(&frame.samples) > SPEECH_RMS {
            last = Some(Instant::now());
            since = Instant::now();
        }
    }
    last
}
