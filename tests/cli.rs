//! The `hookgrace` binary's argument checks, which fail before any server starts.

use std::process::Command;

/// Runs `hookgrace serve --grace-period <value>` and returns its exit code and stderr.
fn serve_with_grace_period(value: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args(["serve", "--listen", "127.0.0.1:0", "--grace-period", value])
        .arg("--db")
        .arg(dir.path().join("never-created.db"))
        .output()
        .expect("failed to run hookgrace");
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
