//! Webhook operations: create, list, read, leads, soft delete, force delete, restore, status.
//! Each function runs inside the transaction its caller opened.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use super::audit::{self, NewAuditEvent};
use super::jobs;
use super::rows::{
    job_columns, optional_job_from_row, random_id, webhook_columns, webhook_from_row,
    WEBHOOK_COLUMN_COUNT,
};
use crate::api::{format_webhook_id, JobState, Timestamp};
use crate::store::{
    ActivePage, AuditEventType, AuditQuery, AuditRecord, CancelCause, CreateOutcome,
    ForceDeleteOutcome, ForceDeleteRequest, Job, LeadOutcome, NewLead, NewWebhook, PageRequest,
    PermanentDeletion, PermanentDeletionKind, RestoreOutcome, RestoreRequest, SoftDeleteOutcome,
    SoftDeleteRequest, StatusOutcome, StoreError, Webhook, WebhookIdSpec, WebhookRecord,
};

pub(super) fn load(conn: &Connection, id: &str) -> Result<Option<Webhook>, StoreError> {
    let sql = format!(
        "SELECT {} FROM webhooks w WHERE w.id = ?1",
        webhook_columns("w")
    );
    let webhook = conn
        .prepare_cached(&sql)?
        .query_row([id], |row| webhook_from_row(row, 0))
        .optional()?;
    Ok(webhook)
}

/// Selects webhooks joined with the job of their current soft delete.
fn record_query(filter: &str) -> String {
    format!(
        "SELECT {}, {} FROM webhooks w
         LEFT JOIN deletion_jobs j ON j.id = w.deletion_job_id
         {filter}",
        webhook_columns("w"),
        job_columns("j"),
    )
}

fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<WebhookRecord> {
    Ok(WebhookRecord {
        webhook: webhook_from_row(row, 0)?,
        job: optional_job_from_row(row, WEBHOOK_COLUMN_COUNT)?,
    })
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Option<WebhookRecord>, StoreError> {
    let record = conn
        .prepare_cached(&record_query("WHERE w.id = ?1"))?
        .query_row([id], record_from_row)
        .optional()?;
    Ok(record)
}

pub(super) fn list_deleted(conn: &Connection) -> Result<Vec<WebhookRecord>, StoreError> {
    let sql = record_query("WHERE w.deleted_at IS NOT NULL ORDER BY w.scheduled_deletion_at, w.id");
    let mut statement = conn.prepare_cached(&sql)?;
    let records = statement
        .query_map([], record_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(records)
}

pub(super) fn list_active(
    conn: &Connection,
    page: Option<PageRequest>,
) -> Result<ActivePage, StoreError> {
    let total: u64 = conn
        .prepare_cached("SELECT COUNT(*) FROM webhooks WHERE deleted_at IS NULL")?
        .query_row([], |row| row.get(0))?;
    let page = page.unwrap_or(PageRequest {
        offset: 0,
        limit: None,
    });
    // SQLite reads a negative LIMIT as "no limit".
    let limit = page
        .limit
        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT {} FROM webhooks w WHERE w.deleted_at IS NULL
         ORDER BY w.created_at, w.id LIMIT ?1 OFFSET ?2",
        webhook_columns("w"),
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let webhooks = statement
        .query_map(params![limit, offset], |row| webhook_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ActivePage { webhooks, total })
}

pub(super) fn create(
    conn: &Connection,
    new: &NewWebhook,
    actor: &str,
    now: Timestamp,
) -> Result<CreateOutcome, StoreError> {
    let id = match &new.id {
        WebhookIdSpec::Given(id) => id.clone(),
        WebhookIdSpec::Next { prefix } => {
            match next_free_id(conn, prefix.as_deref(), &new.region, &new.category)? {
                Ok(id) => id,
                Err(pattern) => return Ok(CreateOutcome::NumbersExhausted { pattern }),
            }
        }
    };
    if load(conn, &id)?.is_some() {
        return Ok(CreateOutcome::IdTaken { id });
    }
    // An id that the audit trail or the leads table mentions belonged to a webhook that was
    // purged or force deleted. Reusing it would show the old webhook's leads and history
    // under the new one.
    let leads_preserved = count_leads(conn, &id)?;
    if leads_preserved > 0 || has_audit_events(conn, &id)? {
        let deletion = permanent_deletion(conn, &id)?;
        return Ok(CreateOutcome::IdRetired {
            id,
            deletion,
            leads_preserved,
        });
    }

    conn.prepare_cached(
        "INSERT INTO webhooks (id, name, description, type, region, category, enabled,
             created_at, updated_at, signing_secret)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8)",
    )?
    .execute(params![
        id,
        new.name,
        new.description,
        new.kind,
        new.region,
        new.category,
        now,
        new.signing_secret,
    ])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &id,
            webhook_name: &new.name,
            event_type: AuditEventType::Created,
            actor,
            reason: None,
            job_id: None,
            details: json!({
                "type": new.kind,
                "region": new.region,
                "category": new.category,
            }),
        },
        now,
    )?;
    let webhook = load(conn, &id)?
        .ok_or_else(|| StoreError::InvalidData(format!("webhook '{id}' vanished after insert")))?;
    Ok(CreateOutcome::Created(Box::new(webhook)))
}

fn has_audit_events(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    let found = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM audit_events WHERE webhook_id = ?1)")?
        .query_row([id], |row| row.get(0))?;
    Ok(found)
}

/// Reads the newest `purged` or `force_deleted` event of `id`, with the leads stored under it.
pub(super) fn permanent_deletion(
    conn: &Connection,
    id: &str,
) -> Result<Option<PermanentDeletion>, StoreError> {
    let mut newest: Option<AuditRecord> = None;
    for event_type in [AuditEventType::Purged, AuditEventType::ForceDeleted] {
        let query = AuditQuery {
            webhook_id: Some(id.to_owned()),
            event_type: Some(event_type),
            limit: 1,
            ..AuditQuery::default()
        };
        let found = audit::page(conn, &query)?.events.pop();
        if let Some(event) = found.filter(|event| newest.as_ref().is_none_or(|n| event.id > n.id)) {
            newest = Some(event);
        }
    }
    let Some(AuditRecord {
        event_type,
        created_at: deleted_at,
        actor,
        reason,
        job_id,
        details,
        ..
    }) = newest
    else {
        return Ok(None);
    };
    let detail_text = |key: &str| details.get(key).and_then(|value| value.as_str());
    // `force_deleted` events do not record the deadline, but the job they cancelled does.
    let scheduled_deletion_at = match detail_text("scheduled_deletion_at") {
        Some(text) => Timestamp::parse(text).ok(),
        None => match &job_id {
            Some(job_id) => jobs::load(conn, job_id)?.map(|job| job.execute_at),
            None => None,
        },
    };
    let (kind, deleted_by, reason) = match event_type {
        // The queue writes `purged` as `system`; the user is the one who soft-deleted it.
        // Events written before the deletion reason moved into `details` carry it in `reason`.
        AuditEventType::Purged => (
            PermanentDeletionKind::Purged,
            detail_text("deleted_by").map_or(actor, str::to_owned),
            detail_text("deletion_reason").map(str::to_owned).or(reason),
        ),
        _ => (PermanentDeletionKind::ForceDeleted, actor, reason),
    };
    Ok(Some(PermanentDeletion {
        kind,
        deleted_at,
        deleted_by,
        reason,
        job_id,
        scheduled_deletion_at,
        leads_preserved: count_leads(conn, id)?,
    }))
}

/// Finds the lowest number that no webhook, audit event or lead has ever used with this
/// prefix, region and category. Returns `Err(pattern)` when all of 001 to 999 are used.
fn next_free_id(
    conn: &Connection,
    prefix: Option<&str>,
    region: &str,
    category: &str,
) -> Result<Result<String, String>, StoreError> {
    let first = format_webhook_id(prefix, region, category, 0);
    let stem = &first[..first.len() - 3];
    // GLOB is case-sensitive and treats '_' and '-' literally. The caller has validated that
    // the parts contain no GLOB wildcards.
    let pattern = format!("{stem}[0-9][0-9][0-9]");
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT CAST(substr(id, -3) AS INTEGER) FROM (
             SELECT id FROM webhooks WHERE id GLOB ?1
             UNION
             SELECT webhook_id FROM audit_events WHERE webhook_id GLOB ?1
             UNION
             SELECT webhook_id FROM leads WHERE webhook_id GLOB ?1
         )",
    )?;
    let used = statement
        .query_map([&pattern], |row| row.get::<_, i64>(0))?
        .collect::<Result<std::collections::HashSet<i64>, _>>()?;
    let free = (1..=999u16).find(|number| !used.contains(&i64::from(*number)));
    match free {
        Some(number) => Ok(Ok(format_webhook_id(prefix, region, category, number))),
        None => Ok(Err(format!("{stem}NNN"))),
    }
}

pub(super) fn record_lead(
    conn: &Connection,
    lead: &NewLead,
    now: Timestamp,
) -> Result<LeadOutcome, StoreError> {
    let Some(webhook) = load(conn, &lead.webhook_id)? else {
        return Ok(LeadOutcome::NotFound);
    };
    if let Some(mut deletion) = webhook.deletion {
        conn.prepare_cached(
            "UPDATE webhooks SET rejected_leads_since_deletion = rejected_leads_since_deletion + 1
             WHERE id = ?1",
        )?
        .execute([&lead.webhook_id])?;
        deletion.rejected_leads += 1;
        return Ok(LeadOutcome::SoftDeleted(deletion));
    }
    if !webhook.enabled {
        return Ok(LeadOutcome::Disabled);
    }
    conn.prepare_cached(
        "INSERT INTO leads (webhook_id, payload, revenue, received_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![lead.webhook_id, lead.payload, lead.revenue, now])?;
    let lead_id = conn.last_insert_rowid();
    let revenue = lead.revenue.unwrap_or(0.0);
    let converted = i64::from(revenue > 0.0);
    // MIN keeps the total finite: SQLite would store an overflowing sum as infinity, which
    // JSON cannot carry.
    conn.prepare_cached(
        "UPDATE webhooks SET total_leads = total_leads + 1,
             converted_leads = converted_leads + ?2,
             total_revenue = MIN(total_revenue + ?3, 1.7976931348623157e308),
             last_lead_at = ?4
         WHERE id = ?1",
    )?
    .execute(params![lead.webhook_id, converted, revenue, now])?;
    Ok(LeadOutcome::Accepted { lead_id })
}

/// Counts the leads of one webhook, which no operation ever deletes.
pub(super) fn count_leads(conn: &Connection, webhook_id: &str) -> Result<u64, StoreError> {
    let count = conn
        .prepare_cached("SELECT COUNT(*) FROM leads WHERE webhook_id = ?1")?
        .query_row([webhook_id], |row| row.get(0))?;
    Ok(count)
}

pub(super) fn soft_delete(
    conn: &Connection,
    request: &SoftDeleteRequest,
    now: Timestamp,
) -> Result<SoftDeleteOutcome, StoreError> {
    let Some(webhook) = load(conn, &request.id)? else {
        return Ok(SoftDeleteOutcome::NotFound);
    };
    if let Some(deletion) = webhook.deletion {
        return Ok(SoftDeleteOutcome::AlreadyDeleted(deletion));
    }

    let job_id = random_id("job_");
    conn.prepare_cached(
        "INSERT INTO deletion_jobs (id, webhook_id, webhook_name, state, attempts, max_attempts,
             execute_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![
        job_id,
        webhook.id,
        webhook.name,
        request.max_attempts,
        request.scheduled_deletion_at,
        now,
    ])?;
    conn.prepare_cached(
        "UPDATE webhooks SET enabled = 0, enabled_before_deletion = enabled,
             deleted_at = ?2, deleted_by = ?3, deletion_reason = ?4,
             scheduled_deletion_at = ?5, deletion_job_id = ?6,
             rejected_leads_since_deletion = 0, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![
        webhook.id,
        now,
        request.actor,
        request.reason,
        request.scheduled_deletion_at,
        job_id,
    ])?;
    let leads_preserved = count_leads(conn, &webhook.id)?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &webhook.id,
            webhook_name: &webhook.name,
            event_type: AuditEventType::SoftDeleted,
            actor: &request.actor,
            reason: Some(&request.reason),
            job_id: Some(&job_id),
            details: json!({
                "scheduled_deletion_at": request.scheduled_deletion_at,
                "leads_preserved": leads_preserved,
                "was_enabled": webhook.enabled,
            }),
        },
        now,
    )?;
    let job = jobs::load(conn, &job_id)?
        .ok_or_else(|| StoreError::InvalidData(format!("job '{job_id}' vanished after insert")))?;
    Ok(SoftDeleteOutcome::Scheduled {
        webhook_name: webhook.name,
        job,
        leads_preserved,
    })
}

pub(super) fn force_delete(
    conn: &Connection,
    request: &ForceDeleteRequest,
    now: Timestamp,
) -> Result<ForceDeleteOutcome, StoreError> {
    let Some(webhook) = load(conn, &request.id)? else {
        return Ok(ForceDeleteOutcome::NotFound);
    };
    if webhook.name != request.confirm_name {
        return Ok(ForceDeleteOutcome::NameMismatch);
    }

    conn.prepare_cached("DELETE FROM webhooks WHERE id = ?1")?
        .execute([&webhook.id])?;
    let leads_preserved = count_leads(conn, &webhook.id)?;
    let job_id = webhook
        .deletion
        .as_ref()
        .map(|deletion| deletion.job_id.as_str());
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: &webhook.id,
            webhook_name: &webhook.name,
            event_type: AuditEventType::ForceDeleted,
            actor: &request.actor,
            reason: Some(&request.reason),
            job_id,
            details: json!({
                "leads_preserved": leads_preserved,
                "was_soft_deleted": webhook.deletion.is_some(),
            }),
        },
        now,
    )?;
    let cancelled_job_id = match job_id {
        Some(job_id) => {
            let cancelled =
                jobs::cancel(conn, job_id, CancelCause::ForceDeleted, &request.actor, now)?;
            cancelled.then(|| job_id.to_owned())
        }
        None => None,
    };
    Ok(ForceDeleteOutcome::Deleted {
        webhook_name: webhook.name,
        leads_preserved,
        was_soft_deleted: webhook.deletion.is_some(),
        cancelled_job_id,
    })
}

pub(super) fn restore(
    conn: &Connection,
    request: &RestoreRequest,
    now: Timestamp,
) -> Result<RestoreOutcome, StoreError> {
    let id = request.id.as_str();
    let Some(webhook) = load(conn, id)? else {
        return Ok(RestoreOutcome::NotFound);
    };
    let Some(deletion) = webhook.deletion else {
        return Ok(RestoreOutcome::NotDeleted);
    };
    let job: Option<Job> = jobs::load(conn, &deletion.job_id)?;
    let job_state = job.as_ref().map(|job| job.state);
    // A processing job is purging right now. It is checked before the deadline, so the caller
    // learns that the purge is under way.
    if let Some(job) = &job {
        if job.state == JobState::Processing {
            return Ok(RestoreOutcome::JobProcessing {
                job_id: job.id.clone(),
                job_state: job.state,
            });
        }
    }
    // A failed or dead-lettered job was claimed, which happens only at or after the deadline.
    // A wall clock that has jumped back since must not reopen the window.
    let attempted = matches!(job_state, Some(JobState::Failed | JobState::DeadLetter));
    if attempted || now >= deletion.scheduled_deletion_at {
        return Ok(RestoreOutcome::WindowClosed {
            scheduled_deletion_at: deletion.scheduled_deletion_at,
            job_state,
        });
    }

    let enabled = request.enabled.unwrap_or(deletion.enabled_before);
    conn.prepare_cached(
        "UPDATE webhooks SET enabled = ?3, enabled_before_deletion = NULL,
             deleted_at = NULL, deleted_by = NULL, deletion_reason = NULL,
             scheduled_deletion_at = NULL, deletion_job_id = NULL,
             rejected_leads_since_deletion = 0, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![id, now, enabled])?;
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: id,
            webhook_name: &webhook.name,
            event_type: AuditEventType::Restored,
            actor: &request.actor,
            // The restore has no reason of its own; the deletion's reason is a detail.
            reason: None,
            job_id: Some(&deletion.job_id),
            details: json!({
                "deletion_reason": deletion.reason,
                "deleted_at": deletion.deleted_at,
                "deleted_by": deletion.deleted_by,
                "scheduled_deletion_at": deletion.scheduled_deletion_at,
                "rejected_leads_since_deletion": deletion.rejected_leads,
                "enabled": enabled,
                "enabled_before_deletion": deletion.enabled_before,
                "enabled_requested": request.enabled,
            }),
        },
        now,
    )?;
    jobs::cancel(
        conn,
        &deletion.job_id,
        CancelCause::Restored,
        &request.actor,
        now,
    )?;
    Ok(RestoreOutcome::Restored {
        webhook_name: webhook.name,
        enabled,
        job_id: deletion.job_id,
    })
}

pub(super) fn set_enabled(
    conn: &Connection,
    id: &str,
    enabled: bool,
    actor: &str,
    now: Timestamp,
) -> Result<StatusOutcome, StoreError> {
    let Some(webhook) = load(conn, id)? else {
        return Ok(StatusOutcome::NotFound);
    };
    if webhook.deletion.is_some() {
        return Ok(StatusOutcome::SoftDeleted);
    }
    if webhook.enabled == enabled {
        return Ok(StatusOutcome::Updated { changed: false });
    }
    conn.prepare_cached("UPDATE webhooks SET enabled = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, enabled, now])?;
    let event_type = if enabled {
        AuditEventType::Enabled
    } else {
        AuditEventType::Disabled
    };
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: id,
            webhook_name: &webhook.name,
            event_type,
            actor,
            reason: None,
            job_id: None,
            details: json!({}),
        },
        now,
    )?;
    Ok(StatusOutcome::Updated { changed: true })
}
