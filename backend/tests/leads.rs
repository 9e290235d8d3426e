//! Leads (`/api/leads`) against the real PostgreSQL: who sees and changes which lead, the same
//! guest met twice stays one lead with both meetings, BANT evidence is redacted and scored,
//! bad input is refused field by field without a partial write, and every change reaches the
//! CRM webhook outbox as an event matching the published payload schema.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn meeting(app: &TestApp, token: &str, playbook: &str, title: &str) -> String {
    let (status, meeting) = app.call(Method::POST, "/meetings", Some(token), Some(json!({"title": title, "playbook_id": playbook}))).await;
    assert_eq!(status, 201, "{meeting}");
    meeting["id"].as_str().unwrap().to_owned()
}

fn ids(leads: &Value) -> Vec<&str> {
    leads.as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_guest_met_twice_is_one_lead_with_both_meetings_and_a_bant_score() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("leads").await;
    let (seller, seller_user) = app.add_user(&admin, &org, "seller", "sara").await;
    let playbook = app.import_fixture_playbook(&admin, "discovery-en.json").await;
    let first = meeting(&app, &seller, &playbook, "Discovery with Acme").await;
    let second = meeting(&app, &seller, &playbook, "Demo for Acme").await;

    let new = json!({"name": " Paolo Bianchi ", "company": "Acme Srl", "email": "Paolo.Bianchi@Acme.example", "phone": "+39 02 1234 5678", "meeting_id": first});
    let (status, lead) = app.call(Method::POST, "/leads", Some(&seller), Some(new.clone())).await;
    assert_eq!(status, 201, "{lead}");
    assert_eq!((lead["name"].as_str(), lead["email"].as_str()), (Some("Paolo Bianchi"), Some("paolo.bianchi@acme.example")));
    assert_eq!((lead["stage"].as_str(), lead["score"].as_u64()), (Some("new"), None));
    assert_eq!(lead["owner_id"], seller_user["id"], "a seller's lead is theirs");
    assert_eq!(lead["owner_name"], "sara");
    let id = lead["id"].as_str().unwrap().to_owned();

    // The same guest again (another meeting, the address typed differently): the same lead.
    let again = json!({"name": "Paolo B.", "email": "paolo.bianchi@acme.EXAMPLE", "meeting_id": second});
    let (status, same) = app.call(Method::POST, "/leads", Some(&seller), Some(again.clone())).await;
    assert_eq!(status, 200, "{same}");
    assert_eq!(same["id"], id.as_str());
    assert_eq!(same["name"], "Paolo Bianchi", "the first record's fields are kept");
    assert_eq!(same["meeting_ids"], json!([first, second]));
    let (status, repeated) = app.call(Method::POST, "/leads", Some(&seller), Some(again)).await;
    assert_eq!((status, repeated["meeting_ids"].as_array().unwrap().len()), (200, 2), "a repeated request changes nothing");

    // The BANT assessment: redacted evidence, score = points over 8.
    let bant = json!({
        "budget": {"score": 2, "evidence": "We set aside forty thousand, call me on 333 123 4567", "meeting_id": first},
        "authority": {"score": 1, "evidence": "I'd have to run it past our CFO"},
        "need": {"score": 2, "evidence": "Our reps lose two hours a day to notes"},
    });
    let (status, scored) =
        app.call(Method::PATCH, &format!("/leads/{id}"), Some(&seller), Some(json!({"bant": bant, "stage": "qualified"}))).await;
    assert_eq!(status, 200, "{scored}");
    assert_eq!((scored["stage"].as_str(), scored["score"].as_u64()), (Some("qualified"), Some(63)));
    let evidence = scored["bant"]["budget"]["evidence"].as_str().unwrap();
    assert!(evidence.starts_with("We set aside forty thousand") && !evidence.contains("4567"), "{evidence}");
    assert_eq!(scored["bant"]["timeline"], Value::Null);
    let stored: String = sqlx::query_scalar("SELECT bant::text FROM leads WHERE id = $1::uuid").bind(&id).fetch_one(&app.pg).await.unwrap();
    assert!(!stored.contains("4567"), "{stored}");

    // Bad input: a clear error on the field, nothing written.
    for (body, field) in [
        (json!({"bant": {"need": {"score": 3, "evidence": "x"}}}), "bant.need.score"),
        (json!({"phone": "call me maybe"}), "phone"),
        (json!({"email": "not-an-address", "stage": "won"}), "email"),
        (json!({"name": "  "}), "name"),
    ] {
        let (status, error) = app.call(Method::PATCH, &format!("/leads/{id}"), Some(&seller), Some(body)).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some(field)), "{error}");
    }
    let (status, bad_stage) = app.call(Method::PATCH, &format!("/leads/{id}"), Some(&seller), Some(json!({"stage": "maybe"}))).await;
    assert!((400..500).contains(&status), "{bad_stage}");
    let (_, unchanged) = app.call(Method::GET, &format!("/leads/{id}"), Some(&seller), None).await;
    assert_eq!((unchanged["stage"].as_str(), unchanged["score"].as_u64()), (Some("qualified"), Some(63)));
    for (body, field) in [
        (json!({"name": "X", "meeting_id": uuid::Uuid::new_v4()}), "meeting_id"),
        (json!({"name": "X", "phone": "12"}), "phone"),
        (json!({"name": "", "email": "a@b.example"}), "name"),
    ] {
        let (status, error) = app.call(Method::POST, "/leads", Some(&seller), Some(body)).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some(field)), "{error}");
    }
    let (_, all) = app.call(Method::GET, "/leads", Some(&admin), None).await;
    assert_eq!(ids(&all), [id.as_str()], "a refused lead leaves nothing behind");

    // The webhook outbox: created, a new meeting linked, the BANT change — not the repeated
    // request nor the refused ones — each the lead as the API returned it, valid per the schema.
    let events: Vec<Value> = sqlx::query_scalar(
        "SELECT payload FROM webhook_events WHERE organization_id = (SELECT organization_id FROM leads WHERE id = $1::uuid) ORDER BY created_at",
    )
    .bind(&id)
    .fetch_all(&app.pg)
    .await
    .unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["lead.created", "lead.updated", "lead.updated"]);
    assert_eq!(events[2]["data"], scored);
    let schema: Value =
        serde_json::from_slice(&std::fs::read(common::repo_root().join("backend/docs/webhook-payload.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for event in &events {
        let errors: Vec<String> = validator.iter_errors(event).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?} in {event}");
    }
}

#[tokio::test]
async fn sellers_see_their_own_and_unassigned_leads_and_may_only_claim() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("owners").await;
    let (manager, _) = app.add_user(&admin, &org, "manager", "marta").await;
    let (sara, sara_user) = app.add_user(&admin, &org, "seller", "sara").await;
    let (luca, luca_user) = app.add_user(&admin, &org, "seller", "luca").await;

    let create = |token: &str, body: Value| {
        let token = token.to_owned();
        let app = &app;
        async move {
            let (status, lead) = app.call(Method::POST, "/leads", Some(&token), Some(body)).await;
            assert_eq!(status, 201, "{lead}");
            lead["id"].as_str().unwrap().to_owned()
        }
    };
    let unassigned = create(&manager, json!({"name": "Inbound from the website", "email": "web@lead.example"})).await;
    let saras = create(&manager, json!({"name": "Sara's lead", "owner_id": sara_user["id"]})).await;
    let lucas = create(&luca, json!({"name": "Luca's lead"})).await;

    let (_, seen) = app.call(Method::GET, "/leads", Some(&sara), None).await;
    let mut seen = ids(&seen);
    seen.sort_unstable();
    let mut expected = vec![unassigned.as_str(), saras.as_str()];
    expected.sort_unstable();
    assert_eq!(seen, expected);
    let (_, everything) = app.call(Method::GET, "/leads", Some(&manager), None).await;
    assert_eq!(ids(&everything).len(), 3);

    // Another seller's lead does not exist for Sara, to read or to change.
    assert_eq!(app.call(Method::GET, &format!("/leads/{lucas}"), Some(&sara), None).await.0, 404);
    assert_eq!(app.call(Method::PATCH, &format!("/leads/{lucas}"), Some(&sara), Some(json!({"stage": "lost"}))).await.0, 404);
    // Nor may she take it, or hand leads to others.
    let (status, _) = app.call(Method::PATCH, &format!("/leads/{unassigned}"), Some(&sara), Some(json!({"owner_id": luca_user["id"]}))).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::POST, "/leads", Some(&sara), Some(json!({"name": "For Luca", "owner_id": luca_user["id"]}))).await;
    assert_eq!(status, 403);
    // Creating a lead whose e-mail is another seller's lead does not reveal or duplicate it.
    let (_, _) = app.call(Method::PATCH, &format!("/leads/{lucas}"), Some(&luca), Some(json!({"email": "mine@lead.example"}))).await;
    let (status, _) = app.call(Method::POST, "/leads", Some(&sara), Some(json!({"name": "Copy", "email": "mine@lead.example"}))).await;
    assert_eq!(status, 409);
    // Two leads cannot share an address.
    let (status, _) = app.call(Method::PATCH, &format!("/leads/{saras}"), Some(&sara), Some(json!({"email": "web@lead.example"}))).await;
    assert_eq!(status, 409);

    // She claims the unassigned lead; from then on Luca no longer sees it.
    let (status, claimed) = app.call(Method::PATCH, &format!("/leads/{unassigned}"), Some(&sara), Some(json!({"owner_id": sara_user["id"]}))).await;
    assert_eq!((status, claimed["owner_name"].as_str()), (200, Some("sara")), "{claimed}");
    assert_eq!(app.call(Method::GET, &format!("/leads/{unassigned}"), Some(&luca), None).await.0, 404);
    // A manager reassigns it.
    let (status, moved) =
        app.call(Method::PATCH, &format!("/leads/{unassigned}"), Some(&manager), Some(json!({"owner_id": luca_user["id"], "stage": "handed_off"}))).await;
    assert_eq!((status, moved["owner_name"].as_str(), moved["stage"].as_str()), (200, Some("luca"), Some("handed_off")), "{moved}");

    // Another organization sees none of them.
    let (other_admin, _) = app.sign_up("elsewhere").await;
    let (_, theirs) = app.call(Method::GET, "/leads", Some(&other_admin), None).await;
    assert_eq!(theirs, json!([]));
    assert_eq!(app.call(Method::GET, &format!("/leads/{saras}"), Some(&other_admin), None).await.0, 404);
    let (status, error) = app.call(Method::PATCH, &format!("/leads/{saras}"), Some(&admin), Some(json!({"owner_id": uuid::Uuid::new_v4()}))).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("owner_id")), "{error}");
    assert_eq!(app.call(Method::GET, "/leads", None, None).await.0, 401);
}
