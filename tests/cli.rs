//! Runs the built binary with invalid arguments and checks that each error names the value
//! and the fix, and that `serve` writes plain text when stderr is not a terminal. None of
//! these cases reaches the dashboard's terminal.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_hookgrace");

/// Maximum wait for the server to start or stop.
const DEADLINE: Duration = Duration::from_secs(20);

/// Runs the binary to completion with a fixed user environment, so the caller's own
/// `HOOKGRACE_USER` or `USER` cannot change the outcome.
fn run(args: &[&str], user_env: Option<&str>, dir: &Path) -> Output {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .arg("--log-file")
        .arg(dir.join("dashboard.log"))
        .env_remove("HOOKGRACE_USER")
        .env("USER", "cli-test")
        .stdin(Stdio::null());
    if let Some(user) = user_env {
        command.env("HOOKGRACE_USER", user);
    }
    command.output().unwrap()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn api_without_scheme_suggests_one() {
    let dir = tempfile::tempdir().unwrap();

    let output = run(&["--api", "127.0.0.1:18787"], None, dir.path());

    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("'127.0.0.1:18787'"), "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:18787"), "{stderr}");
    assert!(!stderr.contains("relative URL"), "{stderr}");
}

#[test]
fn refresh_error_echoes_typed_value() {
    let dir = tempfile::tempdir().unwrap();

    let output = run(&["--refresh", "0s"], None, dir.path());

    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("'0s'"), "{stderr}");
    assert!(stderr.contains("at least 1s"), "{stderr}");
    assert!(!stderr.contains("0ns"), "{stderr}");
}

#[test]
fn demo_with_db_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ignored.db");

    let output = run(&["--demo", "--db", db.to_str().unwrap()], None, dir.path());

    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("--demo"), "{stderr}");
    assert!(stderr.contains("--db"), "{stderr}");
    assert!(!db.exists());
}

#[test]
fn invalid_users_are_rejected_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], Option<&str>, &str); 4] = [
        (&["--user="], None, "blank"),
        (&["--user", "ali\tce"], None, "U+0009"),
        (&["--user", "  "], None, "blank"),
        (&[], Some("bob\u{1b}[2J"), "U+001B"),
    ];
    for (args, env, expected) in cases {
        let output = run(args, env, dir.path());

        let stderr = stderr_of(&output);
        assert!(!output.status.success(), "{args:?} {env:?}: {stderr}");
        assert!(
            stderr.contains("invalid --user"),
            "{args:?} {env:?}: {stderr}"
        );
        assert!(stderr.contains(expected), "{args:?} {env:?}: {stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "the value is escaped: {stderr:?}"
        );
    }
    let long = "a".repeat(101);
    let output = run(&["--user", &long], None, dir.path());
    let stderr = stderr_of(&output);
    assert!(stderr.contains("the maximum is 100"), "{stderr}");
}

#[test]
fn port_in_use_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let db = dir.path().join("new.db");

    let output = Command::new(BINARY)
        .args(["serve", "--listen", &address, "--db"])
        .arg(&db)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();

    let stderr = stderr_of(&output);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains(&address), "{stderr}");
    assert!(!db.exists(), "the failed start left {}", db.display());
}

#[test]
fn listen_needs_an_ip_address() {
    let output = Command::new(BINARY)
        .args(["serve", "--listen", "localhost:18792"])
        .output()
        .unwrap();

    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("'localhost:18792'"), "{stderr}");
    assert!(stderr.contains("IP address and port"), "{stderr}");
    assert!(!stderr.contains("socket address syntax"), "{stderr}");
}

#[test]
fn serve_logs_without_ansi_when_redirected() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("serve.db"))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });

    let mut lines = Vec::new();
    let start = Instant::now();
    while !lines
        .iter()
        .any(|line: &String| line.contains("server started"))
    {
        let left = DEADLINE.saturating_sub(start.elapsed());
        match receiver.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start within {DEADLINE:?}: {lines:?}");
            }
        }
    }
    // Stops only the server this test started, by its PID. `serve` logs its start before it
    // installs its SIGTERM handler, so the signal may also end it without a clean shutdown.
    // This test reads only the log text, which is the same either way.
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("the server did not stop on SIGTERM within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().unwrap();
    lines.extend(receiver.try_iter());

    let text = lines.join("\n");
    assert!(text.contains("server started"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "ANSI escapes in redirected logs: {text:?}"
    );
}

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
