//! Terminal setup and restore. The terminal returns to its normal state on quit, on error
//! and on panic.

use std::io;
use std::ops::{Deref, DerefMut};

use ratatui::DefaultTerminal;

/// The terminal in raw mode on the alternate screen. Dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

/// Enters raw mode and the alternate screen. `ratatui::try_init` also installs a panic hook
/// that restores the terminal and then runs the previous hook, so a panic message lands on
/// a usable shell.
///
/// # Errors
///
/// When stdout is not a terminal or raw mode cannot be enabled.
pub fn enter() -> io::Result<TerminalGuard> {
    let terminal = ratatui::try_init()?;
    Ok(TerminalGuard { terminal })
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

impl Deref for TerminalGuard {
    type Target = DefaultTerminal;

    fn deref(&self) -> &Self::Target {
        &self.terminal
    }
}

impl DerefMut for TerminalGuard {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.terminal
    }
}
