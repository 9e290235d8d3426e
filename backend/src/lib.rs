//! Closer backend library: configuration, storage, LiveKit, the HTTP API and the embedded AI
//! models. The `closer-server` binary (`src/main.rs`) is a thin CLI over it.

pub mod config;
pub mod http;
pub mod livekit;
pub mod models;
pub mod semantics;
pub mod server;
pub mod state;
pub mod store;
pub mod stt;
pub mod telemetry;
