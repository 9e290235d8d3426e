//! Logging setup.

use tracing_subscriber::EnvFilter;

/// Installs a `tracing` subscriber printing to stderr, filtered by `RUST_LOG`
/// (default `info,closer=debug`). Safe to call once per process. The SIP stack logs at `warn`
/// whatever `RUST_LOG` says: its `info` and finer log whole SIP messages, callers' numbers
/// included (personal data never goes to logs).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,closer=debug"))
        .add_directive("rsipstack=warn".parse().expect("a valid directive"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
