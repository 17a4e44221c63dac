//! The table of every route that [`super::router`] serves, with the query parameters each one
//! accepts, and the middleware that enforces those parameters.
//!
//! The OpenAPI document and its tests compare themselves against [`ROUTES`], and a test sends
//! each (method, path) of the table to the real router, so a route added to only one place
//! fails a test.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Query parameters of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryRule {
    /// These parameters and no others; an empty list rejects every parameter.
    Only(&'static [&'static str]),
    /// Any parameters, unread. Lead vendors append their own tracking parameters to webhook
    /// URLs, so lead intake ignores the query string as the existing deployment does.
    Ignored,
}

/// One route of the router: method, path in axum's `{name}` syntax (also OpenAPI's), and its
/// query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub query: QueryRule,
}

const PAGE: &[&str] = &["limit", "offset"];
const AUDIT: &[&str] = &["limit", "cursor", "event_type", "user"];
const NONE: &[&str] = &[];

const fn route(
    method: &'static str,
    path: &'static str,
    query: &'static [&'static str],
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        query: QueryRule::Only(query),
    }
}

/// Every route of [`super::router`]. GET routes also serve HEAD, as axum's `get` does.
pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/health", NONE),
    route("GET", "/openapi.json", NONE),
    route("GET", "/webhook", PAGE),
    route("POST", "/webhook", NONE),
    route("GET", "/webhook/deleted", PAGE),
    route("GET", "/webhook/{id}", NONE),
    RouteSpec {
        method: "POST",
        path: "/webhook/{id}",
        query: QueryRule::Ignored,
    },
    route("DELETE", "/webhook/{id}", &["reason", "force", "confirm"]),
    route("POST", "/webhook/{id}/restore", &["enabled"]),
    route("PATCH", "/webhook/{id}/status", NONE),
    route("GET", "/webhook/{id}/audit", AUDIT),
    route("GET", "/audit", AUDIT),
    route("GET", "/queue", NONE),
    route("GET", "/queue/jobs", &["state", "limit"]),
    route("POST", "/webhooks/restore", NONE),
    route("POST", "/queue/jobs/{id}/retry", NONE),
    route("POST", "/queue/dead-letter/retry", NONE),
    route("GET", "/integrity", NONE),
];

/// Maximum length of a query string, in bytes. The longest valid one, a force delete with a
/// 500-character reason and a 200-character name, percent-encoded, stays below it.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// Finds the route that serves `method` on `path` (a route pattern such as `/webhook/{id}`).
pub fn find(method: &Method, path: &str) -> Option<&'static RouteSpec> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|route| route.method == method && route.path == path)
}

/// Middleware, installed as a route layer, that rejects a query string that the matched route
/// does not accept: unknown or repeated parameters, invalid percent-encoding, text that is not
/// UTF-8, or more than [`MAX_QUERY_BYTES`].
pub async fn check_query(request: Request, next: Next) -> Response {
    let accepted = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|matched| find(request.method(), matched.as_str()))
        .and_then(|route| match route.query {
            QueryRule::Only(accepted) => Some((route.path, accepted)),
            QueryRule::Ignored => None,
        });
    if let (Some((path, accepted)), Some(query)) = (accepted, request.uri().query()) {
        if let Err(error) = check_pairs(request.method(), path, accepted, query) {
            return error.into_response();
        }
    }
    next.run(request).await
}

fn check_pairs(
    method: &Method,
    route: &'static str,
    accepted: &'static [&'static str],
    query: &str,
) -> Result<(), ApiError> {
    let invalid = |message: String| ApiError::invalid("Invalid query", message);
    if query.len() > MAX_QUERY_BYTES {
        return Err(invalid(format!(
            "the query string is {} bytes long; the maximum is {MAX_QUERY_BYTES}",
            query.len()
        )));
    }
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode_component(raw_name).map_err(|problem| {
            invalid(format!(
                "invalid query parameter name '{}': {problem}",
                super::validate::shown(raw_name)
            ))
        })?;
        if !accepted.contains(&name.as_str()) {
            return Err(ApiError::UnknownQueryParameter {
                name: super::validate::shown(&name),
                method: method.clone(),
                route,
                accepted,
            });
        }
        decode_component(raw_value).map_err(|problem| {
            invalid(format!(
                "invalid value of query parameter '{name}': {problem}"
            ))
        })?;
        if seen.contains(&name) {
            return Err(invalid(format!(
                "query parameter '{name}' is given more than once; pass it once"
            )));
        }
        seen.push(name);
    }
    Ok(())
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space and `%XX` a
/// byte. Unlike the lenient decoder of the `url` crate, it rejects a `%` without two
/// hexadecimal digits and bytes that are not UTF-8, instead of keeping them as typed.
pub fn decode_component(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let digits = bytes.get(index + 1..index + 3).and_then(|pair| {
                    let high = char::from(pair[0]).to_digit(16)?;
                    let low = char::from(pair[1]).to_digit(16)?;
                    Some((high * 16 + low) as u8)
                });
                let Some(byte) = digits else {
                    return Err(format!(
                        "'%' at byte {} is not followed by two hexadecimal digits; encode a \
                         literal '%' as %25",
                        index + 1
                    ));
                };
                decoded.push(byte);
                index += 2;
            }
            other => decoded.push(other),
        }
        index += 1;
    }
    String::from_utf8(decoded).map_err(|_| "it is not UTF-8 text after percent-decoding".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_component_is_strict() {
        assert_eq!(decode_component("a+b%20c%C3%A9").unwrap(), "a b cé");
        assert_eq!(decode_component("100%25").unwrap(), "100%");
        for bad in ["%ZZ", "%", "%2", "ab%g1"] {
            let problem = decode_component(bad).unwrap_err();
            assert!(problem.contains("hexadecimal"), "{bad}: {problem}");
        }
        assert!(decode_component("%FF").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn check_pairs_rejects_unknown_repeated_and_long() {
        let accepted: &'static [&'static str] = &["limit", "cursor"];
        let check = |query: &str| check_pairs(&Method::GET, "/audit", accepted, query);
        assert!(check("limit=5&cursor=9").is_ok());
        assert!(check("&&limit=5&").is_ok());

        let unknown = check("limit=5&before=zzz").unwrap_err().to_string();
        assert!(unknown.contains("'before'"), "{unknown}");
        assert!(unknown.contains("limit, cursor"), "{unknown}");

        let repeated = check("limit=1&limit=2").unwrap_err().to_string();
        assert!(repeated.contains("more than once"), "{repeated}");

        let long = format!("limit={}", "1".repeat(MAX_QUERY_BYTES));
        let too_long = check(&long).unwrap_err().to_string();
        assert!(too_long.contains("16384"), "{too_long}");
    }

    #[test]
    fn every_route_is_listed_once() {
        for (index, route) in ROUTES.iter().enumerate() {
            let first = ROUTES
                .iter()
                .position(|other| other.method == route.method && other.path == route.path);
            assert_eq!(
                first,
                Some(index),
                "{} {} is listed twice",
                route.method,
                route.path
            );
        }
        assert!(find(&Method::HEAD, "/webhook").is_some());
        assert!(find(&Method::PUT, "/webhook").is_none());
    }
}
