//! Extractors whose rejections are [`ApiError`]s, so malformed input gets a JSON 400 instead
//! of axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::Caller;
use super::error::ApiError;
use crate::api::parse_webhook_id;

/// Header that names the acting user for the audit trail.
pub const USER_HEADER: &str = "x-user-id";

/// Actor recorded when a request has no `X-User-ID` header.
pub const ANONYMOUS_ACTOR: &str = "anonymous";

/// Maximum length of `X-User-ID`, in characters.
pub const MAX_ACTOR_CHARS: usize = 100;

/// A JSON request body.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let value = match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => return Err(json_rejection(&rejection)),
        };
        // serde would also read a struct from an array of its fields in order, so only an
        // object is accepted.
        if !value.is_object() {
            return Err(invalid_json("the body must be a JSON object"));
        }
        serde_json::from_value(value)
            .map(JsonBody)
            .map_err(|error| invalid_json(&error.to_string()))
    }
}

fn invalid_json(problem: &str) -> ApiError {
    ApiError::invalid(
        "Invalid JSON body",
        format!(
            "invalid JSON body: {problem}; send a JSON object with Content-Type: application/json"
        ),
    )
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge {
            message: format!("request body rejected: {}", rejection.body_text()),
        };
    }
    invalid_json(&rejection.body_text())
}

/// The raw request body, for routes that parse it themselves.
pub struct RawBody(pub Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(RawBody(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge {
                    message: format!("request body rejected: {}", rejection.body_text()),
                })
            }
            Err(rejection) => Err(ApiError::invalid(
                "Invalid body",
                format!("failed to read the request body: {}", rejection.body_text()),
            )),
        }
    }
}

/// Query parameters.
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err(ApiError::invalid(
                "Invalid query",
                format!("invalid query string: {}", rejection.body_text()),
            )),
        }
    }
}

/// The `{id}` path segment, checked against the webhook id pattern.
pub struct WebhookId(pub String);

impl<S> FromRequestParts<S> for WebhookId
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                ApiError::invalid(
                    "Invalid path",
                    format!("invalid path: {}", rejection.body_text()),
                )
            })?;
        parse_webhook_id(&id)?;
        Ok(WebhookId(id))
    }
}

/// The acting user: the authenticated token's name. When the server trusts `X-User-ID`
/// (`serve --trust-user-header`), the header, trimmed, replaces the token's name; when it is
/// absent or blank the token's name stays. A request without a caller, which only a public
/// route has, gets `anonymous`.
pub struct Actor(pub String);

impl<S> FromRequestParts<S> for Actor
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let caller = parts.extensions.get::<Caller>();
        let fallback = caller.map_or(ANONYMOUS_ACTOR, |caller| caller.name.as_str());
        if caller.is_none_or(|caller| !caller.trust_user_header) {
            return Ok(Actor(fallback.to_owned()));
        }
        let Some(value) = parts.headers.get(USER_HEADER) else {
            return Ok(Actor(fallback.to_owned()));
        };
        let invalid = |problem: &str| {
            ApiError::invalid(
                "Invalid X-User-ID",
                format!("invalid X-User-ID header: {problem}"),
            )
        };
        let text = std::str::from_utf8(value.as_bytes())
            .map_err(|_| invalid("it must be UTF-8 text"))?
            .trim();
        if text.is_empty() {
            return Ok(Actor(fallback.to_owned()));
        }
        if text.chars().count() > MAX_ACTOR_CHARS {
            return Err(invalid(&format!(
                "it is longer than {MAX_ACTOR_CHARS} characters"
            )));
        }
        if text.chars().any(char::is_control) {
            return Err(invalid("it contains control characters"));
        }
        Ok(Actor(text.to_owned()))
    }
}
