//! Drives the real `hookgrace --demo` binary in a tmux pane of 80x24: soft delete a webhook,
//! restore it from the Deleted tab, then quit, reading the screen with `capture-pane`. Other
//! tests end the dashboard with a signal and check what it leaves behind. Every wait polls
//! the screen until a text appears or a deadline passes, so the test takes as long as the
//! program does and no longer.
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

    /// Reads a pane variable, such as `pane_dead` or `alternate_on`.
    fn pane_variable(&self, name: &str) -> String {
        let format = format!("#{{{name}}}");
        let output = self.run(&["display-message", "-p", "-t", "dash", &format]);
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    fn pane_dead(&self) -> bool {
        self.pane_variable("pane_dead") == "1"
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

/// Starts `command` in a tmux pane of 80x24, on a tmux server whose socket is named after
/// this process and `test`, so tests running at the same time never share one.
fn start(test: &str, command: &str) -> Tmux {
    let tmux = Tmux {
        socket: format!("hookgrace-test-{}-{test}", std::process::id()),
    };
    let created = tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        "-s",
        "dash",
        command,
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

fn demo_command(binary: &Path, log: &Path) -> String {
    format!(
        "{} --demo --user tmux-test --log-file {}",
        binary.display(),
        log.display()
    )
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
    let binary = Path::new(env!("CARGO_BIN_EXE_hookgrace"));
    let tmux = start("keys", &demo_command(binary, &log));

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

/// Reads the PIDs of the children of `pid` from procfs, or `None` where procfs is missing.
fn children_of(pid: &str) -> Option<Vec<String>> {
    let path = format!("/proc/{pid}/task/{pid}/children");
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.split_whitespace().map(str::to_owned).collect())
}

/// Starts the demo under a shell that, once the dashboard exits, prints its exit status and
/// whether the terminal is still in raw mode. Sends `signal` to the dashboard's PID and checks
/// that it quit cleanly: normal screen, cooked terminal, and no demo database left behind.
fn signal_quits_cleanly(test: &str, signal: &str) {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed, so the terminal test cannot run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dashboard.log");
    let temp = dir.path().join("tmp");
    std::fs::create_dir(&temp).unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_hookgrace"));
    let command = format!(
        "TMPDIR='{}' {}; echo \"EXIT=$?\"; if stty -a | grep -q -- -icanon; then echo TTY=raw; \
         else echo TTY=cooked; fi",
        temp.display(),
        demo_command(binary, &log)
    );
    let tmux = start(test, &command);
    tmux.wait_for("updated");
    assert_eq!(tmux.pane_variable("alternate_on"), "1");
    let shell = tmux.pane_variable("pane_pid");
    let Some(children) = children_of(&shell) else {
        eprintln!("skipped: /proc is not available to find the dashboard's PID");
        return;
    };
    let [dashboard] = children.as_slice() else {
        panic!("expected one child of the pane's shell, found {children:?}");
    };
    let demo_dirs = std::fs::read_dir(&temp).unwrap().count();
    assert_eq!(demo_dirs, 1, "the demo database directory is in TMPDIR");

    // Signals only the dashboard this test started, by its PID.
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), dashboard.as_str()])
        .status()
        .unwrap();
    assert!(sent.success());

    let after = tmux.wait_for("TTY=");
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(after.contains("TTY=cooked"), "raw mode stayed on: {after}");
    assert_eq!(tmux.pane_variable("alternate_on"), "0", "{after}");
    assert!(
        !after.contains("q quit"),
        "the alternate screen stayed: {after}"
    );
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().collect();
    assert!(left.is_empty(), "the demo database stayed: {left:?}");
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("quitting on a signal"), "{log_text}");
    assert!(log_text.contains("dashboard stopped"), "{log_text}");
}

#[test]
fn sigterm_restores_terminal_and_cleans_up() {
    signal_quits_cleanly("sigterm", "TERM");
}

#[test]
fn sighup_restores_terminal_and_cleans_up() {
    signal_quits_cleanly("sighup", "HUP");
}
