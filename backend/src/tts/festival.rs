//! Festival voices, through Debian's `text2wave` program (festival reads its input as Latin-1).

use super::{Speech, TtsError};
use std::io::Write;
use std::process::{Command, Stdio};

/// A festival voice, by its selection function (e.g. `voice_lp_diphone`).
pub struct FestivalVoice {
    select: &'static str,
}

impl FestivalVoice {
    /// Italian, female: `lp_diphone` (Debian festvox-italp16k, 16 kHz).
    pub fn italian() -> Self {
        Self { select: "voice_lp_diphone" }
    }

    /// A festival voice selected by `select` (the name of its `voice_…` function).
    pub fn named(select: &'static str) -> Self {
        Self { select }
    }

    /// Speaks `text` (mono, the voice's sample rate: 16 kHz for the Italian diphone voices).
    /// Characters outside Latin-1 are replaced by `?`, which festival does not pronounce.
    ///
    /// Errors: [`TtsError::Empty`]; [`TtsError::Program`] when `text2wave` is missing, fails
    /// or writes no WAV.
    pub fn speak(&self, text: &str) -> Result<Speech, TtsError> {
        if !text.chars().any(char::is_alphanumeric) {
            return Err(TtsError::Empty);
        }
        let failed = |message: String| TtsError::Program { program: "text2wave", message };
        let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
        // A file, not stdout: on a pipe text2wave cannot go back to write the WAV's lengths.
        let wav = tempfile::Builder::new().suffix(".wav").tempfile().map_err(|e| failed(e.to_string()))?;
        let mut child = Command::new("text2wave")
            .args(["-eval", &format!("({})", self.select), "-o"])
            .arg(wav.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(format!("cannot run it ({e}); install Debian's festival and festvox-italp16k")))?;
        child.stdin.take().expect("piped").write_all(&latin1).map_err(|e| failed(e.to_string()))?;
        let output = child.wait_with_output().map_err(|e| failed(e.to_string()))?;
        if !output.status.success() {
            return Err(failed(format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim())));
        }
        let reader = hound::WavReader::open(wav.path())
            .map_err(|e| failed(format!("no WAV out ({e}): {}", String::from_utf8_lossy(&output.stderr).trim())))?;
        let spec = reader.spec();
        if spec.channels != 1 || spec.bits_per_sample != 16 {
            return Err(failed(format!("expected mono 16-bit audio, got {spec:?}")));
        }
        let sample_rate_hz = spec.sample_rate;
        let samples = reader.into_samples::<i16>().collect::<Result<Vec<_>, _>>().map_err(|e| failed(e.to_string()))?;
        if samples.is_empty() {
            return Err(failed(format!("wrote no audio: {}", String::from_utf8_lossy(&output.stderr).trim())));
        }
        Ok(Speech { samples, sample_rate_hz })
    }
}
