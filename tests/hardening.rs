//! Hostile and careless input over real sockets: retired ids, permanent deletions, query
//! strings, reserved actors, size and character limits. Each rejection is a JSON 4xx that
//! names the value and the limit, and changes nothing.

mod common;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use common::{hours, timestamp, TestServer, GRACE_HOURS};
use hookgrace::clock::{ManualClock, SharedClock};
use hookgrace::server::{self, ServerConfig};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ID: &str = "acme_ws_cal_solar_001";
const NAME: &str = "Acme Solar";

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

fn assert_json_error(status: StatusCode, body: &Value, expected_status: StatusCode, title: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], title, "{body}");
    assert!(!message(body).is_empty(), "{body}");
    assert!(body["timestamp"].is_string(), "{body}");
}

/// Creates `id` with three leads, soft-deletes it and lets the queue purge it. Returns the
/// soft delete's response and the purge time.
async fn purge_with_leads(test: &TestServer, id: &str) -> (Value, hookgrace::api::Timestamp) {
    test.create(id, NAME).await;
    for n in 0..3 {
        let (status, body) = test.lead(id, json!({ "n": n })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let deleted = test.soft_delete(id).await;
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);
    (deleted, test.now())
}

async fn force_delete(test: &TestServer, id: &str, user: &str) -> Value {
    let path = format!("/webhook/{id}?force=true&reason=duplicate&confirm=Acme%20Solar");
    let (status, body) = test.call(Method::DELETE, &path, Some(user), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn create_body(id: &str) -> Value {
    json!({"id": id, "name": NAME, "type": "solar", "region": "cal", "category": "solar"})
}

#[tokio::test]
async fn grace_period_below_minimum_fails_start() {
    let dir = common::scratch_dir();
    for grace in [
        Duration::ZERO,
        Duration::from_millis(500),
        Duration::from_secs(59),
    ] {
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            db_path: dir.path().join("short.db"),
            grace_period: grace,
            max_attempts: 3,
            tls: None,
            trust_user_header: false,
        };
        let clock: SharedClock = Arc::new(ManualClock::at_fixed_start());
        let outcome = server::start(config, clock, common::manual_options()).await;
        let error = outcome.err().expect("a short grace period was accepted");
        assert!(error.to_string().contains("minimum is 60s"), "{error}");
    }
}

#[tokio::test]
async fn recreating_purged_id_is_409() {
    let test = TestServer::start().await;
    let (_, purged_at) = purge_with_leads(&test, ID).await;

    let (status, error) = test.post("/webhook", create_body(ID)).await;
    assert_json_error(
        status,
        &error,
        StatusCode::CONFLICT,
        "Webhook id already used",
    );
    let text = message(&error);
    assert!(text.contains(ID), "{text}");
    assert!(text.contains(&purged_at.to_string()), "{text}");
    assert!(text.contains("purged"), "{text}");
    assert!(text.contains("3 leads are preserved"), "{text}");
    assert!(text.contains("choose another id"), "{text}");
    assert_eq!(error["webhook_id"], ID);
    assert_eq!(timestamp(&error["deleted_at"]), purged_at);
    assert_eq!(error["deletion_type"], "purged");
    assert_eq!(error["leads_preserved"], 3);

    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the rejected create stored a webhook"
    );
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "soft_deleted", "purged"]
    );
}

#[tokio::test]
async fn recreating_force_deleted_id_is_409() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"n": 1})).await;
    force_delete(&test, ID, "carol").await;

    let (status, error) = test.post("/webhook", create_body(ID)).await;
    assert_json_error(
        status,
        &error,
        StatusCode::CONFLICT,
        "Webhook id already used",
    );
    assert!(
        message(&error).contains("force deleted by carol"),
        "{error}"
    );
    assert_eq!(error["deletion_type"], "force_deleted");
    assert_eq!(error["leads_preserved"], 1);
}

#[tokio::test]
async fn restore_of_purged_webhook_is_410() {
    let test = TestServer::start().await;
    let (deleted, purged_at) = purge_with_leads(&test, ID).await;

    let (status, error) = test.restore(ID).await;
    assert_json_error(
        status,
        &error,
        StatusCode::GONE,
        "Webhook permanently deleted",
    );
    let text = message(&error);
    assert!(text.contains(&purged_at.to_string()), "{text}");
    assert!(text.contains("purged by its deletion job"), "{text}");
    assert!(text.contains("soft delete by deleter"), "{text}");
    assert!(text.contains("no longer be restored"), "{text}");
    assert_eq!(timestamp(&error["deleted_at"]), purged_at);
    assert_eq!(error["deleted_by"], "deleter");
    assert_eq!(error["deletion_type"], "purged");
    assert_eq!(
        error["scheduled_deletion_at"],
        deleted["scheduled_deletion_at"]
    );
    assert_eq!(error["job_id"], deleted["job_id"]);
    assert_eq!(error["leads_preserved"], 3);

    let (status, body) = test.post("/webhooks/restore", json!({ "ids": [ID] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["status"], 410, "{body}");
}

#[tokio::test]
async fn restore_of_force_deleted_webhook_is_410() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    force_delete(&test, ID, "carol").await;

    let (status, error) = test.restore(ID).await;
    assert_json_error(
        status,
        &error,
        StatusCode::GONE,
        "Webhook permanently deleted",
    );
    assert!(
        message(&error).contains("force deleted by carol"),
        "{error}"
    );
    assert_eq!(error["deletion_type"], "force_deleted");
    assert_eq!(
        error["scheduled_deletion_at"],
        deleted["scheduled_deletion_at"]
    );
}

#[tokio::test]
async fn purged_webhook_is_404_naming_deletion() {
    let test = TestServer::start().await;
    let (_, purged_at) = purge_with_leads(&test, ID).await;
    let requests = [
        (Method::GET, format!("/webhook/{ID}"), None),
        (Method::DELETE, format!("/webhook/{ID}?reason=again"), None),
        (
            Method::PATCH,
            format!("/webhook/{ID}/status"),
            Some(json!({"enabled": true})),
        ),
    ];
    for (method, path, body) in requests {
        let (status, error) = test.call(method.clone(), &path, None, body).await;
        assert_json_error(status, &error, StatusCode::NOT_FOUND, "Webhook not found");
        let text = message(&error);
        assert!(
            text.contains(&format!("permanently deleted at {purged_at}")),
            "{method} {path}: {text}"
        );
    }

    let (status, error) = test.get("/webhook/acme_ws_cal_solar_404").await;
    assert_json_error(status, &error, StatusCode::NOT_FOUND, "Webhook not found");
    assert!(!message(&error).contains("permanently"), "{error}");
}

#[tokio::test]
async fn unknown_query_parameters_are_400() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let cases = [
        (
            Method::GET,
            "/audit?webhook_id=x".to_owned(),
            "'webhook_id'",
            "limit, cursor, event_type, user",
        ),
        (
            Method::GET,
            "/audit?before=zzz".to_owned(),
            "'before'",
            "limit, cursor",
        ),
        (
            Method::GET,
            format!("/webhook/{ID}/audit?page=2"),
            "'page'",
            "limit, cursor",
        ),
        (
            Method::GET,
            "/health?verbose=1".to_owned(),
            "'verbose'",
            "no query parameters",
        ),
        (
            Method::GET,
            "/webhook?limit=5&sort=name".to_owned(),
            "'sort'",
            "limit, offset",
        ),
        (
            Method::DELETE,
            format!("/webhook/{ID}?reason=x&force=true&confirm=Acme%20Solar&hard=1"),
            "'hard'",
            "reason, force, confirm",
        ),
        (
            Method::POST,
            format!("/webhook/{ID}/restore?user=bob"),
            "'user'",
            "enabled",
        ),
    ];
    for (method, path, name, accepted) in cases {
        let (status, error) = test.call(method.clone(), &path, None, None).await;
        assert_json_error(
            status,
            &error,
            StatusCode::BAD_REQUEST,
            "Unknown query parameter",
        );
        let text = message(&error);
        assert!(text.contains(name), "{method} {path}: {text}");
        assert!(text.contains(accepted), "{method} {path}: {text}");
        assert!(error["accepted_parameters"].is_array(), "{error}");
    }

    let (status, error) = test.get("/audit?limit=1&limit=2").await;
    assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid query");
    assert!(message(&error).contains("more than once"), "{error}");

    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(
        detail["status"], "healthy",
        "a rejected delete changed the webhook"
    );
    // Lead vendors append tracking parameters, which lead intake ignores.
    let (status, body) = test
        .lead(&format!("{ID}?utm_source=mail"), json!({"n": 1}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn invalid_percent_encoding_is_400() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    for path in [
        format!("/webhook/{ID}?reason=%ZZ"),
        format!("/webhook/{ID}?reason=50%"),
        format!("/webhook/{ID}?reason=%FF%FE"),
    ] {
        let (status, error) = test.delete(&path).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid query");
        assert!(message(&error).contains("'reason'"), "{path}: {error}");
    }
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "healthy");
    assert_eq!(test.audit_types(ID).await, ["created"]);
}

#[tokio::test]
async fn reserved_actor_is_400() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    for user in [
        "system",
        "SYSTEM",
        "  System ",
        "anonymous",
        "Anonymous",
        "cli:alice",
        "CLI:root",
        "system\u{FE0F}",
        "sys\u{200B}tem",
    ] {
        let path = format!("/webhook/{ID}?reason=x");
        let (status, error) = test.call(Method::DELETE, &path, Some(user), None).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid X-User-ID");
        assert!(message(&error).contains("reserved"), "{user}: {error}");
    }
    for (user, expected) in [
        ("bob\u{2028}x", "U+2028 at character 4"),
        ("a\u{3164}b", "U+3164 at character 2"),
        ("bob\u{FE0F}", "variation selector U+FE0F at character 4"),
        ("\u{0455}ystem", "mixes Latin letters"),
        ("\u{A0}bob", "U+00A0 at character 1"),
        ("bob\u{2028}", "U+2028 at character 4"),
    ] {
        let path = format!("/webhook/{ID}?reason=x");
        let (status, error) = test.call(Method::DELETE, &path, Some(user), None).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid X-User-ID");
        assert!(message(&error).contains(expected), "{user:?}: {error}");
    }
    let (status, error) = test
        .call(
            Method::POST,
            "/webhook",
            Some("bob\u{202E}evil"),
            Some(create_body(ID)),
        )
        .await;
    assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid X-User-ID");
    assert!(message(&error).contains("U+202E at character 4"), "{error}");
    assert_eq!(test.audit_types(ID).await, ["created"]);
}

/// Sends a raw HTTP/1.1 request and returns the response head and body as text.
fn raw_http(addr: &str, request: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(request).expect("write");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn header_bytes_outside_http_are_400() {
    let test = TestServer::start().await;
    let addr = test.base.trim_start_matches("http://").to_owned();
    // hyper rejects a control byte in a header value before any handler runs, so this 400 has
    // no JSON body. A tab and non-UTF-8 bytes reach the handler and get JSON.
    let control =
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-User-ID: a\x01b\r\nConnection: close\r\n\r\n";
    let head = tokio::task::spawn_blocking({
        let addr = addr.clone();
        move || raw_http(&addr, control)
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");

    let mut latin1 = format!(
        "POST /webhook/ws_cal_solar_001/restore HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n",
        common::ADMIN_TOKEN
    )
    .into_bytes();
    latin1
        .extend_from_slice(b"X-User-ID: caf\xe9\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let response = tokio::task::spawn_blocking(move || raw_http(&addr, &latin1))
        .await
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("\"Invalid X-User-ID\""), "{response}");
    assert!(response.contains("UTF-8"), "{response}");
}

#[tokio::test]
async fn auto_number_takes_lowest_never_used() {
    let test = TestServer::start().await;
    let custom = json!({"id": "ws_ga_hvac_999", "name": "High", "type": "hvac", "region": "ga", "category": "hvac"});
    let (status, body) = test.post("/webhook", custom).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let auto = json!({"name": "Auto", "type": "hvac", "region": "ga", "category": "hvac"});
    let (status, body) = test.post("/webhook", auto.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["webhook"]["id"], "ws_ga_hvac_001");

    // 002 is used and force deleted: its number is never handed out again.
    let second = json!({"id": "ws_ga_hvac_002", "name": NAME, "type": "hvac", "region": "ga", "category": "hvac"});
    let (status, body) = test.post("/webhook", second).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    force_delete(&test, "ws_ga_hvac_002", "carol").await;
    let (status, body) = test.post("/webhook", auto.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["webhook"]["id"], "ws_ga_hvac_003");
}

#[tokio::test]
async fn oversized_body_names_the_limit() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(server::MAX_BODY_BYTES));
    for path in ["/webhook".to_owned(), format!("/webhook/{ID}")] {
        let response = test
            .client
            .post(test.url(&path))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        let (status, error) = common::read_json(response, &path).await;
        assert_json_error(
            status,
            &error,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload too large",
        );
        assert!(message(&error).contains("1048576 bytes"), "{path}: {error}");
        assert_eq!(error["max_body_bytes"], server::MAX_BODY_BYTES, "{error}");
    }
}

#[tokio::test]
async fn create_checks_type_and_id_parts() {
    let test = TestServer::start().await;
    let with = |field: &str, value: Value| {
        let mut body = create_body(ID);
        body[field] = value;
        body
    };
    let cases = [
        (
            with("type", json!("sol ar/../x")),
            vec!["'sol ar/../x'", "40"],
        ),
        (with("type", json!("Solar")), vec!["'Solar'"]),
        (with("type", json!("x".repeat(41))), vec!["40"]),
        (
            with("region", json!("tx")),
            vec!["region 'cal'", "region 'tx'"],
        ),
        (
            with("category", json!("hvac")),
            vec!["category 'solar'", "category 'hvac'"],
        ),
        (
            with("prefix", json!("other")),
            vec!["prefix 'acme'", "prefix 'other'"],
        ),
        (
            json!({"name": NAME, "type": "solar", "region": "cal", "category": "solar", "prefix": "p".repeat(120)}),
            vec!["128"],
        ),
    ];
    for (body, expected) in cases {
        let (status, error) = test.post("/webhook", body.clone()).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid field");
        for part in expected {
            assert!(
                message(&error).contains(part),
                "{body}: {error} lacks {part}"
            );
        }
    }
    let (status, body) = test
        .post("/webhook", with("type", json!("home-insurance_2")))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn wrong_content_type_is_400_naming_json() {
    let test = TestServer::start().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = test
            .client
            .post(test.url("/webhook"))
            .body(create_body(ID).to_string());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        let (status, error) = common::read_json(response, "wrong content type").await;
        assert_json_error(
            status,
            &error,
            StatusCode::BAD_REQUEST,
            "Unsupported content type",
        );
        assert_eq!(error["expected_content_type"], "application/json");
        assert!(message(&error).contains("application/json"), "{error}");
        if let Some(content_type) = content_type {
            assert!(message(&error).contains(content_type), "{error}");
        }
    }
}

#[tokio::test]
async fn restored_event_moves_deletion_reason_to_details() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.soft_delete(ID).await;
    let (status, body) = test.restore(ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let events = test.audit(ID).await;
    let restored = events
        .iter()
        .find(|event| event["event_type"] == "restored")
        .expect("restored event");
    assert!(restored["reason"].is_null(), "{restored}");
    assert_eq!(restored["details"]["deletion_reason"], "cleanup");
    let soft = events
        .iter()
        .find(|event| event["event_type"] == "soft_deleted")
        .expect("soft_deleted event");
    assert_eq!(soft["reason"], "cleanup");

    test.soft_delete(ID).await;
    test.advance(hours(GRACE_HOURS));
    assert_eq!(test.run_queue().await, 1);
    let purged = test.audit(ID).await.remove(0);
    assert_eq!(purged["event_type"], "purged");
    assert!(purged["reason"].is_null(), "{purged}");
    assert_eq!(purged["details"]["deletion_reason"], "cleanup");
}

#[tokio::test]
async fn text_with_invisible_characters_is_400() {
    let test = TestServer::start().await;
    let with = |field: &str, value: &str| {
        let mut body = create_body(ID);
        body[field] = json!(value);
        body
    };
    let cases = [
        (with("name", "Acme\u{202E}raloS"), "U+202E at character 5"),
        (with("name", "\u{FEFF}Acme"), "U+FEFF at character 1"),
        (with("name", "Ac\u{200B}me"), "U+200B at character 3"),
        (with("description", "a\u{2066}b"), "U+2066 at character 2"),
        (
            with("description", "tab\there"),
            "control character U+0009 at character 4",
        ),
    ];
    for (body, expected) in cases {
        let (status, error) = test.post("/webhook", body.clone()).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid field");
        assert!(message(&error).contains(expected), "{body}: {error}");
    }
    let (_, error) = test
        .post("/webhook", with("name", "Acme\u{202E}raloS"))
        .await;
    assert!(
        message(&error).contains("contains an invisible formatting character"),
        "{error}"
    );
    test.create(ID, NAME).await;
    let (status, error) = test
        .delete(&format!("/webhook/{ID}?reason=ok%E2%80%AEko"))
        .await;
    assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid reason");
    assert!(message(&error).contains("U+202E at character 3"), "{error}");
}

#[tokio::test]
async fn blank_name_is_called_blank() {
    let test = TestServer::start().await;
    for (field, value) in [("name", "   "), ("name", ""), ("type", " \t ")] {
        let mut body = create_body(ID);
        body[field] = json!(value);
        let (status, error) = test.post("/webhook", body).await;
        assert_json_error(status, &error, StatusCode::BAD_REQUEST, "Invalid field");
        let text = message(&error);
        assert!(
            text.contains(&format!("field '{field}' is blank")),
            "{value:?}: {error}"
        );
        assert!(!text.contains("missing"), "{value:?}: {error}");
    }
    let mut body = create_body(ID);
    body.as_object_mut().expect("object body").remove("name");
    let (status, error) = test.post("/webhook", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(message(&error).contains("missing field"), "{error}");
    let (_, list) = test.get("/webhook").await;
    assert_eq!(list["total_webhooks"], 0, "{list}");
}

/// Sends each over-limit value and checks the 400 names the limit. The table is the one in
/// `docs/api.md`.
#[tokio::test]
async fn limits_are_enforced_and_named() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let body = |field: &str, value: Value| {
        let mut body = create_body("acme_ws_cal_solar_002");
        body[field] = value;
        body
    };
    let deep = (0..40).fold(json!(1), |inner, _| json!([inner]));
    let very_deep = format!("{{\"ids\": {}1{}}}", "[".repeat(200), "]".repeat(200));
    let bodies = [
        (body("name", json!("n".repeat(201))), "200"),
        (body("description", json!("d".repeat(1001))), "1000"),
        (
            body("id", json!(format!("{}_ws_cal_solar_002", "p".repeat(120)))),
            "128",
        ),
        (body("category", json!("c".repeat(51))), "50"),
        (body("extra", deep), "32"),
    ];
    for (request, expected) in bodies {
        let (status, error) = test.post("/webhook", request.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{request}: {error}");
        assert!(
            message(&error).contains(expected),
            "{error} lacks {expected}"
        );
    }
    let response = test
        .client
        .post(test.url("/webhooks/restore"))
        .header("content-type", "application/json")
        .body(very_deep)
        .send()
        .await
        .unwrap();
    let (status, error) = common::read_json(response, "deep JSON").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(message(&error).contains("128"), "{error}");

    let long_query = format!("/audit?cursor={}", "1".repeat(20_000));
    let confirm = "c".repeat(201);
    let queries = [
        ("/audit?limit=501".to_owned(), "500"),
        ("/webhook?limit=501".to_owned(), "500"),
        ("/webhook/deleted?limit=501".to_owned(), "500"),
        ("/queue/jobs?state=pending&limit=501".to_owned(), "500"),
        (
            "/webhook?offset=99999999999999999999".to_owned(),
            "9223372036854775807",
        ),
        ("/audit?cursor=abc".to_owned(), "next_cursor"),
        (long_query, "16384"),
    ];
    for (path, expected) in queries {
        let (status, error) = test.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert!(
            message(&error).contains(expected),
            "{error} lacks {expected}"
        );
    }
    let reason = "r".repeat(501);
    for (path, expected) in [
        (format!("/webhook/{ID}?reason={reason}"), "500"),
        (
            format!("/webhook/{ID}?reason=x&force=true&confirm={confirm}"),
            "200",
        ),
    ] {
        let (status, error) = test.delete(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert!(
            message(&error).contains(expected),
            "{error} lacks {expected}"
        );
    }
    let (status, error) = test
        .call(
            Method::POST,
            "/webhook",
            Some(&"u".repeat(101)),
            Some(create_body(ID)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(message(&error).contains("100"), "{error}");
    let ids: Vec<String> = (1..=501)
        .map(|n| format!("ws_cal_solar_{:03}", n % 1000))
        .collect();
    let (status, error) = test.post("/webhooks/restore", json!({ "ids": ids })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(message(&error).contains("500"), "{error}");

    let (_, list) = test.get("/webhook").await;
    assert_eq!(
        list["total_webhooks"], 1,
        "a rejected request stored a webhook"
    );
    assert_eq!(test.audit_types(ID).await, ["created"]);
}
