//! Telling a seller that the guest of their AI agent's call asks for them now (#18: transfer to
//! a human on request): the request on the meeting, which their console and desktop app show
//! with a button to join while the guest holds ([`crate::meetings::summons`]), and an e-mail,
//! in the agent's language, with the link that opens the call on the seller's side
//! (`/host/{meeting}`, their green room). A seller who joins with a live
//! microphone takes the call over ([`super::ai_call`]). The seller's opening hours are their
//! availability (the weekly hours their booking page offers): outside them they are not called
//! in, and the guest is told they will call back.

use super::conversation::{TRANSFER_HOLD, Transfer};
use crate::state::AppState;
use uuid::Uuid;

/// The [`Transfer`] to the host of `meeting` (the seller whose meeting the agent runs), or
/// `None` when the meeting has no active host. It is in their opening hours now when their
/// availability says so ([`crate::scheduling::is_open`]), or when they have set none. When the
/// guest asks for them, `agent` (its name and language) has them e-mailed, in a task of its
/// own; the request and the e-mail name the guest by the name they gave in the call, else as
/// `guest` (their name, or what their phone sent).
///
/// Errors: the database failing.
pub async fn transfer_to_host(state: &AppState, meeting: Uuid, agent: &closer_wire::AiAgent, guest: &str) -> anyhow::Result<Option<Transfer>> {
    let host: Option<(Uuid, String, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email FROM meetings m JOIN users u ON u.id = m.host_id WHERE m.id = $1 AND u.deactivated_at IS NULL",
    )
    .bind(meeting)
    .fetch_optional(&state.pg)
    .await?;
    let Some((host, name, email)) = host else { return Ok(None) };
    let in_hours = match crate::scheduling::store::load(&state.pg, host).await? {
        // A stored zone was validated; one that no longer parses leaves the hours unknown.
        Some(hours) => hours.time_zone.parse().map_or(true, |zone| crate::scheduling::is_open(&hours, zone, chrono::Utc::now())),
        None => true,
    };
    let (summon, summoned) = tokio::sync::oneshot::channel::<Option<String>>();
    let link = format!("{}/host/{meeting}", state.config.public_base_url.trim_end_matches('/'));
    let (mailer, pg, guest, agent) = (state.mailer.clone(), state.pg.clone(), guest.to_owned(), agent.clone());
    tokio::spawn(async move {
        // Dropped unsent when the guest never asks.
        if let Ok(heard_name) = summoned.await {
            // The name the guest gave in the call is better than what their phone sent.
            let guest = heard_name.unwrap_or(guest);
            let (subject, text) = words(&agent.language, &agent.name, &guest, &link);
            let until = chrono::Utc::now() + TRANSFER_HOLD;
            if let Err(e) = crate::meetings::summons::ask(&pg, meeting, &guest, &agent.name, until).await {
                tracing::warn!(%meeting, error = %e, "the request for the seller was not shown in their apps");
            }
            match mailer.send_text(&email, &subject, &text).await {
                Ok(()) => tracing::info!(%meeting, "the seller is asked to join the call"),
                Err(e) => tracing::warn!(%meeting, error = %e, "the seller's call to join was not sent"),
            }
        }
    });
    let seller = name.split_whitespace().next().unwrap_or(&name).to_owned();
    Ok(Some(Transfer { seller, in_hours, summon }))
}

/// The e-mail's subject and text in `language` (`it`, else English).
fn words(language: &str, agent: &str, guest: &str, link: &str) -> (String, String) {
    let hold = TRANSFER_HOLD.as_secs();
    if language == "it" {
        (
            format!("{guest} chiede di parlare con te adesso"),
            format!(
                "{guest} è in chiamata con {agent} e chiede di parlare con una persona: con te.\n\nEntra nella chiamata entro {hold} secondi: {link}\n\nSe non puoi, {agent} prosegue e riceverai il riepilogo della chiamata.\n"
            ),
        )
    } else {
        (
            format!("{guest} asks to speak with you now"),
            format!(
                "{guest} is on a call with {agent} and asks to speak with a person: you.\n\nJoin the call within {hold} seconds: {link}\n\nIf you cannot, {agent} carries on and you will get the call's summary.\n"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_to_join_is_in_the_agents_language_with_the_link() {
        let (subject, text) = words("it", "Chiara", "Giulia Bianchi", "http://closer.test/host/1");
        assert_eq!(subject, "Giulia Bianchi chiede di parlare con te adesso");
        assert!(text.contains("entro 45 secondi: http://closer.test/host/1"), "{text}");
        let (subject, text) = words("en", "Alex", "Anna Rossi", "http://closer.test/host/1");
        assert_eq!(subject, "Anna Rossi asks to speak with you now");
        assert!(text.contains("within 45 seconds: http://closer.test/host/1"), "{text}");
    }
}
