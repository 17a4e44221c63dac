//! The table of every route: method, path, accepted query parameters and handler.
//! [`super::router`] builds the router from [`ROUTES`], so the router serves exactly the routes
//! that the table lists. The OpenAPI document's tests compare it against the same table, and
//! [`check_query`] enforces each route's query parameters.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};

use super::error::ApiError;
use super::AppState;
use super::{
    audit, auth, bulk, changes, deleted, health, integrity, leads, openapi, queue, webhooks,
};

/// Query parameters of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryRule {
    /// These parameters and no others; an empty list rejects every parameter.
    Only(&'static [&'static str]),
    /// Any parameters, unread. Lead vendors append their own tracking parameters to webhook
    /// URLs, so lead intake ignores the query string as the existing deployment does.
    Ignored,
}

/// One route of the router: method, path in axum's `{name}` syntax (also OpenAPI's), its
/// query parameters and its handler.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub query: QueryRule,
    handler: fn() -> MethodRouter<AppState>,
}

impl RouteSpec {
    /// Returns the axum method router that serves this route.
    pub(super) fn method_router(&self) -> MethodRouter<AppState> {
        (self.handler)()
    }
}

/// Builds a [`RouteSpec`]. One method token gives both the method's name and the axum method
/// filter, so an entry cannot list one method and serve another.
macro_rules! route {
    ($method:ident $path:literal, $query:expr, $handler:path) => {
        RouteSpec {
            method: stringify!($method),
            path: $path,
            query: $query,
            handler: || on(MethodFilter::$method, $handler),
        }
    };
}

const NO_QUERY: QueryRule = QueryRule::Only(&[]);
const PAGE: QueryRule = QueryRule::Only(&["limit", "offset"]);
const AUDIT_QUERY: QueryRule = QueryRule::Only(&["limit", "cursor", "event_type", "user"]);

/// Every route of [`super::router`]. GET routes also serve HEAD, as axum's `get` does.
/// `/webhook/deleted` is a static segment, so axum matches it before the `/webhook/{id}`
/// capture whatever the order of the table.
pub const ROUTES: &[RouteSpec] = &[
    route!(GET "/health", NO_QUERY, health::health),
    route!(GET "/openapi.json", NO_QUERY, openapi::document),
    route!(GET "/webhook", PAGE, webhooks::list),
    route!(POST "/webhook", NO_QUERY, webhooks::create),
    route!(GET "/webhook/deleted", PAGE, deleted::list),
    route!(GET "/webhook/{id}", NO_QUERY, webhooks::detail),
    route!(POST "/webhook/{id}", QueryRule::Ignored, leads::receive),
    route!(
        DELETE "/webhook/{id}",
        QueryRule::Only(&["reason", "force", "confirm"]),
        deleted::delete
    ),
    route!(
        POST "/webhook/{id}/restore",
        QueryRule::Only(&["enabled"]),
        deleted::restore
    ),
    route!(PATCH "/webhook/{id}/status", NO_QUERY, webhooks::set_status),
    route!(POST "/webhook/{id}/signing-secret", NO_QUERY, leads::rotate_secret),
    route!(GET "/webhook/{id}/audit", AUDIT_QUERY, audit::for_webhook),
    route!(GET "/audit", AUDIT_QUERY, audit::global),
    route!(GET "/queue", NO_QUERY, queue::summary),
    route!(
        GET "/queue/jobs",
        QueryRule::Only(&["state", "limit"]),
        queue::jobs
    ),
    route!(POST "/webhooks/restore", NO_QUERY, bulk::restore),
    route!(POST "/queue/jobs/{id}/retry", NO_QUERY, queue::retry_job),
    route!(POST "/queue/dead-letter/retry", NO_QUERY, queue::retry_dead_letters),
    route!(GET "/integrity", NO_QUERY, integrity::report),
    route!(GET "/changes", NO_QUERY, changes::revision),
    route!(GET "/whoami", NO_QUERY, auth::whoami),
    route!(GET "/tokens", NO_QUERY, auth::list_tokens),
    route!(POST "/tokens", NO_QUERY, auth::create_token),
    route!(DELETE "/tokens/{id}", NO_QUERY, auth::revoke_token),
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

/// Finds the table entry of the route that axum matched for `method`. The router is built from
/// [`ROUTES`], so every matched route has one. If one ever lacks it, this panics in debug builds
/// and logs an error in release builds, where the request goes on with its query string
/// unchecked.
fn listed_route(method: &Method, matched: &str) -> Option<&'static RouteSpec> {
    let route = find(method, matched);
    debug_assert!(
        route.is_some(),
        "{method} {matched} is routed but missing from ROUTES, so its query string is not \
         checked; add it to ROUTES"
    );
    if route.is_none() {
        tracing::error!(
            %method,
            route = matched,
            "route missing from the route table; its query string is not checked"
        );
    }
    route
}

/// Middleware, installed as a route layer, that rejects a query string that the matched route
/// does not accept: unknown or repeated parameters, invalid percent-encoding, text that is not
/// UTF-8, or more than [`MAX_QUERY_BYTES`].
pub async fn check_query(request: Request, next: Next) -> Response {
    // A route layer runs only on a matched route, which always has a `MatchedPath`.
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("", MatchedPath::as_str);
    let accepted = listed_route(request.method(), matched).and_then(|route| match route.query {
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
    use crate::api::paths;

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

    #[test]
    fn every_api_path_is_in_the_table() {
        let id = "{id}";
        let api_paths = [
            paths::HEALTH.to_owned(),
            super::super::openapi::PATH.to_owned(),
            paths::WEBHOOKS.to_owned(),
            paths::DELETED.to_owned(),
            paths::webhook(id),
            paths::restore(id),
            paths::status(id),
            paths::signing_secret(id),
            paths::webhook_audit(id),
            paths::AUDIT.to_owned(),
            paths::QUEUE.to_owned(),
            paths::QUEUE_JOBS.to_owned(),
            paths::BULK_RESTORE.to_owned(),
            paths::retry_job(id),
            paths::RETRY_DEAD_LETTERS.to_owned(),
            paths::INTEGRITY.to_owned(),
            paths::WHOAMI.to_owned(),
            paths::TOKENS.to_owned(),
            paths::token(id),
            paths::CHANGES.to_owned(),
        ];
        for path in &api_paths {
            assert!(
                ROUTES.iter().any(|route| route.path == path),
                "{path} is missing from ROUTES"
            );
        }
        for route in ROUTES {
            assert!(
                api_paths.iter().any(|path| path == route.path),
                "{} has no constant or function in api::paths",
                route.path
            );
        }
    }

    #[test]
    fn listed_route_finds_table_entries() {
        let route = listed_route(&Method::DELETE, "/tokens/{id}").unwrap();
        assert_eq!(route.query, QueryRule::Only(&[]));
        assert!(listed_route(&Method::HEAD, "/whoami").is_some());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "PUT /unlisted is routed but missing from ROUTES")]
    fn unlisted_route_panics_in_debug_builds() {
        listed_route(&Method::PUT, "/unlisted");
    }
}
