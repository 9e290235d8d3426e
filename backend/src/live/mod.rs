//! The live copilot: one supervised session per live meeting turning per-speaker audio into
//! HUD events (VAD → STT → PII redaction → analysis → event bus → HUD + MongoDB).

pub mod bus;
pub mod engines;
pub mod persist;
pub mod replay;
pub mod session;
pub mod vad;
