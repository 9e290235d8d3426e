//! `serve` against a private set of real services (own state dir and ports, so stopping them
//! does not disturb other tests): migrations applied at start, request ids, `/healthz` flipping
//! to 503 when each service is stopped and back to 200 when it is restarted, graceful shutdown.

mod common;

use closer::config::Config;
use closer_wire::{HealthReport, HealthStatus};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A private `scripts/services` instance, stopped on drop.
struct PrivateServices {
    state: tempfile::TempDir,
}

impl PrivateServices {
    fn start() -> Self {
        let this = Self { state: tempfile::tempdir().unwrap() };
        this.run(&["up"]);
        this
    }

    fn run(&self, args: &[&str]) -> String {
        let script: PathBuf = common::repo_root().join("scripts/services");
        let out = Command::new(&script)
            .args(args)
            .env("CLOSER_STATE_DIR", self.state.path())
            .output()
            .expect("run scripts/services");
        assert!(
            out.status.success(),
            "scripts/services {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn config(&self, http_port: u16) -> Config {
        let env: HashMap<String, String> = self
            .run(&["env"])
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Config {
            http_addr: ([127, 0, 0, 1], http_port).into(),
            database_url: env["CLOSER_DATABASE_URL"].clone(),
            mongodb_url: env["CLOSER_MONGODB_URL"].clone(),
            livekit_url: env["CLOSER_LIVEKIT_URL"].clone(),
            livekit_api_key: env["CLOSER_LIVEKIT_API_KEY"].clone(),
            livekit_api_secret: env["CLOSER_LIVEKIT_API_SECRET"].clone(),
            redis_url: env["CLOSER_REDIS_URL"].clone(),
            health_probe_timeout_ms: 1000,
            ..Config::default()
        }
    }
}

impl Drop for PrivateServices {
    fn drop(&mut self) {
        let _ = Command::new(common::repo_root().join("scripts/services"))
            .arg("down")
            .env("CLOSER_STATE_DIR", self.state.path())
            .output();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn health(client: &reqwest::Client, base: &str) -> Option<(u16, HealthReport)> {
    let response = client.get(format!("{base}/healthz")).send().await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.ok()?))
}

/// Polls `/healthz` until `accept` holds, for at most 30 s; returns the last report.
async fn wait_for(
    client: &reqwest::Client,
    base: &str,
    what: &str,
    accept: impl Fn(u16, &HealthReport) -> bool,
) -> HealthReport {
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < Duration::from_secs(30) {
        if let Some((status, report)) = health(client, base).await {
            if accept(status, &report) {
                return report;
            }
            last = Some((status, report));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("timed out waiting for {what}; last /healthz: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_follows_each_service_and_server_shuts_down_gracefully() {
    let services = PrivateServices::start();
    let port = free_port();
    let config = services.config(port);
    let database_url = config.database_url.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(closer::server::serve(config, async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let report = wait_for(&client, &base, "all services up", |s, r| s == 200 && r.status == HealthStatus::Ok).await;
    assert!(report.postgres.ok && report.mongodb.ok && report.livekit.ok && report.redis.ok, "{report:?}");

    // `serve` applied the migrations before listening.
    let pool = closer::store::relational::pool(&database_url).unwrap();
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'organizations'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(tables, 1);
    pool.close().await;

    // Request ids: a fresh one is generated, a caller's one is echoed back.
    let generated = client.get(format!("{base}/healthz")).send().await.unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let echoed = client.get(format!("{base}/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");

    // Unknown API routes get the JSON error body (other paths are the web UI's).
    let missing = client.get(format!("{base}/api/no-such-thing")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    for service in ["redis", "livekit", "mongo", "postgres"] {
        services.run(&["down", service]);
        let report = wait_for(&client, &base, &format!("503 with {service} down"), |s, r| {
            s == 503 && r.status == HealthStatus::Unavailable
        })
        .await;
        let (down, up) = match service {
            "redis" => (&report.redis, [&report.postgres, &report.mongodb, &report.livekit]),
            "livekit" => (&report.livekit, [&report.postgres, &report.mongodb, &report.redis]),
            "mongo" => (&report.mongodb, [&report.postgres, &report.livekit, &report.redis]),
            _ => (&report.postgres, [&report.mongodb, &report.livekit, &report.redis]),
        };
        assert!(!down.ok && down.error.is_some(), "{service} should be reported down: {report:?}");
        assert!(up.iter().all(|s| s.ok), "only {service} should be down: {report:?}");

        services.run(&["up", service]);
        wait_for(&client, &base, &format!("200 after {service} restart"), |s, r| {
            s == 200 && r.status == HealthStatus::Ok
        })
        .await;
    }

    stop_tx.send(()).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(15), server).await.expect("server stops");
    result.unwrap().expect("serve returns Ok after graceful shutdown");
    assert!(health(&client, &base).await.is_none(), "server still answering after shutdown");
}
