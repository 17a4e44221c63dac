//! The error type of every client call, and the parsing of error responses.

use std::time::Duration;

use chrono::DateTime;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::api::ErrorBody;

/// Failure of one request. `Display` gives one line fit for the status bar: the server's own
/// `message` when the response carried one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The base URL or a header value cannot be used to build a request.
    #[error("invalid request setting '{value}': {detail}")]
    InvalidSetting { value: String, detail: String },

    /// No connection: refused, DNS failure, reset, TLS failure.
    #[error("cannot connect to {url}: {detail}")]
    Unreachable { url: String, detail: String },

    /// The connect or total timeout expired before a full response arrived.
    #[error("request to {url} timed out")]
    Timeout { url: String },

    /// A response with a non-success status. `body` is set when the body was the
    /// API's JSON error shape.
    #[error("{}", http_message(*.status, .body.as_ref()))]
    Http {
        status: u16,
        body: Option<ErrorBody>,
        /// How long the server asked the client to wait, from `Retry-After` or the body's
        /// `retry_after_seconds`, as a 429 or 503 response may send.
        retry_after: Option<Duration>,
    },

    /// A success status whose body is not the expected JSON.
    #[error("invalid response from {url}: {detail}")]
    Decode { url: String, detail: String },

    /// A 404 or 405 response on a route that only hookgrace provides.
    #[error("this server does not provide the {extension} extension")]
    ExtensionMissing { extension: &'static str },
}

impl ApiError {
    /// Whether the failure happened before any HTTP response arrived, so that a poller should
    /// back off rather than report a server-side error.
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            ApiError::Unreachable { .. } | ApiError::Timeout { .. }
        )
    }

    /// Returns the HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns the wait that the server asked for, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Returns the short `error` title of the JSON error body, when there was one.
    pub fn title(&self) -> Option<&str> {
        match self {
            ApiError::Http {
                body: Some(body), ..
            } => Some(body.error.as_str()),
            _ => None,
        }
    }

    /// Classifies a reqwest failure for `url`. The detail is the innermost cause, such as
    /// "Connection refused (os error 111)", which reads better than reqwest's outer message.
    pub(crate) fn from_reqwest(url: &str, error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            return ApiError::Timeout {
                url: url.to_owned(),
            };
        }
        if error.is_builder() {
            return ApiError::InvalidSetting {
                value: url.to_owned(),
                detail: innermost_cause(error),
            };
        }
        if error.is_decode() {
            return ApiError::Decode {
                url: url.to_owned(),
                detail: innermost_cause(error),
            };
        }
        let cause = innermost_cause(error);
        let detail = match certificate_hint(&cause) {
            Some(hint) => format!("{cause}; {hint}"),
            None => cause,
        };
        ApiError::Unreachable {
            url: url.to_owned(),
            detail,
        }
    }
}

/// Returns what to do about a TLS certificate error, read from the name that rustls or
/// webpki gives it in `cause`.
fn certificate_hint(cause: &str) -> Option<&'static str> {
    if cause.contains("CaUsedAsEndEntity") {
        Some(
            "the server's certificate is marked as a CA (basicConstraints CA:TRUE, the default \
             of 'openssl req -x509'), and a CA certificate is refused as a server's own; make \
             it with '-addext basicConstraints=critical,CA:FALSE' or sign it with a separate CA",
        )
    } else if cause.contains("UnknownIssuer") || cause.contains("BadSignature") {
        // BadSignature: a trusted certificate has the issuer's name but did not sign it.
        Some(
            "pass the server's own self-signed certificate, or the CA certificate that signed \
             it, with --ca-cert",
        )
    } else if cause.contains("NotValidForName") || cause.contains("not valid for name") {
        Some(
            "the server's certificate does not name the host in --api; give it a \
             subjectAltName with that IP address or DNS name",
        )
    } else {
        None
    }
}

/// Builds the error for a non-success `status` from the raw response body. The wait that a
/// hookgrace 429 body names in `retry_after_seconds` becomes [`ApiError::retry_after`].
pub fn parse_error_response(status: u16, body: &[u8]) -> ApiError {
    let body = serde_json::from_slice::<ErrorBody>(body).ok();
    let retry_after = body
        .as_ref()
        .and_then(|body| body.context.get("retry_after_seconds"))
        .and_then(serde_json::Value::as_u64)
        .map(Duration::from_secs);
    ApiError::Http {
        status,
        body,
        retry_after,
    }
}

/// Builds the error for a non-success response from its status, headers and raw body. A
/// `Retry-After` header takes precedence over the body's `retry_after_seconds`.
pub fn error_from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let mut error = parse_error_response(status, body);
    if let (ApiError::Http { retry_after, .. }, Some(header)) = (&mut error, retry_after(headers)) {
        *retry_after = Some(header);
    }
    error
}

/// Reads `Retry-After` (RFC 9110): a number of seconds, or an HTTP date, which is measured
/// from the response's `Date` header so that the two clocks need not agree. `None` when the
/// header is missing or cannot be read, or when it is a date and `Date` is missing.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let until = DateTime::parse_from_rfc2822(text).ok()?;
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let date = DateTime::parse_from_rfc2822(date).ok()?;
    (until - date).to_std().ok()
}

fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    one_line(&cause.to_string())
}

fn http_message(status: u16, body: Option<&ErrorBody>) -> String {
    let described = body.and_then(|body| {
        [body.message.as_str(), body.error.as_str()]
            .into_iter()
            .map(one_line)
            .find(|text| !text.is_empty())
    });
    match described {
        Some(text) => format!("{text} (HTTP {status})"),
        None => {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .unwrap_or("unexpected status");
            format!("the server responded with HTTP {status} {reason}")
        }
    }
}

/// Joins lines and runs of whitespace into single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_name_the_fix() {
        let ca = certificate_hint("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))");
        assert!(ca.is_some_and(|hint| hint.contains("CA:FALSE")));
        let issuer = certificate_hint("invalid peer certificate: UnknownIssuer");
        assert!(issuer.is_some_and(|hint| hint.contains("--ca-cert")));
        let signer = certificate_hint("invalid peer certificate: BadSignature");
        assert!(signer.is_some_and(|hint| hint.contains("--ca-cert")));
        let name = certificate_hint("invalid peer certificate: NotValidForName");
        assert!(name.is_some_and(|hint| hint.contains("subjectAltName")));
        assert_eq!(certificate_hint("connection refused"), None);
    }

    #[test]
    fn http_error_shows_server_message() {
        let body = br#"{"error":"Webhook already deleted","message":"Webhook ws_cal_solar_001\n  was deleted at 2026-03-01T10:00:00.000Z; restore it first.","webhook_id":"ws_cal_solar_001",
            "timestamp":"2026-03-01T10:00:01.000Z"}"#;
        let error = parse_error_response(409, body);
        assert_eq!(
            error.to_string(),
            "Webhook ws_cal_solar_001 was deleted at 2026-03-01T10:00:00.000Z; restore it \
             first. (HTTP 409)"
        );
        assert_eq!(error.status(), Some(409));
        assert_eq!(error.title(), Some("Webhook already deleted"));
        let ApiError::Http {
            body: Some(body), ..
        } = &error
        else {
            panic!("expected a parsed body: {error:?}");
        };
        assert_eq!(body.context_str("webhook_id"), Some("ws_cal_solar_001"));
    }

    #[test]
    fn http_error_falls_back_to_title() {
        let error = parse_error_response(400, br#"{"error":"Missing reason"}"#);
        assert_eq!(error.to_string(), "Missing reason (HTTP 400)");
    }

    #[test]
    fn http_error_without_json_names_status() {
        let error = parse_error_response(502, b"<html>Bad gateway</html>");
        assert_eq!(
            error.to_string(),
            "the server responded with HTTP 502 Bad Gateway"
        );
        assert_eq!(error.title(), None);
    }

    #[test]
    fn retry_after_is_read_from_header_or_body() {
        let body = br#"{"error":"Too many failed authentications","message":"retry after 8 s",
            "retry_after_seconds":8}"#;
        assert_eq!(
            parse_error_response(429, body).retry_after(),
            Some(Duration::from_secs(8))
        );

        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "30".parse().unwrap());
        let error = error_from_response(429, &headers, body);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));

        let mut dated = HeaderMap::new();
        dated.insert(
            RETRY_AFTER,
            "Sun, 01 Mar 2026 10:01:00 GMT".parse().unwrap(),
        );
        dated.insert(
            reqwest::header::DATE,
            "Sun, 01 Mar 2026 10:00:15 GMT".parse().unwrap(),
        );
        let error = error_from_response(503, &dated, b"");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(45)));

        assert_eq!(
            error_from_response(429, &HeaderMap::new(), b"").retry_after(),
            None
        );
    }

    #[test]
    fn transport_errors_are_flagged() {
        let timeout = ApiError::Timeout {
            url: "http://127.0.0.1:1/webhook".to_owned(),
        };
        assert!(timeout.is_transport());
        assert!(!parse_error_response(500, b"").is_transport());
    }
}
