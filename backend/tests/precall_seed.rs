//! `seed`: the demo organization, users and four playbooks; idempotent; the fixture copies in
//! `backend/seed/` stay identical to `shared/fixtures/playbooks/`.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

#[test]
fn seed_copies_of_the_shared_fixtures_are_identical() {
    for (copy, fixture) in [("discovery-call.en.json", "discovery-en.json"), ("primo-contatto.it.json", "primo-contatto-it.json")] {
        let read = |p: std::path::PathBuf| serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap();
        assert_eq!(read(common::repo_root().join("backend/seed").join(copy)), read(common::fixture_playbook(fixture)), "{copy}");
    }
}

#[tokio::test]
async fn seed_creates_the_demo_and_is_idempotent() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let password = closer::auth::refresh::generate();
    let org = closer::seed::run(&app.pg, &password).await.unwrap();
    assert_eq!(closer::seed::run(&app.pg, &password).await.unwrap(), org, "second run keeps the same organization");

    let (status, session) = app
        .call(Method::POST, "/auth/login", None, Some(json!({"email": "manager@closer-demo.example.com", "password": password})))
        .await;
    // A database seeded before with another password keeps its users: only check when ours.
    if status == 200 {
        assert_eq!(session["user"]["role"], "manager");
        let token = session["access_token"].as_str().unwrap();
        let (_, playbooks) = app.call(Method::GET, "/playbooks", Some(token), None).await;
        let mut names: Vec<&str> = playbooks.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["Demo Tecnica", "Discovery Call", "Primo Contatto", "Technical Demo"]);
    } else {
        assert_eq!(status, 401);
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM playbooks WHERE organization_id = $1").bind(org).fetch_one(&app.pg).await.unwrap();
    assert_eq!(count, 4);
    let (status, page) = app.call(Method::GET, "/book/sara-demo", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(page["meeting_types"].as_array().unwrap().len(), 4);
    assert_eq!(page["time_zone"], "Europe/Rome");
}
