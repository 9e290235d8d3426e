//! closer-rtc against a real livekit-server (the one `scripts/services up` starts): join, hidden
//! participants, audio both ways with resampling, selective subscription, data packets to chosen
//! identities, leaving, and a refused token. Needs CLOSER_MODELS_DIR and CLOSER_LIVEKIT_*
//! (scripts/test exports them).
use std::f32::consts::TAU;
use std::time::Duration;

use closer_rtc::proto::{TrackKind, TrackSource};
use closer_rtc::{Connected, Error, RemotePublication, RoomEvent, RoomOptions};
use livekit_api::access_token::{AccessToken, VideoGrants};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

mod common;
use common::{env, hear, join, rtc, speak, subscribed_audio, unique_room, wait_for};

async fn data(events: &mut UnboundedReceiver<RoomEvent>) -> (String, Option<String>, Vec<u8>) {
    wait_for(events, "a data packet", |e| match e {
        RoomEvent::Data {
            participant,
            topic,
            payload,
        } => Ok((participant, topic, payload)),
        other => Err(other),
    })
    .await
    .0
}

/// Power of `samples` at `hz` (Goertzel), normalised by the frame's total power: near 1 for a
/// pure tone at `hz`, near 0 far from it.
fn tone_share(samples: &[i16], sample_rate: f32, hz: f32) -> f32 {
    let coeff = 2.0 * (TAU * hz / sample_rate).cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &x in samples {
        let s0 = x as f32 + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let total: f32 = samples.iter().map(|&x| (x as f32) * (x as f32)).sum();
    2.0 * power / (samples.len() as f32 * total.max(1.0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_listener_hears_a_speaker_at_16_khz_mono_and_nobody_sees_it() {
    let room = unique_room("hear").await;
    let Connected {
        room: alice,
        mut events,
        ..
    } = join(&room, "alice", false, true).await;
    let Connected {
        room: copilot,
        events: mut copilot_events,
        participants,
    } = join(&room, "copilot", true, true).await;
    assert_eq!(
        participants
            .iter()
            .map(|(p, _)| p.identity.as_str())
            .collect::<Vec<_>>(),
        ["alice"]
    );
    assert_eq!(copilot.identity, "copilot");

    let talking = speak(&alice, 440.0, 4.0).await;
    let track = subscribed_audio(&mut copilot_events, "alice").await;
    let mut stream = copilot
        .subscribe_audio(track, 16_000, 1)
        .expect("audio stream");
    // Two seconds: more than the frames held for a stream before it is registered, so they
    // cannot alone make the test pass.
    let heard = hear(&mut stream, 32_000).await;
    // Opus starts with a few silent frames; judge the last half second.
    let tail = &heard[heard.len() - 8_000..];
    let rms = (tail.iter().map(|&x| (x as f64).powi(2)).sum::<f64>() / tail.len() as f64).sqrt();
    assert!(
        rms > 1000.0,
        "the tone arrives with its level (rms {rms:.0}, sent 5657)"
    );
    let at_440 = tone_share(tail, 16_000.0, 440.0);
    let at_1000 = tone_share(tail, 16_000.0, 1000.0);
    assert!(
        at_440 > 0.5 && at_1000 < 0.05,
        "a 440 Hz tone: share {at_440:.2} at 440 Hz, {at_1000:.2} at 1 kHz"
    );
    talking.await.unwrap();

    // The hidden participant was never announced to alice.
    while let Ok(event) = events.try_recv() {
        assert!(
            !matches!(&event, RoomEvent::ParticipantConnected(p) if p.identity == "copilot"),
            "a hidden participant is not listed"
        );
    }
    alice.disconnect().await.expect("alice leaves");
    let (identity, _) = wait_for(&mut copilot_events, "alice leaving", |e| match e {
        RoomEvent::ParticipantDisconnected { identity } => Ok(identity),
        other => Err(other),
    })
    .await;
    assert_eq!(identity, "alice");
    copilot.disconnect().await.expect("copilot leaves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_auto_subscribe_only_the_chosen_track_is_received() {
    let room = unique_room("select").await;
    let Connected { room: alice, .. } = join(&room, "alice", false, true).await;
    let talking = speak(&alice, 300.0, 2.0).await;
    let Connected {
        room: copilot,
        events: mut copilot_events,
        participants,
    } = join(&room, "copilot", true, false).await;

    let mut known: Vec<RemotePublication> = participants
        .into_iter()
        .flat_map(|(_, pubs)| pubs)
        .collect();
    if known.is_empty() {
        let (publication, _) = wait_for(&mut copilot_events, "alice's publication", |e| match e {
            RoomEvent::TrackPublished(p) => Ok(p),
            other => Err(other),
        })
        .await;
        known.push(publication);
    }
    let microphone = known.pop().expect("alice's microphone");
    assert_eq!(
        (
            microphone.participant.as_str(),
            microphone.kind,
            microphone.source
        ),
        ("alice", TrackKind::KindAudio, TrackSource::SourceMicrophone)
    );

    // Nothing is received until asked for.
    let early = timeout(Duration::from_millis(1500), async {
        loop {
            match copilot_events.recv().await {
                Some(RoomEvent::TrackSubscribed(t)) => return t.sid,
                Some(_) => continue,
                None => std::future::pending().await,
            }
        }
    })
    .await;
    assert!(early.is_err(), "subscribed without asking: {early:?}");

    copilot
        .set_subscribed(&microphone, true)
        .expect("subscribe");
    let track = subscribed_audio(&mut copilot_events, "alice").await;
    assert_eq!(track.sid, microphone.sid);
    let mut stream = copilot
        .subscribe_audio(track, 16_000, 1)
        .expect("audio stream");
    let frame = timeout(Duration::from_secs(10), stream.recv())
        .await
        .expect("a frame")
        .expect("open");
    assert_eq!(frame.sample_rate, 16_000);

    copilot
        .set_subscribed(&microphone, false)
        .expect("unsubscribe");
    let (sid, _) = wait_for(&mut copilot_events, "the unsubscription", |e| match e {
        RoomEvent::TrackUnsubscribed { sid, .. } => Ok(sid),
        other => Err(other),
    })
    .await;
    assert_eq!(sid, microphone.sid);
    let ended = timeout(Duration::from_secs(10), async {
        while stream.recv().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the audio stream ends with its subscription");
    talking.abort();
    alice.disconnect().await.unwrap();
    copilot.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_packets_reach_exactly_the_chosen_identities() {
    let room = unique_room("data").await;
    let Connected {
        room: copilot,
        events: mut copilot_events,
        ..
    } = join(&room, "copilot", true, true).await;
    let Connected {
        room: seller,
        events: mut seller_events,
        ..
    } = join(&room, "seller", false, true).await;
    let Connected {
        room: guest,
        events: mut guest_events,
        ..
    } = join(&room, "guest", false, true).await;
    // Packets carry their sender's identity once the receiver knows the sender, i.e. after the
    // server announced it (to a hidden participant, with a delay).
    let mut announced = std::collections::BTreeSet::new();
    while announced.len() < 2 {
        let (identity, _) = wait_for(&mut copilot_events, "the others joining", |e| match e {
            RoomEvent::ParticipantConnected(p) => Ok(p.identity),
            other => Err(other),
        })
        .await;
        announced.insert(identity);
    }
    assert_eq!(
        announced.into_iter().collect::<Vec<_>>(),
        ["guest", "seller"]
    );

    copilot
        .send_data(
            b"tip: ask about budget",
            Some("closer.hud"),
            &["seller".into()],
            true,
        )
        .await
        .expect("send");
    copilot
        .send_data(b"for everyone", Some("closer.all"), &[], true)
        .await
        .expect("send");

    let (from, topic, payload) = data(&mut seller_events).await;
    // A hidden sender is unknown to the receivers: LiveKit delivers its packets without identity.
    assert_eq!(
        (from.as_str(), topic.as_deref(), payload.as_slice()),
        ("", Some("closer.hud"), &b"tip: ask about budget"[..])
    );
    seller
        .send_data(b"thanks", None, &["copilot".into()], true)
        .await
        .expect("send");
    // The guest hears the broadcast, and the broadcast comes after the seller-only packet on the
    // same reliable channel, so had the guest been sent the tip it would have arrived first.
    let (_, topic, payload) = data(&mut guest_events).await;
    assert_eq!(
        (topic.as_deref(), payload.as_slice()),
        (Some("closer.all"), &b"for everyone"[..])
    );

    let (from, topic, payload) = data(&mut copilot_events).await;
    assert_eq!(
        (from.as_str(), topic, payload.as_slice()),
        ("seller", None, &b"thanks"[..])
    );

    let refused = copilot.send_data(b"", None, &[], true).await;
    assert!(
        refused.is_ok() || matches!(refused, Err(Error::Rejected(_))),
        "an empty packet is sent or refused cleanly: {refused:?}"
    );
    for room in [copilot, seller, guest] {
        room.disconnect().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_with_another_secret_is_refused_with_the_reason() {
    let forged = AccessToken::with_api_key(
        &env("CLOSER_LIVEKIT_API_KEY"),
        "not-the-secret-not-the-secret-0000",
    )
    .with_identity("intruder")
    .with_grants(VideoGrants {
        room_join: true,
        room: unique_room("forged").await,
        ..Default::default()
    })
    .to_jwt()
    .unwrap();
    let refused = rtc()
        .connect(&env("CLOSER_LIVEKIT_URL"), &forged, RoomOptions::default())
        .await;
    match refused {
        Err(Error::Rejected(reason)) => assert!(!reason.is_empty()),
        other => panic!("a forged token must be refused, got {other:?}"),
    }
}

#[test]
fn the_compiled_protocol_is_the_one_the_pinned_wheel_ships() {
    let models = std::path::PathBuf::from(env("CLOSER_MODELS_DIR"));
    let shipped = std::fs::read(
        models
            .join(format!("livekit-ffi-{}", closer_rtc::LIVEKIT_FFI_VERSION))
            .join("livekit_ffi.fds"),
    )
    .expect("scripts/models extracted the wheel's descriptor set");
    let compiled = include_bytes!("../proto/livekit_ffi.fds");
    assert!(
        shipped == compiled,
        "proto/livekit_ffi.fds differs from the wheel's: copy it from the models dir"
    );
}
