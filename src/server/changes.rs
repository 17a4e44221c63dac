//! `GET /changes`: the data revision, so that a poller learns with one request, usually a 304,
//! that none of the lists it shows has changed.

use axum::extract::State;
use axum::Json;

use super::error::ApiError;
use super::AppState;
use crate::api::{Changes, Timestamp};

pub async fn revision(State(state): State<AppState>) -> Result<Json<Changes>, ApiError> {
    let now = state.now();
    let data = state.store.data_revision(now).await?;
    let boundary =
        |at: Option<Timestamp>| at.map_or_else(|| "none".to_owned(), |at| at.millis().to_string());
    Ok(Json(Changes {
        revision: format!(
            "{}.{}.{}",
            data.revision,
            boundary(data.next_boundary_after),
            boundary(data.next_boundary_from)
        ),
        timestamp: now,
    }))
}
