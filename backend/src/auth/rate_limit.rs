//! Keyed rate limits shared by every server process of a deployment (issue #19): login per
//! client IP, guest join per client IP and meeting. A client that spreads its attempts over
//! two instances behind a proxy gets the same budget as one that sticks to one.
//!
//! The algorithm is GCRA (the generic cell rate algorithm, as in `governor`, which this
//! replaced, and in go-redis/redis_rate): each key stores one number, its theoretical arrival
//! time (TAT, ms on Redis's clock). A request at `now` is allowed when
//! `max(TAT, now) + T − now ≤ T × burst`, with the emission interval `T = 60 000 ms / per_minute`
//! and `burst = per_minute`; then TAT becomes `max(TAT, now) + T`. So a key may spend its whole
//! minute's budget at once and then earns one request back every `T`. The check and the update
//! run as one Lua script, atomic in Redis, on Redis's clock (the servers' clocks never meet).
//!
//! Keys are `<prefix>:limit:<name>:<per_minute>:<first 16 hex digits of sha256(key)>`: the client's address is
//! not stored in clear, and changing a limit starts fresh buckets rather than reading another
//! interval's TAT. A key expires when its bucket is full again.
//!
//! When Redis cannot be reached the request is allowed and the failure logged: the limits
//! slow down password guessing (argon2 already costs each guess), and an outage of the shared
//! cache must not lock every user out of the product. `/healthz` reports Redis down meanwhile.

use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The GCRA step. KEYS[1]: the key's TAT; ARGV[1]: `T` (ms); ARGV[2]: burst (requests).
/// Returns 1 (allowed, counted) or 0 (refused, nothing changed).
const GCRA: &str = r"
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - now > interval * tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.max(1, new_tat - now))
return 1
";

/// How long one check waits for Redis before allowing the request (ms); well above a
/// loopback or same-zone round trip (< 1 ms).
const TIMEOUT: Duration = Duration::from_millis(500);

/// Allows `per_minute` requests per key per minute, with bursts of the same size, counted
/// across every process sharing the Redis server and prefix.
#[derive(Clone)]
pub struct KeyedLimit {
    shared: Arc<Shared>,
}

struct Shared {
    client: redis::Client,
    connection: OnceCell<redis::aio::ConnectionManager>,
    script: redis::Script,
    /// `<prefix>:limit:<name>:<per_minute>:`
    key_prefix: String,
    interval_ms: u64,
    burst: u32,
}

impl KeyedLimit {
    /// A limiter named `name` (part of its keys: `login`, `join`) of `per_minute` (at least 1)
    /// requests per key, kept in the Redis server of `client` under `prefix`. Connects at the
    /// first check.
    pub fn per_minute(client: redis::Client, prefix: &str, name: &str, per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        Self {
            shared: Arc::new(Shared {
                client,
                connection: OnceCell::new(),
                script: redis::Script::new(GCRA),
                key_prefix: format!("{prefix}:limit:{name}:{per_minute}:"),
                interval_ms: (60_000 / u64::from(per_minute)).max(1),
                burst: per_minute,
            }),
        }
    }

    /// `true` if a request for `key` (e.g. the client's address, or address and meeting, as
    /// written by `Display`) is allowed now, and counts it; `true` as well when Redis cannot
    /// answer within 500 ms (logged).
    pub async fn check(&self, key: impl std::fmt::Display) -> bool {
        match tokio::time::timeout(TIMEOUT, self.try_check(&key.to_string())).await {
            Ok(Ok(allowed)) => allowed,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "rate limit: Redis failed; request allowed");
                true
            }
            Err(_) => {
                tracing::error!("rate limit: Redis did not answer within 500 ms; request allowed");
                true
            }
        }
    }

    async fn try_check(&self, key: &str) -> redis::RedisResult<bool> {
        let shared = &self.shared;
        let connection = shared.connection.get_or_try_init(|| shared.client.get_connection_manager()).await?;
        let digest = Sha256::digest(key.as_bytes());
        let hashed: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let allowed: i32 = shared
            .script
            .key(format!("{}{hashed}", shared.key_prefix))
            .arg(shared.interval_ms)
            .arg(shared.burst)
            .invoke_async(&mut connection.clone())
            .await?;
        Ok(allowed == 1)
    }
}
