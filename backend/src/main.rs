//! `closer-server`: the Closer backend CLI.

use clap::{Parser, Subcommand};
use closer::analysis::SpeakerRole;
use closer::config::Config;
use closer::live::replay::{RecordedSpeaker, Recording};
use std::io::Write;
use std::path::PathBuf;

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
    /// Run a recorded call through the live pipeline and print one JSON object per event.
    ///
    /// Example: `closer-server analyze --playbook discovery.json --speaker host=host.wav
    /// --speaker guest_a=a.wav --realtime`. Each line has `kind`, `at_ms` (position on the
    /// audio's time axis when the event was emitted; with `--realtime` audio is fed at 1× and
    /// `at_ms` includes processing delay), `speaker` and per kind `text`, `item`, `objection`,
    /// `label`.
    Analyze(AnalyzeArgs),
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Playbook in the interchange format (`shared/fixtures/playbooks/*.json`).
    #[arg(long)]
    playbook: PathBuf,
    /// `NAME=FILE.wav` (16 kHz mono 16-bit), one per speaker, all on the same time axis.
    #[arg(long = "speaker", value_parser = parse_speaker, required = true)]
    speakers: Vec<(String, PathBuf)>,
    /// Which speaker is the seller (default: the first `--speaker`).
    #[arg(long)]
    host: Option<String>,
    /// Feed audio at 1× speed.
    #[arg(long)]
    realtime: bool,
    /// STT language (ISO 639-1); default: the playbook's.
    #[arg(long)]
    language: Option<String>,
    /// Also store the events in MongoDB at this URL, under `--meeting-id`.
    #[arg(long, env = "CLOSER_MONGODB_URL", requires = "meeting_id")]
    mongodb_url: Option<String>,
    /// MongoDB database (with `--mongodb-url`).
    #[arg(long, default_value = "closer")]
    mongodb_database: String,
    /// Meeting id the events are filed under.
    #[arg(long)]
    meeting_id: Option<String>,
    /// Directory prepared by `scripts/models`.
    #[arg(long, env = "CLOSER_MODELS_DIR")]
    models_dir: Option<PathBuf>,
}

fn parse_speaker(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok((name.to_owned(), path.into())),
        _ => Err(format!("expected NAME=FILE.wav, got {value:?}")),
    }
}

async fn analyze(args: AnalyzeArgs) -> anyhow::Result<()> {
    let playbook: closer_wire::Playbook = serde_json::from_slice(&std::fs::read(&args.playbook)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.playbook.display()))?;
    let host = args.host.unwrap_or_else(|| args.speakers[0].0.clone());
    if !args.speakers.iter().any(|(name, _)| *name == host) {
        anyhow::bail!("--host {host} is not one of the --speaker names");
    }
    let models_dir = args.models_dir.unwrap_or_else(|| Config::default().models_dir);
    let engines = closer::live::engines::Engines::load_embedded(&closer::models::ModelPaths::in_dir(&models_dir))?;
    let persist = match &args.mongodb_url {
        Some(url) => Some(closer::live::persist::Persister::start(
            closer::store::documents::connect(url, &args.mongodb_database).await?,
        )),
        None => None,
    };
    let recording = Recording {
        meeting_id: args.meeting_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        language: args.language.unwrap_or_else(|| playbook.language.clone()),
        speakers: args
            .speakers
            .into_iter()
            .map(|(name, wav)| {
                let role = if name == host { SpeakerRole::Host } else { SpeakerRole::Guest };
                RecordedSpeaker { name, wav, role }
            })
            .collect(),
        playbook,
        realtime: args.realtime,
    };
    let stdout = std::io::stdout();
    closer::live::replay::replay(engines, recording, persist.clone(), |event| {
        let mut out = stdout.lock();
        let _ = writeln!(out, "{}", closer::live::replay::jsonl(event));
        let _ = out.flush();
    })
    .await?;
    if let Some(persist) = persist {
        persist.drain().await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    closer::telemetry::init();
    let cli = Cli::parse();
    if let Command::Analyze(args) = cli.command {
        return analyze(args).await;
    }
    let config = Config::load()?;
    match cli.command {
        Command::Analyze(_) => unreachable!("handled above: it needs no server configuration"),
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
