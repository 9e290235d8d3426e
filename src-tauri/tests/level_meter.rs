//! cpal level meter against a real PulseAudio server: a null sink fed a sine, its monitor as
//! the default source, captured through ALSA's pulse plugin (cpal's default input on Linux).

mod support;

use closer_desktop::audio::{self, Level, LevelMeter};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::PulseAudio;

/// A running meter on the default input and everything it reported so far.
struct Recording {
    meter: LevelMeter,
    levels: Arc<Mutex<Vec<Level>>>,
}

impl Recording {
    fn start() -> Self {
        let levels = Arc::new(Mutex::new(Vec::new()));
        let sink = levels.clone();
        let meter = LevelMeter::start(None, move |l| sink.lock().unwrap().push(l)).expect("open the default input");
        Self { meter, levels }
    }

    fn count(&self) -> usize {
        self.levels.lock().unwrap().len()
    }

    /// Waits (≤ 20 s) until 10 consecutive levels (0.5 s) match `pred`, then returns the next
    /// `window` of levels.
    fn after(&self, pred: impl Fn(&Level) -> bool, window: Duration) -> Vec<Level> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let levels = self.levels.lock().unwrap().clone();
            if levels.len() >= 10 && levels[levels.len() - 10..].iter().all(&pred) {
                let from = levels.len();
                std::thread::sleep(window);
                return self.levels.lock().unwrap()[from..].to_vec();
            }
            assert!(Instant::now() < deadline, "levels never settled within 20 s; last: {:?}", levels.last());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

#[test]
fn level_meter_reports_a_tone_and_silence() {
    let mut pulse = PulseAudio::start();

    let devices = audio::input_devices().expect("list inputs");
    assert!(devices.iter().any(|d| d.name == "pulse" || d.name == "default"), "{devices:?}");
    assert_eq!(devices.iter().filter(|d| d.is_default).count(), 1, "{devices:?}");

    let recording = Recording::start();
    // Nothing plays yet: the monitor of the null sink is silent.
    let quiet = recording.after(|_| true, Duration::from_millis(500));
    assert!(quiet.iter().all(|l| l.rms_dbfs < -60.0), "before the tone: {quiet:?}");

    // A sine at half scale: RMS = 0.5/√2 → −9.03 dBFS, peak −6.02 dBFS.
    pulse.play_tone(440, 0.5, 30);
    let loud = recording.after(|l| l.rms_dbfs > -30.0, Duration::from_secs(1));
    assert!(loud.len() >= 10, "expected ~20 updates in 1 s at 50 ms, got {}", loud.len());
    let rms = median(loud.iter().map(|l| l.rms_dbfs).collect());
    assert!((rms - (-9.03)).abs() < 1.0, "tone RMS {rms:.2} dBFS, expected ≈ −9.03 ({loud:?})");
    let peak = median(loud.iter().map(|l| l.peak_dbfs).collect());
    assert!((peak - (-6.02)).abs() < 1.0, "tone peak {peak:.2} dBFS, expected ≈ −6.02");

    pulse.stop_tones();
    let after = recording.after(|l| l.rms_dbfs < -60.0, Duration::from_millis(500));
    let loudest = after.iter().map(|l| l.rms_dbfs).fold(f32::MIN, f32::max);
    assert!(loudest < -60.0, "after the tone stopped: {loudest:.1} dBFS");
    assert!(recording.count() > 0);
    recording.meter.stop();

    assert!(matches!(LevelMeter::start(Some("no such microphone"), |_| {}), Err(audio::AudioError::NoSuchDevice(_))));
}
