//! One-time handoff tokens (`/api/auth/handoff`) against the real PostgreSQL: issued to a
//! signed-in user, redeemed once for a session of that user, refused when reused, expired,
//! unknown or requested without a token.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn handoff_tokens_sign_a_browser_in_once() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, slug) = app.sign_up("handoff").await;
    let (seller, seller_json) = app.add_user(&admin, &slug, "seller", "sam").await;

    let (status, _) = app.call(Method::POST, "/auth/handoff", None, None).await;
    assert_eq!(status, 401, "issuing needs a signed-in caller");

    let (status, handoff) = app.call(Method::POST, "/auth/handoff", Some(&seller), None).await;
    assert_eq!(status, 200, "{handoff}");
    assert_eq!(handoff["expires_in"], 60);
    let token = handoff["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43, "32 random bytes, base64url");

    // Redeemed once: a session of the seller, whose tokens work.
    let (status, session) = app.call(Method::POST, "/auth/handoff/redeem", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["id"], seller_json["id"]);
    assert_eq!(session["user"]["role"], "seller");
    let (status, me) = app.call(Method::GET, "/me", session["access_token"].as_str(), None).await;
    assert_eq!((status, &me["id"]), (200, &seller_json["id"]));
    let (status, refreshed) =
        app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": session["refresh_token"]}))).await;
    assert_eq!(status, 200, "the browser's session has its own refresh token: {refreshed}");

    // Twice: refused.
    let (status, body) = app.call(Method::POST, "/auth/handoff/redeem", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("handoff"), "{body}");

    // Unknown and malformed.
    let (status, _) = app.call(Method::POST, "/auth/handoff/redeem", None, Some(json!({"token": "nope"}))).await;
    assert_eq!(status, 401);
    let (status, body) = app.call(Method::POST, "/auth/handoff/redeem", None, Some(json!({}))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "token", "{body}");

    // Expired (backdated in the database): refused, and only the hash is stored.
    let (_, handoff) = app.call(Method::POST, "/auth/handoff", Some(&seller), None).await;
    let token = handoff["token"].as_str().unwrap();
    let digest = closer::auth::refresh::digest(token);
    let updated = sqlx::query("UPDATE handoff_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1")
        .bind(&digest)
        .execute(&app.pg)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 1, "the token's SHA-256 is what is stored");
    let (status, _) = app.call(Method::POST, "/auth/handoff/redeem", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 401, "an expired token is refused");
}

#[tokio::test]
async fn concurrent_redemptions_succeed_once() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, _) = app.sign_up("handoff-race").await;
    let (_, handoff) = app.call(Method::POST, "/auth/handoff", Some(&admin), None).await;
    let body = json!({"token": handoff["token"]});
    let attempts = (0..8).map(|_| app.call(Method::POST, "/auth/handoff/redeem", None, Some(body.clone())));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts).await.into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 401).count(), 7, "{statuses:?}");
}
