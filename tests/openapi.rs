//! The OpenAPI document against the router: the same routes, methods and query parameters,
//! the same authentication and roles as `auth::required_access`, and every reference
//! resolvable.

mod common;

use std::collections::BTreeSet;

use common::{TestServer, ADMIN_TOKEN};
use hookgrace::api::Role;
use hookgrace::server::auth::{required_access, Access};
use hookgrace::server::{QueryRule, OPENAPI_JSON, ROUTES};
use hookgrace::store::AuditEventType;
use reqwest::header::WWW_AUTHENTICATE;
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

/// Lists every operation of the document as (method in upper case, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths object") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    found
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

/// A paged list response has the fields of its schema, which allows no others: the schema
/// lists every field the server sends and the server sends every required one.
#[tokio::test]
async fn paged_lists_match_their_schemas() {
    let test = TestServer::start().await;
    for number in 1..=3 {
        let id = format!("ws_cal_solar_{number:03}");
        test.create(&id, "Page").await;
        if number > 1 {
            test.soft_delete(&id).await;
        }
    }
    test.create("ws_cal_solar_004", "Page").await;
    let doc = document();
    for (path, name) in [
        ("/webhook?limit=1", "WebhookList"),
        ("/webhook/deleted?limit=1", "DeletedList"),
    ] {
        let (status, body) = test.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["next_offset"], 1, "{path}: {body}");
        let schema = &doc["components"]["schemas"][name];
        assert_eq!(schema["additionalProperties"], false, "{path}");
        let properties = schema["properties"].as_object().expect("properties");
        for field in body.as_object().expect("object body").keys() {
            assert!(
                properties.contains_key(field),
                "{path}: '{field}' is not in the {name} schema"
            );
        }
        for field in schema["required"].as_array().expect("required list") {
            let field = field.as_str().expect("field name");
            assert!(body.get(field).is_some(), "{path}: '{field}' missing");
        }
    }
}

/// Reads a role named by an `x-required-role` extension.
fn documented_role(operation: &Value, extension: &str) -> Option<Role> {
    let name = operation.get(extension)?.as_str()?;
    Some(Role::parse(name).unwrap_or_else(|| panic!("{extension}: unknown role '{name}'")))
}

#[test]
fn document_security_matches_required_access() {
    let doc = document();
    let bearer = json!([{"bearerAuth": []}]);
    assert_eq!(
        doc["security"], bearer,
        "the default security is the bearer token"
    );
    let scheme = &doc["components"]["securitySchemes"]["bearerAuth"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");

    for (method_name, path, operation) in operations(&doc) {
        let method = Method::from_bytes(method_name.as_bytes()).unwrap();
        let what = format!("{method_name} {path}");
        let security = operation.get("security").unwrap_or(&doc["security"]);
        let responses = &operation["responses"];
        let plain = required_access(&method, &path, false);
        let forced = required_access(&method, &path, true);
        match (plain, forced) {
            (Access::Public, Access::Public) => {
                assert_eq!(
                    security,
                    &json!([]),
                    "{what} is public but declares security"
                );
                assert!(operation.get("x-required-role").is_none(), "{what}");
                for status in ["403", "429"] {
                    assert!(responses.get(status).is_none(), "{what} declares {status}");
                }
            }
            (Access::Role(role), Access::Role(force_role)) => {
                assert_eq!(
                    security, &bearer,
                    "{what} needs a token but declares {security}"
                );
                let declared = documented_role(operation, "x-required-role");
                assert_eq!(declared, Some(role), "{what}: x-required-role");
                let declared_force =
                    documented_role(operation, "x-required-role-with-force").or(declared);
                assert_eq!(
                    declared_force,
                    Some(force_role),
                    "{what}: role with force (x-required-role-with-force)"
                );
                let description = operation["description"].as_str().unwrap_or_default();
                assert!(
                    description.contains(&format!("the {role} role")),
                    "{what}: the description does not name the {role} role: {description}"
                );
                let expected = [
                    ("401", "Unauthorized"),
                    ("429", "TooManyRequests"),
                    ("503", "Unavailable"),
                ];
                for (status, name) in expected {
                    assert_eq!(
                        responses[status]["$ref"],
                        format!("#/components/responses/{name}"),
                        "{what}: response {status}"
                    );
                }
                let can_be_forbidden = role.max(force_role) > Role::Viewer;
                assert_eq!(
                    responses.get("403").is_some(),
                    can_be_forbidden,
                    "{what}: a 403 is declared exactly when a viewer token is not enough"
                );
            }
            other => panic!("{what}: public with one force flag only: {other:?}"),
        }
    }
}

#[test]
fn auth_responses_declare_their_headers() {
    let doc = document();
    let responses = &doc["components"]["responses"];
    assert_eq!(
        responses["Unauthorized"]["headers"]["WWW-Authenticate"]["schema"]["const"],
        "Bearer"
    );
    assert_eq!(
        responses["TooManyRequests"]["headers"]["Retry-After"]["schema"]["type"],
        "integer"
    );
    let forbidden = resolve(
        &doc,
        &responses["Forbidden"]["content"]["application/json"]["schema"],
    );
    let required = &forbidden["allOf"][1]["required"];
    assert_eq!(required, &json!(["required_role", "role"]));
    let roles = &doc["components"]["schemas"]["Role"]["enum"];
    let names: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
    assert_eq!(roles, &json!(names));
}

#[test]
fn lead_intake_declares_signature_header() {
    let doc = document();
    let lead = &doc["paths"]["/webhook/{id}"]["post"];
    let header = lead["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| resolve(&doc, parameter))
        .find(|parameter| parameter["name"] == hookgrace::api::SIGNATURE_HEADER)
        .expect("X-Webhook-Signature is not a parameter of lead intake");
    assert_eq!(header["in"], "header");
    assert_eq!(header["required"], true);
    for status in ["401", "404", "410"] {
        assert!(
            lead["responses"].get(status).is_some(),
            "lead intake lacks {status}"
        );
    }
}

#[test]
fn document_lists_every_audit_event_type() {
    let doc = document();
    let documented = &doc["components"]["parameters"]["EventType"]["schema"]["enum"];
    let names: Vec<&str> = AuditEventType::ALL
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    assert_eq!(documented, &json!(names));
}

/// Creates a token with `role` over HTTP and returns its text.
async fn create_token(test: &TestServer, name: &str, role: Role) -> String {
    let (status, body) = test
        .post("/tokens", json!({"name": name, "role": role}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"]
        .as_str()
        .expect("the 201 response has no token")
        .to_owned()
}

/// Sends `method` to `path` with `token`, if any, and returns the status, the
/// `WWW-Authenticate` header and the JSON body.
async fn send(
    test: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let response = common::http_client(token)
        .request(method, test.url(path))
        .json(&json!({}))
        .send()
        .await
        .expect("request failed");
    let status = response.status();
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, challenge, body)
}

/// Each documented operation responds as its declared security says: 401 with a bearer
/// challenge without a token, and 403 naming `x-required-role` for a token one role too low.
#[tokio::test]
async fn server_enforces_documented_roles() {
    let test = TestServer::start().await;
    let viewer = create_token(&test, "vera", Role::Viewer).await;
    let operator = create_token(&test, "otto", Role::Operator).await;
    let doc = document();
    for (method_name, path, operation) in operations(&doc) {
        let method = Method::from_bytes(method_name.as_bytes()).unwrap();
        let concrete_path = concrete(&path);
        let Some(role) = documented_role(operation, "x-required-role") else {
            let (status, challenge, body) = send(&test, method.clone(), &concrete_path, None).await;
            assert_ne!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
            assert!(
                challenge.is_none(),
                "{method} {path} sent a bearer challenge"
            );
            continue;
        };
        let (status, challenge, body) = send(&test, method.clone(), &concrete_path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(challenge.as_deref(), Some("Bearer"), "{method} {path}");

        let lower = match role {
            Role::Viewer => continue,
            Role::Operator => &viewer,
            Role::Admin => &operator,
        };
        let (status, _, body) = send(&test, method.clone(), &concrete_path, Some(lower)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(body["required_role"], role.as_str(), "{method} {path}");
    }

    let forced = format!(
        "{}?force=true&confirm=x&reason=x",
        concrete("/webhook/{id}")
    );
    let (status, _, body) = send(&test, Method::DELETE, &forced, Some(&operator)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["required_role"], "admin");
}

/// Every route, the token routes included, passes through the query check: a parameter
/// that the route does not accept is rejected before the handler runs.
#[tokio::test]
async fn every_route_checks_its_query_string() {
    let test = TestServer::start().await;
    for route in ROUTES {
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let path = format!("{}?unlisted_parameter=1", concrete(route.path));
        let (status, _, body) = send(&test, method, &path, Some(ADMIN_TOKEN)).await;
        let what = format!("{} {}", route.method, route.path);
        match route.query {
            QueryRule::Only(_) => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
                assert_eq!(body["error"], "Unknown query parameter", "{what}: {body}");
            }
            QueryRule::Ignored => {
                assert_ne!(body["error"], "Unknown query parameter", "{what}: {body}");
            }
        }
    }
}
