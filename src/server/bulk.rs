//! `POST /webhooks/restore`: restore many webhooks in one request, each in its own
//! transaction, with one result per id.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::deleted::restore_one;
use super::error::ApiError;
use super::extract::{Actor, JsonBody};
use super::validate::shown;
use super::AppState;
use crate::api::{parse_webhook_id, BulkRestoreItem, BulkRestoreRequest, BulkRestoreResponse};

/// Maximum number of ids in one bulk request.
pub const MAX_BULK_IDS: usize = 500;

pub async fn restore(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(request): JsonBody<BulkRestoreRequest>,
) -> Result<Json<BulkRestoreResponse>, ApiError> {
    if request.ids.is_empty() {
        return Err(ApiError::invalid(
            "Invalid ids",
            "the ids list is empty: pass {\"ids\": [\"<webhook id>\", ...]}",
        ));
    }
    if request.ids.len() > MAX_BULK_IDS {
        return Err(ApiError::invalid(
            "Invalid ids",
            format!(
                "the ids list has {} entries; the maximum is {MAX_BULK_IDS}, so split the request",
                request.ids.len()
            ),
        ));
    }
    // A second restore of the same id would fail with "not deleted" after the first one
    // succeeded, and count as a failure, so a repeated id is rejected before anything runs.
    let mut seen = HashSet::with_capacity(request.ids.len());
    if let Some(repeated) = request.ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::invalid(
            "Invalid ids",
            format!(
                "the ids list contains '{}' more than once; send each id once (nothing was \
                 restored)",
                shown(repeated)
            ),
        ));
    }
    let mut results = Vec::with_capacity(request.ids.len());
    for id in request.ids {
        let outcome = match parse_webhook_id(&id) {
            Ok(_) => restore_one(&state, id.clone(), &actor, None).await,
            Err(invalid) => Err(ApiError::from(invalid)),
        };
        results.push(item(id, outcome));
    }
    let restored = results.iter().filter(|item| item.restored).count() as u64;
    let failed = results.len() as u64 - restored;
    tracing::info!(%actor, restored, failed, "bulk restore finished");
    Ok(Json(BulkRestoreResponse {
        results,
        restored,
        failed,
        timestamp: state.now(),
    }))
}

fn item(
    webhook_id: String,
    outcome: Result<crate::api::RestoreResponse, ApiError>,
) -> BulkRestoreItem {
    match outcome {
        Ok(response) => BulkRestoreItem {
            webhook_id,
            status: StatusCode::OK.as_u16(),
            restored: true,
            error: None,
            message: response.message,
        },
        Err(error) => {
            if let ApiError::Store(source) = &error {
                tracing::error!(%webhook_id, error = %source, "bulk restore item failed");
            }
            BulkRestoreItem {
                webhook_id,
                status: error.status().as_u16(),
                restored: false,
                error: Some(error.title().to_owned()),
                message: error.to_string(),
            }
        }
    }
}
