//! Domain types that the store reads and writes, and the outcomes of its operations.

use std::collections::BTreeMap;
use std::fmt;

use crate::api::{JobState, Role, Timestamp};

/// A webhook row, active or soft-deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub region: String,
    pub category: String,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub last_lead_at: Option<Timestamp>,
    pub total_leads: u64,
    /// Leads that carried a revenue above zero.
    pub converted_leads: u64,
    pub total_revenue: f64,
    /// Leads rejected for a missing or invalid `X-Webhook-Signature`, over the webhook's life.
    pub rejected_signatures: u64,
    /// Set while the webhook is soft-deleted.
    pub deletion: Option<Deletion>,
}

impl Webhook {
    /// Returns the percentage of leads with revenue, rounded to two decimals, or 0 without leads.
    pub fn conversion_rate(&self) -> f64 {
        if self.total_leads == 0 {
            return 0.0;
        }
        let percent = self.converted_leads as f64 * 100.0 / self.total_leads as f64;
        (percent * 100.0).round() / 100.0
    }
}

/// The soft delete of a webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Deletion {
    pub deleted_at: Timestamp,
    pub deleted_by: String,
    pub reason: String,
    /// End of the grace period: the purge runs at this time and restore is possible before it.
    pub scheduled_deletion_at: Timestamp,
    /// The deletion job created by this soft delete.
    pub job_id: String,
    /// `enabled` before the soft delete, which restore brings back.
    pub enabled_before: bool,
    /// Leads rejected since this soft delete.
    pub rejected_leads: u64,
}

/// A webhook with the deletion job of its current soft delete, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRecord {
    pub webhook: Webhook,
    pub job: Option<Job>,
}

/// A durable deletion job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub webhook_id: String,
    pub webhook_name: String,
    pub state: JobState,
    /// Attempts started so far; each claim counts as one.
    pub attempts: u32,
    pub max_attempts: u32,
    /// End of the grace period. The job never purges before it.
    pub execute_at: Timestamp,
    pub next_attempt_at: Option<Timestamp>,
    pub lease_expires_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the job completed or was cancelled.
    pub completed_at: Option<Timestamp>,
}

/// A job claimed by a consumer. Only the holder of `lease_token` can complete or fail it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub job: Job,
    pub lease_token: String,
}

/// Source of the id of a new webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookIdSpec {
    /// An id given by the client, already validated.
    Given(String),
    /// The lowest number from 001 to 999 that no webhook, audit event or lead has ever used
    /// with this prefix, region and category, so ids of deleted webhooks are never reused.
    Next { prefix: Option<String> },
}

/// A webhook to create. Text fields are validated by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhook {
    pub id: WebhookIdSpec,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub region: String,
    pub category: String,
    /// HMAC-SHA256 key of the webhook's lead signatures; `None` leaves the webhook without
    /// one, so that it rejects every lead until a secret is set.
    pub signing_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CreateOutcome {
    Created(Box<Webhook>),
    IdTaken {
        id: String,
    },
    /// The id belonged to a webhook that no longer exists: the audit trail or stored leads
    /// mention it. Ids are never reused, so that a new webhook never shows an old one's leads
    /// or history.
    IdRetired {
        id: String,
        /// The purge or force delete that removed it, when the audit trail records one.
        deletion: Option<PermanentDeletion>,
        /// Leads stored under the id, which no operation deletes.
        leads_preserved: u64,
    },
    /// Every number from 001 to 999 is used for this prefix, region and category.
    NumbersExhausted {
        pattern: String,
    },
}

/// Offset and optional limit of a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: Option<u64>,
}

/// One page of active webhooks.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivePage {
    pub webhooks: Vec<Webhook>,
    /// All active webhooks, not only this page.
    pub total: u64,
}

/// A lead as received.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLead {
    pub webhook_id: String,
    /// The JSON object as text.
    pub payload: String,
    pub revenue: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LeadOutcome {
    Accepted {
        lead_id: i64,
    },
    NotFound,
    Disabled,
    /// Rejected because the webhook is soft-deleted. `rejected_leads` includes this lead.
    SoftDeleted(Deletion),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SoftDeleteRequest {
    pub id: String,
    pub actor: String,
    pub reason: String,
    pub scheduled_deletion_at: Timestamp,
    pub max_attempts: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SoftDeleteOutcome {
    Scheduled {
        webhook_name: String,
        job: Job,
        leads_preserved: u64,
    },
    NotFound,
    AlreadyDeleted(Deletion),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForceDeleteRequest {
    pub id: String,
    pub actor: String,
    pub reason: String,
    /// Must equal the webhook's name exactly, or nothing is deleted.
    pub confirm_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ForceDeleteOutcome {
    Deleted {
        webhook_name: String,
        leads_preserved: u64,
        was_soft_deleted: bool,
        cancelled_job_id: Option<String>,
    },
    NotFound,
    NameMismatch,
}

/// Kind of permanent removal of a webhook row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermanentDeletionKind {
    /// The deletion job removed it at the end of its grace period.
    Purged,
    /// A force delete removed it at once.
    ForceDeleted,
}

impl PermanentDeletionKind {
    /// Returns the name used in the API, which is also the audit event type.
    pub fn as_str(self) -> &'static str {
        match self {
            PermanentDeletionKind::Purged => "purged",
            PermanentDeletionKind::ForceDeleted => "force_deleted",
        }
    }
}

/// The newest purge or force delete of a webhook id, read from the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct PermanentDeletion {
    pub kind: PermanentDeletionKind,
    /// When the row was removed: the time of the `purged` or `force_deleted` event.
    pub deleted_at: Timestamp,
    /// The user who deleted it: the force delete's actor, or the soft delete's actor for a
    /// purge.
    pub deleted_by: String,
    /// The reason given with the delete, if the event records one.
    pub reason: Option<String>,
    /// The deletion job that purged it, or the job that a force delete cancelled.
    pub job_id: Option<String>,
    /// The end of the grace period, when the webhook was soft-deleted before its removal.
    pub scheduled_deletion_at: Option<Timestamp>,
    /// Leads stored under the id, which no operation deletes.
    pub leads_preserved: u64,
}

/// A restore of a soft-deleted webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreRequest {
    pub id: String,
    pub actor: String,
    /// `enabled` after the restore; `None` brings back the value from before the soft delete.
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RestoreOutcome {
    Restored {
        webhook_name: String,
        enabled: bool,
        job_id: String,
    },
    NotFound,
    NotDeleted,
    /// The purge has started, so a restore would race it.
    JobProcessing {
        job_id: String,
        job_state: JobState,
    },
    /// The grace period ended at `scheduled_deletion_at`, or a purge attempt already ran
    /// (the job is failed or dead-lettered), which only happens after the deadline.
    WindowClosed {
        scheduled_deletion_at: Timestamp,
        job_state: Option<JobState>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusOutcome {
    Updated { changed: bool },
    NotFound,
    SoftDeleted,
}

/// Cause of a job cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelCause {
    Restored,
    ForceDeleted,
    /// The webhook row no longer exists.
    WebhookMissing,
    /// The webhook was restored, and perhaps deleted again under a newer job.
    Superseded,
}

impl CancelCause {
    pub fn as_str(self) -> &'static str {
        match self {
            CancelCause::Restored => "restored",
            CancelCause::ForceDeleted => "force_deleted",
            CancelCause::WebhookMissing => "webhook_missing",
            CancelCause::Superseded => "superseded",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PurgeOutcome {
    Purged {
        leads_preserved: u64,
    },
    Cancelled {
        cause: CancelCause,
    },
    /// The clock is before `execute_at`, so the job was released unchanged.
    NotDue,
    /// Another consumer owns the job now, or it was cancelled meanwhile.
    LeaseLost,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FailureOutcome {
    RetryScheduled {
        attempts: u32,
        next_attempt_at: Timestamp,
    },
    DeadLettered {
        attempts: u32,
    },
    LeaseLost,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RetryOutcome {
    /// The job is pending again, due at its `execute_at`, with its attempts reset to 0.
    Retried(Job),
    NotFound,
    /// Only a dead-lettered job can be retried.
    NotDeadLettered(Job),
}

/// Kind of an inconsistency that [`crate::store::Store::check_integrity`] finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrityIssueKind {
    /// An unfinished job whose webhook is missing or does not link to it.
    OrphanedJob,
    /// A webhook whose deletion state disagrees with its jobs.
    StateMismatch,
    /// A soft-deleted webhook whose linked job row does not exist.
    MissingJob,
    /// A state change without the audit event that records it.
    MissingAuditEvent,
}

impl IntegrityIssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityIssueKind::OrphanedJob => "orphaned_job",
            IntegrityIssueKind::StateMismatch => "state_mismatch",
            IntegrityIssueKind::MissingJob => "missing_job",
            IntegrityIssueKind::MissingAuditEvent => "missing_audit_event",
        }
    }
}

impl fmt::Display for IntegrityIssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One inconsistency between webhooks, deletion jobs and the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrityIssue {
    pub kind: IntegrityIssueKind,
    pub webhook_id: Option<String>,
    pub job_id: Option<String>,
    pub message: String,
}

/// Kinds of audit events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditEventType {
    Created,
    SoftDeleted,
    Restored,
    ForceDeleted,
    Purged,
    JobCancelled,
    JobFailed,
    JobDeadLettered,
    JobRetried,
    Enabled,
    Disabled,
    TokenCreated,
    TokenRevoked,
    SigningSecretRotated,
}

impl AuditEventType {
    pub const ALL: [AuditEventType; 14] = [
        AuditEventType::Created,
        AuditEventType::SoftDeleted,
        AuditEventType::Restored,
        AuditEventType::ForceDeleted,
        AuditEventType::Purged,
        AuditEventType::JobCancelled,
        AuditEventType::JobFailed,
        AuditEventType::JobDeadLettered,
        AuditEventType::JobRetried,
        AuditEventType::Enabled,
        AuditEventType::Disabled,
        AuditEventType::TokenCreated,
        AuditEventType::TokenRevoked,
        AuditEventType::SigningSecretRotated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditEventType::Created => "created",
            AuditEventType::SoftDeleted => "soft_deleted",
            AuditEventType::Restored => "restored",
            AuditEventType::ForceDeleted => "force_deleted",
            AuditEventType::Purged => "purged",
            AuditEventType::JobCancelled => "job_cancelled",
            AuditEventType::JobFailed => "job_failed",
            AuditEventType::JobDeadLettered => "job_dead_lettered",
            AuditEventType::JobRetried => "job_retried",
            AuditEventType::Enabled => "enabled",
            AuditEventType::Disabled => "disabled",
            AuditEventType::TokenCreated => "token_created",
            AuditEventType::TokenRevoked => "token_revoked",
            AuditEventType::SigningSecretRotated => "signing_secret_rotated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for AuditEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored audit event.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub webhook_id: String,
    pub webhook_name: String,
    pub event_type: AuditEventType,
    pub actor: String,
    pub reason: Option<String>,
    pub job_id: Option<String>,
    pub details: serde_json::Value,
    pub created_at: Timestamp,
}

/// Filters of an audit read. All set filters must match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditQuery {
    pub webhook_id: Option<String>,
    pub event_type: Option<AuditEventType>,
    pub actor: Option<String>,
    /// Only events with a smaller id, which are older.
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRows {
    pub events: Vec<AuditRecord>,
    /// Whether older events match beyond this page.
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueStats {
    /// Every state, zero included.
    pub counts: BTreeMap<JobState, u64>,
    /// Earliest due time of a pending or failed job.
    pub next_due_at: Option<Timestamp>,
    /// Pending or failed jobs whose due time has passed, and processing jobs whose lease has
    /// expired.
    pub overdue: u64,
}

/// An API token as stored: everything but its text, of which only the SHA-256 is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    pub id: String,
    /// The user the token stands for, recorded as the actor of its requests.
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub created_by: String,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A token to insert. `token_sha256` is the lowercase hex SHA-256 of the token's text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub token_sha256: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CreateTokenOutcome {
    Created(TokenRecord),
    /// An unrevoked token already has this name.
    NameTaken {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RevokeTokenOutcome {
    Revoked(TokenRecord),
    AlreadyRevoked(TokenRecord),
    NotFound,
}

/// What lead intake needs to know about a webhook before it reads the lead.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadKey {
    /// No webhook has this id.
    NotFound,
    /// The webhook exists, active or soft-deleted; `None` when no secret was ever set.
    Found { signing_secret: Option<String> },
}

/// A snapshot of what the list routes' bodies depend on besides their clock-derived seconds.
/// Its counter increases with every change to webhooks, jobs, leads or audit events. Its two
/// times are the next at which a value computed from the clock flips: a deadline passing ends
/// `can_restore`, and a due time or lease expiry passing makes a job overdue. Two equal
/// snapshots mean equal list bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataRevision {
    pub revision: i64,
    /// The earliest deadline, due time or lease expiry later than `now`.
    pub next_boundary_after: Option<Timestamp>,
    /// The earliest one at or later than `now`. It differs from `next_boundary_after` only at
    /// the millisecond of a boundary, at which comparisons with `<` and with `<=` disagree.
    pub next_boundary_from: Option<Timestamp>,
}
