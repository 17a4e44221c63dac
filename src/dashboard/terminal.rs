//! Terminal setup and restore, and the clipboard escape sequence. The terminal returns to
//! its normal state on quit, on error and on panic.

use std::io::{self, Write};
use std::ops::{Deref, DerefMut};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// The terminal in raw mode on the alternate screen, with bracketed paste on. Dropping it
/// restores the terminal.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

/// Enters raw mode and the alternate screen and turns on bracketed paste, so pasted text
/// arrives as one event instead of as key presses. `ratatui::try_init` also installs a panic
/// hook that restores the terminal and then runs the previous hook, so a panic message lands
/// on a usable shell.
///
/// # Errors
///
/// When stdout is not a terminal or raw mode cannot be enabled.
pub fn enter() -> io::Result<TerminalGuard> {
    let terminal = ratatui::try_init()?;
    if let Err(error) = execute!(io::stdout(), EnableBracketedPaste) {
        tracing::warn!(%error, "failed to enable bracketed paste; pastes arrive as keys");
    }
    Ok(TerminalGuard { terminal })
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Err(error) = execute!(io::stdout(), DisableBracketedPaste) {
            tracing::warn!(%error, "failed to disable bracketed paste");
        }
        // `ratatui::restore` prints a failure with `eprintln!`, which panics when stderr is a
        // terminal that has gone away, as after SIGHUP. The log takes the error instead.
        if let Err(error) = ratatui::try_restore() {
            tracing::warn!(%error, "failed to restore the terminal");
        }
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

/// Builds the OSC 52 sequence that sets the system clipboard to `text`. It travels over SSH
/// like any output. Inside tmux (`in_tmux`) it is wrapped in tmux's DCS passthrough, which
/// tmux forwards to the outer terminal when `allow-passthrough` is on. With `set-clipboard on`
/// tmux also reads the bare sequence itself.
pub fn osc52_sequence(text: &str, in_tmux: bool) -> String {
    let osc = format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()));
    if in_tmux {
        // Inside the passthrough every ESC of the wrapped sequence is doubled.
        format!(
            "\u{1b}Ptmux;{}\u{1b}\\",
            osc.replace('\u{1b}', "\u{1b}\u{1b}")
        )
    } else {
        osc
    }
}

/// Writes the clipboard sequence to stdout, between frames so it never lands inside one.
///
/// # Errors
///
/// When stdout cannot be written.
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    let in_tmux = std::env::var_os("TMUX").is_some_and(|value| !value.is_empty());
    let mut stdout = io::stdout();
    stdout.write_all(osc52_sequence(text, in_tmux).as_bytes())?;
    stdout.flush()
}

/// Encodes bytes as standard base64 with padding (RFC 4648, section 4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let triple = (b0 << 16) | (b1 << 8) | b2;
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                encoded.push(char::from(ALPHABET[((triple >> shift) & 0x3f) as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
    }

    #[test]
    fn osc52_plain_and_in_tmux() {
        assert_eq!(
            osc52_sequence("ws_cal_solar_001", false),
            "\u{1b}]52;c;d3NfY2FsX3NvbGFyXzAwMQ==\u{7}"
        );
        assert_eq!(
            osc52_sequence("id", true),
            "\u{1b}Ptmux;\u{1b}\u{1b}]52;c;aWQ=\u{7}\u{1b}\\"
        );
    }
}
