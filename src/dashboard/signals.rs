//! Signals that end the dashboard like `q` does: SIGTERM, SIGHUP and SIGINT.
//!
//! Without handlers these signals kill the process at once, which leaves the terminal in raw
//! mode on the alternate screen and skips the removal of the demo's temporary database.

use std::io;

/// Handlers for the signals that quit the dashboard. Once installed, these signals no longer
/// end the process by themselves, so the owner must keep calling [`QuitSignals::recv`] until
/// it exits.
#[derive(Debug)]
pub struct QuitSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl QuitSignals {
    /// Installs the handlers. It needs a running tokio runtime.
    ///
    /// # Errors
    ///
    /// When the operating system rejects a handler.
    #[cfg(unix)]
    pub fn install() -> io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};

        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Installs nothing: outside Unix only Ctrl-C is watched, in [`QuitSignals::recv`].
    ///
    /// # Errors
    ///
    /// None on this platform.
    #[cfg(not(unix))]
    pub fn install() -> io::Result<Self> {
        Ok(Self {})
    }

    /// Waits for the next quit signal and returns its name, such as `SIGTERM`.
    #[cfg(unix)]
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.hangup.recv() => "SIGHUP",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }

    /// Waits for Ctrl-C and returns its name.
    #[cfg(not(unix))]
    pub async fn recv(&mut self) -> &'static str {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a handler there is nothing to wait for.
            std::future::pending::<()>().await;
        }
        "Ctrl-C"
    }
}
