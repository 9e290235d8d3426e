//! Shared application state handed to every HTTP handler.

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::KeyedLimit;
use crate::config::Config;
use crate::live::persist::Persister;
use crate::live::registry::LiveRegistry;
use crate::recording::Recorder;
use crate::models::ModelPaths;
use crate::mail::Mailer;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::room::RoomClient;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// Cheap to clone: every field is reference-counted.
#[derive(Clone)]
pub struct AppState {
    /// Loaded configuration.
    pub config: Arc<Config>,
    /// PostgreSQL pool (lazy; reconnects by itself).
    pub pg: PgPool,
    /// MongoDB database handle.
    pub mongo: mongodb::Database,
    /// LiveKit RoomService client.
    pub livekit: Arc<RoomClient>,
    /// LiveKit AgentDispatchService client (the copilot's dispatch to each meeting's room).
    pub dispatches: Arc<AgentDispatchClient>,
    /// Access-token signing keys.
    pub jwt: JwtKeys,
    /// SMTP sender of confirmation e-mails (connects per message).
    pub mailer: Mailer,
    /// Login attempts per client IP (key: the address), across the deployment.
    pub login_limit: KeyedLimit,
    /// Guest join attempts per client IP and meeting (key: `<address>/<meeting>`), across the
    /// deployment.
    pub join_limit: KeyedLimit,
    /// The HUD's event streams, shared by every server process of the deployment.
    pub fanout: crate::live::fanout::Fanout,
    /// Live sessions (audio → HUD events) of this server.
    pub live: Arc<LiveRegistry>,
    /// Per-speaker audio kept for the post-call replay (shared by live sessions and finalize).
    pub recorder: Recorder,
}

impl AppState {
    /// Builds the state without touching the network, so the server can start while a
    /// service is down and report it on `/healthz`.
    ///
    /// Errors: malformed database, Redis or SMTP URLs, malformed `mail_from`.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let pg = crate::store::relational::pool(&config.database_url)?;
        let mongo =
            crate::store::documents::connect(&config.mongodb_url, &config.mongodb_database).await?;
        let livekit = Arc::new(crate::livekit::room_client(&config));
        let dispatches = Arc::new(crate::livekit::dispatch_client(&config));
        let jwt = JwtKeys::new(config.jwt_secret.as_bytes(), Duration::from_secs(config.access_token_ttl_secs));
        let mailer = Mailer::new(&config.smtp_url, &config.mail_from)?;
        let redis = redis::Client::open(config.redis_url.as_str())?;
        let login_limit = KeyedLimit::per_minute(redis.clone(), &config.redis_prefix, "login", config.login_rate_per_minute);
        let join_limit = KeyedLimit::per_minute(redis.clone(), &config.redis_prefix, "join", config.join_rate_per_minute);
        let recorder = Recorder::start(config.recordings_dir.clone());
        let fanout = crate::live::fanout::Fanout::start(redis, &config.redis_prefix);
        let live = Arc::new(LiveRegistry::new(
            ModelPaths::in_dir(&config.models_dir),
            crate::stt::deepgram::DeepgramConfig::from_config(&config),
            config.stt_provider,
            pg.clone(),
            Persister::start(mongo.clone()),
            fanout.clone(),
        )
        .with_recorder(recorder.clone())
        .with_llm(crate::llm::LlmClient::from_config(&config)));
        Ok(Self { config: Arc::new(config), pg, mongo, livekit, dispatches, jwt, mailer, login_limit, join_limit, fanout, live, recorder })
    }
}

/// What the [`crate::auth::extract::AuthUser`] extractor verifies tokens with.
impl axum::extract::FromRef<AppState> for JwtKeys {
    fn from_ref(state: &AppState) -> Self {
        state.jwt.clone()
    }
}
