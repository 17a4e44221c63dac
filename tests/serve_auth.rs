//! The `hookgrace serve` and `hookgrace token` binaries: the first admin token printed once on
//! stdout, token management on the database file, failed authentications logged with their
//! address, and no token text in any log line, at debug level too.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

const UNKNOWN_TOKEN: &str = "hg_eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/// A `hookgrace serve` child with everything it wrote to stdout and stderr so far.
struct Serve {
    child: Child,
    base: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(stream: impl Read + Send + 'static, sink: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

impl Serve {
    /// Starts `hookgrace serve` on a free loopback port with `extra` arguments and waits, at
    /// most 20 s, for its address.
    fn start(db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env("RUST_LOG", "debug")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("failed to start hookgrace serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let started = Instant::now();
        let addr = loop {
            let log = stderr.lock().unwrap().clone();
            let addr = log
                .lines()
                .filter(|line| line.contains("server started"))
                .flat_map(str::split_whitespace)
                .find_map(|field| field.strip_prefix("addr="))
                .map(str::to_owned);
            if let Some(addr) = addr {
                break addr;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("hookgrace serve did not report its address: {log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Self {
            child,
            base: format!("http://{addr}"),
            stdout,
            stderr,
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Kills the child and returns its stderr.
    fn stop(mut self) -> String {
        self.child.kill().expect("kill failed");
        self.child.wait().expect("wait failed");
        // The reader threads finish once the pipes close.
        std::thread::sleep(Duration::from_millis(50));
        let log = self.stderr.lock().unwrap().clone();
        log
    }
}

/// Finds a token (`hg_` and 64 hex digits) in `text`.
fn find_token(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|word| word.starts_with("hg_") && word.len() == 67)
        .map(str::to_owned)
}

/// Waits up to 5 s for the first admin token on the child's stdout.
fn wait_for_token(serve: &Serve) -> String {
    let started = Instant::now();
    loop {
        if let Some(token) = find_token(&serve.stdout()) {
            return token;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no token printed: {}",
            serve.stdout()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hookgrace(args: &[&str], db: &Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("failed to run hookgrace");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn status(base: &str, path: &str, token: Option<&str>) -> StatusCode {
    common::http_client(token)
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("request failed")
        .status()
}

#[tokio::test]
async fn first_start_prints_token_once_and_logs_none() {
    let dir = common::scratch_dir();
    let db = dir.path().join("serve.db");
    let serve = Serve::start(&db, &[]);
    let admin = wait_for_token(&serve);
    let printed = serve.stdout();
    assert!(printed.contains("Authorization: Bearer"), "{printed}");
    assert!(printed.contains("HOOKGRACE_TOKEN="), "{printed}");

    assert_eq!(
        status(&serve.base, "/whoami", Some(&admin)).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&serve.base, "/webhook", None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&serve.base, "/webhook", Some(UNKNOWN_TOKEN)).await,
        StatusCode::UNAUTHORIZED
    );
    let log = serve.stop();
    assert!(!log.contains(&admin), "the admin token is in the log");
    assert!(
        !log.contains(UNKNOWN_TOKEN),
        "a rejected token is in the log"
    );
    let failure = log
        .lines()
        .find(|line| line.contains("authentication failed") && line.contains("unknown token"))
        .unwrap_or_else(|| panic!("no failed authentication logged: {log}"));
    assert!(failure.contains("address=127.0.0.1"), "{failure}");

    // The second start finds the token and prints none.
    let serve = Serve::start(&db, &[]);
    assert_eq!(
        status(&serve.base, "/whoami", Some(&admin)).await,
        StatusCode::OK
    );
    assert_eq!(find_token(&serve.stdout()), None, "{}", serve.stdout());
    serve.stop();
}

/// Creates an empty database at `db`, as the first start of `hookgrace serve` would, but
/// without the first admin token.
async fn create_database(db: &Path) {
    hookgrace::store::SqliteStore::open(db)
        .await
        .expect("failed to create the database");
}

#[tokio::test]
async fn first_start_hint_names_the_database() {
    let dir = common::scratch_dir();
    let db = dir.path().join("my data").join("serve.db");
    let serve = Serve::start(&db, &[]);
    wait_for_token(&serve);
    let printed = serve.stdout();
    serve.stop();
    let hint = format!(
        "hookgrace token create --name NAME --role viewer --db '{}'",
        db.display()
    );
    assert!(printed.contains(&hint), "{printed}");
    assert!(
        printed.contains("hookgrace --api http://127.0.0.1:"),
        "{printed}"
    );
    assert!(!printed.contains("--ca-cert"), "{printed}");
}

/// With TLS on, the printed dashboard command trusts the server's certificate, which a
/// self-signed certificate needs.
#[tokio::test]
async fn tls_first_start_hint_names_the_certificate() {
    let dir = common::scratch_dir();
    let certs = dir.path().join("my certs");
    std::fs::create_dir_all(&certs).unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = certs.join("server.crt");
    let key = certs.join("server.key");
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let db = dir.path().join("tls.db");
    let serve = Serve::start(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    wait_for_token(&serve);
    let printed = serve.stdout();
    serve.stop();
    let command = printed
        .lines()
        .find(|line| line.contains("hookgrace --api"))
        .unwrap_or_else(|| panic!("no dashboard command: {printed}"));
    assert!(command.contains("--api https://127.0.0.1:"), "{command}");
    let ca_cert = format!("--ca-cert '{}'", cert.display());
    assert!(command.trim_end().ends_with(&ca_cert), "{command}");
}

#[tokio::test]
async fn token_commands_reject_a_missing_database() {
    let dir = common::scratch_dir();
    let db = dir.path().join("typo.db");
    for args in [
        &["token", "create", "--name", "vera", "--role", "viewer"][..],
        &["token", "revoke", "vera"][..],
        &["token", "list"][..],
    ] {
        let (ok, stdout, stderr) = hookgrace(args, &db);
        assert!(!ok, "{args:?}: {stdout}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        let expected = format!("database {} does not exist", db.display());
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("hookgrace serve --db {}", db.display())),
            "{args:?}: {stderr}"
        );
        assert!(!db.exists(), "{args:?} created the database");
    }
}

#[tokio::test]
async fn token_create_rejects_reserved_and_hidden_names() {
    let dir = common::scratch_dir();
    let db = dir.path().join("names.db");
    create_database(&db).await;
    let cases = [
        ("system", "reserved"),
        ("SYSTEM", "reserved"),
        ("anonymous", "reserved"),
        ("cli:operator", "reserved"),
        ("bob\u{2028}x", "U+2028 at character 4"),
        ("\u{202E}nimda", "U+202E at character 1"),
        ("ad\u{3164}min", "U+3164 at character 3"),
        ("system\u{FE0F}", "reserved"),
        ("\u{A0}bob", "U+00A0 at character 1"),
        ("bob\u{FE0F}", "a variation selector U+FE0F at character 4"),
        ("\u{0455}ystem", "mixes Latin letters"),
    ];
    for (name, expected) in cases {
        let (ok, stdout, stderr) = hookgrace(
            &["token", "create", "--name", name, "--role", "operator"],
            &db,
        );
        assert!(!ok, "{name:?}: {stdout}");
        assert!(find_token(&stdout).is_none(), "{name:?}: {stdout}");
        assert!(stderr.contains("invalid token name"), "{name:?}: {stderr}");
        assert!(stderr.contains(expected), "{name:?}: {stderr}");
        for hidden in ['\u{2028}', '\u{202E}', '\u{3164}', '\u{FE0F}', '\u{A0}'] {
            assert!(
                !stderr.contains(hidden),
                "{name:?}: raw {hidden:?} in {stderr:?}"
            );
        }
    }
    let (ok, list, stderr) = hookgrace(&["token", "list"], &db);
    assert!(ok, "{stderr}");
    assert!(list.starts_with("no tokens"), "{list}");
}

/// Tokens stored before names were checked may contain any characters. `token list` shows them
/// escaped, so that a stored name cannot reorder or hide what the terminal shows.
#[tokio::test]
async fn token_list_escapes_stored_names() {
    use hookgrace::store::Store;

    let dir = common::scratch_dir();
    let db = dir.path().join("old.db");
    let store = hookgrace::store::SqliteStore::open(&db).await.unwrap();
    let now = hookgrace::api::Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap();
    for name in ["evil\u{202E}txt", "bell\u{7}\u{1b}[2J", "line\u{2028}break"] {
        let new = hookgrace::store::NewToken {
            name: name.to_owned(),
            role: hookgrace::api::Role::Viewer,
            token_sha256: hookgrace::server::hash_token(name),
        };
        store.create_token(new, "older\u{3164}", now).await.unwrap();
    }
    drop(store);

    let (ok, list, stderr) = hookgrace(&["token", "list"], &db);
    assert!(ok, "{stderr}");
    for raw in ['\u{202E}', '\u{7}', '\u{1b}', '\u{2028}', '\u{3164}'] {
        assert!(!list.contains(raw), "raw {raw:?} in {list:?}");
    }
    assert!(list.contains("evil\\u{202e}txt"), "{list}");
    assert!(list.contains("bell\\u{7}\\u{1b}[2J"), "{list}");
    assert!(list.contains("line\\u{2028}break"), "{list}");
    assert!(list.contains("by older\\u{3164}"), "{list}");
}

/// `token revoke` prints a stored name escaped, as `token list` does, so a name written before
/// names were checked cannot pose as another on the terminal.
#[tokio::test]
async fn token_revoke_escapes_stored_names() {
    use hookgrace::store::Store;

    let dir = common::scratch_dir();
    let db = dir.path().join("old.db");
    let store = hookgrace::store::SqliteStore::open(&db).await.unwrap();
    let now = hookgrace::api::Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap();
    let name = "system\u{FE0F}";
    let new = hookgrace::store::NewToken {
        name: name.to_owned(),
        role: hookgrace::api::Role::Viewer,
        token_sha256: hookgrace::server::hash_token(name),
    };
    store.create_token(new, "older", now).await.unwrap();
    drop(store);

    let (ok, revoked, stderr) = hookgrace(&["token", "revoke", name], &db);
    assert!(ok, "{stderr}");
    assert!(!revoked.contains('\u{FE0F}'), "raw U+FE0F in {revoked:?}");
    assert!(revoked.contains("named 'system\\u{fe0f}'"), "{revoked}");

    let (ok, again, stderr) = hookgrace(&["token", "revoke", name], &db);
    assert!(!ok, "{again}");
    assert!(!stderr.contains('\u{FE0F}'), "raw U+FE0F in {stderr:?}");
    assert!(stderr.contains("'system\\u{fe0f}'"), "{stderr}");
}

#[tokio::test]
async fn read_only_serve_logs_consumer_off() {
    use std::os::unix::fs::PermissionsExt;

    let dir = common::scratch_dir();
    let db = dir.path().join("read-only.db");
    create_database(&db).await;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let serve = Serve::start(&db, &[]);
    let log = serve.stop();
    let started = log
        .lines()
        .find(|line| line.contains("server started"))
        .unwrap_or_else(|| panic!("no start line: {log}"));
    assert!(started.contains("consumer=off"), "{started}");
    assert!(
        log.contains("the deletion queue consumer does not run"),
        "{log}"
    );
}

#[tokio::test]
async fn token_commands_manage_the_database() {
    let dir = common::scratch_dir();
    let db = dir.path().join("tokens.db");
    create_database(&db).await;
    let (ok, viewer, stderr) = hookgrace(
        &["token", "create", "--name", "vera", "--role", "viewer"],
        &db,
    );
    assert!(ok, "{stderr}");
    let viewer = viewer.trim().to_owned();
    assert_eq!(find_token(&viewer).as_deref(), Some(viewer.as_str()));
    assert!(stderr.contains("viewer role"), "{stderr}");

    let (ok, _, stderr) = hookgrace(
        &["token", "create", "--name", "vera", "--role", "admin"],
        &db,
    );
    assert!(!ok);
    assert!(stderr.contains("already named 'vera'"), "{stderr}");
    let (ok, _, stderr) = hookgrace(&["token", "create", "--name", "x", "--role", "root"], &db);
    assert!(!ok);
    assert!(stderr.contains("invalid role 'root'"), "{stderr}");

    // A database that has a token gets no first admin token.
    let serve = Serve::start(&db, &[]);
    assert_eq!(
        status(&serve.base, "/webhook", Some(&viewer)).await,
        StatusCode::OK
    );
    assert_eq!(find_token(&serve.stdout()), None);

    let (ok, list, _) = hookgrace(&["token", "list"], &db);
    assert!(ok);
    assert!(
        list.contains("vera") && list.contains("viewer") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&viewer), "{list}");

    // Revoking through the file takes effect on the running server's next request.
    let (ok, revoked, stderr) = hookgrace(&["token", "revoke", "vera"], &db);
    assert!(ok, "{stderr}");
    assert!(revoked.contains("revoked"), "{revoked}");
    assert_eq!(
        status(&serve.base, "/webhook", Some(&viewer)).await,
        StatusCode::UNAUTHORIZED
    );
    let log = serve.stop();
    assert!(!log.contains(&viewer), "the viewer token is in the log");
    assert!(log.contains("revoked token"), "{log}");
}

#[tokio::test]
async fn trust_flag_warns_at_start() {
    let dir = common::scratch_dir();
    let db = dir.path().join("trust.db");
    let serve = Serve::start(&db, &["--trust-user-header"]);
    let log = serve.stop();
    let warning = log
        .lines()
        .find(|line| line.contains("--trust-user-header is on"))
        .unwrap_or_else(|| panic!("no warning: {log}"));
    assert!(warning.contains("WARN"), "{warning}");
}

#[test]
fn missing_tls_file_is_named() {
    let dir = common::scratch_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_hookgrace"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/cert.pem",
        ])
        .args(["--tls-key", "/nonexistent/key.pem", "--db"])
        .arg(dir.path().join("tls.db"))
        .output()
        .expect("failed to run hookgrace serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/cert.pem"), "{stderr}");
}
