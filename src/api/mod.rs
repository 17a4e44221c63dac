//! Request and response types of the HTTP API, shared by the client and the server so the two
//! cannot drift apart. No I/O lives here.
//!
//! The compatible core keeps the field names of the existing Worker deployment. Fields that
//! hookgrace adds to core responses are optional on deserialisation (`#[serde(default)]`), so
//! the client also reads responses from a server that lacks them.

mod auth;
mod error;
mod extensions;
pub mod id;
pub mod time;
mod webhook;

pub use auth::*;
pub use error::ErrorBody;
pub use extensions::*;
pub use id::{format_webhook_id, parse_webhook_id, InvalidWebhookId};
pub use time::{InvalidTimestamp, Timestamp};
pub use webhook::*;

/// Name that the server reports in the `service` field.
pub const SERVICE_NAME: &str = "hookgrace";

/// Longest deletion reason accepted, in characters, after trimming.
pub const MAX_REASON_CHARS: usize = 500;

/// Paths of every route, so client and server spell them the same way.
pub mod paths {
    /// Active webhooks (GET) and webhook creation (POST).
    pub const WEBHOOKS: &str = "/webhook";
    /// Soft-deleted webhooks. Routed before `/webhook/{id}`.
    pub const DELETED: &str = "/webhook/deleted";
    /// Health and the list of extensions this server provides.
    pub const HEALTH: &str = "/health";
    /// Global audit history.
    pub const AUDIT: &str = "/audit";
    /// Job counts by state, next due and overdue jobs.
    pub const QUEUE: &str = "/queue";
    /// Jobs in one state: `?state=dead_letter`.
    pub const QUEUE_JOBS: &str = "/queue/jobs";
    /// Bulk restore. Not under `/webhook/`, where a single segment is a webhook id.
    pub const BULK_RESTORE: &str = "/webhooks/restore";
    /// Moves every dead-lettered job back to pending, due now (POST).
    pub const RETRY_DEAD_LETTERS: &str = "/queue/dead-letter/retry";
    /// Consistency check of webhooks, jobs and the audit trail (GET).
    pub const INTEGRITY: &str = "/integrity";
    /// The caller's token name and role (GET).
    pub const WHOAMI: &str = "/whoami";
    /// API tokens: list (GET) and create (POST).
    pub const TOKENS: &str = "/tokens";
    /// The data revision, which changes whenever a list route's body would (GET).
    pub const CHANGES: &str = "/changes";

    /// Revokes one token (DELETE).
    pub fn token(id: &str) -> String {
        format!("/tokens/{id}")
    }

    /// Replaces a webhook's lead signing secret and returns the new one (POST).
    pub fn signing_secret(id: &str) -> String {
        format!("/webhook/{id}/signing-secret")
    }

    /// Config and deletion status (GET), lead intake (POST), delete (DELETE).
    pub fn webhook(id: &str) -> String {
        format!("/webhook/{id}")
    }

    pub fn restore(id: &str) -> String {
        format!("/webhook/{id}/restore")
    }

    pub fn status(id: &str) -> String {
        format!("/webhook/{id}/status")
    }

    /// Audit history of one webhook; it outlives the webhook.
    pub fn webhook_audit(id: &str) -> String {
        format!("/webhook/{id}/audit")
    }

    /// Moves one dead-lettered job back to pending, due now (POST).
    pub fn retry_job(job_id: &str) -> String {
        format!("/queue/jobs/{job_id}/retry")
    }
}

/// Names of the extensions that `GET /health` lists, for capability detection.
pub mod extension {
    pub const AUDIT: &str = "audit";
    pub const QUEUE: &str = "queue";
    pub const BULK_RESTORE: &str = "bulk_restore";
    pub const LEAD_REJECTION_COUNT: &str = "lead_rejection_count";
    pub const PAGINATION: &str = "pagination";
    pub const JOB_RETRY: &str = "job_retry";
    pub const INTEGRITY: &str = "integrity";
    /// `ETag` on list responses and 304 for a matching `If-None-Match`.
    pub const ETAG: &str = "etag";
    /// `POST /webhook/{id}/restore?enabled=false` brings a webhook back disabled.
    pub const RESTORE_DISABLED: &str = "restore_disabled";
    /// Bearer tokens with roles, and `GET /whoami`.
    pub const AUTH: &str = "auth";
    /// Leads carry an HMAC-SHA256 signature in `X-Webhook-Signature`.
    pub const SIGNED_LEADS: &str = "signed_leads";
    pub const OPENAPI: &str = "openapi";
    /// `GET /changes`: one request shows a poller whether any list changed.
    pub const CHANGES: &str = "changes";
}
