//! HTTP client for the hookgrace API and for servers that implement only its compatible core.
//!
//! Every call sends `X-User-ID`, and every success carries the server's clock reading, so that
//! callers can count down to a purge against the server's time rather than their own. No
//! terminal code lives here.

mod auth;
mod capabilities;
mod error;
mod lenient;
#[cfg(test)]
mod mock_tests;
pub mod ops;

use std::time::Duration;

use chrono::DateTime;
use reqwest::header::{HeaderMap, HeaderValue, DATE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api::{
    extension, paths, AuditPage, BulkRestoreItem, BulkRestoreRequest, BulkRestoreResponse,
    CreateWebhookRequest, CreateWebhookResponse, DeadLetterRetryResponse, DeletedList,
    ForceDeleteResponse, Health, IntegrityReport, JobList, JobRetryResponse, JobState,
    LeadAccepted, QueueSummary, RestoreResponse, SoftDeleteResponse, StatusUpdateRequest,
    StatusUpdateResponse, Timestamp, WebhookDetail, WebhookList,
};

pub use auth::{read_token_file, token_file_path, ClientAuth, TokenFormat, TokenOrigin, TOKEN_ENV};
pub use capabilities::Capabilities;
pub use error::{error_from_response, parse_error_response, ApiError};
pub use ops::{Conditional, Tagged};

/// Header that names the acting user in the audit trail.
pub const USER_HEADER: &str = "X-User-ID";

/// Time allowed to open a TCP (and TLS) connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Time allowed for a whole request, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest response body read, so that a broken server cannot exhaust memory.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A decoded success response and the server's clock when it responded.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse<T> {
    pub body: T,
    /// The body's `timestamp` field, else the `Date` header, else `None`.
    pub server_time: Option<Timestamp>,
}

/// Filters and position of an audit query. Empty fields are left out of the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// `next_cursor` of the previous page; `None` for the newest events.
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    /// One event type, such as `soft_deleted`.
    pub event_type: Option<String>,
    /// Only events of this acting user, sent as `user`.
    pub actor: Option<String>,
}

impl AuditQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor", cursor.clone()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(event_type) = &self.event_type {
            pairs.push(("event_type", event_type.clone()));
        }
        if let Some(actor) = &self.actor {
            pairs.push(("user", actor.clone()));
        }
        pairs
    }
}

/// Client of one server, acting as one user. Cloning is cheap and shares the connection pool.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
}

impl ApiClient {
    /// Builds a client for `base_url` (such as `http://127.0.0.1:8787`) that sends `user` as
    /// `X-User-ID` on every request.
    ///
    /// # Errors
    ///
    /// [`ApiError::InvalidSetting`] when the URL is not http(s) or `user` is not a valid
    /// header value.
    pub fn new(base_url: &str, user: &str) -> Result<Self, ApiError> {
        Self::with_auth(base_url, user, &ClientAuth::default())
    }

    /// Builds a client as [`ApiClient::new`] does that also sends `auth.token` as
    /// `Authorization: Bearer` and trusts `auth.ca_cert_pem` besides the bundled web PKI roots.
    ///
    /// # Errors
    ///
    /// [`ApiError::InvalidSetting`] as for [`ApiClient::new`], and for a token that is not a
    /// valid header value or a CA certificate that is not PEM.
    pub fn with_auth(base_url: &str, user: &str, auth: &ClientAuth) -> Result<Self, ApiError> {
        let base_url = normalize_base_url(base_url)?;
        let user_value = HeaderValue::from_str(user).map_err(|_| ApiError::InvalidSetting {
            value: user.to_owned(),
            detail: "the user name must be visible ASCII without control characters".to_owned(),
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_HEADER, user_value);
        if let Some(token) = &auth.token {
            headers.insert(reqwest::header::AUTHORIZATION, auth::bearer_value(token)?);
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .default_headers(headers)
            .user_agent(concat!("hookgrace/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &auth.ca_cert_pem {
            builder = builder.add_root_certificate(auth::ca_certificate(pem)?);
        }
        let http = builder.build().map_err(|error| ApiError::InvalidSetting {
            value: base_url.clone(),
            detail: error.to_string(),
        })?;

        Ok(Self { http, base_url })
    }

    /// Returns the base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /webhook`: active webhooks.
    pub async fn list_active(&self) -> Result<ApiResponse<WebhookList>, ApiError> {
        self.send(Method::GET, paths::WEBHOOKS, None, |request| request)
            .await
    }

    /// `GET /webhook/deleted`: soft-deleted webhooks with their jobs and countdowns.
    pub async fn list_deleted(&self) -> Result<ApiResponse<DeletedList>, ApiError> {
        self.send(Method::GET, paths::DELETED, None, |request| request)
            .await
    }

    /// `GET /webhook/{id}`: config and deletion status.
    pub async fn get_webhook(&self, id: &str) -> Result<ApiResponse<WebhookDetail>, ApiError> {
        let path = paths::webhook(&encode_segment(id));
        self.send(Method::GET, &path, None, |request| request).await
    }

    /// `POST /webhook`.
    pub async fn create_webhook(
        &self,
        request: &CreateWebhookRequest,
    ) -> Result<ApiResponse<CreateWebhookResponse>, ApiError> {
        self.send(Method::POST, paths::WEBHOOKS, None, |builder| {
            builder.json(request)
        })
        .await
    }

    /// `POST /webhook/{id}`: delivers one lead.
    pub async fn send_lead(
        &self,
        id: &str,
        lead: &serde_json::Value,
    ) -> Result<ApiResponse<LeadAccepted>, ApiError> {
        let path = paths::webhook(&encode_segment(id));
        self.send(Method::POST, &path, None, |builder| builder.json(lead))
            .await
    }

    /// `DELETE /webhook/{id}?reason=..`: disables the webhook and schedules its purge for the
    /// end of the grace period.
    pub async fn soft_delete(
        &self,
        id: &str,
        reason: &str,
    ) -> Result<ApiResponse<SoftDeleteResponse>, ApiError> {
        let path = paths::webhook(&encode_segment(id));
        self.send(Method::DELETE, &path, None, |builder| {
            builder.query(&[("reason", reason)])
        })
        .await
    }

    /// `DELETE /webhook/{id}?force=true&confirm=<name>&reason=..`: purges the webhook now.
    /// `confirm_name` must equal the webhook's name; the server rejects the request otherwise.
    pub async fn force_delete(
        &self,
        id: &str,
        confirm_name: &str,
        reason: &str,
    ) -> Result<ApiResponse<ForceDeleteResponse>, ApiError> {
        let path = paths::webhook(&encode_segment(id));
        self.send(Method::DELETE, &path, None, |builder| {
            builder.query(&[
                ("force", "true"),
                ("confirm", confirm_name),
                ("reason", reason),
            ])
        })
        .await
    }

    /// `POST /webhook/{id}/restore`: re-enables a soft-deleted webhook and cancels its purge.
    pub async fn restore(&self, id: &str) -> Result<ApiResponse<RestoreResponse>, ApiError> {
        let path = paths::restore(&encode_segment(id));
        self.send(Method::POST, &path, None, |builder| builder)
            .await
    }

    /// `PATCH /webhook/{id}/status`.
    pub async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
    ) -> Result<ApiResponse<StatusUpdateResponse>, ApiError> {
        let path = paths::status(&encode_segment(id));
        let body = StatusUpdateRequest { enabled };
        self.send(Method::PATCH, &path, None, |builder| builder.json(&body))
            .await
    }

    /// `GET /health`, typed. Fails on a core-only server; use [`ApiClient::capabilities`] to
    /// detect extensions.
    pub async fn health(&self) -> Result<ApiResponse<Health>, ApiError> {
        self.send(Method::GET, paths::HEALTH, None, |builder| builder)
            .await
    }

    /// Detects the extensions of the server through `GET /health`. A 404, 405 or a body that
    /// lists no extensions means a core-only server, which is a success.
    ///
    /// # Errors
    ///
    /// Transport failures, and server errors whose body lists no extensions.
    pub async fn capabilities(&self) -> Result<ApiResponse<Capabilities>, ApiError> {
        let url = self.url(paths::HEALTH);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|error| ApiError::from_reqwest(&url, &error))?;
        let status = response.status().as_u16();
        let date = date_header(response.headers());
        let bytes = read_body(&url, response).await?;
        let capabilities = Capabilities::from_health_response(status, &bytes)?;

        Ok(ApiResponse {
            body: capabilities,
            server_time: body_timestamp(&bytes).or(date),
        })
    }

    /// `GET /audit`: global audit history, newest first.
    pub async fn audit(&self, query: &AuditQuery) -> Result<ApiResponse<AuditPage>, ApiError> {
        let pairs = query.pairs();
        self.send(
            Method::GET,
            paths::AUDIT,
            Some(extension::AUDIT),
            |builder| builder.query(&pairs),
        )
        .await
    }

    /// `GET /webhook/{id}/audit`: history of one webhook, also after its purge.
    pub async fn webhook_audit(
        &self,
        id: &str,
        query: &AuditQuery,
    ) -> Result<ApiResponse<AuditPage>, ApiError> {
        let path = paths::webhook_audit(&encode_segment(id));
        let pairs = query.pairs();
        self.send(Method::GET, &path, Some(extension::AUDIT), |builder| {
            builder.query(&pairs)
        })
        .await
    }

    /// `GET /queue`: job counts by state, next due and overdue jobs.
    pub async fn queue_summary(&self) -> Result<ApiResponse<QueueSummary>, ApiError> {
        self.send(
            Method::GET,
            paths::QUEUE,
            Some(extension::QUEUE),
            |builder| builder,
        )
        .await
    }

    /// `GET /queue/jobs?state=..&limit=..`.
    pub async fn jobs(
        &self,
        state: JobState,
        limit: Option<u32>,
    ) -> Result<ApiResponse<JobList>, ApiError> {
        let mut pairs = vec![("state", state.as_str().to_owned())];
        if let Some(limit) = limit {
            pairs.push(("limit", limit.to_string()));
        }
        self.send(
            Method::GET,
            paths::QUEUE_JOBS,
            Some(extension::QUEUE),
            |builder| builder.query(&pairs),
        )
        .await
    }

    /// Restores many webhooks. Uses `POST /webhooks/restore` and, when the server lacks that
    /// route, falls back to [`ApiClient::restore_each`].
    ///
    /// # Errors
    ///
    /// Only failures of the bulk request itself; per-id failures are in the results.
    pub async fn bulk_restore(
        &self,
        ids: &[String],
    ) -> Result<ApiResponse<BulkRestoreResponse>, ApiError> {
        let body = BulkRestoreRequest { ids: ids.to_vec() };
        let bulk = self
            .send(
                Method::POST,
                paths::BULK_RESTORE,
                Some(extension::BULK_RESTORE),
                |builder| builder.json(&body),
            )
            .await;
        match bulk {
            Err(ApiError::ExtensionMissing { .. }) => {
                tracing::info!(
                    count = ids.len(),
                    "bulk restore route not provided; restoring one id at a time"
                );
                Ok(self.restore_each(ids).await)
            }
            other => other,
        }
    }

    /// Restores each id with its own `POST /webhook/{id}/restore`, in order, for servers
    /// without the bulk route. After a transport failure the remaining ids are not sent, and
    /// their results are marked "not attempted".
    pub async fn restore_each(&self, ids: &[String]) -> ApiResponse<BulkRestoreResponse> {
        let mut results = Vec::with_capacity(ids.len());
        let mut server_time = None;
        let mut transport_failure: Option<ApiError> = None;
        for id in ids {
            if let Some(failure) = &transport_failure {
                results.push(not_attempted(id, failure));
                continue;
            }
            match self.restore(id).await {
                Ok(response) => {
                    server_time = response.server_time.or(server_time);
                    results.push(BulkRestoreItem {
                        webhook_id: id.clone(),
                        status: StatusCode::OK.as_u16(),
                        restored: true,
                        error: None,
                        message: response.body.message,
                    });
                }
                Err(error) => {
                    results.push(failed_item(id, &error));
                    if error.is_transport() {
                        transport_failure = Some(error);
                    }
                }
            }
        }
        let restored = results.iter().filter(|item| item.restored).count() as u64;
        let failed = results.len() as u64 - restored;
        let timestamp = server_time.unwrap_or_else(|| chrono::Utc::now().into());

        ApiResponse {
            body: BulkRestoreResponse {
                results,
                restored,
                failed,
                timestamp,
            },
            server_time,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends one request and decodes a 2xx JSON body as `T`. For a route of an extension, a
    /// 404 or 405 becomes [`ApiError::ExtensionMissing`].
    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        extension: Option<&'static str>,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<ApiResponse<T>, ApiError> {
        let url = self.url(path);
        tracing::debug!(%method, %url, "sending request");
        let response = build(self.http.request(method, &url))
            .send()
            .await
            .map_err(|error| ApiError::from_reqwest(&url, &error))?;
        let status = response.status();
        let headers = response.headers().clone();
        let date = date_header(&headers);
        let bytes = read_body(&url, response).await?;

        if !status.is_success() {
            if let Some(extension) = extension {
                if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
                    return Err(ApiError::ExtensionMissing { extension });
                }
            }
            return Err(error_from_response(status.as_u16(), &headers, &bytes));
        }
        let body = lenient::decode::<T>(&bytes).map_err(|error| ApiError::Decode {
            url: url.clone(),
            detail: error.to_string(),
        })?;

        Ok(ApiResponse {
            body,
            server_time: body_timestamp(&bytes).or(date),
        })
    }

    /// `POST /webhook/{id}/restore?enabled=..`: restores a soft-deleted webhook and sets
    /// `enabled` explicitly; `false` brings it back disabled so its endpoint can be checked
    /// before leads flow again. A server without the `restore_disabled` extension ignores the
    /// parameter and restores the previous value.
    pub async fn restore_with(
        &self,
        id: &str,
        enabled: bool,
    ) -> Result<ApiResponse<RestoreResponse>, ApiError> {
        let path = paths::restore(&encode_segment(id));
        let enabled = if enabled { "true" } else { "false" };
        self.send(Method::POST, &path, None, |builder| {
            builder.query(&[("enabled", enabled)])
        })
        .await
    }

    /// `POST /queue/jobs/{id}/retry`: moves one dead-lettered job back to pending, due now.
    /// A 404 means the job is unknown, so it is not read as a missing extension; check
    /// [`Capabilities`] for `job_retry` first.
    pub async fn retry_job(&self, job_id: &str) -> Result<ApiResponse<JobRetryResponse>, ApiError> {
        let path = paths::retry_job(&encode_segment(job_id));
        self.send(Method::POST, &path, None, |builder| builder)
            .await
    }

    /// `POST /queue/dead-letter/retry`: moves every dead-lettered job back to pending.
    pub async fn retry_dead_letters(
        &self,
    ) -> Result<ApiResponse<DeadLetterRetryResponse>, ApiError> {
        self.send(
            Method::POST,
            paths::RETRY_DEAD_LETTERS,
            Some(extension::JOB_RETRY),
            |builder| builder,
        )
        .await
    }

    /// `GET /integrity`: orphaned jobs, state mismatches and missing audit events.
    pub async fn integrity(&self) -> Result<ApiResponse<IntegrityReport>, ApiError> {
        self.send(
            Method::GET,
            paths::INTEGRITY,
            Some(extension::INTEGRITY),
            |builder| builder,
        )
        .await
    }
}

/// Trims the trailing slash and checks the scheme, so that `url + "/webhook"` is well formed.
fn normalize_base_url(base_url: &str) -> Result<String, ApiError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed).map_err(|error| ApiError::InvalidSetting {
        value: base_url.to_owned(),
        detail: error.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ApiError::InvalidSetting {
            value: base_url.to_owned(),
            detail: "expected an http:// or https:// URL with a host".to_owned(),
        });
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ApiError::InvalidSetting {
            value: base_url.to_owned(),
            detail: "the base URL must not have a query or fragment".to_owned(),
        });
    }
    Ok(trimmed.to_owned())
}

/// Percent-encodes everything but unreserved characters, so that an id from a server cannot
/// change the path it is put in. Well-formed ids pass unchanged.
pub fn encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

async fn read_body(url: &str, mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| ApiError::from_reqwest(url, &error))?
    {
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::Decode {
                url: url.to_owned(),
                detail: format!("the response body exceeds {MAX_BODY_BYTES} bytes"),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads the top-level `timestamp` of a JSON body, if it has a readable one.
pub fn body_timestamp(body: &[u8]) -> Option<Timestamp> {
    #[derive(Deserialize)]
    struct Stamp {
        #[serde(default)]
        timestamp: Option<serde_json::Value>,
    }
    let stamp = serde_json::from_slice::<Stamp>(body).ok()?;
    let text = stamp.timestamp?;
    Timestamp::parse(text.as_str()?).ok()
}

/// Reads the `Date` header (an RFC 7231 HTTP-date, always GMT), if present and readable.
pub fn date_header(headers: &HeaderMap) -> Option<Timestamp> {
    let text = headers.get(DATE)?.to_str().ok()?;
    let parsed = DateTime::parse_from_rfc2822(text).ok()?;
    Some(Timestamp::from_datetime(parsed.to_utc()))
}

fn failed_item(id: &str, error: &ApiError) -> BulkRestoreItem {
    let message = match error {
        ApiError::Timeout { .. } => {
            format!("{error}: the restore may or may not have been applied; check the Deleted tab")
        }
        other => other.to_string(),
    };
    BulkRestoreItem {
        webhook_id: id.to_owned(),
        status: error.status().unwrap_or(0),
        restored: false,
        error: Some(
            error
                .title()
                .map(str::to_owned)
                .unwrap_or_else(|| "request failed".to_owned()),
        ),
        message,
    }
}

fn not_attempted(id: &str, cause: &ApiError) -> BulkRestoreItem {
    BulkRestoreItem {
        webhook_id: id.to_owned(),
        status: 0,
        restored: false,
        error: Some("not attempted".to_owned()),
        message: format!("not sent after an earlier failure: {cause}"),
    }
}

/// Serialises query pairs the way reqwest puts them in a URL.
#[cfg(test)]
fn query_string<T: serde::Serialize + ?Sized>(pairs: &T) -> String {
    let client = reqwest::Client::new();
    let request = client
        .get("http://127.0.0.1/")
        .query(pairs)
        .build()
        .expect("a static URL builds");
    request.url().query().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_loses_trailing_slash() {
        let client = ApiClient::new("http://127.0.0.1:8787/", "alice").unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:8787");
        assert_eq!(
            client.url(&paths::restore("ws_cal_solar_001")),
            "http://127.0.0.1:8787/webhook/ws_cal_solar_001/restore"
        );
    }

    #[test]
    fn base_url_keeps_path_prefix() {
        let client = ApiClient::new("http://127.0.0.1:8787/api/", "alice").unwrap();
        assert_eq!(
            client.url(paths::DELETED),
            "http://127.0.0.1:8787/api/webhook/deleted"
        );
    }

    #[test]
    fn invalid_base_urls_are_rejected() {
        for bad in [
            "",
            "127.0.0.1:8787",
            "ftp://127.0.0.1",
            "http://127.0.0.1/?x=1",
        ] {
            let error = ApiClient::new(bad, "alice").unwrap_err();
            assert!(
                matches!(error, ApiError::InvalidSetting { .. }),
                "{bad}: {error:?}"
            );
        }
    }

    #[test]
    fn user_with_newline_is_rejected() {
        let error = ApiClient::new("http://127.0.0.1:8787", "alice\nbob").unwrap_err();
        assert!(error.to_string().contains("alice"), "{error}");
    }

    #[test]
    fn segment_encoding_keeps_ids_and_escapes_the_rest() {
        assert_eq!(
            encode_segment("click-ventures_ws_cal_solar_001"),
            "click-ventures_ws_cal_solar_001"
        );
        assert_eq!(encode_segment("../queue"), "..%2Fqueue");
        assert_eq!(encode_segment("a b?c"), "a%20b%3Fc");
    }

    #[test]
    fn audit_query_leaves_out_empty_fields() {
        assert_eq!(query_string(&AuditQuery::default().pairs()), "");
        let query = AuditQuery {
            cursor: Some("abc=".to_owned()),
            limit: Some(50),
            event_type: Some("soft_deleted".to_owned()),
            actor: Some("alice smith".to_owned()),
        };
        assert_eq!(
            query_string(&query.pairs()),
            "cursor=abc%3D&limit=50&event_type=soft_deleted&user=alice+smith"
        );
    }

    #[test]
    fn force_delete_query_carries_confirmation() {
        let query = query_string(&[
            ("force", "true"),
            ("confirm", "Solar CA"),
            ("reason", "duplicate & unused"),
        ]);
        assert_eq!(
            query,
            "force=true&confirm=Solar+CA&reason=duplicate+%26+unused"
        );
    }

    #[test]
    fn server_time_prefers_body_timestamp() {
        let body = br#"{"timestamp":"2026-03-01T10:00:00.000Z","webhooks":[]}"#;
        assert_eq!(
            body_timestamp(body),
            Some(Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap())
        );
        assert_eq!(body_timestamp(br#"{"timestamp":"soon"}"#), None);
        assert_eq!(body_timestamp(b"[1,2]"), None);
        assert_eq!(
            body_timestamp(br#"{"timestamp":"2026-03-01 10:00:00"}"#),
            Some(Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap())
        );
    }

    #[test]
    fn date_header_is_parsed() {
        let mut headers = HeaderMap::new();
        headers.insert(
            DATE,
            HeaderValue::from_static("Sun, 01 Mar 2026 10:00:05 GMT"),
        );
        assert_eq!(
            date_header(&headers),
            Some(Timestamp::parse("2026-03-01T10:00:05.000Z").unwrap())
        );
        headers.insert(DATE, HeaderValue::from_static("yesterday"));
        assert_eq!(date_header(&headers), None);
    }

    #[test]
    fn timeout_item_warns_outcome_is_unknown() {
        let error = ApiError::Timeout {
            url: "http://127.0.0.1:1/webhook/ws_cal_solar_001/restore".to_owned(),
        };
        let item = failed_item("ws_cal_solar_001", &error);
        assert!(!item.restored);
        assert_eq!(item.status, 0);
        assert!(item.message.contains("may or may not"), "{}", item.message);
    }
}
