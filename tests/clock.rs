//! Wall-clock jumps and missed deadlines: a purge never runs before its deadline by the clock
//! the server reads, and a deadline that passed while the server was down is caught up when
//! it starts.

mod common;

use std::time::Duration;

use common::{hours, manual_options, millis, timestamp, TestServer, GRACE_HOURS};
use hookgrace::clock::Clock;
use hookgrace::queue::ConsumerSettings;
use hookgrace::server::{ConsumerMode, ServerOptions};
use reqwest::StatusCode;

const ID: &str = "acme_ws_cal_solar_001";
const NAME: &str = "Acme Solar";

#[tokio::test]
async fn forward_jump_purges_at_next_pass() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);

    test.advance(hours(72));
    assert_eq!(test.run_queue().await, 1);
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "purged");
    let purged_at = timestamp(&events[0]["created_at"]);
    assert!(purged_at >= deadline);
    assert_eq!(purged_at, test.now());
}

#[tokio::test]
async fn jump_back_before_any_pass_keeps_window_open() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);

    // The clock passes the deadline and jumps back before any consumer pass: by the clock the
    // server reads, the grace period is still running, so nothing is purged and a restore
    // still works.
    test.clock.set(deadline.checked_add(hours(1)).unwrap());
    test.clock.set(deadline.checked_add(hours(-1)).unwrap());
    assert_eq!(test.run_queue().await, 0);
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "soft_deleted");
    assert_eq!(detail["deletion_status"]["can_restore"], true);
    assert_eq!(detail["deletion_status"]["seconds_until_deletion"], 3600);
    let (status, _) = test.restore(ID).await;
    assert_eq!(status, StatusCode::OK);
    test.clock.set(deadline.checked_add(hours(2)).unwrap());
    assert_eq!(test.run_queue().await, 0);
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "soft_deleted", "restored", "job_cancelled"]
    );
}

#[tokio::test]
async fn repeated_backward_jumps_never_purge_early() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);
    test.clock.set(deadline.checked_add(millis(-1)).unwrap());
    for _ in 0..3 {
        assert_eq!(test.run_queue().await, 0);
        test.advance(millis(-3_600_000));
    }
    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    test.clock.set(deadline);
    assert_eq!(test.run_queue().await, 1);
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
async fn missed_deadline_is_caught_up_at_start() {
    // A poll interval far beyond the test, in clock and in wall time, so only the scan at
    // start can purge.
    let mut test = TestServer::start_with(ServerOptions {
        consumer: ConsumerMode::Background,
        queue: ConsumerSettings {
            poll_interval: Duration::from_secs(10 * 24 * 3600),
            ..common::test_queue_settings()
        },
        ..manual_options()
    })
    .await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);
    test.stop().await;

    // The server is down for a day past the deadline.
    test.clock
        .set(deadline.checked_add(hours(GRACE_HOURS)).unwrap());
    let restarted_at = test.clock.now();
    test.start_again().await;
    let purged = wait_until(Duration::from_secs(5), || async {
        test.get(&format!("/webhook/{ID}")).await.0 == StatusCode::NOT_FOUND
    })
    .await;
    assert!(purged, "the missed deadline was not caught up within 5 s");
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "purged");
    assert_eq!(timestamp(&events[0]["created_at"]), restarted_at);
    test.shutdown().await;
}
