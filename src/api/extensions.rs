//! Types of the routes that hookgrace adds to the compatible core.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{JobState, Timestamp};

/// `GET /health`: liveness plus the extensions this server provides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub service: String,
    pub version: String,
    pub extensions: Vec<String>,
    /// Grace period of a soft delete, in seconds.
    pub grace_period_seconds: u64,
    pub timestamp: Timestamp,
}

/// One entry of the append-only audit trail. It keeps the webhook id and name as values, so it
/// outlives the webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub webhook_id: String,
    pub webhook_name: String,
    /// `created`, `soft_deleted`, `restored`, `force_deleted`, `purged`, `job_cancelled`,
    /// `job_failed`, `job_dead_lettered`, `enabled`, `disabled`.
    pub event_type: String,
    pub actor: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub details: serde_json::Value,
    pub created_at: Timestamp,
}

/// A page of audit events, newest first. Pass `next_cursor` as `cursor` to read older events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    pub timestamp: Timestamp,
}

/// A deletion job as the queue routes show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    pub webhook_id: String,
    pub webhook_name: String,
    pub state: JobState,
    pub attempts: u32,
    pub max_attempts: u32,
    /// The end of the grace period: the job never purges before it.
    pub execute_at: Timestamp,
    #[serde(default)]
    pub next_attempt_at: Option<Timestamp>,
    #[serde(default)]
    pub lease_expires_at: Option<Timestamp>,
    #[serde(default)]
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
}

/// `GET /queue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueSummary {
    /// Number of jobs in each state; every state is present, zero included.
    pub counts: BTreeMap<JobState, u64>,
    /// When the earliest live job is due.
    #[serde(default)]
    pub next_due_at: Option<Timestamp>,
    /// Live jobs whose due time has passed.
    pub overdue: u64,
    pub timestamp: Timestamp,
}

/// `GET /changes`: the data revision. Its `revision` is opaque and changes whenever the body of
/// `GET /webhook`, `GET /webhook/deleted`, `GET /queue`, `GET /queue/jobs` or `GET /audit`
/// would change, other than in `timestamp` and `seconds_until_deletion`. A poller that sends
/// the `ETag` of its last copy gets 304 while nothing changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub revision: String,
    pub timestamp: Timestamp,
}

/// `GET /queue/jobs?state=..&limit=..`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    pub state: JobState,
    pub jobs: Vec<JobRecord>,
    pub timestamp: Timestamp,
}

/// Body of `POST /webhooks/restore`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRestoreRequest {
    pub ids: Vec<String>,
}

/// The outcome for one id of a bulk restore: the status code and body message that the single
/// restore route would have given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRestoreItem {
    pub webhook_id: String,
    pub status: u16,
    pub restored: bool,
    #[serde(default)]
    pub error: Option<String>,
    pub message: String,
}

/// `POST /webhooks/restore`, 200 whatever the individual outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRestoreResponse {
    pub results: Vec<BulkRestoreItem>,
    pub restored: u64,
    pub failed: u64,
    pub timestamp: Timestamp,
}

/// `POST /queue/jobs/{id}/retry`, 200: the job, back in `pending` and due now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRetryResponse {
    pub status: String,
    pub message: String,
    pub job: JobRecord,
    pub timestamp: Timestamp,
}

/// `POST /queue/dead-letter/retry`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetterRetryResponse {
    pub status: String,
    pub message: String,
    pub retried: u64,
    pub job_ids: Vec<String>,
    pub timestamp: Timestamp,
}

/// One inconsistency found by the integrity check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrityIssue {
    /// `orphaned_job`, `state_mismatch`, `missing_audit_event`, ...
    pub kind: String,
    #[serde(default)]
    pub webhook_id: Option<String>,
    #[serde(default)]
    pub job_id: Option<String>,
    pub message: String,
}

/// `GET /integrity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrityReport {
    pub issues: Vec<IntegrityIssue>,
    pub timestamp: Timestamp,
}
