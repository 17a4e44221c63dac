//! `GET /audit` and `GET /webhook/{id}/audit`: the audit trail, newest first, with cursor
//! pagination. A webhook's history stays readable after it is purged.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{QueryParams, WebhookId};
use super::{validate, AppState};
use crate::api::{AuditEvent, AuditPage};
use crate::store::{AuditEventType, AuditQuery, AuditRecord};

/// Events per page when `limit` is absent.
pub const DEFAULT_AUDIT_LIMIT: u32 = 50;
/// Maximum `limit`.
pub const MAX_AUDIT_LIMIT: u32 = 500;

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    limit: Option<String>,
    cursor: Option<String>,
    event_type: Option<String>,
    user: Option<String>,
}

pub async fn global(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    page(&state, None, params).await.map(Json)
}

pub async fn for_webhook(
    State(state): State<AppState>,
    WebhookId(id): WebhookId,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    page(&state, Some(id), params).await.map(Json)
}

async fn page(
    state: &AppState,
    webhook_id: Option<String>,
    params: AuditParams,
) -> Result<AuditPage, ApiError> {
    let query = AuditQuery {
        webhook_id,
        event_type: params.event_type.as_deref().map(event_type).transpose()?,
        actor: params
            .user
            .map(|user| user.trim().to_owned())
            .filter(|user| !user.is_empty()),
        before_id: params.cursor.as_deref().map(cursor).transpose()?,
        limit: validate::limit(
            params.limit.as_deref(),
            DEFAULT_AUDIT_LIMIT,
            MAX_AUDIT_LIMIT,
        )?,
    };
    let rows = state.store.audit_events(query).await?;
    let next_cursor = if rows.has_more {
        rows.events.last().map(|event| event.id.to_string())
    } else {
        None
    };
    Ok(AuditPage {
        events: rows.events.into_iter().map(audit_event).collect(),
        next_cursor,
        timestamp: state.now(),
    })
}

fn event_type(text: &str) -> Result<AuditEventType, ApiError> {
    AuditEventType::parse(text.trim()).ok_or_else(|| {
        let valid: Vec<&str> = AuditEventType::ALL
            .iter()
            .map(|kind| kind.as_str())
            .collect();
        ApiError::invalid(
            "Invalid event type",
            format!(
                "invalid event_type '{text}': use one of {}",
                valid.join(", ")
            ),
        )
    })
}

/// Parses a cursor, the id of the last event of the previous page. Clients treat it as
/// opaque text.
fn cursor(text: &str) -> Result<i64, ApiError> {
    match text.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ApiError::invalid(
            "Invalid cursor",
            format!("invalid cursor '{text}': pass the next_cursor of the previous page unchanged"),
        )),
    }
}

fn audit_event(record: AuditRecord) -> AuditEvent {
    AuditEvent {
        id: record.id,
        webhook_id: record.webhook_id,
        webhook_name: record.webhook_name,
        event_type: record.event_type.as_str().to_owned(),
        actor: record.actor,
        reason: record.reason,
        job_id: record.job_id,
        details: record.details,
        created_at: record.created_at,
    }
}
