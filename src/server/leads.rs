//! `POST /webhook/{id}`: lead intake.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::extract::{RawBody, WebhookId};
use super::AppState;
use crate::api::LeadAccepted;
use crate::store::{LeadOutcome, NewLead};

/// Stores a lead sent to an active, enabled webhook. Any Content-Type is accepted, because
/// lead vendors often send JSON under other types. The body must be a JSON object.
pub async fn receive(
    State(state): State<AppState>,
    WebhookId(id): WebhookId,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<LeadAccepted>), ApiError> {
    let lead = parse_lead(&body)?;
    let revenue = revenue(&lead)?;
    let now = state.now();
    let new = NewLead {
        webhook_id: id.clone(),
        payload: Value::Object(lead).to_string(),
        revenue,
    };
    match state.store.record_lead(new, now).await? {
        LeadOutcome::Accepted { lead_id } => Ok((
            StatusCode::CREATED,
            Json(LeadAccepted {
                status: "success".to_owned(),
                message: format!("Lead {lead_id} received by webhook '{id}'"),
                webhook_id: id,
                lead_id,
                timestamp: now,
            }),
        )),
        LeadOutcome::NotFound => Err(ApiError::WebhookNotFound { id }),
        LeadOutcome::Disabled => Err(ApiError::WebhookDisabled { id }),
        LeadOutcome::SoftDeleted(deletion) => {
            tracing::info!(
                webhook_id = %id,
                rejected_leads_since_deletion = deletion.rejected_leads,
                "lead rejected: the webhook is soft-deleted"
            );
            let restorable = now < deletion.scheduled_deletion_at;
            Err(ApiError::LeadRejected {
                id,
                deletion: Box::new(deletion),
                restorable,
            })
        }
    }
}

fn parse_lead(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let title = "Invalid JSON body";
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        ApiError::invalid(
            title,
            format!("invalid JSON body: {error}; send the lead as a JSON object"),
        )
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::invalid(
            title,
            format!(
                "the lead must be a JSON object, but the body is {}",
                json_kind(&other)
            ),
        )),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads the optional `revenue` field: absent or null gives `None`, otherwise a finite
/// number of 0 or more.
fn revenue(lead: &Map<String, Value>) -> Result<Option<f64>, ApiError> {
    match lead.get("revenue") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => match number.as_f64() {
            Some(amount) if amount.is_finite() && amount >= 0.0 => Ok(Some(amount)),
            _ => Err(invalid_revenue(&number.to_string())),
        },
        Some(other) => Err(invalid_revenue(&other.to_string())),
    }
}

fn invalid_revenue(value: &str) -> ApiError {
    let shown: String = value.chars().take(50).collect();
    ApiError::invalid(
        "Invalid field",
        format!("invalid revenue {shown}: use a number of 0 or more, or leave the field out"),
    )
}
