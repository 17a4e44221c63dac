//! The terminal dashboard. Placeholder: the entry points define the interface `main.rs` uses.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct DashboardConfig {
    /// Base URL of the server, such as `http://127.0.0.1:8787`.
    pub api_url: String,
    /// Poll interval, at least one second.
    pub refresh: Duration,
    /// Sent as `X-User-ID` on every request.
    pub user: String,
    pub log_file: PathBuf,
}

/// `hookgrace.log` in the user's data directory.
pub fn default_log_path() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_dir()
        .ok_or_else(|| anyhow::anyhow!("no user data directory found: pass --log-file PATH"))?;
    Ok(dir.join("hookgrace").join("hookgrace.log"))
}

/// Runs the dashboard until the operator quits, restoring the terminal on every exit path.
pub async fn run(config: DashboardConfig) -> anyhow::Result<()> {
    let _ = config;
    anyhow::bail!("the dashboard is not implemented yet")
}
