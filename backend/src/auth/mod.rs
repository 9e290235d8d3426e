//! Accounts and sessions: argon2id passwords, short-lived JWT access tokens, rotating refresh
//! tokens with reuse detection, the [`AuthUser`] extractor, and rate limits.

mod extract;
pub mod handoff;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod refresh;
pub mod session;

pub use extract::AuthUser;
