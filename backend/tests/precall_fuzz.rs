//! Property test over the JSON bodies of every pre-call endpoint: whatever the body, the answer
//! is never a 5xx or a dropped connection, and every 4xx carries the JSON error body (naming
//! the field for 400/422).

mod common;

use common::TestApp;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Map, Value, json};

/// Field names the endpoints read, so generated objects often hit real fields with wrong
/// types or values.
const FIELDS: &[&str] = &[
    "email", "password", "refresh_token", "display_name", "ai_consent", "organization_name", "organization_slug",
    "role", "slug", "title", "playbook_id", "starts_at", "duration_minutes", "meeting_type", "start", "name",
    "company", "time_zone", "weekly", "exceptions", "buffer_minutes", "min_notice_minutes", "horizon_days",
    "weekday", "end", "kind", "date", "language", "checklist", "objections", "key", "credit", "examples",
    "battle_card", "points", "threshold", "active",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        ".{0,80}".prop_map(Value::String),
        prop::sample::select(vec![
            "", " ", "accepted", "declined", "seller", "admin", "Europe/Rome", "Mars/Base", "09:00:00", "25:99",
            "2026-03-29", "2026-13-40", "2026-03-29T09:00:00Z", "a@b.co", "x\u{0000}y", "\u{202e}", "host", "any",
            "00000000-0000-0000-0000-000000000000",
        ])
        .prop_map(|s| json!(s)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS.to_vec()), inner), 0..8).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

#[test]
fn arbitrary_json_bodies_get_4xx_json_errors_never_5xx() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, endpoints) = runtime.block_on(async {
        let app = TestApp::start(|c| {
            c.login_rate_per_minute = 100_000;
            c.join_rate_per_minute = 100_000;
        })
        .await;
        let (admin, org) = app.sign_up("fuzz").await;
        let (seller, user) = app.add_user(&admin, &org, "seller", "fabio").await;
        let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
        let (_, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "t", "playbook_id": playbook}))).await;
        let meeting = meeting["id"].as_str().unwrap().to_owned();
        let slug = user["slug"].as_str().unwrap().to_owned();
        let endpoints: Vec<(Method, String, Option<String>)> = vec![
            (Method::POST, "/organizations".into(), None),
            (Method::POST, "/auth/login".into(), None),
            (Method::POST, "/auth/refresh".into(), None),
            (Method::POST, "/auth/logout".into(), None),
            (Method::POST, "/users".into(), Some(admin.clone())),
            (Method::POST, "/playbooks".into(), Some(admin.clone())),
            (Method::PUT, format!("/playbooks/{playbook}"), Some(admin.clone())),
            (Method::PUT, "/availability".into(), Some(seller.clone())),
            (Method::POST, "/meeting-types".into(), Some(seller.clone())),
            (Method::POST, "/meetings".into(), Some(seller.clone())),
            (Method::PATCH, format!("/meetings/{meeting}"), Some(seller.clone())),
            (Method::POST, format!("/book/{slug}"), None),
            (Method::POST, "/bookings/unknown-token/reschedule".into(), None),
            (Method::POST, format!("/meetings/{meeting}/join"), None),
        ];
        (app, endpoints)
    });
    let config = ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(body in value(), pick in 0..14usize)| {
        let (method, path, token) = &endpoints[pick];
        let (status, answer) = runtime.block_on(app.call(method.clone(), path, token.as_deref(), Some(body.clone())));
        prop_assert!(status < 500, "{method} {path} with {body} → {status} {answer}");
        if status >= 400 {
            prop_assert!(answer["error"]["code"].is_string(), "{method} {path} with {body} → {status} {answer}");
            if status == 400 || status == 422 {
                prop_assert!(answer["error"]["field"].as_str().is_some_and(|f| !f.is_empty()), "{method} {path} with {body} → {answer}");
            }
        }
    });
}

/// The property above once found `POST /auth/login` with `["\0", ""]` answering 500:
/// PostgreSQL's `text` cannot hold NUL. Every way in for text, with NUL in it, is refused at
/// the edge naming where.
#[tokio::test]
async fn nul_in_a_body_path_or_query_is_refused_naming_where() {
    let app = TestApp::start(|_| {}).await;
    let (admin, _) = app.sign_up("nul").await;
    let cases = [
        (Method::POST, "/auth/login", None, Some(json!(["\u{0}", ""])), 422, "[0]"),
        (Method::POST, "/auth/login", None, Some(json!({"email": "a\u{0}@b.co", "password": "x"})), 422, "email"),
        (Method::POST, "/playbooks", Some(&admin), Some(json!({"title": "t", "checklist": [{"key": "k\u{0}"}]})), 422, "checklist[0].key"),
        (Method::GET, "/book/a%00b", None, None, 400, "path"),
        (Method::GET, "/meetings?time_zone=Europe/Rome%00", Some(&admin), None, 400, "query"),
    ];
    for (method, path, token, body, status, field) in cases {
        let (got, answer) = app.call(method.clone(), path, token.map(String::as_str), body.clone()).await;
        assert_eq!((got, answer["error"]["field"].as_str()), (status, Some(field)), "{method} {path} {body:?} → {answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| m.contains("NUL")), "{answer}");
    }
    // Text without NUL still goes through.
    let (got, answer) = app.call(Method::GET, "/book/a%2500b", None, None).await;
    assert_eq!(got, 404, "{answer}");
}
