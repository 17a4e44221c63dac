//! The deletion queue consumer.
//!
//! Jobs live in the database (see [`crate::store::Store::claim_due_jobs`]). The consumer sleeps
//! until the next job is due, wakes early when a soft delete schedules a new job, claims due
//! jobs under a lease and purges or cancels each one in a single store transaction. A failed
//! attempt is retried with exponential backoff and jitter until the job's attempts run out,
//! and then the job moves to dead letter with its last error.

mod retry;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::api::Timestamp;
use crate::clock::SharedClock;
use crate::store::{ClaimedJob, FailureOutcome, PurgeOutcome, Store, StoreError};

pub use retry::RetryPolicy;

/// Injects purge failures, for tests and the demo's dead-letter job.
pub trait PurgeFault: Send + Sync + 'static {
    /// Returns an error message to make this purge attempt fail, or `None` to let it run.
    fn before_purge(&self, webhook_id: &str, attempt: u32) -> Option<String>;
}

/// Tuning of the consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerSettings {
    /// How long a claim stays valid. A job whose lease expires, because its consumer crashed
    /// or hung, becomes due again.
    pub lease: Duration,
    pub retry: RetryPolicy,
    /// Maximum wall-clock time between two scans, whatever the clock and wake-ups do.
    pub poll_interval: Duration,
    /// Jobs claimed per transaction. Each claim counts an attempt, and a consumer that dies
    /// leaves every job of its batch to wait for the lease, so the default of 1 limits what a
    /// crash costs to the job being purged.
    pub batch_size: u32,
}

impl Default for ConsumerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            poll_interval: Duration::from_secs(60),
            batch_size: 1,
        }
    }
}

/// Wall-clock pause after a failed scan, so that a broken database is not retried in a
/// tight loop.
const SCAN_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Consecutive failed scans per logged line after the first.
const SCAN_FAILURES_PER_LOG: u64 = 60;

/// The deletion consumer. Clones share one wake-up signal.
#[derive(Clone)]
pub struct Consumer {
    store: Arc<dyn Store>,
    clock: SharedClock,
    settings: ConsumerSettings,
    fault: Option<Arc<dyn PurgeFault>>,
    wake: Arc<Notify>,
}

impl Consumer {
    pub fn new(
        store: Arc<dyn Store>,
        clock: SharedClock,
        settings: ConsumerSettings,
        fault: Option<Arc<dyn PurgeFault>>,
    ) -> Self {
        Self {
            store,
            clock,
            settings,
            fault,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Wakes the background loop so that it reads the next due time again. Call it after
    /// scheduling a job. A wake-up sent while the loop is busy is kept for its next wait.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Claims and processes every job due at the clock's current time, and returns how many
    /// jobs it processed (purged, cancelled, failed or released).
    ///
    /// # Errors
    ///
    /// Returns the store error if a claim fails. Failures of single jobs are recorded on the
    /// job and logged, not returned.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let mut processed = 0;
        loop {
            let now = self.clock.now();
            let lease_expires_at = add(now, self.settings.lease);
            let claims = self
                .store
                .claim_due_jobs(now, lease_expires_at, self.settings.batch_size)
                .await?;
            let claimed = claims.len();
            for claim in claims {
                self.process(claim).await;
                processed += 1;
            }
            if claimed < self.settings.batch_size as usize {
                return Ok(processed);
            }
        }
    }

    /// Runs until `cancel` fires: processes due jobs, then sleeps until the next job is due,
    /// a new job is scheduled, or the poll interval passes.
    pub async fn run(self, cancel: CancellationToken) {
        tracing::info!(
            lease_seconds = self.settings.lease.as_secs(),
            poll_seconds = self.settings.poll_interval.as_secs(),
            "deletion queue consumer started"
        );
        let mut failed_scans: u64 = 0;
        while !cancel.is_cancelled() {
            let next_wake = match self.scan().await {
                Ok(next_wake) => {
                    if failed_scans > 0 {
                        tracing::info!(failed_scans, "deletion queue scan works again");
                    }
                    failed_scans = 0;
                    next_wake
                }
                Err(error) => {
                    failed_scans += 1;
                    // The first failure and then every 60th (about once a minute) are logged,
                    // so a database that stays unavailable does not flood the log.
                    if failed_scans % SCAN_FAILURES_PER_LOG == 1 {
                        tracing::error!(%error, failed_scans, "deletion queue scan failed; retrying");
                    }
                    // Treated as "due now", which pauses briefly below.
                    Some(self.clock.now())
                }
            };
            let now = self.clock.now();
            let poll_deadline = add(now, self.settings.poll_interval);
            let (deadline, wall_limit) = match next_wake {
                // A job is due that the scan did not claim, or the scan failed: pause briefly
                // instead of looping hot.
                Some(next) if next <= now => (poll_deadline, SCAN_ERROR_PAUSE),
                Some(next) => (next.min(poll_deadline), self.settings.poll_interval),
                None => (poll_deadline, self.settings.poll_interval),
            };
            tokio::select! {
                () = cancel.cancelled() => break,
                () = self.wake.notified() => {}
                () = self.clock.sleep_until(deadline) => {}
                () = tokio::time::sleep(wall_limit) => {}
            }
        }
        tracing::info!("deletion queue consumer stopped");
    }

    /// Processes the due jobs and returns when the next job becomes due, if any is waiting.
    async fn scan(&self) -> Result<Option<Timestamp>, StoreError> {
        let processed = self.run_once().await?;
        if processed > 0 {
            tracing::debug!(processed, "deletion queue scan processed jobs");
        }
        self.store.next_wake_at().await
    }

    async fn process(&self, claim: ClaimedJob) {
        let job = &claim.job;
        tracing::info!(
            job_id = %job.id,
            webhook_id = %job.webhook_id,
            attempt = job.attempts,
            max_attempts = job.max_attempts,
            previous_error = job.last_error.as_deref(),
            "claimed deletion job"
        );
        if let Some(fault) = &self.fault {
            if let Some(error) = fault.before_purge(&job.webhook_id, job.attempts) {
                self.record_failure(&claim, &error).await;
                return;
            }
        }
        let now = self.clock.now();
        match self.store.complete_job(&claim, now).await {
            Ok(PurgeOutcome::Purged { leads_preserved }) => tracing::info!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                leads_preserved,
                "purged webhook; deletion job completed"
            ),
            Ok(PurgeOutcome::Cancelled { cause }) => tracing::info!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                cause = cause.as_str(),
                "deletion job cancelled instead of purging"
            ),
            Ok(PurgeOutcome::NotDue) => tracing::warn!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                execute_at = %job.execute_at,
                %now,
                "released deletion job: the clock is before its execute_at"
            ),
            Ok(PurgeOutcome::LeaseLost) => tracing::warn!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                "deletion job left alone: its lease expired or it was cancelled meanwhile"
            ),
            Err(error) => {
                tracing::warn!(
                    job_id = %job.id,
                    webhook_id = %job.webhook_id,
                    %error,
                    "purge failed"
                );
                self.record_failure(&claim, &error.to_string()).await;
            }
        }
    }

    async fn record_failure(&self, claim: &ClaimedJob, error: &str) {
        let job = &claim.job;
        let now = self.clock.now();
        let retry_at = add(now, self.settings.retry.random_delay(job.attempts));
        match self.store.fail_job(claim, error, retry_at, now).await {
            Ok(FailureOutcome::RetryScheduled {
                attempts,
                next_attempt_at,
            }) => tracing::warn!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                attempt = attempts,
                max_attempts = job.max_attempts,
                %next_attempt_at,
                error,
                "deletion job failed; retry scheduled"
            ),
            Ok(FailureOutcome::DeadLettered { attempts }) => tracing::error!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                attempts,
                error,
                "deletion job moved to dead letter: every attempt failed"
            ),
            Ok(FailureOutcome::LeaseLost) => tracing::warn!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                error,
                "failure not recorded: the job's lease expired or it was cancelled meanwhile"
            ),
            Err(store_error) => tracing::error!(
                job_id = %job.id,
                webhook_id = %job.webhook_id,
                error,
                %store_error,
                "failed to record a failed attempt; the job becomes due again when its lease \
                 expires"
            ),
        }
    }
}

/// Returns `at + duration`, or `at` if the sum leaves chrono's range.
fn add(at: Timestamp, duration: Duration) -> Timestamp {
    chrono::Duration::from_std(duration)
        .ok()
        .and_then(|duration| at.checked_add(duration))
        .unwrap_or(at)
}
