//! The phone line (issue #18): an organization's numbers, each answered by the AI agent of one
//! of its meeting types. A call to a number becomes a meeting of that type's seller, with the
//! caller as its guest joined through the SIP gateway (`closer-sip`), so the agent, the
//! copilot, the recording and the recap are those of any meeting; the caller becomes a lead
//! and the call is logged.
//!
//! - [`numbers`]: the numbers and where their calls go;
//! - [`calls`]: the call log;
//! - [`line`]: the gateway's calls answered;
//! - `bridge`: a call's audio to and from its room.

mod bridge;
pub mod calls;
pub mod line;
pub mod numbers;
