//! A team that grows on its own: an admin invites people by e-mail (received by a real SMTP
//! server), the invitee accepts through the link and is signed in with the invited role, and an
//! admin deactivates and reactivates accounts. Against the real PostgreSQL.

mod common;

use common::TestApp;
use common::smtp::SmtpServer;
use reqwest::Method;
use serde_json::{Value, json};

/// The token of an invitation link `…/invite#token=<token>`.
fn token_of(link: &str) -> String {
    link.split_once("#token=").expect("token in the link fragment").1.to_owned()
}

async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    app.call(Method::POST, "/auth/login", None, Some(json!({"email": email, "password": password}))).await
}

#[tokio::test]
async fn an_invited_seller_accepts_by_e_mail_link_once() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("team").await;
    let email = format!("Nuovo@{org}.example.com");

    let (status, sent) =
        app.call(Method::POST, "/invitations", Some(&admin), Some(json!({"email": email, "role": "seller", "language": "it"}))).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["emailed"], true);
    assert_eq!(sent["invitation"]["status"], "pending");
    assert_eq!(sent["invitation"]["email"], email.to_lowercase());
    let link = sent["link"].as_str().unwrap();
    assert!(link.starts_with("http://closer.test/invite#token="), "{link}");
    let token = token_of(link);

    // The e-mail: in Italian, to the invitee, with the same link.
    let mail = smtp.message(1).await;
    assert!(mail["to"].as_str().unwrap().contains(&email.to_lowercase()), "{mail}");
    assert_eq!(mail["subject"], format!("Admin ti invita in Org team su Closer"));
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains(link) && text.contains("come venditore"), "{text}");

    // The token is stored hashed only.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM invitations WHERE email = $1")
        .bind(email.to_lowercase())
        .fetch_all(&app.pg)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token.as_bytes());

    let (status, preview) = app.call(Method::GET, &format!("/invitations/lookup?token={token}"), None, None).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["organization_name"], "Org team");
    assert_eq!(preview["role"], "seller");
    assert_eq!(preview["language"], "it");
    assert_eq!(preview["status"], "pending");

    let accept = |slug: &str, password: &str| {
        json!({"token": token, "display_name": "Nuova Venditrice", "password": password, "slug": slug})
    };
    let (status, body) = app.call(Method::POST, "/invitations/accept", None, Some(accept(&format!("nuova-{org}"), "short"))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
    let (status, session) =
        app.call(Method::POST, "/invitations/accept", None, Some(accept(&format!("nuova-{org}"), "a-long-password-1"))).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["user"]["role"], "seller");
    assert_eq!(session["user"]["email"], email.to_lowercase());
    assert_eq!(session["user"]["active"], true);
    let seller = session["access_token"].as_str().unwrap();
    let (status, me) = app.call(Method::GET, "/me", Some(seller), None).await;
    assert_eq!((status, me["display_name"].as_str()), (200, Some("Nuova Venditrice")));

    // A second use of the link, and its lookup, say it was accepted.
    let (status, body) =
        app.call(Method::POST, "/invitations/accept", None, Some(accept(&format!("altra-{org}"), "a-long-password-1"))).await;
    assert_eq!(status, 410, "{body}");
    let (status, preview) = app.call(Method::GET, &format!("/invitations/lookup?token={token}"), None, None).await;
    assert_eq!((status, preview["status"].as_str()), (200, Some("accepted")));
    let (status, _) = app.call(Method::GET, "/invitations/lookup?token=not-a-token", None, None).await;
    assert_eq!(status, 404);

    let (_, list) = app.call(Method::GET, "/invitations", Some(&admin), None).await;
    assert_eq!(list[0]["status"], "accepted", "{list}");
    // Sellers neither list nor send invitations; an address with an account is refused.
    let (status, _) = app.call(Method::GET, "/invitations", Some(seller), None).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::POST, "/invitations", Some(seller), Some(json!({"email": "x@example.com", "role": "admin"}))).await;
    assert_eq!(status, 403);
    let (status, body) = app.call(Method::POST, "/invitations", Some(&admin), Some(json!({"email": email, "role": "manager"}))).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) =
        app.call(Method::POST, "/invitations", Some(&admin), Some(json!({"email": "x@example.com", "role": "seller", "language": "fr"}))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("language")), "{body}");
}

#[tokio::test]
async fn inviting_again_replaces_the_link_and_withdrawn_or_expired_links_are_refused() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("reinvite").await;
    let email = format!("m@{org}.example.com");
    let invite = || app.call(Method::POST, "/invitations", Some(&admin), Some(json!({"email": email, "role": "manager"})));
    let (_, first) = invite().await;
    let (status, second) = invite().await;
    assert_eq!(status, 201, "{second}");
    let (first_token, second_token) = (token_of(first["link"].as_str().unwrap()), token_of(second["link"].as_str().unwrap()));
    let mail = smtp.message(2).await;
    assert_eq!(mail["subject"], "Admin invited you to Org reinvite on Closer", "English by default");
    assert!(mail["text"].as_str().unwrap().contains("as a manager"));

    let (status, body) = app.call(Method::GET, &format!("/invitations/lookup?token={first_token}"), None, None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("revoked")), "the replaced link: {body}");
    let (status, body) = app
        .call(Method::POST, "/invitations/accept", None,
            Some(json!({"token": first_token, "display_name": "M", "password": "a-long-password-1", "slug": format!("m0-{org}")})))
        .await;
    assert_eq!(status, 410, "{body}");
    let (_, list) = app.call(Method::GET, "/invitations", Some(&admin), None).await;
    let statuses: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pending", "revoked"]);

    let id = second["invitation"]["id"].as_str().unwrap();
    let (status, revoked) = app.call(Method::DELETE, &format!("/invitations/{id}"), Some(&admin), None).await;
    assert_eq!((status, revoked["status"].as_str()), (200, Some("revoked")), "{revoked}");
    let (_, body) = app.call(Method::GET, &format!("/invitations/lookup?token={second_token}"), None, None).await;
    assert_eq!(body["status"], "revoked");
    // Another organization's admin cannot withdraw it.
    let (other, _) = app.sign_up("other").await;
    let (status, _) = app.call(Method::DELETE, &format!("/invitations/{id}"), Some(&other), None).await;
    assert_eq!(status, 404);

    let (_, third) = invite().await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1")
        .bind(uuid::Uuid::parse_str(third["invitation"]["id"].as_str().unwrap()).unwrap())
        .execute(&app.pg)
        .await
        .unwrap();
    let token = token_of(third["link"].as_str().unwrap());
    let (status, body) = app
        .call(Method::POST, "/invitations/accept", None,
            Some(json!({"token": token, "display_name": "M", "password": "a-long-password-1", "slug": format!("m-{org}")})))
        .await;
    assert_eq!(status, 410, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"), "{body}");
    let (_, list) = app.call(Method::GET, "/invitations", Some(&admin), None).await;
    assert_eq!(list[0]["status"], "expired");
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in_until_reactivated() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("deact").await;
    let (_, seller) = app.add_user(&admin, &org, "seller", "sam").await;
    let email = seller["email"].as_str().unwrap().to_owned();
    let id = seller["id"].as_str().unwrap().to_owned();
    let (status, session) = login(&app, &email, "user-password-1").await;
    assert_eq!(status, 200);
    let refresh = session["refresh_token"].as_str().unwrap().to_owned();

    let (status, user) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&admin), Some(json!({"active": false}))).await;
    assert_eq!((status, user["active"].as_bool()), (200, Some(false)), "{user}");
    let (status, body) = login(&app, &email, "user-password-1").await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("deactivated"), "{body}");
    let (status, _) = login(&app, &email, "wrong-password-1").await;
    assert_eq!(status, 401, "a wrong password still reads as one");
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await;
    assert_eq!(status, 401, "the session's refresh token was revoked");
    let (_, users) = app.call(Method::GET, "/users", Some(&admin), None).await;
    let listed = users.as_array().unwrap().iter().find(|u| u["id"] == id.as_str()).unwrap();
    assert_eq!(listed["active"], false, "still listed, as inactive");

    let (status, user) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&admin), Some(json!({"active": true}))).await;
    assert_eq!((status, user["active"].as_bool()), (200, Some(true)));
    let (status, _) = login(&app, &email, "user-password-1").await;
    assert_eq!(status, 200);

    // The organization keeps an active admin: the only admin can neither leave nor step down,
    // and sellers change nobody.
    let (_, me) = app.call(Method::GET, "/me", Some(&admin), None).await;
    let admin_id = me["id"].as_str().unwrap();
    let (status, body) = app.call(Method::PATCH, &format!("/users/{admin_id}"), Some(&admin), Some(json!({"active": false}))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("active")), "{body}");
    let (status, body) = app.call(Method::PATCH, &format!("/users/{admin_id}"), Some(&admin), Some(json!({"role": "manager"}))).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&admin), Some(json!({"role": "manager"}))).await;
    assert_eq!(status, 200);
    let (seller_token, _) = app.add_user(&admin, &org, "seller", "tina").await;
    let (status, _) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&seller_token), Some(json!({"active": false}))).await;
    assert_eq!(status, 403);
    let (other, _) = app.sign_up("deact-other").await;
    let (status, _) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&other), Some(json!({"active": false}))).await;
    assert_eq!(status, 404, "another organization's admin");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_e_mail_link_and_signs_out_other_sessions() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("reset").await;
    let (_, seller) = app.add_user(&admin, &org, "seller", "rita").await;
    let email = seller["email"].as_str().unwrap().to_owned();
    let (_, session) = login(&app, &email, "user-password-1").await;
    let old_refresh = session["refresh_token"].as_str().unwrap().to_owned();

    // An unknown address gets the same answer and no e-mail.
    let (status, _) =
        app.call(Method::POST, "/auth/password-reset", None, Some(json!({"email": format!("nobody@{org}.example.com")}))).await;
    assert_eq!(status, 202);
    let (status, _) = app
        .call(Method::POST, "/auth/password-reset", None, Some(json!({"email": email.to_uppercase(), "language": "it"})))
        .await;
    assert_eq!(status, 202);
    let mail = smtp.message(1).await;
    assert!(mail["to"].as_str().unwrap().contains(&email), "the first e-mail is the known address's: {mail}");
    assert_eq!(mail["subject"], "Reimposta la password di Closer");
    let text = mail["text"].as_str().unwrap();
    let link = text.lines().find(|l| l.starts_with("http://closer.test/reset-password#token=")).expect("link in the e-mail");
    let token = token_of(link);

    let confirm = |password: &str| json!({"token": token, "password": password});
    let (status, body) = app.call(Method::POST, "/auth/password-reset/confirm", None, Some(confirm("short"))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
    let (status, session) = app.call(Method::POST, "/auth/password-reset/confirm", None, Some(confirm("a-brand-new-password"))).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["email"], email.as_str());
    let (status, _) = login(&app, &email, "user-password-1").await;
    assert_eq!(status, 401, "the old password no longer works");
    let (status, _) = login(&app, &email, "a-brand-new-password").await;
    assert_eq!(status, 200);
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": old_refresh}))).await;
    assert_eq!(status, 401, "sessions from before the reset are signed out");
    let (status, body) = app.call(Method::POST, "/auth/password-reset/confirm", None, Some(confirm("yet-another-password"))).await;
    assert_eq!(status, 410, "the link works once: {body}");
    let (status, _) = app.call(Method::POST, "/auth/password-reset/confirm", None, Some(json!({"token": "nope", "password": "yet-another-password"}))).await;
    assert_eq!(status, 404);

    // An expired link, and no link at all for a deactivated account.
    let (status, _) = app.call(Method::POST, "/auth/password-reset", None, Some(json!({"email": email}))).await;
    assert_eq!(status, 202);
    let mail = smtp.message(2).await;
    assert_eq!(mail["subject"], "Reset your Closer password", "English by default");
    let link = mail["text"].as_str().unwrap().lines().find(|l| l.contains("#token=")).unwrap().to_owned();
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
        .execute(&app.pg)
        .await
        .unwrap();
    let (status, body) = app
        .call(Method::POST, "/auth/password-reset/confirm", None, Some(json!({"token": token_of(&link), "password": "yet-another-password"})))
        .await;
    assert_eq!(status, 410, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"));
    let id = seller["id"].as_str().unwrap();
    let (status, _) = app.call(Method::PATCH, &format!("/users/{id}"), Some(&admin), Some(json!({"active": false}))).await;
    assert_eq!(status, 200);
    let (status, _) = app.call(Method::POST, "/auth/password-reset", None, Some(json!({"email": email}))).await;
    assert_eq!(status, 202);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 2, "no link for a deactivated account");
}

#[tokio::test]
async fn users_change_their_own_name_and_password() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("profile").await;
    let (seller, user) = app.add_user(&admin, &org, "seller", "pia").await;
    let email = user["email"].as_str().unwrap().to_owned();
    let (_, other) = login(&app, &email, "user-password-1").await;

    let (status, me) = app.call(Method::PATCH, "/me", Some(&seller), Some(json!({"display_name": "  Pia Rossi "}))).await;
    assert_eq!((status, me["display_name"].as_str()), (200, Some("Pia Rossi")), "{me}");
    let (status, body) = app.call(Method::PATCH, "/me", Some(&seller), Some(json!({"display_name": " "}))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("display_name")));

    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, body) = app.call(Method::POST, "/me/password", Some(&seller), Some(change("wrong-password-9", "a-new-password-1"))).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = app.call(Method::POST, "/me/password", Some(&seller), Some(change("user-password-1", "short"))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("new_password")));
    let (status, session) = app.call(Method::POST, "/me/password", Some(&seller), Some(change("user-password-1", "a-new-password-1"))).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["display_name"], "Pia Rossi");
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": session["refresh_token"]}))).await;
    assert_eq!(status, 200, "the new session works");
    let (status, _) = app.call(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": other["refresh_token"]}))).await;
    assert_eq!(status, 401, "other sessions are signed out");
    assert_eq!(login(&app, &email, "user-password-1").await.0, 401);
    assert_eq!(login(&app, &email, "a-new-password-1").await.0, 200);
}
