//! AI agents (`/api/agents`, `/api/meetings/{id}/agent`) against the real PostgreSQL: a manager
//! sets one up, sellers read it, a meeting is assigned to it and its script greets the guest,
//! bad input is refused field by field, and another organization sees none of it.

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

fn italian_agent(owner: &Value) -> Value {
    json!({
        "name": "Giulia",
        "language": "it",
        "persona": "Cordiale, concisa, non inventa prezzi.",
        "greeting": "Buongiorno {guest}, sono Giulia di Acme. Le faccio tre domande veloci.",
        "questions": [
            {"text": "Che budget avete previsto per questo progetto?", "criterion": "budget"},
            {"text": "Chi altro partecipa alla decisione?", "criterion": "authority"},
            {"text": "Come vi siete trovati con il fornitore attuale?", "criterion": null}
        ],
        "closing": "Grazie, un consulente la richiamerà questa settimana.",
        "handoff_owner_id": owner["id"],
        "qualify_score": 60
    })
}

#[tokio::test]
async fn a_manager_sets_up_an_agent_that_runs_a_meeting() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let (admin, org) = app.sign_up("agents").await;
    let (manager, _) = app.add_user(&admin, &org, "manager", "marta").await;
    let (seller, seller_user) = app.add_user(&admin, &org, "seller", "sara").await;

    let (status, _) = app.call(Method::POST, "/agents", Some(&seller), Some(italian_agent(&seller_user))).await;
    assert_eq!(status, 403, "sellers do not configure agents");
    let (status, agent) = app.call(Method::POST, "/agents", Some(&manager), Some(italian_agent(&seller_user))).await;
    assert_eq!(status, 201, "{agent}");
    let id = agent["id"].as_str().unwrap().to_owned();
    assert_eq!(agent["questions"][0], json!({"text": "Che budget avete previsto per questo progetto?", "criterion": "budget"}));
    assert_eq!((agent["qualify_score"].as_u64(), agent["handoff_owner_id"].as_str()), (Some(60), seller_user["id"].as_str()));

    let (status, listed) = app.call(Method::GET, "/agents", Some(&seller), None).await;
    assert_eq!((status, listed.as_array().unwrap().len()), (200, 1), "{listed}");

    // Bad input: one clear error on its field, nothing changed.
    for (change, field) in [
        (json!({"language": "fr"}), "language"),
        (json!({"questions": []}), "questions"),
        (json!({"questions": [{"text": "  "}]}), "questions[0].text"),
        (json!({"qualify_score": 101}), "qualify_score"),
        (json!({"greeting": ""}), "greeting"),
        (json!({"handoff_owner_id": uuid::Uuid::new_v4()}), "handoff_owner_id"),
    ] {
        let mut body = italian_agent(&seller_user);
        body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let (status, error) = app.call(Method::PUT, &format!("/agents/{id}"), Some(&manager), Some(body)).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some(field)), "{error}");
    }
    let (_, unchanged) = app.call(Method::GET, &format!("/agents/{id}"), Some(&seller), None).await;
    assert_eq!(unchanged, agent);

    let mut renamed = italian_agent(&seller_user);
    renamed["name"] = json!("Giulia 2");
    let (status, replaced) = app.call(Method::PUT, &format!("/agents/{id}"), Some(&manager), Some(renamed)).await;
    assert_eq!((status, replaced["name"].as_str()), (200, Some("Giulia 2")), "{replaced}");

    // The seller's meeting is assigned to the agent; its script greets the guest by name.
    let playbook = app.import_fixture_playbook(&admin, "primo-contatto-it.json").await;
    let (_, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Qualifica Rossi", "playbook_id": playbook}))).await;
    let meeting = meeting["id"].as_str().unwrap().to_owned();
    let path = format!("/meetings/{meeting}/agent");
    assert_eq!(app.call(Method::GET, &path, Some(&seller), None).await.1, json!({"agent_id": null}));
    let (status, error) = app.call(Method::PUT, &path, Some(&seller), Some(json!({"agent_id": uuid::Uuid::new_v4()}))).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("agent_id")), "{error}");
    let (status, _) = app.call(Method::PUT, &path, Some(&seller), Some(json!({"agent_id": id}))).await;
    assert_eq!(status, 200);
    assert_eq!(app.call(Method::GET, &path, Some(&manager), None).await.1, json!({"agent_id": id}));

    let org_id = uuid::Uuid::parse_str(seller_user["organization_id"].as_str().unwrap()).unwrap();
    let meeting_id = uuid::Uuid::parse_str(&meeting).unwrap();
    let assigned = closer::ai_agents::of_meeting(&app.pg, org_id, meeting_id).await.unwrap().expect("assigned");
    let stored = closer::ai_agents::get(&app.pg, org_id, assigned).await.unwrap().unwrap();
    let script = closer::agent::conversation::Script::of(&stored, Some("Paolo Rossi"));
    assert_eq!(script.greeting, "Buongiorno Paolo, sono Giulia di Acme. Le faccio tre domande veloci.");
    let criteria: Vec<_> = script.questions.iter().map(|q| q.criterion).collect();
    assert_eq!(criteria, [Some(closer_wire::BantCriterion::Budget), Some(closer_wire::BantCriterion::Authority), None]);

    // Another organization: nothing to see or assign.
    let (other, _) = app.sign_up("elsewhere").await;
    assert_eq!(app.call(Method::GET, &format!("/agents/{id}"), Some(&other), None).await.0, 404);
    assert_eq!(app.call(Method::GET, "/agents", Some(&other), None).await.1, json!([]));
    assert_eq!(app.call(Method::PUT, &path, Some(&other), Some(json!({"agent_id": null}))).await.0, 404);

    // Deleting the agent hands the meeting back to its host.
    assert_eq!(app.call(Method::DELETE, &format!("/agents/{id}"), Some(&seller), None).await.0, 403);
    assert_eq!(app.call(Method::DELETE, &format!("/agents/{id}"), Some(&manager), None).await.0, 204);
    assert_eq!(app.call(Method::GET, &path, Some(&seller), None).await.1, json!({"agent_id": null}));
    assert_eq!(app.call(Method::DELETE, &format!("/agents/{id}"), Some(&manager), None).await.0, 404);
}
