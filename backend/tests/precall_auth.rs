//! Accounts over HTTP against the real PostgreSQL: sign-up, login, rotating refresh tokens
//! with reuse detection, logout, login rate limit, and tenant isolation.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::start(|_| {}).await;
    let (_, slug) = app.sign_up("auth").await;
    let login = json!({"email": format!("admin@{slug}.example.com"), "password": "admin-password-1"});
    let (status, first) = app.call(Method::POST, "/auth/login", None, Some(login.clone())).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["expires_in"], 900);
    assert_eq!(first["user"]["role"], "admin");
    assert!(first["user"].get("password_hash").is_none());
    let access = first["access_token"].as_str().unwrap();
    let (status, me) = app.call(Method::GET, "/me", Some(access), None).await;
    assert_eq!((status, me["email"].as_str()), (200, Some(format!("admin@{slug}.example.com").as_str())));

    // Rotation: each refresh token works once and yields a new one.
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r1}))).await;
    assert_eq!(status, 200, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    let (status, third) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r2}))).await;
    assert_eq!(status, 200, "{third}");
    let r3 = third["refresh_token"].as_str().unwrap().to_owned();

    // A second, independent login is another family and must survive the revocation below.
    let (_, other) = app.call(Method::POST, "/auth/login", None, Some(login)).await;
    let other_refresh = other["refresh_token"].as_str().unwrap().to_owned();

    // Reusing r1 (already exchanged) is theft: 401 and the whole family (r3 too) is revoked.
    let (status, body) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r1}))).await;
    assert_eq!(status, 401);
    assert!(body["error"]["message"].as_str().unwrap().contains("reuse"), "{body}");
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r3}))).await;
    assert_eq!(status, 401, "the latest token of a reused family must be revoked");
    let (status, next) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": other_refresh}))).await;
    assert_eq!(status, 200, "another login's family is untouched: {next}");

    // Logout revokes that family.
    let next_refresh = next["refresh_token"].as_str().unwrap();
    let (status, _) = app.call(Method::POST, "/auth/logout", None, Some(json!({"refresh_token": next_refresh}))).await;
    assert_eq!(status, 204);
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": next_refresh}))).await;
    assert_eq!(status, 401);

    // Stored: argon2id hashes, hashed refresh tokens.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(format!("admin@{slug}.example.com"))
        .fetch_one(&app.pg)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let plain: i64 = sqlx::query_scalar("SELECT count(*) FROM refresh_tokens WHERE token_hash = convert_to($1, 'UTF8')")
        .bind(&r3)
        .fetch_one(&app.pg)
        .await
        .unwrap();
    assert_eq!(plain, 0, "refresh tokens must not be stored in clear");
}

#[tokio::test]
async fn bad_credentials_and_tokens_are_401_and_login_is_rate_limited() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 4).await;
    let (_, slug) = app.sign_up("limit").await; // 1st use of the limiter
    let wrong = json!({"email": format!("admin@{slug}.example.com"), "password": "wrong-password"});
    let (status, body) = app.call(Method::POST, "/auth/login", None, Some(wrong.clone())).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = app
        .call(Method::POST, "/auth/login", None, Some(json!({"email": "nobody@nowhere.example.com", "password": "whatever-123"})))
        .await;
    assert_eq!(status, 401);
    let (status, _) = app.call(Method::POST, "/auth/login", None, Some(wrong.clone())).await;
    assert_eq!(status, 401);
    let (status, body) = app.call(Method::POST, "/auth/login", None, Some(wrong)).await;
    assert_eq!(status, 429, "5th attempt within a minute at 4/min: {body}");
    assert_eq!(body["error"]["code"], "too_many_requests");

    for token in ["", "garbage", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
        let (status, body) = app.call(Method::GET, "/me", Some(token), None).await;
        assert_eq!(status, 401, "{token}: {body}");
    }
    let (status, _) = app.call(Method::GET, "/me", None, None).await;
    assert_eq!(status, 401);
    // A token signed with another secret is refused.
    let forged = closer::auth::jwt::JwtKeys::new(b"not the server's secret at all!!", std::time::Duration::from_secs(60))
        .issue(uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), closer_wire::Role::Admin)
        .unwrap();
    let (status, _) = app.call(Method::GET, "/me", Some(&forged), None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_seller_of_one_organization_reads_nothing_of_another() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin_a, slug_a) = app.sign_up("tenant-a").await;
    let (admin_b, slug_b) = app.sign_up("tenant-b").await;
    let (seller_a, _) = app.add_user(&admin_a, &slug_a, "seller", "sara").await;
    let (seller_b, user_b) = app.add_user(&admin_b, &slug_b, "seller", "bruno").await;
    let (manager_a, _) = app.add_user(&admin_a, &slug_a, "manager", "marta").await;

    let playbook_b = app.import_fixture_playbook(&admin_b, "discovery-en.json").await;
    let (status, meeting_b) = app
        .call(Method::POST, "/meetings", Some(&seller_b), Some(json!({"title": "B's call", "playbook_id": playbook_b})))
        .await;
    assert_eq!(status, 201, "{meeting_b}");
    let meeting_b = meeting_b["id"].as_str().unwrap();
    let user_b = user_b["id"].as_str().unwrap();

    for token in [&seller_a, &manager_a, &admin_a] {
        for path in [
            format!("/playbooks/{playbook_b}"),
            format!("/playbooks/{playbook_b}/export"),
            format!("/meetings/{meeting_b}"),
            format!("/meetings/{meeting_b}/participants"),
            format!("/users/{user_b}"),
        ] {
            let (status, body) = app.call(Method::GET, &path, Some(token), None).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
        let (_, playbooks) = app.call(Method::GET, "/playbooks", Some(token), None).await;
        assert!(playbooks.as_array().unwrap().is_empty(), "org A sees no playbook of B: {playbooks}");
        let (_, meetings) = app.call(Method::GET, "/meetings?when=today", Some(token), None).await;
        assert!(meetings.as_array().unwrap().iter().all(|m| m["id"] != meeting_b), "{meetings}");
        for (method, path, body) in [
            (Method::PUT, format!("/playbooks/{playbook_b}"), Some(serde_json::from_str(&std::fs::read_to_string(common::fixture_playbook("discovery-en.json")).unwrap()).unwrap())),
            (Method::DELETE, format!("/playbooks/{playbook_b}"), None),
            (Method::POST, format!("/meetings/{meeting_b}/cancel"), None),
            (Method::POST, format!("/meetings/{meeting_b}/token"), None),
            (Method::PATCH, format!("/meetings/{meeting_b}"), Some(json!({"title": "hijacked"}))),
        ] {
            let (status, body) = app.call(method.clone(), &path, Some(token), body).await;
            assert!(status == 404 || status == 403, "{method} {path}: {status} {body}");
        }
        // Org A cannot attach B's playbook to its own meeting.
        let (status, body) = app
            .call(Method::POST, "/meetings", Some(token), Some(json!({"title": "x", "playbook_id": playbook_b})))
            .await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("playbook_id")), "{body}");
    }
    let (_, users) = app.call(Method::GET, "/users", Some(&manager_a), None).await;
    let org_a = &users[0]["organization_id"];
    assert!(users.as_array().unwrap().iter().all(|u| &u["organization_id"] == org_a), "{users}");
    assert!(users.as_array().unwrap().iter().all(|u| u["id"] != user_b));
    // Within org A, a seller does not see other users and cannot list them.
    let (status, _) = app.call(Method::GET, "/users", Some(&seller_a), None).await;
    assert_eq!(status, 403);
    // B's own seller does see the meeting: the 404s above are isolation, not breakage.
    let (status, _) = app.call(Method::GET, &format!("/meetings/{meeting_b}"), Some(&seller_b), None).await;
    assert_eq!(status, 200);
}
