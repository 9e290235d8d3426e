//! LiveKit server API client (rooms, participants) built from the configuration.

use crate::config::Config;
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
