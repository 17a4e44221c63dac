//! The data revision: the counter kept by the triggers of migration 4, and the next clock
//! boundaries of the values that the list routes compute from the clock.

use rusqlite::Connection;

use crate::api::Timestamp;
use crate::store::{DataRevision, StoreError};

pub(super) fn read(conn: &Connection, now: Timestamp) -> Result<DataRevision, StoreError> {
    let revision: i64 = conn
        .prepare_cached("SELECT revision FROM data_revision WHERE id = 1")?
        .query_row([], |row| row.get(0))?;
    let next_boundary_after = next_boundary(conn, now)?;
    // Every stored time has millisecond precision, so "later than now minus one millisecond"
    // is "at or later than now".
    let next_boundary_from = match Timestamp::from_millis(now.millis() - 1) {
        Some(just_before) => next_boundary(conn, just_before)?,
        None => next_boundary_after,
    };
    Ok(DataRevision {
        revision,
        next_boundary_after,
        next_boundary_from,
    })
}

/// Finds the earliest soft-delete deadline, pending due time, retry time or lease expiry later than
/// `after`. Each term seeks one partial index. `INDEXED BY` names it, because without
/// table statistics SQLite picks `deletion_jobs_by_state`, which reads every job in the state.
fn next_boundary(conn: &Connection, after: Timestamp) -> Result<Option<Timestamp>, StoreError> {
    let boundary = conn
        .prepare_cached(
            "SELECT MIN(boundary) FROM (
                 SELECT MIN(scheduled_deletion_at) AS boundary FROM webhooks
                 WHERE deleted_at IS NOT NULL AND scheduled_deletion_at > ?1
                 UNION ALL
                 SELECT MIN(execute_at) FROM deletion_jobs INDEXED BY deletion_jobs_pending_due
                 WHERE state = 'pending' AND execute_at > ?1
                 UNION ALL
                 SELECT MIN(next_attempt_at) FROM deletion_jobs INDEXED BY deletion_jobs_failed_due
                 WHERE state = 'failed' AND next_attempt_at > ?1
                 UNION ALL
                 SELECT MIN(lease_expires_at) FROM deletion_jobs INDEXED BY deletion_jobs_leases
                 WHERE state = 'processing' AND lease_expires_at > ?1
             )",
        )?
        .query_row([after], |row| row.get(0))?;
    Ok(boundary)
}
