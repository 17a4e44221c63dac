//! Crash recovery of the real binary. `hookgrace serve` runs as a child process on 127.0.0.1
//! and reads its time from a clock file. It is killed with SIGKILL at random moments while its
//! background consumer claims and purges jobs, and restarted on the same database. In the end
//! every deletion that was not restored is purged exactly once, restored webhooks are
//! untouched, leads are all there and `hookgrace check` finds nothing.
//!
//! `HOOKGRACE_CRASH_ROUNDS` sets the number of kills during purges (default 12).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use hookgrace::api::{sign_lead, Timestamp, SIGNATURE_HEADER};
use rand::Rng;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Webhooks per round: one is deleted per clock minute and each round moves the clock 25
/// minutes, so every round has about 20 deadlines to purge.
const WEBHOOKS_PER_ROUND: u32 = 20;
/// Every fifth webhook is restored before its deadline and must never be purged.
const RESTORE_EVERY: u32 = 5;
const START: &str = "2026-03-01T10:00:00.000Z";

/// Builds the id of webhook `number`; a new prefix starts every 900 numbers because ids
/// end in three digits.
fn webhook(number: u32) -> String {
    format!(
        "crash-{}_ws_cal_solar_{:03}",
        number / 900,
        number % 900 + 1
    )
}

fn restored(number: u32) -> bool {
    number % RESTORE_EVERY == 0
}

/// A `hookgrace serve` child and everything it wrote to stderr.
struct Server {
    child: Child,
    base: String,
    log: Arc<Mutex<String>>,
}

/// Removes terminal colour sequences such as `ESC[2m` from a log line.
fn strip_ansi(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

impl Server {
    /// Starts the binary on a free loopback port and waits, at most 20 s, for its
    /// "server started" line.
    fn start(db: &Path, clock_file: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
            .args(["serve", "--listen", "127.0.0.1:0", "--grace-period", "1h"])
            .args(["--max-attempts", "3"])
            .arg("--db")
            .arg(db)
            .arg("--clock-file")
            .arg(clock_file)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("failed to start hookgrace serve");
        let stderr = child.stderr.take().expect("child stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let line = strip_ansi(&line);
                if line.contains("server started") {
                    let addr = line
                        .split_whitespace()
                        .find_map(|field| field.strip_prefix("addr="))
                        .map(str::to_owned);
                    let _ = addr_tx.send(addr);
                }
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match addr_rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Some(addr)) => addr,
            other => {
                let _ = child.kill();
                let log = log.lock().expect("log lock").clone();
                panic!("hookgrace serve did not report its address ({other:?}): {log}");
            }
        };
        Self {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }

    /// Sends SIGKILL and reaps the process.
    fn kill(mut self) -> String {
        self.child.kill().expect("SIGKILL failed");
        self.child.wait().expect("wait failed");
        let log = self.log.lock().expect("log lock").clone();
        log
    }
}

fn write_clock(path: &Path, at: Timestamp) {
    // Write and rename, so the child never reads a half-written file.
    let partial = path.with_extension("partial");
    std::fs::write(&partial, at.to_string()).expect("write clock file");
    std::fs::rename(&partial, path).expect("replace clock file");
}

/// Counts the jobs in each state by reading the database file directly.
fn job_counts(db: &Path) -> HashMap<String, i64> {
    let connection = rusqlite::Connection::open(db).expect("open database");
    let mut statement = connection
        .prepare("SELECT state, COUNT(*) FROM deletion_jobs GROUP BY state")
        .expect("prepare count");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("count jobs")
        .collect::<Result<_, _>>()
        .expect("read counts")
}

fn unfinished(counts: &HashMap<String, i64>) -> i64 {
    ["pending", "processing", "failed", "dead_letter"]
        .iter()
        .map(|state| counts.get(*state).copied().unwrap_or(0))
        .sum()
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> StatusCode {
    let mut request = client.request(method, url).header("X-User-ID", "crash");
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request failed").status()
}

/// Creates the webhooks with one lead each, soft-deletes them one clock minute apart, so
/// their deadlines spread over the rounds, and restores every fifth.
async fn arrange(
    client: &reqwest::Client,
    base: &str,
    db: &Path,
    clock_file: &Path,
    start: Timestamp,
    webhooks: u32,
) {
    use reqwest::Method;
    for number in 1..=webhooks {
        let at = start
            .checked_add(Span::minutes(i64::from(number)))
            .expect("time in range");
        write_clock(clock_file, at);
        let id = webhook(number);
        let body = json!({"id": id, "name": "Crash", "type": "solar", "region": "cal",
                          "category": "solar"});
        let created = send(client, Method::POST, format!("{base}/webhook"), Some(body)).await;
        assert_eq!(created, StatusCode::CREATED, "{id}");
        let lead = serde_json::to_vec(&json!({"n": number})).expect("lead JSON");
        let secret = signing_secret(db, &id);
        let accepted = client
            .post(format!("{base}/webhook/{id}"))
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, sign_lead(&secret, &lead))
            .body(lead)
            .send()
            .await
            .expect("request failed")
            .status();
        assert_eq!(accepted, StatusCode::CREATED, "{id}");
        let url = format!("{base}/webhook/{id}?reason=crash");
        assert_eq!(
            send(client, Method::DELETE, url, None).await,
            StatusCode::OK
        );
        if restored(number) {
            let url = format!("{base}/webhook/{id}/restore");
            assert_eq!(send(client, Method::POST, url, None).await, StatusCode::OK);
        }
    }
}

/// Creates the database and an admin token in it with `hookgrace token create`.
async fn create_token(db: &Path) -> String {
    hookgrace::store::SqliteStore::open(db)
        .await
        .expect("failed to create the database");
    let output = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args([
            "token", "create", "--name", "crash", "--role", "admin", "--db",
        ])
        .arg(db)
        .output()
        .expect("failed to run hookgrace token create");
    assert!(
        output.status.success(),
        "token create failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("token is text")
        .trim()
        .to_owned()
}

/// Reads a webhook's lead signing secret from the database file.
fn signing_secret(db: &Path, id: &str) -> String {
    let connection = rusqlite::Connection::open(db).expect("open database");
    connection
        .query_row(
            "SELECT signing_secret FROM webhooks WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .expect("read signing secret")
}

fn run_check(db: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .arg("check")
        .arg("--db")
        .arg(db)
        .output()
        .expect("failed to run hookgrace check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

/// Reads every purged event and the final state of every webhook and job from the file.
fn verify(db: &Path, webhooks: u32) {
    let connection = rusqlite::Connection::open(db).expect("open database");
    let purges: Vec<(String, String)> = connection
        .prepare("SELECT webhook_id, job_id FROM audit_events WHERE event_type = 'purged'")
        .expect("prepare purges")
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("read purges")
        .collect::<Result<_, _>>()
        .expect("read purges");
    let mut per_webhook: HashMap<String, Vec<String>> = HashMap::new();
    for (webhook_id, job_id) in purges {
        per_webhook.entry(webhook_id).or_default().push(job_id);
    }
    for number in 1..=webhooks {
        let id = webhook(number);
        let purged = per_webhook.get(&id).map_or(0, Vec::len);
        let exists: bool = connection
            .query_row(
                "SELECT COUNT(*) > 0 FROM webhooks WHERE id = ?1",
                [&id],
                |row| row.get(0),
            )
            .expect("read webhook");
        let leads: i64 = connection
            .query_row(
                "SELECT COUNT(*) FROM leads WHERE webhook_id = ?1",
                [&id],
                |row| row.get(0),
            )
            .expect("count leads");
        assert_eq!(leads, 1, "{id} lost its lead");
        if restored(number) {
            assert_eq!(purged, 0, "restored {id} was purged");
            assert!(exists, "restored {id} is gone");
        } else {
            assert_eq!(purged, 1, "{id} was purged {purged} times");
            assert!(!exists, "{id} was not purged");
        }
    }
    let completed: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM deletion_jobs WHERE state = 'completed'",
            [],
            |row| row.get(0),
        )
        .expect("count completed");
    let expected = (1..=webhooks).filter(|number| !restored(*number)).count() as i64;
    assert_eq!(completed, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_server_purges_each_job_once() {
    let rounds: u32 = std::env::var("HOOKGRACE_CRASH_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(12);
    let started = Instant::now();
    let dir = common::scratch_dir();
    let db: PathBuf = dir.path().join("crash.db");
    let clock_file = dir.path().join("clock");
    let mut now = Timestamp::parse(START).expect("start time");
    write_clock(&clock_file, now);
    let token = create_token(&db).await;
    let client = common::http_client(Some(&token));

    let server = Server::start(&db, &clock_file);
    let webhooks = WEBHOOKS_PER_ROUND * rounds.max(1);
    arrange(&client, &server.base, &db, &clock_file, now, webhooks).await;
    let mut logs = vec![server.kill()];

    // Each round moves the clock 25 minutes while the server is down, past about 20 deadlines
    // and every lease of an earlier round (5 min). Then it starts the server and kills it a
    // few milliseconds later, while its first scan is claiming and purging.
    let mut rng = rand::rng();
    let mut killed_mid_batch = 0;
    now = now.checked_add(Span::minutes(60)).expect("time in range");
    for _ in 0..rounds {
        now = now.checked_add(Span::minutes(25)).expect("time in range");
        write_clock(&clock_file, now);
        let server = Server::start(&db, &clock_file);
        let delay = rng.random_range(0..12);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        logs.push(server.kill());
        let counts = job_counts(&db);
        if counts.get("processing").copied().unwrap_or(0) > 0 {
            killed_mid_batch += 1;
        }
    }

    // A last server runs, a day later, until every job is finished, then dies the same way.
    now = now.checked_add(Span::hours(24)).expect("time in range");
    write_clock(&clock_file, now);
    let server = Server::start(&db, &clock_file);
    let deadline = Instant::now() + Duration::from_secs(20);
    while unfinished(&job_counts(&db)) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let counts = job_counts(&db);
    logs.push(server.kill());
    assert_eq!(unfinished(&counts), 0, "jobs left: {counts:?}");

    verify(&db, webhooks);
    let (code, output) = run_check(&db);
    assert_eq!(code, 0, "hookgrace check: {output}");
    assert!(output.contains("no issues found"), "{output}");
    for (start, log) in logs.iter().enumerate() {
        assert!(
            log.contains("integrity check found no issues"),
            "start {start} did not log a clean integrity check: {log}"
        );
    }
    eprintln!(
        "crash test: {} kills ({rounds} during purges, {killed_mid_batch} with jobs left \
         processing), {webhooks} webhooks, in {:.1} s",
        rounds + 2,
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn check_names_the_path_once() {
    let dir = common::scratch_dir();
    let missing = dir.path().join("missing.db");
    let (code, output) = run_check(&missing);
    assert_eq!(code, 2, "{output}");
    let opening = format!("failed to open database {}", missing.display());
    assert_eq!(output.matches(&opening).count(), 1, "{output}");
    assert!(output.contains("the file does not exist"), "{output}");

    let (code, output) = run_check(dir.path());
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("the path is a directory"), "{output}");
    assert!(output.contains("a database file is needed"), "{output}");
    assert!(!output.contains("disk I/O error"), "{output}");
}

#[test]
fn check_exit_codes() {
    let dir = common::scratch_dir();
    let missing = dir.path().join("missing.db");
    let (code, output) = run_check(&missing);
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("does not exist"), "{output}");
    assert!(!missing.exists(), "check created a database");

    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer)
        .expect("create database")
        .pragma_update(None, "user_version", 99)
        .expect("set version");
    let (code, output) = run_check(&newer);
    assert_eq!(code, 2, "{output}");
    assert!(
        output.contains("newer than this hookgrace binary"),
        "{output}"
    );
    let serve = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&newer)
        .output()
        .expect("run hookgrace serve");
    assert!(!serve.status.success());
    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert!(
        stderr.contains("newer than this hookgrace binary"),
        "{stderr}"
    );

    let db = dir.path().join("broken.db");
    let (code, output) = {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let store = hookgrace::store::SqliteStore::open(&db)
                .await
                .expect("create database");
            drop(store);
        });
        let connection = rusqlite::Connection::open(&db).expect("open database");
        connection
            .execute(
                "INSERT INTO deletion_jobs (id, webhook_id, webhook_name, state, attempts,
                     max_attempts, execute_at, created_at, updated_at)
                 VALUES ('job_orphan', 'gone_ws_cal_solar_001', 'x', 'dead_letter', 3, 3,
                     ?1, ?1, ?1)",
                [START],
            )
            .expect("insert orphan");
        run_check(&db)
    };
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("orphaned_job webhook=gone_ws_cal_solar_001 job=job_orphan"),
        "{output}"
    );
    assert!(output.contains("3 issues found"), "{output}");

    // The server runs the same check at start and logs each issue.
    let clock_file = dir.path().join("clock");
    write_clock(&clock_file, Timestamp::parse(START).expect("start time"));
    let log = Server::start(&db, &clock_file).kill();
    assert!(
        log.contains("integrity issue: job job_orphan is dead_letter"),
        "{log}"
    );
    assert!(!log.contains("integrity check found no issues"), "{log}");

    // An empty database, freshly migrated, is clean.
    let clean = dir.path().join("clean.db");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        drop(
            hookgrace::store::SqliteStore::open(&clean)
                .await
                .expect("create database"),
        );
    });
    let (code, output) = run_check(&clean);
    assert_eq!(code, 0, "{output}");
}
