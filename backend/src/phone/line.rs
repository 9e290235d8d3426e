//! The phone line at work: the SIP gateway's calls routed by the number dialled, each answered
//! in a meeting of its own that the number's AI agent runs, as a guest joining from a link is.

use super::{bridge, calls, numbers};
use crate::booking::insert_meeting;
use crate::leads::{self, Contact};
use crate::livekit::grants;
use crate::meetings::Entrant;
use crate::state::AppState;
use anyhow::Context;
use closer_rtc::{RoomOptions, Rtc};
use closer_sip::{Gateway, IncomingCall, Refusal, SAMPLE_RATE};
use closer_wire::{AiConsent, ParticipantRole, PhoneCallOutcome};
use uuid::Uuid;

/// Most characters of a caller's display name kept (a participant's name is 1–60).
const NAME_CHARS: usize = 60;

/// The phone line listening; dropping it stops taking calls.
pub struct Line {
    /// The address SIP is received on (its port chosen by the system when `sip_addr`'s is 0).
    pub local_addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Line {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listens for calls on `sip` (`config.sip_addr`) for the life of the returned [`Line`]; every
/// call is taken on a task of its own, so one call's failure touches no other.
///
/// Errors: `sip`'s IP is unspecified (`0.0.0.0`: the calls' RTP needs an address callers
/// reach), or the address cannot be bound.
pub async fn start(state: AppState, rtc: Rtc, sip: std::net::SocketAddr) -> anyhow::Result<Line> {
    anyhow::ensure!(!sip.ip().is_unspecified(), "sip_addr {sip}: give the IP callers reach, not an unspecified one");
    let mut gateway = Gateway::bind(sip, sip.ip()).await.with_context(|| format!("the phone line's SIP address {sip}"))?;
    let local_addr = gateway.local_addr();
    tracing::info!(addr = %local_addr, "phone line listening (SIP over UDP)");
    let task = tokio::spawn(async move {
        while let Some(incoming) = gateway.accept().await {
            tokio::spawn(take(state.clone(), rtc, incoming));
        }
    });
    Ok(Line { local_addr, task })
}

/// Routes a call by the number dialled: refused (404) when it is on no line; else logged and
/// answered in its meeting.
async fn take(state: AppState, rtc: Rtc, incoming: IncomingCall) {
    let route = match numbers::e164("number", &incoming.dialled) {
        Ok(e164) => numbers::route(&state.pg, &e164).await,
        Err(_) => Ok(None),
    };
    let route = match route {
        Ok(Some(route)) => route,
        Ok(None) => return incoming.refuse(Refusal::UnknownNumber),
        Err(e) => {
            tracing::warn!(error = %e, "routing a phone call failed");
            return incoming.refuse(Refusal::Failed);
        }
    };
    let org = route.seller.organization_id;
    let call = match calls::ringing(&state.pg, org, &route.number, &incoming.caller).await {
        Ok(call) => call,
        Err(e) => {
            tracing::warn!(error = %e, "logging a phone call failed");
            return incoming.refuse(Refusal::Failed);
        }
    };
    let outcome = match answer(&state, rtc, call, route, incoming).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::warn!(%call, error = format!("{e:#}"), "a phone call failed");
            PhoneCallOutcome::Failed
        }
    };
    if let Err(e) = calls::ended(&state.pg, call, outcome).await {
        tracing::warn!(%call, error = %e, "recording a phone call's end failed");
    }
}

/// Display names that say the caller's identity is withheld, not who they are: RFC 3323's
/// "Anonymous" and what carriers send in its place, EN and IT (compared without case).
const WITHHELD: &[&str] = &["anonymous", "unknown", "unavailable", "private", "restricted", "withheld", "anonimo", "privato", "sconosciuto"];

/// The caller as the room shows them: the display name their phone `sent`, or the end of
/// their number `caller` (then the AI agent asks their name).
fn caller_name(sent: Option<&str>, caller: &str) -> String {
    let sent = sent.map(|n| n.chars().filter(|c| !c.is_control()).take(NAME_CHARS).collect::<String>());
    match sent.filter(|n| !n.trim().is_empty() && !WITHHELD.contains(&n.trim().to_lowercase().as_str())) {
        Some(name) => name.trim().to_owned(),
        None => {
            let digits: String = caller.chars().filter(char::is_ascii_digit).collect();
            format!("☎ ···{}", &digits[digits.len().saturating_sub(4)..])
        }
    }
}

/// Creates the call's meeting (the number's meeting type, its seller, its AI agent) and the
/// caller's lead, joins the caller to the room, answers, and bridges until either side ends.
async fn answer(state: &AppState, rtc: Rtc, call: Uuid, route: numbers::Route, incoming: IncomingCall) -> anyhow::Result<PhoneCallOutcome> {
    if route.kind.ai_agent.is_none() {
        incoming.refuse(Refusal::Unavailable);
        anyhow::bail!("no AI agent runs the number's meeting type any more");
    }
    let name = caller_name(incoming.caller_name.as_deref(), &incoming.caller);
    let meeting = match open_meeting(state, &route, &incoming, &name).await {
        Ok((meeting, lead)) => match calls::became(&state.pg, call, meeting, lead).await {
            Ok(()) => meeting,
            Err(e) => {
                incoming.refuse(Refusal::Failed);
                return Err(e.into());
            }
        },
        Err(e) => {
            incoming.refuse(Refusal::Failed);
            return Err(e);
        }
    };
    let identity = grants::Identity::new_guest().to_string();
    let entrant = Entrant { meeting, role: ParticipantRole::Guest, identity: &identity, name: &name, user: None, consent: Some(AiConsent::Accepted) };
    let joined = async {
        let access = crate::room_access::admit(state, entrant).await?;
        let connected = rtc.connect(&state.config.livekit_url, &access.token, RoomOptions { auto_subscribe: true }).await?;
        let microphone = connected.room.publish_audio("microphone", SAMPLE_RATE, 1).await?;
        anyhow::Ok((connected, microphone))
    };
    let (connected, microphone) = match joined.await {
        Ok(joined) => joined,
        Err(e) => {
            incoming.refuse(Refusal::Failed);
            return Err(e).context("joining the caller to the room");
        }
    };
    let answered = match incoming.answer().await {
        Ok(answered) => answered,
        Err(closer_sip::Error::Ended) => {
            let _ = connected.room.disconnect().await;
            return Ok(PhoneCallOutcome::Abandoned);
        }
        Err(e) => {
            let _ = connected.room.disconnect().await;
            return Err(e).context("answering");
        }
    };
    // The caller is on the line now: a log that cannot say so must not cut them off.
    if let Err(e) = calls::answered(&state.pg, call).await {
        tracing::warn!(%call, error = %e, "recording a phone call's answer failed");
    }
    tracing::info!(%meeting, %call, "phone call answered");
    let (answered, room, end) = bridge::run(answered, connected, microphone).await;
    tracing::info!(%meeting, %call, ?end, "phone call over");
    answered.hang_up().await;
    let left = room.disconnect().await;
    close_meeting(state, meeting).await;
    left.context("leaving the room")?;
    Ok(match end {
        bridge::End::CallerHungUp | bridge::End::RoomEmptied => PhoneCallOutcome::Completed,
        bridge::End::Lost => PhoneCallOutcome::Failed,
    })
}

/// Ends the meeting a phone call was, now that the call is over, and closes its room: the
/// AI agent and the copilot wrap up, and the finalizer makes its recap and recording. A
/// failure is logged: the call is over either way, and LiveKit closes an empty room itself.
async fn close_meeting(state: &AppState, meeting: Uuid) {
    let ended = crate::meetings::Transition::CallEnded { at: chrono::Utc::now() };
    if let Err(e) = crate::meetings::transition(&state.pg, meeting, ended).await {
        tracing::warn!(%meeting, error = %e, "ending the phone call's meeting failed");
    }
    if let Err(e) = state.livekit.delete_room(&grants::room_name(meeting)).await {
        tracing::warn!(%meeting, error = %e, "closing the phone call's room failed");
    }
}

/// The call's meeting, starting now, and the caller as its lead (their number to call back).
async fn open_meeting(state: &AppState, route: &numbers::Route, incoming: &IncomingCall, name: &str) -> anyhow::Result<(Uuid, Uuid)> {
    let meeting = insert_meeting(&state.pg, &route.seller, &route.kind, name, chrono::Utc::now()).await?;
    let phone = numbers::e164("caller", &incoming.caller).ok();
    let lead_name = if name.chars().any(char::is_alphabetic) { name.to_owned() } else { format!("Caller {name}") };
    let contact = Contact { name: lead_name, company: String::new(), email: None, phone };
    let (lead, _) = leads::create(&state.pg, route.seller.organization_id, contact, None, Some(meeting)).await?;
    Ok((meeting, lead.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_withheld_name_is_no_name() {
        assert_eq!(caller_name(Some(" Anna Rossi "), "+393331234567"), "Anna Rossi");
        for withheld in [None, Some(""), Some("Anonymous"), Some("anonymous"), Some("Unknown"), Some("Privato")] {
            assert_eq!(caller_name(withheld, "+393331234567"), "☎ ···4567", "{withheld:?}");
        }
    }
}
