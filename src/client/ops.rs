//! Conditional GETs: a poll sends the `ETag` of its last copy in `If-None-Match`, and costs a
//! 304 with no body when nothing changed.

use reqwest::header::{ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::{body_timestamp, date_header, error_from_response, read_body};
use super::{ApiClient, ApiError, ApiResponse};

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
    let headers = response.headers().clone();
    let date = date_header(&headers);
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
        return Err(error_from_response(status.as_u16(), &headers, &bytes));
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
