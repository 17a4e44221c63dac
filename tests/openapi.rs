//! The OpenAPI document against the router: the same routes, methods and query parameters,
//! and every reference resolvable.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use hookgrace::server::{QueryRule, OPENAPI_JSON, ROUTES};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn document() -> Value {
    serde_json::from_str(OPENAPI_JSON).expect("assets/openapi.json is not JSON")
}

fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths object") {
        for method in METHODS {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// Resolves a local `$ref` such as `#/components/parameters/Limit`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("unresolved reference {reference}"))
        }
        None => value,
    }
}

fn query_parameters(doc: &Value, method: &str, path: &str) -> BTreeSet<String> {
    let item = &doc["paths"][path];
    let shared = item["parameters"].as_array().cloned().unwrap_or_default();
    let own = item[method]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    shared
        .iter()
        .chain(&own)
        .map(|parameter| resolve(doc, parameter))
        .filter(|parameter| parameter["in"] == "query")
        .map(|parameter| parameter["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                refs.push(reference.clone());
            }
            map.values().for_each(|child| collect_refs(child, refs));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, refs)),
        _ => {}
    }
}

#[test]
fn document_parses_and_references_resolve() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string());
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "unresolved {reference}");
    }
}

#[test]
fn document_lists_every_route_and_no_other() {
    let doc = document();
    let documented = documented_routes(&doc);
    let routed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|route| (route.method.to_owned(), route.path.to_owned()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[test]
fn document_lists_each_route_query_parameters() {
    let doc = document();
    for route in ROUTES {
        let method = route.method.to_lowercase();
        let documented = query_parameters(&doc, &method, route.path);
        let accepted: BTreeSet<String> = match route.query {
            QueryRule::Only(names) => names.iter().map(|name| (*name).to_owned()).collect(),
            QueryRule::Ignored => BTreeSet::new(),
        };
        assert_eq!(
            documented, accepted,
            "{} {}: documented query parameters differ from the route table",
            route.method, route.path
        );
    }
}

/// Fills the path's parameters with well-formed values that name nothing.
fn concrete(path: &str) -> String {
    if path.starts_with("/queue/jobs/") {
        path.replace("{id}", "job_unknown")
    } else {
        path.replace("{id}", "ws_cal_solar_001")
    }
}

#[tokio::test]
async fn router_serves_exactly_the_route_table() {
    let test = TestServer::start().await;
    let paths: BTreeSet<&str> = ROUTES.iter().map(|route| route.path).collect();
    for path in paths {
        let url = test.url(&concrete(path));
        for method in METHODS {
            let listed = ROUTES
                .iter()
                .any(|route| route.path == path && route.method.eq_ignore_ascii_case(method));
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = test
                .client
                .request(method.clone(), &url)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if listed {
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {body}"
                );
                assert_ne!(
                    body["error"], "Not found",
                    "{method} {path} is not routed: {body}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is routed but not in the route table: {body}"
                );
            }
        }
    }
}

#[tokio::test]
async fn openapi_route_serves_the_document() {
    let test = TestServer::start().await;
    let response = test.raw(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served: Value = response.json().await.unwrap();
    assert_eq!(served, document());

    let (_, health) = test.get("/health").await;
    let extensions = health["extensions"].as_array().unwrap();
    assert!(extensions.contains(&json!("openapi")), "{health}");
}
