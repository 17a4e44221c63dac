//! Lead signing secrets and the count of leads rejected for their signature.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use super::audit::{self, NewAuditEvent};
use crate::api::Timestamp;
use crate::store::{AuditEventType, LeadKey, StoreError};

/// Reads the signing secret of a webhook, active or soft-deleted.
pub(super) fn lead_key(conn: &Connection, webhook_id: &str) -> Result<LeadKey, StoreError> {
    let secret: Option<Option<String>> = conn
        .prepare_cached("SELECT signing_secret FROM webhooks WHERE id = ?1")?
        .query_row([webhook_id], |row| row.get(0))
        .optional()?;
    Ok(match secret {
        None => LeadKey::NotFound,
        Some(signing_secret) => LeadKey::Found { signing_secret },
    })
}

/// Replaces the signing secret and writes `signing_secret_rotated`, which records neither
/// secret. Returns `false` when no webhook has this id.
pub(super) fn set_secret(
    conn: &Connection,
    webhook_id: &str,
    secret: &str,
    actor: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let row: Option<(String, bool)> = conn
        .prepare_cached("SELECT name, signing_secret IS NOT NULL FROM webhooks WHERE id = ?1")?
        .query_row([webhook_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((name, had_secret)) = row else {
        return Ok(false);
    };
    conn.prepare_cached("UPDATE webhooks SET signing_secret = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![webhook_id, secret, now])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id,
            webhook_name: &name,
            event_type: AuditEventType::SigningSecretRotated,
            actor,
            reason: None,
            job_id: None,
            details: json!({ "replaced_secret": had_secret }),
        },
        now,
    )?;
    Ok(true)
}

/// Adds one to the webhook's count of leads rejected for their signature.
pub(super) fn count_rejection(conn: &Connection, webhook_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE webhooks SET rejected_signatures = rejected_signatures + 1 WHERE id = ?1",
    )?
    .execute([webhook_id])?;
    Ok(())
}
