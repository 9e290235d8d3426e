//! The AI agents' voices (#17): how fast each synthesises (real-time factor: synthesis time
//! over speech length, one thread) and how well Whisper base hears it (word error rate), on
//! eight lines an agent says in a qualification call, per language. Prints figures; asserts
//! nothing. The voices Closer speaks with (Piper joe EN, festival `lp_diphone` IT) run beside
//! the baselines a reader would pick without them: festival's `kal_diphone` for English, and
//! the other Italian festival voice, `pc_diphone`.
//!
//! Run: `cargo bench --profile dev -p closer-backend --bench tts` (reuses the test build; the
//! ONNX Runtime library and whisper.cpp are optimised builds either way).

#[path = "../tests/common/mod.rs"]
mod common;

use closer_testkit::eval::word_error_rate;
use closer::stt::whisper::WhisperEngine;
use closer::tts::Speech;
use closer::tts::festival::FestivalVoice;
use closer::tts::piper::PiperVoice;
use std::time::Instant;

const ENGLISH: [&str; 8] = [
    "Hello Anna, thanks for joining. I'm the assistant of Closer, and I have a few questions for you.",
    "Could you tell me what made you book this call today?",
    "How do you handle this process at the moment, and what is not working?",
    "What budget do you have in mind for this project?",
    "Who else takes part in the decision, besides you?",
    "When would you like to have a solution in place?",
    "That makes sense. Our plans start at forty-nine euros per seat per month.",
    "Thank you, Anna. I'll book a meeting with one of our consultants for Thursday at ten.",
];

const ITALIAN: [&str; 8] = [
    "Buongiorno Anna, grazie per essere qui. Sono l'assistente di Closer e ho qualche domanda per lei.",
    "Mi racconta cosa l'ha spinta a prenotare questa chiamata?",
    "Come gestite oggi questo processo, e che cosa non funziona?",
    "Che budget avete previsto per questo progetto?",
    "Chi altro partecipa alla decisione, oltre a lei?",
    "Entro quando vorreste avere una soluzione?",
    "Capisco. I nostri piani partono da quarantanove euro per utente al mese.",
    "Grazie Anna. Le fisso un incontro con un nostro consulente per giovedì alle dieci.",
];

fn main() {
    let models = common::models();
    let whisper = WhisperEngine::load(&models.whisper).expect("whisper");
    let piper = PiperVoice::load(&models).expect("piper voice");
    let kal = FestivalVoice::named("voice_kal_diphone");
    let lp = FestivalVoice::italian();
    let pc = FestivalVoice::named("voice_pc_diphone");
    type Speak<'a> = Box<dyn Fn(&str) -> Speech + 'a>;
    let voices: [(&str, &str, &[&str], Speak); 4] = [
        ("Piper joe (Closer's EN)", "en", &ENGLISH, Box::new(|t| piper.speak(t).unwrap())),
        ("festival kal (baseline)", "en", &ENGLISH, Box::new(|t| kal.speak(t).unwrap())),
        ("festival lp (Closer's IT)", "it", &ITALIAN, Box::new(|t| lp.speak(t).unwrap())),
        ("festival pc (baseline)", "it", &ITALIAN, Box::new(|t| pc.speak(t).unwrap())),
    ];
    println!("{:<26} {:>4} {:>9} {:>9} {:>6} {:>8}", "voice", "lang", "speech s", "synth s", "RTF", "WER");
    for (name, language, lines, speak) in voices {
        let (mut speech_ms, mut synth_ms, mut errors, mut words) = (0u64, 0u128, 0.0, 0.0);
        for line in lines {
            let started = Instant::now();
            let speech = speak(line);
            synth_ms += started.elapsed().as_millis();
            speech_ms += speech.duration_ms();
            let heard = speech.resampled(16_000).unwrap();
            let samples: Vec<f32> = heard.samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
            let text = whisper.transcribe(&samples, language).unwrap().text;
            let n = line.split_whitespace().count() as f64;
            errors += word_error_rate(line, &text) * n;
            words += n;
        }
        println!(
            "{name:<26} {language:>4} {:>9.1} {:>9.2} {:>6.3} {:>7.1}%",
            speech_ms as f64 / 1000.0,
            synth_ms as f64 / 1000.0,
            synth_ms as f64 / speech_ms as f64,
            100.0 * errors / words
        );
    }
}
