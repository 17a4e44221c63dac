//! `GET /health`: liveness and the extensions this server provides.

use axum::extract::State;
use axum::Json;

use super::AppState;
use crate::api::{self, extension, Health};

pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        service: api::SERVICE_NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        extensions: [
            extension::AUDIT,
            extension::QUEUE,
            extension::BULK_RESTORE,
            extension::LEAD_REJECTION_COUNT,
            extension::PAGINATION,
            extension::ETAG,
            extension::JOB_RETRY,
            extension::INTEGRITY,
            extension::RESTORE_DISABLED,
            extension::AUTH,
            extension::SIGNED_LEADS,
            extension::OPENAPI,
            extension::CHANGES,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect(),
        grace_period_seconds: state.grace_period.num_seconds().max(0) as u64,
        timestamp: state.now(),
    })
}
