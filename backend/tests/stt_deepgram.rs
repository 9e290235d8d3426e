//! The Deepgram adapter against a local server speaking Deepgram's live-streaming protocol
//! (`deepgram_server`): streamed speech gives partials and a final with plausible word times,
//! every kind of mid-call failure gives exactly one `Failed` (without the key), and a live
//! session whose Deepgram server dies falls back to the embedded Whisper and keeps
//! transcribing.

mod common;
mod deepgram_server;

use closer::analysis::{AnalysisModels, SpeakerRole};
use closer::live::bus::EventBus;
use closer::live::engines::Engines;
use closer::live::session::{Clock, Command, Participant, Session, SessionSetup, SessionShared, COMMAND_QUEUE};
use closer::semantics::encoder::SentenceEncoder;
use closer::stt::deepgram::{DeepgramConfig, DeepgramProvider};
use closer::stt::embedded::WhisperProvider;
use closer::stt::whisper::{SAMPLE_RATE, WhisperEngine};
use closer::stt::{SpeechContext, SttEvent, SttProvider, SttStream};
use closer_wire::{AudioFrame, HudEvent, ProviderState};
use deepgram_server::{Behaviour, FakeDeepgram, Failure};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, timeout};

/// 20 ms at 16 kHz.
const CHUNK: usize = 320;

/// One Whisper model for the whole test binary (tests run in parallel on 2 cores).
fn whisper() -> Arc<WhisperEngine> {
    static ENGINE: OnceLock<Arc<WhisperEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(WhisperEngine::load(&common::models().whisper).unwrap())).clone()
}

/// 16 kHz mono s16le WAV → samples.
fn read_wav(path: &std::path::Path) -> Vec<i16> {
    let mut reader = hound::WavReader::open(path).unwrap();
    assert_eq!((reader.spec().sample_rate as usize, reader.spec().channels), (SAMPLE_RATE, 1));
    reader.samples::<i16>().map(Result::unwrap).collect()
}

fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32768.0).collect()
}

fn provider(server: &FakeDeepgram) -> DeepgramProvider {
    DeepgramProvider::new(DeepgramConfig {
        url: server.url.clone(),
        api_key: server.key.clone(),
        // Whisper on a loaded 2-core machine may take a minute to answer a Finalize, not
        // Deepgram's few hundred ms; these tests are about content, not this timeout.
        finalize_timeout_ms: 600_000,
        ..DeepgramConfig::default()
    })
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Streams `audio` as utterance `utterance` in 20 ms pushes, paced at twice real time.
async fn stream_audio(stream: &mut Box<dyn SttStream>, utterance: u64, audio: &[f32]) {
    for chunk in audio.chunks(CHUNK) {
        stream.push(utterance, chunk);
        sleep(Duration::from_millis(10)).await;
    }
}

/// Events until `finals` finals arrived (or a failure).
async fn collect(events: &mut mpsc::UnboundedReceiver<SttEvent>, finals: usize) -> Vec<SttEvent> {
    let mut seen = Vec::new();
    while seen.iter().filter(|e| matches!(e, SttEvent::Final { .. })).count() < finals {
        let event = timeout(Duration::from_secs(300), events.recv()).await.expect("no STT event for 300 s").expect("channel open");
        let failed = matches!(event, SttEvent::Failed { .. });
        seen.push(event);
        if failed {
            break;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_sentence_gives_partials_and_a_timed_final() {
    let server = FakeDeepgram::start(Behaviour { whisper: Some(whisper()), fail_after: None }).await;
    let audio = to_f32(&read_wav(&common::fixture_dir("smoke-en").join("host.wav")));
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let mut stream = provider(&server).open("host", &SpeechContext::language("en"), events_tx).unwrap();
    // The same sentence twice: the second copy sits 7.24 s later on Deepgram's axis, so equal
    // word times prove the mapping to utterance-relative times.
    stream_audio(&mut stream, 1, &audio).await;
    // Partials come while the utterance is open; on a loaded machine the server may still be
    // transcribing, so keep it open until the first one.
    let mut seen = Vec::new();
    while !seen.iter().any(|e| matches!(e, SttEvent::Partial { .. })) {
        let event = timeout(Duration::from_secs(300), events.recv()).await.expect("no partial for 300 s").unwrap();
        seen.push(event);
    }
    stream.finish(1);
    stream_audio(&mut stream, 2, &audio).await;
    stream.finish(2);
    seen.extend(collect(&mut events, 2).await);

    let partials: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            SttEvent::Partial { utterance: 1, text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let finals: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            SttEvent::Final { speaker, utterance, transcript } => Some((speaker.as_str(), *utterance, transcript)),
            SttEvent::Failed { error, .. } => panic!("stream failed: {error}"),
            _ => None,
        })
        .collect();
    println!("partials: {partials:?}\nfinals: {finals:#?}");
    assert!(!partials.is_empty() && partials.iter().all(|p| !p.is_empty()), "no partial for utterance 1");
    assert_eq!(finals.iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(), [("host", 1), ("host", 2)]);

    let reference = words("Let me quickly walk you through what we will cover in the next twenty minutes.");
    let first = finals[0].2;
    let heard = words(&first.text);
    let found = reference.iter().filter(|w| heard.contains(w)).count();
    assert!(found * 10 >= reference.len() * 8, "final text {:?}", first.text);
    // Speech spans 800–5640 ms of the 7240 ms file.
    let (start, end) = (first.words[0].start_ms, first.words.last().unwrap().end_ms);
    assert!((300..=1500).contains(&start), "first word at {start} ms");
    assert!((4500..=7240).contains(&end), "last word ends at {end} ms");
    assert!(first.words.windows(2).all(|w| w[0].start_ms <= w[1].start_ms), "word times not monotonic");
    assert!(first.words.iter().all(|w| w.start_ms <= w.end_ms && (0.0..=1.0).contains(&w.probability)));
    let second = finals[1].2;
    assert_eq!(second.text, first.text);
    for (a, b) in first.words.iter().zip(&second.words) {
        assert!(a.start_ms.abs_diff(b.start_ms) <= 40, "{a:?} vs {b:?}");
    }

    let log = server.log();
    assert_eq!(log.queries.len(), 1, "one connection per stream");
    assert_eq!((log.queries[0]["model"].as_str(), log.queries[0]["language"].as_str()), ("nova-2", "en"));
    assert_eq!(log.finalizes, 2);
    drop(stream);
    timeout(Duration::from_secs(10), async {
        while server.log().close_streams == 0 {
            sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("CloseStream on drop");
}

/// Pushes synthetic speech-level noise until the stream reports a failure (or 20 s pass),
/// then keeps pushing; returns every event seen.
async fn push_until_failed(behaviour: Behaviour, wrong_key: bool) -> (Vec<SttEvent>, String) {
    let server = FakeDeepgram::start(behaviour).await;
    let mut provider_config = DeepgramConfig { url: server.url.clone(), api_key: server.key.clone(), ..DeepgramConfig::default() };
    if wrong_key {
        provider_config.api_key = format!("{}-revoked", server.key);
    }
    let key = provider_config.api_key.clone();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let mut stream = DeepgramProvider::new(provider_config).open("guest_a", &SpeechContext::language("en"), events_tx).unwrap();
    let tone: Vec<f32> = (0..CHUNK).map(|i| (i as f32 * 0.3).sin() * 0.2).collect();
    let mut seen = Vec::new();
    let mut failed_at = None;
    for i in 0..2000u64 {
        stream.push(1 + i / 100, &tone);
        if i % 100 == 99 {
            stream.finish(1 + i / 100);
        }
        sleep(Duration::from_millis(10)).await;
        while let Ok(event) = events.try_recv() {
            seen.push(event);
        }
        if seen.iter().any(|e| matches!(e, SttEvent::Failed { .. })) {
            // Pushing after the failure is harmless and reports nothing more.
            if i >= *failed_at.get_or_insert(i) + 50 {
                break;
            }
        }
    }
    stream.finish(99);
    drop(stream);
    sleep(Duration::from_millis(500)).await;
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    (seen, key)
}

fn failures(seen: &[SttEvent]) -> Vec<&str> {
    seen.iter()
        .filter_map(|e| match e {
            SttEvent::Failed { speaker, error } => {
                assert_eq!(speaker, "guest_a");
                Some(error.as_str())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mid_call_failure_reports_failed_once_without_the_key() {
    let cases = [
        (Some((60, Failure::Close)), false, "1011"),
        (Some((60, Failure::Garbage)), false, "malformed"),
        (Some((60, Failure::Drop)), false, "Deepgram"),
        (None, true, "401"),
    ];
    for (fail_after, wrong_key, expected) in cases {
        let (seen, key) = push_until_failed(Behaviour { whisper: None, fail_after }, wrong_key).await;
        let errors = failures(&seen);
        println!("{fail_after:?} wrong key {wrong_key}: {errors:?}");
        assert_eq!(errors.len(), 1, "{fail_after:?}: {seen:?}");
        assert!(errors[0].contains(expected), "{fail_after:?}: {}", errors[0]);
        assert!(!errors[0].contains(&key), "the key leaked: {}", errors[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_speaker_keeps_the_connection_alive() {
    let server = FakeDeepgram::start(Behaviour { whisper: None, fail_after: None }).await;
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let mut stream = provider(&server).open("host", &SpeechContext::language("en"), events_tx).unwrap();
    stream.push(1, &[0.1; CHUNK]);
    stream.finish(1);
    sleep(Duration::from_millis(6000)).await;
    assert!(server.log().keep_alives >= 1, "{:?}", server.log());
    let event = events.try_recv().expect("the empty utterance's final");
    assert!(matches!(event, SttEvent::Final { utterance: 1, .. }), "{event:?}");
    assert!(events.try_recv().is_err(), "no failure while idle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_falls_back_to_whisper_when_deepgram_dies_mid_call() {
    // The server transcribes, then drops the connection 3 s into the host's first turn.
    let server = FakeDeepgram::start(Behaviour { whisper: Some(whisper()), fail_after: Some((150, Failure::Drop)) }).await;
    let encoder = Arc::new(SentenceEncoder::load(&common::models()).unwrap());
    let stt: Arc<dyn SttProvider> = Arc::new(provider(&server));
    let fallback_stt: Arc<dyn SttProvider> = Arc::new(WhisperProvider::new(whisper()));
    let engines = Engines { stt, fallback_stt, deepgram: None, refiner: None, analysis: Arc::new(AnalysisModels::new(encoder).unwrap()), whisper: whisper() };
    let (_, playbook) = common::fixture("en-discovery");
    let host = Participant { identity: "host".into(), name: "Marco".into(), role: SpeakerRole::Host, consent: true };
    let shared = Arc::new(SessionShared {
        meeting_id: "deepgram-fallback".into(),
        participants: RwLock::new([(host.identity.clone(), host)].into_iter().collect()),
        bus: EventBus::default(),
        snapshot: Mutex::new(Default::default()),
        started: Mutex::new(None),
    recorder: None,
    fanout: None,
    });
    let setup = SessionSetup { meeting_id: "deepgram-fallback".into(), language: "en".into(), playbook, clock: Clock::Audio };
    let session = Session::start(setup, shared.clone(), engines, None).unwrap();
    let (commands, rx) = mpsc::channel(COMMAND_QUEUE);
    let running = tokio::spawn(session.run(rx));

    // Host turns: 0.8–10.8 s, 14.7–21.0 s ("What is the biggest headache…"), 29.9–36.0 s.
    let audio = read_wav(&common::fixture_dir("en-discovery").join("host.wav"));
    let frames: Vec<&[i16]> = audio.chunks_exact(CHUNK).take(37_000 / 20).collect();
    let send = |from: usize, to: usize| {
        let commands = commands.clone();
        let frames: Vec<Vec<i16>> = frames[from..to].iter().map(|f| f.to_vec()).collect();
        async move {
            for (i, samples) in frames.into_iter().enumerate() {
                let seq = (from + i) as u32;
                let frame = AudioFrame { identity: "host".into(), seq, capture_ms: 1_000_000 + 20 * u64::from(seq), samples };
                commands.send(Command::Frame(frame)).await.unwrap();
            }
        }
    };
    let fallback_at = |shared: &SessionShared| {
        shared.bus.since(None).into_iter().find_map(|e| match e.event {
            HudEvent::ProviderStatus { speaker, provider, state: ProviderState::Fallback, message } => Some((e.seq, speaker, provider, message)),
            _ => None,
        })
    };

    // First 13 s (the first turn, during which the server dies), then wait for the fallback.
    send(0, 650).await;
    let (status_seq, speaker, provider_name, message) = timeout(Duration::from_secs(60), async {
        loop {
            if let Some(status) = fallback_at(&shared) {
                return status;
            }
            sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("no provider_status fallback event");
    println!("fallback: {message}");
    assert_eq!((speaker.as_str(), provider_name.as_str()), ("host", "whisper"));
    assert!(!message.contains(&server.key));

    // The rest of the host's audio goes to the embedded Whisper.
    send(650, frames.len()).await;
    let (done_tx, done) = oneshot::channel();
    commands.send(Command::Flush(done_tx)).await.unwrap();
    timeout(Duration::from_secs(300), done).await.expect("flush timed out").unwrap();
    drop(commands);
    running.await.unwrap();

    let later: Vec<String> = shared
        .bus
        .since(Some(status_seq))
        .into_iter()
        .filter_map(|e| match e.event {
            HudEvent::TranscriptFinal { speaker, text, .. } if speaker == "host" => Some(text),
            _ => None,
        })
        .collect();
    println!("after the fallback: {later:#?}");
    let heard = words(&later.join(" "));
    for word in ["biggest", "headache", "involved", "solution"] {
        assert!(heard.iter().any(|w| w == word), "{word:?} missing after the fallback: {later:?}");
    }
    assert_eq!(server.log().queries.len(), 1, "the dead server is not retried");
}
