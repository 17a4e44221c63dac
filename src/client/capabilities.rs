//! Capability detection: the hookgrace extensions a server provides, read from `GET /health`.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Deserialize;

use super::error::{parse_error_response, ApiError};
use crate::api::extension;

/// The extensions of one server. A server without `GET /health`, or whose health body lists
/// no extensions, is core-only: it has the `/webhook` routes and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub extensions: BTreeSet<String>,
    /// Grace period of a soft delete, when the server reports it.
    pub grace_period: Option<Duration>,
    /// Server version, when the server reports it.
    pub version: Option<String>,
}

/// The part of a health body that capability detection reads. Every field is optional, so a
/// health route of another shape still parses.
#[derive(Debug, Deserialize)]
struct HealthFields {
    #[serde(default)]
    extensions: Option<Vec<String>>,
    #[serde(default)]
    grace_period_seconds: Option<u64>,
    #[serde(default)]
    version: Option<String>,
}

impl Capabilities {
    /// A server with only the compatible core routes.
    pub fn core_only() -> Self {
        Self::default()
    }

    pub fn is_core_only(&self) -> bool {
        self.extensions.is_empty()
    }

    pub fn has(&self, name: &str) -> bool {
        self.extensions.contains(name)
    }

    pub fn has_audit(&self) -> bool {
        self.has(extension::AUDIT)
    }

    pub fn has_queue(&self) -> bool {
        self.has(extension::QUEUE)
    }

    pub fn has_bulk_restore(&self) -> bool {
        self.has(extension::BULK_RESTORE)
    }

    /// Reads the response of `GET /health`.
    ///
    /// # Errors
    ///
    /// A status other than 2xx, 404 or 405 whose body lists no extensions is returned as
    /// [`ApiError::Http`]: the server is running but does not report what it provides.
    pub fn from_health_response(status: u16, body: &[u8]) -> Result<Self, ApiError> {
        let fields = serde_json::from_slice::<HealthFields>(body).ok();
        if let Some(HealthFields {
            extensions: Some(extensions),
            grace_period_seconds,
            version,
        }) = fields
        {
            // A degraded hookgrace server responds 503 with the same body, and its extensions
            // still work.
            return Ok(Self {
                extensions: extensions.into_iter().collect(),
                grace_period: grace_period_seconds.map(Duration::from_secs),
                version,
            });
        }
        if (200..300).contains(&status) || status == 404 || status == 405 {
            return Ok(Self::core_only());
        }
        Err(parse_error_response(status, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hookgrace_health_lists_extensions() {
        let body = br#"{"status":"ok","service":"hookgrace","version":"0.1.0",
            "extensions":["audit","queue","bulk_restore"],"grace_period_seconds":86400,
            "timestamp":"2026-03-01T10:00:00.000Z"}"#;
        let capabilities = Capabilities::from_health_response(200, body).unwrap();
        assert!(capabilities.has_audit());
        assert!(capabilities.has_queue());
        assert!(capabilities.has_bulk_restore());
        assert!(!capabilities.is_core_only());
        assert_eq!(capabilities.grace_period, Some(Duration::from_secs(86_400)));
        assert_eq!(capabilities.version.as_deref(), Some("0.1.0"));
    }

    #[test]
    fn missing_health_route_means_core_only() {
        for (status, body) in [
            (404, &b"Not Found"[..]),
            (404, br#"{"error":"Not found"}"#),
            (405, b""),
            (200, br#"{"status":"healthy"}"#),
            (200, b"OK"),
        ] {
            let capabilities = Capabilities::from_health_response(status, body).unwrap();
            assert!(capabilities.is_core_only(), "status {status}");
            assert!(!capabilities.has_queue(), "status {status}");
        }
    }

    #[test]
    fn degraded_hookgrace_keeps_extensions() {
        let body = br#"{"status":"degraded","extensions":["queue"]}"#;
        let capabilities = Capabilities::from_health_response(503, body).unwrap();
        assert!(capabilities.has_queue());
        assert!(!capabilities.has_audit());
    }

    #[test]
    fn server_error_without_extensions_is_an_error() {
        let error = Capabilities::from_health_response(500, b"boom").unwrap_err();
        assert_eq!(error.status(), Some(500));
    }
}
