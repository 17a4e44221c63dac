//! Requests for operators' tools: conditional GETs that cost a 304 when nothing changed, job
//! retries, and restoring a webhook disabled.
//!
//! These are free functions over [`ApiClient`] so that they never clash with methods that
//! the client gains for the same routes.

use reqwest::header::{ETAG, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::{body_timestamp, date_header, encode_segment, parse_error_response, read_body};
use super::{ApiClient, ApiError, ApiResponse};
use crate::api::{extension, paths, DeadLetterRetryResponse, JobRetryResponse, RestoreResponse};

/// The body of a conditional GET: new data, or the server's word that the copy sent in
/// `If-None-Match` is still current.
#[derive(Debug, Clone, PartialEq)]
pub enum Conditional<T> {
    Modified(T),
    NotModified,
}

impl<T> Conditional<T> {
    pub fn modified(self) -> Option<T> {
        match self {
            Conditional::Modified(body) => Some(body),
            Conditional::NotModified => None,
        }
    }
}

/// A conditional GET's response and the `ETag` to send next time.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    pub response: ApiResponse<Conditional<T>>,
    pub etag: Option<String>,
}

/// Sends `GET path?pairs` with `If-None-Match: etag` when an `ETag` is known. A 304 returns
/// [`Conditional::NotModified`] with the server time of its `Date` header.
///
/// # Errors
///
/// Transport failures, non-success statuses other than 304, and bodies that do not decode.
pub async fn get_conditional<T: DeserializeOwned>(
    client: &ApiClient,
    path: &str,
    pairs: &[(&str, String)],
    etag: Option<&str>,
) -> Result<Tagged<T>, ApiError> {
    let url = client.url(path);
    let mut request = client.http.get(&url).query(pairs);
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    tracing::debug!(%url, etag, "sending conditional request");
    let response = request
        .send()
        .await
        .map_err(|error| ApiError::from_reqwest(&url, &error))?;
    let status = response.status();
    let date = date_header(response.headers());
    let new_etag = response
        .headers()
        .get(ETAG)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);

    if status == StatusCode::NOT_MODIFIED && etag.is_some() {
        return Ok(Tagged {
            response: ApiResponse {
                body: Conditional::NotModified,
                server_time: date,
            },
            etag: new_etag.or_else(|| etag.map(str::to_owned)),
        });
    }
    let bytes = read_body(&url, response).await?;
    if !status.is_success() {
        return Err(parse_error_response(status.as_u16(), &bytes));
    }
    let body = super::lenient::decode::<T>(&bytes).map_err(|error| ApiError::Decode {
        url: url.clone(),
        detail: error.to_string(),
    })?;
    Ok(Tagged {
        response: ApiResponse {
            body: Conditional::Modified(body),
            server_time: body_timestamp(&bytes).or(date),
        },
        etag: new_etag,
    })
}

/// `POST /queue/jobs/{id}/retry`: moves one dead-lettered job back to pending, due now.
///
/// # Errors
///
/// [`ApiError::ExtensionMissing`] when the server lacks the route, else the server's error.
pub async fn retry_job(
    client: &ApiClient,
    job_id: &str,
) -> Result<ApiResponse<JobRetryResponse>, ApiError> {
    let path = paths::retry_job(&encode_segment(job_id));
    client
        .send(Method::POST, &path, Some(extension::JOB_RETRY), |builder| {
            builder
        })
        .await
}

/// `POST /queue/dead-letter/retry`: moves every dead-lettered job back to pending.
///
/// # Errors
///
/// [`ApiError::ExtensionMissing`] when the server lacks the route, else the server's error.
pub async fn retry_dead_letters(
    client: &ApiClient,
) -> Result<ApiResponse<DeadLetterRetryResponse>, ApiError> {
    client
        .send(
            Method::POST,
            paths::RETRY_DEAD_LETTERS,
            Some(extension::JOB_RETRY),
            |builder| builder,
        )
        .await
}

/// `POST /webhook/{id}/restore`, with `?enabled=false` when `enabled` is false so that the
/// webhook comes back disabled. Only servers that list `restore_disabled` honour the flag.
///
/// # Errors
///
/// The server's error, as for [`ApiClient::restore`].
pub async fn restore_enabled(
    client: &ApiClient,
    id: &str,
    enabled: bool,
) -> Result<ApiResponse<RestoreResponse>, ApiError> {
    if enabled {
        return client.restore(id).await;
    }
    let path = paths::restore(&encode_segment(id));
    client
        .send(Method::POST, &path, None, |builder| {
            builder.query(&[("enabled", "false")])
        })
        .await
}
