//! Types of authentication: token roles, `GET /whoami`, token management and lead signatures.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// Header that carries the HMAC-SHA256 of a lead's raw body, as `sha256=<64 hex digits>`.
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";

/// Prefix of the value of [`SIGNATURE_HEADER`].
pub const SIGNATURE_PREFIX: &str = "sha256=";

/// Prefix of every API token, which makes a leaked token easy to recognise in a scan.
pub const TOKEN_PREFIX: &str = "hg_";

/// Length of an API token: [`TOKEN_PREFIX`] and 64 hex digits.
pub const TOKEN_CHARS: usize = TOKEN_PREFIX.len() + 64;

/// Checks whether `token` has the form of a hookgrace API token: [`TOKEN_PREFIX`] and 64 hex
/// digits. A hookgrace server rejects any other form with 401 before looking the token up.
pub fn is_token_format(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token.starts_with(TOKEN_PREFIX)
        && token[TOKEN_PREFIX.len()..]
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit())
}

/// Prefix of every lead signing secret.
pub const SIGNING_SECRET_PREFIX: &str = "whsec_";

/// Permission level of a token. Each role may do everything the roles before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything: lists, details, audit trail, queue, integrity report.
    Viewer,
    /// Also creates, enables and disables webhooks, soft deletes, restores one or many, and
    /// retries dead-lettered jobs: every change that the grace period or a second call undoes.
    Operator,
    /// Also force deletes, rotates signing secrets and manages tokens.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Returns whether this role includes the permissions of `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `GET /whoami`: the caller as the server authenticated it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoAmI {
    /// Name of the token, which is the user it stands for.
    pub name: String,
    pub role: Role,
    /// Id of the token; `None` for a token that the server holds only in memory.
    #[serde(default)]
    pub token_id: Option<String>,
    /// The actor that audit events of this request record: the token's name, or `X-User-ID`
    /// when the server trusts that header.
    pub acting_user: String,
    /// Whether the server takes the acting user from `X-User-ID`.
    #[serde(default)]
    pub trusts_user_header: bool,
    pub timestamp: Timestamp,
}

/// One token in `GET /tokens`. The token's text is never shown again after creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub created_by: String,
    #[serde(default)]
    pub last_used_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
}

/// `GET /tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
    pub timestamp: Timestamp,
}

/// Body of `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTokenRequest {
    pub name: String,
    pub role: Role,
}

/// `POST /tokens`, 201: the only response that contains the token's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTokenResponse {
    pub status: String,
    pub message: String,
    pub token: String,
    pub info: TokenInfo,
    pub timestamp: Timestamp,
}

/// `DELETE /tokens/{id}`, 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeTokenResponse {
    pub status: String,
    pub message: String,
    pub info: TokenInfo,
    pub timestamp: Timestamp,
}

/// `POST /webhook/{id}/signing-secret`, 200: a new secret replaces the old one at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigningSecretResponse {
    pub status: String,
    pub message: String,
    pub webhook_id: String,
    pub signing_secret: String,
    pub timestamp: Timestamp,
}

/// Returns the value of [`SIGNATURE_HEADER`] for a lead body: `sha256=` and the lowercase hex
/// HMAC-SHA256 of the raw body, keyed with the signing secret's text.
pub fn sign_lead(secret: &str, body: &[u8]) -> String {
    use hmac::Mac;
    // HMAC accepts a key of any length, so this never fails.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks a [`SIGNATURE_HEADER`] value against a lead body in constant time.
pub fn verify_lead_signature(secret: &str, body: &[u8], header: &str) -> bool {
    use hmac::Mac;
    let Some(digits) = header.trim().strip_prefix(SIGNATURE_PREFIX) else {
        return false;
    };
    let Ok(signature) = hex::decode(digits) else {
        return false;
    };
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_rfc_4231_case_2() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign_lead("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signature_verifies_only_its_body_and_secret() {
        let header = sign_lead("whsec_a", b"{\"n\":1}");
        assert!(verify_lead_signature("whsec_a", b"{\"n\":1}", &header));
        assert!(!verify_lead_signature("whsec_b", b"{\"n\":1}", &header));
        assert!(!verify_lead_signature("whsec_a", b"{\"n\":2}", &header));
        assert!(!verify_lead_signature(
            "whsec_a",
            b"{\"n\":1}",
            &header[7..]
        ));
        assert!(!verify_lead_signature("whsec_a", b"{\"n\":1}", "sha256=zz"));
        assert!(!verify_lead_signature("whsec_a", b"{\"n\":1}", "sha256="));
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.allows(Role::Operator));
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Operator.allows(Role::Admin));
        assert_eq!(Role::parse("operator"), Some(Role::Operator));
        assert_eq!(Role::parse("root"), None);
    }
}
