use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use hookgrace::cli::{parse_duration, parse_grace_period};
use hookgrace::clock::{FileClock, SharedClock, ShiftedClock, SystemClock};
use hookgrace::server::{self, ServerConfig};
use hookgrace::store::{IntegrityIssue, OpenOptions, SqliteStore, Store};
use hookgrace::{dashboard, demo};

/// Webhook soft deletion with a grace period: the terminal dashboard (default) and its server.
#[derive(Debug, Parser)]
#[command(name = "hookgrace", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    dashboard: DashboardArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the webhook API server.
    Serve(ServeArgs),

    /// Check a database for orphaned jobs, webhooks whose state disagrees with their jobs, and
    /// state changes without an audit event. Opens the file read-only. Exit code 0 when
    /// clean, 1 when issues were found, 2 on error.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// SQLite database file [default: hookgrace.db in the user's data directory].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DashboardArgs {
    /// Base URL of a running server, such as http://127.0.0.1:8787. Without it, the dashboard
    /// starts a server in-process on a free loopback port.
    #[arg(long, value_name = "URL")]
    api: Option<String>,

    /// Start the in-process server on a fresh temporary database loaded with demo data.
    #[arg(long, conflicts_with = "api")]
    demo: bool,

    /// Database of the in-process server [default: hookgrace.db in the user's data directory].
    #[arg(long, value_name = "PATH", conflicts_with = "api")]
    db: Option<PathBuf>,

    /// Grace period of the in-process server, at least 60s [default: 24h, or 10m with --demo].
    #[arg(long, value_name = "DURATION", value_parser = parse_grace_period, conflicts_with = "api")]
    grace_period: Option<Duration>,

    /// Poll interval, at least 1s.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    refresh: Duration,

    /// Name recorded as the acting user in the audit trail (sent as X-User-ID).
    #[arg(long, env = "HOOKGRACE_USER", value_name = "NAME")]
    user: Option<String>,

    /// Log file [default: hookgrace.log in the user's data directory].
    #[arg(long, value_name = "PATH")]
    log_file: Option<PathBuf>,

    /// Bind no key that deletes, restores or retries, and show READ-ONLY in the header.
    #[arg(long, conflicts_with = "confirm_env")]
    read_only: bool,

    /// Ask for this environment name (such as prod) to be typed before every write.
    #[arg(long, value_name = "NAME", env = "HOOKGRACE_CONFIRM_ENV")]
    confirm_env: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    listen: SocketAddr,

    /// SQLite database file; created and migrated if missing
    /// [default: hookgrace.db in the user's data directory].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Time between a soft delete and the permanent purge, at least 60s: 90s, 15m, 24h, 7d.
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = parse_grace_period)]
    grace_period: Duration,

    /// Purge attempts before a deletion job moves to dead letter.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    max_attempts: u32,

    /// Test only: read the current time from this file, which holds one RFC 3339 timestamp
    /// such as 2026-03-01T10:00:00.000Z, instead of the system clock. Crash tests use it to
    /// move the time of a child server without waiting. Never use it in production.
    #[arg(long, value_name = "PATH", hide = true)]
    clock_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Check(args)) => return check(args).await,
        None => run_dashboard(cli.dashboard).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hookgrace: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(env_filter())
        .with_writer(std::io::stderr)
        .init();
    let db_path = match args.db {
        Some(path) => path,
        None => server::default_db_path()?,
    };
    let config = ServerConfig {
        listen: args.listen,
        db_path,
        grace_period: args.grace_period,
        max_attempts: args.max_attempts,
    };
    let clock: SharedClock = match args.clock_file {
        Some(path) => {
            tracing::warn!(path = %path.display(), "reading the time from a clock file (test only)");
            Arc::new(FileClock::new(path))
        }
        None => Arc::new(SystemClock),
    };
    server::run_until_signal(config, clock).await
}

/// Runs `hookgrace check`: prints each issue on stdout and returns 0 when clean, 1 when issues
/// were found and 2 when the check could not run.
async fn check(args: CheckArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let issues = match check_database(args.db).await {
        Ok(issues) => issues,
        Err(error) => {
            eprintln!("hookgrace check: {error:#}");
            return ExitCode::from(2);
        }
    };
    for issue in &issues {
        let webhook = issue.webhook_id.as_deref().unwrap_or("-");
        let job = issue.job_id.as_deref().unwrap_or("-");
        println!(
            "{} webhook={webhook} job={job}: {}",
            issue.kind, issue.message
        );
    }
    if issues.is_empty() {
        println!("no issues found");
        ExitCode::SUCCESS
    } else {
        println!("{} issue(s) found", issues.len());
        ExitCode::from(1)
    }
}

async fn check_database(db: Option<PathBuf>) -> anyhow::Result<Vec<IntegrityIssue>> {
    let db_path = match db {
        Some(path) => path,
        None => server::default_db_path()?,
    };
    let options = OpenOptions {
        read_only: true,
        ..OpenOptions::default()
    };
    let store = SqliteStore::open_with(&db_path, options)
        .await
        .with_context(|| format!("failed to open database {}", db_path.display()))?;
    store
        .check_integrity()
        .await
        .with_context(|| format!("failed to check database {}", db_path.display()))
}

async fn run_dashboard(args: DashboardArgs) -> anyhow::Result<()> {
    if args.refresh < Duration::from_secs(1) {
        anyhow::bail!(
            "invalid --refresh '{:?}': the minimum poll interval is 1s",
            args.refresh
        );
    }
    if let Some(env) = &args.confirm_env {
        if env.trim().is_empty() || env.chars().any(char::is_control) {
            anyhow::bail!(
                "invalid --confirm-env '{env}': give the environment's name, such as prod"
            );
        }
    }
    let log_file = match args.log_file {
        Some(path) => path,
        None => dashboard::default_log_path()?,
    };
    let _log_guard = init_file_logging(&log_file)?;
    eprintln!("hookgrace: logging to {}", log_file.display());

    // The embedded server, if any, lives until the dashboard returns.
    let mut embedded = None;
    let mut _demo_dir = None;
    let api_url = match args.api {
        Some(url) => url,
        None => {
            let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
            let (config, clock, shifted) = if args.demo {
                let dir =
                    tempfile::tempdir().context("failed to create the demo database directory")?;
                let config = ServerConfig {
                    listen: loopback,
                    db_path: dir.path().join("demo.db"),
                    grace_period: args.grace_period.unwrap_or(demo::GRACE_PERIOD),
                    max_attempts: demo::MAX_ATTEMPTS,
                };
                _demo_dir = Some(dir);
                let shifted = Arc::new(ShiftedClock::default());
                let clock: SharedClock = shifted.clone();
                (config, clock, Some(shifted))
            } else {
                let db_path = match args.db {
                    Some(path) => path,
                    None => server::default_db_path()?,
                };
                let config = ServerConfig {
                    listen: loopback,
                    db_path,
                    grace_period: args.grace_period.unwrap_or(server::DEFAULT_GRACE_PERIOD),
                    max_attempts: server::DEFAULT_MAX_ATTEMPTS,
                };
                let clock: SharedClock = Arc::new(SystemClock);
                (config, clock, None)
            };
            let options = match &shifted {
                Some(_) => demo::server_options(),
                None => server::ServerOptions::default(),
            };
            let running = server::start(config, clock, options).await?;
            let url = format!("http://{}", running.addr());
            if let Some(shifted) = shifted {
                eprintln!("hookgrace: loading demo data into {url}");
                demo::seed(&url, &shifted).await?;
            }
            embedded = Some(running);
            url
        }
    };

    let config = dashboard::DashboardConfig {
        api_url,
        refresh: args.refresh,
        user: args.user.unwrap_or_else(default_user),
        log_file,
        read_only: args.read_only,
        confirm_env: args.confirm_env,
        color: dashboard::theme::ColorMode::from_env(),
    };
    let outcome = dashboard::run(config).await;
    if let Some(running) = embedded {
        running.shutdown().await?;
    }
    outcome
}

fn default_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "operator".to_owned())
}

fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Sends logs to `path` (never to the terminal the dashboard draws on); the guard flushes the
/// file on drop.
fn init_file_logging(
    path: &std::path::Path,
) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create log directory {}", parent.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("failed to open log file {}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_env_filter(env_filter())
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Ok(guard)
}
