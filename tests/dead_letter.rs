//! Dead-lettered jobs and what operators do with them: retry one or all, restore (410),
//! force delete (cancels the job), storage errors during a purge, restore-disabled, and the
//! integrity report.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{hours, manual_options, millis, timestamp, TestServer, GRACE_HOURS, MAX_ATTEMPTS};
use hookgrace::api::JobState;
use hookgrace::queue::PurgeFault;
use hookgrace::server::ServerOptions;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ID: &str = "acme_ws_cal_solar_001";
const OTHER: &str = "acme_ws_cal_solar_002";
const NAME: &str = "Acme Solar";

/// Fails every purge attempt while it is switched on.
#[derive(Default)]
struct Switch {
    on: AtomicBool,
}

impl Switch {
    fn set(&self, on: bool) {
        self.on.store(on, Ordering::SeqCst);
    }
}

impl PurgeFault for Switch {
    fn before_purge(&self, webhook_id: &str, attempt: u32) -> Option<String> {
        self.on
            .load(Ordering::SeqCst)
            .then(|| format!("storage offline while purging {webhook_id}, attempt {attempt}"))
    }
}

async fn start_with_switch() -> (TestServer, Arc<Switch>) {
    let switch = Arc::new(Switch::default());
    let test = TestServer::start_with(ServerOptions {
        purge_fault: Some(switch.clone()),
        ..manual_options()
    })
    .await;
    (test, switch)
}

/// Runs the consumer at each retry time until the webhook's job is dead-lettered.
async fn drive_to_dead_letter(test: &TestServer, id: &str) -> Value {
    for _ in 0..MAX_ATTEMPTS {
        test.run_queue().await;
        let (_, detail) = test.get(&format!("/webhook/{id}")).await;
        if detail["job"]["status"] == "dead_letter" {
            return detail;
        }
        let next = timestamp(&detail["job"]["next_attempt_at"]);
        test.clock.set(next);
    }
    panic!("{id} was not dead-lettered after {MAX_ATTEMPTS} attempts");
}

async fn dead_lettered(test: &TestServer, switch: &Switch, id: &str) -> Value {
    test.create(id, NAME).await;
    let deleted = test.soft_delete(id).await;
    test.clock.set(timestamp(&deleted["scheduled_deletion_at"]));
    switch.set(true);
    let detail = drive_to_dead_letter(test, id).await;
    switch.set(false);
    detail
}

async fn integrity_issues(test: &TestServer) -> Vec<Value> {
    let (status, report) = test.get("/integrity").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    report["issues"].as_array().expect("issues array").clone()
}

async fn retry(test: &TestServer, job_id: &str) -> (StatusCode, Value) {
    test.call(
        Method::POST,
        &format!("/queue/jobs/{job_id}/retry"),
        Some("operator"),
        None,
    )
    .await
}

#[tokio::test]
async fn retried_job_purges_and_is_audited() {
    let (test, switch) = start_with_switch().await;
    let detail = dead_lettered(&test, &switch, ID).await;
    let job_id = detail["deletion_status"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(detail["job"]["attempts"], MAX_ATTEMPTS);
    assert_eq!(
        detail["job"]["error_message"],
        format!("storage offline while purging {ID}, attempt {MAX_ATTEMPTS}")
    );

    let (status, body) = retry(&test, &job_id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["job"]["id"], job_id.as_str());
    assert_eq!(body["job"]["state"], "pending");
    assert_eq!(body["job"]["attempts"], 0);
    // The error stays visible until the next attempt replaces it.
    assert_eq!(body["job"]["last_error"], detail["job"]["error_message"]);

    assert_eq!(test.run_queue().await, 1);
    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        test.audit_types(ID).await,
        [
            "created",
            "soft_deleted",
            "job_failed",
            "job_failed",
            "job_dead_lettered",
            "job_retried",
            "purged"
        ]
    );
    let events = test.audit(ID).await;
    let retried = &events[1];
    assert_eq!(retried["actor"], "operator");
    assert_eq!(retried["job_id"], job_id.as_str());
    assert_eq!(retried["details"]["previous_attempts"], MAX_ATTEMPTS);
    assert!(integrity_issues(&test).await.is_empty());
}

#[tokio::test]
async fn retry_rejects_unknown_and_live_jobs() {
    let (test, switch) = start_with_switch().await;
    dead_lettered(&test, &switch, ID).await;
    test.create(OTHER, NAME).await;
    let pending = test.soft_delete(OTHER).await;

    let (status, error) = retry(&test, "job_unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    assert_eq!(error["error"], "Job not found");
    assert_eq!(error["job_id"], "job_unknown");

    let pending_id = pending["job_id"].as_str().unwrap();
    let (status, error) = retry(&test, pending_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert_eq!(error["error"], "Job not dead-lettered");
    assert_eq!(error["job_status"], "pending");
    assert!(!test
        .audit_types(OTHER)
        .await
        .contains(&"job_retried".to_owned()));
}

#[tokio::test]
async fn retry_all_moves_every_dead_letter() {
    let (test, switch) = start_with_switch().await;
    let first = dead_lettered(&test, &switch, ID).await;
    let second = dead_lettered(&test, &switch, OTHER).await;

    let (status, body) = test.post("/queue/dead-letter/retry", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["retried"], 2);
    let mut ids: Vec<&str> = body["job_ids"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ids.sort_unstable();
    let mut expected = [
        first["deletion_status"]["job_id"].as_str().unwrap(),
        second["deletion_status"]["job_id"].as_str().unwrap(),
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert!(test.jobs("dead_letter").await.is_empty());
    assert_eq!(test.jobs("pending").await.len(), 2);

    let (status, body) = test.post("/queue/dead-letter/retry", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["retried"], 0);

    assert_eq!(test.run_queue().await, 2);
    assert!(test.jobs("completed").await.len() == 2);
    assert!(integrity_issues(&test).await.is_empty());
}

/// Regression: force delete used to cancel only pending, processing and failed jobs, so a
/// dead-lettered job outlived its webhook as an orphan.
#[tokio::test]
async fn force_delete_cancels_dead_lettered_job() {
    let (test, switch) = start_with_switch().await;
    let detail = dead_lettered(&test, &switch, ID).await;
    let job_id = detail["deletion_status"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, body) = test
        .delete(&format!(
            "/webhook/{ID}?force=true&reason=stuck&confirm=Acme%20Solar"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains(&job_id),
        "{body}"
    );

    let cancelled = test.jobs("cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["id"], job_id.as_str());
    assert!(test.jobs("dead_letter").await.is_empty());
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "job_cancelled");
    assert_eq!(events[0]["details"]["previous_state"], "dead_letter");
    assert_eq!(events[1]["event_type"], "force_deleted");
    assert!(integrity_issues(&test).await.is_empty());

    let (status, _) = retry(&test, &job_id).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// Regression: a restore after the clock moved back before the deadline used to succeed
/// against a dead-lettered job and left that job unfinished beside an active webhook.
#[tokio::test]
async fn dead_lettered_restore_is_410_after_clock_moves_back() {
    let (test, switch) = start_with_switch().await;
    let detail = dead_lettered(&test, &switch, ID).await;
    let deadline = timestamp(&detail["deletion_status"]["scheduled_deletion_at"]);

    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::GONE, "{error}");
    assert_eq!(error["job_status"], "dead_letter");

    test.clock.set(deadline.checked_add(hours(-2)).unwrap());
    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::GONE, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already tried to purge"),
        "{error}"
    );
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "soft_deleted");
    assert_eq!(detail["deletion_status"]["can_restore"], false);
    assert_eq!(test.jobs("dead_letter").await.len(), 1);
    assert!(integrity_issues(&test).await.is_empty());
}

#[tokio::test]
async fn failed_restore_is_410_after_clock_moves_back() {
    let (test, switch) = start_with_switch().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);
    test.clock.set(deadline);
    switch.set(true);
    assert_eq!(test.run_queue().await, 1);
    switch.set(false);

    test.clock.set(deadline.checked_add(millis(-1)).unwrap());
    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::GONE, "{error}");
    assert_eq!(error["job_status"], "failed");

    // The retry still waits for both its backoff and the deadline.
    assert_eq!(test.run_queue().await, 0);
    test.advance(hours(1));
    assert_eq!(test.run_queue().await, 1);
    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A storage error inside the purge transaction rolls the whole purge back: the webhook stays,
/// the job records the error and retries, and the next attempt purges exactly once.
#[tokio::test]
async fn storage_error_mid_purge_rolls_back_and_retries() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let deleted = test.soft_delete(ID).await;
    {
        // The purge deletes the webhook row first and writes its audit event last, so this
        // fails the transaction after its first write.
        let connection = rusqlite::Connection::open(test.db_path()).unwrap();
        connection
            .execute_batch(
                "CREATE TRIGGER inject_purge_failure BEFORE INSERT ON audit_events
                 WHEN NEW.event_type = 'purged'
                 BEGIN SELECT RAISE(ABORT, 'injected write failure'); END;",
            )
            .unwrap();
    }
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);

    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the failed purge was not rolled back"
    );
    assert_eq!(detail["job"]["status"], "failed");
    assert!(
        detail["job"]["error_message"]
            .as_str()
            .unwrap()
            .contains("injected write failure"),
        "{detail}"
    );
    assert_eq!(test.stored_leads(ID), 1);
    assert!(integrity_issues(&test).await.is_empty());

    {
        let connection = rusqlite::Connection::open(test.db_path()).unwrap();
        connection
            .execute_batch("DROP TRIGGER inject_purge_failure")
            .unwrap();
    }
    test.clock.set(timestamp(&detail["job"]["next_attempt_at"]));
    assert_eq!(test.run_queue().await, 1);
    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let events = test.audit(ID).await;
    let purges: Vec<&Value> = events
        .iter()
        .filter(|event| event["event_type"] == "purged")
        .collect();
    assert_eq!(purges.len(), 1);
    assert_eq!(purges[0]["job_id"], deleted["job_id"]);
    assert_eq!(purges[0]["details"]["attempt"], 2);
    assert_eq!(test.stored_leads(ID), 1);
}

#[tokio::test]
async fn restore_disabled_keeps_leads_out() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.soft_delete(ID).await;

    let (status, error) = test
        .call(
            Method::POST,
            &format!("/webhook/{ID}/restore?enabled=maybe"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(error["message"].as_str().unwrap().contains("'maybe'"));

    let (status, body) = test
        .call(
            Method::POST,
            &format!("/webhook/{ID}/restore?enabled=false"),
            Some("restorer"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["note"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "healthy");
    assert_eq!(detail["config"]["enabled"], false);
    let (status, _) = test.lead(ID, json!({"a": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let events = test.audit(ID).await;
    assert_eq!(events[1]["event_type"], "restored");
    assert_eq!(events[1]["details"]["enabled"], false);
    assert_eq!(events[1]["details"]["enabled_requested"], false);
    assert_eq!(events[1]["details"]["enabled_before_deletion"], true);
}

#[tokio::test]
async fn restore_enabled_true_overrides_disabled_before() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.call(
        Method::PATCH,
        &format!("/webhook/{ID}/status"),
        None,
        Some(json!({"enabled": false})),
    )
    .await;
    test.soft_delete(ID).await;
    let (status, _) = test
        .call(
            Method::POST,
            &format!("/webhook/{ID}/restore?enabled=true"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["config"]["enabled"], true);
}

#[tokio::test]
async fn integrity_reports_each_kind_of_issue() {
    let test = TestServer::start().await;
    for number in 1..=4 {
        test.create(&format!("acme_ws_cal_solar_{number:03}"), NAME)
            .await;
    }
    let missing_job = test.soft_delete("acme_ws_cal_solar_001").await;
    let finished_job = test.soft_delete("acme_ws_cal_solar_002").await;
    assert!(integrity_issues(&test).await.is_empty());
    {
        let connection = rusqlite::Connection::open(test.db_path()).unwrap();
        connection
            .execute(
                "DELETE FROM deletion_jobs WHERE id = ?1",
                [missing_job["job_id"].as_str().unwrap()],
            )
            .unwrap();
        connection
            .execute(
                "UPDATE deletion_jobs SET state = 'completed' WHERE id = ?1",
                [finished_job["job_id"].as_str().unwrap()],
            )
            .unwrap();
        // An unfinished job beside an active webhook, and one whose webhook is gone.
        for (job, webhook) in [
            ("job_active", "acme_ws_cal_solar_003"),
            ("job_orphan", "acme_ws_cal_solar_999"),
        ] {
            connection
                .execute(
                    "INSERT INTO deletion_jobs (id, webhook_id, webhook_name, state, attempts,
                         max_attempts, execute_at, created_at, updated_at)
                     VALUES (?1, ?2, 'x', 'pending', 0, 3, '2026-03-02T10:00:00.000Z',
                         '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z')",
                    [job, webhook],
                )
                .unwrap();
        }
        // A webhook row that no 'created' event records.
        connection
            .execute(
                "INSERT INTO webhooks (id, name, type, region, category, created_at, updated_at)
                 VALUES ('acme_ws_cal_solar_005', 'x', 'solar', 'cal', 'solar',
                     '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z')",
                [],
            )
            .unwrap();
    }

    let issues = integrity_issues(&test).await;
    let found: Vec<(String, String)> = issues
        .iter()
        .map(|issue| {
            (
                issue["kind"].as_str().unwrap().to_owned(),
                issue["webhook_id"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    for expected in [
        ("missing_job", "acme_ws_cal_solar_001"),
        ("state_mismatch", "acme_ws_cal_solar_002"),
        ("missing_audit_event", "acme_ws_cal_solar_002"),
        ("state_mismatch", "acme_ws_cal_solar_003"),
        ("missing_audit_event", "acme_ws_cal_solar_003"),
        ("orphaned_job", "acme_ws_cal_solar_999"),
        ("missing_audit_event", "acme_ws_cal_solar_999"),
        ("missing_audit_event", "acme_ws_cal_solar_005"),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert!(found.contains(&expected), "{expected:?} not in {issues:?}");
    }
    // Webhook 002 counts twice: its linked job is finished, and that completed job left the
    // row behind.
    assert_eq!(found.len(), 9, "{issues:#?}");
}

#[tokio::test]
async fn client_calls_the_new_routes() {
    let (test, switch) = start_with_switch().await;
    let client = common::admin_api_client(&test.base, "operator");
    let detail = dead_lettered(&test, &switch, ID).await;
    let job_id = detail["deletion_status"]["job_id"].as_str().unwrap();

    let report = client.integrity().await.unwrap();
    assert!(report.body.issues.is_empty());
    let retried = client.retry_job(job_id).await.unwrap();
    assert_eq!(retried.body.job.state, JobState::Pending);
    let missing = client.retry_job("job_unknown").await.unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing:?}");
    let all = client.retry_dead_letters().await.unwrap();
    assert_eq!(all.body.retried, 0);

    test.create(OTHER, NAME).await;
    test.soft_delete(OTHER).await;
    client.restore_with(OTHER, false).await.unwrap();
    let (_, detail) = test.get(&format!("/webhook/{OTHER}")).await;
    assert_eq!(detail["config"]["enabled"], false);

    let capabilities = client.capabilities().await.unwrap().body;
    for name in ["job_retry", "integrity", "restore_disabled"] {
        assert!(capabilities.has(name), "{name} missing");
    }
}
