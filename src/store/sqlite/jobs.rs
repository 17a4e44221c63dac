//! Deletion job operations: claim, complete, fail, cancel, and the queue's read models.
//! Each function runs inside the transaction its caller opened.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use super::audit::{self, NewAuditEvent};
use super::rows::{job_columns, job_from_row, random_id};
use super::webhooks;
use crate::api::{JobState, Timestamp};
use crate::store::{
    AuditEventType, CancelCause, ClaimedJob, FailureOutcome, Job, PurgeOutcome, QueueStats,
    RetryOutcome, StoreError, SYSTEM_ACTOR,
};

/// Maximum length of the error text stored on a job, in characters.
const MAX_ERROR_CHARS: usize = 1000;

pub(super) fn load(conn: &Connection, id: &str) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "SELECT {} FROM deletion_jobs WHERE id = ?1",
        job_columns("")
    );
    let job = conn
        .prepare_cached(&sql)?
        .query_row([id], |row| job_from_row(row, 0))
        .optional()?;
    Ok(job)
}

/// Returns whether a job in `state` keeps its webhook's deletion open: pending,
/// processing, failed or dead-lettered. A soft-deleted webhook has exactly one such job.
pub(super) fn is_unfinished(state: JobState) -> bool {
    state.is_live() || state == JobState::DeadLetter
}

/// Cancels an unfinished job, dead-lettered ones included, and writes `job_cancelled`.
/// Returns whether the job was unfinished.
pub(super) fn cancel(
    conn: &Connection,
    job_id: &str,
    cause: CancelCause,
    actor: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let Some(job) = load(conn, job_id)? else {
        return Ok(false);
    };
    if !is_unfinished(job.state) {
        return Ok(false);
    }
    conn.prepare_cached(
        "UPDATE deletion_jobs SET state = 'cancelled', lease_token = NULL,
             lease_expires_at = NULL, next_attempt_at = NULL, completed_at = ?2, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![job_id, now])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &job.webhook_id,
            webhook_name: &job.webhook_name,
            event_type: AuditEventType::JobCancelled,
            actor,
            reason: None,
            job_id: Some(job_id),
            details: json!({ "cause": cause.as_str(), "previous_state": job.state }),
        },
        now,
    )?;
    Ok(true)
}

pub(super) fn stats(conn: &Connection, now: Timestamp) -> Result<QueueStats, StoreError> {
    let mut counts: BTreeMap<JobState, u64> =
        JobState::ALL.into_iter().map(|state| (state, 0)).collect();
    let mut statement =
        conn.prepare_cached("SELECT state, COUNT(*) FROM deletion_jobs GROUP BY state")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, JobState>(0)?, row.get::<_, u64>(1)?))
    })?;
    for row in rows {
        let (state, count) = row?;
        counts.insert(state, count);
    }
    let next_due_at: Option<Timestamp> = conn
        .prepare_cached(
            "SELECT MIN(due) FROM (
                 SELECT MIN(execute_at) AS due FROM deletion_jobs WHERE state = 'pending'
                 UNION ALL
                 SELECT MIN(next_attempt_at) FROM deletion_jobs WHERE state = 'failed'
             )",
        )?
        .query_row([], |row| row.get(0))?;
    let overdue: u64 = conn
        .prepare_cached(
            "SELECT
                 (SELECT COUNT(*) FROM deletion_jobs WHERE state = 'pending' AND execute_at < ?1)
               + (SELECT COUNT(*) FROM deletion_jobs
                  WHERE state = 'failed' AND next_attempt_at < ?1)
               + (SELECT COUNT(*) FROM deletion_jobs
                  WHERE state = 'processing' AND lease_expires_at < ?1)",
        )?
        .query_row([now], |row| row.get(0))?;
    Ok(QueueStats {
        counts,
        next_due_at,
        overdue,
    })
}

pub(super) fn list(conn: &Connection, state: JobState, limit: u32) -> Result<Vec<Job>, StoreError> {
    // Live jobs come soonest first, finished ones newest first.
    let order = match state {
        JobState::Pending => "execute_at ASC",
        JobState::Failed => "next_attempt_at ASC",
        JobState::Processing => "lease_expires_at ASC",
        _ => "updated_at DESC",
    };
    let sql = format!(
        "SELECT {} FROM deletion_jobs WHERE state = ?1 ORDER BY {order}, id LIMIT ?2",
        job_columns(""),
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let jobs = statement
        .query_map(params![state, limit], |row| job_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(jobs)
}

pub(super) fn next_wake_at(conn: &Connection) -> Result<Option<Timestamp>, StoreError> {
    let wake = conn
        .prepare_cached(
            "SELECT MIN(due) FROM (
                 SELECT MIN(execute_at) AS due FROM deletion_jobs WHERE state = 'pending'
                 UNION ALL
                 SELECT MIN(max(next_attempt_at, execute_at)) FROM deletion_jobs
                 WHERE state = 'failed'
                 UNION ALL
                 SELECT MIN(max(lease_expires_at, execute_at)) FROM deletion_jobs
                 WHERE state = 'processing'
             )",
        )?
        .query_row([], |row| row.get(0))?;
    Ok(wake)
}

pub(super) fn claim_due(
    conn: &Connection,
    now: Timestamp,
    lease_expires_at: Timestamp,
    limit: u32,
) -> Result<Vec<ClaimedJob>, StoreError> {
    dead_letter_exhausted_leases(conn, now)?;

    let lease_token = random_id("lease_");
    // One statement selects and claims the due jobs, so no other writer can take a job between
    // the two steps.
    // Reclaiming an expired lease records why the previous attempt did not finish.
    let sql = format!(
        "UPDATE deletion_jobs SET
             last_error = CASE WHEN state = 'processing'
                 THEN 'the lease of attempt ' || attempts || ' expired before it finished'
                 ELSE last_error END,
             state = 'processing', attempts = attempts + 1,
             lease_token = ?2, lease_expires_at = ?3, updated_at = ?1
         WHERE id IN (
             SELECT id FROM (
                 SELECT id, execute_at AS due FROM deletion_jobs
                 WHERE state = 'pending' AND execute_at <= ?1
                 UNION ALL
                 SELECT id, next_attempt_at FROM deletion_jobs
                 WHERE state = 'failed' AND next_attempt_at <= ?1 AND execute_at <= ?1
                 UNION ALL
                 SELECT id, lease_expires_at FROM deletion_jobs
                 WHERE state = 'processing' AND lease_expires_at <= ?1 AND execute_at <= ?1
             )
             ORDER BY due, id LIMIT ?4
         )
         RETURNING {}",
        job_columns(""),
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut claimed = statement
        .query_map(params![now, lease_token, lease_expires_at, limit], |row| {
            job_from_row(row, 0)
        })?
        .map(|job| {
            job.map(|job| ClaimedJob {
                job,
                lease_token: lease_token.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by(|a, b| (a.job.execute_at, &a.job.id).cmp(&(b.job.execute_at, &b.job.id)));
    Ok(claimed)
}

/// Moves processing jobs whose lease expired after their last allowed attempt to dead letter,
/// so that a consumer that keeps crashing cannot retry forever.
fn dead_letter_exhausted_leases(conn: &Connection, now: Timestamp) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT {} FROM deletion_jobs
         WHERE state = 'processing' AND lease_expires_at <= ?1 AND attempts >= max_attempts",
        job_columns(""),
    );
    let exhausted = conn
        .prepare_cached(&sql)?
        .query_map([now], |row| job_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    for job in exhausted {
        let error = format!(
            "the lease of attempt {} expired before it finished, and no attempts are left",
            job.attempts
        );
        tracing::error!(
            job_id = %job.id,
            webhook_id = %job.webhook_id,
            attempts = job.attempts,
            "deletion job moved to dead letter: its last lease expired"
        );
        dead_letter(conn, &job, &error, now)?;
    }
    Ok(())
}

/// Loads the job if `claim` still owns it, which means it is processing under the same lease
/// token.
fn leased_job(conn: &Connection, claim: &ClaimedJob) -> Result<Option<Job>, StoreError> {
    let token: Option<Option<String>> = conn
        .prepare_cached("SELECT lease_token FROM deletion_jobs WHERE id = ?1")?
        .query_row([&claim.job.id], |row| row.get(0))
        .optional()?;
    if token.flatten().as_deref() != Some(claim.lease_token.as_str()) {
        return Ok(None);
    }
    load(conn, &claim.job.id)
}

pub(super) fn complete(
    conn: &Connection,
    claim: &ClaimedJob,
    now: Timestamp,
) -> Result<PurgeOutcome, StoreError> {
    let Some(job) = leased_job(conn, claim)? else {
        return Ok(PurgeOutcome::LeaseLost);
    };
    if now < job.execute_at {
        release(conn, &job, now)?;
        return Ok(PurgeOutcome::NotDue);
    }

    // The job purges only the deletion that created it: a webhook that was restored, and
    // perhaps deleted again under a newer job, is not its to purge.
    let Some(webhook) = webhooks::load(conn, &job.webhook_id)? else {
        return cancel_for(conn, &job, CancelCause::WebhookMissing, now);
    };
    let deletion = match &webhook.deletion {
        Some(deletion) if deletion.job_id == job.id => deletion,
        _ => return cancel_for(conn, &job, CancelCause::Superseded, now),
    };

    conn.prepare_cached("DELETE FROM webhooks WHERE id = ?1 AND deletion_job_id = ?2")?
        .execute(params![webhook.id, job.id])?;
    conn.prepare_cached(
        "UPDATE deletion_jobs SET state = 'completed', lease_token = NULL,
             lease_expires_at = NULL, next_attempt_at = NULL, completed_at = ?2, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![job.id, now])?;
    let leads_preserved = webhooks::count_leads(conn, &webhook.id)?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &webhook.id,
            webhook_name: &webhook.name,
            event_type: AuditEventType::Purged,
            actor: SYSTEM_ACTOR,
            // The purge has no reason of its own; the deletion's reason is a detail.
            reason: None,
            job_id: Some(&job.id),
            details: json!({
                "deletion_reason": deletion.reason,
                "leads_preserved": leads_preserved,
                "attempt": job.attempts,
                "deleted_at": deletion.deleted_at,
                "deleted_by": deletion.deleted_by,
                "scheduled_deletion_at": deletion.scheduled_deletion_at,
            }),
        },
        now,
    )?;
    Ok(PurgeOutcome::Purged { leads_preserved })
}

fn cancel_for(
    conn: &Connection,
    job: &Job,
    cause: CancelCause,
    now: Timestamp,
) -> Result<PurgeOutcome, StoreError> {
    cancel(conn, &job.id, cause, SYSTEM_ACTOR, now)?;
    Ok(PurgeOutcome::Cancelled { cause })
}

/// Hands a job claimed too early back to the queue without using up an attempt.
fn release(conn: &Connection, job: &Job, now: Timestamp) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE deletion_jobs SET
             state = CASE WHEN next_attempt_at IS NULL THEN 'pending' ELSE 'failed' END,
             attempts = max(attempts - 1, 0), lease_token = NULL, lease_expires_at = NULL,
             updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![job.id, now])?;
    Ok(())
}

pub(super) fn fail(
    conn: &Connection,
    claim: &ClaimedJob,
    error: &str,
    retry_at: Timestamp,
    now: Timestamp,
) -> Result<FailureOutcome, StoreError> {
    let Some(job) = leased_job(conn, claim)? else {
        return Ok(FailureOutcome::LeaseLost);
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    if job.attempts >= job.max_attempts {
        dead_letter(conn, &job, &error, now)?;
        return Ok(FailureOutcome::DeadLettered {
            attempts: job.attempts,
        });
    }
    conn.prepare_cached(
        "UPDATE deletion_jobs SET state = 'failed', last_error = ?2, next_attempt_at = ?3,
             lease_token = NULL, lease_expires_at = NULL, updated_at = ?4
         WHERE id = ?1",
    )?
    .execute(params![job.id, error, retry_at, now])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &job.webhook_id,
            webhook_name: &job.webhook_name,
            event_type: AuditEventType::JobFailed,
            actor: SYSTEM_ACTOR,
            reason: None,
            job_id: Some(&job.id),
            details: json!({
                "attempt": job.attempts,
                "max_attempts": job.max_attempts,
                "error": error,
                "next_attempt_at": retry_at,
            }),
        },
        now,
    )?;
    Ok(FailureOutcome::RetryScheduled {
        attempts: job.attempts,
        next_attempt_at: retry_at,
    })
}

pub(super) fn retry(
    conn: &Connection,
    job_id: &str,
    actor: &str,
    now: Timestamp,
) -> Result<RetryOutcome, StoreError> {
    let Some(job) = load(conn, job_id)? else {
        return Ok(RetryOutcome::NotFound);
    };
    if job.state != JobState::DeadLetter {
        return Ok(RetryOutcome::NotDeadLettered(job));
    }
    requeue_dead_letter(conn, &job, actor, now)?;
    let job = load(conn, job_id)?
        .ok_or_else(|| StoreError::InvalidData(format!("job '{job_id}' vanished on retry")))?;
    Ok(RetryOutcome::Retried(job))
}

pub(super) fn retry_all(
    conn: &Connection,
    actor: &str,
    now: Timestamp,
) -> Result<Vec<Job>, StoreError> {
    let dead = list(conn, JobState::DeadLetter, u32::MAX)?;
    let mut retried = Vec::with_capacity(dead.len());
    for job in dead {
        requeue_dead_letter(conn, &job, actor, now)?;
        if let Some(job) = load(conn, &job.id)? {
            retried.push(job);
        }
    }
    Ok(retried)
}

/// Moves a dead-lettered job back to pending with a fresh set of attempts. It keeps its
/// `execute_at`, so it is due now unless the clock has moved back before the deadline, and
/// it keeps `last_error` until the next attempt replaces it.
fn requeue_dead_letter(
    conn: &Connection,
    job: &Job,
    actor: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE deletion_jobs SET state = 'pending', attempts = 0, next_attempt_at = NULL,
             lease_token = NULL, lease_expires_at = NULL, updated_at = ?2
         WHERE id = ?1 AND state = 'dead_letter'",
    )?
    .execute(params![job.id, now])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &job.webhook_id,
            webhook_name: &job.webhook_name,
            event_type: AuditEventType::JobRetried,
            actor,
            reason: None,
            job_id: Some(&job.id),
            details: json!({
                "previous_attempts": job.attempts,
                "last_error": job.last_error,
                "execute_at": job.execute_at,
            }),
        },
        now,
    )?;
    Ok(())
}

fn dead_letter(
    conn: &Connection,
    job: &Job,
    error: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE deletion_jobs SET state = 'dead_letter', last_error = ?2, next_attempt_at = NULL,
             lease_token = NULL, lease_expires_at = NULL, updated_at = ?3
         WHERE id = ?1",
    )?
    .execute(params![job.id, error, now])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &job.webhook_id,
            webhook_name: &job.webhook_name,
            event_type: AuditEventType::JobDeadLettered,
            actor: SYSTEM_ACTOR,
            reason: None,
            job_id: Some(&job.id),
            details: json!({ "attempts": job.attempts, "error": error }),
        },
        now,
    )?;
    Ok(())
}
