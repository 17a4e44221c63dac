//! Conversions between SQLite values and the store's types.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Row, ToSql};

use crate::api::{JobState, Timestamp};
use crate::store::{AuditEventType, Deletion, Job, StoreError, Webhook};

/// Sorts SQLite failures by cause: a lock held too long, a read-only file or a full disk are
/// conditions of the environment that callers report as "unavailable", the rest are backend
/// errors.
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let code = match &error {
            rusqlite::Error::SqliteFailure(failure, _) => Some(failure.code),
            _ => None,
        };
        match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy(error.to_string())
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(error.to_string()),
            Some(ErrorCode::DiskFull) => StoreError::Full(error.to_string()),
            _ => StoreError::Backend(Box::new(error)),
        }
    }
}

/// Stored in the API's text form, which sorts in time order.
impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Timestamp::parse(text).map_err(|error| FromSqlError::Other(Box::new(error)))
    }
}

impl ToSql for JobState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(
            self.as_str().as_bytes(),
        )))
    }
}

impl FromSql for JobState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        JobState::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown job state '{text}'").into()))
    }
}

impl ToSql for AuditEventType {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(
            self.as_str().as_bytes(),
        )))
    }
}

impl FromSql for AuditEventType {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        AuditEventType::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown audit event type '{text}'").into()))
    }
}

const WEBHOOK_COLUMN_NAMES: [&str; 21] = [
    "id",
    "name",
    "description",
    "type",
    "region",
    "category",
    "enabled",
    "created_at",
    "updated_at",
    "last_lead_at",
    "total_leads",
    "converted_leads",
    "total_revenue",
    "deleted_at",
    "deleted_by",
    "deletion_reason",
    "scheduled_deletion_at",
    "deletion_job_id",
    "enabled_before_deletion",
    "rejected_leads_since_deletion",
    "rejected_signatures",
];

const JOB_COLUMN_NAMES: [&str; 13] = [
    "id",
    "webhook_id",
    "webhook_name",
    "state",
    "attempts",
    "max_attempts",
    "execute_at",
    "next_attempt_at",
    "lease_expires_at",
    "last_error",
    "created_at",
    "updated_at",
    "completed_at",
];

/// Number of columns that [`webhook_columns`] selects, the offset of any columns after them.
pub(super) const WEBHOOK_COLUMN_COUNT: usize = WEBHOOK_COLUMN_NAMES.len();

/// Returns the column list that [`webhook_from_row`] reads, qualified with `alias`.
pub(super) fn webhook_columns(alias: &str) -> String {
    qualified(&WEBHOOK_COLUMN_NAMES, alias)
}

/// Returns the column list that [`job_from_row`] reads, qualified with `alias` unless it is empty.
pub(super) fn job_columns(alias: &str) -> String {
    qualified(&JOB_COLUMN_NAMES, alias)
}

fn qualified(names: &[&str], alias: &str) -> String {
    names
        .iter()
        .map(|name| {
            if alias.is_empty() {
                (*name).to_owned()
            } else {
                format!("{alias}.{name}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the columns of [`webhook_columns`] starting at column `at`.
pub(super) fn webhook_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Webhook> {
    let deletion = match row.get::<_, Option<Timestamp>>(at + 13)? {
        None => None,
        Some(deleted_at) => Some(Deletion {
            deleted_at,
            deleted_by: row.get(at + 14)?,
            reason: row.get(at + 15)?,
            scheduled_deletion_at: row.get(at + 16)?,
            job_id: row.get(at + 17)?,
            enabled_before: row.get(at + 18)?,
            rejected_leads: row.get(at + 19)?,
        }),
    };
    Ok(Webhook {
        id: row.get(at)?,
        name: row.get(at + 1)?,
        description: row.get(at + 2)?,
        kind: row.get(at + 3)?,
        region: row.get(at + 4)?,
        category: row.get(at + 5)?,
        enabled: row.get(at + 6)?,
        created_at: row.get(at + 7)?,
        updated_at: row.get(at + 8)?,
        last_lead_at: row.get(at + 9)?,
        total_leads: row.get(at + 10)?,
        converted_leads: row.get(at + 11)?,
        total_revenue: finite_total(row.get(at + 12)?),
        rejected_signatures: row.get(at + 20)?,
        deletion,
    })
}

/// Caps a stored revenue total at the largest finite `f64`. Lead intake rejects revenues above
/// 1e9, but a database written before that check may hold an infinite total, which JSON
/// cannot carry.
fn finite_total(total: f64) -> f64 {
    if total.is_nan() {
        0.0
    } else {
        total.clamp(f64::MIN, f64::MAX)
    }
}

/// Reads the columns of [`job_columns`] starting at column `at`.
pub(super) fn job_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Job> {
    Ok(Job {
        id: row.get(at)?,
        webhook_id: row.get(at + 1)?,
        webhook_name: row.get(at + 2)?,
        state: row.get(at + 3)?,
        attempts: row.get(at + 4)?,
        max_attempts: row.get(at + 5)?,
        execute_at: row.get(at + 6)?,
        next_attempt_at: row.get(at + 7)?,
        lease_expires_at: row.get(at + 8)?,
        last_error: row.get(at + 9)?,
        created_at: row.get(at + 10)?,
        updated_at: row.get(at + 11)?,
        completed_at: row.get(at + 12)?,
    })
}

/// Reads the job columns of a LEFT JOIN starting at column `at`: `None` when no job matched.
pub(super) fn optional_job_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<Job>> {
    match row.get::<_, Option<String>>(at)? {
        None => Ok(None),
        Some(_) => job_from_row(row, at).map(Some),
    }
}

/// Generates a random id such as `job_3f9a…`: the prefix and 128 bits in lowercase hex.
pub(super) fn random_id(prefix: &str) -> String {
    format!("{prefix}{:032x}", rand::random::<u128>())
}
