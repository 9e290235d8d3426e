//! Summary, next steps and action items written by the configured LLM, from the prompt files
//! `backend/prompts/recap.system.md` and `recap.user.md` (compiled in). The transcript sent is
//! the stored one, already PII-redacted. Any failure (transport, shape) returns an error and
//! the caller keeps the extractive notes.

use super::build::{Analysis, Notes};
use super::record::CallRecord;
use crate::llm::{LlmClient, LlmError};
use chrono::NaiveDate;
use closer_wire::ActionItem;
use serde::Deserialize;

/// System prompt.
pub const SYSTEM_PROMPT: &str = include_str!("../../prompts/recap.system.md");
/// User prompt template (`{{title}}`, `{{call_date}}`, `{{language}}`, `{{playbook}}`,
/// `{{participants}}`, `{{facts}}`, `{{transcript}}`).
pub const USER_PROMPT: &str = include_str!("../../prompts/recap.user.md");
/// Transcript characters sent at most; beyond, the middle of the call is cut (openings and
/// closings carry the needs and the next steps).
pub const MAX_TRANSCRIPT_CHARS: usize = 60_000;

#[derive(Deserialize)]
struct Answer {
    summary: String,
    #[serde(default)]
    next_steps: Vec<String>,
    #[serde(default)]
    action_items: Vec<AnswerItem>,
}

#[derive(Deserialize)]
struct AnswerItem {
    text: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    due_date: Option<String>,
}

fn clock(ms: u64) -> String {
    format!("{:02}:{:02}", ms / 60_000, ms / 1000 % 60)
}

fn transcript(analysis: &Analysis) -> String {
    let lines: Vec<String> =
        analysis.transcript.iter().map(|l| format!("[{}] {}: {}", clock(l.start_ms), l.speaker_name, l.text)).collect();
    let full = lines.join("\n");
    if full.len() <= MAX_TRANSCRIPT_CHARS {
        return full;
    }
    let half = MAX_TRANSCRIPT_CHARS / 2;
    let head: String = full.chars().take(half).collect();
    let tail: String = full.chars().rev().take(half).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{head}\n[… middle of the call omitted …]\n{tail}")
}

/// The user prompt for this call.
pub fn user_prompt(record: &CallRecord, title: &str, analysis: &Analysis, call_date: NaiveDate) -> String {
    let participants: Vec<String> = analysis
        .speakers
        .iter()
        .map(|s| format!("- {} ({})", s.name, if s.side == closer_wire::Side::Seller { "seller" } else { "prospect" }))
        .collect();
    let k = &analysis.kpis;
    let covered: Vec<&str> = analysis.checklist.iter().filter(|c| c.covered).map(|c| c.title.as_str()).collect();
    let missing: Vec<&str> = analysis.checklist.iter().filter(|c| !c.covered).map(|c| c.title.as_str()).collect();
    let objections: Vec<String> = analysis
        .objections
        .iter()
        .map(|o| format!("{} ({})", o.title, if o.handled { "handled" } else { "not handled" }))
        .collect();
    let facts = format!(
        "- checklist covered: {}\n- checklist missing: {}\n- objections: {}\n- seller talk share: {}%",
        covered.join(", "),
        missing.join(", "),
        if objections.is_empty() { "none".into() } else { objections.join(", ") },
        k.seller_talk_pct
    );
    USER_PROMPT
        .replace("{{title}}", title)
        .replace("{{call_date}}", &call_date.to_string())
        .replace("{{language}}", &record.language)
        .replace("{{playbook}}", &record.playbook.name)
        .replace("{{participants}}", &participants.join("\n"))
        .replace("{{facts}}", &facts)
        .replace("{{transcript}}", &transcript(analysis))
}

/// The JSON object inside `text` (models sometimes wrap it in a code fence or prose).
fn json_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (end > start).then(|| &text[start..=end])
}

/// Notes from the LLM. Owners not among the participants are dropped (the model must not
/// invent people); unparsable dates are dropped.
///
/// Errors: [`LlmError`] for a failed request or an answer without the expected JSON.
pub async fn notes(
    client: &LlmClient,
    record: &CallRecord,
    title: &str,
    analysis: &Analysis,
    call_date: NaiveDate,
) -> Result<Notes, LlmError> {
    let answer = client.complete(SYSTEM_PROMPT, &user_prompt(record, title, analysis, call_date), true).await?;
    let json = json_object(&answer).ok_or_else(|| LlmError::Shape("no JSON object in the answer".into()))?;
    let parsed: Answer = serde_json::from_str(json).map_err(|e| LlmError::Shape(e.to_string()))?;
    if parsed.summary.trim().is_empty() {
        return Err(LlmError::Shape("empty summary".into()));
    }
    let names: Vec<&str> = analysis.speakers.iter().map(|s| s.name.as_str()).collect();
    let action_items = parsed
        .action_items
        .into_iter()
        .filter(|a| !a.text.trim().is_empty())
        .map(|a| ActionItem {
            text: a.text.trim().to_owned(),
            owner: a.owner.filter(|o| names.contains(&o.as_str())),
            due: a.due.filter(|d| !d.trim().is_empty()),
            due_date: a.due_date.and_then(|d| d.parse().ok()),
            segment_id: None,
        })
        .collect();
    Ok(Notes {
        summary: parsed.summary.trim().to_owned(),
        next_steps: parsed.next_steps.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
        action_items,
        method: format!("llm:{}", client.model()),
    })
}
