//! The `hookgrace` binary's argument checks, which fail before any server starts.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a rejected `serve` may take to exit. A server that starts instead is killed then.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `hookgrace serve --grace-period <value>` and returns its exit code and stderr. Panics,
/// after killing it, if the server started instead of exiting.
fn serve_with_grace_period(value: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args(["serve", "--listen", "127.0.0.1:0", "--grace-period", value])
        .arg("--db")
        .arg(dir.path().join("never-created.db"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to run hookgrace");
    let started = Instant::now();
    while child.try_wait().expect("wait for hookgrace").is_none() {
        if started.elapsed() > EXIT_TIMEOUT {
            child.kill().expect("kill hookgrace");
            child.wait().expect("reap hookgrace");
            panic!("hookgrace serve --grace-period {value} started a server instead of exiting");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("read hookgrace output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn serve_rejects_short_grace_period() {
    for value in ["0s", "500ms", "59s", "0d"] {
        let (code, stderr) = serve_with_grace_period(value);
        assert_eq!(code, Some(2), "{value}: {stderr}");
        assert!(stderr.contains(&format!("'{value}'")), "{value}: {stderr}");
        assert!(stderr.contains("the minimum is 60s"), "{value}: {stderr}");
    }
}

#[test]
fn serve_rejects_grace_period_without_unit() {
    for value in ["0", "5", "86400"] {
        let (code, stderr) = serve_with_grace_period(value);
        assert_eq!(code, Some(2), "{value}: {stderr}");
        assert!(stderr.contains(&format!("'{value}'")), "{value}: {stderr}");
        assert!(stderr.contains("with a unit"), "{value}: {stderr}");
    }
}
