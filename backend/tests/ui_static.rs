//! The server serves the built web UI (`ui_dir`) outside `/api`: files as they are, the app's
//! `index.html` for its client-side routes, and JSON 404s for unknown API paths.

mod common;

use common::TestApp;

#[tokio::test]
async fn serves_the_ui_with_spa_fallback_and_keeps_api_404s() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><div id=root></div>").unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app-1234.js"), "console.log(1)").unwrap();
    let ui_dir = dir.path().to_path_buf();
    let app = TestApp::start(move |c| c.ui_dir = ui_dir).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base)).send();

    for route in ["/", "/meet/0b0e5d5e-8d3a-4a57-9a57-0c9b1d9b2a11", "/console/playbooks", "/book/someone"] {
        let response = get(route).await.unwrap();
        assert_eq!(response.status(), 200, "{route}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{route}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(response.text().await.unwrap().contains("id=root"));
    }

    let script = get("/assets/app-1234.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert!(script.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(get("/assets/missing.js").await.unwrap().status(), 404);

    let api = get("/api/no-such-endpoint").await.unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let post = app.client.post(format!("{}/console", app.base)).send().await.unwrap();
    assert_eq!(post.status(), 404);
}

#[tokio::test]
async fn says_how_to_build_the_ui_when_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let ui_dir = dir.path().join("nothing-here");
    let app = TestApp::start(move |c| c.ui_dir = ui_dir).await;
    let response = app.client.get(format!("{}/meet/x", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("npm run build"));
}
