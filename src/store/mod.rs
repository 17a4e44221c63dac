//! The storage interface and its SQLite implementation.
//!
//! Routes and the deletion queue call the domain operations of [`Store`]. Each operation is one
//! transaction that reads state, decides, writes the change and its audit event, so two callers
//! racing on the same webhook serialise and exactly one of them wins. All SQL lives under this
//! module; a PostgreSQL backend would implement the same trait beside [`SqliteStore`].

mod sqlite;
mod types;

use async_trait::async_trait;

use crate::api::{JobState, Timestamp};

pub use sqlite::{OpenOptions, SqliteStore, DEFAULT_BUSY_TIMEOUT, SCHEMA_VERSION};
pub use types::*;

/// Actor recorded on audit events that the deletion queue writes.
pub const SYSTEM_ACTOR: &str = "system";

/// Start of the actor that `hookgrace token` records on the audit events it writes, followed by
/// the local user name, such as `cli:alice`.
pub const CLI_ACTOR_PREFIX: &str = "cli:";

/// A storage failure. Outcomes that a caller must handle, such as "not found" or "already
/// deleted", are variants of each operation's outcome type instead.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("failed to open database {path}: {reason}")]
    Open { path: String, reason: String },

    #[error(
        "database schema version {found} is newer than this hookgrace binary supports \
         (version {supported}); upgrade hookgrace or open a different database"
    )]
    SchemaTooNew { found: i64, supported: i64 },

    #[error("database error: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),

    /// Another connection held the write lock for longer than the busy timeout.
    #[error("the database is busy: another process held its write lock for too long ({0})")]
    Busy(String),

    /// The database file, its directory or the file system does not accept writes.
    #[error("the database is read-only ({0})")]
    ReadOnly(String),

    /// The disk, or the database's size limit, is full.
    #[error("the database or its disk is full ({0})")]
    Full(String),

    /// A stored value that does not parse, such as a malformed timestamp.
    #[error("invalid stored data: {0}")]
    InvalidData(String),

    #[error("storage task failed: {0}")]
    Task(String),
}

impl StoreError {
    /// Returns whether the failure comes from the storage environment (lock, permissions,
    /// space) rather than from the data, so a later retry can succeed once an operator acts.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Busy(_) | StoreError::ReadOnly(_) | StoreError::Full(_)
        )
    }
}

/// The domain operations on webhooks, leads, deletion jobs and the audit trail.
///
/// "Now" is always a parameter, read by the caller from its [`crate::clock::Clock`]; no
/// implementation reads the database's own clock.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Inserts a webhook and its `created` audit event.
    async fn create_webhook(
        &self,
        new: NewWebhook,
        actor: &str,
        now: Timestamp,
    ) -> Result<CreateOutcome, StoreError>;

    /// Lists webhooks that are not soft-deleted, oldest first, with the total count.
    async fn list_active(&self, page: Option<PageRequest>) -> Result<ActivePage, StoreError>;

    /// Lists soft-deleted webhooks with their deletion jobs, soonest purge first.
    async fn list_deleted(&self) -> Result<Vec<WebhookRecord>, StoreError>;

    /// Reads one webhook, active or soft-deleted, with its live deletion job.
    async fn get_webhook(&self, id: &str) -> Result<Option<WebhookRecord>, StoreError>;

    /// Reads the newest purge or force delete of `id` from the audit trail, with the number of
    /// leads still stored under it. `None` when the trail records neither.
    async fn permanent_deletion(&self, id: &str) -> Result<Option<PermanentDeletion>, StoreError>;

    /// Stores a lead and updates the webhook's counters, or counts a rejection when the
    /// webhook is soft-deleted.
    async fn record_lead(&self, lead: NewLead, now: Timestamp) -> Result<LeadOutcome, StoreError>;

    /// Disables the webhook, schedules its deletion job and writes `soft_deleted`.
    async fn soft_delete(
        &self,
        request: SoftDeleteRequest,
        now: Timestamp,
    ) -> Result<SoftDeleteOutcome, StoreError>;

    /// Deletes the webhook row now, cancels its live job if any, and writes `force_deleted`.
    /// Leads and audit events stay.
    async fn force_delete(
        &self,
        request: ForceDeleteRequest,
        now: Timestamp,
    ) -> Result<ForceDeleteOutcome, StoreError>;

    /// Clears the soft delete, cancels its job and writes `restored`. Only a pending job can
    /// be cancelled this way, and only before the deadline: a processing job is purging, and a
    /// failed or dead-lettered job has already tried to purge after the deadline.
    async fn restore(
        &self,
        request: RestoreRequest,
        now: Timestamp,
    ) -> Result<RestoreOutcome, StoreError>;

    /// Enables or disables an active webhook and writes `enabled` or `disabled` if it changed.
    async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
        actor: &str,
        now: Timestamp,
    ) -> Result<StatusOutcome, StoreError>;

    /// Reads audit events newest first.
    async fn audit_events(&self, query: AuditQuery) -> Result<AuditRows, StoreError>;

    /// Counts jobs in every state and finds the next due and overdue ones.
    async fn queue_stats(&self, now: Timestamp) -> Result<QueueStats, StoreError>;

    /// Reads the revision counter and the next clock boundaries after `now`.
    async fn data_revision(&self, now: Timestamp) -> Result<DataRevision, StoreError>;

    /// Lists jobs in one state.
    async fn list_jobs(&self, state: JobState, limit: u32) -> Result<Vec<Job>, StoreError>;

    /// Returns the earliest time at which a job becomes claimable: a pending job's
    /// `execute_at`, a failed job's `next_attempt_at` or a processing job's lease expiry.
    async fn next_wake_at(&self) -> Result<Option<Timestamp>, StoreError>;

    /// Claims up to `limit` due jobs under a new lease that expires at `lease_expires_at`.
    ///
    /// Due means pending with `execute_at <= now`, failed with `next_attempt_at <= now`, or
    /// processing with an expired lease (a consumer that crashed). Each claim counts as an
    /// attempt. An abandoned job that has used all its attempts moves to dead letter instead.
    async fn claim_due_jobs(
        &self,
        now: Timestamp,
        lease_expires_at: Timestamp,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, StoreError>;

    /// Purges the job's webhook, or cancels the job if the webhook was restored or deleted
    /// again since. Does nothing when the lease is no longer held.
    async fn complete_job(
        &self,
        claim: &ClaimedJob,
        now: Timestamp,
    ) -> Result<PurgeOutcome, StoreError>;

    /// Moves one dead-lettered job back to pending with its attempts reset, and writes
    /// `job_retried`.
    async fn retry_job(
        &self,
        job_id: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<RetryOutcome, StoreError>;

    /// Moves every dead-lettered job back to pending, writing one `job_retried` event each,
    /// and returns the retried jobs.
    async fn retry_dead_letters(&self, actor: &str, now: Timestamp)
        -> Result<Vec<Job>, StoreError>;

    /// Finds orphaned jobs, webhooks whose deletion state disagrees with their jobs, and state
    /// changes without their audit event. Reads only.
    async fn check_integrity(&self) -> Result<Vec<IntegrityIssue>, StoreError>;

    /// Records a failed attempt: the job retries at `retry_at`, or moves to dead letter when
    /// it has used all its attempts.
    async fn fail_job(
        &self,
        claim: &ClaimedJob,
        error: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<FailureOutcome, StoreError>;

    /// Inserts an API token and writes `token_created`.
    async fn create_token(
        &self,
        new: NewToken,
        actor: &str,
        now: Timestamp,
    ) -> Result<CreateTokenOutcome, StoreError>;

    /// Lists every token, revoked ones included, oldest first.
    async fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// Finds the token whose text has this SHA-256 (lowercase hex), revoked or not.
    async fn find_token(&self, token_sha256: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// Records a use of the token at `now` unless one after `stale_before` is recorded.
    async fn touch_token(
        &self,
        id: &str,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<(), StoreError>;

    /// Revokes the token with id `key`, or else the unrevoked token named `key`, and writes
    /// `token_revoked`.
    async fn revoke_token(
        &self,
        key: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<RevokeTokenOutcome, StoreError>;

    /// Counts the tokens ever created, revoked ones included.
    async fn count_tokens(&self) -> Result<u64, StoreError>;

    /// Reads the lead signing secret of a webhook, active or soft-deleted.
    async fn lead_key(&self, webhook_id: &str) -> Result<LeadKey, StoreError>;

    /// Replaces a webhook's signing secret and writes `signing_secret_rotated`. Returns
    /// `false` when no webhook has this id.
    async fn set_signing_secret(
        &self,
        webhook_id: &str,
        secret: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Counts one lead rejected for a missing or invalid signature.
    async fn count_signature_rejection(&self, webhook_id: &str) -> Result<(), StoreError>;
}
