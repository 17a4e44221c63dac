//! Storage faults: another process holding the write lock, a read-only database file and a
//! full database. None of them may surface as "database is locked" or corrupt data. Each
//! unavailable case is a 503 whose message names the operator's next step.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::sync::mpsc;
use std::time::Duration;

use common::{hours, manual_options, TestServer, GRACE_HOURS};
use hookgrace::server::ServerOptions;
use hookgrace::store::OpenOptions;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const NAME: &str = "Acme Solar";

fn webhook(number: u32) -> String {
    format!("acme_ws_cal_solar_{number:03}")
}

/// Holds the database's write lock from a second connection, as another process would,
/// until `release` receives a message or is dropped.
fn hold_write_lock(test: &TestServer) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let path = test.db_path();
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let connection = rusqlite::Connection::open(path).expect("open second connection");
        connection
            .execute_batch("BEGIN IMMEDIATE")
            .expect("take the write lock");
        locked_tx.send(()).expect("signal the lock");
        let _ = release_rx.recv();
        connection
            .execute_batch("COMMIT")
            .expect("release the lock");
    });
    locked_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the second connection did not take the lock");
    (release_tx, holder)
}

async fn integrity_is_clean(test: &TestServer) {
    let (status, report) = test.get("/integrity").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["issues"], Value::Array(Vec::new()), "{report}");
}

fn assert_unavailable(status: StatusCode, body: &Value, word: &str) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "Service unavailable", "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(word), "{message}");
    assert!(!message.contains("SQL"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_wait_for_a_held_lock() {
    let test = TestServer::start().await;
    test.create(&webhook(1), NAME).await;
    let (release, holder) = hold_write_lock(&test);

    // Forty writes start while the other connection holds the lock; the lock goes away
    // 300 ms later, well inside the 5 s busy timeout.
    let requests = (2..=41).map(|number| {
        let test = &test;
        async move {
            let body = json!({
                "id": webhook(number),
                "name": NAME,
                "type": "solar",
                "region": "cal",
                "category": "solar",
            });
            let created = test.call(Method::POST, "/webhook", None, Some(body)).await;
            let lead = test.lead(&webhook(1), json!({"n": number})).await;
            (created, lead)
        }
    });
    let releaser = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        release.send(()).expect("release the lock");
    };
    let (results, ()) = tokio::join!(futures::future::join_all(requests), releaser);
    holder.join().expect("lock holder panicked");

    for ((created, lead), number) in results.into_iter().zip(2..) {
        assert_eq!(created.0, StatusCode::CREATED, "{number}: {}", created.1);
        assert_eq!(lead.0, StatusCode::CREATED, "{number}: {}", lead.1);
    }
    let (_, list) = test.get("/webhook").await;
    assert_eq!(list["total_webhooks"], 41);
    assert_eq!(test.stored_leads(&webhook(1)), 40);
    integrity_is_clean(&test).await;
}

#[tokio::test]
async fn lock_held_past_busy_timeout_is_503() {
    let test = TestServer::start_with(ServerOptions {
        database: OpenOptions {
            busy_timeout: Duration::from_millis(100),
            ..OpenOptions::default()
        },
        ..manual_options()
    })
    .await;
    test.create(&webhook(1), NAME).await;
    let (release, holder) = hold_write_lock(&test);

    let (status, body) = test.lead(&webhook(1), json!({"a": 1})).await;
    assert_unavailable(status, &body, "busy");
    // Reads do not need the write lock.
    let (status, _) = test.get(&format!("/webhook/{}", webhook(1))).await;
    assert_eq!(status, StatusCode::OK);

    release.send(()).expect("release the lock");
    holder.join().expect("lock holder panicked");
    let (status, body) = test.lead(&webhook(1), json!({"a": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(test.stored_leads(&webhook(1)), 1);
}

#[tokio::test]
async fn read_only_file_serves_reads_and_rejects_writes() {
    let mut test = TestServer::start().await;
    test.create(&webhook(1), NAME).await;
    test.create(&webhook(2), NAME).await;
    test.soft_delete(&webhook(2)).await;
    test.stop().await;

    let path = test.db_path();
    let before = std::fs::read(&path).expect("read the database file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444))
        .expect("make the database read-only");
    test.start_again().await;

    let (status, list) = test.get("/webhook").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total_webhooks"], 1);
    let (status, body) = test.lead(&webhook(1), json!({"a": 1})).await;
    assert_unavailable(status, &body, "read-only");
    let (status, body) = test
        .call(
            Method::DELETE,
            &format!("/webhook/{}?reason=x", webhook(1)),
            None,
            None,
        )
        .await;
    assert_unavailable(status, &body, "read-only");
    let (status, body) = test.restore(&webhook(2)).await;
    assert_unavailable(status, &body, "read-only");
    test.advance(hours(GRACE_HOURS));
    let pass = test.server().run_queue_once().await;
    assert!(
        pass.is_err(),
        "the consumer claimed jobs in a read-only database"
    );
    integrity_is_clean(&test).await;
    test.stop().await;
    let after = std::fs::read(&path).expect("read the database file");
    assert!(before == after, "the read-only database file changed");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
        .expect("make the database writable");
    test.start_again().await;
    assert_eq!(test.run_queue().await, 1);
    let (status, _) = test.get(&format!("/webhook/{}", webhook(2))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    integrity_is_clean(&test).await;
}

#[tokio::test]
async fn full_database_is_503_and_keeps_data() {
    let mut test = TestServer::start().await;
    test.create(&webhook(1), NAME).await;
    test.create(&webhook(2), NAME).await;
    test.lead(&webhook(1), json!({"a": 1})).await;
    test.soft_delete(&webhook(2)).await;
    test.stop().await;
    let pages: u64 = rusqlite::Connection::open(test.db_path())
        .expect("open the database")
        .pragma_query_value(None, "page_count", |row| row.get(0))
        .expect("read page_count");
    test.options.database.max_page_count = Some(pages + 2);
    test.start_again().await;

    let payload = "x".repeat(3000);
    let mut full = None;
    for number in 0..50 {
        let (status, body) = test
            .lead(&webhook(1), json!({"n": number, "padding": payload}))
            .await;
        if status != StatusCode::CREATED {
            full = Some((status, body));
            break;
        }
    }
    let (status, body) = full.expect("the capped database never filled up");
    assert_unavailable(status, &body, "full");
    let accepted = test.stored_leads(&webhook(1));
    assert!(accepted >= 1);

    // Whatever else fails for lack of space leaves no half-done change behind.
    let (status, body) = test
        .call(
            Method::DELETE,
            &format!("/webhook/{}?reason=x", webhook(1)),
            None,
            None,
        )
        .await;
    assert!(
        status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status} {body}"
    );
    test.advance(hours(GRACE_HOURS));
    let _ = test.server().run_queue_once().await;
    integrity_is_clean(&test).await;
    assert_eq!(test.stored_leads(&webhook(1)), accepted);

    test.stop().await;
    test.options.database.max_page_count = None;
    test.start_again().await;
    test.run_queue().await;
    test.advance(hours(1));
    test.run_queue().await;
    let (status, _) = test.get(&format!("/webhook/{}", webhook(2))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(test.stored_leads(&webhook(1)), accepted);
    integrity_is_clean(&test).await;
}

#[tokio::test]
async fn read_only_directory_serves_reads_only() {
    let mut test = TestServer::start().await;
    test.create(&webhook(1), NAME).await;
    test.stop().await;

    let directory = test
        .db_path()
        .parent()
        .expect("database directory")
        .to_owned();
    let before = std::fs::read(test.db_path()).expect("read the database file");
    std::fs::set_permissions(&directory, std::fs::Permissions::from_mode(0o555))
        .expect("make the directory read-only");
    test.start_again().await;
    let (status, _) = test.get(&format!("/webhook/{}", webhook(1))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = test.lead(&webhook(1), json!({"a": 1})).await;
    assert_unavailable(status, &body, "read-only");
    test.stop().await;
    std::fs::set_permissions(&directory, std::fs::Permissions::from_mode(0o755))
        .expect("make the directory writable");
    let after = std::fs::read(test.db_path()).expect("read the database file");
    assert!(before == after, "the database file changed");

    test.start_again().await;
    let (status, body) = test.lead(&webhook(1), json!({"a": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
