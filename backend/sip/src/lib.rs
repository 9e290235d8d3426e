//! The phone line's SIP side (issue #18): a user agent server on UDP that takes calls to the
//! numbers it serves, answers them with G.711 audio over RTP and hands their audio to the
//! application as 8 kHz PCM, both ways. What a call is for (whose number, which agent, which
//! room) is the application's business; this crate only speaks SIP, SDP and RTP.
//!
//! ```text
//! caller ──INVITE/SDP──▶ Gateway ──IncomingCall──▶ application: answer() or refuse()
//!        ◀─RTP G.711──▶  Media   ◀──8 kHz PCM───▶ (e.g. a LiveKit room)
//! ```
//!
//! Built on `rsipstack` (transactions and dialogs), `sdp` and `rtp` (webrtc-rs) and
//! `audio-codec`'s G.711.

mod error;
mod gateway;
mod media;
mod sdp;

pub use error::Error;
pub use gateway::{Call, Gateway, IncomingCall, Refusal};
pub use media::{FRAME_SAMPLES, Media, Outbound, SAMPLE_RATE};
pub use sdp::G711;
