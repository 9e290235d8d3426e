//! A real SIP phone for the phone line's tests: Debian's baresip (`baresip-core`, installed by
//! `scripts/setup`) configured to call from 127.0.0.1 with G.711, speak a WAV as its
//! microphone and dump what it hears.

use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Hz of the WAVs baresip speaks and dumps here (G.711's rate).
pub const SAMPLE_RATE: u32 = 8_000;

/// Writes a baresip configuration to `dir` for the account `account` (e.g.
/// `"Anna Rossi" <sip:+393331234567@127.0.0.1>`): SIP on 127.0.0.1, no registration, G.711,
/// `microphone` (a mono WAV at 8 kHz, from its start when the call is answered) as its audio
/// source, and what it hears dumped under `dir` (read it with [`heard`]).
pub fn configure(dir: &Path, account: &str, microphone: &Path) {
    let config = format!(
        "poll_method epoll\nsip_listen 127.0.0.1:0\nnet_interface 127.0.0.1\nmodule_path /usr/lib/baresip/modules\n\
         module account.so\nmodule g711.so\nmodule aufile.so\nmodule aubridge.so\nmodule sndfile.so\nmodule_app menu.so\n\
         audio_source aufile,{wav}\naudio_player aubridge,nil\nausrc_srate 8000\nauplay_srate 8000\n\
         ausrc_channels 1\nauplay_channels 1\nsnd_path {dir}\nrtp_ports 20000-29999\n",
        wav = microphone.display(),
        dir = dir.display()
    );
    std::fs::write(dir.join("config"), config).expect("baresip's config");
    std::fs::write(dir.join("accounts"), format!("{account};regint=0\n")).expect("baresip's accounts");
}

/// Starts baresip with the configuration in `dir`, dialling `uri` at once and quitting (which
/// hangs up) after `seconds`.
///
/// Panics when baresip is missing.
pub fn dial(dir: &Path, uri: &str, seconds: u32) -> tokio::process::Child {
    tokio::process::Command::new("baresip")
        .arg("-f")
        .arg(dir)
        .args(["-t", &seconds.to_string(), "-e"])
        .arg(format!("/dial {uri}"))
        .kill_on_drop(true)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("baresip (Debian's baresip-core; scripts/setup installs it)")
}

/// Writes `samples` (8 kHz mono) as the WAV baresip speaks.
pub fn write_wav(path: &Path, samples: &[i16]) {
    let spec = hound::WavSpec { channels: 1, sample_rate: SAMPLE_RATE, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut wav = hound::WavWriter::create(path, spec).expect("a WAV");
    for &s in samples {
        wav.write_sample(s).expect("a sample");
    }
    wav.finalize().expect("the WAV written");
}

/// What baresip heard in its call (8 kHz mono), from the dump in `dir`.
///
/// Panics when there is no dump (the call never had audio).
pub fn heard(dir: &Path) -> Vec<i16> {
    let dump: PathBuf = std::fs::read_dir(dir)
        .expect("baresip's directory")
        .map(|e| e.expect("an entry").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-dec.wav")))
        .unwrap_or_else(|| panic!("baresip wrote no dump of what it heard in {}", dir.display()));
    hound::WavReader::open(dump).expect("the dump").into_samples::<i16>().map(|s| s.expect("a sample")).collect()
}
