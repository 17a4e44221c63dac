//! Drives the real `hookgrace --demo` binary in a tmux pane of 80x24: soft delete a webhook,
//! restore it from the Deleted tab, then quit, reading the screen with `capture-pane`. Every
//! wait polls the screen until a text appears or a deadline passes, so the test takes as
//! long as the program does and no longer.
//!
//! The test is skipped, with a message, when tmux is not installed.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Maximum wait for one screen change. The demo starts in about a second on a debug build.
const DEADLINE: Duration = Duration::from_secs(20);
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A tmux server on a socket of its own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        let output = self.run(&["capture-pane", "-p", "-t", "dash"]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "dash"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success(), "send-keys {keys:?}");
    }

    fn type_text(&self, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", "dash", "-l", text])
            .status
            .success());
    }

    /// Waits until the screen contains `text` and returns that screen.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "'{text}' did not appear within {DEADLINE:?}; the screen was:\n{screen}"
            );
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    fn pane_dead(&self) -> bool {
        let output = self.run(&["display-message", "-p", "-t", "dash", "#{pane_dead}"]);
        String::from_utf8_lossy(&output.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Stops only the server on this test's own socket, which the test started.
        let _ = self.run(&["kill-server"]);
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success())
}

fn start(binary: &Path, log: &Path) -> Tmux {
    let tmux = Tmux {
        socket: format!("hookgrace-test-{}", std::process::id()),
    };
    let command = format!(
        "{} --demo --user tmux-test --log-file {}",
        binary.display(),
        log.display()
    );
    let created = tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        "-s",
        "dash",
        &command,
    ]);
    assert!(
        created.status.success(),
        "tmux new-session failed: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    // Keep the pane after the program exits, to read what it left on the terminal.
    tmux.run(&["set-option", "-t", "dash", "remain-on-exit", "on"]);
    tmux
}

/// Reads the id in the Active tab's detail line: `│id <id> created …`.
fn selected_id(screen: &str) -> String {
    screen
        .lines()
        .find_map(|line| {
            let rest = line.trim_start_matches('│').strip_prefix("id ")?;
            rest.split_whitespace().next().map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("no id line on the screen:\n{screen}"))
}

#[test]
fn delete_restore_and_quit_in_tmux() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed, so the terminal test cannot run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dashboard.log");
    let tmux = start(Path::new(env!("CARGO_BIN_EXE_hookgrace")), &log);

    let screen = tmux.wait_for("updated");
    let screen = if screen.contains("│id ") {
        screen
    } else {
        tmux.wait_for("│id ")
    };
    let id = selected_id(&screen);

    // Soft delete: d opens on Cancel, typing goes to the reason, Enter moves to Delete.
    tmux.keys(&["d"]);
    tmux.wait_for("Delete webhook");
    tmux.type_text("tmux test");
    tmux.keys(&["Enter"]);
    tmux.wait_for("▸[ Delete ]");
    tmux.keys(&["Enter"]);
    tmux.wait_for("purge at");

    // Restore it from the Deleted tab, found with the filter.
    tmux.keys(&["2"]);
    tmux.wait_for("Deleted webhooks");
    tmux.keys(&["/"]);
    tmux.type_text(&id);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Deleted (1/");
    tmux.keys(&["r"]);
    tmux.wait_for("Restore webhook");
    tmux.keys(&["Enter"]);
    tmux.wait_for("its purge is cancelled");

    // q quits at once and leaves the alternate screen.
    tmux.keys(&["q"]);
    let start = Instant::now();
    while !tmux.pane_dead() {
        assert!(
            start.elapsed() < DEADLINE,
            "q did not quit; the screen was:\n{}",
            tmux.screen()
        );
        std::thread::sleep(POLL_INTERVAL);
    }
    // The normal screen is back: it shows what the program printed before the dashboard
    // started, and none of the dashboard.
    let after = tmux.screen();
    assert!(after.contains("hookgrace: "), "{after}");
    assert!(
        !after.contains("Deleted webhooks"),
        "the alternate screen stayed: {after}"
    );
    assert!(
        !after.contains("q quit"),
        "the alternate screen stayed: {after}"
    );

    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("dashboard stopped"), "{log_text}");
}
