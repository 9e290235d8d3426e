//! Keyring round trip against the real backend and a real Secret Service (gnome-keyring on a
//! private D-Bus session): sign in → "restart" (a new `Auth`) → still signed in → sign out →
//! entry gone and the login revoked; wrong passwords and dead refresh tokens leave nobody
//! signed in.

#[path = "../../backend/tests/common/mod.rs"]
mod common;
mod support;

use closer_desktop::auth::{Auth, AuthError};
use closer_desktop::keyring_store::RefreshTokenStore;
use closer_wire::User;
use common::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_survives_a_restart_and_sign_out_deletes_the_entry() {
    let _secrets = support::SecretService::start();
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, slug) = app.sign_up("desktop").await;
    let (_, seller) = app.add_user(&admin, &slug, "seller", "sally").await;
    let email = seller["email"].as_str().unwrap();
    let base = url::Url::parse(&app.base).unwrap();
    let store = RefreshTokenStore::new(&common::unique("closer-desktop-test"), &app.base);
    assert_eq!(store.load().await.unwrap(), None);

    // Wrong password: refused, nothing stored.
    let auth = Auth::new(base.clone(), store.clone());
    assert!(matches!(auth.sign_in(email, "wrong-password-1").await, Err(AuthError::Rejected(_))));
    assert_eq!(store.load().await.unwrap(), None);
    assert!(matches!(auth.access_token().await, Err(AuthError::NotSignedIn)));

    // Sign in: the refresh token is in the keyring, the access token works.
    let user = auth.sign_in(email, "user-password-1").await.unwrap();
    assert_eq!(serde_json::to_value(user.id).unwrap(), seller["id"]);
    let first = store.load().await.unwrap().expect("refresh token in the keyring");
    let me: User = auth.get("/me").await.unwrap();
    assert_eq!(me.id, user.id);
    drop(auth);

    // "Restart": a new process state knows nothing but the keyring entry.
    let auth = Auth::new(base.clone(), store.clone());
    let restored = auth.restore().await.unwrap().expect("still signed in after a restart");
    assert_eq!(restored.id, user.id);
    let second = store.load().await.unwrap().unwrap();
    assert_ne!(first, second, "the rotated refresh token was written back");
    let me: User = auth.get("/me").await.unwrap();
    assert_eq!(me.email, email);
    let (status, _) = app.call(reqwest::Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": first}))).await;
    assert_eq!(status, 401, "the first refresh token was single use");

    // Sign out: entry gone, login revoked on the server, a restart is signed out.
    let current = store.load().await.unwrap().unwrap();
    auth.sign_out().await.unwrap();
    assert_eq!(store.load().await.unwrap(), None, "sign-out deletes the keyring entry");
    assert!(matches!(auth.access_token().await, Err(AuthError::NotSignedIn)));
    let (status, _) = app.call(reqwest::Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": current}))).await;
    assert_eq!(status, 401, "sign-out revokes the login");
    assert!(Auth::new(base.clone(), store.clone()).restore().await.unwrap().is_none());

    // A refresh token the server refuses (revoked, expired) is removed at start-up.
    store.save("not-a-valid-refresh-token").await.unwrap();
    assert!(Auth::new(base, store.clone()).restore().await.unwrap().is_none());
    assert_eq!(store.load().await.unwrap(), None);
}
