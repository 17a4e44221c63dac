//! The HTTP API over real sockets: every route, status code and error body.

mod common;

use common::{hours, timestamp, TestServer, GRACE_HOURS};
use hookgrace::api::{sign_lead, SIGNATURE_HEADER};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ID: &str = "acme_ws_cal_solar_001";
const NAME: &str = "Acme Solar";

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn assert_error(body: &Value, title: &str) {
    assert_eq!(body["error"], title, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["timestamp"].is_string(), "{body}");
}

#[tokio::test]
async fn health_lists_extensions_and_grace_period() {
    let test = TestServer::start().await;
    let (status, body) = test.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["service"], "hookgrace");
    assert_eq!(body["grace_period_seconds"], GRACE_HOURS * 3600);
    let extensions: Vec<&str> = body["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for name in [
        "audit",
        "queue",
        "bulk_restore",
        "lead_rejection_count",
        "pagination",
        "job_retry",
        "integrity",
        "restore_disabled",
    ] {
        assert!(
            extensions.contains(&name),
            "{name} missing from {extensions:?}"
        );
    }
    assert_eq!(timestamp(&body["timestamp"]), test.now());
}

#[tokio::test]
async fn responses_carry_server_time() {
    let test = TestServer::start().await;
    test.advance(hours(5));
    let response = test.raw(Method::GET, "/webhook", None, None).await;
    assert!(response.headers().contains_key("date"));
    let (_, body) = common::read_json(response, "GET /webhook").await;
    assert_eq!(timestamp(&body["timestamp"]), test.now());

    let (status, error) = test.get("/webhook/ws_cal_solar_404").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(timestamp(&error["timestamp"]), test.now());
}

#[tokio::test]
async fn create_returns_contract_fields() {
    let test = TestServer::start().await;
    let body = test.create(ID, NAME).await;
    assert_eq!(
        keys(&body),
        [
            "message",
            "signing_secret",
            "status",
            "timestamp",
            "webhook"
        ]
    );
    assert_eq!(body["status"], "success");
    let secret = body["signing_secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let webhook = &body["webhook"];
    assert_eq!(
        keys(webhook),
        ["category", "endpoints", "id", "name", "region", "type"]
    );
    assert_eq!(webhook["id"], ID);
    assert_eq!(webhook["type"], "solar");
    assert_eq!(webhook["endpoints"]["receive"], format!("/webhook/{ID}"));
    assert_eq!(webhook["endpoints"]["health"], format!("/webhook/{ID}"));
}

#[tokio::test]
async fn create_without_id_takes_next_number() {
    let test = TestServer::start().await;
    let request = json!({
        "name": "Auto", "type": "solar", "region": "tx", "category": "hvac", "prefix": "sun",
    });
    let (status, first) = test.post("/webhook", request.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["webhook"]["id"], "sun_ws_tx_hvac_001");
    let (status, second) = test.post("/webhook", request).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["webhook"]["id"], "sun_ws_tx_hvac_002");

    let older = json!({"name": "Old", "type": "solar", "region": "tx", "category": "hvac"});
    let (status, third) = test.post("/webhook", older).await;
    assert_eq!(status, StatusCode::CREATED, "{third}");
    assert_eq!(third["webhook"]["id"], "ws_tx_hvac_001");
}

#[tokio::test]
async fn create_rejects_invalid_fields() {
    let test = TestServer::start().await;
    let valid = json!({"name": NAME, "type": "solar", "region": "cal", "category": "solar"});
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("name", json!("   ")), "'name'"),
        (with("type", json!("")), "'type'"),
        (with("region", json!("")), "'region'"),
        (with("category", json!("")), "'category'"),
        (with("name", json!("x".repeat(201))), "200"),
        (
            with("name", json!("line\nbreak")),
            "control character U+000A",
        ),
        (with("region", json!("CAL")), "'CAL'"),
        (with("category", json!("so-lar")), "'so-lar'"),
        (with("prefix", json!("Bad Prefix")), "'Bad Prefix'"),
        (with("id", json!("not-an-id")), "'not-an-id'"),
    ];
    for (body, expected) in cases {
        let (status, error) = test.post("/webhook", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} gave {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message} lacks {expected}");
    }

    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("name");
    let (status, error) = test.post("/webhook", missing).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "Invalid JSON body");
    assert!(
        error["message"].as_str().unwrap().contains("name"),
        "{error}"
    );

    let (status, list) = test.get("/webhook").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list["total_webhooks"], 0,
        "a rejected create stored a webhook"
    );
}

#[tokio::test]
async fn create_with_taken_id_is_409() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let body =
        json!({"id": ID, "name": "Other", "type": "solar", "region": "cal", "category": "solar"});
    let (status, error) = test.post("/webhook", body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&error, "Webhook already exists");
    assert_eq!(error["webhook_id"], ID);
}

#[tokio::test]
async fn list_shows_active_webhooks_only() {
    let test = TestServer::start().await;
    test.create("acme_ws_cal_solar_001", "One").await;
    test.create("acme_ws_cal_solar_002", "Two").await;
    test.soft_delete("acme_ws_cal_solar_002").await;

    let (status, body) = test.get("/webhook").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["service"], "hookgrace");
    assert_eq!(body["total_webhooks"], 1);
    assert!(body["usage"].is_object());
    assert!(body.get("next_offset").is_none(), "{body}");
    let webhooks = body["webhooks"].as_array().unwrap();
    assert_eq!(webhooks.len(), 1);
    let webhook = &webhooks[0];
    assert_eq!(webhook["id"], "acme_ws_cal_solar_001");
    for key in [
        "id",
        "name",
        "type",
        "region",
        "category",
        "enabled",
        "endpoints",
        "total_leads",
        "conversion_rate",
        "total_revenue",
        "created_at",
        "last_lead_at",
    ] {
        assert!(webhook.get(key).is_some(), "{key} missing from {webhook}");
    }
}

#[tokio::test]
async fn list_paginates_with_next_offset() {
    let test = TestServer::start().await;
    for number in 1..=5 {
        test.create(&format!("ws_cal_solar_{number:03}"), "Page")
            .await;
        test.advance(common::millis(1));
    }
    let (status, first) = test.get("/webhook?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["total_webhooks"], 5);
    assert_eq!(first["webhooks"].as_array().unwrap().len(), 2);
    assert_eq!(first["webhooks"][0]["id"], "ws_cal_solar_001");
    assert_eq!(first["next_offset"], 2);

    let (_, second) = test.get("/webhook?limit=2&offset=2").await;
    assert_eq!(second["webhooks"][0]["id"], "ws_cal_solar_003");
    assert_eq!(second["next_offset"], 4);

    let (_, last) = test.get("/webhook?limit=2&offset=4").await;
    assert_eq!(last["webhooks"].as_array().unwrap().len(), 1);
    assert!(last.get("next_offset").is_none(), "{last}");

    let (_, all) = test.get("/webhook").await;
    assert_eq!(all["webhooks"].as_array().unwrap().len(), 5);

    for bad in ["limit=0", "limit=501", "limit=two", "offset=-1"] {
        let (status, error) = test.get(&format!("/webhook?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {error}");
        let value = bad.split('=').nth(1).unwrap();
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&format!("'{value}'")), "{message}");
    }
}

#[tokio::test]
async fn detail_of_active_webhook_is_healthy() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let (status, body) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["webhook_id"], ID);
    assert_eq!(body["config"]["name"], NAME);
    assert_eq!(body["config"]["type"], "solar");
    assert_eq!(body["config"]["total_leads"], 0);
    let deletion = &body["deletion_status"];
    assert_eq!(deletion["is_deleted"], false);
    assert_eq!(deletion["can_restore"], false);
    assert!(deletion["job_id"].is_null());
    assert!(body["endpoints"].is_object());
}

#[tokio::test]
async fn detail_of_soft_deleted_webhook_shows_countdown() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(1));
    let (status, body) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "soft_deleted");
    let deletion = &body["deletion_status"];
    assert_eq!(deletion["is_deleted"], true);
    assert_eq!(deletion["can_restore"], true);
    assert_eq!(deletion["deleted_by"], "deleter");
    assert_eq!(deletion["deletion_reason"], "cleanup");
    assert_eq!(deletion["job_id"], deleted["job_id"]);
    assert_eq!(deletion["seconds_until_deletion"], (GRACE_HOURS - 1) * 3600);
    assert_eq!(body["job"]["status"], "pending");
    assert_eq!(body["rejected_leads_since_deletion"], 0);
    assert!(body["note"].as_str().unwrap().contains("restore"), "{body}");
}

#[tokio::test]
async fn malformed_id_names_id_and_pattern() {
    let test = TestServer::start().await;
    let requests = [
        (Method::GET, "/webhook/WS_CAL_SOLAR_1"),
        (Method::POST, "/webhook/restore"),
        (Method::DELETE, "/webhook/ws_cal_solar_1?reason=x"),
        (Method::POST, "/webhook/bad_id/restore"),
        (Method::PATCH, "/webhook/bad_id/status"),
        (Method::GET, "/webhook/bad_id/audit"),
    ];
    for (method, path) in requests {
        let body = (method == Method::PATCH).then(|| json!({"enabled": true}));
        let (status, error) = test.call(method.clone(), path, None, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {error}");
        assert_error(&error, "Invalid webhook id");
        let message = error["message"].as_str().unwrap();
        let id = path.split('/').nth(2).unwrap().split('?').next().unwrap();
        assert!(message.contains(&format!("'{id}'")), "{message}");
        assert!(
            message.contains("<prefix>_ws_<region>_<category>_<NNN>"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn unknown_webhook_is_404_on_every_route() {
    let test = TestServer::start().await;
    let id = "ws_cal_solar_404";
    let requests = [
        (Method::GET, format!("/webhook/{id}"), None),
        (
            Method::POST,
            format!("/webhook/{id}"),
            Some(json!({"a": 1})),
        ),
        (Method::DELETE, format!("/webhook/{id}?reason=x"), None),
        (
            Method::DELETE,
            format!("/webhook/{id}?reason=x&force=true&confirm=x"),
            None,
        ),
        (Method::POST, format!("/webhook/{id}/restore"), None),
        (
            Method::PATCH,
            format!("/webhook/{id}/status"),
            Some(json!({"enabled": false})),
        ),
    ];
    for (method, path, body) in requests {
        let (status, error) = test.call(method.clone(), &path, None, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {error}");
        assert_error(&error, "Webhook not found");
        assert_eq!(error["webhook_id"], id);
    }
}

#[tokio::test]
async fn lead_updates_counters_and_conversion() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.advance(hours(1));
    let (status, accepted) = test.lead(ID, json!({"email": "a@example.com"})).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["status"], "success");
    assert_eq!(accepted["webhook_id"], ID);
    assert!(accepted["lead_id"].as_i64().is_some());
    let (status, _) = test
        .lead(ID, json!({"email": "b@example.com", "revenue": 120.5}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, list) = test.get("/webhook").await;
    let webhook = &list["webhooks"][0];
    assert_eq!(webhook["total_leads"], 2);
    assert_eq!(webhook["total_revenue"], 120.5);
    assert_eq!(webhook["conversion_rate"], 50.0);
    assert_eq!(timestamp(&webhook["last_lead_at"]), test.now());
    assert_eq!(test.stored_leads(ID), 2);
}

#[tokio::test]
async fn lead_rejects_bad_bodies() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let path = test.url(&format!("/webhook/{ID}"));
    let cases: [(&str, &str); 5] = [
        ("not json", "invalid JSON body"),
        ("[1, 2]", "an array"),
        ("\"text\"", "a string"),
        ("{\"revenue\": \"12\"}", "invalid revenue"),
        ("{\"revenue\": -1}", "invalid revenue"),
    ];
    let secret = test.signing_secret(ID).unwrap();
    for (body, expected) in cases {
        let response = test
            .client
            .post(&path)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, sign_lead(&secret, body.as_bytes()))
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, error) = common::read_json(response, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert_eq!(test.stored_leads(ID), 0);
}

#[tokio::test]
async fn lead_accepts_json_without_json_content_type() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let body = "{\"email\": \"a@example.com\"}";
    let secret = test.signing_secret(ID).unwrap();
    let response = test
        .client
        .post(test.url(&format!("/webhook/{ID}")))
        .header("content-type", "text/plain")
        .header(SIGNATURE_HEADER, sign_lead(&secret, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn lead_to_disabled_webhook_is_404_disabled() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let (status, _) = test
        .call(
            Method::PATCH,
            &format!("/webhook/{ID}/status"),
            None,
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = test.lead(ID, json!({"a": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "Webhook disabled");
    assert_eq!(test.stored_leads(ID), 0);
}

#[tokio::test]
async fn lead_to_soft_deleted_is_410_and_counted() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let deleted = test.soft_delete(ID).await;
    let deadline = deleted["scheduled_deletion_at"]
        .as_str()
        .unwrap()
        .to_owned();

    for expected_count in 1..=2 {
        let (status, error) = test.lead(ID, json!({"a": 2})).await;
        assert_eq!(status, StatusCode::GONE);
        assert_error(&error, "Webhook deleted");
        assert_eq!(error["scheduled_deletion_at"], deadline.as_str());
        assert!(
            error["message"].as_str().unwrap().contains(&deadline),
            "{error}"
        );
        assert_eq!(error["rejected_leads_since_deletion"], expected_count);
    }

    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["rejected_leads_since_deletion"], 2);
    assert_eq!(detail["config"]["total_leads"], 1);
    let (_, deleted_list) = test.get("/webhook/deleted").await;
    let stats = &deleted_list["webhooks"][0]["stats"];
    assert_eq!(stats["rejected_leads_since_deletion"], 2);
    assert_eq!(stats["total_leads"], 1);
    assert_eq!(test.stored_leads(ID), 1, "rejected leads were stored");
}

#[tokio::test]
async fn soft_delete_returns_contract_fields() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let body = test.soft_delete(ID).await;

    assert_eq!(
        keys(&body),
        [
            "deletion_type",
            "job_id",
            "leads_preserved",
            "message",
            "note",
            "restoration",
            "scheduled_deletion_at",
            "status",
            "timestamp",
            "webhook_id",
        ]
    );
    assert_eq!(body["status"], "success");
    assert_eq!(body["deletion_type"], "scheduled");
    assert_eq!(body["leads_preserved"], 1);
    assert!(body["job_id"].as_str().unwrap().starts_with("job_"));

    let deadline = test.now().checked_add(hours(GRACE_HOURS)).unwrap();
    assert_eq!(timestamp(&body["scheduled_deletion_at"]), deadline);
    assert_eq!(timestamp(&body["restoration"]["available_until"]), deadline);
    assert_eq!(
        body["restoration"]["restore_endpoint"],
        format!("/webhook/{ID}/restore")
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains(&deadline.to_string()));
}

#[tokio::test]
async fn soft_delete_requires_valid_reason() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let too_long = "r".repeat(501);
    let cases = [
        (format!("/webhook/{ID}"), "missing reason"),
        (format!("/webhook/{ID}?reason="), "blank"),
        (format!("/webhook/{ID}?reason=%20%20%20"), "blank"),
        (format!("/webhook/{ID}?reason={too_long}"), "501 characters"),
        (
            format!("/webhook/{ID}?reason=a%0Ab"),
            "control character U+000A",
        ),
    ];
    for (path, expected) in cases {
        let (status, error) = test.delete(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {error}");
        assert_error(&error, "Invalid reason");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
    }
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(
        detail["status"], "healthy",
        "a rejected delete changed the webhook"
    );

    let exactly_max = "r".repeat(500);
    let (status, _) = test
        .delete(&format!("/webhook/{ID}?reason={exactly_max}"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn soft_delete_twice_is_409_with_context() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let first = test.soft_delete(ID).await;
    let (status, error) = test.delete(&format!("/webhook/{ID}?reason=again")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        keys(&error),
        [
            "deleted_at",
            "error",
            "message",
            "note",
            "scheduled_deletion_at",
            "timestamp",
            "webhook_id",
        ]
    );
    assert_eq!(error["error"], "Webhook already deleted");
    assert_eq!(error["webhook_id"], ID);
    assert_eq!(
        error["scheduled_deletion_at"],
        first["scheduled_deletion_at"]
    );
    assert_eq!(error["deleted_at"], first["timestamp"]);
}

#[tokio::test]
async fn force_delete_requires_exact_name() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let cases = [
        (
            format!("/webhook/{ID}?force=true&reason=x"),
            "missing confirm",
        ),
        (
            format!("/webhook/{ID}?force=true&reason=x&confirm="),
            "missing confirm",
        ),
        (
            format!("/webhook/{ID}?force=true&reason=x&confirm=acme%20solar"),
            "does not match",
        ),
        (
            format!("/webhook/{ID}?force=true&reason=x&confirm=Acme%20Solar%20"),
            "does not match",
        ),
        (
            format!("/webhook/{ID}?force=true&confirm=Acme%20Solar"),
            "missing reason",
        ),
        (
            format!("/webhook/{ID}?force=yes&reason=x&confirm=Acme%20Solar"),
            "'yes'",
        ),
    ];
    for (path, expected) in cases {
        let (status, error) = test.delete(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{path}: {message}");
    }
    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "healthy");
    assert_eq!(test.audit_types(ID).await, ["created"]);
}

#[tokio::test]
async fn force_delete_removes_webhook_and_keeps_leads() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.lead(ID, json!({"a": 1})).await;
    let (status, body) = test
        .call(
            Method::DELETE,
            &format!("/webhook/{ID}?force=true&reason=spam&confirm=Acme%20Solar"),
            Some("dave"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        keys(&body),
        [
            "deletion_type",
            "leads_preserved",
            "message",
            "note",
            "status",
            "timestamp",
            "webhook_id",
        ]
    );
    assert_eq!(body["deletion_type"], "immediate");
    assert_eq!(body["leads_preserved"], 1);

    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(test.stored_leads(ID), 1);

    // A new signing secret for the deleted id gets a 404 that names how it was deleted.
    let (status, error) = test
        .post(&format!("/webhook/{ID}/signing-secret"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    assert_eq!(error["deletion_type"], "force_deleted", "{error}");
    assert_eq!(error["deleted_by"], "dave", "{error}");

    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "force_deleted");
    assert_eq!(events[0]["actor"], "dave");
    assert_eq!(events[0]["reason"], "spam");
    assert_eq!(events[0]["details"]["leads_preserved"], 1);
    assert_eq!(events[1]["event_type"], "created");
}

#[tokio::test]
async fn restore_returns_contract_fields_and_cancels_job() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(2));
    let (status, body) = test.restore(ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        keys(&body),
        [
            "message",
            "note",
            "restored_at",
            "restored_by",
            "status",
            "timestamp",
            "webhook_id",
        ]
    );
    assert_eq!(body["restored_by"], "restorer");
    assert_eq!(timestamp(&body["restored_at"]), test.now());

    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["status"], "healthy");
    assert_eq!(detail["config"]["enabled"], true);
    let cancelled = test.jobs("cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["id"], deleted["job_id"]);
    let (status, _) = test.lead(ID, json!({"a": 1})).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn restore_of_active_webhook_is_400() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let (status, error) = test.restore(ID).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "Webhook not deleted");
}

#[tokio::test]
async fn restore_keeps_disabled_webhook_disabled() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.call(
        Method::PATCH,
        &format!("/webhook/{ID}/status"),
        None,
        Some(json!({"enabled": false})),
    )
    .await;
    test.soft_delete(ID).await;
    let (status, _) = test.restore(ID).await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["config"]["enabled"], false);
}

#[tokio::test]
async fn status_update_validates_and_audits() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let path = format!("/webhook/{ID}/status");
    for body in [json!({}), json!({"enabled": "no"}), json!([true])] {
        let (status, error) = test
            .call(Method::PATCH, &path, None, Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
        assert_error(&error, "Invalid JSON body");
    }
    let (status, body) = test
        .call(
            Method::PATCH,
            &path,
            Some("erin"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys(&body),
        ["enabled", "message", "status", "timestamp", "webhook_id"]
    );
    assert_eq!(body["enabled"], false);
    let (status, _) = test
        .call(
            Method::PATCH,
            &path,
            Some("erin"),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        test.audit_types(ID).await,
        ["created", "disabled", "enabled"]
    );

    test.soft_delete(ID).await;
    let (status, error) = test
        .call(Method::PATCH, &path, None, Some(json!({"enabled": true})))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "Webhook deleted");
}

#[tokio::test]
async fn deleted_list_shows_job_and_countdown() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    test.create("acme_ws_cal_solar_002", "Still active").await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(23));

    let (status, body) = test.get("/webhook/deleted").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["service"], "hookgrace");
    assert_eq!(body["total_deleted"], 1);
    assert_eq!(body["restorable"], 1);
    let item = &body["webhooks"][0];
    assert_eq!(
        keys(item),
        [
            "deletion",
            "description",
            "id",
            "job_status",
            "name",
            "restoration",
            "stats",
            "type",
        ]
    );
    assert_eq!(item["id"], ID);
    assert_eq!(item["type"], "solar");
    assert_eq!(item["deletion"]["reason"], "cleanup");
    assert_eq!(item["deletion"]["deleted_by"], "deleter");
    assert_eq!(item["deletion"]["job_id"], deleted["job_id"]);
    assert_eq!(item["job_status"]["status"], "pending");
    assert_eq!(item["job_status"]["attempts"], 0);
    assert_eq!(item["restoration"]["can_restore"], true);
    assert_eq!(item["restoration"]["seconds_until_deletion"], 3600);

    test.advance(hours(2));
    let (_, late) = test.get("/webhook/deleted").await;
    let item = &late["webhooks"][0];
    assert_eq!(item["restoration"]["seconds_until_deletion"], 0);
    assert_eq!(item["restoration"]["can_restore"], false);
    assert_eq!(late["restorable"], 0);
}

#[tokio::test]
async fn audit_records_each_action_with_fields() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    test.advance(hours(1));
    test.restore(ID).await;
    test.call(
        Method::DELETE,
        &format!("/webhook/{ID}?force=true&reason=gone%20for%20good&confirm=Acme%20Solar"),
        Some("dave"),
        None,
    )
    .await;

    assert_eq!(
        test.audit_types(ID).await,
        [
            "created",
            "soft_deleted",
            "restored",
            "job_cancelled",
            "force_deleted"
        ]
    );
    let events = test.audit(ID).await;
    let by_type = |kind: &str| {
        events
            .iter()
            .find(|event| event["event_type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} event"))
            .clone()
    };
    let created = by_type("created");
    assert_eq!(created["actor"], "creator");
    assert_eq!(created["webhook_name"], NAME);
    let soft = by_type("soft_deleted");
    assert_eq!(soft["actor"], "deleter");
    assert_eq!(soft["reason"], "cleanup");
    assert_eq!(soft["job_id"], deleted["job_id"]);
    assert_eq!(
        soft["details"]["scheduled_deletion_at"],
        deleted["scheduled_deletion_at"]
    );
    let restored = by_type("restored");
    assert_eq!(restored["actor"], "restorer");
    assert_eq!(restored["job_id"], deleted["job_id"]);
    let cancelled = by_type("job_cancelled");
    assert_eq!(cancelled["details"]["cause"], "restored");
    let force = by_type("force_deleted");
    assert_eq!(force["actor"], "dave");
    assert_eq!(force["reason"], "gone for good");
    assert!(force["job_id"].is_null());
    for event in &events {
        assert_eq!(event["webhook_id"], ID);
        assert!(timestamp(&event["created_at"]) <= test.now());
    }
}

#[tokio::test]
async fn audit_paginates_with_cursor_and_filters() {
    let test = TestServer::start().await;
    for number in 1..=5 {
        let id = format!("ws_cal_solar_{number:03}");
        let user = if number % 2 == 0 { "bob" } else { "alice" };
        let body =
            json!({"id": id, "name": "N", "type": "t", "region": "cal", "category": "solar"});
        let (status, _) = test
            .call(Method::POST, "/webhook", Some(user), Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    test.soft_delete("ws_cal_solar_001").await;

    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/audit?limit=2&cursor={cursor}"),
            None => "/audit?limit=2".to_owned(),
        };
        let (status, page) = test.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for event in page["events"].as_array().unwrap() {
            seen.push(event["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|pair| pair[0] > pair[1]), "{seen:?}");

    let (_, created) = test.get("/audit?event_type=created").await;
    assert_eq!(created["events"].as_array().unwrap().len(), 5);
    let (_, bobs) = test.get("/audit?user=bob").await;
    let bobs = bobs["events"].as_array().unwrap();
    assert_eq!(bobs.len(), 2);
    assert!(bobs.iter().all(|event| event["actor"] == "bob"));

    let (_, one) = test.get("/webhook/ws_cal_solar_001/audit").await;
    assert_eq!(one["events"].as_array().unwrap().len(), 2);
    assert!(one["next_cursor"].is_null());
}

#[tokio::test]
async fn audit_rejects_bad_parameters() {
    let test = TestServer::start().await;
    let cases = [
        ("/audit?cursor=abc", "'abc'"),
        ("/audit?cursor=-3", "'-3'"),
        ("/audit?limit=0", "'0'"),
        ("/audit?limit=501", "'501'"),
        ("/audit?event_type=deleted", "soft_deleted"),
        ("/webhook/ws_cal_solar_001/audit?limit=x", "'x'"),
    ];
    for (path, expected) in cases {
        let (status, error) = test.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{path}: {message}");
    }
}

#[tokio::test]
async fn actor_header_is_trimmed_and_validated() {
    let test = TestServer::start().await;
    let body = json!({"id": ID, "name": NAME, "type": "t", "region": "cal", "category": "solar"});
    let (status, _) = test
        .call(Method::POST, "/webhook", Some("  alice  "), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(test.audit(ID).await[0]["actor"], "alice");

    let other = json!({"id": "ws_cal_solar_002", "name": NAME, "type": "t", "region": "cal", "category": "solar"});
    let (status, _) = test.call(Method::POST, "/webhook", None, Some(other)).await;
    assert_eq!(status, StatusCode::CREATED);
    // Without the header, the token's name is the actor.
    assert_eq!(
        test.audit("ws_cal_solar_002").await[0]["actor"],
        common::ADMIN_NAME
    );

    let long = "u".repeat(101);
    for user in [long.as_str(), "alice\tbob"] {
        let (status, error) = test
            .call(
                Method::POST,
                &format!("/webhook/{ID}/restore"),
                Some(user),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{user}: {error}");
        assert_error(&error, "Invalid X-User-ID");
    }
}

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let test = TestServer::start().await;
    let response = test
        .client
        .post(test.url("/webhook"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, error) = common::read_json(response, "bad JSON").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "Invalid JSON body");

    let response = test
        .client
        .post(test.url("/webhook"))
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, error) = common::read_json(response, "no content type").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("Content-Type"),
        "{error}"
    );

    let (status, error) = test.get("/no/such/route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "Not found");
    assert_eq!(error["path"], "/no/such/route");

    let response = test.raw(Method::PUT, "/webhook", None, None).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let (_, error) = common::read_json(response, "PUT /webhook").await;
    assert_error(&error, "Method not allowed");
}

/// A path segment that is not UTF-8 after percent-decoding gets a JSON 400 on every route
/// with an `{id}`, not axum's plain-text rejection.
#[tokio::test]
async fn non_utf8_path_id_is_400_json() {
    let test = TestServer::start().await;
    let cases = [
        (Method::GET, "/webhook/%FF"),
        (Method::DELETE, "/webhook/%FF?reason=x"),
        (Method::POST, "/webhook/%FF/restore"),
        (Method::POST, "/webhook/%FF/signing-secret"),
        (Method::POST, "/queue/jobs/%FF/retry"),
        (Method::DELETE, "/tokens/%FF"),
        (Method::DELETE, "/tokens/%C3%28"),
    ];
    for (method, path) in cases {
        let response = test.raw(method.clone(), path, None, None).await;
        let (status, error) = common::read_json(response, &format!("{method} {path}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {error}");
        assert_error(&error, "Invalid path");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("UTF-8"), "{method} {path}: {message}");
    }
}

#[tokio::test]
async fn oversized_body_is_413_json() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let big = format!("{{\"blob\": \"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let response = test
        .client
        .post(test.url(&format!("/webhook/{ID}")))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, error) = common::read_json(response, "oversized lead").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&error, "Payload too large");
}

#[tokio::test]
async fn deleted_list_paginates_with_next_offset() {
    let test = TestServer::start().await;
    for number in 1..=5 {
        let id = format!("ws_cal_solar_{number:03}");
        test.create(&id, "Page").await;
        test.soft_delete(&id).await;
        test.advance(common::millis(1));
    }
    let (status, first) = test.get("/webhook/deleted?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["total_deleted"], 5);
    assert_eq!(first["webhooks"].as_array().unwrap().len(), 2);
    assert_eq!(first["webhooks"][0]["id"], "ws_cal_solar_001");
    assert_eq!(first["next_offset"], 2);

    let (_, second) = test.get("/webhook/deleted?limit=2&offset=2").await;
    assert_eq!(second["webhooks"][0]["id"], "ws_cal_solar_003");
    assert_eq!(second["next_offset"], 4);

    let (_, last) = test.get("/webhook/deleted?limit=2&offset=4").await;
    assert_eq!(last["webhooks"].as_array().unwrap().len(), 1);
    assert!(last.get("next_offset").is_none(), "{last}");

    let (_, exact) = test.get("/webhook/deleted?limit=5").await;
    assert!(exact.get("next_offset").is_none(), "{exact}");

    let (_, all) = test.get("/webhook/deleted").await;
    assert_eq!(all["webhooks"].as_array().unwrap().len(), 5);
    assert!(all.get("next_offset").is_none(), "{all}");
}

/// A second restore of one id in the same request would fail as "not deleted" after the
/// first one succeeded, so the request is rejected whole and nothing is restored.
#[tokio::test]
async fn bulk_restore_rejects_repeated_ids() {
    let test = TestServer::start().await;
    let first = "acme_ws_cal_solar_001";
    let second = "acme_ws_cal_solar_002";
    for id in [first, second] {
        test.create(id, "Bulk").await;
        test.soft_delete(id).await;
    }
    let ids = json!({"ids": [first, second, first]});
    let (status, error) = test.post("/webhooks/restore", ids).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_error(&error, "Invalid ids");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("'{first}' more than once")),
        "{message}"
    );
    assert!(message.contains("send each id once"), "{message}");

    let (_, deleted) = test.get("/webhook/deleted").await;
    assert_eq!(deleted["total_deleted"], 2, "{deleted}");
    assert_eq!(test.audit_types(first).await, ["created", "soft_deleted"]);
}

#[tokio::test]
async fn bulk_restore_reports_each_id() {
    let test = TestServer::start().await;
    let deleted_one = "acme_ws_cal_solar_001";
    let active = "acme_ws_cal_solar_002";
    let deleted_two = "acme_ws_cal_solar_003";
    let unknown = "acme_ws_cal_solar_099";
    for id in [deleted_one, active, deleted_two] {
        test.create(id, "Bulk").await;
    }
    test.soft_delete(deleted_one).await;
    test.soft_delete(deleted_two).await;

    let ids = json!({"ids": [deleted_one, active, unknown, "bad id", deleted_two]});
    let (status, body) = test
        .call(
            Method::POST,
            "/webhooks/restore",
            Some("bulk-user"),
            Some(ids),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["restored"], 2);
    assert_eq!(body["failed"], 3);
    let results = body["results"].as_array().unwrap();
    let statuses: Vec<i64> = results
        .iter()
        .map(|item| item["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 400, 404, 400, 200]);
    assert_eq!(results[1]["error"], "Webhook not deleted");
    assert_eq!(results[2]["error"], "Webhook not found");
    assert_eq!(results[3]["error"], "Invalid webhook id");
    assert_eq!(results[0]["restored"], true);
    assert_eq!(results[1]["restored"], false);

    let (single_status, single) = test.restore(active).await;
    assert_eq!(single_status.as_u16(), 400);
    assert_eq!(results[1]["message"], single["message"]);
    assert_eq!(test.audit(deleted_two).await[1]["actor"], "bulk-user");
}

#[tokio::test]
async fn bulk_restore_rejects_empty_and_oversized_lists() {
    let test = TestServer::start().await;
    let (status, error) = test.post("/webhooks/restore", json!({"ids": []})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("empty"),
        "{error}"
    );

    let ids: Vec<String> = (0..501)
        .map(|n| format!("ws_cal_solar_{:03}", n % 1000))
        .collect();
    let (status, error) = test.post("/webhooks/restore", json!({ "ids": ids })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("501"),
        "{error}"
    );

    let (status, _) = test.post("/webhooks/restore", json!({"id": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn queue_summary_counts_every_state() {
    let test = TestServer::start().await;
    let (status, empty) = test.get("/queue").await;
    assert_eq!(status, StatusCode::OK);
    let counts = &empty["counts"];
    assert_eq!(
        keys(counts),
        [
            "cancelled",
            "completed",
            "dead_letter",
            "failed",
            "pending",
            "processing"
        ]
    );
    assert!(counts.as_object().unwrap().values().all(|count| count == 0));
    assert!(empty["next_due_at"].is_null());

    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let (_, summary) = test.get("/queue").await;
    assert_eq!(summary["counts"]["pending"], 1);
    assert_eq!(summary["next_due_at"], deleted["scheduled_deletion_at"]);
    assert_eq!(summary["overdue"], 0);

    test.advance(hours(GRACE_HOURS) + common::millis(1));
    let (_, late) = test.get("/queue").await;
    assert_eq!(late["overdue"], 1);
}

#[tokio::test]
async fn queue_jobs_lists_by_state() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    let deleted = test.soft_delete(ID).await;
    let (status, body) = test.get("/queue/jobs?state=pending&limit=10").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], "pending");
    let job = &body["jobs"][0];
    assert_eq!(job["id"], deleted["job_id"]);
    assert_eq!(job["webhook_id"], ID);
    assert_eq!(job["webhook_name"], NAME);
    assert_eq!(job["max_attempts"], common::MAX_ATTEMPTS);
    assert_eq!(job["execute_at"], deleted["scheduled_deletion_at"]);
    assert!(test.jobs("dead_letter").await.is_empty());

    for (path, expected) in [
        ("/queue/jobs?state=done", "'done'"),
        ("/queue/jobs", "missing state"),
        ("/queue/jobs?state=pending&limit=0", "'0'"),
    ] {
        let (status, error) = test.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
        if path.contains("state=done") {
            assert!(message.contains("dead_letter"), "{message}");
        }
    }
}

#[tokio::test]
async fn storage_error_is_500_without_internals() {
    let test = TestServer::start().await;
    test.create(ID, NAME).await;
    {
        let connection = rusqlite::Connection::open(test.db_path()).unwrap();
        connection
            .execute("ALTER TABLE leads RENAME TO leads_moved", [])
            .unwrap();
    }
    let (status, error) = test.lead(ID, json!({"a": 1})).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_error(&error, "Internal server error");
    let text = error.to_string();
    assert!(!text.contains("leads"), "{text}");
    assert!(!text.contains("INSERT"), "{text}");
    assert!(!text.contains("table"), "{text}");
}
