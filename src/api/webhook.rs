//! Types of the compatible core routes under `/webhook`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// State of a deletion job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its `execute_at`.
    Pending,
    /// Claimed by a consumer under a lease.
    Processing,
    /// The webhook was purged.
    Completed,
    /// The last attempt failed; another is scheduled.
    Failed,
    /// The webhook was restored or force deleted before the purge.
    Cancelled,
    /// Every attempt failed; an operator must act.
    DeadLetter,
    /// A state this client does not know, from a newer or different server.
    #[serde(other)]
    Unknown,
}

impl JobState {
    pub const ALL: [JobState; 6] = [
        JobState::Pending,
        JobState::Processing,
        JobState::Completed,
        JobState::Failed,
        JobState::Cancelled,
        JobState::DeadLetter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Processing => "processing",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::DeadLetter => "dead_letter",
            JobState::Unknown => "unknown",
        }
    }

    /// Parses the wire name; `None` for anything else, so a route can answer 400.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the job can still purge its webhook (pending, processing or failed).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            JobState::Pending | JobState::Processing | JobState::Failed
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoints {
    pub health: String,
    pub receive: String,
}

/// One active webhook in `GET /webhook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub region: String,
    pub category: String,
    pub enabled: bool,
    pub endpoints: Endpoints,
    #[serde(default)]
    pub total_leads: u64,
    #[serde(default)]
    pub conversion_rate: f64,
    #[serde(default)]
    pub total_revenue: f64,
    pub created_at: Timestamp,
    #[serde(default)]
    pub last_lead_at: Option<Timestamp>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET /webhook`. `next_offset` is set when `limit` cut the list short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookList {
    pub service: String,
    pub total_webhooks: u64,
    pub webhooks: Vec<WebhookSummary>,
    #[serde(default)]
    pub usage: serde_json::Value,
    pub timestamp: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

/// Body of `POST /webhook`. Without `id`, the server builds one from `prefix`, `region`,
/// `category` and the next free number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateWebhookRequest {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub region: String,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub region: String,
    pub category: String,
    pub endpoints: Endpoints,
}

/// `POST /webhook`, 201.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateWebhookResponse {
    pub status: String,
    pub message: String,
    pub webhook: CreatedWebhook,
    pub timestamp: Timestamp,
    /// Key of the lead signatures, shown only in this response (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookConfig {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub region: String,
    pub category: String,
    #[serde(default)]
    pub total_leads: u64,
    pub created_at: Timestamp,
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletionStatus {
    pub is_deleted: bool,
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
    #[serde(default)]
    pub scheduled_deletion_at: Option<Timestamp>,
    #[serde(default)]
    pub deleted_by: Option<String>,
    #[serde(default)]
    pub deletion_reason: Option<String>,
    #[serde(default)]
    pub can_restore: bool,
    #[serde(default)]
    pub seconds_until_deletion: Option<i64>,
    #[serde(default)]
    pub job_id: Option<String>,
}

/// `GET /webhook/{id}`. `status` is `healthy` or `soft_deleted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDetail {
    pub status: String,
    pub webhook_id: String,
    pub config: WebhookConfig,
    pub deletion_status: DeletionStatus,
    pub endpoints: Endpoints,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub timestamp: Timestamp,
    /// Leads rejected since the current soft delete (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_leads_since_deletion: Option<u64>,
    /// The live deletion job (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobStatus>,
    /// Leads rejected for a missing or invalid signature, ever (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_signatures: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restoration {
    pub available_until: Timestamp,
    pub restore_endpoint: String,
}

/// `DELETE /webhook/{id}?reason=..`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SoftDeleteResponse {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub job_id: String,
    pub leads_preserved: u64,
    pub deletion_type: String,
    pub scheduled_deletion_at: Timestamp,
    pub restoration: Restoration,
    #[serde(default)]
    pub note: Option<String>,
    pub timestamp: Timestamp,
}

/// `DELETE /webhook/{id}?force=true&confirm=<name>&reason=..`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForceDeleteResponse {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub leads_preserved: u64,
    pub deletion_type: String,
    #[serde(default)]
    pub note: Option<String>,
    pub timestamp: Timestamp,
}

/// `POST /webhook/{id}/restore`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreResponse {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub restored_by: String,
    pub restored_at: Timestamp,
    #[serde(default)]
    pub note: Option<String>,
    pub timestamp: Timestamp,
}

/// Body of `PATCH /webhook/{id}/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdateRequest {
    pub enabled: bool,
}

/// `PATCH /webhook/{id}/status`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdateResponse {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub enabled: bool,
    pub timestamp: Timestamp,
}

/// `POST /webhook/{id}` (a lead), 201.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadAccepted {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub lead_id: i64,
    pub timestamp: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletionInfo {
    pub deleted_at: Timestamp,
    #[serde(default)]
    pub deleted_by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    pub scheduled_deletion_at: Timestamp,
    #[serde(default)]
    pub job_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub status: JobState,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub execute_at: Option<Timestamp>,
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
    #[serde(default)]
    pub error_message: Option<String>,
    /// Attempts allowed before dead letter (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// When the next attempt runs after a failure (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestorationStatus {
    pub can_restore: bool,
    #[serde(default)]
    pub seconds_until_deletion: i64,
    pub restore_endpoint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedStats {
    #[serde(default)]
    pub total_leads: u64,
    /// Leads rejected since the soft delete (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_leads_since_deletion: Option<u64>,
    /// Leads rejected for a missing or invalid signature, ever (hookgrace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_signatures: Option<u64>,
}

/// One soft-deleted webhook in `GET /webhook/deleted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedWebhook {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub deletion: DeletionInfo,
    pub job_status: JobStatus,
    pub restoration: RestorationStatus,
    pub stats: DeletedStats,
}

/// `GET /webhook/deleted`. `next_offset` is set when `limit` cut the list short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedList {
    pub service: String,
    pub total_deleted: u64,
    pub restorable: u64,
    pub webhooks: Vec<DeletedWebhook>,
    pub timestamp: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}
