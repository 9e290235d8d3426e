//! Helpers shared by the integration tests. They run against the real services started by
//! `scripts/services up`; `scripts/test` exports their `CLOSER_*` variables.

#![allow(dead_code)] // each test binary uses a different subset

use closer::config::Config;
use std::path::PathBuf;

/// Configuration of the running services, from the `CLOSER_*` environment.
pub fn config() -> Config {
    Config::load().unwrap_or_else(|e| {
        panic!("{e}\nrun the integration tests through `scripts/test`, which starts the services")
    })
}

/// Repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A name unique to this test run, for rooms, collections and databases.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}
