//! Concurrent restores, soft deletes and force deletes of one webhook, sent over HTTP while
//! the consumer purges it at its deadline. Every round must end with exactly one outcome for
//! the original deletion, losers must get the documented status codes, and the audit trail
//! must replay to the final state. `HOOKGRACE_RACE_ROUNDS` sets the number of rounds
//! (default 60).

mod common;

use std::future::Future;
use std::pin::Pin;

use common::{hours, millis, timestamp, TestServer};
use hookgrace::api::Timestamp;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::Value;

const NAME: &str = "Race Solar";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Restore,
    SoftDelete,
    ForceDelete,
}

type Outcome = Option<(Action, StatusCode)>;
type Task<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

async fn yield_times(count: u32) {
    for _ in 0..count {
        tokio::task::yield_now().await;
    }
}

async fn send(test: &TestServer, id: &str, action: Action) -> (Action, StatusCode) {
    let request = match action {
        Action::Restore => test
            .client
            .post(test.url(&format!("/webhook/{id}/restore"))),
        Action::SoftDelete => test
            .client
            .delete(test.url(&format!("/webhook/{id}?reason=race"))),
        Action::ForceDelete => test.client.delete(test.url(&format!(
            "/webhook/{id}?force=true&reason=race&confirm=Race%20Solar"
        ))),
    };
    let response = request
        .header("X-User-ID", "racer")
        .send()
        .await
        .expect("request failed");
    (action, response.status())
}

/// State of the webhook while its audit trail is replayed.
#[derive(Debug, Clone, PartialEq)]
enum Replay {
    Active,
    SoftDeleted(String),
    Gone,
}

/// Replays the audit trail and returns the final state, failing on any event that the
/// state before it does not allow.
fn replay(id: &str, events: &[Value]) -> Replay {
    let mut state = Replay::Active;
    let mut cancellable: Option<String> = None;
    for (index, event) in events.iter().enumerate() {
        let kind = event["event_type"].as_str().unwrap_or_default();
        let job = event["job_id"].as_str().map(str::to_owned);
        let context = || format!("{id}: event {index} '{kind}' after {state:?} in {events:#?}");
        match (kind, &state) {
            ("created", _) if index == 0 => state = Replay::Active,
            ("soft_deleted", Replay::Active) => {
                state = Replay::SoftDeleted(job.clone().unwrap_or_else(|| panic!("{}", context())));
            }
            ("restored", Replay::SoftDeleted(current)) => {
                assert_eq!(job.as_ref(), Some(current), "{}", context());
                cancellable = job;
                state = Replay::Active;
            }
            ("purged", Replay::SoftDeleted(current)) => {
                assert_eq!(job.as_ref(), Some(current), "{}", context());
                state = Replay::Gone;
            }
            ("force_deleted", Replay::Active) => state = Replay::Gone,
            ("force_deleted", Replay::SoftDeleted(current)) => {
                assert_eq!(job.as_ref(), Some(current), "{}", context());
                cancellable = job;
                state = Replay::Gone;
            }
            ("job_cancelled", _) => {
                assert!(
                    job.is_some() && job == cancellable,
                    "{}: no restore or force delete released this job",
                    context()
                );
                cancellable = None;
            }
            _ => panic!("{}: not allowed", context()),
        }
    }
    state
}

async fn run_round(test: &TestServer, rng: &mut StdRng, round: u32) -> &'static str {
    // Ids end in three digits, so a new prefix starts every 900 rounds.
    let id = format!("race-{}_ws_cal_solar_{:03}", round / 900, round % 900 + 1);
    test.create(&id, NAME).await;
    let deleted = test.soft_delete(&id).await;
    let first_job = deleted["job_id"]
        .as_str()
        .expect("soft delete returns a job id")
        .to_owned();
    let deadline = timestamp(&deleted["scheduled_deletion_at"]);
    let before = deadline
        .checked_add(millis(-rng.random_range(1..50)))
        .expect("time in range");
    test.clock.set(before);

    let mut actions = Vec::new();
    for _ in 0..rng.random_range(2..6) {
        actions.push(Action::Restore);
    }
    for _ in 0..rng.random_range(0..4) {
        actions.push(Action::SoftDelete);
    }
    for _ in 0..rng.random_range(0..3) {
        actions.push(Action::ForceDelete);
    }
    let mut tasks: Vec<Task<'_>> = Vec::new();
    for action in actions {
        let delay = rng.random_range(0..8);
        let id = id.clone();
        tasks.push(Box::pin(async move {
            yield_times(delay).await;
            Some(send(test, &id, action).await)
        }));
    }
    for _ in 0..2 {
        let delay = rng.random_range(0..8);
        tasks.push(Box::pin(async move {
            yield_times(delay).await;
            test.run_queue().await;
            None
        }));
    }
    let delay = rng.random_range(0..8);
    tasks.push(Box::pin(async move {
        yield_times(delay).await;
        test.clock.set(deadline);
        None
    }));
    let outcomes: Vec<(Action, StatusCode)> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .flatten()
        .collect();

    // Settle: the consumer runs once more at the deadline.
    test.clock.set(deadline);
    test.run_queue().await;
    check_round(test, &id, &first_job, deadline, &outcomes).await
}

/// Checks one round and returns which outcome won the original deletion.
async fn check_round(
    test: &TestServer,
    id: &str,
    first_job: &str,
    deadline: Timestamp,
    outcomes: &[(Action, StatusCode)],
) -> &'static str {
    let mut events = test.audit(id).await;
    events.reverse();
    let state = replay(id, &events);
    let count = |kind: &str| {
        events
            .iter()
            .filter(|event| event["event_type"] == kind)
            .count()
    };
    let succeeded = |action: Action| {
        outcomes
            .iter()
            .filter(|(done, status)| *done == action && *status == StatusCode::OK)
            .count()
    };
    for (action, status) in outcomes {
        let allowed: &[StatusCode] = match action {
            Action::Restore => &[
                StatusCode::OK,
                StatusCode::BAD_REQUEST,
                StatusCode::NOT_FOUND,
                StatusCode::CONFLICT,
                StatusCode::GONE,
            ],
            Action::SoftDelete => &[StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT],
            Action::ForceDelete => &[StatusCode::OK, StatusCode::NOT_FOUND],
        };
        assert!(allowed.contains(status), "{id}: {action:?} got {status}");
    }
    assert_eq!(
        succeeded(Action::Restore),
        count("restored"),
        "{id}: {outcomes:?}"
    );
    assert_eq!(
        succeeded(Action::SoftDelete) + 1,
        count("soft_deleted"),
        "{id}: {outcomes:?}"
    );
    assert_eq!(
        succeeded(Action::ForceDelete),
        count("force_deleted"),
        "{id}: {outcomes:?}"
    );
    assert!(
        count("purged") + count("force_deleted") <= 1,
        "{id}: {events:#?}"
    );

    // Exactly one outcome for the original deletion: restored before its deadline, purged at
    // or after it, or force deleted.
    let of_first = |kind: &str| {
        events
            .iter()
            .filter(|event| event["event_type"] == kind && event["job_id"] == first_job)
            .collect::<Vec<_>>()
    };
    let restored = of_first("restored");
    let purged = of_first("purged");
    let forced = of_first("force_deleted");
    assert_eq!(
        restored.len() + purged.len() + forced.len(),
        1,
        "{id}: {outcomes:?} {events:#?}"
    );
    for event in &restored {
        assert!(timestamp(&event["created_at"]) < deadline, "{id}: {event}");
    }
    for event in &purged {
        assert!(timestamp(&event["created_at"]) >= deadline, "{id}: {event}");
    }

    let (status, detail) = test.get(&format!("/webhook/{id}")).await;
    match state {
        Replay::Gone => assert_eq!(status, StatusCode::NOT_FOUND, "{id}: {detail}"),
        Replay::Active => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(detail["status"], "healthy", "{id}");
        }
        Replay::SoftDeleted(job) => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(detail["deletion_status"]["job_id"], job.as_str(), "{id}");
        }
    }
    let (_, report) = test.get("/integrity").await;
    assert_eq!(report["issues"], Value::Array(Vec::new()), "{id}: {report}");
    if !restored.is_empty() {
        "restored"
    } else if !purged.is_empty() {
        "purged"
    } else {
        "force_deleted"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_actions_have_one_winner() {
    let test = TestServer::start().await;
    let seed: u64 = rand::random();
    eprintln!("race seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let rounds: u32 = std::env::var("HOOKGRACE_RACE_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(60);
    let mut winners: std::collections::BTreeMap<&str, u32> = Default::default();
    for round in 0..rounds {
        *winners
            .entry(run_round(&test, &mut rng, round).await)
            .or_default() += 1;
        // Later rounds start a grace period after the previous deadline.
        test.advance(hours(1));
    }
    eprintln!("race winners over {rounds} rounds: {winners:?}");
    test.shutdown().await;
}
