//! `GET /integrity`: the consistency check of webhooks, deletion jobs and the audit trail.

use axum::extract::State;
use axum::Json;

use super::error::ApiError;
use super::AppState;
use crate::api::{self, IntegrityReport};
use crate::store::{IntegrityIssue, Store, StoreError};

pub async fn report(State(state): State<AppState>) -> Result<Json<IntegrityReport>, ApiError> {
    let issues = state.store.check_integrity().await?;
    Ok(Json(IntegrityReport {
        issues: issues.into_iter().map(wire_issue).collect(),
        timestamp: state.now(),
    }))
}

pub fn wire_issue(issue: IntegrityIssue) -> api::IntegrityIssue {
    api::IntegrityIssue {
        kind: issue.kind.as_str().to_owned(),
        webhook_id: issue.webhook_id,
        job_id: issue.job_id,
        message: issue.message,
    }
}

/// Runs the integrity check and logs each issue as a warning, or one info line when the
/// database is consistent. Returns the number of issues.
///
/// # Errors
///
/// Returns the store error if the check cannot read the database.
pub async fn log_check(store: &dyn Store) -> Result<usize, StoreError> {
    let issues = store.check_integrity().await?;
    if issues.is_empty() {
        tracing::info!("integrity check found no issues");
    }
    for issue in &issues {
        tracing::warn!(
            kind = issue.kind.as_str(),
            webhook_id = issue.webhook_id.as_deref(),
            job_id = issue.job_id.as_deref(),
            "integrity issue: {}",
            issue.message
        );
    }
    Ok(issues.len())
}
