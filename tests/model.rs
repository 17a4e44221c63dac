//! Model-based test of the deletion promise. Random sequences of operations run against the
//! real server over HTTP (manual clock, manual consumer) and against a small reference model.
//! After every step the server's state, audit trail and responses must agree with the model
//! and keep the invariants:
//!
//! 1. a webhook is purged only at or after the deadline of its current deletion, and never
//!    after that deletion was restored;
//! 2. each deletion job purges at most once;
//! 3. every state change has exactly one audit event, in order;
//! 4. no lead ever disappears;
//! 5. a soft-deleted webhook has exactly one unfinished job linked to it, an active one none;
//! 6. every response (status and key fields) agrees with the model;
//! 7. the id of a purged or force-deleted webhook is never reused: creating it again is 409
//!    and restoring it is 410.
//!
//! A slot whose webhook is gone for good moves on to a new id at its next create.
//!
//! `HOOKGRACE_MODEL_CASES` sets the number of random sequences (default 200) and
//! `HOOKGRACE_MODEL_STEPS` the maximum length of one sequence (default 40).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use common::{manual_options, TestServer, GRACE_HOURS, MAX_ATTEMPTS};
use hookgrace::api::{JobState, Timestamp};
use hookgrace::queue::{ConsumerSettings, PurgeFault, RetryPolicy};
use hookgrace::server::ServerOptions;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const SLOTS: usize = 2;

/// Counts of interesting transitions over all cases, printed at the end so that a run shows
/// which paths it covered.
static COVERAGE: [AtomicUsize; 9] = [const { AtomicUsize::new(0) }; 9];
const COVERAGE_NAMES: [&str; 9] = [
    "purged",
    "restored",
    "dead_lettered",
    "force_deleted_while_soft_deleted",
    "job_retried",
    "crash_claims",
    "restore_rejected_409_or_410",
    "restarts",
    "removed_id_created_again",
];

fn covered(index: usize) {
    COVERAGE[index].fetch_add(1, Ordering::Relaxed);
}
const LEASE_SECONDS: i64 = 300;
const RETRY_BASE_SECONDS: u64 = 30;
const RETRY_MAX_SECONDS: u64 = 3600;

/// Returns the id of `slot` in its `generation`-th life: a slot moves to a new id when its
/// webhook was purged or force deleted, because ids are never reused.
fn webhook_id(slot: usize, generation: u32) -> String {
    format!(
        "model_ws_cal_solar_{:03}",
        generation as usize * SLOTS + slot + 1
    )
}

fn webhook_name(slot: usize) -> String {
    format!("hook-{}", slot + 1)
}

/// Fails the next `remaining` purge attempts, whatever their job.
#[derive(Default)]
struct FailNext {
    remaining: AtomicU32,
}

impl PurgeFault for FailNext {
    fn before_purge(&self, webhook_id: &str, attempt: u32) -> Option<String> {
        let failed = self
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        failed.then(|| format!("injected failure of {webhook_id} attempt {attempt}"))
    }
}

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Lead(usize),
    SoftDelete(usize),
    Restore(usize, Option<bool>),
    /// Restores these webhooks with one `POST /webhooks/restore`.
    BulkRestore(Vec<usize>),
    ForceDelete(usize, bool),
    SetEnabled(usize, bool),
    /// Moves the clock by this many milliseconds, backwards too.
    Advance(i64),
    /// Sets the clock to the next time a job becomes claimable, as the model computes it,
    /// moved by this many milliseconds (never before the current time), so that steps land
    /// on both sides of a deadline.
    AdvanceNearNextDue(i64),
    ConsumerStep,
    /// Lets the queue run its course: up to four times, moves the clock to the next due time
    /// and runs a consumer pass.
    DrainQueue,
    /// A consumer claims every due job and dies before finishing any.
    ConsumerCrash,
    FailNextPurges(u32),
    /// Retries the newest job of the slot, or an unknown job id if the slot has none.
    RetryJob(usize),
    RetryAll,
    Restart,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let slot = 0..SLOTS;
    let advance = prop_oneof![
        Just(1i64),
        Just(-1),
        Just(30_000),
        Just(300_000),
        Just(3_600_000),
        Just(-3_600_000),
        Just(86_399_999),
        Just(86_400_000),
        Just(-86_400_000),
        -90_000_000i64..90_000_000,
    ];
    prop_oneof![
        2 => slot.clone().prop_map(Op::Create),
        2 => slot.clone().prop_map(Op::Lead),
        4 => slot.clone().prop_map(Op::SoftDelete),
        3 => (slot.clone(), prop_oneof![Just(None), Just(Some(false)), Just(Some(true))])
            .prop_map(|(slot, enabled)| Op::Restore(slot, enabled)),
        1 => proptest::collection::vec(slot.clone(), 1..=3).prop_map(Op::BulkRestore),
        1 => (slot.clone(), any::<bool>()).prop_map(|(slot, right)| Op::ForceDelete(slot, right)),
        1 => (slot.clone(), any::<bool>()).prop_map(|(slot, on)| Op::SetEnabled(slot, on)),
        3 => advance.prop_map(Op::Advance),
        4 => prop_oneof![
            3 => Just(0i64),
            1 => Just(-1),
            1 => Just(-1_000),
            1 => Just(-299_999),
            1 => Just(1),
        ]
        .prop_map(Op::AdvanceNearNextDue),
        5 => Just(Op::ConsumerStep),
        3 => Just(Op::DrainQueue),
        1 => Just(Op::ConsumerCrash),
        2 => (1u32..7).prop_map(Op::FailNextPurges),
        1 => slot.clone().prop_map(Op::RetryJob),
        1 => Just(Op::RetryAll),
        1 => Just(Op::Restart),
    ]
}

#[derive(Debug, Clone)]
struct ModelJob {
    id: String,
    slot: usize,
    /// The webhook id the job belongs to, which outlives the slot's move to a new id.
    webhook: String,
    state: JobState,
    attempts: u32,
    execute_at: Timestamp,
    next_attempt_at: Option<Timestamp>,
    lease_expires_at: Option<Timestamp>,
}

impl ModelJob {
    fn unfinished(&self) -> bool {
        matches!(
            self.state,
            JobState::Pending | JobState::Processing | JobState::Failed | JobState::DeadLetter
        )
    }

    /// Returns the due time by which claims are ordered.
    fn claim_order(&self) -> Option<Timestamp> {
        match self.state {
            JobState::Pending => Some(self.execute_at),
            JobState::Failed => self.next_attempt_at,
            JobState::Processing => self.lease_expires_at,
            _ => None,
        }
    }

    /// Returns the time at which a consumer may claim the job, if it is claimable at all.
    fn due_at(&self) -> Option<Timestamp> {
        match self.state {
            JobState::Pending => Some(self.execute_at),
            JobState::Failed => self.next_attempt_at.map(|at| at.max(self.execute_at)),
            JobState::Processing => self.lease_expires_at.map(|at| at.max(self.execute_at)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct ModelDeletion {
    job: usize,
    deadline: Timestamp,
    enabled_before: bool,
}

#[derive(Debug, Clone)]
struct ModelHook {
    enabled: bool,
    deletion: Option<ModelDeletion>,
}

/// The permanent removal of a slot's current id.
#[derive(Debug, Clone)]
struct ModelRemoval {
    /// The end of the grace period of the deletion it ended, if it was soft-deleted first.
    deadline: Option<Timestamp>,
}

/// One expected audit event: its type and job id.
type Event = (String, Option<String>);

#[derive(Debug)]
struct Model {
    now: Timestamp,
    hooks: [Option<ModelHook>; SLOTS],
    /// Set when the slot's current id was purged or force deleted.
    removed: [Option<ModelRemoval>; SLOTS],
    /// How many times each slot moved to a new id.
    generations: [u32; SLOTS],
    jobs: Vec<ModelJob>,
    leads: [u64; SLOTS],
    audit: [Vec<Event>; SLOTS],
    fail_next: u32,
}

fn add(at: Timestamp, span: Span) -> Timestamp {
    at.checked_add(span).expect("time in range")
}

fn retry_delay(attempt: u32) -> Span {
    let exponent = attempt.saturating_sub(1).min(31);
    let seconds = (RETRY_BASE_SECONDS << exponent).min(RETRY_MAX_SECONDS);
    Span::seconds(seconds as i64)
}

impl Model {
    fn new(now: Timestamp) -> Self {
        Self {
            now,
            hooks: [None, None],
            removed: [None, None],
            generations: [0; SLOTS],
            jobs: Vec::new(),
            leads: [0; SLOTS],
            audit: [Vec::new(), Vec::new()],
            fail_next: 0,
        }
    }

    /// Returns the current id of `slot`.
    fn id(&self, slot: usize) -> String {
        webhook_id(slot, self.generations[slot])
    }

    /// Moves a slot whose id was removed for good to a fresh id, with no leads or events.
    fn next_generation(&mut self, slot: usize) {
        self.generations[slot] += 1;
        self.removed[slot] = None;
        self.leads[slot] = 0;
        self.audit[slot].clear();
    }

    fn event(&mut self, slot: usize, kind: &str, job: Option<&str>) {
        self.audit[slot].push((kind.to_owned(), job.map(str::to_owned)));
    }

    fn cancel(&mut self, job: usize) {
        if self.jobs[job].unfinished() {
            let record = &mut self.jobs[job];
            record.state = JobState::Cancelled;
            record.lease_expires_at = None;
            record.next_attempt_at = None;
            let (slot, id) = (record.slot, record.id.clone());
            self.event(slot, "job_cancelled", Some(&id));
        }
    }

    /// Applies a restore of `slot` and returns the status the server must send.
    fn restore(&mut self, slot: usize, enabled: Option<bool>) -> StatusCode {
        let Some(hook) = self.hooks[slot].clone() else {
            if self.removed[slot].is_some() {
                covered(6);
                return StatusCode::GONE;
            }
            return StatusCode::NOT_FOUND;
        };
        let Some(deletion) = hook.deletion else {
            return StatusCode::BAD_REQUEST;
        };
        let job = self.jobs[deletion.job].clone();
        if job.state == JobState::Processing {
            covered(6);
            return StatusCode::CONFLICT;
        }
        if !self.can_restore(slot) {
            covered(6);
            return StatusCode::GONE;
        }
        self.hooks[slot] = Some(ModelHook {
            enabled: enabled.unwrap_or(deletion.enabled_before),
            deletion: None,
        });
        self.event(slot, "restored", Some(&job.id));
        covered(1);
        self.cancel(deletion.job);
        StatusCode::OK
    }

    fn can_restore(&self, slot: usize) -> bool {
        let Some(deletion) = self.hooks[slot]
            .as_ref()
            .and_then(|hook| hook.deletion.as_ref())
        else {
            return false;
        };
        self.jobs[deletion.job].state == JobState::Pending && self.now < deletion.deadline
    }

    fn next_due_after_now(&self) -> Option<Timestamp> {
        self.jobs
            .iter()
            .filter_map(ModelJob::due_at)
            .filter(|due| *due > self.now)
            .min()
    }

    /// Moves processing jobs whose lease expired after their last attempt to dead letter, as
    /// every claim does first.
    fn dead_letter_exhausted(&mut self) {
        let now = self.now;
        for index in 0..self.jobs.len() {
            let job = &self.jobs[index];
            let expired = job.state == JobState::Processing
                && job.lease_expires_at.is_some_and(|lease| lease <= now);
            if expired && job.attempts >= MAX_ATTEMPTS {
                let job = &mut self.jobs[index];
                job.state = JobState::DeadLetter;
                job.lease_expires_at = None;
                job.next_attempt_at = None;
                let (slot, id) = (job.slot, job.id.clone());
                self.event(slot, "job_dead_lettered", Some(&id));
            }
        }
    }

    /// Claims every due job at once, as a claim with a large limit does, and returns them in
    /// (execute_at, id) order.
    fn claim_all(&mut self) -> Vec<usize> {
        let now = self.now;
        self.dead_letter_exhausted();
        let mut due: Vec<usize> = (0..self.jobs.len())
            .filter(|&index| {
                let job = &self.jobs[index];
                job.execute_at <= now && job.due_at().is_some_and(|due| due <= now)
            })
            .collect();
        due.sort_by(|&a, &b| {
            let (a, b) = (&self.jobs[a], &self.jobs[b]);
            (a.execute_at, &a.id).cmp(&(b.execute_at, &b.id))
        });
        let lease = add(now, Span::seconds(LEASE_SECONDS));
        for &index in &due {
            let job = &mut self.jobs[index];
            job.state = JobState::Processing;
            job.attempts += 1;
            job.lease_expires_at = Some(lease);
        }
        due
    }

    /// Runs one consumer pass, which claims one job per transaction. Each claim takes the due
    /// job with the smallest (due time, id). The due time is `execute_at` for a pending job,
    /// `next_attempt_at` for a failed one and the lease expiry for an abandoned one.
    fn consumer_step(&mut self) -> usize {
        let mut processed = 0;
        loop {
            self.dead_letter_exhausted();
            let now = self.now;
            let next = (0..self.jobs.len())
                .filter(|&index| {
                    let job = &self.jobs[index];
                    job.execute_at <= now && job.due_at().is_some_and(|due| due <= now)
                })
                .min_by(|&a, &b| {
                    let (a, b) = (&self.jobs[a], &self.jobs[b]);
                    (a.claim_order(), &a.id).cmp(&(b.claim_order(), &b.id))
                });
            let Some(index) = next else {
                return processed;
            };
            let job = &mut self.jobs[index];
            job.state = JobState::Processing;
            job.attempts += 1;
            job.lease_expires_at = Some(add(now, Span::seconds(LEASE_SECONDS)));
            if self.fail_next > 0 {
                self.fail_next -= 1;
                self.fail(index);
            } else {
                self.complete(index);
            }
            processed += 1;
        }
    }

    fn fail(&mut self, index: usize) {
        let now = self.now;
        let job = &mut self.jobs[index];
        job.lease_expires_at = None;
        let (slot, id) = (job.slot, job.id.clone());
        if job.attempts >= MAX_ATTEMPTS {
            job.state = JobState::DeadLetter;
            job.next_attempt_at = None;
            self.event(slot, "job_dead_lettered", Some(&id));
            covered(2);
        } else {
            job.state = JobState::Failed;
            job.next_attempt_at = Some(add(now, retry_delay(job.attempts)));
            self.event(slot, "job_failed", Some(&id));
        }
    }

    fn complete(&mut self, index: usize) {
        let slot = self.jobs[index].slot;
        let linked = self.hooks[slot]
            .as_ref()
            .and_then(|hook| hook.deletion.as_ref())
            .is_some_and(|deletion| deletion.job == index);
        if !linked {
            // Restore and force delete cancel the job in the same transaction, so a claimed
            // job always belongs to its webhook's current deletion.
            self.cancel(index);
            return;
        }
        let job = &mut self.jobs[index];
        job.state = JobState::Completed;
        job.lease_expires_at = None;
        job.next_attempt_at = None;
        let (id, deadline) = (job.id.clone(), job.execute_at);
        self.hooks[slot] = None;
        self.removed[slot] = Some(ModelRemoval {
            deadline: Some(deadline),
        });
        self.event(slot, "purged", Some(&id));
        covered(0);
    }

    fn retry(&mut self, index: usize) {
        let job = &mut self.jobs[index];
        job.state = JobState::Pending;
        job.attempts = 0;
        job.next_attempt_at = None;
        job.lease_expires_at = None;
        let (slot, id) = (job.slot, job.id.clone());
        self.event(slot, "job_retried", Some(&id));
        covered(4);
    }
}

/// The server under test, the model, and the history the model-free checks need.
struct Harness {
    test: TestServer,
    fault: Arc<FailNext>,
    model: Model,
    /// Lead counts seen at the previous check, which may only grow.
    previous_leads: [i64; SLOTS],
}

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}

fn expect_status(
    op: &Op,
    got: StatusCode,
    expected: StatusCode,
    body: &Value,
) -> Result<(), String> {
    check(got == expected, || {
        format!("{op:?}: status {got}, model expects {expected}; body {body}")
    })
}

fn time_of(value: &Value) -> Option<Timestamp> {
    value.as_str().and_then(|text| Timestamp::parse(text).ok())
}

impl Harness {
    async fn start() -> Self {
        let fault = Arc::new(FailNext::default());
        let options = ServerOptions {
            purge_fault: Some(fault.clone()),
            queue: ConsumerSettings {
                lease: Duration::from_secs(LEASE_SECONDS as u64),
                retry: RetryPolicy {
                    base: Duration::from_secs(RETRY_BASE_SECONDS),
                    max: Duration::from_secs(RETRY_MAX_SECONDS),
                    jitter: 0.0,
                },
                ..common::test_queue_settings()
            },
            ..manual_options()
        };
        let test = TestServer::start_with(options).await;
        let model = Model::new(test.now());
        Self {
            test,
            fault,
            model,
            previous_leads: [0; SLOTS],
        }
    }

    async fn call(&self, method: Method, path: &str) -> (StatusCode, Value) {
        self.test.call(method, path, Some("model"), None).await
    }

    async fn apply(&mut self, op: &Op) -> Result<(), String> {
        let now = self.model.now;
        match *op {
            Op::Create(slot) => {
                if self.model.hooks[slot].is_none() && self.model.removed[slot].is_some() {
                    self.create_removed_id(op, slot).await?;
                    covered(8);
                    self.model.next_generation(slot);
                    self.previous_leads[slot] = 0;
                }
                let body = serde_json::json!({
                    "id": self.model.id(slot),
                    "name": webhook_name(slot),
                    "type": "solar",
                    "region": "cal",
                    "category": "solar",
                });
                let (status, body) = self
                    .test
                    .call(Method::POST, "/webhook", Some("model"), Some(body))
                    .await;
                if self.model.hooks[slot].is_some() {
                    expect_status(op, status, StatusCode::CONFLICT, &body)?;
                } else {
                    expect_status(op, status, StatusCode::CREATED, &body)?;
                    self.model.hooks[slot] = Some(ModelHook {
                        enabled: true,
                        deletion: None,
                    });
                    self.model.event(slot, "created", None);
                }
            }
            Op::Lead(slot) => {
                let (status, body) = self
                    .test
                    .lead(&self.model.id(slot), serde_json::json!({"lead": 1}))
                    .await;
                // A webhook that was purged or force-deleted is gone, not unknown.
                let removed = self.model.audit[slot]
                    .iter()
                    .any(|(kind, _)| kind == "purged" || kind == "force_deleted");
                let expected = match &self.model.hooks[slot] {
                    None if removed => StatusCode::GONE,
                    None => StatusCode::NOT_FOUND,
                    Some(hook) if hook.deletion.is_some() => StatusCode::GONE,
                    Some(hook) if !hook.enabled => StatusCode::NOT_FOUND,
                    Some(_) => StatusCode::CREATED,
                };
                expect_status(op, status, expected, &body)?;
                if expected == StatusCode::CREATED {
                    self.model.leads[slot] += 1;
                }
            }
            Op::SoftDelete(slot) => {
                let path = format!("/webhook/{}?reason=model", self.model.id(slot));
                let (status, body) = self.call(Method::DELETE, &path).await;
                match &self.model.hooks[slot] {
                    None => expect_status(op, status, StatusCode::NOT_FOUND, &body)?,
                    Some(hook) if hook.deletion.is_some() => {
                        expect_status(op, status, StatusCode::CONFLICT, &body)?;
                    }
                    Some(hook) => {
                        expect_status(op, status, StatusCode::OK, &body)?;
                        let deadline = add(now, Span::hours(GRACE_HOURS));
                        check(
                            time_of(&body["scheduled_deletion_at"]) == Some(deadline),
                            || format!("{op:?}: scheduled_deletion_at {body}, expected {deadline}"),
                        )?;
                        check(body["leads_preserved"] == self.model.leads[slot], || {
                            format!("{op:?}: leads_preserved {body}")
                        })?;
                        let job_id = body["job_id"].as_str().unwrap_or_default().to_owned();
                        check(
                            !job_id.is_empty() && self.model.jobs.iter().all(|j| j.id != job_id),
                            || format!("{op:?}: job id {job_id:?} is empty or reused"),
                        )?;
                        let enabled_before = hook.enabled;
                        let webhook = self.model.id(slot);
                        self.model.jobs.push(ModelJob {
                            id: job_id.clone(),
                            slot,
                            webhook,
                            state: JobState::Pending,
                            attempts: 0,
                            execute_at: deadline,
                            next_attempt_at: None,
                            lease_expires_at: None,
                        });
                        self.model.hooks[slot] = Some(ModelHook {
                            enabled: false,
                            deletion: Some(ModelDeletion {
                                job: self.model.jobs.len() - 1,
                                deadline,
                                enabled_before,
                            }),
                        });
                        self.model.event(slot, "soft_deleted", Some(&job_id));
                    }
                }
            }
            Op::Restore(slot, enabled) => {
                let mut path = format!("/webhook/{}/restore", self.model.id(slot));
                if let Some(enabled) = enabled {
                    path.push_str(&format!("?enabled={enabled}"));
                }
                let (status, body) = self.call(Method::POST, &path).await;
                let expected = self.model.restore(slot, enabled);
                expect_status(op, status, expected, &body)?;
                if expected == StatusCode::CONFLICT {
                    check(body["job_status"] == "processing", || {
                        format!("{op:?}: 409 without job_status: {body}")
                    })?;
                }
                if expected == StatusCode::GONE {
                    let deadline = match (&self.model.hooks[slot], &self.model.removed[slot]) {
                        (Some(hook), _) => hook.deletion.as_ref().map(|deletion| deletion.deadline),
                        (None, Some(removal)) => removal.deadline,
                        (None, None) => None,
                    };
                    check(time_of(&body["scheduled_deletion_at"]) == deadline, || {
                        format!("{op:?}: 410 names the wrong deadline: {body}")
                    })?;
                }
            }
            Op::BulkRestore(ref slots) => {
                let ids: Vec<String> = slots.iter().map(|&slot| self.model.id(slot)).collect();
                let (status, body) = self
                    .test
                    .call(
                        Method::POST,
                        "/webhooks/restore",
                        Some("model"),
                        Some(serde_json::json!({ "ids": ids })),
                    )
                    .await;
                // A request that names one id twice is rejected whole and restores nothing.
                let unique: BTreeSet<&String> = ids.iter().collect();
                if unique.len() < ids.len() {
                    return expect_status(op, status, StatusCode::BAD_REQUEST, &body);
                }
                expect_status(op, status, StatusCode::OK, &body)?;
                let results = body["results"].as_array().cloned().unwrap_or_default();
                check(results.len() == slots.len(), || {
                    format!(
                        "{op:?}: {} results for {} ids: {body}",
                        results.len(),
                        slots.len()
                    )
                })?;
                // The ids are restored one after the other, each in its own transaction.
                for (&slot, result) in slots.iter().zip(&results) {
                    let expected = self.model.restore(slot, None);
                    check(result["status"] == expected.as_u16(), || {
                        format!(
                            "{op:?}: {} got {result}, model expects {expected}",
                            self.model.id(slot)
                        )
                    })?;
                }
            }
            Op::ForceDelete(slot, right_name) => {
                let confirm = if right_name {
                    webhook_name(slot)
                } else {
                    "wrong-name".to_owned()
                };
                let path = format!(
                    "/webhook/{}?force=true&reason=model&confirm={confirm}",
                    self.model.id(slot)
                );
                let (status, body) = self.call(Method::DELETE, &path).await;
                let Some(hook) = self.model.hooks[slot].clone() else {
                    return expect_status(op, status, StatusCode::NOT_FOUND, &body);
                };
                if !right_name {
                    return expect_status(op, status, StatusCode::BAD_REQUEST, &body);
                }
                expect_status(op, status, StatusCode::OK, &body)?;
                check(body["leads_preserved"] == self.model.leads[slot], || {
                    format!("{op:?}: leads_preserved {body}")
                })?;
                let job = hook.deletion.as_ref().map(|deletion| deletion.job);
                let job_id = job.map(|job| self.model.jobs[job].id.clone());
                self.model.hooks[slot] = None;
                self.model.removed[slot] = Some(ModelRemoval {
                    deadline: hook.deletion.as_ref().map(|deletion| deletion.deadline),
                });
                self.model.event(slot, "force_deleted", job_id.as_deref());
                if let Some(job) = job {
                    self.model.cancel(job);
                    covered(3);
                }
            }
            Op::SetEnabled(slot, enabled) => {
                let path = format!("/webhook/{}/status", self.model.id(slot));
                let body = serde_json::json!({ "enabled": enabled });
                let (status, body) = self
                    .test
                    .call(Method::PATCH, &path, Some("model"), Some(body))
                    .await;
                match self.model.hooks[slot].as_mut() {
                    None => expect_status(op, status, StatusCode::NOT_FOUND, &body)?,
                    Some(hook) if hook.deletion.is_some() => {
                        expect_status(op, status, StatusCode::NOT_FOUND, &body)?;
                    }
                    Some(hook) => {
                        expect_status(op, status, StatusCode::OK, &body)?;
                        if hook.enabled != enabled {
                            hook.enabled = enabled;
                            let kind = if enabled { "enabled" } else { "disabled" };
                            self.model.event(slot, kind, None);
                        }
                    }
                }
            }
            Op::Advance(millis) => {
                self.test.advance(Span::milliseconds(millis));
                self.model.now = self.test.now();
            }
            Op::AdvanceNearNextDue(offset) => {
                if let Some(due) = self.model.next_due_after_now() {
                    let target = add(due, Span::milliseconds(offset)).max(now);
                    self.test.clock.set(target);
                    self.model.now = target;
                }
            }
            Op::ConsumerStep => {
                let processed = self.test.run_queue().await;
                let expected = self.model.consumer_step();
                check(processed == expected, || {
                    format!(
                        "{op:?}: the consumer processed {processed} jobs, model expects {expected}"
                    )
                })?;
                check(
                    self.fault.remaining.load(Ordering::SeqCst) == self.model.fail_next,
                    || format!("{op:?}: the consumer used a different number of injected failures"),
                )?;
            }
            Op::DrainQueue => {
                for _ in 0..4 {
                    if let Some(due) = self.model.next_due_after_now() {
                        self.test.clock.set(due);
                        self.model.now = due;
                    }
                    let processed = self.test.run_queue().await;
                    let expected = self.model.consumer_step();
                    check(processed == expected, || {
                        format!("{op:?}: the consumer processed {processed} jobs, model expects {expected}")
                    })?;
                }
            }
            Op::ConsumerCrash => {
                let lease = add(now, Span::seconds(LEASE_SECONDS));
                let claims = self
                    .test
                    .server()
                    .store()
                    .claim_due_jobs(now, lease, 50)
                    .await
                    .map_err(|error| format!("{op:?}: claim failed: {error}"))?;
                let claimed: BTreeSet<String> =
                    claims.into_iter().map(|claim| claim.job.id).collect();
                let expected: BTreeSet<String> = self
                    .model
                    .claim_all()
                    .into_iter()
                    .map(|index| self.model.jobs[index].id.clone())
                    .collect();
                check(claimed == expected, || {
                    format!("{op:?}: claimed {claimed:?}, model expects {expected:?}")
                })?;
                COVERAGE[5].fetch_add(claimed.len(), Ordering::Relaxed);
            }
            Op::FailNextPurges(count) => {
                self.fault.remaining.fetch_add(count, Ordering::SeqCst);
                self.model.fail_next += count;
            }
            Op::RetryJob(slot) => {
                let index = self.model.jobs.iter().rposition(|job| job.slot == slot);
                let job_id = index.map_or_else(
                    || "job_00000000000000000000000000000000".to_owned(),
                    |index| self.model.jobs[index].id.clone(),
                );
                let (status, body) = self
                    .call(Method::POST, &format!("/queue/jobs/{job_id}/retry"))
                    .await;
                match index {
                    None => expect_status(op, status, StatusCode::NOT_FOUND, &body)?,
                    Some(index) if self.model.jobs[index].state != JobState::DeadLetter => {
                        expect_status(op, status, StatusCode::CONFLICT, &body)?;
                    }
                    Some(index) => {
                        expect_status(op, status, StatusCode::OK, &body)?;
                        check(body["job"]["state"] == "pending", || {
                            format!("{op:?}: retried job is not pending: {body}")
                        })?;
                        self.model.retry(index);
                    }
                }
            }
            Op::RetryAll => {
                let (status, body) = self.call(Method::POST, "/queue/dead-letter/retry").await;
                expect_status(op, status, StatusCode::OK, &body)?;
                let dead: Vec<usize> = (0..self.model.jobs.len())
                    .filter(|&index| self.model.jobs[index].state == JobState::DeadLetter)
                    .collect();
                let expected: BTreeSet<String> = dead
                    .iter()
                    .map(|&index| self.model.jobs[index].id.clone())
                    .collect();
                let got: BTreeSet<String> = body["job_ids"]
                    .as_array()
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|id| id.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                check(got == expected, || {
                    format!("{op:?}: retried {got:?}, model expects {expected:?}")
                })?;
                // The store retries them in list order, which the per-webhook audit trails do
                // not depend on.
                for index in dead {
                    self.model.retry(index);
                }
            }
            Op::Restart => {
                self.test.restart().await;
                covered(7);
            }
        }
        Ok(())
    }

    /// Creates the removed id of `slot` again and checks the 409 that names its history.
    async fn create_removed_id(&self, op: &Op, slot: usize) -> Result<(), String> {
        let id = self.model.id(slot);
        let body = serde_json::json!({
            "id": id,
            "name": webhook_name(slot),
            "type": "solar",
            "region": "cal",
            "category": "solar",
        });
        let (status, body) = self
            .test
            .call(Method::POST, "/webhook", Some("model"), Some(body))
            .await;
        expect_status(op, status, StatusCode::CONFLICT, &body)?;
        check(body["error"] == "Webhook id already used", || {
            format!("{op:?}: re-creating {id} gave {body}")
        })?;
        check(body["leads_preserved"] == self.model.leads[slot], || {
            format!("{op:?}: re-creating {id} names the wrong lead count: {body}")
        })
    }

    /// Compares the server with the model and checks the invariants on the server's own data.
    async fn verify(&mut self, op: &Op) -> Result<(), String> {
        let (status, report) = self.test.get("/integrity").await;
        check(status == StatusCode::OK, || {
            format!("integrity: {status} {report}")
        })?;
        check(
            report["issues"].as_array().is_some_and(Vec::is_empty),
            || format!("after {op:?}: integrity issues {report}"),
        )?;

        let jobs = self.server_jobs().await?;
        self.verify_jobs(op, &jobs)?;
        let mut purged_jobs: HashMap<String, usize> = HashMap::new();
        for slot in 0..SLOTS {
            self.verify_webhook(op, slot, &jobs).await?;
            self.verify_audit(op, slot, &jobs, &mut purged_jobs).await?;
        }
        check(purged_jobs.values().all(|count| *count == 1), || {
            format!("after {op:?}: a job purged more than once: {purged_jobs:?}")
        })?;
        self.verify_leads(op)
    }

    async fn server_jobs(&self) -> Result<BTreeMap<String, Value>, String> {
        let (status, summary) = self.test.get("/queue").await;
        check(status == StatusCode::OK, || {
            format!("/queue: {status} {summary}")
        })?;
        let mut jobs = BTreeMap::new();
        for state in JobState::ALL {
            if summary["counts"][state.as_str()] == 0 {
                continue;
            }
            let path = format!("/queue/jobs?state={state}&limit=500");
            let (status, body) = self.test.get(&path).await;
            check(status == StatusCode::OK, || {
                format!("{path}: {status} {body}")
            })?;
            for job in body["jobs"].as_array().cloned().unwrap_or_default() {
                let id = job["id"].as_str().unwrap_or_default().to_owned();
                jobs.insert(id, job);
            }
        }
        Ok(jobs)
    }

    fn verify_jobs(&self, op: &Op, jobs: &BTreeMap<String, Value>) -> Result<(), String> {
        check(jobs.len() == self.model.jobs.len(), || {
            format!(
                "after {op:?}: server has {} jobs, model {}",
                jobs.len(),
                self.model.jobs.len()
            )
        })?;
        for expected in &self.model.jobs {
            let Some(job) = jobs.get(&expected.id) else {
                return Err(format!(
                    "after {op:?}: job {} missing on the server",
                    expected.id
                ));
            };
            let matches = job["state"] == expected.state.as_str()
                && job["attempts"] == expected.attempts
                && job["webhook_id"] == expected.webhook.as_str()
                && time_of(&job["execute_at"]) == Some(expected.execute_at)
                && time_of(&job["next_attempt_at"]) == expected.next_attempt_at
                && time_of(&job["lease_expires_at"]) == expected.lease_expires_at;
            check(matches, || {
                format!("after {op:?}: server job {job} differs from model {expected:?}")
            })?;
        }
        Ok(())
    }

    async fn verify_webhook(
        &self,
        op: &Op,
        slot: usize,
        jobs: &BTreeMap<String, Value>,
    ) -> Result<(), String> {
        let id = self.model.id(slot);
        let (status, detail) = self.test.get(&format!("/webhook/{id}")).await;
        let Some(hook) = &self.model.hooks[slot] else {
            check(status == StatusCode::NOT_FOUND, || {
                format!("after {op:?}: {id} should be gone, got {status} {detail}")
            })?;
            let removed = self.model.removed[slot].is_some();
            let message = detail["message"].as_str().unwrap_or_default();
            return check(removed == message.contains("permanently deleted"), || {
                format!("after {op:?}: the 404 of {id} misstates its history: {detail}")
            });
        };
        check(status == StatusCode::OK, || {
            format!("after {op:?}: {id} should exist, got {status} {detail}")
        })?;
        check(
            detail["config"]["total_leads"] == self.model.leads[slot],
            || format!("after {op:?}: {id} counts other leads than the model: {detail}"),
        )?;
        check(detail["config"]["enabled"] == hook.enabled, || {
            format!("after {op:?}: {id} enabled differs from model {hook:?}: {detail}")
        })?;
        let deletion_status = &detail["deletion_status"];
        // Invariant 5 on the server's own data: the unfinished jobs of this webhook.
        let unfinished: Vec<&String> = jobs
            .iter()
            .filter(|(_, job)| {
                job["webhook_id"] == id
                    && ["pending", "processing", "failed", "dead_letter"]
                        .contains(&job["state"].as_str().unwrap_or_default())
            })
            .map(|(job_id, _)| job_id)
            .collect();
        match &hook.deletion {
            None => {
                check(detail["status"] == "healthy", || {
                    format!("after {op:?}: {id} should be active: {detail}")
                })?;
                check(unfinished.is_empty(), || {
                    format!("after {op:?}: active {id} has unfinished jobs {unfinished:?}")
                })
            }
            Some(deletion) => {
                let job_id = &self.model.jobs[deletion.job].id;
                check(detail["status"] == "soft_deleted", || {
                    format!("after {op:?}: {id} should be soft-deleted: {detail}")
                })?;
                check(deletion_status["job_id"] == job_id.as_str(), || {
                    format!("after {op:?}: {id} links the wrong job: {detail}")
                })?;
                check(
                    time_of(&deletion_status["scheduled_deletion_at"]) == Some(deletion.deadline),
                    || format!("after {op:?}: {id} has the wrong deadline: {detail}"),
                )?;
                check(
                    deletion_status["can_restore"] == self.model.can_restore(slot),
                    || format!("after {op:?}: {id} can_restore differs from the model: {detail}"),
                )?;
                check(unfinished == [job_id], || {
                    format!("after {op:?}: soft-deleted {id} has unfinished jobs {unfinished:?}")
                })
            }
        }
    }

    async fn verify_audit(
        &self,
        op: &Op,
        slot: usize,
        jobs: &BTreeMap<String, Value>,
        purged_jobs: &mut HashMap<String, usize>,
    ) -> Result<(), String> {
        let id = self.model.id(slot);
        let mut events = self.test.audit(&id).await;
        events.reverse();
        let got: Vec<Event> = events
            .iter()
            .map(|event| {
                (
                    event["event_type"].as_str().unwrap_or_default().to_owned(),
                    event["job_id"].as_str().map(str::to_owned),
                )
            })
            .collect();
        check(got == self.model.audit[slot], || {
            format!(
                "after {op:?}: audit of {id} is {got:?}, model expects {:?}",
                self.model.audit[slot]
            )
        })?;
        // Invariants 1 and 2 on the server's own data: a purge happens at or after its job's
        // deadline, never for a restored deletion, and once per job.
        for event in events
            .iter()
            .filter(|event| event["event_type"] == "purged")
        {
            let job_id = event["job_id"].as_str().unwrap_or_default().to_owned();
            let job = jobs.get(&job_id);
            let deadline = job.and_then(|job| time_of(&job["execute_at"]));
            let purged_at = time_of(&event["created_at"]);
            check(deadline.is_some() && purged_at >= deadline, || {
                format!(
                    "after {op:?}: {id} purged at {purged_at:?} before its deadline {deadline:?}"
                )
            })?;
            let restored = events.iter().any(|other| {
                other["event_type"] == "restored" && other["job_id"] == job_id.as_str()
            });
            check(!restored, || {
                format!("after {op:?}: {id} purged by job {job_id} after a restore")
            })?;
            *purged_jobs.entry(job_id).or_default() += 1;
        }
        Ok(())
    }

    fn verify_leads(&mut self, op: &Op) -> Result<(), String> {
        for slot in 0..SLOTS {
            let stored = self.test.stored_leads(&self.model.id(slot));
            check(stored >= self.previous_leads[slot], || {
                format!(
                    "after {op:?}: leads of slot {slot} fell from {} to {stored}",
                    self.previous_leads[slot]
                )
            })?;
            check(stored == self.model.leads[slot] as i64, || {
                format!(
                    "after {op:?}: {stored} leads stored for slot {slot}, model {}",
                    self.model.leads[slot]
                )
            })?;
            self.previous_leads[slot] = stored;
        }
        Ok(())
    }
}

async fn run_sequence(ops: Vec<Op>) -> Result<(), String> {
    let mut harness = Harness::start().await;
    // Every sequence starts with its webhooks in place, so that most steps act on them.
    let setup = (0..SLOTS).map(Op::Create);
    for (step, op) in setup.chain(ops).enumerate() {
        harness
            .apply(&op)
            .await
            .map_err(|error| format!("step {step}: {error}"))?;
        harness
            .verify(&op)
            .await
            .map_err(|error| format!("step {step}: {error}"))?;
    }
    harness.test.shutdown().await;
    Ok(())
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

/// Runs `cases` random sequences and prints their coverage. The cases are split over two
/// test functions so that the test harness runs them on two threads.
fn run_model_cases(cases: u32) {
    let max_steps = env_number("HOOKGRACE_MODEL_STEPS", 40) as usize;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = proptest::collection::vec(op_strategy(), 1..=max_steps);
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |ops| {
        runtime
            .block_on(run_sequence(ops))
            .map_err(TestCaseError::fail)
    });
    eprintln!(
        "model test: {cases} cases of up to {max_steps} steps in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let coverage: Vec<String> = COVERAGE_NAMES
        .iter()
        .zip(&COVERAGE)
        .map(|(name, count)| format!("{name}={}", count.load(Ordering::Relaxed)))
        .collect();
    eprintln!("model test coverage so far: {}", coverage.join(" "));
    if let Err(error) = result {
        panic!("{error}");
    }
}

fn half_of_cases(first: bool) -> u32 {
    let cases = env_number("HOOKGRACE_MODEL_CASES", 200);
    if first {
        cases.div_ceil(2)
    } else {
        cases / 2
    }
}

#[test]
fn server_agrees_with_model_first_half() {
    run_model_cases(half_of_cases(true));
}

#[test]
fn server_agrees_with_model_second_half() {
    run_model_cases(half_of_cases(false));
}
