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
    /// Apply migrations, then create the demo organization, users and playbooks (idempotent).
    /// The demo users' password is `CLOSER_SEED_PASSWORD`, or a random one printed once.
    Seed,
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
        Command::Seed => {
            let pool = closer::store::relational::pool(&config.database_url)?;
            closer::store::relational::migrate(&pool).await?;
            let password = std::env::var("CLOSER_SEED_PASSWORD")
                .unwrap_or_else(|_| closer::auth::refresh::generate()[..16].to_owned());
            closer::seed::run(&pool, &password).await?;
            // Printed to stdout for the operator, never logged.
            println!("demo users: admin|manager|seller@{}.example.com, password: {password}", closer::seed::ORG_SLUG);
            Ok(())
        }
    }
}
