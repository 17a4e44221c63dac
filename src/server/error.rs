//! The one error type of the routes. Every variant maps to a status code and a JSON
//! [`ErrorBody`]. Internal details such as SQL errors go to the log, never to the client.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::MAX_BODY_BYTES;
use crate::api::{paths, ErrorBody, InvalidWebhookId, JobState, Timestamp};
use crate::clock::SharedClock;
use crate::store::{Deletion, PermanentDeletion, PermanentDeletionKind, StoreError};
use crate::text::{count_of, is_are};

/// Maximum length of a request path repeated in an error message, in characters.
const MAX_ECHOED_PATH_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A malformed value in the path, query, headers or body. `title` names the kind.
    #[error("{message}")]
    InvalidInput {
        title: &'static str,
        message: String,
    },

    #[error("{0}")]
    InvalidWebhookId(#[from] InvalidWebhookId),

    #[error("webhook '{id}' not found; GET /webhook lists active webhooks and GET /webhook/deleted soft-deleted ones")]
    WebhookNotFound { id: String },

    #[error(
        "webhook '{id}' is disabled and rejects leads; enable it with PATCH /webhook/{id}/status"
    )]
    WebhookDisabled { id: String },

    #[error("webhook '{id}' is soft-deleted; restore it with POST /webhook/{id}/restore first")]
    SoftDeletedWebhook { id: String },

    #[error("webhook '{id}' was already deleted at {} and will be purged at {}", .deletion.deleted_at, .deletion.scheduled_deletion_at)]
    AlreadyDeleted { id: String, deletion: Box<Deletion> },

    #[error("webhook '{id}' is not deleted, so there is nothing to restore")]
    NotDeleted { id: String },

    #[error(
        "webhook '{id}' already exists; choose another id, or omit id to get the next free number"
    )]
    IdTaken { id: String },

    #[error("webhook id '{id}' was used before: {}; ids are never reused, so choose another id, or omit id to get the next free number", retired_history(.deletion.as_deref(), *.leads_preserved))]
    IdRetired {
        id: String,
        deletion: Option<Box<PermanentDeletion>>,
        leads_preserved: u64,
    },

    /// A purged or force-deleted webhook. `gone` selects 410 Gone, which restore returns. The
    /// other routes keep the 404 they returned before the audit trail was read.
    #[error("webhook '{id}' was permanently deleted at {}: {}; {}", .deletion.deleted_at, permanent_deletion_cause(.deletion), permanent_deletion_hint(.id, .deletion, *.gone))]
    PermanentlyDeleted {
        id: String,
        deletion: Box<PermanentDeletion>,
        gone: bool,
    },

    #[error("no free webhook number is left for '{pattern}'; use another prefix or category")]
    NumbersExhausted { pattern: String },

    #[error("confirmation '{given}' does not match the name of webhook '{id}'; pass its exact name as confirm=<name>; nothing was deleted")]
    ConfirmationMismatch { id: String, given: String },

    #[error(
        "webhook '{id}' is being purged by deletion job {job_id}; it can no longer be restored"
    )]
    JobProcessing {
        id: String,
        job_id: String,
        job_state: JobState,
    },

    #[error("the grace period of webhook '{id}' ended at {scheduled_deletion_at}{}, so it can no longer be restored", window_job_note(*.job_state))]
    RestoreWindowClosed {
        id: String,
        scheduled_deletion_at: Timestamp,
        job_state: Option<JobState>,
    },

    #[error("deletion job '{job_id}' not found; GET /queue/jobs?state=dead_letter lists the jobs that can be retried")]
    JobNotFound { job_id: String },

    #[error("deletion job '{job_id}' is {state}, not dead_letter; only a dead-lettered job can be retried")]
    JobNotDeadLettered { job_id: String, state: JobState },

    #[error("webhook '{id}' is soft-deleted and rejects leads; {}", lead_rejection_hint(.id, .deletion, *.restorable))]
    LeadRejected {
        id: String,
        deletion: Box<Deletion>,
        restorable: bool,
    },

    #[error(
        "the request body is larger than the limit of {MAX_BODY_BYTES} bytes; send a smaller body"
    )]
    PayloadTooLarge,

    #[error("the body must be JSON sent with Content-Type: application/json, but the request has {}", content_type_found(.found.as_deref()))]
    UnsupportedContentType { found: Option<String> },

    #[error("unknown query parameter '{name}'; {method} {route} accepts {}", accepted_list(.accepted))]
    UnknownQueryParameter {
        name: String,
        method: Method,
        route: &'static str,
        accepted: &'static [&'static str],
    },

    #[error("no route matches {method} {path}; GET /health lists what this server provides")]
    RouteNotFound { method: Method, path: String },

    #[error("{method} is not allowed on {path}; the Allow header lists the methods it accepts")]
    MethodNotAllowed { method: Method, path: String },

    #[error("{}", store_message(.0))]
    Store(#[from] StoreError),
}

fn window_job_note(job_state: Option<JobState>) -> String {
    match job_state {
        Some(state @ (JobState::Failed | JobState::DeadLetter)) => {
            format!(" and its deletion job has already tried to purge it (job {state})")
        }
        _ => String::new(),
    }
}

fn retired_history(deletion: Option<&PermanentDeletion>, leads_preserved: u64) -> String {
    let deleted = match deletion {
        Some(deletion) => format!(
            "its webhook was permanently deleted at {} ({})",
            deletion.deleted_at,
            permanent_deletion_cause(deletion)
        ),
        None => {
            "the audit trail or stored leads name it, but its webhook no longer exists".to_owned()
        }
    };
    format!(
        "{deleted}, and {} {} preserved under it",
        count_of(leads_preserved, "lead"),
        is_are(leads_preserved)
    )
}

fn permanent_deletion_cause(deletion: &PermanentDeletion) -> String {
    match deletion.kind {
        PermanentDeletionKind::Purged => format!(
            "purged by its deletion job after a soft delete by {}",
            deletion.deleted_by
        ),
        PermanentDeletionKind::ForceDeleted => format!("force deleted by {}", deletion.deleted_by),
    }
}

fn permanent_deletion_hint(id: &str, deletion: &PermanentDeletion, gone: bool) -> String {
    let history = format!(
        "its {} {} preserved and its history is at GET {}",
        count_of(deletion.leads_preserved, "lead"),
        is_are(deletion.leads_preserved),
        paths::webhook_audit(id)
    );
    if gone {
        format!("it can no longer be restored; {history}")
    } else {
        history
    }
}

fn content_type_found(found: Option<&str>) -> String {
    match found {
        Some(found) => format!("Content-Type '{}'", super::validate::shown(found)),
        None => "no Content-Type header".to_owned(),
    }
}

fn accepted_list(accepted: &[&str]) -> String {
    if accepted.is_empty() {
        "no query parameters".to_owned()
    } else {
        format!("only {}", accepted.join(", "))
    }
}

/// Builds the message of a storage failure: what to do for an unavailable database, and
/// nothing internal otherwise.
fn store_message(error: &StoreError) -> &'static str {
    match error {
        StoreError::Busy(_) => {
            "the database is busy: another process holds its write lock; nothing was changed, \
             so retry the request shortly"
        }
        StoreError::ReadOnly(_) => {
            "the database is read-only, so nothing was changed; give the server write access \
             to the database file and its directory, then retry"
        }
        StoreError::Full(_) => {
            "the database or its disk is full, so nothing was changed; free disk space, then \
             retry"
        }
        _ => "the server failed to complete the request; the server log has the details",
    }
}
fn lead_rejection_hint(id: &str, deletion: &Deletion, restorable: bool) -> String {
    if restorable {
        format!(
            "restore it before {} with POST /webhook/{id}/restore to receive leads again",
            deletion.scheduled_deletion_at
        )
    } else {
        format!(
            "its grace period ended at {} and it is waiting to be purged",
            deletion.scheduled_deletion_at
        )
    }
}

impl ApiError {
    pub fn invalid(title: &'static str, message: impl Into<String>) -> Self {
        ApiError::InvalidInput {
            title,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidInput { .. }
            | ApiError::InvalidWebhookId(_)
            | ApiError::NotDeleted { .. }
            | ApiError::ConfirmationMismatch { .. }
            | ApiError::UnsupportedContentType { .. }
            | ApiError::UnknownQueryParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::PermanentlyDeleted { gone: true, .. } => StatusCode::GONE,
            ApiError::PermanentlyDeleted { gone: false, .. } => StatusCode::NOT_FOUND,
            ApiError::WebhookNotFound { .. }
            | ApiError::WebhookDisabled { .. }
            | ApiError::SoftDeletedWebhook { .. }
            | ApiError::JobNotFound { .. }
            | ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::AlreadyDeleted { .. }
            | ApiError::IdTaken { .. }
            | ApiError::IdRetired { .. }
            | ApiError::NumbersExhausted { .. }
            | ApiError::JobProcessing { .. }
            | ApiError::JobNotDeadLettered { .. } => StatusCode::CONFLICT,
            ApiError::RestoreWindowClosed { .. } | ApiError::LeadRejected { .. } => {
                StatusCode::GONE
            }
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Store(error) if error.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Returns the short title for the `error` field of the body.
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::InvalidInput { title, .. } => title,
            ApiError::InvalidWebhookId(_) => "Invalid webhook id",
            ApiError::WebhookNotFound { .. } => "Webhook not found",
            ApiError::WebhookDisabled { .. } => "Webhook disabled",
            ApiError::SoftDeletedWebhook { .. } => "Webhook deleted",
            ApiError::AlreadyDeleted { .. } => "Webhook already deleted",
            ApiError::NotDeleted { .. } => "Webhook not deleted",
            ApiError::IdTaken { .. } => "Webhook already exists",
            ApiError::IdRetired { .. } => "Webhook id already used",
            ApiError::PermanentlyDeleted { gone: true, .. } => "Webhook permanently deleted",
            // The 404 keeps the title that clients of the compatible core match on.
            ApiError::PermanentlyDeleted { gone: false, .. } => "Webhook not found",
            ApiError::UnsupportedContentType { .. } => "Unsupported content type",
            ApiError::UnknownQueryParameter { .. } => "Unknown query parameter",
            ApiError::NumbersExhausted { .. } => "No free webhook number",
            ApiError::ConfirmationMismatch { .. } => "Confirmation mismatch",
            ApiError::JobProcessing { .. } => "Deletion in progress",
            ApiError::RestoreWindowClosed { .. } => "Restore window closed",
            ApiError::LeadRejected { .. } => "Webhook deleted",
            ApiError::PayloadTooLarge => "Payload too large",
            ApiError::RouteNotFound { .. } => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::JobNotFound { .. } => "Job not found",
            ApiError::JobNotDeadLettered { .. } => "Job not dead-lettered",
            ApiError::Store(error) if error.is_unavailable() => "Service unavailable",
            ApiError::Store(_) => "Internal server error",
        }
    }

    /// Context fields of the body besides `error`, `message` and `timestamp`.
    pub fn context(&self) -> Map<String, Value> {
        let context = match self {
            ApiError::InvalidWebhookId(error) => json!({ "webhook_id": error.id }),
            ApiError::WebhookNotFound { id }
            | ApiError::WebhookDisabled { id }
            | ApiError::SoftDeletedWebhook { id }
            | ApiError::NotDeleted { id }
            | ApiError::IdTaken { id }
            | ApiError::ConfirmationMismatch { id, .. } => json!({ "webhook_id": id }),
            ApiError::AlreadyDeleted { id, deletion } => json!({
                "webhook_id": id,
                "deleted_at": deletion.deleted_at,
                "scheduled_deletion_at": deletion.scheduled_deletion_at,
                "note": format!(
                    "Restore it with POST {}, or delete it now with \
                     ?force=true&confirm=<name>&reason=<reason>",
                    paths::restore(id)
                ),
            }),
            ApiError::JobProcessing {
                id,
                job_id,
                job_state,
            } => json!({ "webhook_id": id, "job_id": job_id, "job_status": job_state }),
            ApiError::RestoreWindowClosed {
                id,
                scheduled_deletion_at,
                job_state,
            } => json!({
                "webhook_id": id,
                "scheduled_deletion_at": scheduled_deletion_at,
                "job_status": job_state,
            }),
            ApiError::IdRetired {
                id,
                deletion,
                leads_preserved,
            } => json!({
                "webhook_id": id,
                "deleted_at": deletion.as_ref().map(|deletion| deletion.deleted_at),
                "deletion_type": deletion.as_ref().map(|deletion| deletion.kind.as_str()),
                "leads_preserved": leads_preserved,
            }),
            ApiError::PermanentlyDeleted { id, deletion, .. } => json!({
                "webhook_id": id,
                "deleted_at": deletion.deleted_at,
                "deleted_by": deletion.deleted_by,
                "deletion_type": deletion.kind.as_str(),
                "scheduled_deletion_at": deletion.scheduled_deletion_at,
                "job_id": deletion.job_id,
                "leads_preserved": deletion.leads_preserved,
            }),
            ApiError::UnsupportedContentType { .. } => {
                json!({ "expected_content_type": "application/json" })
            }
            ApiError::UnknownQueryParameter { name, accepted, .. } => json!({
                "parameter": name,
                "accepted_parameters": accepted,
            }),
            ApiError::PayloadTooLarge => json!({ "max_body_bytes": MAX_BODY_BYTES }),
            ApiError::JobNotFound { job_id } => json!({ "job_id": job_id }),
            ApiError::JobNotDeadLettered { job_id, state } => {
                json!({ "job_id": job_id, "job_status": state })
            }
            ApiError::LeadRejected { id, deletion, .. } => json!({
                "webhook_id": id,
                "deleted_at": deletion.deleted_at,
                "scheduled_deletion_at": deletion.scheduled_deletion_at,
                "rejected_leads_since_deletion": deletion.rejected_leads,
                "restore_endpoint": paths::restore(id),
            }),
            ApiError::RouteNotFound { path, .. } | ApiError::MethodNotAllowed { path, .. } => {
                json!({ "path": path })
            }
            ApiError::InvalidInput { .. }
            | ApiError::NumbersExhausted { .. }
            | ApiError::Store(_) => json!({}),
        };
        match context {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    /// Builds the body without its timestamp, which [`stamp_error_bodies`] adds.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.title().to_owned(),
            message: self.to_string(),
            timestamp: None,
            context: self.context(),
        }
    }
}

/// An error body waiting for its timestamp, carried in the response extensions.
#[derive(Clone)]
struct UnstampedErrorBody(ErrorBody);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Store(source) if source.is_unavailable() => {
                tracing::warn!(error = %source, "request failed: the database is unavailable");
            }
            ApiError::Store(source) => {
                tracing::error!(error = %source, "request failed with a storage error");
            }
            other => tracing::debug!(%status, error = %other, "request rejected"),
        }
        let body = self.body();
        let mut response = (status, Json(&body)).into_response();
        response.extensions_mut().insert(UnstampedErrorBody(body));
        response
    }
}

/// Middleware that sets `timestamp` on every error body from the server's clock, which
/// `IntoResponse` cannot reach.
pub async fn stamp_error_bodies(
    State(clock): State<SharedClock>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let Some(UnstampedErrorBody(mut body)) = response.extensions_mut().remove() else {
        return response;
    };
    body.timestamp = Some(clock.now());
    let (mut parts, original) = response.into_parts();
    let bytes = match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(error) => {
            // The unstamped body was serialised once already, so this is not expected.
            tracing::error!(%error, title = %body.error, "failed to serialise an error body");
            return Response::from_parts(parts, original);
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Rejects a path that matches no route, as the router's fallback.
pub async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::RouteNotFound {
        method,
        path: echoed_path(&uri),
    }
}

/// Rejects a method that a known path does not serve, as the router's 405 fallback.
pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed {
        method,
        path: echoed_path(&uri),
    }
}

fn echoed_path(uri: &Uri) -> String {
    uri.path().chars().take(MAX_ECHOED_PATH_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_error_body_hides_internal_details() {
        let error = ApiError::Store(StoreError::Backend(
            "no such table: webhooks in SELECT id FROM webhooks".into(),
        ));
        let body = error.body();
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.message.contains("SELECT"), "{}", body.message);
        assert!(!body.message.contains("webhooks"), "{}", body.message);
        assert!(body.context.is_empty());
    }

    #[test]
    fn job_processing_carries_job_status() {
        let error = ApiError::JobProcessing {
            id: "ws_cal_solar_001".to_owned(),
            job_id: "job_1".to_owned(),
            job_state: JobState::Processing,
        };
        let body = error.body();
        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(body.context_str("job_status"), Some("processing"));
    }
}
