//! A live session whose speech-to-text falls behind tells the HUD so while no transcript comes
//! (`HudEvent::CopilotStatus`), and tells it again once the transcript arrives. The STT here is
//! a stand-in that delivers each final 3.5 s late; the audio is fed in real time.

mod common;

use closer::analysis::{AnalysisModels, SpeakerRole};
use closer::live::bus::EventBus;
use closer::live::engines::Engines;
use closer::live::session::{BEHIND_REPORT_MS, COMMAND_QUEUE, Clock, Command, Participant, Session, SessionSetup, SessionShared};
use closer::semantics::encoder::SentenceEncoder;
use closer::stt::Transcript;
use closer::stt::{SpeechContext, SttError, SttEvent, SttProvider, SttStream};
use closer_wire::{AudioFrame, HudEvent};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedSender};

/// How late the stand-in delivers each final transcript.
const STT_DELAY: Duration = Duration::from_millis(3500);

struct SlowProvider;

struct SlowStream {
    speaker: String,
    events: UnboundedSender<SttEvent>,
}

impl SttProvider for SlowProvider {
    fn name(&self) -> &'static str {
        "slow"
    }

    fn open(&self, speaker: &str, _speech: &SpeechContext, events: UnboundedSender<SttEvent>) -> Result<Box<dyn SttStream>, SttError> {
        Ok(Box::new(SlowStream { speaker: speaker.to_owned(), events }))
    }
}

impl SttStream for SlowStream {
    fn push(&mut self, _utterance: u64, _samples: &[f32]) {}

    fn finish(&mut self, utterance: u64) {
        let (speaker, events) = (self.speaker.clone(), self.events.clone());
        std::thread::spawn(move || {
            std::thread::sleep(STT_DELAY);
            let transcript = Transcript { text: "Hello there.".into(), words: vec![] };
            let _ = events.send(SttEvent::Final { speaker, utterance, transcript });
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copilot_behind_the_call_says_so_until_it_catches_up() {
    let encoder = Arc::new(SentenceEncoder::load(&common::models()).unwrap());
    let slow: Arc<dyn SttProvider> = Arc::new(SlowProvider);
    let whisper = Arc::new(closer::stt::whisper::WhisperEngine::load(&common::models().whisper).unwrap());
    let engines = Engines { stt: slow.clone(), fallback_stt: slow, deepgram: None, refiner: None, analysis: Arc::new(AnalysisModels::new(encoder).unwrap()), whisper };
    let (_, playbook) = common::fixture("en-discovery");
    let host = Participant { identity: "host".into(), name: "Marco".into(), role: SpeakerRole::Host, consent: true };
    let shared = Arc::new(SessionShared {
        meeting_id: "late".into(),
        participants: RwLock::new([(host.identity.clone(), host)].into_iter().collect()),
        bus: EventBus::default(),
        snapshot: Mutex::new(Default::default()),
        started: Mutex::new(None),
        recorder: None,
        fanout: None,
    });
    let setup = SessionSetup { meeting_id: "late".into(), language: "en".into(), playbook, clock: Clock::Wall };
    let session = Session::start(setup, shared.clone(), engines, None).unwrap();
    let (commands, rx) = mpsc::channel(COMMAND_QUEUE);
    let running = tokio::spawn(session.run(rx));

    // 0.3 s of silence, 1 s of loud noise (an utterance), then silence: 7 s in real time, 20 ms
    // frames on a 20 ms tick.
    let mut noise = 12_345u32;
    let mut ticker = tokio::time::interval(Duration::from_millis(20));
    for seq in 0..350u32 {
        ticker.tick().await;
        let loud = (15..65).contains(&seq);
        let samples = (0..320)
            .map(|_| {
                noise = noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                if loud { ((noise >> 16) as i16) / 4 } else { 0 }
            })
            .collect();
        let frame = AudioFrame { identity: "host".into(), seq, capture_ms: 1_000_000 + 20 * u64::from(seq), samples };
        commands.send(Command::Frame(frame)).await.unwrap();
    }
    drop(commands);
    running.await.unwrap();

    let events = shared.bus.since(None);
    let statuses: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e.event {
            HudEvent::CopilotStatus { behind_ms } => Some((e.seq, behind_ms)),
            _ => None,
        })
        .collect();
    let final_seq = events.iter().find(|e| matches!(e.event, HudEvent::TranscriptFinal { .. })).expect("the late final").seq;
    println!("copilot statuses (seq, behind ms): {statuses:?}; final at seq {final_seq}");
    let late: Vec<(u64, u64)> = statuses.iter().copied().filter(|&(_, behind)| behind >= BEHIND_REPORT_MS).collect();
    let caught_up: Vec<(u64, u64)> = statuses.iter().copied().filter(|&(_, behind)| behind < BEHIND_REPORT_MS).collect();
    assert!(late.len() >= 2, "late at 2 s and again a second later: {statuses:?}");
    assert!(late[0].1 < BEHIND_REPORT_MS + 500, "said as soon as it was 2 s late: {statuses:?}");
    assert!(late.windows(2).all(|w| w[1].1 >= w[0].1 + 1000), "once per further second: {statuses:?}");
    assert!(late.iter().all(|(seq, _)| *seq < final_seq), "while the transcript was missing: {statuses:?}");
    assert_eq!(caught_up.len(), 1, "one all-clear: {statuses:?}");
    assert!(caught_up[0].0 > final_seq && caught_up[0].1 < BEHIND_REPORT_MS, "after the final arrived: {statuses:?}");
}
