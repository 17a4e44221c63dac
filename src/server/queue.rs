//! `GET /queue` and `GET /queue/jobs`: the state of the deletion queue. `POST
//! /queue/jobs/{id}/retry` and `POST /queue/dead-letter/retry`: the operator's redrive of
//! dead-lettered jobs.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Actor, PathId, QueryParams};
use super::{validate, AppState};
use crate::api::{
    DeadLetterRetryResponse, JobList, JobRecord, JobRetryResponse, JobState, QueueSummary,
};
use crate::store::{Job, RetryOutcome};
use crate::text::count_of;

/// Maximum length of a job id in a path, in characters. Stored ids are 36.
const MAX_JOB_ID_CHARS: usize = 100;

/// Jobs per page when `limit` is absent.
pub const DEFAULT_JOB_LIMIT: u32 = 100;
/// Maximum `limit`.
pub const MAX_JOB_LIMIT: u32 = 500;

pub async fn summary(State(state): State<AppState>) -> Result<Json<QueueSummary>, ApiError> {
    let now = state.now();
    let stats = state.store.queue_stats(now).await?;
    Ok(Json(QueueSummary {
        counts: stats.counts,
        next_due_at: stats.next_due_at,
        overdue: stats.overdue,
        timestamp: now,
    }))
}

#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    state: Option<String>,
    limit: Option<String>,
}

pub async fn jobs(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<JobsQuery>,
) -> Result<Json<JobList>, ApiError> {
    let job_state = job_state(query.state.as_deref())?;
    let limit = validate::limit(query.limit.as_deref(), DEFAULT_JOB_LIMIT, MAX_JOB_LIMIT)?;
    let jobs = state.store.list_jobs(job_state, limit).await?;
    Ok(Json(JobList {
        state: job_state,
        jobs: jobs.into_iter().map(job_record).collect(),
        timestamp: state.now(),
    }))
}

fn job_state(text: Option<&str>) -> Result<JobState, ApiError> {
    let valid = || {
        JobState::ALL
            .iter()
            .map(|state| state.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(text) = text else {
        return Err(ApiError::invalid(
            "Invalid state",
            format!("missing state: pass ?state=<one of {}>", valid()),
        ));
    };
    JobState::parse(text.trim()).ok_or_else(|| {
        ApiError::invalid(
            "Invalid state",
            format!("invalid state '{text}': use one of {}", valid()),
        )
    })
}

fn job_record(job: Job) -> JobRecord {
    JobRecord {
        id: job.id,
        webhook_id: job.webhook_id,
        webhook_name: job.webhook_name,
        state: job.state,
        attempts: job.attempts,
        max_attempts: job.max_attempts,
        execute_at: job.execute_at,
        next_attempt_at: job.next_attempt_at,
        lease_expires_at: job.lease_expires_at,
        last_error: job.last_error,
        created_at: job.created_at,
        updated_at: job.updated_at,
        completed_at: job.completed_at,
    }
}

/// Moves one dead-lettered job back to pending, due at its `execute_at` (already past), with
/// its attempts reset, and wakes the consumer.
pub async fn retry_job(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(job_id): PathId,
) -> Result<Json<JobRetryResponse>, ApiError> {
    if job_id.chars().count() > MAX_JOB_ID_CHARS || job_id.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "Invalid job id",
            format!(
                "invalid job id: use an id from GET /queue/jobs, at most {MAX_JOB_ID_CHARS} \
                 characters"
            ),
        ));
    }
    let now = state.now();
    let job = match state.store.retry_job(&job_id, &actor, now).await? {
        RetryOutcome::Retried(job) => job,
        RetryOutcome::NotFound => return Err(ApiError::JobNotFound { job_id }),
        RetryOutcome::NotDeadLettered(job) => {
            return Err(ApiError::JobNotDeadLettered {
                job_id,
                state: job.state,
            })
        }
    };
    state.consumer.wake();
    tracing::info!(
        job_id = %job.id,
        webhook_id = %job.webhook_id,
        %actor,
        "dead-lettered deletion job moved back to pending"
    );
    Ok(Json(JobRetryResponse {
        status: "success".to_owned(),
        message: format!(
            "Deletion job {} of webhook '{}' is pending again with {} attempts.",
            job.id, job.webhook_id, job.max_attempts
        ),
        job: job_record(job),
        timestamp: now,
    }))
}

/// Moves every dead-lettered job back to pending, as [`retry_job`] does for one.
pub async fn retry_dead_letters(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Json<DeadLetterRetryResponse>, ApiError> {
    let now = state.now();
    let jobs = state.store.retry_dead_letters(&actor, now).await?;
    if !jobs.is_empty() {
        state.consumer.wake();
    }
    for job in &jobs {
        tracing::info!(
            job_id = %job.id,
            webhook_id = %job.webhook_id,
            %actor,
            "dead-lettered deletion job moved back to pending"
        );
    }
    let job_ids: Vec<String> = jobs.into_iter().map(|job| job.id).collect();
    Ok(Json(DeadLetterRetryResponse {
        status: "success".to_owned(),
        message: format!(
            "{} moved back to pending.",
            count_of(job_ids.len() as u64, "dead-lettered deletion job")
        ),
        retried: job_ids.len() as u64,
        job_ids,
        timestamp: now,
    }))
}
