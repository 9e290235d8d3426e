//! Closer backend library: configuration, storage, LiveKit, the HTTP API and the embedded AI
//! models. The `closer-server` binary (`src/main.rs`) is a thin CLI over it.

pub mod agent;
pub mod ai_agents;
pub mod analysis;
pub mod analytics;
pub mod auth;
pub mod booking;
pub mod config;
pub mod error;
pub mod http;
pub mod ics;
pub mod leads;
pub mod live;
pub mod livekit;
pub mod llm;
pub mod mail;
pub mod meetings;
pub mod models;
pub mod pii;
pub mod phone;
pub mod playbooks;
pub mod recap;
pub mod recording;
pub mod room_access;
pub mod scheduling;
pub mod seed;
pub mod semantics;
pub mod server;
pub mod state;
pub mod store;
pub mod stt;
pub mod team;
pub mod telemetry;
pub mod tts;
pub mod webhooks;
