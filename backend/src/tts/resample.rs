//! Sample-rate conversion of mono speech with rubato's synchronous FFT resampler (band-limited:
//! its anti-aliasing filter keeps a voice's 22 050 Hz from folding into 16 kHz).

use super::TtsError;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Chunk the resampler works in, frames (rubato's own examples use 1024).
const CHUNK: usize = 1024;

/// `samples` (mono, `from_hz`) at `to_hz`, the same length in time (± one sample).
///
/// Errors: [`TtsError::Resample`] for a zero rate.
pub(super) fn mono(samples: &[i16], from_hz: u32, to_hz: u32) -> Result<Vec<i16>, TtsError> {
    let error = |e: &dyn std::fmt::Display| TtsError::Resample(e.to_string());
    if from_hz == 0 || to_hz == 0 {
        return Err(TtsError::Resample(format!("cannot resample {from_hz} Hz to {to_hz} Hz")));
    }
    if samples.is_empty() {
        return Ok(Vec::new());
    }
    let input: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
    let mut resampler =
        Fft::<f32>::new(from_hz as usize, to_hz as usize, CHUNK, 1, FixedSync::Input).map_err(|e| error(&e))?;
    let adapter = InterleavedSlice::new(&input, 1, input.len()).map_err(|e| error(&e))?;
    let output = resampler.process_all(&adapter, input.len(), None).map_err(|e| error(&e))?;
    Ok(output.take_data().into_iter().map(|s| (s * 32768.0).clamp(-32768.0, 32767.0) as i16).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tone at `hz` for `ms` at `rate`, amplitude 0.5.
    fn tone(hz: f32, ms: u32, rate: u32) -> Vec<i16> {
        let n = (rate * ms / 1000) as usize;
        (0..n).map(|i| ((i as f32 * hz * std::f32::consts::TAU / rate as f32).sin() * 16384.0) as i16).collect()
    }

    /// How many times the signal crosses zero upwards: twice a tone's frequency per second / 2.
    fn rising_zero_crossings(samples: &[i16]) -> usize {
        samples.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count()
    }

    #[test]
    fn a_tone_keeps_its_length_pitch_and_level() {
        let tone = tone(440.0, 1000, 22_050);
        for rate in [16_000, 48_000] {
            let out = mono(&tone, 22_050, rate).unwrap();
            assert!(out.len().abs_diff(rate as usize) <= 2, "{} samples at {rate} Hz", out.len());
            let crossings = rising_zero_crossings(&out);
            assert!((438..=442).contains(&crossings), "{crossings} cycles at {rate} Hz");
            let peak = out[out.len() / 4..3 * out.len() / 4].iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!((15_500..=17_300).contains(&peak), "peak {peak} at {rate} Hz");
        }
    }

    #[test]
    fn frequencies_over_the_new_nyquist_are_filtered_out() {
        let high = tone(10_000.0, 500, 22_050);
        let out = mono(&high, 22_050, 16_000).unwrap();
        let peak = out[out.len() / 4..3 * out.len() / 4].iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak < 300, "a 10 kHz tone at 16 kHz leaves a peak of {peak}");
    }

    #[test]
    fn a_zero_rate_is_refused() {
        assert!(matches!(mono(&[1, 2, 3], 0, 16_000), Err(TtsError::Resample(_))));
        assert!(mono(&[], 22_050, 16_000).unwrap().is_empty());
    }
}
