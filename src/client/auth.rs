//! The client's credentials: the API token and an extra CA certificate, where the dashboard
//! finds the token, and the routes of the `auth` and `signed_leads` extensions.

use std::path::{Path, PathBuf};

use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::Method;

use super::{encode_segment, ApiClient, ApiError, ApiResponse};
use crate::api::{
    extension, paths, sign_lead, LeadAccepted, SigningSecretResponse, WhoAmI, SIGNATURE_HEADER,
};

/// Environment variable that contains the dashboard's API token.
pub const TOKEN_ENV: &str = "HOOKGRACE_TOKEN";

/// Credentials of an [`ApiClient`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientAuth {
    /// Sent as `Authorization: Bearer <token>` on every request.
    pub token: Option<String>,
    /// PEM CA certificates trusted in addition to the bundled web PKI roots, for a server
    /// with a private or self-signed certificate.
    pub ca_cert_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for ClientAuth {
    /// Leaves the token out, so that logging the settings cannot leak it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientAuth")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(Vec::len))
            .finish()
    }
}

/// Builds the `Authorization` value, marked sensitive so that reqwest never logs it.
pub(super) fn bearer_value(token: &str) -> Result<HeaderValue, ApiError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
        ApiError::InvalidSetting {
            value: "<token>".to_owned(),
            detail: "the API token must be visible ASCII without spaces or control characters"
                .to_owned(),
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

pub(super) fn ca_certificate(pem: &[u8]) -> Result<reqwest::Certificate, ApiError> {
    reqwest::Certificate::from_pem(pem).map_err(|error| ApiError::InvalidSetting {
        value: "<CA certificate>".to_owned(),
        detail: format!("the CA certificate is not a PEM certificate: {error}"),
    })
}

/// The source of the dashboard's API token. The message about a rejected token names it, so
/// that the operator knows what to replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TokenOrigin {
    /// Not recorded, as for a state that a test builds.
    #[default]
    Unknown,
    /// Generated for the in-process server of this session.
    Session,
    /// The environment variable [`TOKEN_ENV`].
    Environment,
    /// The token file at this path.
    File(PathBuf),
    /// Neither was set, so no token is sent. `file` is where the token file would be read.
    Missing { file: Option<PathBuf> },
}

/// The form of the dashboard's token, checked before anything is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenFormat {
    /// `hg_` and 64 hex digits, the only form a hookgrace server accepts.
    #[default]
    Hookgrace,
    /// Another form, which only a server other than hookgrace can accept.
    Other,
    /// No token is sent.
    Missing,
}

impl TokenFormat {
    /// Classifies `token`, the text sent as `Authorization: Bearer`, if any.
    pub fn of(token: Option<&str>) -> Self {
        match token.map(str::trim) {
            None => TokenFormat::Missing,
            Some(token) if crate::api::is_token_format(token) => TokenFormat::Hookgrace,
            Some(_) => TokenFormat::Other,
        }
    }
}

/// Returns `token` in the user's config directory, such as `~/.config/hookgrace/token`.
pub fn token_file_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("hookgrace").join("token"))
}

/// Reads a token file: `Ok(None)` when it does not exist. On Unix a file that group or others
/// may read is rejected, because the token would be readable by other users.
///
/// # Errors
///
/// A message naming the file and the fix when the file is readable by others, unreadable or
/// empty.
pub fn read_token_file(path: &Path) -> Result<Option<String>, String> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(format!(
                "failed to read token file {}: {error}",
                path.display()
            ))
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "token file {} has mode {:o}, so other users can read it; restrict it with \
                 'chmod 600 {}' and start again",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("failed to read token file {}: {error}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!(
            "token file {} is empty; put the API token on its first line",
            path.display()
        ));
    }
    Ok(Some(token.to_owned()))
}

impl ApiClient {
    /// `GET /whoami`: the token's name and role, which the dashboard uses to hide actions the
    /// role may not perform.
    pub async fn whoami(&self) -> Result<ApiResponse<WhoAmI>, ApiError> {
        self.send(
            Method::GET,
            paths::WHOAMI,
            Some(extension::AUTH),
            |builder| builder,
        )
        .await
    }

    /// `POST /webhook/{id}` with `X-Webhook-Signature`: delivers one lead signed with the
    /// webhook's signing secret. The signature covers the exact bytes sent.
    pub async fn send_signed_lead(
        &self,
        id: &str,
        secret: &str,
        lead: &serde_json::Value,
    ) -> Result<ApiResponse<LeadAccepted>, ApiError> {
        let path = paths::webhook(&encode_segment(id));
        let body = serde_json::to_vec(lead).map_err(|error| ApiError::InvalidSetting {
            value: "<lead>".to_owned(),
            detail: format!("the lead does not serialise to JSON: {error}"),
        })?;
        let signature = sign_lead(secret, &body);
        self.send(Method::POST, &path, None, |builder| {
            builder
                .header(CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, signature)
                .body(body)
        })
        .await
    }

    /// `POST /webhook/{id}/signing-secret`: replaces the signing secret and returns the new
    /// one. Needs the admin role.
    pub async fn rotate_signing_secret(
        &self,
        id: &str,
    ) -> Result<ApiResponse<SigningSecretResponse>, ApiError> {
        let path = paths::signing_secret(&encode_segment(id));
        self.send(
            Method::POST,
            &path,
            Some(extension::SIGNED_LEADS),
            |builder| builder,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_token() {
        let auth = ClientAuth {
            token: Some("hg_secret".to_owned()),
            ca_cert_pem: None,
        };
        let shown = format!("{auth:?}");
        assert!(!shown.contains("hg_secret"), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn token_file_readable_by_others_is_rejected() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "hg_abc\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let message = read_token_file(&path).unwrap_err();
        assert!(message.contains("chmod 600"), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_token_file(&path).unwrap().as_deref(), Some("hg_abc"));
    }

    #[test]
    fn token_format_needs_prefix_and_64_hex_digits() {
        let valid = format!("hg_{}", "0a".repeat(32));
        assert_eq!(TokenFormat::of(Some(&valid)), TokenFormat::Hookgrace);
        assert_eq!(
            TokenFormat::of(Some(&format!(" {valid}\n"))),
            TokenFormat::Hookgrace,
            "the client trims the token before sending it"
        );
        assert_eq!(TokenFormat::of(Some("hg_abc")), TokenFormat::Other);
        assert_eq!(
            TokenFormat::of(Some(&valid.replace("hg_", "xx_"))),
            TokenFormat::Other
        );
        assert_eq!(
            TokenFormat::of(Some(&format!("hg_{}", "zz".repeat(32)))),
            TokenFormat::Other
        );
        assert_eq!(TokenFormat::of(None), TokenFormat::Missing);
    }

    #[test]
    fn missing_token_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_token_file(&dir.path().join("token")).unwrap(), None);
    }
}
