//! Energy voice-activity detector gating each speaker's audio before STT (Whisper invents text
//! on silence, and decoding silence wastes the CPU the other speakers need).
//!
//! Per 20 ms frame: level in dBFS (RMS relative to full scale); a frame is voiced when it is
//! above −50 dBFS and 12 dB over the noise floor, the quietest frame of the last 5 s (speech
//! always has pauses between words, so the minimum follows the background, not the voice).
//! An utterance opens after 60 ms of voiced frames (with 200 ms of pre-roll so the first
//! syllable is kept) and closes after 700 ms of unvoiced frames (longer than the pauses between
//! the sentences of one turn, so Whisper decodes a turn with its context instead of sentence by
//! sentence — short segments decode worse — and shorter than a real lapse), or when it reaches
//! 20 s (Whisper's window is 30 s). The long hangover costs no latency: the speculative
//! decode starts at the pause, and becomes the final if the pause lasts.
//!
//! A pause is 160 ms of unvoiced frames after at least 60 ms of voiced ones: longer than most
//! gaps between words and stop closures of fluent speech (Campione & Véronis, "A large-scale
//! multilingual study of silent pause duration", Speech Prosody 2002, set brief pauses below
//! 200 ms apart from the medium and long ones that mark breaks), so the speculative decode
//! runs about once per sentence break instead of at every word gap, and a frame or two of
//! noise in the silence does not restart it.

use std::collections::VecDeque;

/// Samples per frame (20 ms at 16 kHz).
pub const FRAME: usize = 320;
const VOICED_FLOOR_DBFS: f32 = -50.0;
const OVER_NOISE_DB: f32 = 12.0;
const OPEN_FRAMES: usize = 3;
const PRE_ROLL_FRAMES: usize = 10;
const HANGOVER_FRAMES: usize = 35;
/// Unvoiced frames that make a pause (160 ms).
const PAUSE_FRAMES: usize = 8;
/// Silence that closes an utterance, ms.
pub const HANGOVER_MS: u64 = HANGOVER_FRAMES as u64 * 20;
const MAX_FRAMES: usize = 1000;
/// Frames over which the noise floor is the minimum level: 5 s.
const FLOOR_WINDOW_FRAMES: usize = 250;

/// What one frame did to the utterance state.
#[derive(Clone, Debug, PartialEq)]
pub enum VadOutput {
    /// Nothing to send: silence.
    Silence,
    /// Speech samples for the current utterance (on opening, the pre-roll comes first).
    Speech(Vec<i16>),
    /// The utterance ended at this frame (its trailing silence was already sent as speech,
    /// keeping a natural ending for the recogniser).
    End,
}

/// Per-speaker detector state.
#[derive(Debug)]
pub struct Vad {
    recent_levels: VecDeque<f32>,
    voiced_run: usize,
    silent_run: usize,
    in_speech: bool,
    utterance_frames: usize,
    pre_roll: VecDeque<Vec<i16>>,
    /// Voiced frames since the last pause (or the opening).
    voiced_since_pause: usize,
    /// The latest frame completed a pause.
    paused: bool,
    /// The latest frame ended a pause: speech resumed within the utterance.
    resumed: bool,
}

impl Default for Vad {
    fn default() -> Self {
        Self {
            recent_levels: VecDeque::with_capacity(FLOOR_WINDOW_FRAMES),
            voiced_run: 0,
            silent_run: 0,
            in_speech: false,
            utterance_frames: 0,
            pre_roll: VecDeque::new(),
            voiced_since_pause: 0,
            paused: false,
            resumed: false,
        }
    }
}

/// RMS level of `frame` in dBFS (−120 for digital silence).
pub fn level_dbfs(frame: &[i16]) -> f32 {
    if frame.is_empty() {
        return -120.0;
    }
    let energy = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / frame.len() as f64;
    if energy <= 0.0 { -120.0 } else { (10.0 * (energy.sqrt() / 32768.0).powi(2).log10()) as f32 }
}

impl Vad {
    /// `true` while an utterance is open.
    pub fn in_speech(&self) -> bool {
        self.in_speech
    }

    /// `true` right after the frame that completed a pause (160 ms unvoiced after at least
    /// 60 ms of speech) in an open utterance: the utterance ends if the pause lasts the
    /// hangover. At most once per stretch of speech.
    pub fn pause_started(&self) -> bool {
        self.paused
    }

    /// `true` right after the frame that ended a signalled pause: 60 ms of speech again in the
    /// same utterance, so the pause was not its end (what was decoded at the pause is moot).
    pub fn speech_resumed(&self) -> bool {
        self.resumed
    }

    /// Feeds one frame.
    pub fn push(&mut self, frame: &[i16]) -> VadOutput {
        self.paused = false;
        self.resumed = false;
        let level = level_dbfs(frame);
        if self.recent_levels.len() == FLOOR_WINDOW_FRAMES {
            self.recent_levels.pop_front();
        }
        self.recent_levels.push_back(level);
        let noise_floor = self.recent_levels.iter().copied().fold(f32::MAX, f32::min).max(-90.0);
        let voiced = level > VOICED_FLOOR_DBFS && level > noise_floor + OVER_NOISE_DB;

        if !self.in_speech {
            self.pre_roll.push_back(frame.to_vec());
            if self.pre_roll.len() > PRE_ROLL_FRAMES {
                self.pre_roll.pop_front();
            }
            self.voiced_run = if voiced { self.voiced_run + 1 } else { 0 };
            if self.voiced_run < OPEN_FRAMES {
                return VadOutput::Silence;
            }
            self.in_speech = true;
            self.silent_run = 0;
            self.voiced_since_pause = self.voiced_run;
            let audio: Vec<i16> = self.pre_roll.drain(..).flatten().collect();
            self.utterance_frames = audio.len() / FRAME;
            return VadOutput::Speech(audio);
        }

        self.utterance_frames += 1;
        if voiced {
            self.silent_run = 0;
            self.voiced_since_pause += 1;
            // The count starts at OPEN_FRAMES when the utterance opens and is reset only by a
            // pause, so reaching it again means speech after a pause.
            self.resumed = self.voiced_since_pause == OPEN_FRAMES;
        } else {
            self.silent_run += 1;
        }
        if self.silent_run == PAUSE_FRAMES && self.voiced_since_pause >= OPEN_FRAMES {
            self.paused = true;
            self.voiced_since_pause = 0;
        }
        if self.silent_run >= HANGOVER_FRAMES || self.utterance_frames >= MAX_FRAMES {
            self.in_speech = false;
            self.voiced_run = 0;
            return VadOutput::End;
        }
        VadOutput::Speech(frame.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(amplitude: f32) -> Vec<i16> {
        (0..FRAME).map(|i| ((i as f32 * 0.2).sin() * amplitude) as i16).collect()
    }

    #[test]
    fn levels() {
        assert_eq!(level_dbfs(&[0; FRAME]), -120.0);
        let full = level_dbfs(&tone(32767.0));
        assert!((full + 3.0).abs() < 0.2, "{full}"); // a full-scale sine is −3 dBFS RMS
    }

    #[test]
    fn opens_after_60ms_with_pre_roll_and_closes_after_hangover() {
        let mut vad = Vad::default();
        for _ in 0..20 {
            assert_eq!(vad.push(&[0; FRAME]), VadOutput::Silence);
        }
        assert_eq!(vad.push(&tone(8000.0)), VadOutput::Silence);
        assert_eq!(vad.push(&tone(8000.0)), VadOutput::Silence);
        match vad.push(&tone(8000.0)) {
            VadOutput::Speech(audio) => assert_eq!(audio.len(), PRE_ROLL_FRAMES * FRAME),
            other => panic!("{other:?}"),
        }
        for _ in 0..50 {
            assert!(matches!(vad.push(&tone(8000.0)), VadOutput::Speech(_)));
        }
        for _ in 0..HANGOVER_FRAMES - 1 {
            assert!(matches!(vad.push(&[0; FRAME]), VadOutput::Speech(_)));
        }
        assert_eq!(vad.push(&[0; FRAME]), VadOutput::End);
        assert!(!vad.in_speech());
    }

    /// Frames until `vad` reports a pause, feeding `frames` in a loop (`None`: no pause within
    /// 100 frames).
    fn pause_after(vad: &mut Vad, frames: &[Vec<i16>]) -> Option<usize> {
        (1..=100).find(|i| {
            vad.push(&frames[(i - 1) % frames.len()]);
            vad.pause_started()
        })
    }

    #[test]
    fn a_pause_is_160ms_of_silence_once_per_stretch_of_speech() {
        let (speech, silence) = (tone(8000.0), vec![0; FRAME]);
        let mut vad = Vad::default();
        for _ in 0..20 {
            vad.push(&silence);
        }
        for _ in 0..30 {
            vad.push(&speech);
        }
        // Gaps between words (100 ms) are not pauses.
        let words: Vec<Vec<i16>> = [vec![speech.clone(); 10], vec![silence.clone(); 5]].concat();
        assert_eq!(pause_after(&mut vad, &words), None);
        // A sentence break is, after its eighth silent frame.
        for _ in 0..3 {
            vad.push(&speech);
        }
        assert_eq!(pause_after(&mut vad, std::slice::from_ref(&silence)), Some(PAUSE_FRAMES));
        // A frame of noise inside the pause does not make another one...
        vad.push(&speech);
        assert_eq!(pause_after(&mut vad, std::slice::from_ref(&silence)), None);
        // ...speech does.
        let mut vad = Vad::default();
        for _ in 0..20 {
            vad.push(&silence);
        }
        for _ in 0..10 {
            vad.push(&speech);
        }
        assert_eq!(pause_after(&mut vad, std::slice::from_ref(&silence)), Some(PAUSE_FRAMES));
        for _ in 0..OPEN_FRAMES {
            vad.push(&speech);
        }
        assert_eq!(pause_after(&mut vad, std::slice::from_ref(&silence)), Some(PAUSE_FRAMES));
    }

    #[test]
    fn steady_noise_is_not_speech() {
        let mut vad = Vad::default();
        // Quiet hiss at about −45 dBFS: above the absolute floor but learnt as noise.
        let hiss: Vec<i16> = (0..FRAME).map(|i| if i % 2 == 0 { 180 } else { -180 }).collect();
        let opened = (0..500).filter(|_| matches!(vad.push(&hiss), VadOutput::Speech(_))).count();
        assert!(opened < 10, "hiss treated as speech for {opened} frames");
    }

    #[test]
    fn long_speech_is_cut_at_20s() {
        let mut vad = Vad::default();
        // Syllable-like: 200 ms loud, 40 ms quiet dips (too short to close the utterance).
        let ends = (0..MAX_FRAMES + 20)
            .filter(|i| vad.push(&tone(if i % 12 < 10 { 8000.0 } else { 50.0 })) == VadOutput::End)
            .count();
        assert_eq!(ends, 1);
    }

    #[test]
    fn constant_tone_from_the_start_is_background() {
        let mut vad = Vad::default();
        assert!((0..300).all(|_| vad.push(&tone(8000.0)) == VadOutput::Silence));
    }

    #[test]
    fn a_pause_then_speech_again_is_a_resumption() {
        let mut vad = Vad::default();
        for _ in 0..20 {
            vad.push(&[0; FRAME]);
        }
        for _ in 0..10 {
            vad.push(&tone(8000.0));
        }
        let mut paused = 0;
        for _ in 0..PAUSE_FRAMES {
            vad.push(&[0; FRAME]);
            paused += usize::from(vad.pause_started());
            assert!(!vad.speech_resumed());
        }
        assert_eq!(paused, 1, "the pause is signalled once");
        let resumed: Vec<bool> = (0..5).map(|_| {
            vad.push(&tone(8000.0));
            vad.speech_resumed()
        }).collect();
        assert_eq!(resumed, [false, false, true, false, false], "after 60 ms of speech, once");
    }
}
