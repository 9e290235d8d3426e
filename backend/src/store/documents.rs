//! MongoDB client (FerretDB speaks the same wire protocol locally).
//!
//! Known FerretDB 1.24 limitation: a `$group` stage computes only its first accumulator and
//! returns 0 for the others. Aggregations here use one accumulator per `$group` (or `$facet`
//! branches) so they give the same answer on MongoDB and FerretDB.

use mongodb::options::ClientOptions;
use mongodb::{Client, Database};
use std::time::Duration;

/// Connects lazily to `url` and returns the `database` handle. The driver discovers the
/// server in the background, so this succeeds while the server is down; operations then fail
/// after the 2 s server-selection timeout instead of blocking requests.
///
/// Errors: a malformed URL.
pub async fn connect(url: &str, database: &str) -> Result<Database, mongodb::error::Error> {
    let mut options = ClientOptions::parse(url).await?;
    options.app_name = Some("closer".into());
    options.server_selection_timeout = Some(Duration::from_secs(2));
    options.connect_timeout = Some(Duration::from_secs(2));
    Ok(Client::with_options(options)?.database(database))
}
