//! LiveKit, the SFU every call runs on: the server API clients (rooms and participants; agent
//! dispatches) built from the configuration, and the grants of each participant role with the identities they carry
//! (`grants`). The signed webhook is received in `http/livekit_webhook.rs` and recorded by
//! `meetings::record`; the server's own participants are `agent/`'s.

pub mod grants;

use crate::config::Config;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::room::RoomClient;
use std::time::Duration;

/// A RoomService client for the configured LiveKit server. Each request is signed with a
/// short-lived token derived from the API key/secret; nothing is sent until a call is made.
pub fn room_client(config: &Config) -> RoomClient {
    RoomClient::with_api_key(&config.livekit_url, &config.livekit_api_key, &config.livekit_api_secret)
        // Region failover only applies to LiveKit Cloud; a self-hosted server has one node.
        .with_failover(false)
        .with_request_timeout(Duration::from_secs(5))
}

/// An AgentDispatchService client for the configured LiveKit server (the copilot's and AI
/// agents' dispatches to each meeting's room, `agent::dispatch`), signed like [`room_client`].
pub fn dispatch_client(config: &Config) -> AgentDispatchClient {
    AgentDispatchClient::with_api_key(&config.livekit_url, &config.livekit_api_key, &config.livekit_api_secret)
        .with_failover(false)
        .with_request_timeout(Duration::from_secs(5))
}
