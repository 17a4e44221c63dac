//! The integrity check: reads webhooks, deletion jobs and the audit trail, and lists every
//! row that breaks the rules the write operations keep. It never writes.

use rusqlite::Connection;

use crate::store::{IntegrityIssue, IntegrityIssueKind, StoreError};

/// SQL list of the job states that keep a webhook's deletion open.
const UNFINISHED: &str = "('pending', 'processing', 'failed', 'dead_letter')";

pub(super) fn check(conn: &Connection) -> Result<Vec<IntegrityIssue>, StoreError> {
    let mut issues = Vec::new();
    unfinished_jobs(conn, &mut issues)?;
    soft_deleted_webhooks(conn, &mut issues)?;
    finished_jobs(conn, &mut issues)?;
    missing_events(conn, &mut issues)?;
    Ok(issues)
}

fn issue(
    kind: IntegrityIssueKind,
    webhook_id: &str,
    job_id: Option<&str>,
    message: String,
) -> IntegrityIssue {
    IntegrityIssue {
        kind,
        webhook_id: Some(webhook_id.to_owned()),
        job_id: job_id.map(str::to_owned),
        message,
    }
}

/// Unfinished jobs whose webhook is missing, active, or soft-deleted under another job.
fn unfinished_jobs(conn: &Connection, issues: &mut Vec<IntegrityIssue>) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT j.id, j.webhook_id, j.state, w.id IS NOT NULL, w.deleted_at IS NOT NULL,
                w.deletion_job_id
         FROM deletion_jobs j LEFT JOIN webhooks w ON w.id = j.webhook_id
         WHERE j.state IN {UNFINISHED}
         ORDER BY j.webhook_id, j.id"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let job_id: String = row.get(0)?;
        let webhook_id: String = row.get(1)?;
        let state: String = row.get(2)?;
        let exists: bool = row.get(3)?;
        let soft_deleted: bool = row.get(4)?;
        let linked: Option<String> = row.get(5)?;
        let found = if !exists {
            Some((
                IntegrityIssueKind::OrphanedJob,
                format!("job {job_id} is {state} but webhook '{webhook_id}' does not exist"),
            ))
        } else if !soft_deleted {
            Some((
                IntegrityIssueKind::StateMismatch,
                format!("webhook '{webhook_id}' is active but its job {job_id} is still {state}"),
            ))
        } else if linked.as_deref() != Some(job_id.as_str()) {
            Some((
                IntegrityIssueKind::OrphanedJob,
                format!(
                    "job {job_id} is {state} but webhook '{webhook_id}' is soft-deleted under \
                     job {}",
                    linked.unwrap_or_default()
                ),
            ))
        } else {
            None
        };
        if let Some((kind, message)) = found {
            issues.push(issue(kind, &webhook_id, Some(&job_id), message));
        }
    }
    Ok(())
}

/// Soft-deleted webhooks whose linked job is missing, finished or another webhook's.
fn soft_deleted_webhooks(
    conn: &Connection,
    issues: &mut Vec<IntegrityIssue>,
) -> Result<(), StoreError> {
    let mut statement = conn.prepare(
        "SELECT w.id, w.deletion_job_id, j.id IS NOT NULL, j.state, j.webhook_id
         FROM webhooks w LEFT JOIN deletion_jobs j ON j.id = w.deletion_job_id
         WHERE w.deleted_at IS NOT NULL
         ORDER BY w.id",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let webhook_id: String = row.get(0)?;
        let job_id: String = row.get(1)?;
        let job_exists: bool = row.get(2)?;
        let state: Option<String> = row.get(3)?;
        let owner: Option<String> = row.get(4)?;
        let state = state.unwrap_or_default();
        let found = if !job_exists {
            Some((
                IntegrityIssueKind::MissingJob,
                format!(
                    "webhook '{webhook_id}' is soft-deleted but its job {job_id} does not exist"
                ),
            ))
        } else if owner.as_deref() != Some(webhook_id.as_str()) {
            Some((
                IntegrityIssueKind::StateMismatch,
                format!(
                    "webhook '{webhook_id}' links job {job_id}, which belongs to webhook '{}'",
                    owner.unwrap_or_default()
                ),
            ))
        } else if !matches!(
            state.as_str(),
            "pending" | "processing" | "failed" | "dead_letter"
        ) {
            Some((
                IntegrityIssueKind::StateMismatch,
                format!("webhook '{webhook_id}' is soft-deleted but its job {job_id} is {state}"),
            ))
        } else {
            None
        };
        if let Some((kind, message)) = found {
            issues.push(issue(kind, &webhook_id, Some(&job_id), message));
        }
    }
    Ok(())
}

/// Webhook ids that share more than one unfinished job, and completed jobs whose webhook
/// row is still there.
fn finished_jobs(conn: &Connection, issues: &mut Vec<IntegrityIssue>) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT webhook_id, COUNT(*) FROM deletion_jobs WHERE state IN {UNFINISHED}
         GROUP BY webhook_id HAVING COUNT(*) > 1 ORDER BY webhook_id"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let webhook_id: String = row.get(0)?;
        let count: i64 = row.get(1)?;
        issues.push(issue(
            IntegrityIssueKind::StateMismatch,
            &webhook_id,
            None,
            format!(
                "webhook '{webhook_id}' has {count} unfinished deletion jobs; at most 1 is allowed"
            ),
        ));
    }

    let mut statement = conn.prepare(
        "SELECT j.id, j.webhook_id FROM deletion_jobs j
         JOIN webhooks w ON w.deletion_job_id = j.id
         WHERE j.state = 'completed' ORDER BY j.webhook_id, j.id",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let job_id: String = row.get(0)?;
        let webhook_id: String = row.get(1)?;
        issues.push(issue(
            IntegrityIssueKind::StateMismatch,
            &webhook_id,
            Some(&job_id),
            format!("job {job_id} completed but webhook '{webhook_id}' still exists"),
        ));
    }
    Ok(())
}

/// Finds jobs and webhooks that lack the audit event their state requires.
fn missing_events(conn: &Connection, issues: &mut Vec<IntegrityIssue>) -> Result<(), StoreError> {
    // (job condition, required event type, what the job did)
    let rules = [
        ("1 = 1", "soft_deleted", "was scheduled"),
        ("j.state = 'completed'", "purged", "completed"),
        ("j.state = 'cancelled'", "job_cancelled", "was cancelled"),
        (
            "j.state = 'dead_letter'",
            "job_dead_lettered",
            "was dead-lettered",
        ),
    ];
    for (condition, event_type, action) in rules {
        let sql = format!(
            "SELECT j.id, j.webhook_id FROM deletion_jobs j
             WHERE {condition} AND NOT EXISTS (
                 SELECT 1 FROM audit_events a
                 WHERE a.job_id = j.id AND a.event_type = '{event_type}')
             ORDER BY j.webhook_id, j.id"
        );
        let mut statement = conn.prepare(&sql)?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let job_id: String = row.get(0)?;
            let webhook_id: String = row.get(1)?;
            issues.push(issue(
                IntegrityIssueKind::MissingAuditEvent,
                &webhook_id,
                Some(&job_id),
                format!("job {job_id} {action} but no '{event_type}' audit event records it"),
            ));
        }
    }

    let mut statement = conn.prepare(
        "SELECT w.id FROM webhooks w WHERE NOT EXISTS (
             SELECT 1 FROM audit_events a
             WHERE a.webhook_id = w.id AND a.event_type = 'created')
         ORDER BY w.id",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let webhook_id: String = row.get(0)?;
        issues.push(issue(
            IntegrityIssueKind::MissingAuditEvent,
            &webhook_id,
            None,
            format!("webhook '{webhook_id}' exists but no 'created' audit event records it"),
        ));
    }
    Ok(())
}
