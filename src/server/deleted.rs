//! Deletion and restore: `DELETE /webhook/{id}` (soft or force), `GET /webhook/deleted` and
//! `POST /webhook/{id}/restore`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Actor, QueryParams, WebhookId};
use super::webhooks::MAX_NAME_CHARS;
use super::{validate, AppState};
use crate::api::{
    self, paths, DeletedList, DeletedStats, DeletedWebhook, DeletionInfo, ForceDeleteResponse,
    JobState, JobStatus, Restoration, RestorationStatus, RestoreResponse, SoftDeleteResponse,
    Timestamp,
};
use crate::store::{
    Deletion, ForceDeleteOutcome, ForceDeleteRequest, Job, RestoreOutcome, RestoreRequest,
    SoftDeleteOutcome, SoftDeleteRequest,
};

#[derive(Debug, Deserialize)]
pub struct DeleteQuery {
    reason: Option<String>,
    force: Option<String>,
    confirm: Option<String>,
}

/// Either response of `DELETE /webhook/{id}`.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum DeleteResponse {
    Soft(SoftDeleteResponse),
    Force(ForceDeleteResponse),
}

/// Soft-deletes a webhook, or with `force=true` and the exact name in `confirm`, deletes it
/// now. Both need a reason.
pub async fn delete(
    State(state): State<AppState>,
    Actor(actor): Actor,
    WebhookId(id): WebhookId,
    QueryParams(query): QueryParams<DeleteQuery>,
) -> Result<Json<DeleteResponse>, ApiError> {
    let reason = validate::reason(query.reason.as_deref())?;
    if validate::flag("force", query.force.as_deref())? {
        let confirm = query.confirm.unwrap_or_default();
        let response = force_delete(&state, id, actor, reason, confirm).await?;
        Ok(Json(DeleteResponse::Force(response)))
    } else {
        let response = soft_delete(&state, id, actor, reason).await?;
        Ok(Json(DeleteResponse::Soft(response)))
    }
}

async fn soft_delete(
    state: &AppState,
    id: String,
    actor: String,
    reason: String,
) -> Result<SoftDeleteResponse, ApiError> {
    let now = state.now();
    let scheduled_deletion_at = now.checked_add(state.grace_period).ok_or_else(|| {
        ApiError::invalid(
            "Invalid grace period",
            "the grace period reaches beyond the supported date range",
        )
    })?;
    let request = SoftDeleteRequest {
        id: id.clone(),
        actor: actor.clone(),
        reason,
        scheduled_deletion_at,
        max_attempts: state.max_attempts,
    };
    let (job, leads_preserved) = match state.store.soft_delete(request, now).await? {
        SoftDeleteOutcome::Scheduled {
            job,
            leads_preserved,
            ..
        } => (job, leads_preserved),
        SoftDeleteOutcome::NotFound => return Err(not_found(state, id, false).await),
        SoftDeleteOutcome::AlreadyDeleted(deletion) => {
            return Err(ApiError::AlreadyDeleted {
                id,
                deletion: Box::new(deletion),
            })
        }
    };
    state.consumer.wake();
    tracing::info!(
        webhook_id = %id,
        job_id = %job.id,
        %actor,
        %scheduled_deletion_at,
        "webhook soft-deleted; deletion job scheduled"
    );
    Ok(SoftDeleteResponse {
        status: "success".to_owned(),
        message: format!(
            "Webhook '{id}' soft-deleted. It will be purged at {scheduled_deletion_at} unless \
             restored before then."
        ),
        webhook_id: id.clone(),
        job_id: job.id,
        leads_preserved,
        deletion_type: "scheduled".to_owned(),
        scheduled_deletion_at,
        restoration: Restoration {
            available_until: scheduled_deletion_at,
            restore_endpoint: paths::restore(&id),
        },
        note: Some(
            "Incoming leads are rejected with 410 until it is restored. Stored leads are never \
             deleted, not even by the purge."
                .to_owned(),
        ),
        timestamp: now,
    })
}

async fn force_delete(
    state: &AppState,
    id: String,
    actor: String,
    reason: String,
    confirm: String,
) -> Result<ForceDeleteResponse, ApiError> {
    if confirm.is_empty() {
        return Err(ApiError::invalid(
            "Confirmation required",
            format!(
                "missing confirm: a force delete of webhook '{id}' needs its exact name as \
                 confirm=<name>; nothing was deleted"
            ),
        ));
    }
    let length = confirm.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(ApiError::invalid(
            "Invalid confirmation",
            format!(
                "confirm is {length} characters long, but a webhook name has at most \
                 {MAX_NAME_CHARS}; pass the exact name of webhook '{id}'; nothing was deleted"
            ),
        ));
    }
    let now = state.now();
    let request = ForceDeleteRequest {
        id: id.clone(),
        actor: actor.clone(),
        reason,
        confirm_name: confirm.clone(),
    };
    let (leads_preserved, cancelled_job_id) = match state.store.force_delete(request, now).await? {
        ForceDeleteOutcome::Deleted {
            leads_preserved,
            cancelled_job_id,
            ..
        } => (leads_preserved, cancelled_job_id),
        ForceDeleteOutcome::NotFound => return Err(not_found(state, id, false).await),
        ForceDeleteOutcome::NameMismatch => {
            return Err(ApiError::ConfirmationMismatch { id, given: confirm })
        }
    };
    tracing::info!(
        webhook_id = %id,
        %actor,
        cancelled_job_id = cancelled_job_id.as_deref(),
        "webhook force-deleted"
    );
    let cancelled = match &cancelled_job_id {
        Some(job_id) => format!(" Its pending deletion job {job_id} was cancelled."),
        None => String::new(),
    };
    Ok(ForceDeleteResponse {
        status: "success".to_owned(),
        message: format!("Webhook '{id}' permanently deleted.{cancelled}"),
        webhook_id: id.clone(),
        leads_preserved,
        deletion_type: "immediate".to_owned(),
        note: Some(format!(
            "Stored leads are kept, and the audit history stays at GET {}.",
            paths::webhook_audit(&id)
        )),
        timestamp: now,
    })
}

/// Maximum page size of `GET /webhook/deleted`.
pub const MAX_DELETED_PAGE_SIZE: u32 = 500;

#[derive(Debug, Deserialize)]
pub struct DeletedPageQuery {
    limit: Option<String>,
    offset: Option<String>,
}

/// Lists soft-deleted webhooks with their jobs and restore countdowns, soonest purge first.
/// With `limit` or `offset` it returns that page; `total_deleted` and `restorable` always
/// count every soft-deleted webhook. Without either it returns every row, as the existing
/// deployment does.
// NOTE: the store has no paged query for deleted webhooks, so a page still reads them all
// and only the response shrinks.
pub async fn list(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<DeletedPageQuery>,
) -> Result<Json<DeletedList>, ApiError> {
    let page = match (&query.limit, &query.offset) {
        (None, None) => None,
        (limit, offset) => Some((
            validate::offset(offset.as_deref())?,
            validate::limit(
                limit.as_deref(),
                MAX_DELETED_PAGE_SIZE,
                MAX_DELETED_PAGE_SIZE,
            )?,
        )),
    };
    let records = state.store.list_deleted().await?;
    let now = state.now();
    let webhooks: Vec<DeletedWebhook> = records
        .iter()
        .filter_map(|record| {
            let deletion = record.webhook.deletion.as_ref()?;
            let job = record.job.as_ref();
            Some(DeletedWebhook {
                id: record.webhook.id.clone(),
                name: record.webhook.name.clone(),
                description: record.webhook.description.clone(),
                kind: record.webhook.kind.clone(),
                deletion: DeletionInfo {
                    deleted_at: deletion.deleted_at,
                    deleted_by: Some(deletion.deleted_by.clone()),
                    reason: Some(deletion.reason.clone()),
                    scheduled_deletion_at: deletion.scheduled_deletion_at,
                    job_id: Some(deletion.job_id.clone()),
                },
                job_status: job.map_or_else(|| missing_job_status(deletion), job_status),
                restoration: RestorationStatus {
                    can_restore: can_restore(deletion, job, now),
                    seconds_until_deletion: seconds_until(now, deletion.scheduled_deletion_at),
                    restore_endpoint: paths::restore(&record.webhook.id),
                },
                stats: DeletedStats {
                    total_leads: record.webhook.total_leads,
                    rejected_leads_since_deletion: Some(deletion.rejected_leads),
                    rejected_signatures: Some(record.webhook.rejected_signatures),
                },
            })
        })
        .collect();
    let restorable = webhooks
        .iter()
        .filter(|webhook| webhook.restoration.can_restore)
        .count() as u64;
    let total_deleted = webhooks.len() as u64;
    let (webhooks, next_offset) = match page {
        Some((offset, limit)) => {
            let page: Vec<DeletedWebhook> = webhooks
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(limit as usize)
                .collect();
            let end = offset.saturating_add(page.len() as u64);
            (page, (end < total_deleted).then_some(end))
        }
        None => (webhooks, None),
    };
    Ok(Json(DeletedList {
        service: api::SERVICE_NAME.to_owned(),
        total_deleted,
        restorable,
        webhooks,
        timestamp: now,
        next_offset,
    }))
}

#[derive(Debug, Deserialize)]
pub struct RestoreQuery {
    enabled: Option<String>,
}

/// Restores a soft-deleted webhook within its grace period. `?enabled=false` brings it back
/// disabled, so that its endpoint can be checked before leads flow again. Without the
/// parameter it gets the `enabled` value it had before the soft delete.
pub async fn restore(
    State(state): State<AppState>,
    Actor(actor): Actor,
    WebhookId(id): WebhookId,
    QueryParams(query): QueryParams<RestoreQuery>,
) -> Result<Json<RestoreResponse>, ApiError> {
    let enabled = match query.enabled.as_deref() {
        Some(text) => Some(validate::flag("enabled", Some(text))?),
        None => None,
    };
    restore_one(&state, id, &actor, enabled).await.map(Json)
}

/// Restores one webhook in its own transaction, for both the single and the bulk route.
pub(super) async fn restore_one(
    state: &AppState,
    id: String,
    actor: &str,
    enabled: Option<bool>,
) -> Result<RestoreResponse, ApiError> {
    let now = state.now();
    let requested_disabled = enabled == Some(false);
    let request = RestoreRequest {
        id: id.clone(),
        actor: actor.to_owned(),
        enabled,
    };
    let (enabled, job_id) = match state.store.restore(request, now).await? {
        RestoreOutcome::Restored {
            enabled, job_id, ..
        } => (enabled, job_id),
        RestoreOutcome::NotFound => return Err(not_found(state, id, true).await),
        RestoreOutcome::NotDeleted => return Err(ApiError::NotDeleted { id }),
        RestoreOutcome::JobProcessing { job_id, job_state } => {
            return Err(ApiError::JobProcessing {
                id,
                job_id,
                job_state,
            })
        }
        RestoreOutcome::WindowClosed {
            scheduled_deletion_at,
            job_state,
        } => {
            return Err(ApiError::RestoreWindowClosed {
                id,
                scheduled_deletion_at,
                job_state,
            })
        }
    };
    tracing::info!(
        webhook_id = %id,
        %job_id,
        %actor,
        enabled,
        "webhook restored; deletion job cancelled"
    );
    let note = if enabled {
        "It accepts leads again.".to_owned()
    } else if requested_disabled {
        format!(
            "It was restored disabled as requested; enable it with PATCH {} once its endpoint \
             is checked.",
            paths::status(&id)
        )
    } else {
        format!(
            "It was disabled before the delete and stays disabled; enable it with PATCH {}.",
            paths::status(&id)
        )
    };
    Ok(RestoreResponse {
        status: "success".to_owned(),
        message: format!("Webhook '{id}' restored; deletion job {job_id} cancelled."),
        webhook_id: id,
        restored_by: actor.to_owned(),
        restored_at: now,
        note: Some(note),
        timestamp: now,
    })
}

/// Builds the error for a webhook id with no row: [`ApiError::PermanentlyDeleted`] when the
/// audit trail records its purge or force delete, with 410 if `gone`, and a plain 404
/// otherwise.
pub(super) async fn not_found(state: &AppState, id: String, gone: bool) -> ApiError {
    match state.store.permanent_deletion(&id).await {
        Ok(Some(deletion)) => ApiError::PermanentlyDeleted {
            id,
            deletion: Box::new(deletion),
            gone,
        },
        Ok(None) => ApiError::WebhookNotFound { id },
        Err(error) => {
            tracing::error!(
                webhook_id = %id,
                %error,
                "failed to read the deletion history of a missing webhook"
            );
            ApiError::Store(error)
        }
    }
}

/// Returns the whole seconds until `deadline`, rounded up, and never negative: 0 means due.
pub(super) fn seconds_until(now: Timestamp, deadline: Timestamp) -> i64 {
    let millis = now.until(deadline).num_milliseconds().max(0);
    (millis + 999) / 1000
}

/// Returns whether a restore would succeed now: before the deadline, and while the job has
/// not been claimed for a purge (it is pending, or its row is missing).
pub(super) fn can_restore(deletion: &Deletion, job: Option<&Job>, now: Timestamp) -> bool {
    let untouched = job.is_none_or(|job| job.state == JobState::Pending);
    untouched && now < deletion.scheduled_deletion_at
}

pub(super) fn job_status(job: &Job) -> JobStatus {
    JobStatus {
        status: job.state,
        attempts: job.attempts,
        execute_at: Some(job.execute_at),
        completed_at: job.completed_at,
        error_message: job.last_error.clone(),
        max_attempts: Some(job.max_attempts),
        next_attempt_at: job.next_attempt_at,
    }
}

/// Builds a job status for a deletion whose job row is missing, which only a manual edit of the
/// database causes.
fn missing_job_status(deletion: &Deletion) -> JobStatus {
    JobStatus {
        status: JobState::Unknown,
        attempts: 0,
        execute_at: Some(deletion.scheduled_deletion_at),
        completed_at: None,
        error_message: Some(format!("deletion job {} not found", deletion.job_id)),
        max_attempts: None,
        next_attempt_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn seconds_until_rounds_up_and_clamps() {
        let deadline = at("2026-03-02T10:00:00.000Z");
        assert_eq!(seconds_until(at("2026-03-02T09:59:59.999Z"), deadline), 1);
        assert_eq!(seconds_until(at("2026-03-02T09:59:59.000Z"), deadline), 1);
        assert_eq!(seconds_until(at("2026-03-02T09:59:58.500Z"), deadline), 2);
        assert_eq!(seconds_until(deadline, deadline), 0);
        assert_eq!(seconds_until(at("2026-03-02T11:00:00.000Z"), deadline), 0);
    }
}
