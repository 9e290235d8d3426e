//! The live copilot: one supervised session per live meeting turning per-speaker audio into
//! HUD events (VAD → STT → PII redaction → analysis → event bus → HUD + MongoDB).

pub mod bus;
pub mod engines;
pub mod fanout;
pub mod participants;
pub mod persist;
pub mod registry;
pub mod replay;
pub mod refine;
pub mod session;
pub mod vad;
