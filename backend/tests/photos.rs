//! A seller's photo on their public booking page, over HTTP against the real PostgreSQL:
//! uploaded by its owner only, PNG/JPEG/WebP only (an SVG could carry script onto a public
//! page), served publicly with its type and without script, named by the booking page with a
//! version, and gone once removed or once the seller is deactivated.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_sellers_photo_is_uploaded_checked_served_on_the_booking_page_and_removed() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("photo").await;
    let (seller, user) = app.add_user(&admin, &org, "seller", "paola").await;
    let slug = user["slug"].as_str().unwrap().to_owned();
    let photo = format!("/book/{slug}/photo");
    let put = |token: Option<&str>, body: Vec<u8>, ctype: &str| {
        let request = app.client.put(app.url("/me/photo")).header("content-type", ctype).body(body);
        match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
        .send()
    };
    let png: Vec<u8> = include_bytes!("data/2x2.png").to_vec();

    let (status, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    assert_eq!((status, &page["seller_photo_url"]), (200, &json!(null)), "no photo yet: {page}");
    assert_eq!(app.client.get(app.url(&photo)).send().await.unwrap().status(), 404);

    assert_eq!(put(None, png.clone(), "image/png").await.unwrap().status(), 401, "signed in only");
    assert_eq!(put(Some(&seller), b"<svg onload='alert(1)'/>".to_vec(), "image/svg+xml").await.unwrap().status(), 415, "no SVG on a public page");
    assert_eq!(put(Some(&seller), vec![0u8; 2 * 1024 * 1024 + 1], "image/png").await.unwrap().status(), 413);
    assert_eq!(put(Some(&seller), Vec::new(), "image/png").await.unwrap().status(), 422);
    assert_eq!(put(Some(&seller), png.clone(), "image/png; charset=binary").await.unwrap().status(), 204);

    let (_, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    let url = page["seller_photo_url"].as_str().expect("the booking page names the photo").to_owned();
    assert!(url.starts_with(&format!("/api{photo}?v=")), "{url}");
    let got = app.client.get(format!("{}{url}", app.base)).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert!(got.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(got.bytes().await.unwrap().as_ref(), png.as_slice(), "served publicly, as uploaded");

    // A new photo gets a new version, so no cached old one hides it.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(put(Some(&seller), png.clone(), "image/webp").await.unwrap().status(), 204);
    let (_, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    assert_ne!(page["seller_photo_url"].as_str().unwrap(), url);

    // Another user's upload is their own: the seller's photo is unchanged by the admin's.
    assert_eq!(put(Some(&admin), png.clone(), "image/jpeg").await.unwrap().status(), 204);
    let got = app.client.get(app.url(&photo)).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/webp");

    // A deactivated seller's photo is no longer public.
    let (status, _) = app.call(Method::PATCH, &format!("/users/{}", user["id"].as_str().unwrap()), Some(&admin), Some(json!({"active": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(app.client.get(app.url(&photo)).send().await.unwrap().status(), 404);
    let (_, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    assert_eq!(page["seller_photo_url"], json!(null));
    let (status, _) = app.call(Method::PATCH, &format!("/users/{}", user["id"].as_str().unwrap()), Some(&admin), Some(json!({"active": true}))).await;
    assert_eq!(status, 200);
    assert_eq!(app.client.get(app.url(&photo)).send().await.unwrap().status(), 200);

    let (status, _) = app.call(Method::DELETE, "/me/photo", Some(&seller), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.client.get(app.url(&photo)).send().await.unwrap().status(), 404);
    let (_, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    assert_eq!(page["seller_photo_url"], json!(null));
}
