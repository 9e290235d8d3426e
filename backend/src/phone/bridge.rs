//! A phone call joined to its meeting's room: the caller's audio published as their
//! microphone, everyone audible in the room (the AI agent, a seller who takes over) mixed down
//! to the caller; the bridge ends when either side is gone.

use closer_rtc::proto::TrackKind;
use closer_rtc::{AudioSource, Connected, Room, RoomEvent};
use closer_sip::{Call, FRAME_SAMPLES, Outbound, SAMPLE_RATE};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Most of one voice held for the mix (200 ms): a voice delivered late is cut, not delayed.
const MAX_VOICE: usize = SAMPLE_RATE as usize / 5;
/// How long the caller waits for anyone (the AI agent) to join before the call is given up.
pub const NOBODY_JOINS: Duration = Duration::from_secs(20);
/// Audio still in flight to the caller when the room empties: the agent's last words.
const LAST_WORDS: Duration = Duration::from_millis(600);
/// Identities that are in the room without being in the call: the hidden copilot.
const NOT_IN_THE_CALL: [&str; 1] = [crate::agent::IDENTITY];

/// How a bridged call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The caller hung up.
    CallerHungUp,
    /// Everyone else left the room (the AI agent finished): we hung up.
    RoomEmptied,
    /// Nobody joined within [`NOBODY_JOINS`], or the room was lost.
    Lost,
}

/// The room's voices, each queued apart, summed for the caller every 20 ms.
#[derive(Default)]
struct Mix(Mutex<HashMap<String, VecDeque<i16>>>);

impl Mix {
    fn push(&self, voice: &str, samples: &[i16]) {
        let mut voices = self.0.lock().expect("mix");
        let queue = voices.entry(voice.to_owned()).or_default();
        queue.extend(samples);
        let excess = queue.len().saturating_sub(MAX_VOICE);
        queue.drain(..excess);
    }

    fn remove(&self, voice: &str) {
        self.0.lock().expect("mix").remove(voice);
    }

    /// One packet's worth of every voice, summed (saturating); empty when all are silent.
    fn next(&self) -> Vec<i16> {
        let mut sum = [0i32; FRAME_SAMPLES];
        let mut longest = 0;
        for queue in self.0.lock().expect("mix").values_mut() {
            let n = queue.len().min(FRAME_SAMPLES);
            for (slot, sample) in sum.iter_mut().zip(queue.drain(..n)) {
                *slot += i32::from(sample);
            }
            longest = longest.max(n);
        }
        sum[..longest].iter().map(|&s| s.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16).collect()
    }
}

/// Runs the call in `connected`'s room until it ends, with `microphone` publishing the
/// caller. The caller never hears themselves: only other participants' tracks are mixed.
pub async fn run(mut call: Call, connected: Connected, microphone: AudioSource) -> (Call, Room, End) {
    let Connected { room, participants, mut events } = connected;
    let mix = Arc::new(Mix::default());
    let outbound = call.media.outbound();
    let mixing = tokio::spawn(mix_to(mix.clone(), outbound));
    let mut present: HashSet<String> = participants.iter().map(|(p, _)| p.identity.clone()).filter(|i| !NOT_IN_THE_CALL.contains(&i.as_str())).collect();
    let mut anyone_came = !present.is_empty();
    let (voices_done, mut voice_ended) = mpsc::unbounded_channel::<String>();
    let ended = call.ended();
    tokio::pin!(ended);
    let nobody = tokio::time::sleep(NOBODY_JOINS);
    tokio::pin!(nobody);
    let end = loop {
        tokio::select! {
            _ = &mut ended => break End::CallerHungUp,
            _ = &mut nobody, if !anyone_came => break End::Lost,
            frame = call.media.recv() => match frame {
                Some(frame) => {
                    if let Err(e) = microphone.capture(&frame).await {
                        tracing::warn!(error = %e, "the caller's audio could not be sent to the room");
                    }
                }
                None => break End::CallerHungUp,
            },
            Some(voice) = voice_ended.recv() => mix.remove(&voice),
            event = events.recv() => match event {
                None | Some(RoomEvent::Disconnected { .. }) => break End::Lost,
                Some(RoomEvent::ParticipantConnected(p)) => {
                    if !NOT_IN_THE_CALL.contains(&p.identity.as_str()) {
                        anyone_came = true;
                        present.insert(p.identity);
                    }
                }
                Some(RoomEvent::ParticipantDisconnected { identity }) => {
                    present.remove(&identity);
                    if anyone_came && present.is_empty() {
                        tokio::time::sleep(LAST_WORDS).await;
                        break End::RoomEmptied;
                    }
                }
                Some(RoomEvent::TrackSubscribed(track)) if track.kind == TrackKind::KindAudio => {
                    let voice = track.sid.clone();
                    match room.subscribe_audio(track, SAMPLE_RATE, 1) {
                        Ok(mut stream) => {
                            let (mix, done) = (mix.clone(), voices_done.clone());
                            tokio::spawn(async move {
                                while let Some(frame) = stream.recv().await {
                                    mix.push(&voice, &frame.samples);
                                }
                                let _ = done.send(voice);
                            });
                        }
                        Err(e) => tracing::warn!(error = %e, "a voice in the room could not be received for the caller"),
                    }
                }
                Some(_) => {}
            },
        }
    };
    mixing.abort();
    (call, room, end)
}

/// Plays the mix to the caller, one packet every 20 ms.
async fn mix_to(mix: Arc<Mix>, outbound: Outbound) {
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    loop {
        ticks.tick().await;
        let frame = mix.next();
        if !frame.is_empty() {
            outbound.play(&frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_are_summed_and_a_late_one_is_cut_not_delayed() {
        let mix = Mix::default();
        mix.push("agent", &[1000; 100]);
        mix.push("seller", &[500; 160]);
        let frame = mix.next();
        assert_eq!(frame.len(), 160);
        assert_eq!(&frame[..100], &[1500; 100][..]);
        assert_eq!(&frame[100..], &[500; 60][..]);
        assert!(mix.next().is_empty());
        mix.push("agent", &[i16::MAX; 10]);
        mix.push("seller", &[i16::MAX; 10]);
        assert_eq!(mix.next(), vec![i16::MAX; 10]);
        mix.push("agent", &vec![1; MAX_VOICE * 3]);
        assert_eq!(mix.0.lock().unwrap()["agent"].len(), MAX_VOICE);
        mix.remove("agent");
        assert!(mix.next().is_empty());
    }
}
