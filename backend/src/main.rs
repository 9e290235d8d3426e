//! `closer-server`: the Closer backend CLI.

use clap::{Parser, Subcommand};
use closer::config::Config;

#[derive(Parser)]
#[command(name = "closer-server", version, about = "Closer backend")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve the HTTP API until SIGINT/SIGTERM.
    Serve,
    /// Apply pending PostgreSQL migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    closer::telemetry::init();
    let cli = Cli::parse();
    let config = Config::load()?;
    match cli.command {
        Command::Serve => closer::server::serve(config, closer::server::shutdown_signal()).await,
        Command::Migrate => {
            let pool = closer::store::relational::pool(&config.database_url)?;
            closer::store::relational::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}
