//! Microphones for the pre-call check, through `cpal` (ALSA on Linux — PulseAudio/PipeWire via
//! ALSA's pulse plugin —, WASAPI on Windows, CoreAudio on macOS): the input devices, and a
//! live level meter on one of them.

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use serde::Serialize;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use ts_rs::TS;

/// How often the meter reports, ms (20 updates/s: smooth to the eye, cheap over IPC).
pub const METER_INTERVAL_MS: u32 = 50;
/// Level reported for digital silence, dBFS.
pub const SILENCE_DBFS: f32 = -100.0;

/// An audio input the OS offers.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct InputDevice {
    /// The device's name; pass it back to choose the device.
    pub name: String,
    /// Whether it is the system's default input.
    pub is_default: bool,
}

/// Loudness of one meter interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, TS)]
pub struct Level {
    /// Root mean square over the interval, dBFS (0 = full scale sine peak; ≥ −100).
    pub rms_dbfs: f32,
    /// Largest absolute sample of the interval, dBFS (≥ −100).
    pub peak_dbfs: f32,
}

/// Why the devices could not be listed or the meter started.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio input device named {0:?}")]
    NoSuchDevice(String),
    #[error("no default audio input device")]
    NoDefaultDevice,
    #[error("unsupported sample format {0}")]
    SampleFormat(String),
    #[error("audio backend: {0}")]
    Backend(String),
}

fn backend(e: impl std::fmt::Display) -> AudioError {
    AudioError::Backend(e.to_string())
}

impl Level {
    /// The level of `samples` (interleaved, any channel count, full scale ±1.0); silence and an
    /// empty slice are [`SILENCE_DBFS`]. RMS and peak per IEC 61606 (dBFS re full-scale).
    pub fn of(samples: &[f32]) -> Self {
        if samples.is_empty() {
            return Level { rms_dbfs: SILENCE_DBFS, peak_dbfs: SILENCE_DBFS };
        }
        let (sum, peak) = samples.iter().fold((0.0f64, 0.0f32), |(s, p), &x| (s + f64::from(x) * f64::from(x), p.max(x.abs())));
        let rms = (sum / samples.len() as f64).sqrt() as f32;
        Level { rms_dbfs: dbfs(rms), peak_dbfs: dbfs(peak) }
    }
}

fn dbfs(amplitude: f32) -> f32 {
    if amplitude <= 0.0 { SILENCE_DBFS } else { (20.0 * amplitude.log10()).max(SILENCE_DBFS) }
}

/// The input devices of the default host (an empty list when there are none).
pub fn input_devices() -> Result<Vec<InputDevice>, AudioError> {
    let host = cpal::default_host();
    let default_name = host.default_input_device().and_then(|d| d.name().ok());
    let devices = host.input_devices().map_err(backend)?;
    Ok(devices
        .filter_map(|d| d.name().ok())
        .map(|name| InputDevice { is_default: Some(&name) == default_name.as_ref(), name })
        .collect())
}

fn find_device(name: Option<&str>) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    match name {
        None => host.default_input_device().ok_or(AudioError::NoDefaultDevice),
        Some(name) => host
            .input_devices()
            .map_err(backend)?
            .find(|d| d.name().is_ok_and(|n| n == name))
            .ok_or_else(|| AudioError::NoSuchDevice(name.to_owned())),
    }
}

/// A running level meter; dropping it (or [`LevelMeter::stop`]) closes the device.
pub struct LevelMeter {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LevelMeter {
    /// Opens `device` (by name; `None` = the default input) with its default configuration and
    /// calls `on_level` every [`METER_INTERVAL_MS`] of captured audio, on the audio thread.
    /// Errors when the device is missing or cannot be opened.
    pub fn start(device: Option<&str>, on_level: impl FnMut(Level) + Send + 'static) -> Result<Self, AudioError> {
        let device = find_device(device)?;
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), AudioError>>();
        // cpal streams are not `Send` on every platform: the stream lives and dies on its thread.
        let thread = std::thread::Builder::new()
            .name("closer-level-meter".into())
            .spawn(move || match open_stream(&device, on_level) {
                Ok(stream) => {
                    let _ = ready_tx.send(Ok(()));
                    let _ = stop_rx.recv();
                    drop(stream);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            })
            .map_err(backend)?;
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(LevelMeter { stop: Some(stop_tx), thread: Some(thread) }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(AudioError::Backend("the audio device did not open within 10 s".into())),
        }
    }

    /// Stops capturing and waits for the device to close.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn open_stream(device: &cpal::Device, mut on_level: impl FnMut(Level) + Send + 'static) -> Result<cpal::Stream, AudioError> {
    let supported = device.default_input_config().map_err(backend)?;
    let config: cpal::StreamConfig = supported.config();
    let window = (config.sample_rate.0 as usize * config.channels as usize * METER_INTERVAL_MS as usize / 1000).max(1);
    let mut pending: Vec<f32> = Vec::with_capacity(window);
    let mut feed = move |samples: &mut dyn Iterator<Item = f32>| {
        for s in samples {
            pending.push(s);
            if pending.len() == window {
                on_level(Level::of(&pending));
                pending.clear();
            }
        }
    };
    let on_error = |e: cpal::StreamError| tracing::warn!(error = %e, "audio input stream error");
    use cpal::Sample;
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => device.build_input_stream(&config, move |d: &[f32], _: &_| feed(&mut d.iter().copied()), on_error, None),
        cpal::SampleFormat::I16 => device.build_input_stream(&config, move |d: &[i16], _: &_| feed(&mut d.iter().map(|s| s.to_sample::<f32>())), on_error, None),
        cpal::SampleFormat::I32 => device.build_input_stream(&config, move |d: &[i32], _: &_| feed(&mut d.iter().map(|s| s.to_sample::<f32>())), on_error, None),
        cpal::SampleFormat::U16 => device.build_input_stream(&config, move |d: &[u16], _: &_| feed(&mut d.iter().map(|s| s.to_sample::<f32>())), on_error, None),
        other => return Err(AudioError::SampleFormat(other.to_string())),
    }
    .map_err(backend)?;
    stream.play().map_err(backend)?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_scale_sine_is_minus_3_dbfs_rms_and_0_peak() {
        let sine: Vec<f32> = (0..4800).map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 48_000.0).sin()).collect();
        let level = Level::of(&sine);
        assert!((level.rms_dbfs - (-3.01)).abs() < 0.05, "{level:?}");
        assert!(level.peak_dbfs.abs() < 0.01, "{level:?}");
    }

    #[test]
    fn quieter_signal_is_lower_by_its_gain() {
        let sine: Vec<f32> = (0..4800).map(|i| 0.1 * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 48_000.0).sin()).collect();
        let level = Level::of(&sine);
        assert!((level.rms_dbfs - (-23.01)).abs() < 0.05, "{level:?}");
        assert!((level.peak_dbfs - (-20.0)).abs() < 0.05, "{level:?}");
    }

    #[test]
    fn silence_and_empty_are_the_floor() {
        assert_eq!(Level::of(&[0.0; 100]), Level { rms_dbfs: SILENCE_DBFS, peak_dbfs: SILENCE_DBFS });
        assert_eq!(Level::of(&[]), Level { rms_dbfs: SILENCE_DBFS, peak_dbfs: SILENCE_DBFS });
        assert_eq!(Level::of(&[1e-9]).rms_dbfs, SILENCE_DBFS);
    }
}
