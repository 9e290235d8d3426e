//! An AI agent's reasoning with a configured LLM (#17): with `llm_provider` set, each turn of
//! the guest's is read by the LLM instead of the embedded [`super::dialogue`] — is it an
//! answer, and does it need a follow-up; an objection of the meeting's playbook, answered from
//! its battle card; or a question, answered from the agent's FAQ in the LLM's own words or
//! promised a colleague's answer — with the agent's persona and instructions (which the
//! embedded method ignores, as it does the battle cards: it tells an objection from an answer
//! too poorly, issue #21). Prompts: `backend/prompts/agent_turn.*.md`.
//!
//! The LLM's verdict is checked before it is said: a reply or follow-up that names a number
//! (a price, an amount, a date) found neither in the FAQ, the battle cards, the persona, the
//! question nor what the guest said is refused, so the agent never invents a price; so is any answer
//! that is not the documented JSON, empty, or longer than [`MAX_REPLY_CHARS`]. A refused,
//! failed or late verdict ([`TURN_BUDGET`]) leaves the turn to the embedded method. Only
//! PII-redacted text is sent.

use crate::llm::{LlmClient, LlmError};
use closer_wire::{AgentFaq, Objection};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;

/// The system prompt; `{{name}}`, `{{persona}}`, `{{faq}}`, `{{battle_cards}}` and `{{language}}`
/// are filled in.
pub const SYSTEM_PROMPT: &str = include_str!("../../prompts/agent_turn.system.md");
/// The user prompt; `{{question}}`, `{{answered}}`, `{{may_follow_up}}` and `{{turn}}` are filled in.
pub const USER_PROMPT: &str = include_str!("../../prompts/agent_turn.user.md");
/// How long the agent waits for the LLM's verdict on one turn before it reads the turn itself:
/// the guest already waited the VAD's 700 ms hangover and Whisper's decode, and #17 asks for
/// the agent's first audio within 1.5 s (p95) of their end of turn.
pub const TURN_BUDGET: Duration = Duration::from_millis(2_500);
/// The longest reply or follow-up said (characters): two spoken sentences.
pub const MAX_REPLY_CHARS: usize = 400;

/// A guest's turn, with what the agent needs to read it.
#[derive(Clone, Copy, Debug)]
pub struct TurnContext<'a> {
    /// The question the agent asked.
    pub question: &'a str,
    /// What the guest already answered to it (before a follow-up), as Whisper heard it.
    pub answered: Option<&'a str>,
    /// The agent may still ask a follow-up (one per question).
    pub may_follow_up: bool,
    /// The guest's turn, as Whisper heard it.
    pub turn: &'a str,
}

/// What the agent makes of a guest's turn, and says next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// An answer to the agent's question; `follow_up` is asked next when the answer leaves it
    /// unclear, else the agent goes on.
    Answer { follow_up: Option<String> },
    /// A question of the guest's; `reply` is said before the agent asks its own again.
    /// `answered`: from the FAQ; `false`: a colleague's answer was promised.
    Question { reply: String, answered: bool },
    /// An objection of the playbook's; `reply` (from its battle card) is said before the agent
    /// asks its own question again.
    Objection { reply: String },
}

/// Why a verdict was not used.
#[derive(Debug, thiserror::Error)]
pub enum ReasoningError {
    /// The LLM could not be reached or failed.
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// The answer was not the documented JSON object.
    #[error("the LLM's verdict is not the documented JSON: {0}")]
    Shape(String),
    /// The verdict broke a rule (an invented number, an empty or overlong line).
    #[error("the LLM's verdict was refused: {0}")]
    Refused(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Answer,
    Faq,
    Objection,
    Question,
}

#[derive(Deserialize)]
struct Verdict {
    kind: Kind,
    reply: Option<String>,
    follow_up: Option<String>,
}

/// An agent's reasoning through the configured LLM.
pub struct Reasoner {
    client: LlmClient,
    system: String,
    /// The numbers the agent may say: those of its FAQ, battle cards and persona.
    known_numbers: BTreeSet<String>,
}

impl Reasoner {
    /// The reasoning of the agent `name` speaking `language` (`en` or `it`), with its
    /// `persona` (and instructions), `faq` and the meeting playbook's `objections`, through
    /// `client`.
    pub fn new(client: LlmClient, name: &str, language: &str, persona: &str, faq: &[AgentFaq], objections: &[Objection]) -> Self {
        let listed = |lines: Vec<String>| if lines.is_empty() { "(none)".to_owned() } else { lines.join("\n") };
        let faq_text = listed(faq.iter().map(|f| format!("- Q: {}\n  A: {}", f.question, f.answer)).collect());
        let cards = listed(
            objections
                .iter()
                .map(|o| {
                    let said = o.examples.first().map(|e| format!(" (\"{e}\")")).unwrap_or_default();
                    format!("- {}{said}: {}", o.title, o.battle_card.points.join("; "))
                })
                .collect(),
        );
        let persona = if persona.trim().is_empty() { "(none)" } else { persona };
        let spoken = if language.to_ascii_lowercase().starts_with("it") { "Italian" } else { "English" };
        let system = SYSTEM_PROMPT
            .replace("{{name}}", name)
            .replace("{{persona}}", persona)
            .replace("{{faq}}", &faq_text)
            .replace("{{battle_cards}}", &cards)
            .replace("{{language}}", spoken);
        let known_numbers = numbers(&format!("{persona} {faq_text} {cards}"));
        Self { client, system, known_numbers }
    }

    /// The LLM's reading of `turn`, checked.
    ///
    /// Errors: [`ReasoningError`]; the caller then reads the turn with the embedded method.
    pub async fn read(&self, turn: TurnContext<'_>) -> Result<Response, ReasoningError> {
        let heard = crate::pii::redact(turn.turn).text;
        let answered = turn.answered.map(|a| crate::pii::redact(a).text);
        let user = USER_PROMPT
            .replace("{{question}}", turn.question)
            .replace("{{answered}}", answered.as_deref().unwrap_or("(nothing yet)"))
            .replace("{{may_follow_up}}", if turn.may_follow_up { "yes" } else { "no" })
            .replace("{{turn}}", &heard);
        let text = self.client.complete(&self.system, &user, true).await?;
        let mut known = self.known_numbers.clone();
        known.extend(numbers(&format!("{} {} {heard}", turn.question, answered.as_deref().unwrap_or(""))));
        check(&text, &known, turn.may_follow_up)
    }

    /// The model, for the logs.
    pub fn model(&self) -> &str {
        self.client.model()
    }
}

/// Checks the LLM's answer `text` against the rules: the documented JSON (a code fence around
/// it tolerated), a non-empty reply to a question, no number outside `known`, no line longer
/// than [`MAX_REPLY_CHARS`]; a follow-up only when `may_follow_up`.
///
/// Errors: [`ReasoningError::Shape`] or [`ReasoningError::Refused`].
pub fn check(text: &str, known: &BTreeSet<String>, may_follow_up: bool) -> Result<Response, ReasoningError> {
    let json = text.trim().trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```").trim();
    let verdict: Verdict = serde_json::from_str(json).map_err(|e| ReasoningError::Shape(e.to_string()))?;
    let line = |text: Option<String>| -> Result<Option<String>, ReasoningError> {
        let Some(text) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else { return Ok(None) };
        if text.chars().count() > MAX_REPLY_CHARS {
            return Err(ReasoningError::Refused(format!("a line of {} characters", text.chars().count())));
        }
        if let Some(invented) = numbers(&text).into_iter().find(|n| !known.contains(n)) {
            return Err(ReasoningError::Refused(format!("the number {invented} is in neither the FAQ, the persona nor the call")));
        }
        Ok(Some(text))
    };
    match verdict.kind {
        Kind::Answer => Ok(Response::Answer { follow_up: if may_follow_up { line(verdict.follow_up)? } else { None } }),
        Kind::Faq | Kind::Objection | Kind::Question => {
            let reply = line(verdict.reply)?.ok_or_else(|| ReasoningError::Refused("a question or objection with no reply".into()))?;
            Ok(match verdict.kind {
                Kind::Objection => Response::Objection { reply },
                kind => Response::Question { reply, answered: matches!(kind, Kind::Faq) },
            })
        }
    }
}

/// The numbers written in `text`, digits only ("1,200.50" and "1.200,50" both "120050").
pub fn numbers(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if (c == ',' || c == '.' || c == '\'') && !current.is_empty() && chars.peek().is_some_and(char::is_ascii_digit) {
            // a thousands or decimal separator inside a number
        } else if !current.is_empty() {
            found.insert(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        found.insert(current);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str) -> BTreeSet<String> {
        numbers(text)
    }

    #[test]
    fn numbers_ignore_separators() {
        assert_eq!(numbers("€ 1.200,50 or 1,200.50 for 3 seats"), ["120050", "3"].map(String::from).into());
        assert!(numbers("no figures here.").is_empty());
    }

    #[test]
    fn a_verdict_is_the_documented_json() {
        let k = known("30");
        assert_eq!(
            check(r#"{"kind":"faq","reply":"It is 30 euros a seat.","follow_up":null}"#, &k, true).unwrap(),
            Response::Question { reply: "It is 30 euros a seat.".into(), answered: true }
        );
        assert_eq!(
            check("```json\n{\"kind\":\"question\",\"reply\":\"A colleague will call you.\"}\n```", &k, true).unwrap(),
            Response::Question { reply: "A colleague will call you.".into(), answered: false }
        );
        assert_eq!(
            check(r#"{"kind":"answer","reply":null,"follow_up":"Who signs it off?"}"#, &k, true).unwrap(),
            Response::Answer { follow_up: Some("Who signs it off?".into()) }
        );
        assert_eq!(
            check(r#"{"kind":"answer","follow_up":"Who signs it off?"}"#, &k, false).unwrap(),
            Response::Answer { follow_up: None },
            "one follow-up per question"
        );
        assert!(matches!(check("Sure! It costs 30 euros.", &k, true), Err(ReasoningError::Shape(_))));
        assert_eq!(
            check(r#"{"kind":"objection","reply":"Most teams see it pay back within a quarter."}"#, &k, true).unwrap(),
            Response::Objection { reply: "Most teams see it pay back within a quarter.".into() }
        );
        assert!(matches!(check(r#"{"kind":"maybe"}"#, &k, true), Err(ReasoningError::Shape(_))));
    }

    #[test]
    fn an_invented_number_or_an_empty_reply_is_refused() {
        let k = known("30 euros a seat");
        assert!(matches!(check(r#"{"kind":"faq","reply":"Only 25 euros this month!"}"#, &k, true), Err(ReasoningError::Refused(_))));
        assert!(matches!(check(r#"{"kind":"answer","follow_up":"Would 2,000 a year work?"}"#, &k, true), Err(ReasoningError::Refused(_))));
        assert!(matches!(check(r#"{"kind":"question","reply":"  "}"#, &k, true), Err(ReasoningError::Refused(_))));
        let long = format!(r#"{{"kind":"faq","reply":"{}"}}"#, "a".repeat(MAX_REPLY_CHARS + 1));
        assert!(matches!(check(&long, &k, true), Err(ReasoningError::Refused(_))));
    }
}
