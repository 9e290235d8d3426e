//! The `data` of the `meeting.processed` webhook, documented by
//! `backend/docs/webhook-payload.schema.json` (a test validates real payloads against it).
//!
//! Besides the recap it carries what a CRM needs to file the call: the host's e-mail (to find
//! the CRM owner) and, for meetings booked through a booking page, the contact the prospect
//! entered there (name, e-mail, company). Transcript-derived text is PII-redacted; nothing
//! spoken is sent unredacted.

use closer_wire::{Recap, Side};
use serde_json::{Value, json};
use sqlx::PgConnection;

/// Builds the payload of `recap` (reads host, booking and participants on `conn`).
///
/// Errors: database failures.
pub async fn meeting_processed(conn: &mut PgConnection, recap: &Recap, public_base_url: &str) -> Result<Value, sqlx::Error> {
    type MeetingRow = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, String, String);
    let (starts_at, ends_at, host_name, host_email): MeetingRow = sqlx::query_as(
        "SELECT m.starts_at, m.ends_at, u.display_name, u.email FROM meetings m JOIN users u ON u.id = m.host_id WHERE m.id = $1",
    )
    .bind(recap.meeting_id)
    .fetch_one(&mut *conn)
    .await?;
    let booking: Option<(uuid::Uuid, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, guest_name, guest_email, guest_company FROM bookings WHERE meeting_id = $1",
    )
    .bind(recap.meeting_id)
    .fetch_optional(&mut *conn)
    .await?;
    type PeopleRow = (String, String, String, Option<String>, Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>);
    let people: Vec<PeopleRow> = sqlx::query_as(
        "SELECT identity, display_name, role, ai_consent, joined_at, left_at FROM participants
         WHERE meeting_id = $1 AND role IN ('host', 'guest') ORDER BY created_at, identity",
    )
    .bind(recap.meeting_id)
    .fetch_all(&mut *conn)
    .await?;

    let mut participants: Vec<Value> = people
        .iter()
        .map(|(identity, name, role, consent, joined_at, left_at)| {
            let stats = recap.speakers.iter().find(|s| &s.speaker == identity);
            let mood = recap.sentiment.iter().rev().find(|p| &p.speaker == identity).map(|p| p.label);
            json!({
                "identity": identity,
                "name": name,
                "role": role,
                "ai_consent": consent,
                "joined_at": joined_at,
                "left_at": left_at,
                "talk_pct": stats.map(|s| s.talk_pct),
                "words_per_minute": stats.and_then(|s| s.wpm),
                "sentiment": mood,
            })
        })
        .collect();
    // Speakers the participants table does not know (e.g. calls imported from recordings).
    for s in recap.speakers.iter().filter(|s| !people.iter().any(|p| p.0 == s.speaker)) {
        let mood = recap.sentiment.iter().rev().find(|p| p.speaker == s.speaker).map(|p| p.label);
        participants.push(json!({
            "identity": s.speaker, "name": s.name, "role": if s.side == Side::Seller { "host" } else { "guest" },
            "ai_consent": null, "joined_at": null, "left_at": null,
            "talk_pct": s.talk_pct, "words_per_minute": s.wpm, "sentiment": mood,
        }));
    }
    let k = &recap.kpis;
    Ok(json!({
        "meeting": {
            "id": recap.meeting_id,
            "title": recap.title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "started_at": recap.started_at,
            "ended_at": recap.ended_at,
            "duration_ms": k.duration_ms,
            "language": recap.language,
            "playbook": {"id": recap.playbook_id, "name": recap.playbook_name},
            "host": {"id": recap.host_id, "name": host_name, "email": host_email},
            "booking": booking.map(|(id, name, email, company)| json!({
                "id": id, "guest_name": name, "guest_email": email, "guest_company": company,
            })),
        },
        "participants": participants,
        "summary": recap.summary,
        "summary_method": recap.summary_method,
        "sentiment": {
            "score": k.sentiment_score,
            "label": k.sentiment_score.map(super::sentiment::describe),
        },
        "next_steps": recap.next_steps,
        "action_items": recap.action_items.iter().map(|a| json!({
            "text": a.text, "owner": a.owner, "due": a.due, "due_date": a.due_date,
        })).collect::<Vec<_>>(),
        "kpis": {
            "script_adherence_pct": k.script_adherence_pct,
            "items_covered": k.items_covered,
            "items_total": k.items_total,
            "seller_talk_pct": k.seller_talk_pct,
            "guest_talk_pct": k.guest_talk_pct,
            "seller_wpm": k.seller_wpm,
            "guest_wpm": k.guest_wpm,
            "longest_monologue_ms": k.longest_monologue_ms,
            "seller_questions": k.seller_questions,
            "objections_raised": k.objections_raised,
            "objections_handled": k.objections_handled,
        },
        "checklist": recap.checklist.iter().map(|c| json!({"item": c.item, "title": c.title, "covered": c.covered})).collect::<Vec<_>>(),
        "objections": recap.objections.iter().map(|o| json!({
            "objection": o.objection, "title": o.title, "handled": o.handled, "card_presented": o.card_presented,
        })).collect::<Vec<_>>(),
        "recap_url": recap_url(public_base_url, recap.meeting_id),
    }))
}

/// The recap page of the web UI: `<public_base_url>/console/meetings/<id>/recap`.
pub fn recap_url(public_base_url: &str, meeting: uuid::Uuid) -> String {
    format!("{}/console/meetings/{meeting}/recap", public_base_url.trim_end_matches('/'))
}
