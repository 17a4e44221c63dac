//! Demo data for `hookgrace --demo`. Placeholder until implemented.

use std::time::Duration;

use crate::clock::ShiftedClock;
use crate::server::ServerOptions;

pub const GRACE_PERIOD: Duration = Duration::from_secs(600);
pub const MAX_ATTEMPTS: u32 = 3;

pub fn server_options() -> ServerOptions {
    ServerOptions::default()
}

pub async fn seed(api_url: &str, clock: &ShiftedClock) -> anyhow::Result<()> {
    let _ = (api_url, clock);
    anyhow::bail!("demo data is not implemented yet")
}
