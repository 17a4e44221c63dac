//! The webhook API server (axum). Routes hold no SQL: they call the [`crate::store::Store`].
//!
//! Placeholder: the entry points below define the interface that `main.rs`, the demo and the
//! tests use; the implementation replaces their bodies.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::queue::PurgeFault;

pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(24 * 3600);
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// What `hookgrace serve` sets from its flags.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub db_path: PathBuf,
    pub grace_period: Duration,
    pub max_attempts: u32,
}

/// Settings that no flag sets: used by the demo and by tests.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Makes chosen purges fail, to exercise retries and dead letter.
    pub purge_fault: Option<Arc<dyn PurgeFault>>,
}

/// A server started by [`start`]; it stops on [`RunningServer::shutdown`].
pub struct RunningServer {
    addr: SocketAddr,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn shutdown(self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Opens (creating and migrating) the database, binds `config.listen`, and serves the API and
/// the deletion queue consumer in background tasks.
pub async fn start(
    config: ServerConfig,
    clock: SharedClock,
    options: ServerOptions,
) -> anyhow::Result<RunningServer> {
    let _ = (config, clock, options);
    anyhow::bail!("the server is not implemented yet")
}

/// Runs the server until SIGINT or SIGTERM, then shuts down gracefully.
pub async fn run_until_signal(config: ServerConfig, clock: SharedClock) -> anyhow::Result<()> {
    let running = start(config, clock, ServerOptions::default()).await?;
    running.shutdown().await
}

/// `hookgrace.db` in the user's data directory.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_dir()
        .ok_or_else(|| anyhow::anyhow!("no user data directory found: pass --db PATH"))?;
    Ok(dir.join("hookgrace").join("hookgrace.db"))
}
