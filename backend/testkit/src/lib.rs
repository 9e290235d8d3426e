//! Closer's test kit: code the backend's and the desktop app's tests and benchmarks share, kept
//! out of the production library (`closer`) so no server ships it.

pub mod eval;
pub mod baresip;
pub mod sip_probe;
