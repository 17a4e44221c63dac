//! Extractors whose rejections are [`ApiError`]s, so malformed input gets a JSON 400 instead
//! of axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::Caller;
use super::error::ApiError;
use super::validate;
use crate::api::parse_webhook_id;

/// Header that names the acting user for the audit trail.
pub const USER_HEADER: &str = "x-user-id";

/// Actor recorded when a request has no `X-User-ID` header.
pub const ANONYMOUS_ACTOR: &str = "anonymous";

/// Maximum length of `X-User-ID`, in characters.
pub const MAX_ACTOR_CHARS: usize = 100;

/// Maximum nesting depth of a JSON request body on the routes that take a JSON object. Their
/// valid bodies nest at most two levels, and serde_json stops at 128 levels in any case.
pub const MAX_JSON_DEPTH: usize = 32;

/// A JSON request body.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let value = match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(ApiError::UnsupportedContentType {
                    found: content_type,
                })
            }
            Err(rejection) => return Err(json_rejection(&rejection)),
        };
        // serde would also read a struct from an array of its fields in order, so only an
        // object is accepted.
        if !value.is_object() {
            return Err(invalid_json("the body must be a JSON object"));
        }
        let depth = json_depth(&value);
        if depth > MAX_JSON_DEPTH {
            return Err(invalid_json(&format!(
                "it nests {depth} levels deep; the maximum is {MAX_JSON_DEPTH}"
            )));
        }
        serde_json::from_value(value)
            .map(JsonBody)
            .map_err(|error| invalid_json(&error.to_string()))
    }
}

/// Returns the nesting depth of a JSON value: 1 for a scalar or an empty container.
fn json_depth(value: &Value) -> usize {
    let children = match value {
        Value::Array(items) => items.iter().map(json_depth).max(),
        Value::Object(map) => map.values().map(json_depth).max(),
        _ => None,
    };
    1 + children.unwrap_or(0)
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
        return ApiError::PayloadTooLarge;
    }
    let text = rejection.body_text();
    // serde_json stops at 128 nested arrays or objects with this message.
    if text.contains("recursion limit exceeded") {
        return invalid_json(&format!(
            "it nests more than 128 levels deep; the maximum is {MAX_JSON_DEPTH}"
        ));
    }
    invalid_json(&text)
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
                Err(ApiError::PayloadTooLarge)
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

/// The `{id}` path segment, percent-decoded. A segment that is not UTF-8 gets a JSON 400
/// instead of axum's plain-text rejection.
pub struct PathId(pub String);

impl<S> FromRequestParts<S> for PathId
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
        Ok(PathId(id))
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
        let PathId(id) = PathId::from_request_parts(parts, state).await?;
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
        let from_header = actor_from_header(value.as_bytes())?;
        Ok(Actor(from_header.unwrap_or_else(|| fallback.to_owned())))
    }
}

/// Validates the bytes of an `X-User-ID` header value; `None` when it is blank. hyper already
/// rejects header values with control characters other than tab, with an empty 400 that never
/// reaches a handler.
fn actor_from_header(bytes: &[u8]) -> Result<Option<String>, ApiError> {
    let invalid = |problem: &str| {
        ApiError::invalid(
            "Invalid X-User-ID",
            format!("invalid X-User-ID header: {problem}"),
        )
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| invalid("it must be UTF-8 text"))?
        .trim_matches(' ');
    if text.is_empty() {
        return Ok(None);
    }
    let name = validate::actor_name(text).map_err(|problem| invalid(&problem))?;
    Ok(Some(name))
}
