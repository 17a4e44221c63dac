//! Conditional GET and HEAD on the list routes: each 200 carries a weak `ETag`, and a request whose
//! `If-None-Match` names the current tag gets `304 Not Modified` with no body, so a client
//! polling an unchanged list pays for headers only.
//!
//! The tag hashes the JSON body without the values that change on every request while the
//! data stays the same: the top-level `timestamp` (the server's clock) and every
//! `seconds_until_deletion` (derived from that clock and the stored purge time). Because two
//! bodies with the same tag can still differ in those values, the tag is weak (`W/"…"`). A 304
//! carries a `Date` header from the server's clock, so clients still read the server time.

use std::hash::{Hash, Hasher};

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, DATE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api::{paths, Timestamp};
use crate::clock::SharedClock;

/// Routes whose GET and HEAD responses get an `ETag`.
pub const TAGGED_PATHS: [&str; 6] = [
    paths::WEBHOOKS,
    paths::DELETED,
    paths::QUEUE,
    paths::QUEUE_JOBS,
    paths::AUDIT,
    paths::CHANGES,
];

/// Body fields left out of the tag: they change with the clock, not with the data.
const CLOCK_FIELDS: [&str; 2] = ["timestamp", "seconds_until_deletion"];

/// Tags 200 responses to GET and HEAD on [`TAGGED_PATHS`] and returns 304 for a matching
/// `If-None-Match`.
pub async fn conditional_get(
    State(clock): State<SharedClock>,
    request: Request,
    next: Next,
) -> Response {
    let head = request.method() == Method::HEAD;
    let tagged =
        (head || request.method() == Method::GET) && TAGGED_PATHS.contains(&request.uri().path());
    if !tagged {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    // The router empties the body of a HEAD response before this layer receives it. So a HEAD
    // runs as a GET, which gives the body to hash, and the body is dropped below.
    let mut request = request;
    if head {
        *request.method_mut() = Method::GET;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "failed to read a list body to tag it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let tag = entity_tag(&bytes);
    let date = http_date(clock.now());
    if if_none_match
        .as_ref()
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| tag_matches(value, &tag))
    {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        let headers = not_modified.headers_mut();
        insert_header(headers, ETAG, &tag);
        insert_header(headers, DATE, &date);
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return not_modified;
    }
    insert_header(&mut parts.headers, ETAG, &tag);
    insert_header(&mut parts.headers, DATE, &date);
    parts
        .headers
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if head {
        parts
            .headers
            .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn insert_header(headers: &mut axum::http::HeaderMap, name: axum::http::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Computes the weak tag of a JSON body, ignoring [`CLOCK_FIELDS`]. A body that is not JSON
/// is hashed as it is.
pub fn entity_tag(body: &[u8]) -> String {
    let canonical = match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            strip_clock_fields(&mut value);
            serde_json::to_vec(&value).unwrap_or_else(|_| body.to_vec())
        }
        Err(_) => body.to_vec(),
    };
    // Two SipHash passes with different prefixes give a 128-bit tag. `DefaultHasher::new`
    // uses fixed keys, so a tag is stable for the life of one server binary. A restart onto
    // another build at worst costs each client one full response.
    let hash = |prefix: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        prefix.hash(&mut hasher);
        canonical.hash(&mut hasher);
        hasher.finish()
    };
    format!("W/\"{:016x}{:016x}\"", hash(1), hash(2))
}

fn strip_clock_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for field in CLOCK_FIELDS {
                map.remove(field);
            }
            map.values_mut().for_each(strip_clock_fields);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_clock_fields),
        _ => {}
    }
}

/// Compares `If-None-Match` with a tag the weak way (RFC 9110, section 8.8.3.2): `W/` is
/// ignored on both sides, and `*` or any listed tag that equals it matches.
pub fn tag_matches(if_none_match: &str, tag: &str) -> bool {
    let opaque = |text: &str| text.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(tag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == wanted)
}

/// Formats a time as an HTTP-date (RFC 9110, section 5.6.7): `Sun, 01 Mar 2026 10:00:05 GMT`.
pub fn http_date(at: Timestamp) -> String {
    at.as_datetime()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_ignores_clock_fields() {
        let first = br#"{"webhooks":[{"id":"a","restoration":{"seconds_until_deletion":60}}],
            "timestamp":"2026-03-01T10:00:00.000Z"}"#;
        let later = br#"{"webhooks":[{"id":"a","restoration":{"seconds_until_deletion":59}}],
            "timestamp":"2026-03-01T10:00:01.000Z"}"#;
        let changed = br#"{"webhooks":[{"id":"b","restoration":{"seconds_until_deletion":59}}],
            "timestamp":"2026-03-01T10:00:01.000Z"}"#;

        assert_eq!(entity_tag(first), entity_tag(later));
        assert_ne!(entity_tag(first), entity_tag(changed));
        assert!(entity_tag(first).starts_with("W/\""));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = "W/\"00ff\"";
        assert!(tag_matches("W/\"00ff\"", tag));
        assert!(tag_matches("\"00ff\"", tag));
        assert!(tag_matches("\"1\", W/\"00ff\"", tag));
        assert!(tag_matches("*", tag));
        assert!(!tag_matches("W/\"00fe\"", tag));
        assert!(!tag_matches("", tag));
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        let at = Timestamp::parse("2026-03-01T10:00:05.123Z").unwrap();
        assert_eq!(http_date(at), "Sun, 01 Mar 2026 10:00:05 GMT");
    }
}
