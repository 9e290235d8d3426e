//! Playbooks, meetings, guest join, LiveKit grants and webhooks over HTTP against the real
//! PostgreSQL and the real livekit-server.

mod common;

use base64::Engine;
use common::TestApp;
use livekit_api::access_token::{AccessToken, Claims};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;

async fn org_with_meeting(app: &TestApp) -> (String, String, String, String) {
    let (admin, org) = app.sign_up("meet").await;
    let (seller, _) = app.add_user(&admin, &org, "seller", "sofia").await;
    let (manager, _) = app.add_user(&admin, &org, "manager", "mario").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let (status, meeting) = app
        .call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Discovery with Acme", "playbook_id": playbook, "duration_minutes": 45})))
        .await;
    assert_eq!(status, 201, "{meeting}");
    (admin, seller, manager, meeting["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn playbooks_round_trip_validate_and_carry_battle_card_images() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("pb").await;
    for file in ["discovery-en.json", "primo-contatto-it.json"] {
        let original: Value = serde_json::from_str(&std::fs::read_to_string(common::fixture_playbook(file)).unwrap()).unwrap();
        let id = app.import_fixture_playbook(&admin, file).await;
        let (status, exported) = app.call(Method::GET, &format!("/playbooks/{id}/export"), Some(&admin), None).await;
        assert_eq!(status, 200);
        assert_eq!(exported, original, "{file}: export must equal the imported file");
    }
    let (status, body) = app.call(Method::POST, "/playbooks/import", Some(&admin), Some(serde_json::from_str(&std::fs::read_to_string(common::fixture_playbook("discovery-en.json")).unwrap()).unwrap())).await;
    assert_eq!(status, 409, "duplicate name: {body}");

    // Field-naming validation.
    let mut bad: Value = serde_json::from_str(&std::fs::read_to_string(common::fixture_playbook("discovery-en.json")).unwrap()).unwrap();
    bad["name"] = json!("Broken");
    bad["checklist"][1]["key"] = bad["checklist"][0]["key"].clone();
    let (status, body) = app.call(Method::POST, "/playbooks", Some(&admin), Some(bad.clone())).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("checklist[1].key")), "{body}");
    bad["checklist"][1]["key"] = json!("fine");
    bad["objections"][2]["examples"] = json!([]);
    let (status, body) = app.call(Method::POST, "/playbooks", Some(&admin), Some(bad.clone())).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("objections[2].examples")), "{body}");
    bad["objections"][2]["examples"] = json!(["ok"]);
    // A playbook without checklist items gives the copilot nothing to tick: refused, and the
    // message says what to do.
    let items = bad["checklist"].take();
    bad["checklist"] = json!([]);
    let (status, body) = app.call(Method::POST, "/playbooks", Some(&admin), Some(bad.clone())).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("checklist")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or_default().contains("at least one checklist item"), "{body}");
    bad["checklist"] = items;
    bad["checklist"][0]["credit"] = json!("everyone");
    let (status, body) = app.call(Method::POST, "/playbooks", Some(&admin), Some(bad.clone())).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "checklist[0].credit");

    // CRUD: update, list, sellers read but cannot write.
    bad["checklist"][0]["credit"] = json!("host");
    let (status, created) = app.call(Method::POST, "/playbooks", Some(&admin), Some(bad.clone())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    bad["name"] = json!("Renamed");
    let (status, updated) = app.call(Method::PUT, &format!("/playbooks/{id}"), Some(&admin), Some(bad.clone())).await;
    assert_eq!((status, updated["name"].as_str()), (200, Some("Renamed")));
    let (seller, _) = app.add_user(&admin, &org, "seller", "sergio").await;
    let (status, list) = app.call(Method::GET, "/playbooks", Some(&seller), None).await;
    assert_eq!((status, list.as_array().unwrap().len()), (200, 3));
    let (status, _) = app.call(Method::PUT, &format!("/playbooks/{id}"), Some(&seller), Some(bad)).await;
    assert_eq!(status, 403);

    // Battle card image: stored and served back with its content type; limits enforced.
    let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 1000][..]].concat();
    let image = format!("/playbooks/{id}/objections/no_budget/image");
    let put = |body: Vec<u8>, ctype: &str| {
        app.client.put(app.url(&image)).bearer_auth(&admin).header("content-type", ctype).body(body).send()
    };
    assert_eq!(put(png.clone(), "image/png").await.unwrap().status(), 204);
    let got = app.client.get(app.url(&image)).bearer_auth(&seller).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().as_ref(), png.as_slice());
    let (_, exported) = app.call(Method::GET, &format!("/playbooks/{id}/export"), Some(&admin), None).await;
    let with_image = exported["objections"].as_array().unwrap().iter().find(|o| o["key"] == "no_budget").unwrap();
    assert_eq!(with_image["battle_card"]["image_url"], format!("/api{image}"));
    let refused = put(b"hello".to_vec(), "text/plain").await.unwrap();
    assert_eq!(refused.status(), 415);
    let too_big = put(vec![0u8; 2 * 1024 * 1024 + 1], "image/png").await.unwrap();
    assert_eq!(too_big.status(), 413);
    let body: Value = too_big.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    let missing = put(png, "image/png").await.unwrap();
    assert_eq!(missing.status(), 204, "replacing is allowed");
    let (status, _) = app.call(Method::GET, &format!("/playbooks/{id}/objections/nope/image"), Some(&admin), None).await;
    assert_eq!(status, 404);
}

fn grants_of(token: &str) -> Claims {
    Claims::from_unverified(token).expect("a LiveKit JWT")
}

/// Calls a RoomService method with `token` as the caller's credential; returns the status.
async fn room_service(app: &TestApp, method: &str, token: &str, body: Value) -> u16 {
    app.client
        .post(format!("{}/twirp/livekit.RoomService/{method}", app.config.livekit_url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn grants_per_role_are_exact_and_enforced_by_livekit() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (_, seller, manager, meeting) = org_with_meeting(&app).await;
    let room = format!("meeting-{meeting}");

    let (status, host) = app.call(Method::POST, &format!("/meetings/{meeting}/token"), Some(&seller), None).await;
    assert_eq!(status, 200, "{host}");
    assert!(host["livekit_url"].as_str().unwrap().starts_with("ws://127.0.0.1:"));
    let claims = grants_of(host["token"].as_str().unwrap());
    assert_eq!(claims.sub, host["identity"].as_str().unwrap());
    assert!(claims.sub.starts_with("host-"));
    assert_eq!(claims.video.room, room);
    assert!(claims.video.room_join && claims.video.room_admin && !claims.video.hidden);
    assert_eq!((claims.video.can_publish, claims.video.can_subscribe, claims.video.can_publish_data), (Some(true), Some(true), Some(true)));
    assert!(!claims.video.room_create && !claims.video.room_list);
    let lifetime = claims.exp - claims.nbf;
    assert!(lifetime <= 3600 + 5, "tokens expire: {lifetime}");

    let (status, shadow) = app.call(Method::POST, &format!("/meetings/{meeting}/token"), Some(&manager), None).await;
    assert_eq!(status, 200, "{shadow}");
    let claims = grants_of(shadow["token"].as_str().unwrap());
    assert!(claims.sub.starts_with("shadow-"));
    assert!(claims.video.hidden && claims.video.room_join && !claims.video.room_admin);
    assert_eq!((claims.video.can_publish, claims.video.can_subscribe, claims.video.can_publish_data), (Some(false), Some(true), Some(false)));

    let (status, guest) = app
        .call(Method::POST, &format!("/meetings/{meeting}/join"), None, Some(json!({"display_name": "  Paola Bianchi ", "ai_consent": "declined"})))
        .await;
    assert_eq!(status, 200, "{guest}");
    let claims = grants_of(guest["token"].as_str().unwrap());
    assert!(claims.sub.starts_with("guest-"));
    assert_eq!(claims.name, "Paola Bianchi");
    assert_eq!(claims.video.room, room);
    assert!(!claims.video.room_admin && !claims.video.hidden && !claims.video.room_create && !claims.video.room_list);
    assert_eq!((claims.video.can_publish, claims.video.can_subscribe, claims.video.can_publish_data), (Some(true), Some(true), Some(false)));
    let mut sources = claims.video.can_publish_sources.clone();
    sources.sort();
    assert_eq!(sources, ["camera", "microphone", "screen_share", "screen_share_audio"]);
    assert_eq!(claims.video.can_update_own_metadata, Some(false));

    // The real server: the room exists with max 10 participants; the host's admin grant is
    // accepted by RoomService, the guest's and the shadow's are refused (no admin: they cannot
    // list, remove or mute participants, nor send data on the server's behalf).
    let rooms = closer::livekit::room_client(&app.config).list_rooms(vec![room.clone()]).await.unwrap();
    assert_eq!(rooms.len(), 1);
    assert_eq!(rooms[0].max_participants, 10);
    let host_token = host["token"].as_str().unwrap();
    assert_eq!(room_service(&app, "ListParticipants", host_token, json!({"room": room})).await, 200);
    for (who, token) in [("guest", guest["token"].as_str().unwrap()), ("shadow", shadow["token"].as_str().unwrap())] {
        for (method, body) in [
            ("ListParticipants", json!({"room": room})),
            ("RemoveParticipant", json!({"room": room, "identity": host["identity"]})),
            ("SendData", json!({"room": room, "data": "aGk=", "kind": 0})),
            ("MutePublishedTrack", json!({"room": room, "identity": host["identity"], "track_sid": "TR_x", "muted": true})),
        ] {
            let status = room_service(&app, method, token, body).await;
            assert!(status == 401 || status == 403, "{who} token must not {method}: {status}");
        }
    }
    // A host token of this meeting does not administer another room.
    let other = format!("meeting-{}", uuid::Uuid::new_v4());
    let status = room_service(&app, "ListParticipants", host_token, json!({"room": other})).await;
    assert!(status == 401 || status == 403, "{status}");

    // Consent recorded per participant with its time.
    let (status, participants) = app.call(Method::GET, &format!("/meetings/{meeting}/participants"), Some(&seller), None).await;
    assert_eq!(status, 200);
    let guest_row = participants.as_array().unwrap().iter().find(|p| p["identity"] == guest["identity"]).unwrap();
    assert_eq!(guest_row["ai_consent"], "declined");
    assert_eq!(guest_row["display_name"], "Paola Bianchi");
    assert!(guest_row["consent_at"].is_string());
    let consents = closer::meetings::consents(&app.pg, meeting.parse().unwrap()).await.unwrap();
    assert_eq!(consents, [(guest["identity"].as_str().unwrap().to_owned(), false)]);

    let _ = closer::livekit::room_client(&app.config).delete_room(&room).await;
}

fn signed_webhook(app: &TestApp, body: &str, secret: &str) -> String {
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
    AccessToken::with_api_key(&app.config.livekit_api_key, secret).with_sha256(&digest).to_jwt().unwrap()
}

async fn webhook(app: &TestApp, body: &str, auth: &str) -> u16 {
    app.client
        .post(app.url("/livekit/webhook"))
        .header("authorization", auth)
        .header("content-type", "application/webhook+json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The status machine (`closer::meetings::Transition`) against the real table: each move
/// applies once, from the statuses it leaves, and records when the call started and ended.
#[tokio::test]
async fn a_meetings_status_only_moves_forward() {
    use closer::meetings::{Transition::*, status, transition};
    use closer_wire::MeetingStatus;
    let app = TestApp::start(|_| {}).await;
    let (_, _, _, meeting) = org_with_meeting(&app).await;
    let id: uuid::Uuid = meeting.parse().unwrap();
    // Whole seconds: PostgreSQL keeps microseconds.
    let at = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0).unwrap();
    let minutes = |m: i64| at + chrono::Duration::minutes(m);
    assert!(!transition(&app.pg, id, RoomFinished { at }).await.unwrap(), "a room closing before the call leaves it scheduled");
    assert!(!transition(&app.pg, id, Processed).await.unwrap(), "nothing to process yet");
    assert!(transition(&app.pg, id, Start { at }).await.unwrap());
    assert!(!transition(&app.pg, id, Start { at: minutes(1) }).await.unwrap(), "started once");
    assert!(!transition(&app.pg, id, Cancel).await.unwrap(), "a live call is not cancelled");
    assert!(transition(&app.pg, id, HostEnded { at: minutes(5) }).await.unwrap());
    assert!(!transition(&app.pg, id, RoomFinished { at: minutes(6) }).await.unwrap(), "ended once");
    let times: (Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT started_at, ended_at FROM meetings WHERE id = $1").bind(id).fetch_one(&app.pg).await.unwrap();
    assert_eq!(times, (Some(at), Some(minutes(5))));
    assert_eq!(status(&app.pg, id).await.unwrap(), Some(MeetingStatus::Ended));
    assert!(transition(&app.pg, id, Processed).await.unwrap());
    assert!(!transition(&app.pg, id, Processed).await.unwrap(), "processed once");
    assert_eq!(status(&app.pg, id).await.unwrap(), Some(MeetingStatus::Processed));
}

#[tokio::test]
async fn guest_join_validates_records_webhooks_and_refuses_ended_meetings() {
    let app = TestApp::start(|c| {
        c.login_rate_per_minute = 1000;
        c.join_rate_per_minute = 12;
    })
    .await;
    let (_, seller, _, meeting) = org_with_meeting(&app).await;
    let join = format!("/meetings/{meeting}/join");
    for (body, status, field) in [
        (json!({"display_name": "   ", "ai_consent": "accepted"}), 422, "display_name"),
        (json!({"display_name": "x".repeat(61), "ai_consent": "accepted"}), 422, "display_name"),
        (json!({"display_name": "Bad\u{0007}Name", "ai_consent": "accepted"}), 422, "display_name"),
        (json!({"display_name": "Ok", "ai_consent": "maybe"}), 400, "ai_consent"),
        (json!({"display_name": "Ok"}), 400, "ai_consent"),
        (json!({"ai_consent": "accepted"}), 400, "display_name"),
    ] {
        let (got, answer) = app.call(Method::POST, &join, None, Some(body.clone())).await;
        assert_eq!((got, answer["error"]["field"].as_str()), (status, Some(field)), "{body}: {answer}");
    }
    let (status, body) = app
        .call(Method::POST, &format!("/meetings/{}/join", uuid::Uuid::new_v4()), None, Some(json!({"display_name": "Ok", "ai_consent": "accepted"})))
        .await;
    assert_eq!(status, 404);
    assert!(body["error"]["message"].as_str().unwrap().contains("not valid"), "{body}");
    let (status, body) = app.call(Method::POST, "/meetings/not-a-uuid/join", None, Some(json!({"display_name": "Ok", "ai_consent": "accepted"}))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("path")));

    let (status, guest) = app.call(Method::POST, &join, None, Some(json!({"display_name": "Luca", "ai_consent": "accepted"}))).await;
    assert_eq!(status, 200, "{guest}");
    let identity = guest["identity"].as_str().unwrap();

    // Webhooks: a forged signature is refused; signed events are recorded.
    let room = format!("meeting-{meeting}");
    let now = chrono::Utc::now().timestamp();
    let joined = json!({"event": "participant_joined", "id": format!("EV_{}", uuid::Uuid::new_v4().simple()),
        "createdAt": now.to_string(), "room": {"name": room}, "participant": {"identity": identity}}).to_string();
    assert_eq!(webhook(&app, &joined, &signed_webhook(&app, &joined, "wrong secret")).await, 401);
    assert_eq!(webhook(&app, &joined, "").await, 401);
    let auth = signed_webhook(&app, &joined, &app.config.livekit_api_secret);
    assert_eq!(webhook(&app, &joined.replace("Luca", "x").replace("participant_joined", "participant_left"), &auth).await, 401, "body changed after signing");
    // A hidden manager joining first does not start the call.
    let shadow = json!({"event": "participant_joined", "id": format!("EV_{}", uuid::Uuid::new_v4().simple()),
        "createdAt": now.to_string(), "room": {"name": room}, "participant": {"identity": format!("shadow-{}", uuid::Uuid::new_v4().simple())}}).to_string();
    assert_eq!(webhook(&app, &shadow, &signed_webhook(&app, &shadow, &app.config.livekit_api_secret)).await, 200);
    let (_, got) = app.call(Method::GET, &format!("/meetings/{meeting}"), Some(&seller), None).await;
    assert_eq!(got["status"], "scheduled");
    assert_eq!(webhook(&app, &joined, &auth).await, 200);
    assert_eq!(webhook(&app, &joined, &auth).await, 200, "retries are idempotent");
    let (_, got) = app.call(Method::GET, &format!("/meetings/{meeting}"), Some(&seller), None).await;
    assert_eq!(got["status"], "live");
    let (_, participants) = app.call(Method::GET, &format!("/meetings/{meeting}/participants"), Some(&seller), None).await;
    let row = participants.as_array().unwrap().iter().find(|p| p["identity"] == identity).unwrap().clone();
    assert!(row["joined_at"].is_string(), "{row}");
    let left = json!({"event": "participant_left", "id": format!("EV_{}", uuid::Uuid::new_v4().simple()),
        "createdAt": (now + 60).to_string(), "room": {"name": room}, "participant": {"identity": identity}}).to_string();
    assert_eq!(webhook(&app, &left, &signed_webhook(&app, &left, &app.config.livekit_api_secret)).await, 200);
    let finished = json!({"event": "room_finished", "id": format!("EV_{}", uuid::Uuid::new_v4().simple()),
        "createdAt": (now + 61).to_string(), "room": {"name": room}}).to_string();
    assert_eq!(webhook(&app, &finished, &signed_webhook(&app, &finished, &app.config.livekit_api_secret)).await, 200);
    let (_, got) = app.call(Method::GET, &format!("/meetings/{meeting}"), Some(&seller), None).await;
    assert_eq!(got["status"], "ended");
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM meeting_events WHERE meeting_id = $1 ORDER BY at")
        .bind(uuid::Uuid::parse_str(&meeting).unwrap())
        .fetch_all(&app.pg)
        .await
        .unwrap();
    assert_eq!(kinds, ["participant_joined", "participant_joined", "participant_left", "room_finished"]);

    // Ended: joins and host tokens are refused with a message for people.
    let (status, body) = app.call(Method::POST, &join, None, Some(json!({"display_name": "Luca", "ai_consent": "accepted"}))).await;
    assert_eq!((status, body["error"]["message"].as_str()), (410, Some("This meeting has ended.")));
    let (status, _) = app.call(Method::POST, &format!("/meetings/{meeting}/token"), Some(&seller), None).await;
    assert_eq!(status, 410);
    assert!(closer::meetings::transition(&app.pg, meeting.parse().unwrap(), closer::meetings::Transition::Processed).await.unwrap());

    // Join attempts are rate-limited per client and meeting: 12/min here, of which 5 were
    // counted above (3 invalid names, 1 admitted, 1 refused as ended; bodies that are not
    // JSON of the right shape are refused before any work and are not counted).
    let mut allowed = 5;
    loop {
        let (status, body) = app.call(Method::POST, &join, None, Some(json!({"display_name": "Luca", "ai_consent": "accepted"}))).await;
        if status == 429 {
            assert_eq!(body["error"]["code"], "too_many_requests");
            break;
        }
        assert_eq!(status, 410, "{body}");
        allowed += 1;
        assert!(allowed <= 12, "more than 12 join attempts allowed in a minute");
    }
    assert_eq!(allowed, 12);
}

#[tokio::test]
async fn a_guest_presenting_its_earlier_token_rejoins_as_the_same_participant() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (_, seller, _, meeting) = org_with_meeting(&app).await;
    let (_, _, _, other_meeting) = org_with_meeting(&app).await;
    let join = |meeting: &str, consent: &str, rejoin: Option<&str>| {
        let mut body = json!({"display_name": "Tom", "ai_consent": consent});
        if let Some(token) = rejoin {
            body["rejoin_token"] = json!(token);
        }
        let path = format!("/meetings/{meeting}/join");
        let app = &app;
        async move {
            let (status, access) = app.call(Method::POST, &path, None, Some(body)).await;
            assert_eq!(status, 200, "{access}");
            (access["identity"].as_str().unwrap().to_owned(), access["token"].as_str().unwrap().to_owned())
        }
    };
    let (tom, token) = join(&meeting, "accepted", None).await;
    let (again, _) = join(&meeting, "accepted", Some(&token)).await;
    assert_eq!(again, tom, "a reload comes back as the same participant");

    // Anything else joins as a new participant, never as someone else.
    let (_, elsewhere) = join(&other_meeting, "accepted", None).await;
    let (_, host) = app.call(Method::POST, &format!("/meetings/{meeting}/token"), Some(&seller), None).await;
    let forged = AccessToken::with_api_key(&app.config.livekit_api_key, "not the server's secret")
        .with_identity(&tom)
        .with_grants(livekit_api::access_token::VideoGrants { room_join: true, room: format!("meeting-{meeting}"), ..Default::default() })
        .to_jwt()
        .unwrap();
    for (what, consent, rejoin) in [
        ("another meeting's guest token", "accepted", elsewhere.as_str()),
        ("the host's token", "accepted", host["token"].as_str().unwrap()),
        ("a token signed with another secret", "accepted", forged.as_str()),
        ("not a token", "accepted", "garbage"),
        ("its own token with the other consent choice", "declined", token.as_str()),
    ] {
        let (identity, _) = join(&meeting, consent, Some(rejoin)).await;
        assert!(identity.starts_with("guest-") && identity != tom, "{what}: {identity}");
    }

    let (_, participants) = app.call(Method::GET, &format!("/meetings/{meeting}/participants"), Some(&seller), None).await;
    let toms: Vec<&Value> = participants.as_array().unwrap().iter().filter(|p| p["identity"] == tom.as_str()).collect();
    assert_eq!(toms.len(), 1, "{participants}");
    assert_eq!(toms[0]["ai_consent"], "accepted", "the consent recorded at the first join stands");
    let guests = participants.as_array().unwrap().iter().filter(|p| p["role"] == "guest").count();
    assert_eq!(guests, 6, "Tom once, and a new participant for each token refused: {participants}");
}

#[tokio::test]
async fn meetings_are_listed_updated_and_cancelled() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, seller, manager, meeting) = org_with_meeting(&app).await;
    let (_, today) = app.call(Method::GET, "/meetings?when=today&time_zone=Europe/Rome", Some(&seller), None).await;
    assert!(today.as_array().unwrap().iter().any(|m| m["id"] == meeting.as_str()), "{today}");
    let (_, upcoming) = app.call(Method::GET, "/meetings?when=upcoming", Some(&manager), None).await;
    assert!(upcoming.as_array().unwrap().iter().any(|m| m["id"] == meeting.as_str()));
    let (status, body) = app.call(Method::GET, "/meetings?when=someday", Some(&seller), None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("when")));

    let later = chrono::Utc::now() + chrono::Duration::days(2);
    let (status, patched) = app
        .call(Method::PATCH, &format!("/meetings/{meeting}"), Some(&seller), Some(json!({"title": "Moved", "starts_at": later, "duration_minutes": 60})))
        .await;
    assert_eq!((status, patched["title"].as_str()), (200, Some("Moved")), "{patched}");
    assert_eq!(patched["status"], "scheduled");
    let (_, past) = app.call(Method::GET, "/meetings?when=past", Some(&admin), None).await;
    assert!(past.as_array().unwrap().iter().all(|m| m["id"] != meeting.as_str()));

    let (status, cancelled) = app.call(Method::POST, &format!("/meetings/{meeting}/cancel"), Some(&manager), None).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
    let (status, _) = app.call(Method::POST, &format!("/meetings/{meeting}/cancel"), Some(&seller), None).await;
    assert_eq!(status, 409);
    let (status, body) = app
        .call(Method::POST, &format!("/meetings/{meeting}/join"), None, Some(json!({"display_name": "Late", "ai_consent": "accepted"})))
        .await;
    assert_eq!((status, body["error"]["message"].as_str()), (410, Some("This meeting was cancelled.")));
    let (_, past) = app.call(Method::GET, "/meetings?when=past", Some(&admin), None).await;
    assert!(past.as_array().unwrap().iter().any(|m| m["id"] == meeting.as_str()));

    // OpenAPI document and page.
    let (status, spec) = app.call(Method::GET, "/docs/openapi.json", None, None).await;
    assert_eq!(status, 200);
    for path in ["/api/auth/login", "/api/meetings/{id}/join", "/api/book/{seller_slug}/slots", "/api/playbooks/{id}/export", "/api/livekit/webhook"] {
        assert!(spec["paths"].get(path).is_some(), "{path} missing from OpenAPI");
    }
    assert!(spec["components"]["schemas"].get("JoinRequest").is_some());
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("/api/docs/openapi.json"));
}

#[tokio::test]
async fn a_new_organization_adds_a_starter_playbook_once() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("starter").await;
    let (seller, _) = app.add_user(&admin, &org, "seller", "sid").await;
    let (status, starters) = app.call(Method::GET, "/playbooks/starters", Some(&seller), None).await;
    assert_eq!(status, 200, "{starters}");
    let starters = starters.as_array().unwrap();
    let languages: std::collections::BTreeSet<&str> = starters.iter().map(|s| s["language"].as_str().unwrap()).collect();
    assert_eq!(languages, ["en", "it"].into(), "starters in both languages");
    assert!(starters.iter().all(|s| !s["checklist"].as_array().unwrap().is_empty()));
    let key = starters.iter().find(|s| s["language"] == "it").unwrap()["key"].as_str().unwrap();

    let (status, _) = app.call(Method::POST, &format!("/playbooks/starters/{key}"), Some(&seller), None).await;
    assert_eq!(status, 403, "sellers do not add playbooks");
    let (status, added) = app.call(Method::POST, &format!("/playbooks/starters/{key}"), Some(&admin), None).await;
    assert_eq!(status, 201, "{added}");
    let (status, again) = app.call(Method::POST, &format!("/playbooks/starters/{key}"), Some(&admin), None).await;
    assert_eq!((status, &again["id"]), (200, &added["id"]), "adding twice adds once");
    let (_, list) = app.call(Method::GET, "/playbooks", Some(&seller), None).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["language"], "it");
    let (status, _) = app.call(Method::POST, "/playbooks/starters/no-such-starter", Some(&admin), None).await;
    assert_eq!(status, 404);
}
