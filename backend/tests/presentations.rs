//! "Present now" from the server (the desktop HUD's path): the card reaches the guests in the
//! real LiveKit room as a data packet on `closer.present`, never the seller, and only the
//! meeting's host may present. The guest is a real participant (closer-rtc, LiveKit's own Rust
//! SDK through its FFI library).

mod common;

use closer_rtc::{Connected, RoomEvent, RoomOptions, Rtc};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

/// Joins the meeting's room with a token the API issued (`access`: `livekit_url`, `token`).
async fn join(access: &Value) -> Connected {
    let models = std::path::PathBuf::from(std::env::var("CLOSER_MODELS_DIR").expect("CLOSER_MODELS_DIR (scripts/test sets it)"));
    let rtc = Rtc::load(&closer_rtc::library_path(&models)).expect("liblivekit_ffi.so loads");
    rtc.connect(access["livekit_url"].as_str().unwrap(), access["token"].as_str().unwrap(), RoomOptions { auto_subscribe: false })
        .await
        .expect("joins the room")
}

/// The next data packet within `wait`, as (sender, topic, JSON payload).
async fn next_data(connected: &mut Connected, wait: Duration) -> Option<(String, Option<String>, Value)> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, connected.events.recv()).await {
            Ok(Some(RoomEvent::Data { participant, topic, payload })) => {
                return Some((participant, topic, serde_json::from_slice(&payload).expect("JSON payload")));
            }
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_presents_a_card_to_the_guests_only_and_only_for_the_host() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("present").await;
    let (seller, _) = app.add_user(&admin, &org, "seller", "sofia").await;
    let (manager, _) = app.add_user(&admin, &org, "manager", "mario").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Discovery with Acme", "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    let id = meeting["id"].as_str().unwrap();
    // Two cards with an image: the presented one is served to the guests, the other never.
    let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 40_000][..]].concat();
    for key in ["price_competitor", "no_budget"] {
        let upload = app.client.put(app.url(&format!("/playbooks/{playbook}/objections/{key}/image"))).bearer_auth(&admin);
        assert_eq!(upload.header("content-type", "image/png").body(png.clone()).send().await.unwrap().status(), 204);
    }
    let image = |key: &str| app.client.get(app.url(&format!("/meetings/{id}/presented/{key}/image"))).send();
    assert_eq!(image("price_competitor").await.unwrap().status(), 404, "not presented yet");
    let present = format!("/meetings/{id}/battle-cards/price_competitor/present");

    let (status, body) = app.call(Method::POST, &present, Some(&seller), None).await;
    assert_eq!(status, 409, "nobody is in the call yet: {body}");

    let (status, host_access) = app.call(Method::POST, &format!("/meetings/{id}/token"), Some(&seller), None).await;
    assert_eq!(status, 200, "{host_access}");
    let mut host = join(&host_access).await;
    let (status, body) = app.call(Method::POST, &present, Some(&seller), None).await;
    assert_eq!(status, 409, "the seller alone is nobody to present to: {body}");

    let (status, guest_access) =
        app.call(Method::POST, &format!("/meetings/{id}/join"), None, Some(json!({"display_name": "Sarah", "ai_consent": "accepted"}))).await;
    assert_eq!(status, 200, "{guest_access}");
    let mut guest = join(&guest_access).await;

    let (status, body) = app.call(Method::POST, &present, Some(&manager), None).await;
    assert_eq!(status, 403, "a manager does not present for the seller: {body}");
    let (status, body) = app.call(Method::POST, &format!("/meetings/{id}/battle-cards/no_such_card/present"), Some(&seller), None).await;
    assert_eq!(status, 422, "{body}");

    let (status, body) = app.call(Method::POST, &present, Some(&seller), None).await;
    assert_eq!(status, 204, "{body}");
    let (from, topic, card) = next_data(&mut guest, Duration::from_secs(10)).await.expect("the guest receives the card");
    assert_eq!((from.as_str(), topic.as_deref()), ("", Some("closer.present")), "sent by the server on the presentation topic");
    assert_eq!(card["type"], "present");
    assert_eq!(card["id"], "price_competitor");
    assert_eq!(card["from"], "sofia");
    assert!(!card["title"].as_str().unwrap().is_empty() && !card["points"].as_array().unwrap().is_empty(), "{card}");
    // The image goes by reference (a data packet cannot carry 40 KB); a guest, signed in to
    // nothing, fetches it.
    assert_eq!(card["image"], format!("/api/meetings/{id}/presented/price_competitor/image"));
    let served = image("price_competitor").await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());
    assert_eq!(image("no_budget").await.unwrap().status(), 404, "a card that was not presented stays private");

    let (status, _) = app.call(Method::DELETE, &format!("/meetings/{id}/presentation"), Some(&seller), None).await;
    assert_eq!(status, 204);
    let (_, topic, stop) = next_data(&mut guest, Duration::from_secs(10)).await.expect("the guest is told to stop");
    assert_eq!((topic.as_deref(), &stop), (Some("closer.present"), &json!({"type": "stop"})));
    assert!(next_data(&mut host, Duration::from_secs(1)).await.is_none(), "the seller's own participant receives nothing");

    guest.room.disconnect().await.unwrap();
    host.room.disconnect().await.unwrap();
}
