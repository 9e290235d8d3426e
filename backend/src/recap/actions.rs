//! Next steps and action items by cue phrases (EN + IT), offline.
//!
//! Each sentence is cut into clauses at ", and" / ", e" / ", poi" / ";" and before "and I/we",
//! "e le/vi/ti/ci/gli". A clause is an action item when it carries a cue, unless it is a
//! conditional ("if …", "se …"):
//! - **commitment** by the speaker — "I'll / I will / we will / I'm going to / let me send…",
//!   "let's", IT first-person futures and "le mando / vi invio / fissiamo / ci sentiamo" → the
//!   owner is the speaker;
//! - **request** to the other side — "send me / email us / can you send…", "mi mandi / può
//!   richiamarmi / mandateci" → the owner is the seller when a guest asks, else the guest who
//!   spoke last;
//! - **next step** statement — "the next step is …", "prossimo passo", "follow-up" → the owner
//!   is the seller.
//!
//! The due date is the first date phrase of the clause, else of its sentence ([`super::dates`]).
//! Next steps are the sentences holding at least one action item, as "Name: sentence".

use super::dates;
use super::record::CallRecord;
use super::text;
use chrono::NaiveDate;
use closer_wire::{ActionItem, Side};
use regex::Regex;
use std::sync::LazyLock;

/// Who an action cue makes responsible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    Commitment,
    Request,
    NextStep,
}

static CUES: LazyLock<Vec<(Regex, Cue)>> = LazyLock::new(|| {
    let rx = |p: &str| Regex::new(&format!("(?i){p}")).expect("valid cue pattern");
    let follow_up = "send|email|mail|share|forward|follow up|get back|check|confirm|set up|schedule|book|prepare|put together|loop in|introduce|call";
    vec![
        (rx(r"\bnext steps?\b|\bprossim[oi] pass[oi]\b|\bfollow[- ]up\b"), Cue::NextStep),
        (
            rx(r"\b(?:i|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are going to|'d be happy to| would be happy to)\b"),
            Cue::Commitment,
        ),
        (rx(&format!(r"\blet (?:me|us)\s+(?:quickly\s+)?(?:{follow_up})\b|\blet's\b")), Cue::Commitment),
        (
            rx(r"\b(?:le|vi|ti|gli)\s+(?:mando|invio|giro|mandiamo|inviamo|giriamo|preparo|prepariamo|scrivo|scriviamo)\b"),
            Cue::Commitment,
        ),
        (
            rx(r"\b(?:fissiamo|organizziamo|prepariamo|sentiamoci|ci sentiamo|ci aggiorniamo|(?:la|vi|ti|lo) richiamo|invierò|manderò|preparerò|chiamerò|richiamerò|organizzerò|fisserò|scriverò|faremo|manderemo|invieremo|prepareremo|organizzeremo)\b"),
            Cue::Commitment,
        ),
        (rx(&format!(r"\b(?:send|email|mail|forward|share with|give)\s+(?:me|us)\b|\b(?:can|could|would|will) you\s+(?:please\s+)?(?:{follow_up})\b")), Cue::Request),
        (
            rx(r"\b(?:mi|ci)\s+(?:mandi|invii|manda|invia|mandate|inviate|richiami|chiami|giri|scriva)\b|\b(?:mandami|inviami|mandateci|inviateci|richiamami|chiamami|richiamarmi|richiamarci|scrivimi)\b|\b(?:può|potrebbe|potete|puoi)\s+(?:mandar|inviar|richiamar|chiamar|girar|condivider|scriver)"),
            Cue::Request,
        ),
    ]
});

static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i),\s+(?:and|e|poi)\s+|;\s+|\s+and\s+(?:then\s+)?(?P<en>i|we|i'll|we'll)\b|\s+e\s+(?:poi\s+)?(?P<it>le|vi|ti|ci|gli)\b")
        .expect("valid clause pattern")
});

static CONDITIONAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\W*(?:if|unless|se|qualora|nel caso)\b").expect("valid conditional pattern"));

/// Clauses of a sentence (see the module docs).
fn clauses(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for captures in CLAUSE_BREAK.captures_iter(sentence) {
        let whole = captures.get(0).expect("match");
        let resume = captures.name("en").or_else(|| captures.name("it")).map_or(whole.end(), |keep| keep.start());
        out.push(sentence[start..whole.start()].to_owned());
        start = resume;
    }
    out.push(sentence[start..].to_owned());
    out.into_iter().map(|c| c.trim().trim_end_matches(['.', '!', ';', ',']).trim().to_owned()).filter(|c| !c.is_empty()).collect()
}

fn cue(clause: &str) -> Option<Cue> {
    if CONDITIONAL.is_match(clause) {
        return None;
    }
    CUES.iter().find(|(pattern, _)| pattern.is_match(clause)).map(|(_, cue)| *cue)
}

/// Capitalises the first letter (clauses cut mid-sentence start in lower case).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Action items and next steps of the call; `today` is the call's date.
pub fn extract(record: &CallRecord, today: NaiveDate) -> (Vec<ActionItem>, Vec<String>) {
    let seller = record.speakers.iter().find(|s| s.side == Side::Seller).map(|s| s.name.clone());
    let mut items = Vec::new();
    let mut next_steps = Vec::new();
    for (index, segment) in record.segments.iter().enumerate() {
        let side = record.side(&segment.speaker);
        let name = record.name(&segment.speaker);
        let last_guest = record.segments[..index]
            .iter()
            .rev()
            .find(|s| record.side(&s.speaker) == Side::Guest)
            .map(|s| record.name(&s.speaker));
        for sentence in text::sentences(&segment.text) {
            let sentence_due = dates::find(&sentence, today);
            let mut found = false;
            for clause in clauses(&sentence) {
                let Some(cue) = cue(&clause) else { continue };
                let owner = match (cue, side) {
                    (Cue::Commitment, _) => Some(name.clone()),
                    (Cue::Request, Side::Guest) | (Cue::NextStep, _) => seller.clone(),
                    (Cue::Request, Side::Seller) => last_guest.clone(),
                };
                let due = dates::find(&clause, today).or_else(|| sentence_due.clone());
                items.push(ActionItem {
                    text: capitalised(&clause),
                    owner,
                    due: due.as_ref().map(|d| d.text.clone()),
                    due_date: due.and_then(|d| d.date),
                    segment_id: Some(segment.segment_id.clone()),
                });
                found = true;
            }
            if found {
                next_steps.push(format!("{name}: {sentence}"));
            }
        }
    }
    (items, next_steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_clauses_and_reads_cues() {
        assert_eq!(
            clauses("So the next step is a demo next Tuesday, and I will send the invite today."),
            vec!["So the next step is a demo next Tuesday", "I will send the invite today"]
        );
        assert_eq!(
            clauses("Fissiamo una demo giovedì prossimo con il vostro AD e le mando subito l'invito."),
            vec!["Fissiamo una demo giovedì prossimo con il vostro AD", "le mando subito l'invito"]
        );
        assert_eq!(cue("Just send me an email with the details"), Some(Cue::Request));
        assert_eq!(cue("we will get back to you"), Some(Cue::Commitment));
        assert_eq!(cue("If we go ahead we will pay by card"), None);
        assert_eq!(cue("Let me show you how the total cost compares"), None);
        assert_eq!(cue("Let me send you the deck"), Some(Cue::Commitment));
        assert_eq!(cue("Mi mandi pure una mail con la documentazione"), Some(Cue::Request));
        assert_eq!(cue("Può richiamarmi al numero [phone]"), Some(Cue::Request));
        assert_eq!(cue("cercherò di essere breve"), None);
        assert_eq!(cue("Who else would be involved in choosing a solution like this?"), None);
    }
}
