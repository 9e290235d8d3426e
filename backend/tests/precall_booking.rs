//! Availability, slots and booking over HTTP against the real PostgreSQL: DST-correct slots
//! (Europe/Rome and America/New_York), the concurrent-booking race decided by the database,
//! and the confirmation e-mail with a valid `.ics` received by a real SMTP server (aiosmtpd).

mod common;

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use common::TestApp;
use common::smtp::SmtpServer;
use reqwest::Method;
use serde_json::{Value, json};

/// A seller with a 60-minute meeting type `demo` and availability every day 09:00–11:00 in
/// `tz`.
struct Seller {
    /// Their booking page's slug.
    slug: String,
    /// The seller's access token.
    token: String,
    /// Their organization's admin's access token.
    admin: String,
}

async fn seller(app: &TestApp, tz: &str, buffer_minutes: u32) -> Seller {
    let (admin, org) = app.sign_up("book").await;
    let (seller, user) = app.add_user(&admin, &org, "seller", "sam").await;
    let playbook = app.import_fixture_playbook(&admin, "primo-contatto-it.json").await;
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let availability = json!({
        "time_zone": tz,
        "weekly": days.iter().map(|d| json!({"weekday": d, "start": "09:00:00", "end": "11:00:00"})).collect::<Vec<_>>(),
        "exceptions": [],
        "buffer_minutes": buffer_minutes,
        "min_notice_minutes": 0,
        "horizon_days": 365,
        "intro": "I help Italian manufacturers sell abroad.",
    });
    let (status, body) = app.call(Method::PUT, "/availability", Some(&seller), Some(availability.clone())).await;
    assert_eq!(body["intro"], "I help Italian manufacturers sell abroad.");
    let mut wordy = availability;
    wordy["intro"] = json!("x".repeat(501));
    let (too_long, answer) = app.call(Method::PUT, "/availability", Some(&seller), Some(wordy)).await;
    assert_eq!((too_long, answer["error"]["field"].as_str()), (422, Some("intro")), "{answer}");
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .call(Method::POST, "/meeting-types", Some(&seller), Some(json!({"slug": "demo", "title": "Demo", "duration_minutes": 60, "playbook_id": playbook,
            "description": "A live tour of the product on your own data."})))
        .await;
    assert_eq!(status, 201, "{body}");
    Seller { slug: user["slug"].as_str().unwrap().to_owned(), token: seller, admin }
}

/// The first date after tomorrow on which `tz`'s UTC offset differs from the day before.
fn next_transition(tz: Tz) -> NaiveDate {
    let offset = |d: NaiveDate| tz.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap()).offset().fix();
    let start = Utc::now().date_naive() + Duration::days(2);
    (0..400)
        .map(|i| start + Duration::days(i))
        .find(|d| offset(*d) != offset(*d - Duration::days(1)))
        .expect("a DST change within 400 days")
}

async fn slots(app: &TestApp, slug: &str, from: NaiveDate, to: NaiveDate, tz: &str) -> Vec<Value> {
    let (status, body) = app
        .call(Method::GET, &format!("/book/{slug}/slots?meeting_type=demo&from={from}&to={to}&time_zone={tz}"), None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

/// Over a week crossing `seller_tz`'s next DST change, every day has slots at 09:00 and 10:00
/// seller time; their UTC instants move by an hour across the change; `local_start` is the
/// same instant written in the prospect's zone with that zone's offset.
async fn check_dst_week(seller_tz: Tz, prospect_tz: Tz) {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let slug = seller(&app, seller_tz.name(), 0).await.slug;
    let change = next_transition(seller_tz);
    // The prospect's calendar days; pick a range that covers the seller's week on both sides.
    let (from, to) = (change - Duration::days(3), change + Duration::days(3));
    let slots = slots(&app, &slug, from, to, prospect_tz.name()).await;
    let mut by_day = std::collections::BTreeMap::<NaiveDate, Vec<String>>::new();
    for slot in &slots {
        let start: DateTime<Utc> = slot["start"].as_str().unwrap().parse().unwrap();
        let end: DateTime<Utc> = slot["end"].as_str().unwrap().parse().unwrap();
        assert_eq!(end - start, Duration::minutes(60));
        let local = DateTime::parse_from_rfc3339(slot["local_start"].as_str().unwrap()).unwrap();
        assert_eq!(local.to_utc(), start, "local_start is the same instant");
        assert_eq!(*local.offset(), prospect_tz.offset_from_utc_datetime(&start.naive_utc()).fix(), "prospect's offset");
        let seller_local = start.with_timezone(&seller_tz);
        by_day.entry(seller_local.date_naive()).or_default().push(seller_local.format("%H:%M").to_string());
    }
    for day in (-2..=2).map(|i| change + Duration::days(i)) {
        assert_eq!(by_day.get(&day).map(Vec::as_slice), Some(&["09:00".to_owned(), "10:00".to_owned()][..]), "{day}: {by_day:?}");
    }
    let utc_hour = |day: NaiveDate| {
        slots
            .iter()
            .map(|s| s["start"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap())
            .find(|t| t.with_timezone(&seller_tz).date_naive() == day)
            .unwrap()
            .naive_utc()
            .time()
    };
    let before = utc_hour(change - Duration::days(1));
    let after = utc_hour(change + Duration::days(1));
    assert_eq!((before - after).num_minutes().abs(), 60, "09:00 local moves by one hour in UTC: {before} vs {after}");
}

#[tokio::test]
async fn slots_follow_wall_clock_across_dst_in_rome() {
    check_dst_week(chrono_tz::Europe::Rome, chrono_tz::America::New_York).await;
}

#[tokio::test]
async fn slots_follow_wall_clock_across_dst_in_new_york() {
    check_dst_week(chrono_tz::America::New_York, chrono_tz::Europe::Rome).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_bookings_of_one_slot_make_exactly_one_meeting() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let slug = seller(&app, "Europe/Rome", 15).await.slug;
    let day = Utc::now().date_naive() + Duration::days(7);
    let slot = slots(&app, &slug, day, day, "Europe/Rome").await[0]["start"].as_str().unwrap().to_owned();

    let attempts = (0..50).map(|i| {
        let client = app.client.clone();
        let url = app.url(&format!("/book/{slug}"));
        let body = json!({"meeting_type": "demo", "start": slot, "name": format!("Prospect {i}"),
            "email": format!("p{i}@example.com"), "company": "Acme", "time_zone": "Europe/Rome"});
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
    });
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");

    let seller: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE slug = $1").bind(&slug).fetch_one(&app.pg).await.unwrap();
    let meetings: i64 = sqlx::query_scalar("SELECT count(*) FROM meetings WHERE host_id = $1 AND status <> 'cancelled'")
        .bind(seller)
        .fetch_one(&app.pg)
        .await
        .unwrap();
    assert_eq!(meetings, 1);
    let left = slots(&app, &slug, day, day, "Europe/Rome").await;
    assert!(left.iter().all(|s| s["start"] != json!(slot)), "{left:?}");

    // The database itself refuses an overlapping confirmed booking, whatever the application
    // checked before (exclusion constraint), so the race cannot be lost by a code change.
    let (org, kind): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT organization_id, meeting_type_id FROM bookings WHERE seller_id = $1")
            .bind(seller)
            .fetch_one(&app.pg)
            .await
            .unwrap();
    let start: DateTime<Utc> = slot.parse().unwrap();
    let meeting: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (organization_id, host_id, playbook_id, title, starts_at, ends_at)
         SELECT organization_id, $1, playbook_id, 'direct', $2, $3 FROM meeting_types WHERE id = $4 RETURNING id",
    )
    .bind(seller)
    .bind(start + Duration::minutes(30))
    .bind(start + Duration::minutes(90))
    .bind(kind)
    .fetch_one(&app.pg)
    .await
    .unwrap();
    let overlap = sqlx::query(
        "INSERT INTO bookings (organization_id, seller_id, meeting_type_id, meeting_id, slot, guest_name, guest_email,
             guest_company, guest_time_zone, manage_token_hash)
         VALUES ($1, $2, $3, $4, tstzrange($5, $6), 'x', 'x@example.com', 'x', 'UTC', gen_random_uuid()::text::bytea)",
    )
    .bind(org)
    .bind(seller)
    .bind(kind)
    .bind(meeting)
    .bind(start + Duration::minutes(30))
    .bind(start + Duration::minutes(90))
    .execute(&app.pg)
    .await
    .unwrap_err();
    let code = overlap.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("23P01"), "{overlap}");
}

fn same_instant(a: &Value, b: &Value) -> bool {
    let parse = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc();
    parse(a) == parse(b)
}

#[tokio::test]
async fn booking_e_mails_a_valid_invitation_and_manage_links_work() {
    let smtp = SmtpServer::start();
    let app = TestApp::start(|c| {
        c.login_rate_per_minute = 1000;
        c.smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    })
    .await;
    let slug = seller(&app, "Europe/Rome", 0).await.slug;
    let day = Utc::now().date_naive() + Duration::days(10);
    let free = slots(&app, &slug, day, day, "America/New_York").await;
    let (first, second) = (free[0]["start"].clone(), free[1]["start"].clone());

    let (status, booking) = app
        .call(Method::POST, &format!("/book/{slug}"), None, Some(json!({"meeting_type": "demo", "start": first,
            "name": "Giulia Verdi", "email": "Giulia@Example.com", "company": "Verdi SpA", "time_zone": "America/New_York"})))
        .await;
    assert_eq!(status, 201, "{booking}");
    let meeting_url = booking["meeting_url"].as_str().unwrap();
    let meeting_id = booking["meeting_id"].as_str().unwrap();
    assert!(meeting_url.ends_with(&format!("/meet/{meeting_id}")));
    assert_eq!(uuid::Uuid::parse_str(meeting_id).unwrap().get_version_num(), 4, "unguessable link");
    let token = booking["manage_token"].as_str().unwrap().to_owned();

    let mail = smtp.message(1).await;
    assert!(mail["subject"].as_str().unwrap().starts_with("Confirmed: Demo with sam"), "{mail}");
    assert!(mail["to"].as_str().unwrap().contains("giulia@example.com"), "{mail}");
    assert!(mail["text"].as_str().unwrap().contains(meeting_url), "{mail}");
    assert!(mail["text"].as_str().unwrap().contains(&token), "manage link in the e-mail: {mail}");
    let ics = &mail["ics"];
    assert_eq!(ics["method"], "REQUEST");
    assert_eq!(ics["status"], "CONFIRMED");
    assert_eq!(ics["sequence"], 0);
    assert_eq!(ics["filename"], "invite.ics");
    assert!(same_instant(&ics["start"], &first), "{ics} vs {first}");
    assert!(same_instant(&ics["end"], &booking["end"]));
    assert_eq!(ics["url"], meeting_url);
    assert_eq!(ics["attendee"], "mailto:giulia@example.com");
    // The seller hears of it in the language of the meeting type's (Italian) playbook, at the
    // time of their own zone (Europe/Rome), with the meeting's console link.
    let notice = smtp.message(2).await;
    let seller_email = notice["to"].as_str().unwrap().to_owned();
    assert!(seller_email.contains("sam"), "{notice}");
    let rome: DateTime<Utc> = first.as_str().unwrap().parse().unwrap();
    let rome = rome.with_timezone(&chrono_tz::Europe::Rome).format("%H:%M").to_string();
    let subject = notice["subject"].as_str().unwrap();
    assert!(subject.starts_with("Nuova prenotazione: Demo con Giulia Verdi (Verdi SpA)") && subject.contains(&rome), "{notice}");
    assert!(notice["text"].as_str().unwrap().contains(&format!("/console/meetings/{meeting_id}")), "{notice}");

    // The public meeting page and the booking via its manage link.
    let (status, public) = app.call(Method::GET, &format!("/meetings/{meeting_id}/public"), None, None).await;
    assert_eq!((status, public["status"].as_str()), (200, Some("scheduled")), "{public}");
    let (status, got) = app.call(Method::GET, &format!("/bookings/{token}"), None, None).await;
    assert_eq!((status, got["status"].as_str()), (200, Some("confirmed")));
    assert!(got.get("manage_token").is_none());

    // The manage link lists the times the booking may move to, its own among them.
    let movable = format!("/bookings/{token}/slots?from={day}&to={day}&time_zone=America/New_York");
    let (status, choices) = app.call(Method::GET, &movable, None, None).await;
    assert_eq!(status, 200, "{choices}");
    let choices: Vec<Value> = choices.as_array().unwrap().clone();
    assert!(choices.iter().any(|s| s["start"] == first) && choices.iter().any(|s| s["start"] == second), "{choices:?}");
    assert_eq!(choices.len(), free.len(), "the same times the booking page offered");

    // Reschedule to the second slot: same meeting, new time, updated invitation.
    let (status, moved) = app.call(Method::POST, &format!("/bookings/{token}/reschedule"), None, Some(json!({"start": second}))).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["meeting_id"].as_str(), Some(meeting_id));
    let mail = smtp.message(3).await;
    assert!(mail["subject"].as_str().unwrap().starts_with("Rescheduled: Demo with sam"), "{mail}");
    assert_eq!(mail["ics"]["sequence"], 1);
    assert_eq!(mail["ics"]["uid"], ics["uid"], "same event, updated");
    assert!(same_instant(&mail["ics"]["start"], &second));
    let left = slots(&app, &slug, day, day, "America/New_York").await;
    assert!(left.iter().any(|s| s["start"] == first), "old slot is free again");
    assert!(left.iter().all(|s| s["start"] != second), "new slot is taken");
    let notice = smtp.message(4).await;
    assert!(notice["subject"].as_str().unwrap().starts_with("Spostato: Demo con Giulia Verdi"), "{notice}");

    // Cancel: meeting cancelled, slot freed, cancellation e-mailed; joining is refused (410).
    let (status, cancelled) = app.call(Method::POST, &format!("/bookings/{token}/cancel"), None, None).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")), "{cancelled}");
    let mail = smtp.message(5).await;
    assert_eq!((mail["ics"]["method"].as_str(), mail["ics"]["status"].as_str()), (Some("CANCEL"), Some("CANCELLED")));
    assert!(!mail["text"].as_str().unwrap().contains(&token), "no reschedule link once cancelled: {mail}");
    let notice = smtp.message(6).await;
    assert_eq!(notice["to"].as_str(), Some(seller_email.as_str()));
    assert!(notice["subject"].as_str().unwrap().starts_with("Annullato: Demo con Giulia Verdi"), "{notice}");
    let (status, again) = app.call(Method::POST, &format!("/bookings/{token}/cancel"), None, None).await;
    assert_eq!(status, 410, "{again}");
    let (status, _) = app.call(Method::GET, &movable, None, None).await;
    assert_eq!(status, 410, "a cancelled booking moves nowhere");
    let left = slots(&app, &slug, day, day, "America/New_York").await;
    assert!(left.iter().any(|s| s["start"] == second));
    let (status, body) = app
        .call(Method::POST, &format!("/meetings/{meeting_id}/join"), None, Some(json!({"display_name": "Giulia", "ai_consent": "accepted"})))
        .await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["error"]["message"], "This meeting was cancelled.");

    // A prospect who books in Italian reads Italian.
    let (status, booking) = app
        .call(Method::POST, &format!("/book/{slug}"), None, Some(json!({"meeting_type": "demo", "start": first,
            "name": "Luca Bianchi", "email": "luca@example.com", "company": "Bianchi Srl", "time_zone": "Europe/Rome", "language": "it"})))
        .await;
    assert_eq!(status, 201, "{booking}");
    let mail = smtp.message(7).await;
    assert_eq!(mail["to"].as_str().map(|to| to.contains("luca@example.com")), Some(true), "{mail}");
    assert!(mail["subject"].as_str().unwrap().starts_with("Confermato: Demo con sam"), "{mail}");
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("Partecipa: ") && text.contains("Sposta o annulla: "), "{text}");

    // Unknown manage token and unknown seller: 404 with a message.
    let (status, _) = app.call(Method::GET, "/bookings/not-a-token", None, None).await;
    assert_eq!(status, 404);
    let (status, body) = app.call(Method::GET, "/book/no-such-seller-anywhere", None, None).await;
    assert_eq!(status, 404);
    assert!(body["error"]["message"].as_str().unwrap().contains("booking page"));
}

#[tokio::test]
async fn booking_rejects_bad_fields_and_unoffered_times() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let slug = seller(&app, "Europe/Rome", 0).await.slug;
    let day = Utc::now().date_naive() + Duration::days(5);
    let free = slots(&app, &slug, day, day, "Europe/Rome").await;
    let good = json!({"meeting_type": "demo", "start": free[0]["start"], "name": "Ada", "email": "ada@example.com",
        "company": "Acme", "time_zone": "Europe/Rome"});
    for (field, value) in [
        ("name", json!("  ")),
        ("email", json!("not-an-email")),
        ("company", json!("")),
        ("time_zone", json!("Mars/Olympus")),
        ("meeting_type", json!("nope")),
        ("language", json!("fr")),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let (status, answer) = app.call(Method::POST, &format!("/book/{slug}"), None, Some(body)).await;
        assert_eq!((status, answer["error"]["field"].as_str()), (422, Some(field)), "{answer}");
    }
    // 09:30 is not a slot start (slots are on the hour).
    let mut off_grid = good.clone();
    let start: DateTime<Utc> = free[0]["start"].as_str().unwrap().parse().unwrap();
    off_grid["start"] = json!(start + Duration::minutes(30));
    let (status, _) = app.call(Method::POST, &format!("/book/{slug}"), None, Some(off_grid)).await;
    assert_eq!(status, 409);
    let (status, body) = app
        .call(Method::GET, &format!("/book/{slug}/slots?meeting_type=demo&from={day}&to={}&time_zone=UTC", day + Duration::days(90)), None, None)
        .await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("to")), "{body}");
    let (status, body) = app.call(Method::GET, &format!("/book/{slug}/slots?meeting_type=demo&from=yesterday&to={day}&time_zone=UTC"), None, None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("query")), "{body}");
    // The booking page lists the meeting type.
    let (status, page) = app.call(Method::GET, &format!("/book/{slug}"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(page["meeting_types"][0]["slug"], "demo");
    assert_eq!(page["meeting_types"][0]["description"], "A live tour of the product on your own data.");
    assert_eq!(page["seller_intro"], "I help Italian manufacturers sell abroad.");
    assert_eq!(page["time_zone"], "Europe/Rome");
}

/// A meeting type run by an AI agent: the booking page names the agent, a meeting booked on it
/// is the agent's to run, and a prospect may talk to the agent now instead (a meeting starting
/// at once, the prospect its lead); an agent of another organization is refused, and a type
/// without one stays the seller's.
#[tokio::test]
async fn a_meeting_type_run_by_an_ai_agent_books_meetings_the_agent_runs() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let sam = seller(&app, "Europe/Rome", 0).await;
    let agent = json!({"name": "Giulia", "language": "it", "greeting": "Buongiorno {guest}.",
        "questions": [{"text": "Che budget avete previsto?", "criterion": "budget"}], "closing": "Grazie."});
    let (status, giulia) = app.call(Method::POST, "/agents", Some(&sam.admin), Some(agent.clone())).await;
    assert_eq!(status, 201, "{giulia}");
    let (other_admin, _) = app.sign_up("book-other").await;
    let (_, foreign) = app.call(Method::POST, "/agents", Some(&other_admin), Some(agent)).await;

    let (_, types) = app.call(Method::GET, "/meeting-types", Some(&sam.token), None).await;
    let mut demo = types[0].clone();
    assert_eq!(demo["ai_agent_id"], Value::Null, "a type is the seller's until given an agent");
    let id = demo["id"].as_str().unwrap().to_owned();
    demo["ai_agent_id"] = foreign["id"].clone();
    let (status, refused) = app.call(Method::PUT, &format!("/meeting-types/{id}"), Some(&sam.token), Some(demo.clone())).await;
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("ai_agent_id")), "{refused}");
    demo["ai_agent_id"] = giulia["id"].clone();
    let (status, updated) = app.call(Method::PUT, &format!("/meeting-types/{id}"), Some(&sam.token), Some(demo)).await;
    assert_eq!((status, &updated["ai_agent_id"]), (200, &giulia["id"]), "{updated}");

    let (status, page) = app.call(Method::GET, &format!("/book/{}", sam.slug), None, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["meeting_types"][0]["ai_agent_name"], "Giulia", "the prospect sees whom they will talk to");

    let day = Utc::now().date_naive() + Duration::days(7);
    let slot = slots(&app, &sam.slug, day, day, "Europe/Rome").await[0]["start"].clone();
    let booking = json!({"meeting_type": "demo", "start": slot, "name": "Paolo Bianchi", "email": "paolo@bianchi.example",
        "company": "Bianchi Srl", "time_zone": "Europe/Rome"});
    let (status, booked) = app.call(Method::POST, &format!("/book/{}", sam.slug), None, Some(booking)).await;
    assert_eq!(status, 201, "{booked}");
    let meeting = booked["meeting_id"].as_str().unwrap();
    let (status, runs) = app.call(Method::GET, &format!("/meetings/{meeting}/agent"), Some(&sam.token), None).await;
    assert_eq!((status, &runs["agent_id"]), (200, &giulia["id"]), "the booked meeting is the agent's: {runs}");

    // Or the prospect talks to Giulia now: a meeting starting now, with the prospect its lead.
    let now = json!({"meeting_type": "demo", "name": "Lucia Verdi", "email": "lucia@verdi.example", "company": "Verdi Srl"});
    let asked = Utc::now();
    let (status, call) = app.call(Method::POST, &format!("/book/{}/now", sam.slug), None, Some(now.clone())).await;
    assert_eq!(status, 201, "{call}");
    let meeting = call["meeting_id"].as_str().unwrap();
    assert!(call["meeting_url"].as_str().unwrap().ends_with(&format!("/meet/{meeting}")), "{call}");
    let (_, runs) = app.call(Method::GET, &format!("/meetings/{meeting}/agent"), Some(&sam.token), None).await;
    assert_eq!(runs["agent_id"], giulia["id"]);
    let (_, details) = app.call(Method::GET, &format!("/meetings/{meeting}"), Some(&sam.token), None).await;
    let starts: DateTime<Utc> = details["starts_at"].as_str().unwrap().parse().unwrap();
    assert!((starts - asked).num_seconds().abs() < 60, "it starts now: {details}");
    let (_, leads) = app.call(Method::GET, "/leads", Some(&sam.admin), None).await;
    let lucia = leads.as_array().unwrap().iter().find(|l| l["email"] == "lucia@verdi.example").expect("Lucia is a lead");
    assert_eq!((&lucia["name"], &lucia["company"]), (&json!("Lucia Verdi"), &json!("Verdi Srl")));
    assert_eq!(lucia["meeting_ids"], json!([meeting]), "linked to the call");

    // Not for a type the seller runs: that one is booked in the calendar.
    let intro = json!({"slug": "intro", "title": "Intro", "duration_minutes": 30, "playbook_id": types[0]["playbook_id"]});
    let (status, body) = app.call(Method::POST, "/meeting-types", Some(&sam.token), Some(intro)).await;
    assert_eq!(status, 201, "{body}");
    let mut seller_run = now;
    seller_run["meeting_type"] = json!("intro");
    let (status, refused) = app.call(Method::POST, &format!("/book/{}/now", sam.slug), None, Some(seller_run)).await;
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("meeting_type")), "{refused}");
}

/// The phone line's call backs (#18): the AI agent offers the seller's first free slot and the
/// first on another day, as the booking page shows them; the one the caller accepts is held
/// like any booking (the seller's own meeting, no AI agent; the caller's number, no e-mail), is
/// offered no more, and cannot be booked twice.
#[tokio::test]
async fn a_phone_call_back_is_a_free_slot_held_like_a_booking() {
    use closer::booking::{Guest, call_back, call_back_slots, meeting_type, seller as seller_of};
    let app = TestApp::start(|c| c.login_rate_per_minute = 1000).await;
    let sam = seller(&app, "Europe/Rome", 0).await;
    let rome: Tz = "Europe/Rome".parse().unwrap();
    let line = || async {
        let seller = seller_of(&app.pg, &sam.slug).await.unwrap();
        let kind = meeting_type(&app.pg, seller.id, "demo").await.unwrap();
        (seller, kind)
    };
    let (seller, kind) = line().await;
    let offered = call_back_slots(&app.pg, &seller, &kind).await.unwrap();
    assert_eq!(offered.len(), 2, "{offered:?}");
    assert_ne!(offered[0].date_naive(), offered[1].date_naive(), "the second offer is another day: {offered:?}");
    let today = Utc::now().with_timezone(&rome).date_naive();
    let page = slots(&app, &sam.slug, today, today + Duration::days(7), "Europe/Rome").await;
    let first: DateTime<Utc> = page[0]["start"].as_str().unwrap().parse().unwrap();
    assert_eq!(offered[0].with_timezone(&Utc), first, "the booking page's first slot");

    let caller = || Guest {
        name: "Anna Rossi".into(),
        email: None,
        phone: Some("+393331234567".into()),
        company: String::new(),
        time_zone: rome,
        language: "it".into(),
    };
    let booking = call_back(&app.state, seller, kind, first, caller()).await.expect("booked");
    assert_eq!((booking.start, booking.end), (first, first + Duration::minutes(60)));
    let row: (Option<String>, Option<String>, Option<uuid::Uuid>, uuid::Uuid) = sqlx::query_as(
        "SELECT b.guest_email, b.guest_phone, m.ai_agent_id, m.host_id FROM bookings b JOIN meetings m ON m.id = b.meeting_id WHERE b.id = $1",
    )
    .bind(booking.id)
    .fetch_one(&app.pg)
    .await
    .unwrap();
    let (seller, kind) = line().await;
    assert_eq!((row.0, row.1.as_deref(), row.2, row.3), (None, Some("+393331234567"), None, seller.id));

    let again = call_back_slots(&app.pg, &seller, &kind).await.unwrap();
    assert!(again.iter().all(|s| s.with_timezone(&Utc) != first), "{again:?}");
    let twice = call_back(&app.state, seller, kind, first, caller()).await;
    assert!(matches!(twice, Err(closer::error::Error::Conflict(_))), "{twice:?}");
}
