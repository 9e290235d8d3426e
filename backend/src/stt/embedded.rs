//! Embedded Whisper as a streaming provider: partial transcripts about once a second while the
//! speaker talks, a final transcript when the VAD closes the utterance. Every decode runs
//! whisper.cpp on one thread, as DESIGN.md prescribes; a stream has two: the urgent thread
//! (speculative decodes and finals) and the routine thread (partials), so a final never waits
//! for a partial — whisper.cpp checks its abort flag only between the encoder's stages and the
//! decoder's tokens, and a partial in its encoder would hold the final back for up to half a
//! decode. Each stream still decodes one utterance at a time: the routine thread stands aside
//! whenever the urgent one has work.
//!
//! Scheduling: finals are never dropped and run in order; partials are "latest wins" (a
//! partial still waiting when a newer one is asked for is discarded), and a final aborts the
//! partial in flight so the seller's HUD gets the finished sentence as early as possible.
//!
//! Speculative finals: when the speaker pauses, the utterance so far is decoded at once. If the
//! pause turns out to be the end (the VAD's hangover passes in silence), that decode — which
//! already holds every spoken word — becomes the final: the hangover and the queueing no
//! longer add to the latency. If speech resumes, the pause was not the end: that decode is
//! aborted (or dropped while still queued), as its CPU is what the other speakers' finals need.
//!
//! Finals first, across speakers: finals and speculative decodes are urgent. While one runs in
//! any stream of the provider, routine partials of every stream give up (the one in flight is
//! aborted, waiting ones are skipped): in turn-taking the next speaker starts talking
//! while the previous one's final is decoding, and on two cores that speaker's partials would
//! otherwise halve the CPU the final gets. Partials only use CPU nothing else needs: routine
//! threads run in the `SCHED_IDLE` class, so a partial still in its encoder — which cannot be
//! aborted there — gets only the CPU the urgent thread (and the rest of the machine) leaves.

use super::provider::Transcript;
use super::whisper::{SAMPLE_RATE, WhisperEngine};
use super::provider::{SttError, SttEvent, SttProvider, SttStream};
use super::speech::SpeechContext;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use tokio::sync::mpsc::UnboundedSender;

/// New speech, in samples, between two partial transcripts: 1 s.
pub const PARTIAL_EVERY_SAMPLES: usize = SAMPLE_RATE;

/// Puts the calling thread in Linux's `SCHED_IDLE` class (sched(7): "for running very low
/// priority background jobs"; weight 3 against 1024 for a nice-0 thread, and no privilege
/// needed): routine partials then run on CPU nothing else wants. Nice +10 was not enough: a
/// group's CPU share (autogroup, cgroup) is split by its threads' weights, so partials at nice
/// +10 still claimed most of the server's share whenever no final was decoding, and took it
/// from the other processes of the machine — in the browser tests, the participants' browsers,
/// whose audio then reached the server late (measured: finals 20–40 s behind with the server's
/// group at nice −5). Elsewhere the thread keeps its priority.
fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid sched_param; pid 0 is the calling thread.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "cannot lower the STT partials' thread priority");
        }
    }
}

/// CPU time all routine (partial) decodes of the process have used, ms.
static ROUTINE_CPU_MS: AtomicU64 = AtomicU64::new(0);

/// CPU time this process's partial transcripts have used so far, ms. They run in the
/// `SCHED_IDLE` class, on CPU no other work wants, and give way to any: a measure of how busy
/// the server is leaves them out (`crate::agent::load`), or a server whose partials soak up an
/// idle core would look full.
pub fn routine_cpu_ms() -> u64 {
    ROUTINE_CPU_MS.load(Ordering::Relaxed)
}

/// CPU time the calling thread has used, ms (0 where the clock is unavailable).
fn thread_cpu_ms() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec the call writes into.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return 0;
    }
    now.tv_sec as u64 * 1000 + now.tv_nsec as u64 / 1_000_000
}

/// Decodes one utterance; [`WhisperEngine`] in production.
trait Decoder: Send + Sync + 'static {
    /// Errors: [`SttError::Aborted`] when `abort` was raised during the decode, others as the
    /// engine reports them.
    fn decode(&self, samples: &[f32], speech: &SpeechContext, abort: &AtomicBool) -> Result<Transcript, SttError>;
}

impl Decoder for WhisperEngine {
    fn decode(&self, samples: &[f32], speech: &SpeechContext, abort: &AtomicBool) -> Result<Transcript, SttError> {
        self.transcribe_abortable(samples, speech, abort)
    }
}

/// Urgent decodes (finals, speculative finals) running in any stream of a provider, and the
/// streams whose routine partial they preempt.
#[derive(Default)]
struct Urgent {
    running: AtomicUsize,
    streams: Mutex<Vec<Weak<Shared>>>,
}

impl Urgent {
    fn register(&self, stream: &Arc<Shared>) {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams.retain(|s| s.strong_count() > 0);
        streams.push(Arc::downgrade(stream));
    }

    /// Marks an urgent decode as running until the guard drops, and aborts the routine
    /// partials in flight. (A worker about to start a routine partial marks it running before
    /// it checks [`busy`](Self::busy), so either it sees this decode or this sees it.)
    fn begin(&self) -> UrgentGuard<'_> {
        self.running.fetch_add(1, Ordering::SeqCst);
        for stream in self.streams.lock().unwrap_or_else(|p| p.into_inner()).iter().filter_map(Weak::upgrade) {
            if stream.routine_running.load(Ordering::SeqCst) {
                stream.abort_routine.store(true, Ordering::SeqCst);
            }
        }
        UrgentGuard(self)
    }

    fn busy(&self) -> bool {
        self.running.load(Ordering::SeqCst) > 0
    }
}

struct UrgentGuard<'a>(&'a Urgent);

impl Drop for UrgentGuard<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whisper base shared by every stream of the process.
pub struct WhisperProvider {
    engine: Arc<WhisperEngine>,
    urgent: Arc<Urgent>,
}

impl WhisperProvider {
    /// Wraps a loaded engine.
    pub fn new(engine: Arc<WhisperEngine>) -> Self {
        Self { engine, urgent: Arc::default() }
    }
}

/// Starts a stream's worker thread.
fn open_stream<D: Decoder>(
    decoder: Arc<D>,
    urgent: Arc<Urgent>,
    speaker: &str,
    speech: &SpeechContext,
    events: UnboundedSender<SttEvent>,
) -> Result<Box<dyn SttStream>, SttError> {
    let shared = Arc::new(Shared::default());
    urgent.register(&shared);
    let worker = |decoder: Arc<D>, urgent: Arc<Urgent>| Worker {
        decoder,
        urgent,
        shared: shared.clone(),
        speaker: speaker.to_owned(),
        speech: speech.clone(),
        events: events.clone(),
    };
    let routine = worker(decoder.clone(), urgent.clone());
    let urgent = worker(decoder, urgent);
    let spawn = |name: String, run: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name)
            .spawn(run)
            .map_err(|e| SttError::Provider(format!("cannot start STT thread: {e}")))
    };
    spawn(format!("stt-{speaker}"), Box::new(move || urgent.run_urgent()))?;
    spawn(format!("stt-partial-{speaker}"), Box::new(move || routine.run_routine()))?;
    Ok(Box::new(WhisperStream { shared, utterance: None, audio: Vec::new(), partial_at: 0, speculated: false }))
}

impl SttProvider for WhisperProvider {
    fn name(&self) -> &'static str {
        "whisper"
    }

    fn open(
        &self,
        speaker: &str,
        speech: &SpeechContext,
        events: UnboundedSender<SttEvent>,
    ) -> Result<Box<dyn SttStream>, SttError> {
        open_stream(self.engine.clone(), self.urgent.clone(), speaker, speech, events)
    }
}

/// Work for a stream's urgent thread.
enum Job {
    /// Decoded at a pause; may be promoted to the final.
    Speculative { utterance: u64, samples: Arc<[f32]> },
    Final { utterance: u64, samples: Arc<[f32]> },
    /// The speculative decode of `utterance` is its final (queued, running or done); if it
    /// is gone (superseded), `samples` are decoded instead.
    Promote { utterance: u64, samples: Arc<[f32]> },
}

#[derive(Default)]
struct Shared {
    /// Finals, promotions and speculative decodes, in order (the urgent thread's queue).
    queue: Mutex<VecDeque<Job>>,
    wake: Condvar,
    /// The latest routine partial to decode (the routine thread's slot: latest wins).
    routine: Mutex<Option<(u64, Arc<[f32]>)>>,
    routine_wake: Condvar,
    /// Raised to make the running routine partial give up.
    abort_routine: AtomicBool,
    /// Raised to make the running speculative decode give up (a newer one supersedes it).
    abort_speculative: AtomicBool,
    /// A routine partial is running or about to.
    routine_running: AtomicBool,
    /// Utterance whose running speculative decode must be delivered as its final.
    promoted: Mutex<Option<u64>>,
    /// The stream was dropped: finish the queued finals, then exit.
    closed: AtomicBool,
}

impl Shared {
    fn lock_queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_routine(&self) -> std::sync::MutexGuard<'_, Option<(u64, Arc<[f32]>)>> {
        self.routine.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops the waiting routine partial and aborts the running one.
    fn cancel_routine(&self) {
        *self.lock_routine() = None;
        self.abort_routine.store(true, Ordering::SeqCst);
    }
}

struct WhisperStream {
    shared: Arc<Shared>,
    utterance: Option<u64>,
    audio: Vec<f32>,
    /// `audio.len()` when the last partial was requested.
    partial_at: usize,
    /// A speculative decode of the current utterance was requested at the latest pause.
    speculated: bool,
}

impl WhisperStream {
    fn enqueue(&self, job: Job) {
        let mut queue = self.shared.lock_queue();
        match job {
            Job::Speculative { .. } => {
                // Newer speech supersedes an older speculation, queued or running.
                queue.retain(|j| !matches!(j, Job::Speculative { .. }));
                self.shared.abort_speculative.store(true, Ordering::SeqCst);
                self.shared.cancel_routine();
            }
            Job::Final { .. } => self.shared.cancel_routine(),
            Job::Promote { utterance, .. } => {
                // Still queued: run it as the final.
                for j in queue.iter_mut() {
                    if let Job::Speculative { utterance: u, samples } = j
                        && *u == utterance
                    {
                        *j = Job::Final { utterance, samples: samples.clone() };
                        self.shared.wake.notify_one();
                        return;
                    }
                }
                // Running (or done): the urgent thread delivers it as the final.
                *self.shared.promoted.lock().unwrap_or_else(|p| p.into_inner()) = Some(utterance);
            }
        }
        queue.push_back(job);
        self.shared.wake.notify_one();
    }

    fn request_partial(&self, utterance: u64) {
        *self.shared.lock_routine() = Some((utterance, self.audio.as_slice().into()));
        self.shared.routine_wake.notify_one();
    }
}

impl SttStream for WhisperStream {
    fn push(&mut self, utterance: u64, samples: &[f32]) {
        if self.utterance != Some(utterance) {
            if let Some(previous) = self.utterance {
                self.finish(previous);
            }
            self.utterance = Some(utterance);
        }
        self.audio.extend_from_slice(samples);
        if self.audio.len() - self.partial_at >= PARTIAL_EVERY_SAMPLES {
            self.partial_at = self.audio.len();
            self.request_partial(utterance);
        }
    }

    fn pause(&mut self, utterance: u64) {
        if self.utterance != Some(utterance) {
            return;
        }
        self.speculated = true;
        self.partial_at = self.audio.len();
        self.enqueue(Job::Speculative { utterance, samples: self.audio.as_slice().into() });
    }

    fn resume(&mut self, utterance: u64) {
        if self.utterance != Some(utterance) || !std::mem::take(&mut self.speculated) {
            return;
        }
        // The pause was not the end: its decode would only be a partial, and each one costs
        // as much CPU as a final (about 0.8 s on 2 cores, whatever the length: the encoder's
        // floor), which the other speakers' finals need. Measured in the browser call: an
        // utterance with four pauses took four such decodes.
        let mut queue = self.shared.lock_queue();
        queue.retain(|j| !matches!(j, Job::Speculative { .. }));
        self.shared.abort_speculative.store(true, Ordering::SeqCst);
    }

    fn finish(&mut self, utterance: u64) {
        if self.utterance != Some(utterance) {
            return;
        }
        let samples: Arc<[f32]> = std::mem::take(&mut self.audio).into();
        self.utterance = None;
        self.partial_at = 0;
        // The latest pause started the silence that ended the utterance, so the speculative
        // decode already holds every word.
        if std::mem::take(&mut self.speculated) {
            self.enqueue(Job::Promote { utterance, samples });
        } else {
            self.enqueue(Job::Final { utterance, samples });
        }
    }
}

impl Drop for WhisperStream {
    fn drop(&mut self) {
        if let Some(utterance) = self.utterance {
            self.finish(utterance);
        }
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
        self.shared.routine_wake.notify_one();
    }
}

/// What both of a stream's threads share.
struct Worker<D> {
    decoder: Arc<D>,
    urgent: Arc<Urgent>,
    shared: Arc<Shared>,
    speaker: String,
    speech: SpeechContext,
    events: UnboundedSender<SttEvent>,
}

impl<D: Decoder> Worker<D> {
    fn next_job(&self) -> Option<Job> {
        let mut queue = self.shared.lock_queue();
        loop {
            if let Some(job) = queue.pop_front() {
                if matches!(job, Job::Speculative { .. }) {
                    self.shared.abort_speculative.store(false, Ordering::SeqCst);
                }
                return Some(job);
            }
            if self.shared.closed.load(Ordering::SeqCst) {
                return None;
            }
            queue = self.shared.wake.wait(queue).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// The next routine partial to decode, marked running (`None`: the stream is closed).
    fn next_routine(&self) -> Option<(u64, Arc<[f32]>)> {
        let mut slot = self.shared.lock_routine();
        loop {
            if self.shared.closed.load(Ordering::SeqCst) {
                return None;
            }
            if let Some(partial) = slot.take() {
                self.shared.routine_running.store(true, Ordering::SeqCst);
                self.shared.abort_routine.store(false, Ordering::SeqCst);
                return Some(partial);
            }
            slot = self.shared.routine_wake.wait(slot).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn promoted(&self, utterance: u64) -> bool {
        let mut promoted = self.shared.promoted.lock().unwrap_or_else(|p| p.into_inner());
        if *promoted == Some(utterance) {
            *promoted = None;
            return true;
        }
        false
    }

    /// A final or speculative decode: routine partials everywhere make way for it. Logged at
    /// debug level with its wall-clock and CPU time: a wall time well over the CPU time means
    /// the decode waited for a core (the machine is overloaded), not that Whisper is slow.
    fn urgent_decode(&self, samples: &[f32], abort: &AtomicBool) -> Result<Transcript, SttError> {
        let _urgent = self.urgent.begin();
        let (wall, cpu) = (std::time::Instant::now(), thread_cpu_ms());
        let result = self.decoder.decode(samples, &self.speech, abort);
        tracing::debug!(
            speaker = %self.speaker,
            audio_ms = samples.len() * 1000 / SAMPLE_RATE,
            wall_ms = wall.elapsed().as_millis() as u64,
            cpu_ms = thread_cpu_ms().saturating_sub(cpu),
            aborted = matches!(result, Err(SttError::Aborted)),
            "urgent decode"
        );
        result
    }

    /// The routine thread: partial transcripts about once a second of new speech, on CPU no
    /// urgent decode needs. It has a thread of its own because whisper.cpp checks the abort
    /// flag only between the encoder's stages and the decoder's tokens: a partial in its
    /// encoder would hold a final back for up to half a decode.
    fn run_routine(self) {
        lower_thread_priority();
        while let Some((utterance, samples)) = self.next_routine() {
            // Skipped while a final or speculation of any stream runs or this stream has one
            // waiting (checked after marking this one running: see `Urgent::begin`).
            let result = if self.urgent.busy() || !self.shared.lock_queue().is_empty() {
                Err(SttError::Aborted)
            } else {
                let cpu = thread_cpu_ms();
                let result = self.decoder.decode(&samples, &self.speech, &self.shared.abort_routine);
                ROUTINE_CPU_MS.fetch_add(thread_cpu_ms().saturating_sub(cpu), Ordering::Relaxed);
                result
            };
            self.shared.routine_running.store(false, Ordering::SeqCst);
            let event = match result {
                Ok(transcript) if transcript.text.is_empty() => continue,
                Ok(transcript) => SttEvent::Partial { speaker: self.speaker.clone(), utterance, text: transcript.text },
                Err(SttError::Aborted) => continue,
                Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
            };
            if self.events.send(event).is_err() {
                return; // the session is gone
            }
        }
    }

    /// The urgent thread: speculative decodes, finals and promotions, in order.
    fn run_urgent(self) {
        let never = AtomicBool::new(false);
        // Last speculative decode: (utterance, transcript), delivered if promoted afterwards.
        let mut speculation: Option<(u64, Transcript)> = None;
        // Last utterance whose final went out (a promotion may arrive after it did).
        let mut delivered: Option<u64> = None;
        while let Some(job) = self.next_job() {
            let event = match job {
                Job::Speculative { utterance, samples } => match self.urgent_decode(&samples, &self.shared.abort_speculative) {
                    Ok(transcript) if self.promoted(utterance) => {
                        delivered = Some(utterance);
                        SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                    }
                    Ok(transcript) => {
                        let text = transcript.text.clone();
                        speculation = Some((utterance, transcript));
                        if text.is_empty() {
                            continue;
                        }
                        SttEvent::Partial { speaker: self.speaker.clone(), utterance, text }
                    }
                    Err(SttError::Aborted) => continue,
                    Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                },
                Job::Promote { utterance, samples } => {
                    self.promoted(utterance);
                    if delivered == Some(utterance) {
                        continue; // the running speculative decode already went out as the final
                    }
                    delivered = Some(utterance);
                    match speculation.take() {
                        Some((u, transcript)) if u == utterance => {
                            SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                        }
                        // Superseded or aborted: decode the whole utterance now.
                        _ => match self.urgent_decode(&samples, &never) {
                            Ok(transcript) => SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript },
                            Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                        },
                    }
                }
                Job::Final { utterance, samples } => match self.urgent_decode(&samples, &never) {
                    Ok(transcript) => {
                        delivered = Some(utterance);
                        SttEvent::Final { speaker: self.speaker.clone(), utterance, transcript }
                    }
                    Err(e) => SttEvent::Failed { speaker: self.speaker.clone(), error: e.to_string() },
                },
            };
            if self.events.send(event).is_err() {
                return; // the session is gone
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    /// Stands in for Whisper: text = the number of samples decoded. Audio ending at level
    /// `SLOW` decodes until aborted (10 s at most), as a long partial would; every decode is
    /// reported on `log`.
    struct FakeDecoder {
        log: Mutex<Vec<(usize, &'static str)>>,
    }

    const SLOW: f32 = 0.5;

    impl Decoder for FakeDecoder {
        fn decode(&self, samples: &[f32], _: &SpeechContext, abort: &AtomicBool) -> Result<Transcript, SttError> {
            self.log.lock().unwrap().push((samples.len(), "started"));
            if samples.last() == Some(&SLOW) {
                for _ in 0..2000 {
                    if abort.load(Ordering::SeqCst) {
                        self.log.lock().unwrap().push((samples.len(), "aborted"));
                        return Err(SttError::Aborted);
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Ok(Transcript { text: samples.len().to_string(), words: Vec::new() })
        }
    }

    fn english() -> SpeechContext {
        SpeechContext { language: "en".into(), prompt: String::new() }
    }

    fn fake() -> Arc<FakeDecoder> {
        Arc::new(FakeDecoder { log: Mutex::new(Vec::new()) })
    }

    async fn next(rx: &mut UnboundedReceiver<SttEvent>) -> SttEvent {
        tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("an STT event within 10 s").expect("open")
    }

    async fn until_logged(decoder: &FakeDecoder, entry: (usize, &'static str)) {
        for _ in 0..2000 {
            if decoder.log.lock().unwrap().contains(&entry) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{entry:?} never logged: {:?}", decoder.log.lock().unwrap());
    }

    #[tokio::test]
    async fn partials_every_second_of_speech_and_the_speculative_decode_becomes_the_final() {
        let decoder = fake();
        let (tx, mut rx) = unbounded_channel();
        let mut stream = open_stream(decoder.clone(), Arc::default(), "host", &english(), tx).unwrap();
        let frame = [0.1_f32; 320];
        for second in 1..=3 {
            for _ in 0..50 {
                stream.push(1, &frame);
            }
            match next(&mut rx).await {
                SttEvent::Partial { utterance: 1, text, .. } => assert_eq!(text, (second * 16_000).to_string()),
                other => panic!("{other:?}"),
            }
        }
        for _ in 0..25 {
            stream.push(1, &frame);
        }
        stream.pause(1);
        match next(&mut rx).await {
            SttEvent::Partial { text, .. } => assert_eq!(text, "56000", "the speculation is a partial until the end"),
            other => panic!("{other:?}"),
        }
        stream.finish(1);
        match next(&mut rx).await {
            SttEvent::Final { utterance: 1, transcript, .. } => assert_eq!(transcript.text, "56000"),
            other => panic!("{other:?}"),
        }
        let decodes = decoder.log.lock().unwrap().iter().filter(|(n, _)| *n == 56_000).count();
        assert_eq!(decodes, 1, "the final is the speculative decode, not a second one");
    }

    #[tokio::test]
    async fn speech_resuming_after_a_pause_aborts_its_speculative_decode() {
        let decoder = fake();
        let (tx, mut rx) = unbounded_channel();
        let mut stream = open_stream(decoder.clone(), Arc::default(), "host", &english(), tx).unwrap();
        // Half a second, then a pause: its speculative decode would run for 10 s.
        stream.push(1, &[SLOW; 8_000]);
        stream.pause(1);
        until_logged(&decoder, (8_000, "started")).await;
        stream.resume(1);
        until_logged(&decoder, (8_000, "aborted")).await;
        // The utterance goes on and ends at its next pause: that decode is the final.
        stream.push(1, &[0.1; 8_000]);
        stream.pause(1);
        stream.finish(1);
        loop {
            match next(&mut rx).await {
                SttEvent::Final { utterance: 1, transcript, .. } => break assert_eq!(transcript.text, "16000"),
                SttEvent::Partial { .. } => {}
                other => panic!("{other:?}"),
            }
        }
    }

    /// Scheduling policy of this process's thread named `name` (field 41 of
    /// `/proc/<pid>/task/<tid>/stat`; sched(7): 0 normal, 5 `SCHED_IDLE`).
    /// A new thread names itself once it first runs, which on a loaded machine can be after its
    /// sibling has already produced output: the name is looked for for up to 10 s.
    #[cfg(target_os = "linux")]
    fn policy_of_thread(name: &str) -> i32 {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            for task in std::fs::read_dir("/proc/self/task").unwrap() {
                let path = task.unwrap().path();
                // A thread may exit between the listing and the read.
                let Ok(comm) = std::fs::read_to_string(path.join("comm")) else { continue };
                if comm.trim_end() == name {
                    let stat = std::fs::read_to_string(path.join("stat")).unwrap();
                    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
                    return fields[38].parse().unwrap();
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("no thread named {name}");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn partials_run_at_a_lower_priority_than_finals() {
        let (tx, mut rx) = unbounded_channel();
        let mut stream = open_stream(fake(), Arc::default(), "nice", &english(), tx).unwrap();
        stream.push(1, &[0.1; 16_000]);
        assert!(matches!(next(&mut rx).await, SttEvent::Partial { .. }), "the routine thread is running");
        assert_eq!(policy_of_thread("stt-nice"), 0, "finals keep the normal class");
        assert_eq!(policy_of_thread("stt-partial-nic"), libc::SCHED_IDLE, "partials run on idle CPU only");
    }

    #[tokio::test]
    async fn a_final_preempts_the_partials_of_every_stream() {
        let decoder = fake();
        let urgent: Arc<Urgent> = Arc::default();
        let (tx, mut rx) = unbounded_channel();
        let mut seller = open_stream(decoder.clone(), urgent.clone(), "host", &english(), tx.clone()).unwrap();
        let mut guest = open_stream(decoder.clone(), urgent, "guest", &english(), tx).unwrap();
        // The guest talks: a partial that would decode for 10 s starts.
        for _ in 0..50 {
            guest.push(1, &[SLOW; 320]);
        }
        until_logged(&decoder, (16_000, "started")).await;
        // The seller's utterance ends: its final runs at once and aborts the guest's partial.
        seller.push(1, &[0.1; 8_000]);
        seller.finish(1);
        match next(&mut rx).await {
            SttEvent::Final { speaker, transcript, .. } => assert_eq!((speaker.as_str(), transcript.text.as_str()), ("host", "8000")),
            other => panic!("{other:?}"),
        }
        until_logged(&decoder, (16_000, "aborted")).await;
        // Its own stream's final aborts a partial too, and the final comes out.
        for _ in 0..50 {
            guest.push(1, &[SLOW; 320]);
        }
        until_logged(&decoder, (32_000, "started")).await;
        guest.push(1, &[0.1; 320]);
        guest.finish(1);
        until_logged(&decoder, (32_000, "aborted")).await;
        match next(&mut rx).await {
            SttEvent::Final { speaker, transcript, .. } => assert_eq!((speaker.as_str(), transcript.text.as_str()), ("guest", "32320")),
            other => panic!("{other:?}"),
        }
    }
}
