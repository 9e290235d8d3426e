//! Server-side participants: processes of Closer that join a meeting's LiveKit room themselves
//! (through `closer-rtc`) instead of relying on a browser to relay audio.
//!
//! Today one agent exists, the [`copilot`]: it hears the call for the live copilot.

pub mod copilot;
