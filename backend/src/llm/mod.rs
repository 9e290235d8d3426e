//! Optional cloud/self-hosted LLM behind one call: an OpenAI-compatible chat API (OpenAI,
//! Azure OpenAI, Ollama, vLLM …) or Anthropic's Messages API, via reqwest. Configured by
//! `llm_provider`, `llm_base_url`, `llm_model`, `llm_api_key`, `llm_timeout_ms`; with
//! `llm_provider = "none"` (the default) nothing is ever sent anywhere.
//!
//! Callers send only PII-redacted text. The API key is never logged.

use crate::config::{Config, LlmProvider};
use serde_json::{Value, json};
use std::time::Duration;

/// Why a completion failed (the caller falls back to its embedded method).
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// Transport failure or timeout.
    #[error("LLM request failed: {0}")]
    Http(String),
    /// A non-2xx answer.
    #[error("LLM answered HTTP {status}: {excerpt}")]
    Status { status: u16, excerpt: String },
    /// The answer did not have the provider's documented shape.
    #[error("LLM answer not understood: {0}")]
    Shape(String),
}

/// A configured provider.
#[derive(Clone)]
pub struct LlmClient {
    provider: LlmProvider,
    base_url: String,
    model: String,
    api_key: Option<String>,
    http: reqwest::Client,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient").field("provider", &self.provider).field("base_url", &self.base_url).field("model", &self.model).finish_non_exhaustive()
    }
}

impl LlmClient {
    /// The configured client; `None` when `llm_provider` is `none` or no model is set.
    pub fn from_config(config: &Config) -> Option<Self> {
        if config.llm_provider == LlmProvider::None || config.llm_model.trim().is_empty() {
            return None;
        }
        let base_url = config.llm_base_url.clone().unwrap_or_else(|| match config.llm_provider {
            LlmProvider::Anthropic => "https://api.anthropic.com".into(),
            _ => "https://api.openai.com/v1".into(),
        });
        let http = reqwest::Client::builder().timeout(Duration::from_millis(config.llm_timeout_ms)).build().ok()?;
        Some(Self {
            provider: config.llm_provider,
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: config.llm_model.clone(),
            api_key: config.llm_api_key.clone().filter(|k| !k.is_empty()),
            http,
        })
    }

    /// The model name, for provenance (`llm:<model>`).
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Sends `system` + `user` and returns the assistant's text. `json` asks OpenAI-compatible
    /// servers for a JSON object (`response_format`); Anthropic is asked through the prompt.
    ///
    /// Errors: [`LlmError`].
    pub async fn complete(&self, system: &str, user: &str, json: bool) -> Result<String, LlmError> {
        let request = match self.provider {
            LlmProvider::Anthropic => {
                let mut r = self.http.post(format!("{}/v1/messages", self.base_url)).header("anthropic-version", "2023-06-01").json(&json!({
                    "model": self.model,
                    "max_tokens": 2048,
                    "temperature": 0.2,
                    "system": system,
                    "messages": [{"role": "user", "content": user}],
                }));
                if let Some(key) = &self.api_key {
                    r = r.header("x-api-key", key);
                }
                r
            }
            _ => {
                let mut body = json!({
                    "model": self.model,
                    "temperature": 0.2,
                    "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
                });
                if json {
                    body["response_format"] = json!({"type": "json_object"});
                }
                let mut r = self.http.post(format!("{}/chat/completions", self.base_url)).json(&body);
                if let Some(key) = &self.api_key {
                    r = r.bearer_auth(key);
                }
                r
            }
        };
        let response = request.send().await.map_err(|e| LlmError::Http(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| LlmError::Http(e.without_url().to_string()))?;
        if !(200..300).contains(&status) {
            return Err(LlmError::Status { status, excerpt: text.chars().take(300).collect() });
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| LlmError::Shape(e.to_string()))?;
        let content = match self.provider {
            LlmProvider::Anthropic => value["content"]
                .as_array()
                .and_then(|blocks| blocks.iter().find(|b| b["type"] == "text"))
                .and_then(|b| b["text"].as_str()),
            _ => value["choices"][0]["message"]["content"].as_str(),
        };
        content.map(str::to_owned).ok_or_else(|| LlmError::Shape("no text in the answer".into()))
    }
}
