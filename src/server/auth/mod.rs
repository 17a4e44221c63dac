//! Bearer-token authentication and role checks.
//!
//! Every route needs a token except `GET /health` (liveness and capability detection),
//! `GET /openapi.json` and lead intake `POST /webhook/{id}`, which the webhook's HMAC signature
//! authenticates instead. A
//! token is `hg_` and 64 hex digits from the operating system's random source, sent as
//! `Authorization: Bearer <token>`. The server keeps only its SHA-256, which is enough for
//! random tokens of 256 bits: no salt or slow hash is needed against guessing.
//!
//! [`authenticate`] runs after routing, so it reads the route's template from [`MatchedPath`]
//! and decides the role it needs with [`required_access`]. Routes that the table does not know
//! need the admin role.

mod limiter;
mod routes;

use std::net::IpAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Query, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::TryRngCore;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::tls::PeerAddr;
use super::AppState;
use crate::api::{is_token_format, paths, ErrorBody, Role, Timestamp, TOKEN_PREFIX};

pub use limiter::{FailureLimiter, FailureLimits};
pub(crate) use routes::{create_token, list_tokens, revoke_token, whoami};
pub use routes::{validate_token_name, MAX_TOKEN_NAME_CHARS};

/// Minimum interval between two writes of a token's `last_used_at`, in seconds.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// A token that the server holds only in memory and never stores, such as the one the
/// dashboard's in-process server hands to the dashboard.
#[derive(Clone)]
pub struct SessionToken {
    pub token: String,
    pub name: String,
    pub role: Role,
}

impl std::fmt::Debug for SessionToken {
    /// Leaves the token's text out, so that logging the options cannot leak it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionToken")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Authentication settings shared by every request.
pub(crate) struct AuthSettings {
    /// SHA-256 of each session token, with its name and role.
    pub session: Vec<(String, String, Role)>,
    pub trust_user_header: bool,
    pub limiter: FailureLimiter,
}

impl AuthSettings {
    pub fn new(session: &[SessionToken], trust_user_header: bool, limits: FailureLimits) -> Self {
        Self {
            session: session
                .iter()
                .map(|token| (hash_token(&token.token), token.name.clone(), token.role))
                .collect(),
            trust_user_header,
            limiter: FailureLimiter::new(limits),
        }
    }
}

/// The authenticated caller of a request, which [`authenticate`] stores in the request's
/// extensions for the `Actor` extractor and the routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's name: the user it stands for.
    pub name: String,
    pub role: Role,
    /// `None` for a session token.
    pub token_id: Option<String>,
    /// Whether the server takes the acting user from `X-User-ID` when a request sends it.
    pub trust_user_header: bool,
}

/// Requirement of a route on its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token: `GET /health`, `GET /openapi.json` and lead intake.
    Public,
    /// A token with this role or a higher one.
    Role(Role),
}

/// Decides the access that `method` on the route template `route` needs. `force_requested`
/// tells whether the query requests a force delete.
pub fn required_access(method: &Method, route: &str, force_requested: bool) -> Access {
    let webhook = paths::webhook("{id}");
    let read = *method == Method::GET || *method == Method::HEAD;
    if (route == paths::HEALTH || route == super::openapi::PATH) && read {
        return Access::Public;
    }
    if route == webhook && *method == Method::POST {
        return Access::Public;
    }
    if route == paths::TOKENS || route == paths::token("{id}") {
        return Access::Role(Role::Admin);
    }
    if route == paths::signing_secret("{id}") {
        return Access::Role(Role::Admin);
    }

    if read {
        return Access::Role(Role::Viewer);
    }
    if route == webhook && *method == Method::DELETE {
        let role = if force_requested {
            Role::Admin
        } else {
            Role::Operator
        };
        return Access::Role(role);
    }

    let operator_writes = [
        (Method::POST, paths::WEBHOOKS.to_owned()),
        (Method::POST, paths::restore("{id}")),
        (Method::PATCH, paths::status("{id}")),
        (Method::POST, paths::BULK_RESTORE.to_owned()),
        (Method::POST, paths::retry_job("{id}")),
        (Method::POST, paths::RETRY_DEAD_LETTERS.to_owned()),
    ];
    if operator_writes
        .iter()
        .any(|(allowed, path)| allowed == method && path == route)
    {
        return Access::Role(Role::Operator);
    }
    Access::Role(Role::Admin)
}

/// Returns whether a query string requests a force delete: any `force` value but `false`.
/// A value the route rejects as invalid still needs the admin role, so that a malformed flag
/// never lowers the bar.
fn force_requested(request: &Request) -> bool {
    let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(request.uri()) else {
        return true;
    };
    pairs
        .iter()
        .any(|(key, value)| key == "force" && value.trim() != "false")
}

/// Generates a token: `hg_` and 32 bytes from the operating system's random source in hex.
///
/// # Panics
///
/// If the operating system's random source fails, which leaves no safe way to make a token.
pub fn generate_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex())
}

/// Returns 32 bytes from the operating system's random source, in lowercase hex.
///
/// # Panics
///
/// If the operating system's random source fails.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random source failed");
    hex::encode(bytes)
}

/// Returns the SHA-256 of a token's text in lowercase hex, the form the database stores.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Reason a request failed to authenticate. Every variant is a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Missing,
    Malformed,
    Unknown,
    Revoked,
}

impl Failure {
    fn message(self) -> &'static str {
        match self {
            Failure::Missing => {
                "missing API token: send it as Authorization: Bearer <token>; hookgrace token \
                 create makes one"
            }
            Failure::Malformed => {
                "invalid Authorization header: use Authorization: Bearer <token>, where the \
                 token starts with hg_"
            }
            Failure::Unknown => {
                "invalid API token: no token matches it; check for a copy error, or create a \
                 new one with hookgrace token create"
            }
            Failure::Revoked => {
                "API token revoked: ask an admin for a new one (hookgrace token create)"
            }
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Failure::Missing => "missing token",
            Failure::Malformed => "malformed Authorization header",
            Failure::Unknown => "unknown token",
            Failure::Revoked => "revoked token",
        }
    }
}

/// Builds a JSON error response with the server's time, for failures that happen outside the
/// routes' [`ApiError`] type.
pub(crate) fn error_response(
    status: StatusCode,
    title: &str,
    message: String,
    context: Value,
    now: Timestamp,
) -> Response {
    let context = match context {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let body = ErrorBody {
        error: title.to_owned(),
        message,
        timestamp: Some(now),
        context,
    };
    (status, Json(body)).into_response()
}

fn unauthorized(failure: Failure, now: Timestamp) -> Response {
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        failure.message().to_owned(),
        json!({}),
        now,
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn forbidden(
    caller: &Caller,
    needed: Role,
    method: &Method,
    route: &str,
    now: Timestamp,
) -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!(
            "{method} {route} needs the {needed} role, but token '{}' has the {} role; ask an \
             admin for a token with the {needed} role",
            caller.name, caller.role
        ),
        json!({ "required_role": needed, "role": caller.role }),
        now,
    )
}

fn too_many(retry_after_seconds: u64, now: Timestamp) -> Response {
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many failed authentications",
        format!(
            "too many failed authentications from this address; retry after \
             {retry_after_seconds} s with a valid token"
        ),
        json!({ "retry_after_seconds": retry_after_seconds }),
        now,
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// Reads the token from `Authorization: Bearer <token>`.
fn bearer_token(request: &Request) -> Result<&str, Failure> {
    let Some(value) = request.headers().get(AUTHORIZATION) else {
        return Err(Failure::Missing);
    };
    let text = value.to_str().map_err(|_| Failure::Malformed)?.trim();
    let (scheme, token) = text.split_once(' ').ok_or(Failure::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Failure::Malformed);
    }
    let token = token.trim();
    if !is_token_format(token) {
        return Err(Failure::Malformed);
    }
    Ok(token)
}

/// Finds the caller of a well-formed token: a session token, else a stored one.
async fn find_caller(state: &AppState, token: &str) -> Result<Result<Caller, Failure>, ApiError> {
    let auth = &state.auth;
    let hash = hash_token(token);
    // Compares every session token in constant time, so the time taken does not tell how
    // many leading characters matched.
    let mut session = None;
    for (session_hash, name, role) in &auth.session {
        if bool::from(session_hash.as_bytes().ct_eq(hash.as_bytes())) {
            session = Some((name.clone(), *role));
        }
    }
    if let Some((name, role)) = session {
        return Ok(Ok(Caller {
            name,
            role,
            token_id: None,
            trust_user_header: auth.trust_user_header,
        }));
    }
    // The lookup compares hashes, whose preimages the caller cannot choose, so its timing
    // reveals nothing about a stored token.

    let Some(record) = state.store.find_token(&hash).await? else {
        return Ok(Err(Failure::Unknown));
    };
    if record.revoked_at.is_some() {
        return Ok(Err(Failure::Revoked));
    }

    let now = state.now();
    let stale = record
        .last_used_at
        .is_none_or(|used| used.until(now).num_seconds() >= TOUCH_INTERVAL_SECONDS);
    if stale {
        let stale_before = now
            .checked_add(chrono::Duration::seconds(-TOUCH_INTERVAL_SECONDS))
            .unwrap_or(now);
        if let Err(error) = state.store.touch_token(&record.id, now, stale_before).await {
            tracing::warn!(%error, token_id = %record.id, "failed to record the token's last use");
        }
    }
    Ok(Ok(Caller {
        name: record.name,
        role: record.role,
        token_id: Some(record.id),
        trust_user_header: auth.trust_user_header,
    }))
}

/// Returns the address a request came from, when the server recorded it.
fn source_address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<PeerAddr>>()
        .map(|ConnectInfo(peer)| peer.0.ip())
}

/// Middleware that authenticates the request and checks its role, as a route layer.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_owned())
        .unwrap_or_default();
    let method = request.method().clone();
    let needed = match required_access(&method, &route, force_requested(&request)) {
        Access::Public => return next.run(request).await,
        Access::Role(role) => role,
    };

    let now = state.now();
    let address = source_address(&request);
    let limiter = &state.auth.limiter;
    if let Some(address) = address {
        if let Some(lockout) = limiter.check(address, Instant::now()) {
            let seconds = lockout.retry_after.as_secs_f64().ceil() as u64;
            if lockout.log {
                tracing::warn!(
                    %address,
                    retry_after_seconds = seconds,
                    "rejecting requests from an address locked out after failed authentications"
                );
            }
            return too_many(seconds.max(1), now);
        }
    }

    let outcome = match bearer_token(&request) {
        Ok(token) => match find_caller(&state, token).await {
            Ok(outcome) => outcome,
            Err(error) => return error.into_response(),
        },
        Err(failure) => Err(failure),
    };
    let caller = match outcome {
        Ok(caller) => caller,
        Err(failure) => {
            let address_text =
                address.map_or_else(|| "unknown".to_owned(), |address| address.to_string());
            // A missing token is a client without configuration, not a guess, so only
            // presented tokens count towards a lockout.
            let lockout = match (failure, address) {
                (Failure::Missing, _) | (_, None) => None,
                (_, Some(address)) => limiter.record_failure(address, Instant::now()),
            };
            tracing::warn!(
                address = %address_text,
                %method,
                route = %route,
                reason = failure.reason(),
                lockout_seconds = lockout.map(|delay| delay.as_secs()),
                "authentication failed"
            );
            return unauthorized(failure, now);
        }
    };

    if !caller.role.allows(needed) {
        tracing::info!(
            user = %caller.name,
            role = %caller.role,
            required_role = %needed,
            %method,
            route = %route,
            "request forbidden: role too low"
        );
        return forbidden(&caller, needed, &method, &route, now);
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_covers_each_route() {
        let webhook = paths::webhook("{id}");
        let cases = [
            (Method::GET, paths::HEALTH.to_owned(), false, Access::Public),
            (Method::POST, webhook.clone(), false, Access::Public),
            (
                Method::GET,
                webhook.clone(),
                false,
                Access::Role(Role::Viewer),
            ),
            (
                Method::GET,
                paths::AUDIT.to_owned(),
                false,
                Access::Role(Role::Viewer),
            ),
            (
                Method::GET,
                paths::WHOAMI.to_owned(),
                false,
                Access::Role(Role::Viewer),
            ),
            (
                Method::DELETE,
                webhook.clone(),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::DELETE,
                webhook.clone(),
                true,
                Access::Role(Role::Admin),
            ),
            (
                Method::POST,
                paths::restore("{id}"),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::POST,
                paths::WEBHOOKS.to_owned(),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::PATCH,
                paths::status("{id}"),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::POST,
                paths::BULK_RESTORE.to_owned(),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::POST,
                paths::retry_job("{id}"),
                false,
                Access::Role(Role::Operator),
            ),
            (
                Method::GET,
                paths::TOKENS.to_owned(),
                false,
                Access::Role(Role::Admin),
            ),
            (
                Method::DELETE,
                paths::token("{id}"),
                false,
                Access::Role(Role::Admin),
            ),
            (
                Method::POST,
                paths::signing_secret("{id}"),
                false,
                Access::Role(Role::Admin),
            ),
            (
                Method::PUT,
                "/unknown".to_owned(),
                false,
                Access::Role(Role::Admin),
            ),
        ];
        for (method, route, force, expected) in cases {
            assert_eq!(
                required_access(&method, &route, force),
                expected,
                "{method} {route}"
            );
        }
    }

    #[test]
    fn tokens_are_random_and_well_formed() {
        let first = generate_token();
        let second = generate_token();
        assert_ne!(first, second);
        assert_eq!(first.len(), crate::api::TOKEN_CHARS);
        assert!(first.starts_with(TOKEN_PREFIX));
        assert!(is_token_format(&first));
        assert_eq!(hash_token(&first).len(), 64);
    }

    #[test]
    fn bearer_header_is_parsed_strictly() {
        let token = generate_token();
        let request_with = |value: &str| {
            Request::builder()
                .header(AUTHORIZATION, value)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let good = request_with(&format!("Bearer {token}"));
        assert_eq!(bearer_token(&good), Ok(token.as_str()));
        let lower = request_with(&format!("bearer {token}"));
        assert_eq!(bearer_token(&lower), Ok(token.as_str()));
        for bad in [
            format!("Basic {token}"),
            token.clone(),
            "Bearer hg_short".to_owned(),
            format!("Bearer {}", token.replace("hg_", "xx_")),
        ] {
            assert_eq!(
                bearer_token(&request_with(&bad)),
                Err(Failure::Malformed),
                "{bad}"
            );
        }
        let none = Request::builder().body(axum::body::Body::empty()).unwrap();
        assert_eq!(bearer_token(&none), Err(Failure::Missing));
    }

    #[test]
    fn force_flag_needs_admin_unless_false() {
        let request_to = |uri: &str| {
            Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        assert!(!force_requested(&request_to("/webhook/x?reason=a")));
        assert!(!force_requested(&request_to("/webhook/x?force=false")));
        assert!(force_requested(&request_to("/webhook/x?force=true")));
        assert!(force_requested(&request_to("/webhook/x?force=yes")));
        assert!(force_requested(&request_to(
            "/webhook/x?force=false&force=true"
        )));
    }
}
