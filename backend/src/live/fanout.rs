//! A meeting's HUD events across the deployment's server processes, through Redis (DESIGN.md,
//! fan-out). The process running a meeting's live session appends each event to the meeting's
//! stream `<prefix>:hud:<meeting>` (prefix: the `redis_prefix` setting, `closer`), as entry
//! `0-<seq + 1>`: the entries are in `seq` order, a number is never taken twice, and "after
//! `seq` N" is the entry id `0-<N + 1>`. Every HUD socket, on whichever process the seller or a
//! manager reached, reads that stream: the events after its `after_seq`, then each one as it is
//! appended ([`Fanout::subscribe`]). So a HUD follows its meeting from one copilot job to the
//! next, wherever LiveKit runs them.
//!
//! Managers' priority messages travel the other way, on the channel `<prefix>:commands:<meeting>`,
//! to which only a process running the meeting's session listens ([`Fanout::listen`]).

use closer_wire::HudEnvelope;
use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::streams::{StreamReadOptions, StreamReadReply};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc;

/// Events waiting for the writer; beyond this the session drops (and logs) rather than block.
const QUEUE: usize = 4096;
/// Attempts per event before giving up (with 200 ms, 400 ms, … between them).
const ATTEMPTS: u32 = 4;
/// Entries a meeting's stream keeps (approximately, Redis trims whole nodes): well above a long
/// call's events, partial transcripts included (a one-hour two-speaker fixture-paced call makes
/// about 15 000).
const MAX_ENTRIES: usize = 50_000;
/// A stream expires this long after its last event (s): HUDs read it live; the record is in
/// MongoDB.
const TTL_S: i64 = 24 * 3600;
/// How long one read waits for a new entry before asking again, ms.
const BLOCK_MS: usize = 10_000;


fn stream_key(prefix: &str, meeting: &str) -> String {
    format!("{prefix}:hud:{meeting}")
}

/// The entry id of the event numbered `seq`.
fn entry_id(seq: u64) -> String {
    format!("0-{}", seq + 1)
}

/// A manager's message for the seller's HUD, relayed to the process running the session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PriorityMessage {
    /// The manager's display name.
    pub from: String,
    /// The message (validated by the API: at most 500 characters).
    pub text: String,
}

/// Handle to this process's Redis writer, and the source of HUD subscriptions.
#[derive(Clone)]
pub struct Fanout {
    client: redis::Client,
    prefix: std::sync::Arc<str>,
    queue: mpsc::Sender<(String, HudEnvelope)>,
}

impl Fanout {
    /// Starts the writer for the Redis server of `client`, with keys under `prefix`; it
    /// connects at the first event and again after a failure.
    pub fn start(client: redis::Client, prefix: &str) -> Self {
        let (queue, events) = mpsc::channel(QUEUE);
        let prefix: std::sync::Arc<str> = prefix.into();
        tokio::spawn(write(client.clone(), prefix.clone(), events));
        Self { client, prefix, queue }
    }

    fn stream_key(&self, meeting: &str) -> String {
        stream_key(&self.prefix, meeting)
    }

    fn commands_channel(&self, meeting: &str) -> String {
        format!("{}:commands:{meeting}", self.prefix)
    }

    /// Queues `meeting`'s `envelope` for its stream (events of a meeting are appended in the
    /// order they are queued).
    pub fn publish(&self, meeting: &str, envelope: &HudEnvelope) {
        if self.queue.try_send((meeting.to_owned(), envelope.clone())).is_err() {
            tracing::error!(meeting, seq = envelope.seq, "HUD fan-out queue full: event not sent to the HUDs");
        }
    }

    /// The events of `meeting` with `seq > after` (all when `None`), then each new one.
    ///
    /// Errors: Redis unreachable.
    pub async fn subscribe(&self, meeting: &str, after: Option<u64>) -> anyhow::Result<Subscription> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_millis(BLOCK_MS as u64) + Duration::from_secs(5));
        let connection = self.client.get_multiplexed_async_connection_with_config(&config).await?;
        Ok(Subscription {
            connection,
            key: self.stream_key(meeting),
            last_id: after.map_or_else(|| "0-0".to_owned(), entry_id),
            ready: VecDeque::new(),
        })
    }

    /// The number of the last event in `meeting`'s stream (`None` when it has none): a session
    /// resumed on another process goes on after it, even when the process that ran the
    /// session before died before storing its last events in MongoDB.
    ///
    /// Errors: Redis unreachable.
    pub async fn last_seq(&self, meeting: &str) -> anyhow::Result<Option<u64>> {
        let mut connection = self.client.get_multiplexed_async_connection().await?;
        let last: redis::streams::StreamRangeReply = connection.xrevrange_count(self.stream_key(meeting), "+", "-", 1).await?;
        let Some(entry) = last.ids.first() else { return Ok(None) };
        let number = entry.id.strip_prefix("0-").and_then(|n| n.parse::<u64>().ok());
        let seq = number.and_then(|n| n.checked_sub(1)).ok_or_else(|| anyhow::anyhow!("stream entry {} is not an event's", entry.id))?;
        Ok(Some(seq))
    }

    /// Whether Redis answers `PING`.
    ///
    /// Errors: Redis unreachable.
    pub async fn ping(&self) -> anyhow::Result<()> {
        let mut connection = self.client.get_multiplexed_async_connection().await?;
        let _: String = redis::cmd("PING").query_async(&mut connection).await?;
        Ok(())
    }

    /// Sends `message` to the process running `meeting`'s session; returns how many listened
    /// (0: no session of the meeting runs anywhere).
    ///
    /// Errors: Redis unreachable.
    pub async fn send(&self, meeting: &str, message: &PriorityMessage) -> anyhow::Result<usize> {
        let mut connection = self.client.get_multiplexed_async_connection().await?;
        let payload = serde_json::to_string(message)?;
        Ok(connection.publish(self.commands_channel(meeting), payload).await?)
    }

    /// Listens for `meeting`'s priority messages until the returned stream is dropped.
    ///
    /// Errors: Redis unreachable.
    pub async fn listen(&self, meeting: &str) -> anyhow::Result<impl futures_util::Stream<Item = PriorityMessage> + Send + use<>> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.subscribe(self.commands_channel(meeting)).await?;
        Ok(pubsub.into_on_message().filter_map(|message| async move {
            let payload: String = message.get_payload().ok()?;
            serde_json::from_str(&payload).map_err(|e| tracing::warn!(error = %e, "malformed priority message relayed")).ok()
        }))
    }
}

/// A HUD's view of one meeting's stream.
pub struct Subscription {
    connection: redis::aio::MultiplexedConnection,
    key: String,
    /// Id of the last entry read.
    last_id: String,
    ready: VecDeque<HudEnvelope>,
}

impl Subscription {
    /// The next event, waiting for it as long as it takes.
    ///
    /// Errors: Redis unreachable, or an entry that is not an event.
    pub async fn next(&mut self) -> anyhow::Result<HudEnvelope> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(event);
            }
            let options = StreamReadOptions::default().block(BLOCK_MS).count(256);
            let reply: Option<StreamReadReply> = self.connection.xread_options(&[&self.key], &[&self.last_id], &options).await?;
            for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                let json: String = entry.get("event").ok_or_else(|| anyhow::anyhow!("stream entry {} has no event", entry.id))?;
                self.ready.push_back(serde_json::from_str(&json)?);
                self.last_id = entry.id;
            }
        }
    }
}

/// Appends queued events to their streams, reconnecting as needed.
async fn write(client: redis::Client, prefix: std::sync::Arc<str>, mut events: mpsc::Receiver<(String, HudEnvelope)>) {
    let mut connection: Option<redis::aio::ConnectionManager> = None;
    while let Some((meeting, envelope)) = events.recv().await {
        let event = serde_json::to_string(&envelope).expect("events serialize");
        let key = stream_key(&prefix, &meeting);
        for attempt in 1..=ATTEMPTS {
            match append(&client, &mut connection, &key, envelope.seq, &event).await {
                Ok(()) => break,
                // Not a passing failure: the number is taken (a second session of the meeting).
                Err(e) if e.kind() == redis::ErrorKind::ResponseError => {
                    tracing::error!(meeting, seq = envelope.seq, error = %e, "HUD event refused by its stream");
                    break;
                }
                Err(e) if attempt < ATTEMPTS => {
                    tracing::warn!(meeting, seq = envelope.seq, error = %e, "HUD fan-out failed; retrying");
                    connection = None;
                    tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                }
                Err(e) => tracing::error!(meeting, seq = envelope.seq, error = %e, "HUD fan-out failed; event not sent to the HUDs"),
            }
        }
    }
}

/// Appends one event (`seq`, serialized as `event`) to the stream `key` and renews its expiry,
/// connecting first when `connection` is `None`.
async fn append(
    client: &redis::Client,
    connection: &mut Option<redis::aio::ConnectionManager>,
    key: &str,
    seq: u64,
    event: &str,
) -> redis::RedisResult<()> {
    if connection.is_none() {
        *connection = Some(client.get_connection_manager().await?);
    }
    let redis = connection.as_mut().expect("connected above");
    redis::pipe()
        .atomic()
        .cmd("XADD")
        .arg(key)
        .arg("MAXLEN")
        .arg("~")
        .arg(MAX_ENTRIES)
        .arg(entry_id(seq))
        .arg("event")
        .arg(event)
        .ignore()
        .cmd("EXPIRE")
        .arg(key)
        .arg(TTL_S)
        .ignore()
        .query_async(redis)
        .await
}
