//! Server configuration: documented defaults, then an optional TOML file, then `CLOSER_*`
//! environment variables (later sources win).
//!
//! The file is `closer.toml` in the working directory, or the path in `CLOSER_CONFIG`. Keys are
//! the field names below (`http_addr = "127.0.0.1:8787"`); environment variables are the same
//! names upper-cased with a `CLOSER_` prefix (`CLOSER_HTTP_ADDR`). `scripts/services up` writes
//! the service URLs and LiveKit credentials to `$CLOSER_STATE_DIR/services.env` in that form.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the server needs to start. Secrets (`livekit_api_secret`, `jwt_secret`, SMTP
/// credentials, `deepgram_api_key`) are never logged:
/// [`Config`]'s `Debug` implementation redacts them.
#[derive(Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address the HTTP server binds. Default `127.0.0.1:8787`.
    pub http_addr: SocketAddr,
    /// PostgreSQL URL. Default `postgres://closer@127.0.0.1:5432/closer`.
    pub database_url: String,
    /// MongoDB-wire URL (FerretDB locally). Default `mongodb://127.0.0.1:27017/`.
    pub mongodb_url: String,
    /// MongoDB database holding transcripts, events and analytics. Default `closer`.
    pub mongodb_database: String,
    /// Redis URL: the HUD's event streams and the rate limits, shared by the deployment's
    /// server processes. Default `redis://127.0.0.1:6379/`.
    pub redis_url: String,
    /// Prefix of every Redis key and channel Closer uses (`<prefix>:hud:<meeting>`,
    /// `<prefix>:limit:…`), so that deployments (or test runs) can share one Redis without
    /// seeing each other's streams and rate limits; every process of one deployment must use
    /// the same. Default `closer`.
    pub redis_prefix: String,
    /// LiveKit server HTTP URL (the API; clients use the same host over WebSocket).
    /// Default `http://127.0.0.1:7880`.
    pub livekit_url: String,
    /// LiveKit API key. Default `closer`.
    pub livekit_api_key: String,
    /// LiveKit API secret. No default: required.
    pub livekit_api_secret: String,
    /// Directory written by `scripts/models` (Whisper ggml, sentence encoder, onnxruntime).
    /// Default `$HOME/.cache/closer/models`.
    pub models_dir: PathBuf,
    /// Development only: let webhook URLs reach loopback, private (RFC 1918, fc00::/7),
    /// link-local and CGNAT addresses (a local CRM mock). Cloud metadata addresses stay refused.
    /// Default `false`: webhooks only reach public addresses (SSRF guard, `webhooks::ssrf`).
    pub webhooks_allow_private: bool,
    /// Attempts per webhook delivery before it is dead-lettered. Default 12.
    pub webhook_max_attempts: u32,
    /// First webhook retry delay, ms (doubles per retry, equal jitter). Default 30000.
    pub webhook_backoff_base_ms: u64,
    /// Longest webhook retry delay, ms. Default 21600000 (6 h).
    pub webhook_backoff_max_ms: u64,
    /// Deadline of one webhook HTTP attempt, ms. Default 10000.
    pub webhook_timeout_ms: u64,
    /// How often the webhook worker looks for due deliveries when idle, ms. Default 1000.
    pub webhook_poll_ms: u64,
    /// Optional LLM for post-call notes (summary, next steps, action items): `none` (default:
    /// the embedded extractive method, offline), `openai` (any OpenAI-compatible chat API:
    /// OpenAI, Azure, Ollama, vLLM) or `anthropic`.
    pub llm_provider: LlmProvider,
    /// API base URL. Default `https://api.openai.com/v1` (openai) or `https://api.anthropic.com`
    /// (anthropic); e.g. `http://127.0.0.1:11434/v1` for Ollama.
    pub llm_base_url: Option<String>,
    /// Model name (required for an LLM to be used), e.g. `gpt-4o-mini`.
    pub llm_model: String,
    /// API key (secret, never logged); none for local servers.
    pub llm_api_key: Option<String>,
    /// Deadline of one LLM request, ms. Default 60000.
    pub llm_timeout_ms: u64,
    /// How often the finalize worker looks for ended meetings, ms. Default 2000.
    pub finalize_poll_ms: u64,
    /// How long a finalize claim lasts before another worker may take it over (a server that
    /// died mid-finalize), ms. Default 300000 (5 min).
    pub finalize_lease_ms: u64,
    /// Where replay audio is kept: per meeting, the raw per-speaker tracks during the call and
    /// the mixed Opus/WebM file after it. Default `$HOME/.local/share/closer/recordings`.
    pub recordings_dir: PathBuf,
    /// Deadline of each `/healthz` probe, in milliseconds. Default 2000.
    pub health_probe_timeout_ms: u64,
    /// How long graceful shutdown waits for in-flight requests, in milliseconds. Default 10000.
    pub shutdown_grace_ms: u64,
    /// HMAC key signing the API's access tokens (JWT HS256). No default: required; use at
    /// least 32 random bytes. Rotating it logs every user out within `access_token_ttl_secs`.
    pub jwt_secret: String,
    /// Lifetime of an access token, in seconds. Default 900 (15 min).
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token (each use rotates it), in days. Default 30.
    pub refresh_token_ttl_days: u32,
    /// Lifetime of a LiveKit token handed to a participant, in seconds. Default 3600; the
    /// token only gates joining, an ongoing call outlives it.
    pub livekit_token_ttl_secs: u64,
    /// Agent name this server's copilot worker registers with LiveKit's agent dispatch, and
    /// the name a meeting's dispatch asks for (every server of one deployment uses the same).
    /// Default `closer-copilot`.
    pub livekit_agent_name: String,
    /// Public URL of the web UI, used in e-mailed links (`/meet/<uuid>`, `/book/...`).
    /// Default `http://127.0.0.1:8787`.
    pub public_base_url: String,
    /// SMTP server for confirmation e-mails: `smtp://host:port` (plain), `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://host:port`, optionally with `user:password@`. Default
    /// `smtp://127.0.0.1:25`.
    pub smtp_url: String,
    /// Sender of e-mails (`Name <address>`). Default `Closer <no-reply@closer.localhost>`.
    pub mail_from: String,
    /// Login (and sign-up and password-reset) attempts allowed per client IP per minute, across
    /// all server processes. Default 10.
    pub login_rate_per_minute: u32,
    /// Guest join attempts allowed per client IP and meeting per minute, across all server
    /// processes. Default 20.
    pub join_rate_per_minute: u32,
    /// Directory of the built web UI (`npm run build` in `ui/` writes it), served for every
    /// path outside `/api` (`index.html` for the app's own routes such as `/meet/<id>`).
    /// Default: the repository's `ui/dist`, as an absolute path fixed at compile time.
    pub ui_dir: PathBuf,
    /// Live speech-to-text: `whisper` (embedded, default) or `deepgram` (falls back to the
    /// embedded one when Deepgram fails mid-call).
    pub stt_provider: SttProviderKind,
    /// Deepgram live endpoint. Default `wss://api.deepgram.com/v1/listen`.
    pub deepgram_url: String,
    /// Deepgram API key (secret). Required when `stt_provider = "deepgram"`.
    pub deepgram_api_key: Option<String>,
    /// Deepgram model. Default `nova-2`.
    pub deepgram_model: String,
    /// The Chromium that prints recaps to PDF ([`crate::recap::pdf`]): a path, or a name looked
    /// up in `PATH`. Default `chromium` (Debian's package; `scripts/setup` installs it).
    pub pdf_browser: String,
    /// UDP address of the phone line's SIP gateway (`phone::line`), e.g. `127.0.0.1:5060`;
    /// calls' RTP is bound on the same IP, so it must be one callers can reach (not
    /// `0.0.0.0`). Unset (the default): no phone line.
    pub sip_addr: Option<SocketAddr>,
}

/// Which live STT provider the server uses by default (organizations and meetings may choose
/// another: [`crate::stt::settings`]).
pub use closer_wire::SttProviderKind;

impl Default for Config {
    fn default() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| "/".into());
        Self {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8787)),
            database_url: "postgres://closer@127.0.0.1:5432/closer".into(),
            mongodb_url: "mongodb://127.0.0.1:27017/".into(),
            mongodb_database: "closer".into(),
            redis_url: "redis://127.0.0.1:6379/".into(),
            redis_prefix: "closer".into(),
            livekit_url: "http://127.0.0.1:7880".into(),
            livekit_api_key: "closer".into(),
            livekit_api_secret: String::new(),
            models_dir: home.join(".cache/closer/models"),
            webhooks_allow_private: false,
            webhook_max_attempts: 12,
            webhook_backoff_base_ms: 30_000,
            webhook_backoff_max_ms: 6 * 3600 * 1000,
            webhook_timeout_ms: 10_000,
            webhook_poll_ms: 1000,
            llm_provider: LlmProvider::None,
            llm_base_url: None,
            llm_model: String::new(),
            llm_api_key: None,
            llm_timeout_ms: 60_000,
            finalize_poll_ms: 2000,
            finalize_lease_ms: 300_000,
            recordings_dir: home.join(".local/share/closer/recordings"),
            health_probe_timeout_ms: 2000,
            shutdown_grace_ms: 10_000,
            jwt_secret: String::new(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            livekit_token_ttl_secs: 3600,
            livekit_agent_name: "closer-copilot".into(),
            public_base_url: "http://127.0.0.1:8787".into(),
            smtp_url: "smtp://127.0.0.1:25".into(),
            mail_from: "Closer <no-reply@closer.localhost>".into(),
            login_rate_per_minute: 10,
            join_rate_per_minute: 20,
            ui_dir: Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join("ui/dist"),
            stt_provider: SttProviderKind::Whisper,
            deepgram_url: "wss://api.deepgram.com/v1/listen".into(),
            deepgram_api_key: None,
            deepgram_model: "nova-2".into(),
            pdf_browser: "chromium".into(),
            sip_addr: None,
        }
    }
}

/// Which LLM provider post-call notes use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LlmProvider {
    /// No LLM: the embedded extractive method.
    #[default]
    None,
    /// OpenAI-compatible chat completions (`POST {base}/chat/completions`).
    Openai,
    /// Anthropic Messages (`POST {base}/v1/messages`).
    Anthropic,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("http_addr", &self.http_addr)
            .field("database_url", &redact_url(&self.database_url))
            .field("mongodb_url", &redact_url(&self.mongodb_url))
            .field("mongodb_database", &self.mongodb_database)
            .field("redis_url", &redact_url(&self.redis_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("livekit_url", &self.livekit_url)
            .field("livekit_api_key", &self.livekit_api_key)
            .field("livekit_api_secret", &"[redacted]")
            .field("livekit_agent_name", &self.livekit_agent_name)
            .field("models_dir", &self.models_dir)
            .field("jwt_secret", &"[redacted]")
            .field("public_base_url", &self.public_base_url)
            .field("sip_addr", &self.sip_addr)
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("ui_dir", &self.ui_dir)
            .field("stt_provider", &self.stt_provider)
            .field("deepgram_url", &self.deepgram_url)
            .field("deepgram_api_key", &self.deepgram_api_key.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// Hides a `user:password@` part of a URL so configuration can be logged.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://[redacted]@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A source had a malformed value (the message names the key and the source).
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// A required value has no default and was not set.
    #[error("missing configuration: {0} (set CLOSER_{1} or `{0}` in closer.toml)")]
    Missing(&'static str, &'static str),
}

impl Config {
    /// Loads defaults ← TOML file ← `CLOSER_*` environment.
    ///
    /// Errors: [`ConfigError::Invalid`] for unparsable values, [`ConfigError::Missing`] when
    /// `livekit_api_secret` or `jwt_secret` is empty, or when `stt_provider` is `deepgram`
    /// without a `deepgram_api_key`.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var_os("CLOSER_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| "closer.toml".into());
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Toml::file(file))
                .merge(Env::prefixed("CLOSER_").ignore(&["config"])),
        )
    }

    /// Extracts and validates a configuration from an explicit set of sources (used by tests).
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Config = figment.extract().map_err(Box::new)?;
        if config.livekit_api_secret.is_empty() {
            return Err(ConfigError::Missing("livekit_api_secret", "LIVEKIT_API_SECRET"));
        }
        if config.jwt_secret.is_empty() {
            return Err(ConfigError::Missing("jwt_secret", "JWT_SECRET"));
        }
        if config.stt_provider == SttProviderKind::Deepgram && config.deepgram_api_key.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError::Missing("deepgram_api_key", "DEEPGRAM_API_KEY"));
        }
        Ok(config)
    }

    /// Per-probe deadline of `/healthz`.
    pub fn health_probe_timeout(&self) -> Duration {
        Duration::from_millis(self.health_probe_timeout_ms)
    }
}

// figment::Jail's closures must return figment's own (large) error type.
#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_overrides_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env(); // scripts/test exports the real services' CLOSER_* variables
            jail.create_file(
                "closer.toml",
                "mongodb_database = \"from_file\"\nlivekit_api_secret = \"s3\"\njwt_secret = \"j\"\nhttp_addr = \"127.0.0.1:9000\"",
            )?;
            jail.set_env("CLOSER_HTTP_ADDR", "127.0.0.1:9100");
            let config = Config::load().map_err(|e| e.to_string())?;
            assert_eq!(config.mongodb_database, "from_file");
            assert_eq!(config.http_addr.port(), 9100);
            assert_eq!(config.livekit_url, Config::default().livekit_url);
            Ok(())
        });
    }

    #[test]
    fn missing_secret_and_bad_values_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            let err = Config::load().unwrap_err().to_string();
            assert!(err.contains("CLOSER_LIVEKIT_API_SECRET"), "{err}");
            jail.set_env("CLOSER_LIVEKIT_API_SECRET", "s");
            let err = Config::load().unwrap_err().to_string();
            assert!(err.contains("CLOSER_JWT_SECRET"), "{err}");
            jail.set_env("CLOSER_JWT_SECRET", "j");
            jail.set_env("CLOSER_HTTP_ADDR", "not an address");
            let err = Config::load().unwrap_err().to_string();
            assert!(err.to_lowercase().contains("http_addr"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn deepgram_needs_a_key() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("CLOSER_LIVEKIT_API_SECRET", "s");
            jail.set_env("CLOSER_JWT_SECRET", "j");
            assert_eq!(Config::load().map_err(|e| e.to_string())?.stt_provider, SttProviderKind::Whisper);
            jail.set_env("CLOSER_STT_PROVIDER", "deepgram");
            let err = Config::load().unwrap_err().to_string();
            assert!(err.contains("CLOSER_DEEPGRAM_API_KEY"), "{err}");
            jail.set_env("CLOSER_DEEPGRAM_API_KEY", "k");
            let config = Config::load().map_err(|e| e.to_string())?;
            assert_eq!((config.stt_provider, config.deepgram_model.as_str()), (SttProviderKind::Deepgram, "nova-2"));
            jail.set_env("CLOSER_STT_PROVIDER", "azure");
            let err = Config::load().unwrap_err().to_string();
            assert!(err.to_lowercase().contains("stt_provider"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = Config {
            livekit_api_secret: "topsecret".into(),
            jwt_secret: "jwtsecret".into(),
            smtp_url: "smtp://mailer:mailpass@h:25".into(),
            database_url: "postgres://u:hunter2@h/db".into(),
            deepgram_api_key: Some("dgkey".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        for secret in ["topsecret", "hunter2", "jwtsecret", "mailpass", "dgkey"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
