//! `POST /webhook/{id}`: lead intake, authenticated by the webhook's HMAC signature rather
//! than a token, and `POST /webhook/{id}/signing-secret`, which replaces that secret.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::{error_response, random_hex};
use super::error::ApiError;
use super::extract::{Actor, RawBody, WebhookId};
use super::AppState;
use crate::api::{
    paths, verify_lead_signature, LeadAccepted, SigningSecretResponse, Timestamp, SIGNATURE_HEADER,
    SIGNING_SECRET_PREFIX,
};
use crate::store::{AuditEventType, AuditQuery, LeadKey, LeadOutcome, NewLead};

/// Largest revenue of one lead. Anything above is a unit or typing error, and a few values
/// near `f64::MAX` would overflow the webhook's total.
pub const MAX_REVENUE: f64 = 1e9;

/// Generates a signing secret: `whsec_` and 32 bytes from the operating system's random
/// source in hex.
pub fn new_signing_secret() -> String {
    format!("{SIGNING_SECRET_PREFIX}{}", random_hex())
}

/// Stores a lead sent to an active, enabled webhook with a valid `X-Webhook-Signature`. Any
/// Content-Type is accepted, because lead vendors often send JSON under other types. The body
/// must be a JSON object.
pub async fn receive(
    State(state): State<AppState>,
    WebhookId(id): WebhookId,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Response {
    match receive_checked(&state, id, &headers, &body).await {
        Ok(accepted) => (StatusCode::CREATED, Json(accepted)).into_response(),
        Err(response) => response,
    }
}

async fn receive_checked(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<LeadAccepted, Response> {
    let key = state.store.lead_key(&id).await.map_err(api_error)?;
    let secret = match key {
        LeadKey::NotFound => return Err(not_found(state, id).await),
        LeadKey::Found { signing_secret } => signing_secret,
    };
    if let Err(problem) = check_signature(secret.as_deref(), headers, body) {
        return Err(reject_signature(state, &id, problem).await);
    }
    let lead = parse_lead(body).map_err(api_error)?;
    let revenue = revenue(&lead).map_err(api_error)?;
    let now = state.now();
    let new = NewLead {
        webhook_id: id.clone(),
        payload: Value::Object(lead).to_string(),
        revenue,
    };
    match state.store.record_lead(new, now).await.map_err(api_error)? {
        LeadOutcome::Accepted { lead_id } => Ok(LeadAccepted {
            status: "success".to_owned(),
            message: format!("Lead {lead_id} received by webhook '{id}'"),
            webhook_id: id,
            lead_id,
            timestamp: now,
        }),
        LeadOutcome::NotFound => Err(not_found(state, id).await),
        LeadOutcome::Disabled => Err(api_error(ApiError::WebhookDisabled { id })),
        LeadOutcome::SoftDeleted(deletion) => {
            tracing::info!(
                webhook_id = %id,
                rejected_leads_since_deletion = deletion.rejected_leads,
                "lead rejected: the webhook is soft-deleted"
            );
            let restorable = now < deletion.scheduled_deletion_at;
            Err(api_error(ApiError::LeadRejected {
                id,
                deletion: Box::new(deletion),
                restorable,
            }))
        }
    }
}

fn api_error(error: impl Into<ApiError>) -> Response {
    error.into().into_response()
}

/// Reason a lead's signature was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignatureProblem {
    NoSecret,
    Missing,
    Invalid,
}

fn check_signature(
    secret: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), SignatureProblem> {
    let secret = secret.ok_or(SignatureProblem::NoSecret)?;
    let header = headers
        .get(SIGNATURE_HEADER)
        .ok_or(SignatureProblem::Missing)?
        .to_str()
        .map_err(|_| SignatureProblem::Invalid)?;
    if verify_lead_signature(secret, body, header) {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

/// Counts the rejection on the webhook and returns 401.
async fn reject_signature(state: &AppState, id: &str, problem: SignatureProblem) -> Response {
    if let Err(error) = state.store.count_signature_rejection(id).await {
        tracing::warn!(%error, webhook_id = %id, "failed to count a lead rejected for its signature");
    }
    tracing::info!(webhook_id = %id, problem = ?problem, "lead rejected: signature check failed");
    let message = match problem {
        SignatureProblem::NoSecret => format!(
            "webhook '{id}' has no signing secret, so it rejects every lead; an admin sets one \
             with POST {}",
            paths::signing_secret(id)
        ),
        SignatureProblem::Missing => format!(
            "missing {SIGNATURE_HEADER} header: sign the raw body with HMAC-SHA256 and the \
             webhook's signing secret, and send sha256=<hex digest>"
        ),
        SignatureProblem::Invalid => format!(
            "invalid {SIGNATURE_HEADER}: it does not match the body; send sha256= and the hex \
             HMAC-SHA256 of the exact raw body, keyed with the webhook's signing secret"
        ),
    };
    error_response(
        StatusCode::UNAUTHORIZED,
        "Invalid signature",
        message,
        json!({ "webhook_id": id }),
        state.now(),
    )
}

/// Returns 410 naming the time of the purge or force delete when the audit trail records
/// one for this id, else 404.
async fn not_found(state: &AppState, id: String) -> Response {
    let query = AuditQuery {
        webhook_id: Some(id.clone()),
        limit: 20,
        ..AuditQuery::default()
    };
    let events = match state.store.audit_events(query).await {
        Ok(rows) => rows.events,
        Err(error) => {
            tracing::warn!(%error, webhook_id = %id, "failed to read the audit trail of a missing webhook");
            Vec::new()
        }
    };
    let removal = events.into_iter().find(|event| {
        matches!(
            event.event_type,
            AuditEventType::Purged | AuditEventType::ForceDeleted
        )
    });
    let Some(event) = removal else {
        return api_error(ApiError::WebhookNotFound { id });
    };
    let cause = if event.event_type == AuditEventType::Purged {
        "purged at the end of its grace period".to_owned()
    } else {
        format!("force-deleted by {}", event.actor)
    };
    gone(state.now(), &id, event.created_at, event.event_type, &cause)
}

fn gone(
    now: Timestamp,
    id: &str,
    deleted_at: Timestamp,
    event_type: AuditEventType,
    cause: &str,
) -> Response {
    error_response(
        StatusCode::GONE,
        "Webhook deleted",
        format!(
            "webhook '{id}' was permanently deleted at {deleted_at} ({cause}) and accepts no \
             leads; send them to another webhook"
        ),
        json!({
            "webhook_id": id,
            "deleted_at": deleted_at,
            "deletion_type": event_type.as_str(),
        }),
        now,
    )
}

/// Replaces the webhook's signing secret and returns the new one. Leads signed with the old
/// secret are rejected from then on.
pub async fn rotate_secret(
    State(state): State<AppState>,
    WebhookId(id): WebhookId,
    Actor(actor): Actor,
) -> Result<Json<SigningSecretResponse>, ApiError> {
    let secret = new_signing_secret();
    let now = state.now();
    if !state
        .store
        .set_signing_secret(&id, &secret, &actor, now)
        .await?
    {
        return Err(super::deleted::not_found(&state, id, false).await);
    }
    tracing::info!(webhook_id = %id, %actor, "signing secret replaced");
    Ok(Json(SigningSecretResponse {
        status: "success".to_owned(),
        message: format!(
            "Signing secret of webhook '{id}' replaced; leads signed with the old one are \
             rejected from now on"
        ),
        webhook_id: id,
        signing_secret: secret,
        timestamp: now,
    }))
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
/// number from 0 to [`MAX_REVENUE`].
fn revenue(lead: &Map<String, Value>) -> Result<Option<f64>, ApiError> {
    match lead.get("revenue") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => match number.as_f64() {
            Some(amount) if amount.is_finite() && (0.0..=MAX_REVENUE).contains(&amount) => {
                Ok(Some(amount))
            }
            _ => Err(invalid_revenue(&number.to_string())),
        },
        Some(other) => Err(invalid_revenue(&other.to_string())),
    }
}

fn invalid_revenue(value: &str) -> ApiError {
    let truncated: String = value.chars().take(50).collect();
    ApiError::invalid(
        "Invalid field",
        format!(
            "invalid revenue {truncated}: use a number from 0 to 1000000000 (1e9), or leave the \
             field out"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(text: &str) -> Map<String, Value> {
        parse_lead(text.as_bytes()).unwrap()
    }

    #[test]
    fn revenue_accepts_the_range_ends() {
        assert_eq!(revenue(&lead(r#"{"revenue":0}"#)).unwrap(), Some(0.0));
        assert_eq!(revenue(&lead(r#"{"revenue":1e9}"#)).unwrap(), Some(1e9));
        assert_eq!(revenue(&lead(r#"{"revenue":null}"#)).unwrap(), None);
        assert_eq!(revenue(&lead(r#"{}"#)).unwrap(), None);
    }

    #[test]
    fn revenue_outside_range_names_value_and_range() {
        for (body, shown) in [
            (r#"{"revenue":1e308}"#, "1e+308"),
            (r#"{"revenue":1000000000.5}"#, "1000000000.5"),
            (r#"{"revenue":-1}"#, "-1"),
            (r#"{"revenue":"12"}"#, "\"12\""),
        ] {
            let message = revenue(&lead(body)).unwrap_err().to_string();
            assert!(message.contains(shown), "{body}: {message}");
            assert!(message.contains("1000000000"), "{body}: {message}");
        }
    }

    #[test]
    fn signing_secrets_differ() {
        let first = new_signing_secret();
        assert!(first.starts_with(SIGNING_SECRET_PREFIX));
        assert_ne!(first, new_signing_secret());
    }
}
