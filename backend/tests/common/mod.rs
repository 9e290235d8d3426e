//! Helpers shared by the integration tests. They run against the real services started by
//! `scripts/services up`; `scripts/test` exports their `CLOSER_*` variables.

#![allow(dead_code)] // each test binary uses a different subset

pub mod corpus;
pub mod smtp;

use closer::config::Config;
use std::path::PathBuf;

/// Configuration of the running services, from the `CLOSER_*` environment. The copilot's agent
/// name is unique to the test, so that meetings of tests are never dispatched to a copilot
/// worker another process registered with the same livekit-server (`serve`, another test); so
/// is the Redis prefix, so that tests running at once never share a rate limit's budget.
pub fn config() -> Config {
    let mut config = Config::load().unwrap_or_else(|e| {
        panic!("{e}\nrun the integration tests through `scripts/test`, which starts the services")
    });
    config.livekit_agent_name = unique("closer-test-agent");
    config.redis_prefix = unique("closer-test");
    config
}

/// Python of the venv `scripts/setup` makes for the receivers of what Closer sends (aiosmtpd,
/// icalendar, standardwebhooks) and schemathesis (its `schemathesis` command is beside it).
pub fn receivers_python() -> PathBuf {
    let cache = std::env::var_os("CLOSER_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/closer"));
    let python = cache.join("venv-receivers/bin/python");
    assert!(python.exists(), "{} missing: run scripts/setup", python.display());
    python
}

/// Repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A name unique to this test run, for rooms, collections and databases.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// A Closer server on a free loopback port, serving the real router (with connect info, as
/// `serve` does) against the real services, with the migrations applied.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub client: reqwest::Client,
    pub config: Config,
    pub pg: sqlx::PgPool,
    /// The server's state (live sessions, pools), for tests that act as an operator.
    pub state: closer::state::AppState,
}

impl TestApp {
    /// Starts a server with `config()` adjusted by `tune` (e.g. rate limits, SMTP URL).
    pub async fn start(tune: impl FnOnce(&mut Config)) -> Self {
        let mut config = config();
        tune(&mut config);
        let state = closer::state::AppState::new(config.clone()).await.expect("state");
        closer::store::relational::migrate(&state.pg).await.expect("migrate");
        let pg = state.pg.clone();
        let kept = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = closer::http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, client: reqwest::Client::new(), config, pg, state: kept }
    }

    /// Starts a server that mails through `smtp`, with links to `http://closer.test` and no
    /// login rate limit to speak of.
    pub async fn mailing_to(smtp: &smtp::SmtpServer) -> Self {
        Self::start(|c| {
            c.login_rate_per_minute = 1000;
            c.smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
            c.public_base_url = "http://closer.test".into();
        })
        .await
    }

    /// `{base}/api{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api{path}", self.base)
    }

    /// Sends `method` to `/api{path}` with an optional bearer token and JSON body; returns the
    /// status and the JSON body (`Null` when empty or not JSON).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// Creates an organization with a unique slug; returns (admin access token, org slug).
    pub async fn sign_up(&self, prefix: &str) -> (String, String) {
        let slug = unique(prefix).replace('_', "-");
        let (status, body) = self
            .call(
                reqwest::Method::POST,
                "/organizations",
                None,
                Some(serde_json::json!({
                    "organization_name": format!("Org {prefix}"),
                    "organization_slug": slug,
                    "email": format!("admin@{slug}.example.com"),
                    "password": "admin-password-1",
                    "display_name": "Admin",
                })),
            )
            .await;
        assert_eq!(status, 201, "sign-up: {body}");
        (body["access_token"].as_str().unwrap().to_owned(), slug)
    }

    /// Adds a user with `role` to the admin's organization and logs them in; returns
    /// (access token, user json).
    /// Sets the availability of the seller whose token is `seller`: Rome time, `start`–`end`
    /// (`HH:MM:SS`) on each of `days` (`monday`…), an hour's notice, 30 days ahead.
    pub async fn work_hours(&self, seller: &str, days: &[&str], start: &str, end: &str) {
        let hours = serde_json::json!({
            "time_zone": "Europe/Rome",
            "weekly": days.iter().map(|d| serde_json::json!({"weekday": d, "start": start, "end": end})).collect::<Vec<_>>(),
            "exceptions": [], "buffer_minutes": 0, "min_notice_minutes": 60, "horizon_days": 30, "intro": "",
        });
        let (status, body) = self.call(reqwest::Method::PUT, "/availability", Some(seller), Some(hours)).await;
        assert_eq!(status, 200, "{body}");
    }

    pub async fn add_user(&self, admin: &str, org_slug: &str, role: &str, name: &str) -> (String, serde_json::Value) {
        let slug = format!("{name}-{org_slug}");
        let email = format!("{name}@{org_slug}.example.com");
        let (status, user) = self
            .call(
                reqwest::Method::POST,
                "/users",
                Some(admin),
                Some(serde_json::json!({
                    "email": email, "password": "user-password-1", "display_name": name, "role": role, "slug": slug,
                })),
            )
            .await;
        assert_eq!(status, 201, "create user: {user}");
        let (status, session) = self
            .call(
                reqwest::Method::POST,
                "/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": "user-password-1"})),
            )
            .await;
        assert_eq!(status, 200, "login: {session}");
        (session["access_token"].as_str().unwrap().to_owned(), user)
    }

    /// Imports the shared fixture playbook `file` (e.g. `discovery-en.json`) into the admin's
    /// organization; returns its id.
    pub async fn import_fixture_playbook(&self, admin: &str, file: &str) -> String {
        let body: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture_playbook(file)).unwrap()).unwrap();
        let (status, stored) = self.call(reqwest::Method::POST, "/playbooks/import", Some(admin), Some(body)).await;
        assert_eq!(status, 201, "import: {stored}");
        stored["id"].as_str().unwrap().to_owned()
    }
}

/// Path of a playbook of `shared/fixtures/playbooks` (or `$CLOSER_SHARED_DIR/fixtures/playbooks`).
pub fn fixture_playbook(file: &str) -> PathBuf {
    std::env::var_os("CLOSER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
        .join("fixtures/playbooks")
        .join(file)
}

/// `shared/` beside the repository (or `CLOSER_SHARED_DIR`).
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CLOSER_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared"))
}

/// Directory of a rendered fixture (`scripts/fixtures`), e.g. `en-discovery`.
pub fn fixture_dir(id: &str) -> PathBuf {
    let root = std::env::var_os("CLOSER_FIXTURES_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/closer/fixtures")
    });
    let dir = root.join(id);
    assert!(dir.join("timeline.json").is_file(), "{} missing: run scripts/fixtures", dir.display());
    dir
}

/// The rendered timeline of a fixture and its playbook.
pub fn fixture(id: &str) -> (closer_testkit::eval::Timeline, closer_wire::Playbook) {
    let dir = fixture_dir(id);
    let timeline: closer_testkit::eval::Timeline =
        serde_json::from_slice(&std::fs::read(dir.join("timeline.json")).unwrap()).unwrap();
    let path = shared_dir().join("fixtures").join(&timeline.playbook);
    let playbook = serde_json::from_slice(&std::fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (timeline, playbook)
}

/// Model files prepared by `scripts/models`.
pub fn models() -> closer::models::ModelPaths {
    let dir = std::env::var_os("CLOSER_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Config::default().models_dir);
    closer::models::ModelPaths::in_dir(&dir)
}

/// A HUD socket's text message as an event, or `None` for a [`closer_wire::HudNotice`] (a
/// `notice` field, outside the event stream). Panics on anything else.
pub fn hud_event(text: &str) -> Option<closer_wire::HudEnvelope> {
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("HUD message is not JSON ({e}): {text}"));
    if value.get("notice").is_some() {
        return None;
    }
    Some(serde_json::from_value(value).unwrap_or_else(|e| panic!("HUD message is not an event ({e}): {text}")))
}

/// Every day of the week, as availability names them.
pub const EVERY_DAY: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
