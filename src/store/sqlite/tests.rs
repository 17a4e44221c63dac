use chrono::Duration;
use rusqlite::OptionalExtension;

use super::*;
use crate::store::{CancelCause, RestoreRequest, SoftDeleteRequest, WebhookIdSpec};

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn start() -> Timestamp {
    at("2026-03-01T10:00:00.000Z")
}

async fn open_temp() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("test.db"))
        .await
        .unwrap();
    (dir, store)
}

fn new_webhook(id: &str, name: &str) -> NewWebhook {
    NewWebhook {
        id: WebhookIdSpec::Given(id.to_owned()),
        name: name.to_owned(),
        description: None,
        kind: "solar".to_owned(),
        region: "cal".to_owned(),
        category: "solar".to_owned(),
        signing_secret: None,
    }
}

async fn create(store: &SqliteStore, id: &str) {
    let outcome = store
        .create_webhook(new_webhook(id, "Solar leads"), "alice", start())
        .await
        .unwrap();
    assert!(matches!(outcome, CreateOutcome::Created(_)), "{outcome:?}");
}

async fn soft_delete(store: &SqliteStore, id: &str, now: Timestamp) -> Job {
    let request = SoftDeleteRequest {
        id: id.to_owned(),
        actor: "alice".to_owned(),
        reason: "cleanup".to_owned(),
        scheduled_deletion_at: now.checked_add(Duration::hours(24)).unwrap(),
        max_attempts: 3,
    };
    match store.soft_delete(request, now).await.unwrap() {
        SoftDeleteOutcome::Scheduled { job, .. } => job,
        other => panic!("soft delete failed: {other:?}"),
    }
}

fn pragma_text(store: &SqliteStore, name: &str) -> String {
    let connection = store.connection.lock().unwrap();
    connection
        .pragma_query_value(None, name, |row| {
            let value: rusqlite::types::Value = row.get(0)?;
            Ok(match value {
                rusqlite::types::Value::Integer(number) => number.to_string(),
                rusqlite::types::Value::Text(text) => text,
                other => format!("{other:?}"),
            })
        })
        .unwrap()
}

#[tokio::test]
async fn pragmas_read_back() {
    let (_dir, store) = open_temp().await;
    assert_eq!(pragma_text(&store, "journal_mode"), "wal");
    assert_eq!(pragma_text(&store, "foreign_keys"), "1");
    assert_eq!(pragma_text(&store, "busy_timeout"), "5000");
    // synchronous=NORMAL is 1.
    assert_eq!(pragma_text(&store, "synchronous"), "1");
    assert_eq!(
        pragma_text(&store, "user_version"),
        SCHEMA_VERSION.to_string()
    );
}

#[tokio::test]
async fn open_creates_missing_parent_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("nested")
        .join("deeper")
        .join("hookgrace.db");
    SqliteStore::open(&path).await.unwrap();
    assert!(path.is_file());
}

#[tokio::test]
async fn reopen_keeps_data_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let store = SqliteStore::open(&path).await.unwrap();
    create(&store, "ws_cal_solar_001").await;
    drop(store);
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert!(reopened
        .get_webhook("ws_cal_solar_001")
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        pragma_text(&reopened, "user_version"),
        SCHEMA_VERSION.to_string()
    );
}

#[tokio::test]
async fn open_rejects_newer_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    {
        let connection = Connection::open(&path).unwrap();
        connection
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let error = match SqliteStore::open(&path).await {
        Ok(_) => panic!("a newer schema was accepted"),
        Err(error) => error,
    };
    assert!(
        matches!(error, StoreError::SchemaTooNew { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("newer than this hookgrace binary"),
        "{message}"
    );
    assert!(
        message.contains(&format!("version {}", SCHEMA_VERSION + 1)),
        "{message}"
    );
}

#[tokio::test]
async fn timestamps_are_stored_in_api_text_form() {
    let (_dir, store) = open_temp().await;
    create(&store, "ws_cal_solar_001").await;
    let connection = store.connection.lock().unwrap();
    let stored: String = connection
        .query_row(
            "SELECT created_at FROM webhooks WHERE id = 'ws_cal_solar_001'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(stored, "2026-03-01T10:00:00.000Z");
}

#[tokio::test]
async fn audit_rows_reject_update_and_delete() {
    let (_dir, store) = open_temp().await;
    create(&store, "ws_cal_solar_001").await;
    let connection = store.connection.lock().unwrap();
    let update = connection.execute("UPDATE audit_events SET actor = 'mallory'", []);
    assert!(update.is_err());
    let delete = connection.execute("DELETE FROM audit_events", []);
    assert!(delete.is_err());
    let count: i64 = connection
        .query_row("SELECT COUNT(*) FROM audit_events", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn next_free_id_skips_purged_numbers() {
    let (_dir, store) = open_temp().await;
    let next = |prefix: Option<&str>| NewWebhook {
        id: WebhookIdSpec::Next {
            prefix: prefix.map(str::to_owned),
        },
        ..new_webhook("", "Auto")
    };
    let first = store
        .create_webhook(next(Some("acme")), "alice", start())
        .await
        .unwrap();
    let CreateOutcome::Created(first) = first else {
        panic!("{first:?}");
    };
    assert_eq!(first.id, "acme_ws_cal_solar_001");
    let outcome = store
        .force_delete(
            ForceDeleteRequest {
                id: first.id.clone(),
                actor: "alice".to_owned(),
                reason: "test".to_owned(),
                confirm_name: "Auto".to_owned(),
            },
            start(),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, ForceDeleteOutcome::Deleted { .. }));
    let second = store
        .create_webhook(next(Some("acme")), "alice", start())
        .await
        .unwrap();
    let CreateOutcome::Created(second) = second else {
        panic!("{second:?}");
    };
    assert_eq!(second.id, "acme_ws_cal_solar_002");
    let other_prefix = store
        .create_webhook(next(None), "alice", start())
        .await
        .unwrap();
    let CreateOutcome::Created(other_prefix) = other_prefix else {
        panic!("{other_prefix:?}");
    };
    assert_eq!(other_prefix.id, "ws_cal_solar_001");
}

#[tokio::test]
async fn two_claims_never_return_the_same_job() {
    let (_dir, store) = open_temp().await;
    create(&store, "ws_cal_solar_001").await;
    create(&store, "ws_cal_solar_002").await;
    soft_delete(&store, "ws_cal_solar_001", start()).await;
    soft_delete(&store, "ws_cal_solar_002", start()).await;
    let due = start().checked_add(Duration::hours(24)).unwrap();
    let lease = due.checked_add(Duration::minutes(5)).unwrap();
    let first = store.claim_due_jobs(due, lease, 1).await.unwrap();
    let second = store.claim_due_jobs(due, lease, 10).await.unwrap();
    let third = store.claim_due_jobs(due, lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1);
    assert!(third.is_empty());
    assert_ne!(first[0].job.id, second[0].job.id);
    assert_ne!(first[0].lease_token, second[0].lease_token);
    assert_eq!(first[0].job.attempts, 1);
    assert_eq!(first[0].job.state, JobState::Processing);
}

#[tokio::test]
async fn complete_with_stale_lease_does_nothing() {
    let (_dir, store) = open_temp().await;
    create(&store, "ws_cal_solar_001").await;
    soft_delete(&store, "ws_cal_solar_001", start()).await;
    let due = start().checked_add(Duration::hours(24)).unwrap();
    let lease = due.checked_add(Duration::minutes(5)).unwrap();
    let mut claim = store.claim_due_jobs(due, lease, 1).await.unwrap().remove(0);
    claim.lease_token = "lease_someone_else".to_owned();
    let outcome = store.complete_job(&claim, due).await.unwrap();
    assert_eq!(outcome, PurgeOutcome::LeaseLost);
    let failure = store.fail_job(&claim, "boom", lease, due).await.unwrap();
    assert_eq!(failure, FailureOutcome::LeaseLost);
    assert!(store
        .get_webhook("ws_cal_solar_001")
        .await
        .unwrap()
        .is_some());
}

/// A job row left live by an earlier deletion (for example by a bug or a manual edit) must
/// not purge a webhook that is now soft-deleted under a different job.
#[tokio::test]
async fn stale_job_is_cancelled_not_purged() {
    let (_dir, store) = open_temp().await;
    let id = "ws_cal_solar_001";
    create(&store, id).await;
    let first = soft_delete(&store, id, start()).await;
    let restored = store
        .restore(
            RestoreRequest {
                id: id.to_owned(),
                actor: "bob".to_owned(),
                enabled: None,
            },
            start(),
        )
        .await
        .unwrap();
    assert!(matches!(restored, RestoreOutcome::Restored { .. }));
    let later = start().checked_add(Duration::hours(1)).unwrap();
    let second = soft_delete(&store, id, later).await;
    {
        let connection = store.connection.lock().unwrap();
        connection
            .execute(
                "UPDATE deletion_jobs SET state = 'pending', completed_at = NULL WHERE id = ?1",
                [&first.id],
            )
            .unwrap();
    }

    let due = start().checked_add(Duration::hours(24)).unwrap();
    let lease = due.checked_add(Duration::minutes(5)).unwrap();
    let claims = store.claim_due_jobs(due, lease, 10).await.unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].job.id, first.id);
    let outcome = store.complete_job(&claims[0], due).await.unwrap();
    assert_eq!(
        outcome,
        PurgeOutcome::Cancelled {
            cause: CancelCause::Superseded
        }
    );
    let record = store.get_webhook(id).await.unwrap().unwrap();
    let deletion = record.webhook.deletion.unwrap();
    assert_eq!(deletion.job_id, second.id);
    assert_eq!(record.job.unwrap().state, JobState::Pending);
}

#[tokio::test]
async fn purge_keeps_leads_jobs_and_audit() {
    let (_dir, store) = open_temp().await;
    let id = "ws_cal_solar_001";
    create(&store, id).await;
    let lead = NewLead {
        webhook_id: id.to_owned(),
        payload: "{\"name\":\"Ada\"}".to_owned(),
        revenue: Some(120.0),
    };
    let outcome = store.record_lead(lead, start()).await.unwrap();
    assert!(matches!(outcome, LeadOutcome::Accepted { .. }));
    let job = soft_delete(&store, id, start()).await;
    let due = job.execute_at;
    let lease = due.checked_add(Duration::minutes(5)).unwrap();
    let claim = store.claim_due_jobs(due, lease, 1).await.unwrap().remove(0);
    let outcome = store.complete_job(&claim, due).await.unwrap();
    assert_eq!(outcome, PurgeOutcome::Purged { leads_preserved: 1 });

    assert!(store.get_webhook(id).await.unwrap().is_none());
    let connection = store.connection.lock().unwrap();
    let leads: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM leads WHERE webhook_id = ?1",
            [id],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(leads, 1);
    let job_state: Option<String> = connection
        .query_row(
            "SELECT state FROM deletion_jobs WHERE id = ?1",
            [&job.id],
            |row| row.get(0),
        )
        .optional()
        .unwrap();
    assert_eq!(job_state.as_deref(), Some("completed"));
    let events: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM audit_events WHERE webhook_id = ?1",
            [id],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(events, 3, "created, soft_deleted and purged");
}

#[tokio::test]
async fn migration_keeps_audit_events_and_their_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let connection = Connection::open(&path).unwrap();
        connection.execute_batch(MIGRATIONS[0]).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        for (webhook, event) in [
            ("ws_cal_solar_001", "created"),
            ("ws_cal_solar_001", "purged"),
        ] {
            connection
                .execute(
                    "INSERT INTO audit_events (webhook_id, webhook_name, event_type, actor,
                         created_at) VALUES (?1, 'n', ?2, 'alice', '2026-03-01T10:00:00.000Z')",
                    [webhook, event],
                )
                .unwrap();
        }
    }

    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        pragma_text(&store, "user_version"),
        SCHEMA_VERSION.to_string()
    );

    let connection = store.connection.lock().unwrap();
    let ids: Vec<i64> = connection
        .prepare("SELECT id FROM audit_events ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, [1, 2]);

    let update = connection.execute("UPDATE audit_events SET actor = 'mallory'", []);
    assert!(update.is_err(), "the append-only trigger is gone");
    let delete = connection.execute("DELETE FROM audit_events", []);
    assert!(delete.is_err(), "the append-only trigger is gone");

    connection
        .execute(
            "INSERT INTO audit_events (webhook_id, webhook_name, event_type, actor, created_at)
             VALUES ('ws_cal_solar_001', 'n', 'job_retried', 'bob', '2026-03-01T11:00:00.000Z')",
            [],
        )
        .unwrap();
    assert_eq!(connection.last_insert_rowid(), 3);
}

#[tokio::test]
async fn environment_failures_are_classified() {
    let (_dir, store) = open_temp().await;
    create(&store, "ws_cal_solar_001").await;

    store
        .connection
        .lock()
        .unwrap()
        .pragma_update(None, "query_only", true)
        .unwrap();
    let error = store
        .create_webhook(new_webhook("ws_cal_solar_002", "x"), "alice", start())
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly(_)), "{error:?}");
    assert!(error.is_unavailable());
    store
        .connection
        .lock()
        .unwrap()
        .pragma_update(None, "query_only", false)
        .unwrap();

    let pages: u64 = store
        .connection
        .lock()
        .unwrap()
        .pragma_query_value(None, "page_count", |row| row.get(0))
        .unwrap();
    store
        .connection
        .lock()
        .unwrap()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let mut full = None;
    for number in 2..200 {
        let mut webhook = new_webhook(&format!("ws_cal_solar_{number:03}"), "x");
        webhook.description = Some("d".repeat(3000));
        if let Err(error) = store.create_webhook(webhook, "alice", start()).await {
            full = Some(error);
            break;
        }
    }
    let error = full.expect("the capped database never filled up");
    assert!(matches!(error, StoreError::Full(_)), "{error:?}");
    assert!(store.check_integrity().await.unwrap().is_empty());
    assert!(store
        .get_webhook("ws_cal_solar_001")
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn read_only_open_rejects_writes_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let options = OpenOptions {
        read_only: true,
        ..OpenOptions::default()
    };
    let missing = match SqliteStore::open_with(&path, options.clone()).await {
        Ok(_) => panic!("a read-only open created a database"),
        Err(error) => error,
    };
    assert!(missing.to_string().contains("does not exist"), "{missing}");
    assert!(!path.exists());

    let store = SqliteStore::open(&path).await.unwrap();
    create(&store, "ws_cal_solar_001").await;
    drop(store);
    let reader = SqliteStore::open_with(&path, options).await.unwrap();
    assert!(reader
        .get_webhook("ws_cal_solar_001")
        .await
        .unwrap()
        .is_some());
    let error = reader
        .create_webhook(new_webhook("ws_cal_solar_002", "x"), "alice", start())
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly(_)), "{error:?}");
}
