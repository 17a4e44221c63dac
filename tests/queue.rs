//! The deletion queue with a controlled clock: purge at the deadline, cancel on restore, retry
//! and dead letter, restart and lease recovery.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{hours, manual_options, millis, timestamp, TestServer, GRACE_HOURS, MAX_ATTEMPTS};
use hookgrace::api::Timestamp;
use hookgrace::clock::{Clock, ManualClock};
use hookgrace::queue::{ConsumerSettings, PurgeFault};
use hookgrace::server::{ConsumerMode, ServerOptions};
use hookgrace::store::{PurgeOutcome, Store};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ID: &str = "acme_ws_cal_solar_001";
const NAME: &str = "Acme Solar";

/// Fails every purge attempt whose number is in `failing`, and records every call.
struct FailingPurge {
    failing: Vec<u32>,
    calls: Mutex<Vec<u32>>,
}

impl FailingPurge {
    fn attempts(failing: &[u32]) -> Arc<Self> {
        Arc::new(Self {
            failing: failing.to_vec(),
            calls: Mutex::new(Vec::new()),
        })
    }

    fn calls(&self) -> Vec<u32> {
        self.calls.lock().expect("calls lock").clone()
    }
}

impl PurgeFault for FailingPurge {
    fn before_purge(&self, _webhook_id: &str, attempt: u32) -> Option<String> {
        self.calls.lock().expect("calls lock").push(attempt);
        self.failing
            .contains(&attempt)
            .then(|| format!("disk on fire during attempt {attempt}"))
    }
}

/// Moves the clock back one hour during the first purge attempt, as a wall clock that jumps
/// backwards between the claim and the purge would.
struct ClockJumpsBack {
    clock: ManualClock,
    jumped: AtomicBool,
}

impl PurgeFault for ClockJumpsBack {
    fn before_purge(&self, _webhook_id: &str, _attempt: u32) -> Option<String> {
        if !self.jumped.swap(true, Ordering::SeqCst) {
            self.clock.advance(hours(-1));
        }
        None
    }
}

async fn start_with_fault(fault: Arc<dyn PurgeFault>) -> TestServer {
    TestServer::start_with(ServerOptions {
        purge_fault: Some(fault),
        ..manual_options()
    })
    .await
}

async fn status_of(test: &TestServer, id: &str) -> StatusCode {
    test.get(&format!("/webhook/{id}")).await.0
}

async fn deleted_item(test: &TestServer, id: &str) -> Value {
    let (_, body) = test.get("/webhook/deleted").await;
    body["webhooks"]
        .as_array()
        .expect("webhooks array")
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the deleted list: {body}"))
        .clone()
}

#[tokio::test]
async fn purge_waits_for_exact_deadline() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);

    test.advance(hours(GRACE_HOURS) - millis(1));
    assert_eq!(test.run_queue().await, 0);
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);

    test.advance(millis(1));
    assert_eq!(test.now(), deadline);
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);

    let completed = test.jobs("completed").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0]["id"], deleted["job_id"]);
    assert_eq!(timestamp(&completed[0]["completed_at"]), deadline);

    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "purged");
    assert_eq!(events[0]["actor"], "system");
    assert_eq!(events[0]["job_id"], deleted["job_id"]);
    assert_eq!(events[0]["details"]["leads_preserved"], 1);
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "soft_deleted", "purged"]
    );
    assert_eq!(test.stored_leads(ID), 1);

    let (_, deleted_list) = test.get("/webhook/deleted").await;
    assert_eq!(deleted_list["total_deleted"], 0);
}

#[tokio::test]
async fn restore_cancels_the_job() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS - 1));
    let (status, _) = test.restore(ID).await;
    assert_eq!(status, StatusCode::OK);

    test.advance(hours(2));
    assert_eq!(test.run_queue().await, 0);
    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "healthy");
    let cancelled = test.jobs("cancelled").await;
    assert_eq!(cancelled[0]["id"], deleted["job_id"]);
}

#[tokio::test]
async fn second_deletion_keeps_own_deadline() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let first = test.soft_delete(ID).await;
    test.advance(hours(1));
    assert_eq!(test.restore(ID).await.0, StatusCode::OK);
    test.advance(hours(1));
    let second = test.soft_delete(ID).await;
    assert_ne!(first["job_id"], second["job_id"]);
    let second_deadline = timestamp(&second["scheduled_deletion_at"]);

    // The first deadline passes: its job was cancelled by the restore and must not purge.
    test.advance(hours(GRACE_HOURS - 2));
    assert_eq!(test.now(), timestamp(&first["scheduled_deletion_at"]));
    assert_eq!(test.run_queue().await, 0);
    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["deletion_status"]["job_id"], second["job_id"]);

    test.clock
        .set(second_deadline.checked_add(millis(-1)).unwrap());
    assert_eq!(test.run_queue().await, 0);
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);

    test.clock.set(second_deadline);
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "purged");
    assert_eq!(events[0]["job_id"], second["job_id"]);
    let cancelled = test.jobs("cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["id"], first["job_id"]);
}

#[tokio::test]
async fn failures_back_off_then_dead_letter() {
    let fault = FailingPurge::attempts(&[1, 2, 3]);
    let test = start_with_fault(fault.clone()).await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS));

    let mut delays: Vec<Duration> = Vec::new();
    for attempt in 1..MAX_ATTEMPTS {
        assert_eq!(test.run_queue().await, 1, "attempt {attempt}");
        let item = deleted_item(&test, ID).await;
        let job = &item["job_status"];
        assert_eq!(job["status"], "failed", "{item}");
        assert_eq!(job["attempts"], attempt);
        assert_eq!(
            job["error_message"],
            format!("disk on fire during attempt {attempt}")
        );
        let next_attempt = timestamp(&job["next_attempt_at"]);
        let delay = test.now().until(next_attempt).to_std().unwrap();
        let base = Duration::from_secs(30 * 2u64.pow(attempt - 1));
        assert!(delay >= base, "attempt {attempt}: {delay:?} < {base:?}");
        assert!(
            delay <= base.mul_f64(1.2),
            "attempt {attempt}: {delay:?} too long"
        );
        delays.push(delay);

        // Not due before the backoff ends.
        test.clock
            .set(next_attempt.checked_add(millis(-1)).unwrap());
        assert_eq!(test.run_queue().await, 0, "retried before next_attempt_at");
        test.clock.set(next_attempt);
    }
    assert!(
        delays.windows(2).all(|pair| pair[1] > pair[0]),
        "{delays:?}"
    );

    assert_eq!(test.run_queue().await, 1);
    let dead = test.jobs("dead_letter").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["id"], deleted["job_id"]);
    assert_eq!(dead[0]["attempts"], MAX_ATTEMPTS);
    assert_eq!(dead[0]["last_error"], "disk on fire during attempt 3");
    assert_eq!(fault.calls(), [1, 2, 3]);

    // Nothing retries a dead-lettered job, and the webhook is still there, not purged.
    test.advance(hours(48));
    assert_eq!(test.run_queue().await, 0);
    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "soft_deleted");
    assert_eq!(detail["job"]["status"], "dead_letter");
    assert_eq!(
        test.audit_types(ID).await,
        [
            "created",
            "soft_deleted",
            "job_failed",
            "job_failed",
            "job_dead_lettered"
        ]
    );
    let (_, summary) = test.get("/queue").await;
    assert_eq!(summary["counts"]["dead_letter"], 1);
}

#[tokio::test]
async fn retry_after_failure_purges() {
    let fault = FailingPurge::attempts(&[1]);
    let test = start_with_fault(fault.clone()).await;
    test.create(ID, NAME).await;
    test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);

    test.advance(hours(1));
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);
    assert_eq!(fault.calls(), [1, 2]);
    let completed = test.jobs("completed").await;
    assert_eq!(completed[0]["attempts"], 2);
    assert_eq!(completed[0]["last_error"], "disk on fire during attempt 1");
}

#[tokio::test]
async fn restart_mid_window_keeps_the_job() {
    let mut test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(12));

    test.restart().await;
    let item = deleted_item(&test, ID).await;
    assert_eq!(item["job_status"]["status"], "pending");
    assert_eq!(item["deletion"]["job_id"], deleted["job_id"]);
    assert_eq!(item["restoration"]["seconds_until_deletion"], 12 * 3600);

    test.advance(hours(12) - millis(1));
    assert_eq!(test.run_queue().await, 0);
    test.advance(millis(1));
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);
    test.shutdown().await;
}

#[tokio::test]
async fn abandoned_job_is_reclaimed_after_lease_expires() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS));

    // A consumer claims the job and crashes before finishing.
    let store: Arc<dyn Store> = test.server().store();
    let lease = Duration::from_secs(300);
    let lease_end = test
        .now()
        .checked_add(chrono::Duration::from_std(lease).unwrap())
        .unwrap();
    let mut abandoned = store
        .claim_due_jobs(test.now(), lease_end, 10)
        .await
        .unwrap();
    assert_eq!(abandoned.len(), 1);
    let abandoned = abandoned.remove(0);
    assert_eq!(abandoned.job.id, deleted["job_id"]);

    // While the lease is valid, restore is rejected with the job state, and no other consumer
    // claims the job.
    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["job_status"], "processing");
    assert_eq!(error["error"], "Deletion in progress");
    assert_eq!(test.run_queue().await, 0);

    test.clock.set(lease_end.checked_add(millis(-1)).unwrap());
    assert_eq!(test.run_queue().await, 0);
    test.clock.set(lease_end);
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);
    let completed = test.jobs("completed").await;
    assert_eq!(completed[0]["attempts"], 2);
    assert!(
        completed[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("lease of attempt 1 expired"),
        "{}",
        completed[0]
    );

    // The crashed consumer comes back: its stale lease cannot complete the job again.
    let outcome = store.complete_job(&abandoned, test.now()).await.unwrap();
    assert_eq!(outcome, PurgeOutcome::LeaseLost);
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "soft_deleted", "purged"]
    );
}

#[tokio::test]
async fn exhausted_abandoned_job_is_dead_lettered() {
    let fault = FailingPurge::attempts(&[1, 2]);
    let test = start_with_fault(fault).await;
    test.create(ID, NAME).await;
    test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);
    test.advance(hours(1));
    assert_eq!(test.run_queue().await, 1);
    test.advance(hours(1));

    // The last attempt is claimed by a consumer that never finishes.
    let store = test.server().store();
    let lease_end = test
        .now()
        .checked_add(chrono::Duration::minutes(5))
        .unwrap();
    let claims = store
        .claim_due_jobs(test.now(), lease_end, 10)
        .await
        .unwrap();
    assert_eq!(claims[0].job.attempts, MAX_ATTEMPTS);

    test.clock.set(lease_end);
    assert_eq!(test.run_queue().await, 0);
    let dead = test.jobs("dead_letter").await;
    assert_eq!(dead.len(), 1);
    assert!(dead[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("no attempts are left"));
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);
}

#[tokio::test]
async fn restore_after_deadline_is_410() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS) - millis(1));
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["deletion_status"]["can_restore"], true);

    test.advance(millis(1));
    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(error["error"], "Restore window closed");
    assert_eq!(
        error["scheduled_deletion_at"],
        deleted["scheduled_deletion_at"]
    );
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "soft_deleted");
    assert_eq!(test.jobs("pending").await.len(), 1);
}

#[tokio::test]
async fn force_delete_of_soft_deleted_cancels_its_job() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(3));
    let (status, body) = test
        .call(
            Method::DELETE,
            &format!("/webhook/{ID}?force=true&reason=now&confirm=Acme%20Solar"),
            Some("dave"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["leads_preserved"], 1);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains(deleted["job_id"].as_str().unwrap()));

    let cancelled = test.jobs("cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["id"], deleted["job_id"]);
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 0);
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "soft_deleted", "force_deleted", "job_cancelled"]
    );
    let events = test.audit(ID).await;
    assert_eq!(events[0]["details"]["cause"], "force_deleted");
    assert_eq!(events[0]["actor"], "dave");
    assert_eq!(test.stored_leads(ID), 1);
}

#[tokio::test]
async fn leads_survive_every_deletion_path() {
    let test = TestServer::start().await;
    let purged = "acme_ws_cal_solar_001";
    let forced_active = "acme_ws_cal_solar_002";
    let forced_deleted = "acme_ws_cal_solar_003";
    for id in [purged, forced_active, forced_deleted] {
        test.create(id, NAME).await;
        test.lead(id, json!({"n": 1, "revenue": 10})).await;
        test.lead(id, json!({"n": 2})).await;
    }
    test.soft_delete(purged).await;
    test.soft_delete(forced_deleted).await;
    for id in [forced_active, forced_deleted] {
        let (status, _) = test
            .delete(&format!(
                "/webhook/{id}?force=true&reason=x&confirm=Acme%20Solar"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);

    for id in [purged, forced_active, forced_deleted] {
        assert_eq!(status_of(&test, id).await, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(test.stored_leads(id), 2, "{id}");
    }
    // Ids are never reused, so the preserved leads never show up under a new webhook.
    for id in [purged, forced_active, forced_deleted] {
        let body =
            json!({"id": id, "name": NAME, "type": "solar", "region": "cal", "category": "solar"});
        let (status, error) = test.post("/webhook", body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{id}: {error}");
        assert_eq!(error["leads_preserved"], 2, "{id}: {error}");
    }
    let (_, list) = test.get("/webhook").await;
    assert_eq!(list["total_webhooks"], 0, "{list}");
}

#[tokio::test]
async fn clock_moving_back_never_purges_early() {
    let clock_probe = ManualClock::at_fixed_start();
    let fault = Arc::new(ClockJumpsBack {
        clock: clock_probe.clone(),
        jumped: AtomicBool::new(false),
    });
    let options = ServerOptions {
        purge_fault: Some(fault),
        ..manual_options()
    };
    let test = TestServer::start_with_clock(options, clock_probe).await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);
    test.clock.set(deadline);

    // The claim happens at the deadline; the clock then reads an hour earlier, so the job is
    // handed back without using an attempt.
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);
    let pending = test.jobs("pending").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["attempts"], 0);

    test.clock.set(deadline);
    assert_eq!(test.run_queue().await, 1);
    assert_eq!(status_of(&test, ID).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn background_consumer_purges_at_deadline() {
    // A poll interval far beyond the grace period, in clock and in wall time, so only the
    // wake-up from the soft delete can make the consumer sleep until the deadline.
    let test = TestServer::start_with(ServerOptions {
        consumer: ConsumerMode::Background,
        queue: ConsumerSettings {
            poll_interval: Duration::from_secs(10 * 24 * 3600),
            ..common::test_queue_settings()
        },
        ..ServerOptions::default()
    })
    .await;
    // Give the consumer a moment to scan the empty queue and fall asleep.
    tokio::time::sleep(Duration::from_millis(100)).await;

    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS) - millis(1));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(status_of(&test, ID).await, StatusCode::OK);

    test.clock.set(timestamp(&deleted["scheduled_deletion_at"]));
    let purged = wait_until(Duration::from_secs(5), || async {
        status_of(&test, ID).await == StatusCode::NOT_FOUND
    })
    .await;
    assert!(purged, "the background consumer did not purge within 5 s");
    test.shutdown().await;
}

/// Polls `condition` every 20 ms of real time until it is true or `limit` passes.
async fn wait_until<F, Fut>(limit: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if condition().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn restore_races_purge_with_one_winner() {
    let test = TestServer::start().await;
    for number in 1..=20 {
        test.create(&format!("acme_ws_cal_solar_{number:03}"), NAME)
            .await;
    }
    for number in 1..=20 {
        test.soft_delete(&format!("acme_ws_cal_solar_{number:03}"))
            .await;
    }
    // The first nine restores run a millisecond before the deadline and the rest at the
    // deadline, interleaved with consumer passes. Each webhook must end up either restored
    // and never purged, or purged with its restore rejected (409, 410 or 404), never both.
    let deadline = test.now().checked_add(hours(GRACE_HOURS)).unwrap();
    test.clock.set(deadline.checked_add(millis(-1)).unwrap());
    let restores = async {
        let mut outcomes = Vec::new();
        for number in 1..=20 {
            let id = format!("acme_ws_cal_solar_{number:03}");
            if number == 10 {
                test.clock.set(deadline);
            }
            outcomes.push((id.clone(), test.restore(&id).await.0));
        }
        outcomes
    };
    let consumer = async {
        let mut processed = 0;
        for _ in 0..20 {
            processed += test.run_queue().await;
            tokio::task::yield_now().await;
        }
        processed
    };
    let (outcomes, _) = tokio::join!(restores, consumer);
    test.clock.set(deadline);
    test.run_queue().await;

    for (id, restore_status) in outcomes {
        let (status, detail) = test.get(&format!("/webhook/{id}")).await;
        let purged = status == StatusCode::NOT_FOUND;
        let types = test.audit_types(&id).await;
        if restore_status == StatusCode::OK {
            assert!(!purged, "{id} restored and purged");
            assert_eq!(detail["status"], "healthy");
            assert!(!types.contains(&"purged".to_owned()), "{id}: {types:?}");
        } else {
            assert!(
                [
                    StatusCode::CONFLICT,
                    StatusCode::GONE,
                    StatusCode::NOT_FOUND
                ]
                .contains(&restore_status),
                "{id}: {restore_status}"
            );
            assert!(purged, "{id} neither restored nor purged");
            assert!(!types.contains(&"restored".to_owned()), "{id}: {types:?}");
        }
    }
}

#[tokio::test]
async fn timestamps_in_jobs_use_one_format() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.soft_delete(ID).await;
    let job = &test.jobs("pending").await[0];
    for key in ["execute_at", "created_at", "updated_at"] {
        let text = job[key].as_str().unwrap();
        assert_eq!(
            text.len(),
            "2026-03-01T10:00:00.000Z".len(),
            "{key}: {text}"
        );
        assert!(text.ends_with('Z'), "{key}: {text}");
        assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
    }
    let connection = rusqlite::Connection::open(test.db_path()).unwrap();
    let stored: String = connection
        .query_row("SELECT execute_at FROM deletion_jobs", [], |row| row.get(0))
        .unwrap();
    assert_eq!(stored, job["execute_at"].as_str().unwrap());
    assert_eq!(
        Timestamp::parse(&stored).unwrap(),
        test.clock.now().checked_add(hours(GRACE_HOURS)).unwrap()
    );
}

/// Panics inside the purge of one webhook, once, as a consumer process that dies there would.
struct CrashOnce {
    webhook_id: &'static str,
    crashed: AtomicBool,
}

impl PurgeFault for CrashOnce {
    fn before_purge(&self, webhook_id: &str, _attempt: u32) -> Option<String> {
        if webhook_id == self.webhook_id && !self.crashed.swap(true, Ordering::SeqCst) {
            panic!("consumer crashed while purging {webhook_id}");
        }
        None
    }
}

/// Regression: the consumer claimed up to 50 due jobs per transaction, and each claim counts
/// an attempt, so one crash cost an attempt of every job in the batch and three crashes
/// dead-lettered jobs that never ran.
#[tokio::test]
async fn consumer_crash_costs_only_the_job_in_progress() {
    use futures::FutureExt;

    let ids = [
        "acme_ws_cal_solar_001",
        "acme_ws_cal_solar_002",
        "acme_ws_cal_solar_003",
    ];
    let fault = Arc::new(CrashOnce {
        webhook_id: ids[0],
        crashed: AtomicBool::new(false),
    });
    let test = start_with_fault(fault).await;
    for id in ids {
        test.create(id, NAME).await;
        test.soft_delete(id).await;
        test.advance(chrono::Duration::seconds(1));
    }
    test.advance(hours(GRACE_HOURS));

    let pass = std::panic::AssertUnwindSafe(test.server().run_queue_once())
        .catch_unwind()
        .await;
    assert!(pass.is_err(), "the injected crash did not happen");
    let processing = test.jobs("processing").await;
    assert_eq!(processing.len(), 1, "{processing:?}");
    assert_eq!(processing[0]["webhook_id"], ids[0]);
    let pending = test.jobs("pending").await;
    assert_eq!(pending.len(), 2, "{pending:?}");
    for job in &pending {
        assert_eq!(job["attempts"], 0, "{job}");
    }

    // The untouched jobs purge at once; the abandoned one after its lease.
    assert_eq!(test.run_queue().await, 2);
    test.advance(chrono::Duration::minutes(5));
    assert_eq!(test.run_queue().await, 1);
    let completed = test.jobs("completed").await;
    assert_eq!(completed.len(), 3);
    for job in &completed {
        let expected = if job["webhook_id"] == ids[0] { 2 } else { 1 };
        assert_eq!(job["attempts"], expected, "{job}");
    }
}
