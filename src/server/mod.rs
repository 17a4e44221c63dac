//! The webhook API server (axum) and the deletion consumer it runs. Routes hold no SQL: they
//! validate input, call one [`Store`] operation and shape its outcome into an API type.

mod audit;
pub mod auth;
mod bulk;
mod changes;
mod deleted;
mod error;
mod etag;
mod extract;
mod health;
mod integrity;
mod leads;
mod openapi;
mod queue;
mod routes;
pub mod tls;
mod validate;
mod webhooks;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::Router;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

use crate::api::{paths, Endpoints, Role, Timestamp};
use crate::clock::SharedClock;
use crate::queue::{Consumer, ConsumerSettings, PurgeFault};
use crate::store::{OpenOptions, SqliteStore, Store, StoreError};
use crate::text::shell_word;

pub use auth::{generate_token, hash_token, Caller, FailureLimits, SessionToken};
pub use extract::{ANONYMOUS_ACTOR, MAX_ACTOR_CHARS, USER_HEADER};
pub use openapi::OPENAPI_JSON;
pub use routes::{QueryRule, RouteSpec, ROUTES};
pub use tls::TlsFiles;
pub use validate::actor_name;

pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(24 * 3600);
/// Shortest grace period accepted: a shorter one would purge before anyone could restore.
pub const MIN_GRACE_PERIOD: Duration = Duration::from_secs(60);
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Maximum request body size, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long [`RunningServer::shutdown`] waits for open requests and the consumer.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// What `hookgrace serve` sets from its flags.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub db_path: PathBuf,
    pub grace_period: Duration,
    pub max_attempts: u32,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Record `X-User-ID`, when a request sends it, as the acting user instead of the token's
    /// name. Only for a server behind a proxy that authenticates users and sets the header.
    pub trust_user_header: bool,
}

/// Whether the deletion consumer runs by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsumerMode {
    /// A background task purges jobs as they fall due.
    #[default]
    Background,
    /// Nothing runs until [`RunningServer::run_queue_once`] is called, which tests use.
    Manual,
}

/// Settings that no flag sets: used by the demo and by tests.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Makes chosen purges fail, to exercise retries and dead letter.
    pub purge_fault: Option<Arc<dyn PurgeFault>>,
    pub consumer: ConsumerMode,
    /// Lease, retry backoff, poll interval and batch size of the consumer.
    pub queue: ConsumerSettings,
    /// Database options: busy timeout, an optional size cap (tests emulate a full disk with
    /// it) and read-only access.
    pub database: OpenOptions,
    /// Tokens accepted in addition to the stored ones, held only in memory: the dashboard's
    /// in-process server and the tests use them.
    pub session_tokens: Vec<SessionToken>,
    /// When failed authentications from one address lock it out.
    pub auth_limits: FailureLimits,
}

/// Shared state of every route.
#[derive(Clone)]
pub(crate) struct AppState {
    store: Arc<dyn Store>,
    clock: SharedClock,
    grace_period: chrono::Duration,
    max_attempts: u32,
    consumer: Consumer,
    auth: Arc<auth::AuthSettings>,
}

impl AppState {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

impl FromRef<AppState> for SharedClock {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.clock)
    }
}

/// Builds the two endpoints of a webhook: its status (GET) and its lead intake (POST).
fn endpoints(id: &str) -> Endpoints {
    Endpoints {
        health: paths::webhook(id),
        receive: paths::webhook(id),
    }
}

/// Assembles every route of [`ROUTES`] with the middleware.
fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route.path, route.method_router());
    }
    router
        // Route layers run after routing, so the middleware sees the route's template. The
        // layer added last runs first: authentication, then the query-string check.
        .route_layer(axum::middleware::from_fn(routes::check_query))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .fallback(error::route_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::stamp_error_bodies,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            etag::conditional_get,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A server started by [`start`]. It stops on [`RunningServer::shutdown`] or when dropped.
pub struct RunningServer {
    addr: SocketAddr,
    db_path: PathBuf,
    /// The certificate file that the server presents, or `None` when it serves plain HTTP.
    tls_cert: Option<PathBuf>,
    clock: SharedClock,
    store: Arc<dyn Store>,
    consumer: Consumer,
    cancel: CancellationToken,
    server_task: Option<JoinHandle<std::io::Result<()>>>,
    consumer_task: Option<JoinHandle<()>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns `http://ADDR`, or `https://ADDR` when the server serves TLS.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls_cert.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// Returns the store that the server uses, for tests that inspect or arrange state directly.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    /// Claims and processes every deletion job due at the clock's current time, and returns
    /// how many it processed. Works in both consumer modes.
    ///
    /// # Errors
    ///
    /// Fails if the store cannot claim jobs.
    pub async fn run_queue_once(&self) -> anyhow::Result<usize> {
        Ok(self.consumer.run_once().await?)
    }

    /// Stops accepting connections, lets open requests finish, stops the consumer and waits
    /// for both, at most 10 seconds.
    ///
    /// # Errors
    ///
    /// Fails if the server task ended with an error or did not stop in time.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.cancel.cancel();
        if let Some(consumer) = self.consumer_task.take() {
            if tokio::time::timeout(SHUTDOWN_TIMEOUT, consumer)
                .await
                .is_err()
            {
                tracing::warn!("deletion queue consumer did not stop in time");
            }
        }
        if let Some(server) = self.server_task.take() {
            let outcome = tokio::time::timeout(SHUTDOWN_TIMEOUT, server)
                .await
                .context("the HTTP server did not stop within 10 seconds")?
                .context("the HTTP server task panicked")?;
            outcome.context("the HTTP server failed")?;
        }
        tracing::info!(addr = %self.addr, "server stopped");
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Opens (creating and migrating) the database, binds `config.listen`, and serves the API and
/// the deletion queue consumer in background tasks.
///
/// # Errors
///
/// Fails if the database cannot be opened or migrated, or the address cannot be bound.
pub async fn start(
    config: ServerConfig,
    clock: SharedClock,
    options: ServerOptions,
) -> anyhow::Result<RunningServer> {
    let grace_period = chrono::Duration::from_std(config.grace_period).with_context(|| {
        format!(
            "invalid grace period {:?}: it is too long",
            config.grace_period
        )
    })?;
    if config.grace_period < MIN_GRACE_PERIOD {
        anyhow::bail!(
            "invalid grace period {:?}: the minimum is {}s",
            config.grace_period,
            MIN_GRACE_PERIOD.as_secs()
        );
    }
    if config.max_attempts == 0 {
        anyhow::bail!("invalid max attempts 0: a deletion job needs at least 1 attempt");
    }
    // The certificate is read and the port bound before the database is opened, so a bad
    // certificate file or a port in use creates no database file.
    let tls_config = config.tls.as_ref().map(tls::load_config).transpose()?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("failed to listen on {}", config.listen))?;
    let addr = listener
        .local_addr()
        .context("failed to read the bound address")?;
    let sqlite = open_store(&config.db_path, options.database.clone()).await?;
    let read_only = sqlite.is_read_only();
    let store: Arc<dyn Store> = Arc::new(sqlite);
    if let Err(error) = integrity::log_check(store.as_ref()).await {
        tracing::warn!(%error, "integrity check at start failed; serving anyway");
    }

    let consumer = Consumer::new(
        Arc::clone(&store),
        Arc::clone(&clock),
        options.queue.clone(),
        options.purge_fault.clone(),
    );
    let cancel = CancellationToken::new();
    let incoming = match tls_config {
        Some(tls_config) => tls::Incoming::tls(listener, tls_config, cancel.child_token())
            .context("failed to start the TLS listener")?,
        None => tls::Incoming::Plain(listener),
    };
    let consumer_task = match options.consumer {
        // Every claim would fail, once a second, so the consumer does not run at all.
        ConsumerMode::Background if read_only => {
            tracing::warn!(
                db = %config.db_path.display(),
                "the database is read-only, so the deletion queue consumer does not run and \
                 no webhook is purged until the server restarts with write access"
            );
            None
        }
        ConsumerMode::Background => Some(tokio::spawn(consumer.clone().run(cancel.child_token()))),
        ConsumerMode::Manual => None,
    };
    let consumer_state = match options.consumer {
        ConsumerMode::Background if consumer_task.is_none() => "off",
        ConsumerMode::Background => "background",
        ConsumerMode::Manual => "manual",
    };
    let state_clock = Arc::clone(&clock);
    let state = AppState {
        store: Arc::clone(&store),
        clock,
        grace_period,
        max_attempts: config.max_attempts,
        consumer: consumer.clone(),
        auth: Arc::new(auth::AuthSettings::new(
            &options.session_tokens,
            config.trust_user_header,
            options.auth_limits,
        )),
    };
    if config.trust_user_header {
        tracing::warn!(
            "--trust-user-header is on: audit events record X-User-ID as the acting user when \
             a request sends it, so any token holder can act in another user's name; use it \
             only behind a proxy that authenticates users and sets X-User-ID itself"
        );
    }
    let shutdown = cancel.clone();
    let app = router(state).into_make_service_with_connect_info::<tls::PeerAddr>();
    let server_task = tokio::spawn(async move {
        axum::serve(incoming, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
    });
    tracing::info!(
        %addr,
        tls = config.tls.is_some(),
        trust_user_header = config.trust_user_header,
        db = %config.db_path.display(),
        grace_period_seconds = grace_period.num_seconds(),
        max_attempts = config.max_attempts,
        consumer = %consumer_state,
        "server started"
    );
    Ok(RunningServer {
        addr,
        db_path: config.db_path.clone(),
        tls_cert: config.tls.as_ref().map(|files| files.cert.clone()),
        clock: Arc::clone(&state_clock),
        store,
        consumer,
        cancel,
        server_task: Some(server_task),
        consumer_task,
    })
}

/// Opens the database at `path` with `options`, with an error that names the path once.
///
/// # Errors
///
/// As [`SqliteStore::open_with`].
pub async fn open_store(path: &Path, options: OpenOptions) -> anyhow::Result<SqliteStore> {
    SqliteStore::open_with(path, options)
        .await
        .map_err(|error| match error {
            // Its message already starts with "failed to open database PATH".
            StoreError::Open { .. } => anyhow::Error::new(error),
            other => anyhow::Error::new(other)
                .context(format!("failed to open database {}", path.display())),
        })
}

/// Runs the server until SIGINT or SIGTERM, then shuts down gracefully.
///
/// # Errors
///
/// Fails if the server cannot start, the signal handlers cannot be installed, or shutdown fails.
pub async fn run_until_signal(config: ServerConfig, clock: SharedClock) -> anyhow::Result<()> {
    let running = start(config, clock, ServerOptions::default()).await?;
    if let Err(error) = bootstrap_admin_token(&running).await {
        tracing::error!(%error, "failed to create the first admin token; create one with hookgrace token create");
    }
    let signal = wait_for_signal().await;
    match &signal {
        Ok(name) => tracing::info!(signal = name, "shutting down"),
        Err(error) => tracing::error!(%error, "failed to wait for a signal; shutting down"),
    }
    running.shutdown().await?;
    signal.map(|_| ())
}

/// Creates an admin token named `admin` when the database has never had a token, and prints
/// it once on stdout with how to use it. The token goes to no log.
async fn bootstrap_admin_token(running: &RunningServer) -> anyhow::Result<()> {
    let store = running.store();
    if store.count_tokens().await? > 0 {
        return Ok(());
    }
    let token = generate_token();
    let new = crate::store::NewToken {
        name: "admin".to_owned(),
        role: Role::Admin,
        token_sha256: hash_token(&token),
    };
    let now = running.clock.now();
    match store
        .create_token(new, crate::store::SYSTEM_ACTOR, now)
        .await?
    {
        crate::store::CreateTokenOutcome::Created(record) => {
            tracing::info!(token_id = %record.id, "created the first admin token; it is printed on stdout once");
            // A self-signed certificate is its own CA, so the dashboard trusts the server
            // with the certificate file itself.
            let ca_cert = running
                .tls_cert
                .as_ref()
                .map(|cert| format!(" --ca-cert {}", shell_word(&cert.to_string_lossy())))
                .unwrap_or_default();
            println!(
                "\nhookgrace: no API token existed, so this admin token was created. It is shown \
                 only now:\n\n    {token}\n\nSend it as 'Authorization: Bearer {token}', or run the \
                 dashboard with\n\n    HOOKGRACE_TOKEN={token} hookgrace --api {}{ca_cert}\n\n\
                 Make tokens with fewer rights with\n\n    hookgrace token create --name NAME \
                 --role viewer --db {}\n",
                running.base_url(),
                shell_word(&running.db_path.to_string_lossy())
            );
        }
        crate::store::CreateTokenOutcome::NameTaken { .. } => {
            tracing::warn!("no first admin token created: a token named admin already exists");
        }
    }
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate =
            signal(SignalKind::terminate()).context("failed to install the SIGTERM handler")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                result.context("failed to install the SIGINT handler")?;
                Ok("SIGINT")
            }
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .context("failed to install the Ctrl-C handler")?;
        Ok("Ctrl-C")
    }
}

/// `hookgrace.db` in the user's data directory.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_dir()
        .ok_or_else(|| anyhow::anyhow!("no user data directory found: pass --db PATH"))?;
    Ok(dir.join("hookgrace").join("hookgrace.db"))
}
