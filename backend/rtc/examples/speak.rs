//! A call participant for end-to-end tests that run no browser per participant (the desktop
//! app's, `tests/desktop`): joins a LiveKit room with a token, publishes a microphone and speaks
//! a 16 kHz mono WAV into it in real time, then stays in the room, silent, until its standard
//! input closes. Prints one JSON line per event on standard output: `{"joined": identity}`,
//! `{"spoke": seconds}` when the WAV is done, and `{"topic", "payload"}` for every data packet
//! it receives (e.g. a battle card presented to the guests).
//!
//! `speak <livekit-url> <token> <wav> [seconds]` (the first `seconds` of the WAV; all by
//! default). Needs `CLOSER_MODELS_DIR` (where `scripts/models` unpacked `liblivekit_ffi.so`).

use closer_rtc::{Connected, RoomEvent, RoomOptions, Rtc};
use tokio::io::AsyncReadExt;

/// Samples per capture: 10 ms at 16 kHz.
const CAPTURE: usize = 160;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, token, wav, rest @ ..] = args.as_slice() else {
        return Err("usage: speak <livekit-url> <token> <wav> [seconds]".into());
    };
    let mut reader = hound::WavReader::open(wav)?;
    if (reader.spec().sample_rate, reader.spec().channels) != (16_000, 1) {
        return Err(format!("{wav}: expected 16 kHz mono").into());
    }
    let mut samples: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
    if let Some(seconds) = rest.first() {
        samples.truncate((seconds.parse::<f64>()? * 16_000.0) as usize);
    }

    let models = std::env::var("CLOSER_MODELS_DIR").map_err(|_| "CLOSER_MODELS_DIR is not set")?;
    let rtc = Rtc::load(&closer_rtc::library_path(std::path::Path::new(&models)))?;
    let Connected { room, mut events, .. } = rtc.connect(url, token, RoomOptions { auto_subscribe: false }).await?;
    println!("{}", serde_json::json!({ "joined": room.identity }));
    let microphone = room.publish_audio("microphone", 16_000, 1).await?;

    let voice = tokio::spawn(async move {
        let silence = [0i16; CAPTURE];
        for chunk in samples.chunks(CAPTURE) {
            let mut padded = silence;
            padded[..chunk.len()].copy_from_slice(chunk);
            if microphone.capture(&padded).await.is_err() {
                return;
            }
        }
        println!("{}", serde_json::json!({ "spoke": samples.len() as f64 / 16_000.0 }));
        // Silent from here on, as a muted-but-present participant's microphone is.
        while microphone.capture(&silence).await.is_ok() {}
    });
    let mut stdin = tokio::io::stdin();
    let mut buffer = [0u8; 64];
    loop {
        tokio::select! {
            read = stdin.read(&mut buffer) => if matches!(read, Ok(0) | Err(_)) { break },
            event = events.recv() => match event {
                Some(RoomEvent::Data { topic, payload, .. }) => {
                    println!("{}", serde_json::json!({ "topic": topic, "payload": String::from_utf8_lossy(&payload) }));
                }
                Some(RoomEvent::Disconnected { reason }) => return Err(format!("left the room: {reason:?}").into()),
                None => return Err("the room's events ended".into()),
                Some(_) => {}
            },
        }
    }
    voice.abort();
    room.disconnect().await?;
    Ok(())
}
