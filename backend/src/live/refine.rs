//! Optional LLM refinement of the next-best-action tip. The rule-based tip goes to the HUD at
//! once (the fast path never waits); when an LLM is configured (`llm_provider`, see
//! [`crate::llm`]) the session also asks it, in the background, to rewrite the tip for the
//! moment of the call, and shows the answer if it arrives within [`REFINE_TIMEOUT`] and the
//! tip is still current. Prompts: `backend/prompts/tip.system.md`, `tip.user.md`.
//!
//! Only redacted text is sent: the transcript lines are the session's redacted finals, and the
//! answer is redacted again before it is shown.

use crate::llm::{LlmClient, LlmError};
use std::time::Duration;

/// System prompt (compiled in).
pub const SYSTEM_PROMPT: &str = include_str!("../../prompts/tip.system.md");
/// User prompt template: `{{language}}`, `{{transcript}}`, `{{tip}}`, `{{notes}}`.
pub const USER_PROMPT: &str = include_str!("../../prompts/tip.user.md");
/// How long a refined tip may take before it is no longer worth showing: the conversation
/// has moved on after a few seconds.
pub const REFINE_TIMEOUT: Duration = Duration::from_secs(6);
/// Longest refined tip shown, characters (the prompt asks for ≤ 20 words; a model that
/// rambles is cut, not trusted).
pub const MAX_TIP_CHARS: usize = 200;

/// What the LLM gets for one tip.
#[derive(Clone, Debug)]
pub struct TipRequest {
    /// Call language (ISO 639-1).
    pub language: String,
    /// The last final lines, `Name: text`, oldest first (redacted).
    pub transcript: Vec<String>,
    /// The rule-based tip.
    pub tip: String,
    /// Playbook notes: the item's title and examples, or the battle card's talking points.
    pub notes: Vec<String>,
}

/// Why a refinement is not shown.
#[derive(Debug, thiserror::Error)]
pub enum RefineError {
    /// The provider failed.
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// No answer within [`REFINE_TIMEOUT`].
    #[error("no refined tip within {REFINE_TIMEOUT:?}")]
    Timeout,
    /// The answer was empty.
    #[error("empty refined tip")]
    Empty,
}

/// Asks the LLM for a refined tip.
#[derive(Clone, Debug)]
pub struct TipRefiner {
    client: LlmClient,
}

impl TipRefiner {
    /// Wraps a configured client.
    pub fn new(client: LlmClient) -> Self {
        Self { client }
    }

    /// Provenance shown with refined tips: `llm:<model>`.
    pub fn source(&self) -> String {
        format!("llm:{}", self.client.model())
    }

    /// The refined tip: one line, trimmed of quotes, at most [`MAX_TIP_CHARS`].
    ///
    /// Errors: [`RefineError`].
    pub async fn refine(&self, request: &TipRequest) -> Result<String, RefineError> {
        let user = USER_PROMPT
            .replace("{{language}}", &request.language)
            .replace("{{transcript}}", &request.transcript.join("\n"))
            .replace("{{tip}}", &request.tip)
            .replace("{{notes}}", &request.notes.iter().map(|n| format!("- {n}")).collect::<Vec<_>>().join("\n"));
        let answer = tokio::time::timeout(REFINE_TIMEOUT, self.client.complete(SYSTEM_PROMPT, &user, false))
            .await
            .map_err(|_| RefineError::Timeout)??;
        let line = answer.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        let tip: String = line.trim_matches(|c| c == '"' || c == '“' || c == '”').chars().take(MAX_TIP_CHARS).collect();
        if tip.is_empty() {
            return Err(RefineError::Empty);
        }
        Ok(tip)
    }
}
