use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use hookgrace::api::Role;
use hookgrace::cli::{check_user, parse_api_url, parse_grace_period, parse_listen, parse_refresh};
use hookgrace::client::{read_token_file, token_file_path, ClientAuth, TokenOrigin, TOKEN_ENV};
use hookgrace::clock::{Clock, FileClock, SharedClock, ShiftedClock, SystemClock};
use hookgrace::dashboard::signals::QuitSignals;
use hookgrace::dashboard::widgets::text::visible;
use hookgrace::server::{self, ServerConfig, TlsFiles};
use hookgrace::store::{
    CreateTokenOutcome, IntegrityIssue, NewToken, OpenOptions, RevokeTokenOutcome, Store,
    CLI_ACTOR_PREFIX,
};
use hookgrace::text::{count_of, shell_word};
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

    /// Create, list and revoke API tokens in the server's database. Works while the server
    /// runs; a revoked token fails from its next request on.
    #[command(subcommand)]
    Token(TokenCommand),

    /// Check a database for orphaned jobs, webhooks whose state disagrees with their jobs, and
    /// state changes without an audit event. Opens the file read-only. Exit code 0 when
    /// clean, 1 when issues were found, 2 on error.
    Check(CheckArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it once on stdout.
    Create(TokenCreateArgs),
    /// List every token, revoked ones included, without their text.
    List(TokenDbArgs),
    /// Revoke a token by id (tok_...) or by the name of an unrevoked token.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
struct TokenDbArgs {
    /// SQLite database file of the server, which must exist
    /// [default: hookgrace.db in the user's data directory].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct TokenCreateArgs {
    /// The user the token stands for: the acting user of its requests in the audit trail. At
    /// most 100 printable characters; system, anonymous and names starting with cli: are
    /// reserved for the server's own audit events.
    #[arg(long, value_name = "NAME")]
    name: String,

    /// viewer reads; operator also creates, soft deletes, restores and retries; admin also
    /// force deletes, rotates signing secrets and manages tokens.
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    role: Role,

    #[command(flatten)]
    db: TokenDbArgs,
}

#[derive(Debug, Args)]
struct TokenRevokeArgs {
    /// Token id (tok_...) or the name of an unrevoked token.
    #[arg(value_name = "ID|NAME")]
    key: String,

    #[command(flatten)]
    db: TokenDbArgs,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("invalid role '{text}': use viewer, operator or admin"))
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
    #[arg(long, value_name = "URL", value_parser = parse_api_url)]
    api: Option<String>,

    /// Start the in-process server on a fresh temporary database loaded with demo data.
    #[arg(long, conflicts_with = "api")]
    demo: bool,

    /// Database of the in-process server [default: hookgrace.db in the user's data directory].
    /// Not with --demo, which always uses a fresh temporary database.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["api", "demo"])]
    db: Option<PathBuf>,

    /// Grace period of the in-process server, at least 60s [default: 24h, or 10m with --demo].
    #[arg(long, value_name = "DURATION", value_parser = parse_grace_period, conflicts_with = "api")]
    grace_period: Option<Duration>,

    /// Poll interval, at least 1s.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_refresh)]
    refresh: Duration,

    /// Extra CA certificate (PEM) to trust for an https:// --api URL, such as the server's
    /// self-signed certificate.
    #[arg(long, value_name = "PATH", requires = "api")]
    ca_cert: Option<PathBuf>,

    /// Sent as X-User-ID: printable characters, at most 100, and not system, anonymous or a
    /// name starting with cli: [default: $USER]. A server records
    /// it as the acting user only with --trust-user-header; otherwise the API token's name is.
    /// Also names the in-process server's token. The API token itself comes from HOOKGRACE_TOKEN or the file `token`
    /// in the hookgrace config directory, never from an argument.
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
    /// IP address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR", value_parser = parse_listen)]
    listen: SocketAddr,

    /// SQLite database file; created and migrated if missing
    /// [default: hookgrace.db in the user's data directory].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Time between a soft delete and the permanent purge, at least 60s: 90s, 15m, 24h, 7d.
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = parse_grace_period)]
    grace_period: Duration,

    /// PEM certificate chain: serve HTTPS instead of HTTP. Needs --tls-key.
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// Record X-User-ID, when a request sends it, as the acting user instead of the token's
    /// name. Only for a server behind a proxy that authenticates users and sets X-User-ID:
    /// otherwise any token holder can act in another user's name.
    #[arg(long)]
    trust_user_header: bool,

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
        Some(Command::Token(command)) => token(command).await,
        None => run_dashboard(cli.dashboard).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // After SIGHUP stderr may be a terminal that is gone; `eprintln!` would panic.
            let _ = writeln!(std::io::stderr(), "hookgrace: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(env_filter())
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let db_path = match args.db {
        Some(path) => path,
        None => server::default_db_path()?,
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let config = ServerConfig {
        listen: args.listen,
        db_path,
        grace_period: args.grace_period,
        max_attempts: args.max_attempts,
        tls,
        trust_user_header: args.trust_user_header,
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
        println!("{} found", count_of(issues.len() as u64, "issue"));
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
    let store = server::open_store(&db_path, options).await?;
    store
        .check_integrity()
        .await
        .with_context(|| format!("failed to check database {}", db_path.display()))
}

/// Runs `hookgrace token ...` on the database file directly, so that it works before the
/// first token exists and while the server runs.
async fn token(command: TokenCommand) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let db = match &command {
        TokenCommand::Create(args) => &args.db,
        TokenCommand::List(args) => args,
        TokenCommand::Revoke(args) => &args.db,
    };
    let db_path = match &db.db {
        Some(path) => path.clone(),
        None => server::default_db_path()?,
    };
    // Opening a missing file would create an empty database that no server uses, so a
    // mistyped --db would hand out tokens that never work.
    if !db_path.exists() {
        let path = shell_word(&db_path.to_string_lossy());
        anyhow::bail!(
            "database {path} does not exist: start the server once with hookgrace serve --db \
             {path} to create it, or pass the --db PATH that the server uses"
        );
    }
    let options = OpenOptions {
        read_only: matches!(command, TokenCommand::List(_)),
        ..OpenOptions::default()
    };
    let store = server::open_store(&db_path, options).await?;
    let actor = format!("{CLI_ACTOR_PREFIX}{}", default_user());
    let now = SystemClock.now();
    match command {
        TokenCommand::Create(args) => {
            let name = server::auth::validate_token_name(&args.name).map_err(anyhow::Error::msg)?;
            let token = server::generate_token();
            let new = NewToken {
                name,
                role: args.role,
                token_sha256: server::hash_token(&token),
            };
            match store.create_token(new, &actor, now).await? {
                CreateTokenOutcome::Created(record) => {
                    eprintln!(
                        "created token {} named '{}' with the {} role; it is shown only now:",
                        record.id, record.name, record.role
                    );
                    println!("{token}");
                }
                CreateTokenOutcome::NameTaken { name } => anyhow::bail!(
                    "an unrevoked token is already named '{name}': revoke it first with \
                     hookgrace token revoke '{name}', or choose another name"
                ),
            }
        }
        TokenCommand::List(_) => {
            let tokens = store.list_tokens().await?;
            if tokens.is_empty() {
                println!(
                    "no tokens; create one with hookgrace token create --name NAME --role ROLE \
                     --db {}",
                    shell_word(&db_path.to_string_lossy())
                );
            }
            for token in tokens {
                let last_used = token
                    .last_used_at
                    .map_or("never".to_owned(), |at| at.to_string());
                let state = token
                    .revoked_at
                    .map_or("active".to_owned(), |at| format!("revoked at {at}"));
                // A database written by an older hookgrace may hold names with control or
                // invisible characters, which would otherwise reach the terminal raw.
                println!(
                    "{}  {}  {}  created {} by {}  last used {}  {}",
                    token.id,
                    visible(&token.name),
                    token.role,
                    token.created_at,
                    visible(&token.created_by),
                    last_used,
                    state
                );
            }
        }
        TokenCommand::Revoke(args) => match store.revoke_token(&args.key, &actor, now).await? {
            RevokeTokenOutcome::Revoked(record) => {
                println!(
                    "revoked token {} named '{}'",
                    record.id,
                    visible(&record.name)
                );
            }
            RevokeTokenOutcome::AlreadyRevoked(record) => {
                println!(
                    "token {} named '{}' was already revoked at {}",
                    record.id,
                    visible(&record.name),
                    record
                        .revoked_at
                        .map(|at| at.to_string())
                        .unwrap_or_default()
                );
            }
            RevokeTokenOutcome::NotFound => anyhow::bail!(
                "no token has the id '{}' and no unrevoked token has that name; hookgrace \
                 token list shows them",
                visible(&args.key)
            ),
        },
    }
    Ok(())
}

async fn run_dashboard(args: DashboardArgs) -> anyhow::Result<()> {
    let user = dashboard_user(args.user.clone())?;
    if let Some(env) = &args.confirm_env {
        if env.trim().is_empty() || env.chars().any(char::is_control) {
            anyhow::bail!(
                "invalid --confirm-env '{env}': give the environment's name, such as prod"
            );
        }
    }
    let log_file = match &args.log_file {
        Some(path) => path.clone(),
        None => dashboard::default_log_path()?,
    };
    let _log_guard = init_file_logging(&log_file)?;
    eprintln!("hookgrace: logging to {}", log_file.display());

    let mut auth = ClientAuth {
        token: None,
        ca_cert_pem: match &args.ca_cert {
            Some(path) => Some(std::fs::read(path).with_context(|| {
                format!("failed to read CA certificate file {}", path.display())
            })?),
            None => None,
        },
    };
    let mut token_origin = TokenOrigin::Session;
    if args.api.is_some() {
        (auth.token, token_origin) = dashboard_token()?;
    }

    // From here on SIGTERM, SIGHUP and SIGINT quit through the code below, which restores the
    // terminal, stops the embedded server and removes the demo database.
    let mut signals = QuitSignals::install().context("failed to install signal handlers")?;

    let mut demo_dir = None;
    let outcome = run_with_server(
        &args,
        user,
        auth,
        token_origin,
        log_file,
        &mut signals,
        &mut demo_dir,
    )
    .await;
    if let Some(dir) = demo_dir {
        let path = dir.path().display().to_string();
        match dir.close() {
            Ok(()) => tracing::info!(%path, "removed the demo database"),
            Err(error) => tracing::warn!(%path, %error, "failed to remove the demo database"),
        }
    }
    outcome
}

/// Starts the embedded server unless `--api` names one, runs the dashboard, then stops the
/// server. A `--demo` database directory is stored in `demo_dir` for the caller to remove.
async fn run_with_server(
    args: &DashboardArgs,
    user: String,
    mut auth: ClientAuth,
    token_origin: TokenOrigin,
    log_file: PathBuf,
    signals: &mut QuitSignals,
    demo_dir: &mut Option<tempfile::TempDir>,
) -> anyhow::Result<()> {
    let mut embedded = None;
    let api_url = match &args.api {
        Some(url) => url.clone(),
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
                    tls: None,
                    trust_user_header: false,
                };
                *demo_dir = Some(dir);
                let shifted = Arc::new(ShiftedClock::default());
                let clock: SharedClock = shifted.clone();
                (config, clock, Some(shifted))
            } else {
                let db_path = match &args.db {
                    Some(path) => path.clone(),
                    None => server::default_db_path()?,
                };
                let config = ServerConfig {
                    listen: loopback,
                    db_path,
                    grace_period: args.grace_period.unwrap_or(server::DEFAULT_GRACE_PERIOD),
                    max_attempts: server::DEFAULT_MAX_ATTEMPTS,
                    tls: None,
                    trust_user_header: false,
                };
                let clock: SharedClock = Arc::new(SystemClock);
                (config, clock, None)
            };
            let mut options = match &shifted {
                Some(_) => demo::server_options(),
                None => server::ServerOptions::default(),
            };
            // The in-process server accepts a token generated in this process and never
            // stored, so the database gets no token and nothing is printed.
            let session = server::SessionToken {
                token: server::generate_token(),
                name: user.clone(),
                role: Role::Admin,
            };
            options.session_tokens.push(session.clone());
            let demo_tokens = match &shifted {
                Some(_) => demo::session_tokens()?,
                None => Vec::new(),
            };
            options.session_tokens.extend(demo_tokens.iter().cloned());
            let running = server::start(config, clock, options).await?;
            let url = running.base_url();
            if let Some(shifted) = shifted {
                eprintln!("hookgrace: loading demo data into {url}");
                let seeded = tokio::select! {
                    seeded = demo::seed(&url, &shifted, &demo_tokens) => seeded,
                    name = signals.recv() => {
                        tracing::info!(signal = name, "stopped while loading the demo data");
                        running.shutdown().await?;
                        return Ok(());
                    }
                };
                if let Err(error) = seeded {
                    running.shutdown().await?;
                    return Err(error);
                }
            }
            auth.token = Some(session.token);
            embedded = Some(running);
            url
        }
    };

    let config = dashboard::DashboardConfig {
        api_url,
        refresh: args.refresh,
        user,
        log_file,
        read_only: args.read_only,
        confirm_env: args.confirm_env.clone(),
        color: dashboard::theme::ColorMode::from_env(),
        auth,
        token_origin,
    };
    let outcome = dashboard::run(config, signals).await;
    if let Some(running) = embedded {
        running.shutdown().await?;
    }
    outcome
}

/// Returns the acting user from `--user` or `HOOKGRACE_USER`, else from `$USER`, after
/// checking it, so a name the server rejects fails here and not at every write.
fn dashboard_user(from_args: Option<String>) -> anyhow::Result<String> {
    let (name, source) = match from_args {
        Some(name) => (name, "--user (or HOOKGRACE_USER)"),
        None => (default_user(), "$USER"),
    };
    if let Err(problem) = check_user(&name) {
        anyhow::bail!("invalid {source} '{}': {problem}", name.escape_debug());
    }
    Ok(name)
}

/// Finds the dashboard's API token: `HOOKGRACE_TOKEN`, else the file `token` in the
/// hookgrace config directory, and returns it with where it came from. The token is `None`
/// when neither exists, which suits a server that needs no token.
fn dashboard_token() -> anyhow::Result<(Option<String>, TokenOrigin)> {
    if let Ok(token) = std::env::var(TOKEN_ENV) {
        let token = token.trim().to_owned();
        if token.is_empty() {
            anyhow::bail!("{TOKEN_ENV} is set but empty: set it to the API token or unset it");
        }
        tracing::info!("using the API token from {TOKEN_ENV}");
        return Ok((Some(token), TokenOrigin::Environment));
    }
    let Some(path) = token_file_path() else {
        tracing::info!("no config directory and no {TOKEN_ENV}: sending no API token");
        return Ok((None, TokenOrigin::Missing { file: None }));
    };
    match read_token_file(&path).map_err(anyhow::Error::msg)? {
        Some(token) => {
            tracing::info!(path = %path.display(), "using the API token from the token file");
            Ok((Some(token), TokenOrigin::File(path)))
        }
        None => {
            tracing::info!(
                path = %path.display(),
                "no {TOKEN_ENV} and no token file: sending no API token"
            );
            Ok((None, TokenOrigin::Missing { file: Some(path) }))
        }
    }
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
