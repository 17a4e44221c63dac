//! The terminal dashboard: polls the server, shows active and soft-deleted webhooks, the
//! deletion queue and the audit trail, and sends deletes and restores after confirmation.
//!
//! [`app`] contains the state and the one update function; [`poller`] runs requests in the
//! background; [`views`], [`dialogs`] and [`widgets`] draw from the state; [`terminal`]
//! sets the terminal up and restores it.

pub mod app;
pub mod dialogs;
pub mod format;
pub mod poller;
pub mod signals;
pub mod terminal;
pub mod theme;
pub mod views;
pub mod widgets;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use crate::client::{ApiClient, ClientAuth, TokenFormat, TokenOrigin};
use app::{Command, Msg, Options, State};
use poller::{local_now, Executor};
use signals::QuitSignals;
use theme::ColorMode;

/// Interval of the tick that moves countdowns between polls.
const TICK: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct DashboardConfig {
    /// Base URL of the server, such as `http://127.0.0.1:8787`.
    pub api_url: String,
    /// Poll interval, at least one second.
    pub refresh: Duration,
    /// Sent as `X-User-ID` on every request.
    pub user: String,
    pub log_file: PathBuf,
    /// Binds no key that writes, and shows READ-ONLY in the header.
    pub read_only: bool,
    /// Environment name that the operator must type before every write.
    pub confirm_env: Option<String>,
    pub color: ColorMode,
    /// API token and extra CA certificate of the server.
    pub auth: ClientAuth,
    /// The source of the token, which the message about a rejected token names.
    pub token_origin: TokenOrigin,
}

/// `hookgrace.log` in the user's data directory.
pub fn default_log_path() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_dir()
        .ok_or_else(|| anyhow::anyhow!("no user data directory found: pass --log-file PATH"))?;
    Ok(dir.join("hookgrace").join("hookgrace.log"))
}

/// Runs the dashboard until the operator quits or one of `signals` arrives, restoring the
/// terminal on every exit path.
///
/// # Errors
///
/// An invalid server URL or user name, a terminal that cannot enter raw mode, or a failure
/// to read terminal events or draw.
pub async fn run(config: DashboardConfig, signals: &mut QuitSignals) -> anyhow::Result<()> {
    let client = ApiClient::with_auth(&config.api_url, &config.user, &config.auth)
        .with_context(|| format!("invalid --api '{}' or --user", config.api_url))?;
    let (sender, mut receiver) = mpsc::channel(256);
    let mut executor = Executor::new(client, sender);
    let token_format = TokenFormat::of(config.auth.token.as_deref());
    if token_format == TokenFormat::Other {
        // Only the form is logged, never the token.
        tracing::warn!(
            "the API token does not have the hookgrace form (hg_ and 64 hex digits); a \
             hookgrace server rejects it, so it is sent only to a server without the auth \
             extension"
        );
    }
    let options = Options {
        read_only: config.read_only,
        confirm_env: config.confirm_env.clone(),
        color: config.color,
        token_origin: config.token_origin.clone(),
        token_format,
    };
    let mut state = State::new(&config.api_url, &config.user, config.refresh, local_now())
        .with_options(options);
    tracing::info!(
        api = %config.api_url,
        user = %config.user,
        read_only = config.read_only,
        confirm_env = config.confirm_env.as_deref(),
        color = config.color.label(),
        "dashboard starting"
    );

    let mut terminal = terminal::enter().context("failed to set up the terminal")?;
    let outcome = event_loop(
        &mut terminal,
        &mut state,
        &mut executor,
        &mut receiver,
        signals,
    )
    .await;
    executor.shutdown();
    drop(terminal);

    match &outcome {
        Ok(()) => tracing::info!("dashboard stopped"),
        Err(error) => tracing::error!(error = format!("{error:#}"), "dashboard failed"),
    }
    outcome
}

/// Draws, then waits for a terminal event, a background result, a signal or a tick, and
/// applies it.
/// The screen is drawn again only after a message that the state handled: an idle dashboard
/// redraws once a second for the countdowns, and ratatui then writes only the changed cells.
async fn event_loop(
    terminal: &mut terminal::TerminalGuard,
    state: &mut State,
    executor: &mut Executor,
    receiver: &mut mpsc::Receiver<Msg>,
    signals: &mut QuitSignals,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // A terminal that reports no size yet (0 rows over some SSH connections) draws nothing
    // and takes only q and Esc until its first resize event. When the size cannot be read
    // at all, the state keeps it unknown until that event.
    let mut pending = match terminal.size() {
        Ok(size) => vec![Msg::Resize {
            width: size.width,
            height: size.height,
        }],
        Err(error) => {
            tracing::warn!(%error, "failed to read the terminal size; waiting for a resize");
            Vec::new()
        }
    };

    loop {
        while let Some(msg) = pending.pop() {
            for command in state.update(local_now(), msg) {
                match command {
                    Command::Quit => return Ok(()),
                    Command::Copy(clip) => {
                        let result = terminal::copy_to_clipboard(clip.text()).map_err(|error| {
                            tracing::warn!(%error, "failed to write the clipboard sequence");
                            error.to_string()
                        });
                        pending.push(Msg::Copied {
                            label: clip.label(),
                            result,
                        });
                    }
                    other => executor.execute(other),
                }
            }
            if state.should_quit {
                return Ok(());
            }
        }
        terminal
            .draw(|frame| views::draw(frame, state))
            .context("failed to draw the screen")?;
        // Events that change nothing on screen (mouse, focus) wait again without a redraw.
        let msg = loop {
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(Event::Key(key))) => break Msg::Key(key),
                    Some(Ok(Event::Paste(text))) => break Msg::Paste(text),
                    Some(Ok(Event::Resize(width, height))) => break Msg::Resize { width, height },
                    Some(Ok(_)) => {}
                    Some(Err(error)) => {
                        return Err(error).context("failed to read terminal events")
                    }
                    None => return Ok(()),
                },
                Some(msg) = receiver.recv() => break msg,
                name = signals.recv() => break Msg::Signal(name),
                _ = ticks.tick() => break Msg::Tick,
            }
        };
        pending.push(msg);
    }
}
