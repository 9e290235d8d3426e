//! What an AI agent's call leaves behind (#17), against the real PostgreSQL and a real SMTP
//! server: the guest's lead with the call's BANT, handed to the agent's seller, the summary
//! e-mailed to the lead and to that seller in the agent's language, the CRM webhook events.

mod common;

use closer::leads::Contact;
use closer::leads::after_call::{self, CallOutcome, Told};
use closer_wire::{Bant, BantScore, LeadStage};
use common::TestApp;
use common::smtp::SmtpServer;
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

fn criterion(score: u8, evidence: &str, meeting: Uuid) -> Option<BantScore> {
    Some(BantScore { score, evidence: evidence.into(), meeting_id: Some(meeting) })
}

#[tokio::test]
async fn a_qualified_guest_becomes_the_sellers_lead_and_both_get_the_summary() {
    let smtp = SmtpServer::start();
    let app = TestApp::mailing_to(&smtp).await;
    let (admin, org) = app.sign_up("aftercall").await;
    let (seller, sara) = app.add_user(&admin, &org, "seller", "sara").await;
    let agent = json!({
        "name": "Giulia", "language": "it", "greeting": "Buongiorno {guest}.",
        "questions": [{"text": "Che budget avete previsto?", "criterion": "budget"}],
        "closing": "Grazie.", "handoff_owner_id": sara["id"], "qualify_score": 60
    });
    let (status, agent) = app.call(Method::POST, "/agents", Some(&admin), Some(agent)).await;
    assert_eq!(status, 201, "{agent}");
    let agent: closer_wire::AiAgent = serde_json::from_value(agent).unwrap();
    let playbook = app.import_fixture_playbook(&admin, "primo-contatto-it.json").await;
    let (_, meeting) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Qualifica", "playbook_id": playbook}))).await;
    let meeting = Uuid::parse_str(meeting["id"].as_str().unwrap()).unwrap();
    let org_id = Uuid::parse_str(sara["organization_id"].as_str().unwrap()).unwrap();

    let bant = Bant {
        budget: criterion(2, "Abbiamo circa ventimila euro per questo progetto.", meeting),
        authority: criterion(2, "Decido io insieme al direttore finanziario.", meeting),
        need: None,
        timeline: criterion(1, "Forse in primavera, dipende.", meeting),
    };
    let guest = Contact { name: "Paolo Bianchi".into(), company: "Bianchi Srl".into(), email: Some("paolo@bianchi.example".into()), phone: None };
    let asked = vec!["Fate sconti alle associazioni? Mi richiami al 347 123 4567.".to_owned()];
    let outcome = CallOutcome { meeting, agent: &agent, guest, bant: bant.clone(), taken_over_by: None, open_questions: asked, by_phone: false, call_back: None, asked_for_seller: false, told: Told::default() };
    let lead = after_call::record(&app.state.pg, &app.state.mailer, &app.state.config.public_base_url, org_id, outcome).await.expect("recorded");
    // 2 + 2 + 0 + 1 = 5 of 8 = 63 ≥ the agent's 60: qualified and handed to Sara.
    assert_eq!((lead.stage, lead.score, lead.owner_name.as_deref()), (LeadStage::HandedOff, Some(63), Some("sara")));
    assert_eq!((lead.bant.clone(), lead.meeting_ids.clone()), (bant.clone(), vec![meeting]));

    // Sara sees it in her leads.
    let (_, leads) = app.call(Method::GET, "/leads", Some(&seller), None).await;
    assert_eq!(leads[0]["id"], lead.id.to_string());

    // The two summaries, in the agent's language.
    let mut mails = [smtp.message(1).await, smtp.message(2).await];
    mails.sort_by_key(|m| m["to"].as_str().unwrap().contains("sara"));
    let (to_lead, to_seller) = (&mails[0], &mails[1]);
    assert!(to_lead["to"].as_str().unwrap().contains("paolo@bianchi.example"), "{to_lead}");
    assert_eq!(to_lead["subject"], "Grazie per il suo tempo, Paolo");
    let text = to_lead["text"].as_str().unwrap();
    assert!(text.contains("con Giulia di Org aftercall") && text.contains("sara la contatterà a breve"), "{text}");
    assert!(text.contains("- Budget: “Abbiamo circa ventimila euro per questo progetto.”"), "{text}");
    assert!(to_seller["to"].as_str().unwrap().contains(&format!("sara@{org}.example.com")), "{to_seller}");
    assert_eq!(to_seller["subject"], "Nuovo lead da Giulia: Paolo Bianchi (BANT 63/100)");
    let text = to_seller["text"].as_str().unwrap();
    assert!(text.contains("Bianchi Srl · paolo@bianchi.example") && text.contains("- Tempi: incerto — “Forse in primavera, dipende.”"), "{text}");
    assert!(text.contains("http://closer.test/console/leads"), "{text}");
    assert!(
        text.contains("Domande a cui l'agente ha promesso una risposta:\n- “Fate sconti alle associazioni? Mi richiami al [phone].”"),
        "the seller learns what the agent promised an answer to, without the guest's number: {text}"
    );
    assert_eq!(smtp.count(), 2);

    // The CRM hears of the new lead and of the call's assessment.
    let types: Vec<String> = sqlx::query_scalar("SELECT event_type FROM webhook_events WHERE organization_id = $1 ORDER BY created_at")
        .bind(org_id)
        .fetch_all(&app.pg)
        .await
        .unwrap();
    assert_eq!(types, ["lead.created", "lead.updated"]);

    // The same guest again, below the bar: the same lead, both meetings, disqualified, still Sara's.
    let (_, second) = app.call(Method::POST, "/meetings", Some(&seller), Some(json!({"title": "Richiamata", "playbook_id": playbook}))).await;
    let second = Uuid::parse_str(second["id"].as_str().unwrap()).unwrap();
    let weak = Bant { budget: criterion(0, "Quest'anno niente budget.", second), ..Bant::default() };
    let guest = Contact { name: "Paolo Bianchi".into(), email: Some("paolo@bianchi.example".into()), ..Contact::default() };
    let again = after_call::record(&app.state.pg, &app.state.mailer, &app.state.config.public_base_url, org_id, CallOutcome { meeting: second, agent: &agent, guest, bant: weak, taken_over_by: None, open_questions: Vec::new(), by_phone: false, call_back: None, asked_for_seller: false, told: Told::default() }).await.unwrap();
    assert_eq!((again.id, again.stage, again.owner_name.as_deref()), (lead.id, LeadStage::Disqualified, Some("sara")));
    assert_eq!(again.meeting_ids, [meeting, second]);
    let text = smtp.message(3).await["text"].as_str().unwrap().to_owned();
    assert!(text.contains("Se in futuro potremo esserle utili"), "{text}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 3, "the seller is written to only when a lead is handed to them");

    // The same guest on Sara's phone line, below the bar: Sara hears of the call all the same,
    // with the link to its meeting and that the caller asked for her; above it, the hand-off's
    // e-mail is her only one.
    let (app, seller, agent, playbook) = (&app, &seller, &agent, &playbook);
    let record_call = |bant: Bant| async move {
        let (_, called) = app.call(Method::POST, "/meetings", Some(seller), Some(json!({"title": "Telefonata", "playbook_id": playbook}))).await;
        let called = Uuid::parse_str(called["id"].as_str().unwrap()).unwrap();
        let guest = Contact { name: "Paolo Bianchi".into(), email: Some("paolo@bianchi.example".into()), ..Contact::default() };
        let outcome = CallOutcome { meeting: called, agent, guest, bant, taken_over_by: None, open_questions: Vec::new(), by_phone: true, call_back: None, asked_for_seller: true, told: Told::default() };
        (called, after_call::record(&app.state.pg, &app.state.mailer, &app.state.config.public_base_url, org_id, outcome).await.unwrap())
    };
    let (called, lead) = record_call(Bant { budget: criterion(0, "Quest'anno niente budget.", Uuid::nil()), ..Bant::default() }).await;
    assert_eq!(lead.stage, LeadStage::Disqualified);
    let mut mails = [smtp.message(4).await, smtp.message(5).await];
    mails.sort_by_key(|m| m["to"].as_str().unwrap().contains("sara"));
    assert!(mails[0]["to"].as_str().unwrap().contains("paolo@bianchi.example"), "{}", mails[0]);
    let to_seller = &mails[1];
    assert!(to_seller["to"].as_str().unwrap().contains(&format!("sara@{org}.example.com")), "{to_seller}");
    assert_eq!(to_seller["subject"], "Chiamata sulla tua linea: Paolo Bianchi (non qualificato)");
    let text = to_seller["text"].as_str().unwrap();
    assert!(text.starts_with("Giulia ha risposto a una chiamata di Paolo Bianchi (Bianchi Srl · paolo@bianchi.example): non qualificato, punteggio BANT 0/100."), "{text}");
    assert!(text.contains("- Budget: no — “Quest'anno niente budget.”"), "{text}");
    assert!(text.contains("Paolo ha chiesto di parlare con te durante la chiamata"), "{text}");
    assert!(text.contains(&format!("http://closer.test/console/meetings/{called}")), "{text}");
    let (_, lead) = record_call(bant.clone()).await;
    assert_eq!(lead.stage, LeadStage::HandedOff);
    let mut mails = [smtp.message(6).await, smtp.message(7).await];
    mails.sort_by_key(|m| m["to"].as_str().unwrap().contains("sara"));
    assert_eq!(mails[1]["subject"], "Nuovo lead da Giulia: Paolo Bianchi (BANT 63/100)");
    assert!(mails[1]["text"].as_str().unwrap().contains("Paolo ha chiesto di parlare con te"), "{}", mails[1]);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 7, "the seller the lead is handed to gets one e-mail of the call, not two");
}
