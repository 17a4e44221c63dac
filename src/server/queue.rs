//! `GET /queue` and `GET /queue/jobs`: the state of the deletion queue.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::QueryParams;
use super::{validate, AppState};
use crate::api::{JobList, JobRecord, JobState, QueueSummary};
use crate::store::Job;

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
