//! The append-only audit trail.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use crate::api::Timestamp;
use crate::store::{AuditEventType, AuditQuery, AuditRecord, AuditRows, StoreError};

/// An audit event to append inside the transaction of the change it records.
pub(super) struct NewAuditEvent<'a> {
    pub webhook_id: &'a str,
    pub webhook_name: &'a str,
    pub event_type: AuditEventType,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub job_id: Option<&'a str>,
    pub details: serde_json::Value,
}

pub(super) fn append(
    conn: &Connection,
    event: &NewAuditEvent<'_>,
    now: Timestamp,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit_events
             (webhook_id, webhook_name, event_type, actor, reason, job_id, details, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        event.webhook_id,
        event.webhook_name,
        event.event_type,
        event.actor,
        event.reason,
        event.job_id,
        event.details.to_string(),
        now,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Reads one page newest first. It fetches one row beyond `limit` to learn whether older
/// events exist.
pub(super) fn page(conn: &Connection, query: &AuditQuery) -> Result<AuditRows, StoreError> {
    let mut sql = String::from(
        "SELECT id, webhook_id, webhook_name, event_type, actor, reason, job_id, details,
                created_at
         FROM audit_events WHERE 1 = 1",
    );
    let mut values: Vec<Value> = Vec::new();
    if let Some(webhook_id) = &query.webhook_id {
        values.push(Value::Text(webhook_id.clone()));
        sql.push_str(&format!(" AND webhook_id = ?{}", values.len()));
    }
    if let Some(event_type) = query.event_type {
        values.push(Value::Text(event_type.as_str().to_owned()));
        sql.push_str(&format!(" AND event_type = ?{}", values.len()));
    }
    if let Some(actor) = &query.actor {
        values.push(Value::Text(actor.clone()));
        sql.push_str(&format!(" AND actor = ?{}", values.len()));
    }
    if let Some(before_id) = query.before_id {
        values.push(Value::Integer(before_id));
        sql.push_str(&format!(" AND id < ?{}", values.len()));
    }
    values.push(Value::Integer(i64::from(query.limit) + 1));
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ?{}", values.len()));

    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values), |row| {
        let details: String = row.get(7)?;
        Ok(AuditRecord {
            id: row.get(0)?,
            webhook_id: row.get(1)?,
            webhook_name: row.get(2)?,
            event_type: row.get(3)?,
            actor: row.get(4)?,
            reason: row.get(5)?,
            job_id: row.get(6)?,
            details: serde_json::from_str(&details).unwrap_or(serde_json::Value::String(details)),
            created_at: row.get(8)?,
        })
    })?;
    let mut events = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = events.len() > query.limit as usize;
    events.truncate(query.limit as usize);
    Ok(AuditRows { events, has_more })
}
