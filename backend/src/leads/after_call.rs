//! What an AI agent's call leaves behind (#17): the guest's lead with this call's BANT, staged
//! by the agent's rule and handed to its seller, and a summary e-mail to the lead and to that
//! seller in the agent's language.

use super::{Changes, Contact, Viewer};
use crate::error::Error;
use crate::mail::Mailer;
use sqlx::PgPool;
use closer_wire::{AiAgent, Bant, BantScore, Lead, LeadStage};
use uuid::Uuid;

/// What an AI agent's call with a guest established.
#[derive(Clone, Debug)]
pub struct CallOutcome<'a> {
    /// The meeting the agent ran.
    pub meeting: Uuid,
    pub agent: &'a AiAgent,
    /// The guest as they booked or joined (name; e-mail and phone when known).
    pub guest: Contact,
    /// The call's assessment (`bant::Assessor::assess`).
    pub bant: Bant,
    /// The seller who took the call over from the agent, if one did.
    pub taken_over_by: Option<Uuid>,
    /// What the guest asked that the agent could not answer and promised a colleague's answer
    /// to (PII-redacted here before it is sent).
    pub open_questions: Vec<String>,
    /// The call came in on the phone line (#18): the meeting's seller hears of it whatever its
    /// outcome, as the line stands in for a phone they would have answered.
    pub by_phone: bool,
    /// The call back the caller accepted, booked: its meeting and when it starts, as said to
    /// the caller (in the seller's zone).
    pub call_back: Option<(Uuid, chrono::DateTime<chrono_tz::Tz>)>,
    /// The guest asked to speak with the seller during the call (`agent::transfer`): unless a
    /// seller took the call over, the sellers' e-mails say so.
    pub asked_for_seller: bool,
    /// What the guest told the agent about themselves when it asked.
    pub told: Told,
}

/// What a guest told the AI agent about themselves when it asked: it replaces what their lead
/// was created with.
#[derive(Clone, Debug, Default)]
pub struct Told {
    /// Their name, when their phone sent none (`agent::name`).
    pub name: Option<String>,
    /// The number to call them back on (E.164), when not the one they called from
    /// (`agent::number`).
    pub phone: Option<String>,
}

/// The stage a call leaves its lead in: handed off when a seller took the call over (whatever
/// the agent learnt before); else at or above the agent's `qualify_score` the lead is
/// qualified — handed off when the agent names a seller to hand it to — otherwise disqualified.
pub fn stage(agent: &AiAgent, bant: &Bant, taken_over: bool) -> LeadStage {
    if taken_over {
        return LeadStage::HandedOff;
    }
    match super::score(bant) {
        Some(score) if score >= agent.qualify_score => {
            if agent.handoff_owner_id.is_some() { LeadStage::HandedOff } else { LeadStage::Qualified }
        }
        _ => LeadStage::Disqualified,
    }
}

/// Records `outcome`: the guest's lead (found by e-mail, else created) linked to the meeting,
/// its BANT replaced by this call's, its stage by [`stage`]; a handed-off lead without an owner
/// gets the seller who took the call over, else the agent's seller. Then e-mails the summary to the lead and, when handed off, to its
/// owner; a call `by_phone` is also reported to the meeting's host (the line's seller) when the
/// owner's e-mail does not reach them, whatever the call's outcome. An e-mail that cannot be
/// sent is logged (without addresses) and does not undo the lead. The sellers' e-mails link to
/// the console under `public_base_url`.
///
/// Errors: [`Error::Invalid`] for a meeting outside the organization; database failures.
pub async fn record(pg: &PgPool, mailer: &Mailer, public_base_url: &str, org: Uuid, outcome: CallOutcome<'_>) -> Result<Lead, Error> {
    let CallOutcome { meeting, agent, guest, bant, taken_over_by, open_questions, by_phone, call_back, asked_for_seller, told } = outcome;
    let open_questions: Vec<String> = open_questions.iter().map(|q| crate::pii::redact(q.trim()).text).collect();
    // A prospect who called the phone line or asked to talk now is the meeting's lead already:
    // theirs is the call (without an e-mail, creating would make a second lead of them).
    let linked: Option<Uuid> = sqlx::query_scalar("SELECT lead_id FROM lead_meetings WHERE meeting_id = $1 ORDER BY linked_at LIMIT 1")
        .bind(meeting)
        .fetch_optional(pg)
        .await?;
    let lead = match linked {
        Some(id) => id,
        None => super::create(pg, org, guest, None, Some(meeting)).await?.0.id,
    };
    if let Some((booked, _)) = call_back {
        let mut conn = pg.acquire().await?;
        super::link(&mut conn, org, lead, booked).await?;
    }
    let stage = stage(agent, &bant, taken_over_by.is_some());
    let owned: Option<Uuid> = sqlx::query_scalar("SELECT owner_id FROM leads WHERE id = $1").bind(lead).fetch_one(pg).await?;
    let owner = (stage == LeadStage::HandedOff && owned.is_none()).then_some(taken_over_by.or(agent.handoff_owner_id)).flatten();
    let changes = Changes { name: told.name, phone: told.phone, stage: Some(stage), owner, bant: Some(bant), ..Changes::default() };
    let lead = super::update(pg, org, lead, Viewer::Everyone, changes).await?.ok_or(Error::NotFound)?;

    let organization: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1").bind(org).fetch_one(pg).await?;
    let owner = match lead.owner_id {
        Some(id) => crate::team::users::load(pg, id, org).await?,
        None => None,
    };
    let words = Words::of(&agent.language);
    let asked = if asked_for_seller && taken_over_by.is_none() { words.asked_for_you(&lead) } else { String::new() };
    let mut mails = Vec::new();
    if let Some(email) = &lead.email {
        mails.push((email.clone(), words.lead_subject(&lead), words.lead_text(&lead, agent, &organization, owner.as_ref().map(|o| o.display_name.as_str()))));
    }
    let base = public_base_url.trim_end_matches('/');
    let handed_to = owner.as_ref().filter(|_| lead.stage == LeadStage::HandedOff);
    if let Some(owner) = handed_to {
        let link = format!("{base}/console/leads");
        mails.push((owner.email.clone(), words.owner_subject(&lead, agent), words.owner_text(&lead, agent, &link, &open_questions, &asked)));
    }
    if by_phone {
        let host: Option<(Uuid, String)> = sqlx::query_as("SELECT u.id, u.email FROM meetings m JOIN users u ON u.id = m.host_id WHERE m.id = $1")
            .bind(meeting)
            .fetch_optional(pg)
            .await?;
        if let Some((_, email)) = host.filter(|(host, _)| handed_to.is_none_or(|o| o.id != *host)) {
            let link = format!("{base}/console/meetings/{meeting}");
            mails.push((email, words.call_subject(&lead), words.call_text(&lead, agent, &link, &open_questions, call_back.map(|(_, at)| at), &asked)));
        }
    }
    for (to, subject, text) in mails {
        if let Err(e) = mailer.send_text(&to, &subject, &text).await {
            tracing::warn!(lead = %lead.id, meeting = %meeting, error = %e, "lead summary e-mail not sent");
        }
    }
    Ok(lead)
}

/// The summaries' wording in one language (`en`, or `it`).
struct Words {
    italian: bool,
}

impl Words {
    fn of(language: &str) -> Self {
        Self { italian: language == "it" }
    }

    fn first_name(lead: &Lead) -> &str {
        lead.name.split_whitespace().next().unwrap_or(&lead.name)
    }

    fn criterion(&self, n: usize) -> &'static str {
        let names = if self.italian { ["Budget", "Potere decisionale", "Esigenza", "Tempi"] } else { ["Budget", "Authority", "Need", "Timeline"] };
        names[n]
    }

    fn verdict(&self, score: u8) -> &'static str {
        match (self.italian, score) {
            (false, 2) => "met",
            (false, 1) => "unclear",
            (false, _) => "not met",
            (true, 2) => "sì",
            (true, 1) => "incerto",
            (true, _) => "no",
        }
    }

    /// One line per assessed criterion: `- Budget: met — “evidence”`.
    fn bant_lines(&self, bant: &Bant, with_verdict: bool) -> String {
        let criteria: [&Option<BantScore>; 4] = [&bant.budget, &bant.authority, &bant.need, &bant.timeline];
        criteria
            .iter()
            .enumerate()
            .filter_map(|(n, c)| c.as_ref().map(|s| (n, s)))
            .map(|(n, s)| {
                if with_verdict {
                    format!("- {}: {} — “{}”\n", self.criterion(n), self.verdict(s.score), s.evidence)
                } else {
                    format!("- {}: “{}”\n", self.criterion(n), s.evidence)
                }
            })
            .collect()
    }

    fn lead_subject(&self, lead: &Lead) -> String {
        if self.italian {
            format!("Grazie per il suo tempo, {}", Self::first_name(lead))
        } else {
            format!("Thank you for your time, {}", Self::first_name(lead))
        }
    }

    fn lead_text(&self, lead: &Lead, agent: &AiAgent, organization: &str, owner: Option<&str>) -> String {
        let first = Self::first_name(lead);
        let said = self.bant_lines(&lead.bant, false);
        match (self.italian, lead.stage, owner) {
            (true, LeadStage::HandedOff | LeadStage::Qualified, owner) => format!(
                "Buongiorno {first},\n\ngrazie per aver parlato oggi con {} di {organization}. {}\n\nCiò che ci ha detto:\n{said}\nA presto,\n{organization}\n",
                agent.name,
                owner.map_or("Un nostro consulente la contatterà a breve.".to_owned(), |o| format!("{o} la contatterà a breve per proseguire.")),
            ),
            (true, _, _) => format!(
                "Buongiorno {first},\n\ngrazie per aver parlato oggi con {} di {organization}. Se in futuro potremo esserle utili, ci sentiremo volentieri.\n\nCiò che ci ha detto:\n{said}\nCordiali saluti,\n{organization}\n",
                agent.name
            ),
            (false, LeadStage::HandedOff | LeadStage::Qualified, owner) => format!(
                "Hello {first},\n\nthank you for talking with {} from {organization} today. {}\n\nWhat you told us:\n{said}\nTalk soon,\n{organization}\n",
                agent.name,
                owner.map_or("One of our consultants will contact you shortly.".to_owned(), |o| format!("{o} will contact you shortly to take it from here.")),
            ),
            (false, _, _) => format!(
                "Hello {first},\n\nthank you for talking with {} from {organization} today. Should we be able to help later on, we will gladly be in touch.\n\nWhat you told us:\n{said}\nBest regards,\n{organization}\n",
                agent.name
            ),
        }
    }

    fn owner_subject(&self, lead: &Lead, agent: &AiAgent) -> String {
        let score = lead.score.map_or("–".to_owned(), |s| s.to_string());
        if self.italian {
            format!("Nuovo lead da {}: {} (BANT {score}/100)", agent.name, lead.name)
        } else {
            format!("New lead from {}: {} (BANT {score}/100)", agent.name, lead.name)
        }
    }

    fn stage(&self, stage: LeadStage) -> &'static str {
        match (self.italian, stage) {
            (false, LeadStage::HandedOff) => "handed off",
            (false, LeadStage::Qualified) => "qualified",
            (false, LeadStage::Disqualified) => "not qualified",
            (false, LeadStage::New) => "new",
            (false, LeadStage::Won) => "won",
            (false, LeadStage::Lost) => "lost",
            (true, LeadStage::HandedOff) => "passato a un venditore",
            (true, LeadStage::Qualified) => "qualificato",
            (true, LeadStage::Disqualified) => "non qualificato",
            (true, LeadStage::New) => "nuovo",
            (true, LeadStage::Won) => "vinto",
            (true, LeadStage::Lost) => "perso",
        }
    }

    fn call_subject(&self, lead: &Lead) -> String {
        let stage = self.stage(lead.stage);
        if self.italian { format!("Chiamata sulla tua linea: {} ({stage})", lead.name) } else { format!("Call on your line: {} ({stage})", lead.name) }
    }

    /// The line's seller's report of a call: who called (number to call back), how the agent
    /// staged them and why, what it could not answer, and the meeting (transcript, recording).
    /// The paragraph the sellers' e-mails add when the guest asked for the seller in vain.
    fn asked_for_you(&self, lead: &Lead) -> String {
        let first = Self::first_name(lead);
        if self.italian {
            format!("{first} ha chiesto di parlare con te durante la chiamata: conviene richiamare presto.\n\n")
        } else {
            format!("{first} asked to speak with you during the call: call back soon.\n\n")
        }
    }

    fn call_text(&self, lead: &Lead, agent: &AiAgent, link: &str, open_questions: &[String], call_back: Option<chrono::DateTime<chrono_tz::Tz>>, asked: &str) -> String {
        let (contact, score, bant, open) = self.summary(lead, open_questions);
        let stage = self.stage(lead.stage);
        let language = if self.italian { "it" } else { "en" };
        let booked = match call_back {
            Some(at) => {
                let when = crate::scheduling::emails::local_time(language, at);
                if self.italian { format!("Richiamata fissata: {when}.\n\n") } else { format!("Call back booked: {when}.\n\n") }
            }
            None => String::new(),
        };
        if self.italian {
            format!(
                "{} ha risposto a una chiamata di {} ({contact}): {stage}, punteggio BANT {score}/100.\n\n{asked}{booked}{bant}\n{open}Trascrizione e registrazione: {link}\n",
                agent.name, lead.name
            )
        } else {
            format!(
                "{} answered a call from {} ({contact}): {stage}, BANT score {score}/100.\n\n{asked}{booked}{bant}\n{open}Transcript and recording: {link}\n",
                agent.name, lead.name
            )
        }
    }

    /// What the sellers' e-mails say of a lead: contact (company · e-mail · phone), BANT score
    /// (`–` when nothing was assessed), one line per criterion, and the open questions.
    fn summary(&self, lead: &Lead, open_questions: &[String]) -> (String, String, String, String) {
        let contact = [Some(lead.company.as_str()).filter(|c| !c.is_empty()), lead.email.as_deref(), lead.phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let score = lead.score.map_or("–".to_owned(), |s| s.to_string());
        let bant = self.bant_lines(&lead.bant, true);
        let open: String = match open_questions.is_empty() {
            true => String::new(),
            false => {
                let heading = if self.italian { "Domande a cui l'agente ha promesso una risposta:" } else { "Questions the agent promised an answer to:" };
                let lines: String = open_questions.iter().map(|q| format!("- “{q}”\n")).collect();
                format!("{heading}\n{lines}\n")
            }
        };
        (contact, score, bant, open)
    }

    fn owner_text(&self, lead: &Lead, agent: &AiAgent, link: &str, open_questions: &[String], asked: &str) -> String {
        let (contact, score, bant, open) = self.summary(lead, open_questions);
        if self.italian {
            format!(
                "{} ha qualificato {} ({contact}) — punteggio BANT {score}/100.\n\n{asked}{bant}\n{open}Il lead è tuo: {link}\n",
                agent.name, lead.name
            )
        } else {
            format!("{} qualified {} ({contact}) — BANT score {score}/100.\n\n{asked}{bant}\n{open}The lead is yours: {link}\n", agent.name, lead.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn agent(handoff: Option<Uuid>) -> AiAgent {
        AiAgent {
            id: Uuid::new_v4(),
            name: "Giulia".into(),
            language: "it".into(),
            persona: String::new(),
            greeting: "Buongiorno {guest}.".into(),
            questions: Vec::new(),
            faq: Vec::new(),
            closing: "Grazie.".into(),
            handoff_owner_id: handoff,
            qualify_score: 60,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn bant(scores: [u8; 4]) -> Bant {
        let c = |score| Some(BantScore { score, evidence: "…".into(), meeting_id: None });
        Bant { budget: c(scores[0]), authority: c(scores[1]), need: c(scores[2]), timeline: c(scores[3]) }
    }

    #[test]
    fn a_call_at_the_agents_bar_hands_the_lead_off_and_one_below_disqualifies_it() {
        let seller = Some(Uuid::new_v4());
        // 2+2+1+0 = 5 of 8 = 63 ≥ 60; 2+1+1+0 = 4 of 8 = 50 < 60.
        assert_eq!(stage(&agent(seller), &bant([2, 2, 1, 0]), false), LeadStage::HandedOff);
        assert_eq!(stage(&agent(None), &bant([2, 2, 1, 0]), false), LeadStage::Qualified);
        assert_eq!(stage(&agent(seller), &bant([2, 1, 1, 0]), false), LeadStage::Disqualified);
        assert_eq!(stage(&agent(seller), &Bant::default(), false), LeadStage::Disqualified, "nothing learnt qualifies nobody");
        assert_eq!(stage(&agent(None), &bant([2, 0, 0, 0]), true), LeadStage::HandedOff, "a seller took the call over");
    }
}
