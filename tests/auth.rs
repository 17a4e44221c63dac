//! Attacks on authentication, roles and lead signatures against a real server on 127.0.0.1.
//! The servers here do not trust `X-User-ID`, as `hookgrace serve` without
//! `--trust-user-header` does.
#![allow(clippy::unwrap_used)]

mod common;

use common::{manual_options, TestServer, ADMIN_NAME, ADMIN_TOKEN};
use hookgrace::api::{sign_lead, Role, SIGNATURE_HEADER};
use hookgrace::clock::ManualClock;
use hookgrace::server::{hash_token, ServerOptions};
use hookgrace::store::{CreateTokenOutcome, NewToken};
use reqwest::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ID: &str = "acme_ws_cal_solar_001";
const NAME: &str = "Solar CA";

/// A well-formed token that no server issued.
const UNKNOWN_TOKEN: &str = "hg_ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

async fn start() -> TestServer {
    start_with(manual_options()).await
}

async fn start_with(options: ServerOptions) -> TestServer {
    TestServer::start_configured(options, ManualClock::at_fixed_start(), false).await
}

/// Stores a token with `role` and returns its text.
async fn token(test: &TestServer, name: &str, role: Role) -> String {
    let token = hookgrace::server::generate_token();
    let new = NewToken {
        name: name.to_owned(),
        role,
        token_sha256: hash_token(&token),
    };
    let outcome = test
        .server()
        .store()
        .create_token(new, "test", test.now())
        .await
        .unwrap();
    assert!(matches!(outcome, CreateTokenOutcome::Created(_)));
    token
}

/// Sends a request with `token` (none when `None`) and optional `X-User-ID` and JSON body.
async fn send(
    test: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let client = common::http_client(token);
    let mut request = client.request(method, test.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn send_json(
    test: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let response = send(test, method.clone(), path, token, None).await;
    common::read_json(response, &format!("{method} {path}")).await
}

/// Sends `POST /tokens` with the admin token and returns the status and JSON body.
async fn create_token(test: &TestServer, request: Value) -> (StatusCode, Value) {
    let response = send(
        test,
        Method::POST,
        "/tokens",
        Some(ADMIN_TOKEN),
        Some(request),
    )
    .await;
    common::read_json(response, "create token").await
}

/// Posts a lead body with an optional signature header value.
async fn post_lead(test: &TestServer, body: &str, signature: Option<&str>) -> (StatusCode, Value) {
    let client = common::http_client(None);
    let mut request = client
        .post(test.url(&format!("/webhook/{ID}")))
        .header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    let response = request.body(body.to_owned()).send().await.unwrap();
    common::read_json(response, "lead").await
}

fn assert_unauthorized(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
}

#[tokio::test]
async fn request_without_token_is_401() {
    let test = start().await;
    let response = send(&test, Method::GET, "/webhook", None, None).await;
    assert_unauthorized(&response);
    let (_, body) = common::read_json(response, "no token").await;
    assert_eq!(body["error"], "Unauthorized");
    assert!(body["timestamp"].is_string(), "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("Authorization: Bearer"), "{message}");
}

#[tokio::test]
async fn every_protected_route_rejects_no_token() {
    let test = start().await;
    test.create(ID, NAME).await;
    let routes = [
        (Method::GET, "/webhook".to_owned()),
        (Method::POST, "/webhook".to_owned()),
        (Method::GET, "/webhook/deleted".to_owned()),
        (Method::GET, format!("/webhook/{ID}")),
        (Method::DELETE, format!("/webhook/{ID}?reason=x")),
        (
            Method::DELETE,
            format!("/webhook/{ID}?force=true&confirm={NAME}&reason=x"),
        ),
        (Method::POST, format!("/webhook/{ID}/restore")),
        (Method::PATCH, format!("/webhook/{ID}/status")),
        (Method::GET, format!("/webhook/{ID}/audit")),
        (Method::POST, format!("/webhook/{ID}/signing-secret")),
        (Method::GET, "/audit".to_owned()),
        (Method::GET, "/queue".to_owned()),
        (Method::GET, "/queue/jobs?state=pending".to_owned()),
        (Method::POST, "/queue/jobs/job_1/retry".to_owned()),
        (Method::POST, "/queue/dead-letter/retry".to_owned()),
        (Method::POST, "/webhooks/restore".to_owned()),
        (Method::GET, "/integrity".to_owned()),
        (Method::GET, "/whoami".to_owned()),
        (Method::GET, "/tokens".to_owned()),
        (Method::POST, "/tokens".to_owned()),
        (Method::DELETE, "/tokens/tok_1".to_owned()),
    ];
    for (method, path) in routes {
        let response = send(&test, method.clone(), &path, None, None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    // Nothing changed: the webhook is still active.
    let (status, _) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn health_is_open_and_names_no_user() {
    let test = start().await;
    let (status, body) = send_json(&test, Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::OK);
    let extensions: Vec<&str> = body["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(extensions.contains(&"auth"), "{body}");
    assert!(extensions.contains(&"signed_leads"), "{body}");
    let text = body.to_string();
    assert!(!text.contains(ADMIN_NAME), "{text}");
    assert!(!text.contains("hg_"), "{text}");
}

#[tokio::test]
async fn wrong_and_malformed_tokens_are_401() {
    let test = start().await;
    for header in [
        format!("Bearer {UNKNOWN_TOKEN}"),
        "Bearer hg_short".to_owned(),
        format!("Basic {ADMIN_TOKEN}"),
        ADMIN_TOKEN.to_owned(),
    ] {
        let response = reqwest::Client::new()
            .get(test.url("/webhook"))
            .header(AUTHORIZATION, &header)
            .send()
            .await
            .unwrap();
        assert_unauthorized(&response);
    }
}

#[tokio::test]
async fn revoked_token_is_401() {
    let test = start().await;
    let viewer = token(&test, "carol", Role::Viewer).await;
    let (status, _) = send_json(&test, Method::GET, "/webhook", Some(&viewer)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, revoked) =
        send_json(&test, Method::DELETE, "/tokens/carol", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["info"]["revoked_at"].is_string(), "{revoked}");

    let response = send(&test, Method::GET, "/webhook", Some(&viewer), None).await;
    assert_unauthorized(&response);
    let (_, body) = common::read_json(response, "revoked").await;
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
}

#[tokio::test]
async fn viewer_cannot_delete_or_create() {
    let test = start().await;
    test.create(ID, NAME).await;
    let viewer = token(&test, "victor", Role::Viewer).await;
    let (status, body) =
        send_json(&test, Method::GET, &format!("/webhook/{ID}"), Some(&viewer)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let path = format!("/webhook/{ID}?reason=cleanup");
    let (status, body) = send_json(&test, Method::DELETE, &path, Some(&viewer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["required_role"], "operator");
    assert_eq!(body["role"], "viewer");
    assert!(
        body["message"].as_str().unwrap().contains("operator role"),
        "{body}"
    );

    let create = json!({"id": "acme_ws_cal_solar_002", "name": "x", "type": "solar",
                        "region": "cal", "category": "solar"});
    let response = send(&test, Method::POST, "/webhook", Some(&viewer), Some(create)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "healthy");
}

#[tokio::test]
async fn operator_cannot_force_delete() {
    let test = start().await;
    test.create(ID, NAME).await;
    let operator = token(&test, "olga", Role::Operator).await;
    for query in [
        "force=true&confirm=Solar%20CA&reason=x",
        "force=yes&reason=x",
        "force=false&force=true&reason=x",
    ] {
        let path = format!("/webhook/{ID}?{query}");
        let (status, body) = send_json(&test, Method::DELETE, &path, Some(&operator)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{query}: {body}");
        assert_eq!(body["required_role"], "admin", "{query}");
    }
    let (status, body) = send_json(
        &test,
        Method::POST,
        &format!("/webhook/{ID}/signing-secret"),
        Some(&operator),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = send_json(&test, Method::GET, "/tokens", Some(&operator)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // A soft delete and a restore are within the operator's role.
    let path = format!("/webhook/{ID}?reason=cleanup");
    let (status, body) = send_json(&test, Method::DELETE, &path, Some(&operator)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send_json(
        &test,
        Method::POST,
        &format!("/webhook/{ID}/restore"),
        Some(&operator),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["restored_by"], "olga");
}

#[tokio::test]
async fn forged_user_header_is_ignored() {
    let test = start().await;
    test.create(ID, NAME).await;
    let operator = token(&test, "olga", Role::Operator).await;
    let response = common::http_client(Some(&operator))
        .delete(test.url(&format!("/webhook/{ID}?reason=cleanup")))
        .header("X-User-ID", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "soft_deleted");
    assert_eq!(events[0]["actor"], "olga");

    let (_, whoami) = send_json(&test, Method::GET, "/whoami", Some(&operator)).await;
    assert_eq!(whoami["name"], "olga");
    assert_eq!(whoami["role"], "operator");
    assert_eq!(whoami["acting_user"], "olga");
    assert_eq!(whoami["trusts_user_header"], false);
}

#[tokio::test]
async fn repeated_failures_lock_the_address_out() {
    let test = start().await;
    // The 5 free failures and the sixth, which starts the lockout, each get 401.
    for attempt in 1..=6 {
        let response = send(&test, Method::GET, "/webhook", Some(UNKNOWN_TOKEN), None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let seventh = send(&test, Method::GET, "/webhook", Some(UNKNOWN_TOKEN), None).await;
    assert_eq!(seventh.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(seventh.headers()[RETRY_AFTER], "1");
    // Even the valid token waits.
    let response = send(&test, Method::GET, "/webhook", Some(ADMIN_TOKEN), None).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let (_, body) = common::read_json(response, "locked out").await;
    assert_eq!(body["error"], "Too many failed authentications");

    // Routes without a token stay open, so leads keep flowing.
    let (status, _) = send_json(&test, Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::OK);

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = send(&test, Method::GET, "/webhook", Some(ADMIN_TOKEN), None).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn missing_tokens_do_not_lock_out() {
    let test = start().await;
    for _ in 0..10 {
        let response = send(&test, Method::GET, "/webhook", None, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = send(&test, Method::GET, "/webhook", Some(ADMIN_TOKEN), None).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_managed_over_http() {
    let test = start().await;
    let request = json!({"name": "dora", "role": "operator"});
    let (status, created) = create_token(&test, request.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let dora = created["token"].as_str().unwrap().to_owned();
    assert!(dora.starts_with("hg_"), "{dora}");
    assert_eq!(dora.len(), 67, "{dora}");

    let (status, body) = create_token(&test, request).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, whoami) = send_json(&test, Method::GET, "/whoami", Some(&dora)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(whoami["role"], "operator");

    let (status, list) = send_json(&test, Method::GET, "/tokens", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let text = list.to_string();
    assert!(!text.contains(&dora), "{text}");
    assert!(!text.contains(&hash_token(&dora)), "{text}");
    assert_eq!(list["tokens"][0]["name"], "dora");
    assert!(list["tokens"][0]["last_used_at"].is_string(), "{list}");

    let id = created["info"]["id"].as_str().unwrap();
    let (status, _) = send_json(
        &test,
        Method::DELETE,
        &format!("/tokens/{id}"),
        Some(ADMIN_TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send_json(
        &test,
        Method::DELETE,
        &format!("/tokens/{id}"),
        Some(ADMIN_TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, audit) = test.get("/audit?event_type=token_created").await;
    assert_eq!(audit["events"][0]["actor"], ADMIN_NAME);
    assert_eq!(audit["events"][0]["details"]["token_name"], "dora");
    let (_, audit) = test.get("/audit?event_type=token_revoked").await;
    assert_eq!(audit["events"][0]["details"]["token_id"], id);
}

/// A token's name is recorded as the acting user, so it follows the rules of `X-User-ID`: no
/// name that the server writes itself and no hidden characters.
#[tokio::test]
async fn token_names_are_validated() {
    let test = start().await;
    let long = "n".repeat(101);
    let cases = [
        ("system", "reserved"),
        ("System", "reserved"),
        ("ANONYMOUS", "reserved"),
        ("cli:operator", "reserved"),
        ("Cli:alice", "reserved"),
        ("bob\u{2028}x", "U+2028 at character 4"),
        ("\u{202E}nimda", "U+202E at character 1"),
        ("\u{3164}", "U+3164 at character 1"),
        ("ad\u{3164}min", "U+3164 at character 3"),
        ("system\u{FE0F}", "reserved"),
        ("ANONYMOUS\u{E0100}", "reserved"),
        ("bob\u{FE0F}", "variation selector U+FE0F at character 4"),
        ("\u{0455}ystem", "mixes Latin letters"),
        ("\u{3000}x", "U+3000 at character 1"),
        ("bob\u{2028}", "U+2028 at character 4"),
        ("   ", "blank"),
        (long.as_str(), "the maximum is 100"),
    ];
    for (name, expected) in cases {
        let request = json!({"name": name, "role": "operator"});
        let (status, body) = create_token(&test, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name:?}: {body}");
        assert_eq!(body["error"], "Invalid field", "{name:?}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("invalid token name"),
            "{name:?}: {message}"
        );
        assert!(message.contains(expected), "{name:?}: {message}");
    }
    let (_, list) = send_json(&test, Method::GET, "/tokens", Some(ADMIN_TOKEN)).await;
    assert_eq!(list["tokens"], json!([]), "{list}");

    let request = json!({"name": "  Zoë Smith ", "role": "viewer"});
    let (status, created) = create_token(&test, request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["info"]["name"], "Zoë Smith");
}

/// Revoking the token that sends the request would lock its holder out at once, and revoking
/// the last stored admin token that way would leave no admin able to manage tokens over HTTP.
#[tokio::test]
async fn token_cannot_revoke_itself() {
    let test = start().await;
    let request = json!({"name": "ada", "role": "admin"});
    let (status, created) = create_token(&test, request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let ada = created["token"].as_str().unwrap().to_owned();
    let id = created["info"]["id"].as_str().unwrap().to_owned();

    for key in [id.as_str(), "ada"] {
        let path = format!("/tokens/{key}");
        let (status, body) = send_json(&test, Method::DELETE, &path, Some(&ada)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{key}: {body}");
        assert_eq!(body["error"], "Token in use", "{key}");
        assert_eq!(body["token_id"], id.as_str(), "{key}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("another admin token"), "{message}");
    }
    let (status, _) = send_json(&test, Method::GET, "/whoami", Some(&ada)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, audit) = test.get("/audit?event_type=token_revoked").await;
    assert_eq!(audit["events"], json!([]));

    // Another admin token may revoke it.
    let path = format!("/tokens/{id}");
    let (status, body) = send_json(&test, Method::DELETE, &path, Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let response = send(&test, Method::GET, "/whoami", Some(&ada), None).await;
    assert_unauthorized(&response);
}

#[tokio::test]
async fn unsigned_lead_is_401_and_counted() {
    let test = start().await;
    test.create(ID, NAME).await;
    let (status, body) = post_lead(&test, r#"{"n":1}"#, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "Invalid signature");
    assert!(
        body["message"].as_str().unwrap().contains(SIGNATURE_HEADER),
        "{body}"
    );
    assert_eq!(test.stored_leads(ID), 0);

    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["rejected_signatures"], 1);
}

#[tokio::test]
async fn lead_signed_with_wrong_secret_is_401() {
    let test = start().await;
    test.create(ID, NAME).await;
    let body = r#"{"n":1}"#;
    let forged = sign_lead("whsec_guess", body.as_bytes());
    let (status, _) = post_lead(&test, body, Some(&forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let secret = test.signing_secret(ID).unwrap();
    let (status, _) = post_lead(&test, body, Some(&sign_lead(&secret, body.as_bytes()))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(test.stored_leads(ID), 1);
}

#[tokio::test]
async fn replayed_signature_on_other_body_is_401() {
    let test = start().await;
    test.create(ID, NAME).await;
    let secret = test.signing_secret(ID).unwrap();
    let signature = sign_lead(&secret, br#"{"revenue":1}"#);
    let (status, _) = post_lead(&test, r#"{"revenue":1}"#, Some(&signature)).await;
    assert_eq!(status, StatusCode::CREATED);
    for other in [
        r#"{"revenue":1000}"#,
        r#"{"revenue":1} "#,
        r#"{"revenue":1,"x":2}"#,
    ] {
        let (status, _) = post_lead(&test, other, Some(&signature)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{other}");
    }
    let (_, detail) = test.get(&format!("/webhook/{ID}")).await;
    assert_eq!(detail["rejected_signatures"], 3);
}

/// The existing system signs with SHA-256(secret || body), from which an attacker who saw one
/// signed body can compute a valid digest of that body with bytes appended. HMAC is not open
/// to this, and the plain digest is no valid signature at all.
#[tokio::test]
async fn length_extension_digest_is_401() {
    let test = start().await;
    test.create(ID, NAME).await;
    let secret = test.signing_secret(ID).unwrap();
    let body = r#"{"n":1}"#;
    let plain = |data: &[u8]| format!("sha256={}", hex::encode(Sha256::digest(data)));
    let digest = plain(format!("{secret}{body}").as_bytes());
    let (status, _) = post_lead(&test, body, Some(&digest)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A body extended with SHA-256 padding and more JSON, as a length-extension attack sends.
    let mut extended = body.as_bytes().to_vec();
    extended.push(0x80);
    extended.extend(std::iter::repeat_n(0u8, 20));
    extended.extend_from_slice(br#","revenue":999}"#);
    let extended_text = String::from_utf8_lossy(&extended).into_owned();
    let (status, _) = post_lead(&test, &extended_text, Some(&digest)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(test.stored_leads(ID), 0);
}

#[tokio::test]
async fn rotated_secret_replaces_the_old_one() {
    let test = start().await;
    test.create(ID, NAME).await;
    let old = test.signing_secret(ID).unwrap();
    let (status, rotated) = send_json(
        &test,
        Method::POST,
        &format!("/webhook/{ID}/signing-secret"),
        Some(ADMIN_TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new = rotated["signing_secret"].as_str().unwrap();
    assert_ne!(new, old);

    let body = r#"{"n":1}"#;
    let (status, _) = post_lead(&test, body, Some(&sign_lead(&old, body.as_bytes()))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_lead(&test, body, Some(&sign_lead(new, body.as_bytes()))).await;
    assert_eq!(status, StatusCode::CREATED);
    let events = test.audit(ID).await;
    assert_eq!(events[0]["event_type"], "signing_secret_rotated");
    assert!(!events[0].to_string().contains(new));
}

#[tokio::test]
async fn huge_revenue_is_400_and_totals_stay_finite() {
    let test = start().await;
    test.create(ID, NAME).await;
    let (status, body) = test.lead(ID, json!({"revenue": 1e308})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("1e+308"), "{message}");
    assert!(message.contains("1000000000"), "{message}");

    for _ in 0..2 {
        let (status, _) = test.lead(ID, json!({"revenue": 1e9})).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, list) = test.get("/webhook").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["webhooks"][0]["total_revenue"], 2e9);
}

#[tokio::test]
async fn lead_to_force_deleted_webhook_is_410() {
    let test = start().await;
    test.create(ID, NAME).await;
    let path = format!("/webhook/{ID}?force=true&confirm=Solar%20CA&reason=gone");
    let (status, _) = test.delete(&path).await;
    assert_eq!(status, StatusCode::OK);
    let deleted_at = test.now();
    test.advance(common::hours(1));

    let (status, body) = test.lead(ID, json!({"n": 1})).await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(body["deletion_type"], "force_deleted");
    assert_eq!(common::timestamp(&body["deleted_at"]), deleted_at);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(&deleted_at.to_string()), "{message}");

    let (status, _) = test.lead("acme_ws_cal_solar_009", json!({"n": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn trusted_header_names_the_actor() {
    let test = TestServer::start().await;
    assert!(test.trust_user_header);
    let (status, whoami) = test
        .call(Method::GET, "/whoami", Some("proxy-user"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(whoami["name"], ADMIN_NAME);
    assert_eq!(whoami["acting_user"], "proxy-user");
    assert_eq!(whoami["trusts_user_header"], true);
}
