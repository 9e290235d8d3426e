//! `GET /api/analytics` over real meetings (PostgreSQL) and recaps (MongoDB): team and
//! per-seller figures, objections by category, battle-card funnel, leaderboard, filters,
//! tenant isolation and the seller's restricted view. Also the "presented" report that feeds
//! the funnel.

mod common;

use closer_wire::{Benchmarks, Evidence, Kpis, ObjectionOutcome, Recap};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

fn outcome(key: &str, handled: bool, presented: bool) -> ObjectionOutcome {
    ObjectionOutcome {
        objection: key.into(),
        title: key.replace('_', " "),
        evidence: Evidence { segment_id: "g-1".into(), speaker: "g".into(), start_ms: 1000, text: "…".into(), score: 0.5 },
        card_shown: true,
        card_presented: presented,
        responded: handled,
        handled,
        response_ms: None,
    }
}

struct Figures {
    adherence: f64,
    talk: f64,
    wpm: f64,
    sentiment: f64,
    objections: Vec<ObjectionOutcome>,
}

fn recap(meeting: Uuid, host: Uuid, playbook: Uuid, f: Figures) -> Recap {
    Recap {
        meeting_id: meeting,
        title: "call".into(),
        host_id: host,
        playbook_id: playbook,
        playbook_name: "Discovery".into(),
        language: "en".into(),
        started_at: None,
        ended_at: None,
        kpis: Kpis {
            script_adherence_pct: f.adherence,
            items_covered: 0,
            items_total: 6,
            seller_talk_pct: f.talk,
            guest_talk_pct: 100.0 - f.talk,
            seller_wpm: Some(f.wpm),
            guest_wpm: None,
            longest_monologue_ms: 10_000,
            longest_monologue_speaker: None,
            seller_questions: 4,
            objections_raised: f.objections.len() as u32,
            objections_handled: f.objections.iter().filter(|o| o.handled).count() as u32,
            sentiment_score: Some(f.sentiment),
            duration_ms: 600_000,
            benchmarks: Benchmarks { seller_talk_pct: 43.0, wpm_min: 130.0, wpm_max: 175.0 },
        },
        speakers: vec![],
        checklist: vec![],
        objections: f.objections,
        sentiment: vec![],
        transcript: vec![],
        summary: String::new(),
        next_steps: vec![],
        action_items: vec![],
        summary_method: "extractive".into(),
        recording_url: None,
        generated_at: chrono::Utc::now(),
    }
}

async fn meeting(app: &TestApp, token: &str, playbook: &str, days_ago: i64) -> Uuid {
    let starts = chrono::Utc::now() - chrono::Duration::days(days_ago);
    let (status, m) = app
        .call(Method::POST, "/meetings", Some(token), Some(json!({"title": "Call", "playbook_id": playbook, "starts_at": starts})))
        .await;
    assert_eq!(status, 201, "{m}");
    m["id"].as_str().unwrap().parse().unwrap()
}

async fn set_status(app: &TestApp, meeting: Uuid, status: &str) {
    sqlx::query("UPDATE meetings SET status = $2, started_at = CASE WHEN $2 = 'cancelled' THEN NULL ELSE now() END WHERE id = $1")
        .bind(meeting)
        .bind(status)
        .execute(&app.pg)
        .await
        .unwrap();
}

#[tokio::test]
async fn analytics_aggregate_per_seller_and_team() {
    let app = TestApp::start(|_| {}).await;
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let (admin, slug) = app.sign_up("analytics").await;
    let org: Uuid = app.call(Method::GET, "/organization", Some(&admin), None).await.1["id"].as_str().unwrap().parse().unwrap();
    let (ada, ada_user) = app.add_user(&admin, &slug, "seller", "ada").await;
    let (bob, bob_user) = app.add_user(&admin, &slug, "seller", "bob").await;
    let (manager, _) = app.add_user(&admin, &slug, "manager", "mia").await;
    let (ada_id, bob_id): (Uuid, Uuid) = (ada_user["id"].as_str().unwrap().parse().unwrap(), bob_user["id"].as_str().unwrap().parse().unwrap());
    let discovery = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let italian = app.import_fixture_playbook(&admin, "primo-contatto-it.json").await;
    let pb: Uuid = discovery.parse().unwrap();

    // Ada: two processed calls and one that never happened; Bob: one processed (other
    // playbook) and one cancelled; plus one of Ada's outside the range.
    let m1 = meeting(&app, &ada, &discovery, 3).await;
    let m2 = meeting(&app, &ada, &discovery, 2).await;
    meeting(&app, &ada, &discovery, 1).await; // never held
    let m4 = meeting(&app, &bob, &italian, 2).await;
    let m5 = meeting(&app, &bob, &discovery, 2).await;
    let old = meeting(&app, &ada, &discovery, 100).await;
    for m in [m1, m2, m4, old] {
        set_status(&app, m, "processed").await;
    }
    set_status(&app, m5, "cancelled").await;
    let figures = [
        (m1, ada_id, Figures { adherence: 100.0, talk: 45.0, wpm: 150.0, sentiment: 0.5, objections: vec![outcome("price_competitor", true, true), outcome("no_budget", false, false)] }),
        (m2, ada_id, Figures { adherence: 50.0, talk: 60.0, wpm: 170.0, sentiment: -0.1, objections: vec![outcome("price_competitor", true, false)] }),
        (m4, bob_id, Figures { adherence: 80.0, talk: 43.0, wpm: 140.0, sentiment: -0.2, objections: vec![] }),
        (old, ada_id, Figures { adherence: 0.0, talk: 90.0, wpm: 300.0, sentiment: -1.0, objections: vec![outcome("no_budget", false, false)] }),
    ];
    for (m, host, f) in figures {
        closer::recap::store::put(&mongo, org, &recap(m, host, pb, f)).await.unwrap();
    }
    // Another organization's data never counts.
    let (stranger, _) = app.sign_up("analytics_other").await;
    let other_pb = app.import_fixture_playbook(&stranger, "discovery-en.json").await;
    let foreign = meeting(&app, &stranger, &other_pb, 1).await;
    set_status(&app, foreign, "processed").await;

    let (status, a) = app.call(Method::GET, "/analytics", Some(&manager), None).await;
    assert_eq!(status, 200, "{a}");
    let team = &a["team"];
    assert_eq!((team["meetings_scheduled"].as_u64(), team["meetings_held"].as_u64(), team["meetings_processed"].as_u64()), (Some(4), Some(3), Some(3)), "{team}");
    assert_eq!(team["avg_adherence_pct"], 76.7);
    assert_eq!(team["avg_seller_talk_pct"], 49.3);
    assert_eq!(team["avg_seller_wpm"], 153.3);
    assert_eq!(team["avg_sentiment"], 0.07);
    assert_eq!((team["objections_raised"].as_u64(), team["objections_handled"].as_u64(), team["handled_rate_pct"].as_f64()), (Some(3), Some(2), Some(66.7)));
    assert_eq!(a["battle_cards"], json!({"shown": 3, "presented": 1, "handled": 2, "handled_after_presented": 1}));
    assert_eq!(a["benchmarks"], json!({"seller_talk_pct": 43.0, "wpm_min": 130.0, "wpm_max": 175.0}), "the dashboard's bands");
    let objections: Vec<(String, u64, u64, u64)> = a["objections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["objection"].as_str().unwrap().to_owned(), o["raised"].as_u64().unwrap(), o["handled"].as_u64().unwrap(), o["presented"].as_u64().unwrap()))
        .collect();
    assert_eq!(objections, vec![("price_competitor".into(), 2, 2, 1), ("no_budget".into(), 1, 0, 0)]);
    let sellers: Vec<(&str, u64)> = a["sellers"].as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap(), s["stats"]["meetings_scheduled"].as_u64().unwrap())).collect();
    assert_eq!(sellers, vec![("ada", 3), ("bob", 1)]);
    // Bob: 0.4·80 + 0.3·100 (nothing mishandled) + 0.3·100 (43 % talk) = 92;
    // Ada: 0.4·75 + 0.3·66.7 + 0.3·(100 − 9.5·2.5) = 72.9.
    let board: Vec<(u64, &str, f64)> =
        a["leaderboard"].as_array().unwrap().iter().map(|e| (e["rank"].as_u64().unwrap(), e["name"].as_str().unwrap(), e["score"].as_f64().unwrap())).collect();
    assert_eq!(board, vec![(1, "bob", 92.0), (2, "ada", 72.9)]);

    // Filters: one playbook, one seller, an explicit range including the old call.
    let (_, by_playbook) = app.call(Method::GET, &format!("/analytics?playbook={italian}"), Some(&manager), None).await;
    assert_eq!(by_playbook["team"]["meetings_scheduled"], 1);
    let (_, one) = app.call(Method::GET, &format!("/analytics?seller={ada_id}"), Some(&admin), None).await;
    assert_eq!(one["team"]["meetings_scheduled"], 3);
    let from = (chrono::Utc::now() - chrono::Duration::days(120)).date_naive();
    let (_, wide) = app.call(Method::GET, &format!("/analytics?from={from}"), Some(&admin), None).await;
    assert_eq!(wide["team"]["meetings_processed"], 4);

    // A seller sees only their own figures, without a leaderboard.
    let (status, mine) = app.call(Method::GET, "/analytics", Some(&ada), None).await;
    assert_eq!(status, 200);
    assert_eq!((mine["team"]["meetings_scheduled"].as_u64(), mine["leaderboard"].as_array().map(Vec::len)), (Some(3), Some(0)));
    assert_eq!(mine["seller"], json!(ada_id));
    let (status, _) = app.call(Method::GET, &format!("/analytics?seller={bob_id}"), Some(&ada), None).await;
    assert_eq!(status, 403);
    let (status, body) = app.call(Method::GET, "/analytics?from=2026-05-01&to=2026-04-01", Some(&admin), None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("from")));
    let (status, body) = app.call(Method::GET, "/analytics?to=yesterday", Some(&admin), None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("to")));

    // The same figures as CSV: a row per seller and the team, read back with the csv crate.
    let response = app.client.get(app.url("/analytics/export.csv?from=2026-01-01&to=2026-12-31")).bearer_auth(&manager).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"closer-analytics-2026-01-01-2026-12-31.csv\""
    );
    let (_, json) = app.call(Method::GET, "/analytics?from=2026-01-01&to=2026-12-31", Some(&manager), None).await;
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), closer::analytics::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(names, ["ada", "bob", "Team"]);
    let team_row = &rows[2];
    for (column, field) in closer::analytics::CSV_HEADER.iter().enumerate().skip(1) {
        let cell: f64 = team_row[column].parse().unwrap();
        assert_eq!(Some(cell), json["team"][field].as_f64(), "{field}");
    }
    let response = app.client.get(app.url(&format!("/analytics/export.csv?seller={bob_id}"))).bearer_auth(&ada).send().await.unwrap();
    assert_eq!(response.status(), 403, "a seller exports only their own figures");
}

#[test]
fn csv_names_never_run_as_spreadsheet_formulas() {
    let mut figures: closer_wire::Analytics = serde_json::from_value(json!({
        "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z",
        "team": {"meetings_scheduled": 1, "meetings_booked": 0, "meetings_held": 1, "meetings_processed": 0,
            "objections_raised": 0, "objections_handled": 0},
        "sellers": [], "objections": [],
        "battle_cards": {"shown": 0, "presented": 0, "handled": 0, "handled_after_presented": 0},
        "leaderboard": [], "benchmarks": {"seller_talk_pct": 43.0, "wpm_min": 130.0, "wpm_max": 175.0}
    }))
    .unwrap();
    figures.sellers.push(closer_wire::SellerAnalytics { seller_id: Uuid::nil(), name: "=HYPERLINK(\"x\")".into(), stats: figures.team.clone() });
    let text = closer::analytics::csv(&figures).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes()).records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "'=HYPERLINK(\"x\")");
    assert_eq!(&rows[1][5], "", "a figure without data is an empty cell");
}

#[tokio::test]
async fn the_host_reports_presented_battle_cards() {
    let app = TestApp::start(|_| {}).await;
    let (admin, slug) = app.sign_up("present").await;
    let (seller, _) = app.add_user(&admin, &slug, "seller", "sam").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let m = meeting(&app, &seller, &playbook, 0).await;
    let path = format!("/meetings/{m}/battle-cards/price_competitor/presented");
    assert_eq!(app.call(Method::POST, &path, Some(&seller), None).await.0, 204);
    assert_eq!(app.call(Method::POST, &path, Some(&seller), None).await.0, 204, "idempotent");
    assert_eq!(app.call(Method::POST, &path, Some(&admin), None).await.0, 403, "only the host presents");
    let (status, body): (u16, Value) = app.call(Method::POST, &format!("/meetings/{m}/battle-cards/unknown/presented"), Some(&seller), None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("objection")));
    let mongo = closer::store::documents::connect(&app.config.mongodb_url, &app.config.mongodb_database).await.unwrap();
    let stored = closer::recap::load::documents(&mongo, "presentations", mongodb::bson::doc! {"meeting_id": m.to_string()}).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["objection"], "price_competitor");
}
