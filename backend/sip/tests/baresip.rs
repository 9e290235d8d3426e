//! A real SIP phone calls the gateway: Debian's baresip on 127.0.0.1 dials a number, sends a
//! 600 Hz tone from a WAV and records what it hears; the gateway answers, hears the tone and
//! plays a 1 kHz one back; the caller's hang-up ends the call. Requests that cannot be calls
//! get a 4xx and leave the call in progress untouched.

use closer_sip::{Gateway, Refusal, SAMPLE_RATE};
use std::f32::consts::PI;
use std::time::Duration;
use closer_testkit::baresip;
use closer_testkit::sip_probe::{PCMU_OFFER as OFFER, final_status, invite};

/// `samples` of a `hz` sine at 8 kHz, amplitude 8000.
fn tone(hz: f32, samples: usize) -> Vec<i16> {
    (0..samples).map(|i| ((2.0 * PI * hz * i as f32 / SAMPLE_RATE as f32).sin() * 8000.0) as i16).collect()
}

/// The power of `hz` in `samples` (8 kHz) relative to their total power, by the Goertzel filter:
/// near 1 for a pure tone of `hz`, near 0 for silence or another frequency.
fn share_of(hz: f32, samples: &[i16]) -> f32 {
    let coefficient = 2.0 * (2.0 * PI * hz / SAMPLE_RATE as f32).cos();
    let (mut s1, mut s2) = (0f32, 0f32);
    let mut total = 0f32;
    for &x in samples {
        let x = x as f32;
        let s0 = x + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
        total += x * x;
    }
    let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    if total == 0.0 { 0.0 } else { 2.0 * power / (samples.len() as f32 * total) }
}

#[tokio::test]
async fn a_real_phone_is_answered_heard_and_hears_us_and_bad_requests_get_a_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("caller.wav");
    // One second of silence (the call being set up), then four of the caller's tone.
    let mut caller_audio = vec![0i16; SAMPLE_RATE as usize];
    caller_audio.extend(tone(600.0, SAMPLE_RATE as usize * 4));
    baresip::write_wav(&wav, &caller_audio);
    baresip::configure(dir.path(), "<sip:anna@127.0.0.1>", &wav);

    let mut gateway = Gateway::bind("127.0.0.1:0".parse().unwrap(), "127.0.0.1".parse().unwrap()).await.unwrap();
    let at = gateway.local_addr();
    let mut phone = baresip::dial(dir.path(), &format!("sip:+390212345678@{at}"), 6);

    let incoming = tokio::time::timeout(Duration::from_secs(5), gateway.accept()).await.expect("baresip's call within 5 s").unwrap();
    assert_eq!(incoming.dialled, "+390212345678");
    assert_eq!(incoming.caller, "anna");
    let mut call = incoming.answer().await.unwrap();
    // Fed in real time, as a bridge feeds it (the queue holds at most 200 ms).
    let outbound = call.media.outbound();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_millis(20));
        for chunk in tone(1000.0, SAMPLE_RATE as usize * 3).chunks(160) {
            ticks.tick().await;
            outbound.play(chunk);
        }
    });

    // While the call is up, requests that cannot be calls are refused, each with its reason.
    let no_sdp = invite("+390212345678", at, "");
    assert_eq!(final_status(at, &no_sdp).await, "SIP/2.0 488 Not Acceptable Here");
    let opus_only = invite("+390212345678", at, &OFFER.replace("RTP/AVP 0", "RTP/AVP 96"));
    assert_eq!(final_status(at, &opus_only).await, "SIP/2.0 488 Not Acceptable Here");
    let no_number = invite("", at, OFFER).replace("sip:@", "sip:");
    assert_eq!(final_status(at, &no_number).await, "SIP/2.0 400 Bad Request");
    // One the application refuses: the number is nobody's.
    let unknown = tokio::spawn(async move { final_status(at, &invite("+15550100", at, OFFER)).await });
    let refused = tokio::time::timeout(Duration::from_secs(3), gateway.accept()).await.unwrap().unwrap();
    assert_eq!(refused.dialled, "+15550100");
    refused.refuse(Refusal::UnknownNumber);
    assert_eq!(unknown.await.unwrap(), "SIP/2.0 404 Not Found");
    // One the application drops without a word (say, a task that failed): refused, not left ringing.
    let dropped = tokio::spawn(async move { final_status(at, &invite("+15550101", at, OFFER)).await });
    drop(tokio::time::timeout(Duration::from_secs(3), gateway.accept()).await.unwrap().unwrap());
    assert_eq!(dropped.await.unwrap(), "SIP/2.0 500 Server Internal Error");

    let mut heard = Vec::new();
    let ended = call.ended();
    tokio::pin!(ended);
    let hung_up = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            tokio::select! {
                frame = call.media.recv() => match frame {
                    Some(frame) => heard.extend(frame),
                    None => break,
                },
                _ = &mut ended => break,
            }
        }
    })
    .await;
    assert!(hung_up.is_ok(), "the caller's hang-up (baresip quits after 6 s) ended the call");
    let status = phone.wait().await.unwrap();
    assert!(status.success(), "baresip exited with {status}");
    call.hang_up().await;

    // The gateway heard the caller's tone: the loudest second of what it received is 600 Hz.
    let second = SAMPLE_RATE as usize;
    let loudest = heard.chunks(second).max_by_key(|c| c.iter().map(|&s| (s as i64).pow(2)).sum::<i64>()).expect("caller audio");
    assert!(share_of(600.0, loudest) > 0.8, "600 Hz share of the caller's audio: {}", share_of(600.0, loudest));
    // The caller heard ours: 1 kHz.
    let theirs = baresip::heard(dir.path());
    let loudest = theirs.chunks(second).max_by_key(|c| c.iter().map(|&s| (s as i64).pow(2)).sum::<i64>()).expect("audio heard by baresip");
    assert!(share_of(1000.0, loudest) > 0.8, "1 kHz share of what baresip heard: {}", share_of(1000.0, loudest));
}
