//! A real server on 127.0.0.1 with a temporary database and a manual clock, plus a reqwest
//! client. Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use hookgrace::api::{sign_lead, Role, Timestamp, SIGNATURE_HEADER};
use hookgrace::client::{ApiClient, ClientAuth};
use hookgrace::clock::{Clock, ManualClock, SharedClock};
use hookgrace::queue::{ConsumerSettings, RetryPolicy};
use hookgrace::server::{
    self, ConsumerMode, RunningServer, ServerConfig, ServerOptions, SessionToken,
};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const GRACE_HOURS: i64 = 24;
pub const MAX_ATTEMPTS: u32 = 3;

/// Admin token that every test server accepts, held in memory as a session token.
pub const ADMIN_TOKEN: &str = "hg_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Name of [`ADMIN_TOKEN`].
pub const ADMIN_NAME: &str = "test-admin";

/// Returns the session token of [`ADMIN_TOKEN`].
pub fn admin_session() -> SessionToken {
    SessionToken {
        token: ADMIN_TOKEN.to_owned(),
        name: ADMIN_NAME.to_owned(),
        role: Role::Admin,
    }
}

/// Builds a reqwest client that sends `token`, if any, as `Authorization: Bearer`.
pub fn http_client(token: Option<&str>) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    if let Some(token) = token {
        let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("token header");
        headers.insert(AUTHORIZATION, value);
    }
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .default_headers(headers)
        .build()
        .expect("failed to build the HTTP client")
}

/// Builds an API client for `base` that sends [`ADMIN_TOKEN`] and `user` as `X-User-ID`.
pub fn admin_api_client(base: &str, user: &str) -> ApiClient {
    let auth = ClientAuth {
        token: Some(ADMIN_TOKEN.to_owned()),
        ca_cert_pem: None,
    };
    ApiClient::with_auth(base, user, &auth).expect("API client")
}

pub struct TestServer {
    server: Option<RunningServer>,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub base: String,
    /// Options of the next start; a change takes effect at [`TestServer::start_again`].
    /// [`ADMIN_TOKEN`] is added to its session tokens at each start.
    pub options: ServerOptions,
    /// Whether the server records `X-User-ID` as the acting user. On by default, so that
    /// tests name the actor of each request; the authentication tests turn it off.
    pub trust_user_header: bool,
    dir: tempfile::TempDir,
}

/// Consumer settings of the tests: retries after 30 s, 60 s, 120 s (plus up to 20 %).
pub fn test_queue_settings() -> ConsumerSettings {
    ConsumerSettings {
        lease: Duration::from_secs(300),
        retry: RetryPolicy {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            jitter: 0.2,
        },
        poll_interval: Duration::from_secs(60),
        batch_size: 1,
    }
}

pub fn manual_options() -> ServerOptions {
    ServerOptions {
        consumer: ConsumerMode::Manual,
        queue: test_queue_settings(),
        ..ServerOptions::default()
    }
}

impl TestServer {
    /// Starts a server with the consumer in manual mode.
    pub async fn start() -> Self {
        Self::start_with(manual_options()).await
    }

    pub async fn start_with(options: ServerOptions) -> Self {
        Self::start_with_clock(options, ManualClock::at_fixed_start()).await
    }

    /// Starts a server on `clock`, which the test may also hand to a purge fault.
    pub async fn start_with_clock(options: ServerOptions, clock: ManualClock) -> Self {
        Self::start_configured(options, clock, true).await
    }

    /// Starts a server that records `X-User-ID` as the acting user only if
    /// `trust_user_header` is set.
    pub async fn start_configured(
        options: ServerOptions,
        clock: ManualClock,
        trust_user_header: bool,
    ) -> Self {
        let dir = scratch_dir();
        let mut test = Self {
            server: None,
            clock,
            client: http_client(Some(ADMIN_TOKEN)),
            base: String::new(),
            options,
            trust_user_header,
            dir,
        };
        test.boot().await;
        test
    }

    /// Shuts the server down and keeps its database and clock for [`TestServer::start_again`].
    pub async fn stop(&mut self) {
        let server = self.server.take().expect("server is running");
        server.shutdown().await.expect("shutdown failed");
    }

    /// Starts a server again on the same database and clock after [`TestServer::stop`].
    pub async fn start_again(&mut self) {
        self.boot().await;
    }

    async fn boot(&mut self) {
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().expect("loopback address"),
            db_path: self.db_path(),
            grace_period: Duration::from_secs(GRACE_HOURS as u64 * 3600),
            max_attempts: MAX_ATTEMPTS,
            tls: None,
            trust_user_header: self.trust_user_header,
        };
        let clock: SharedClock = Arc::new(self.clock.clone());
        let mut options = self.options.clone();
        options.session_tokens.push(admin_session());
        let server = server::start(config, clock, options)
            .await
            .expect("server failed to start");
        self.base = format!("http://{}", server.addr());
        self.server = Some(server);
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("data").join("hookgrace.db")
    }

    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("server is running")
    }

    /// Shuts the server down and starts a new one on the same database and clock.
    pub async fn restart(&mut self) {
        let server = self.server.take().expect("server is running");
        server.shutdown().await.expect("shutdown failed");
        self.boot().await;
    }

    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("shutdown failed");
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn advance(&self, by: Span) {
        self.clock.advance(by);
    }

    /// Runs the deletion consumer once at the clock's current time.
    pub async fn run_queue(&self) -> usize {
        self.server()
            .run_queue_once()
            .await
            .expect("queue pass failed")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        user: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(user) = user {
            request = request.header("X-User-ID", user);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }

    /// Sends a request and parses the JSON body, which every route returns.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        user: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = self.raw(method.clone(), path, user, body).await;
        read_json(response, &format!("{method} {path}")).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, None, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None, None).await
    }

    /// Creates a webhook with a given id and asserts 201.
    pub async fn create(&self, id: &str, name: &str) -> Value {
        let (status, body) = self
            .call(
                Method::POST,
                "/webhook",
                Some("creator"),
                Some(json!({
                    "id": id,
                    "name": name,
                    "type": "solar",
                    "region": "cal",
                    "category": "solar",
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create {id}: {body}");
        body
    }

    /// Soft-deletes with a reason and asserts 200.
    pub async fn soft_delete(&self, id: &str) -> Value {
        let (status, body) = self
            .call(
                Method::DELETE,
                &format!("/webhook/{id}?reason=cleanup"),
                Some("deleter"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "soft delete {id}: {body}");
        body
    }

    pub async fn restore(&self, id: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/webhook/{id}/restore"),
            Some("restorer"),
            None,
        )
        .await
    }

    /// Sends a lead signed with the webhook's signing secret, read from the database, or
    /// unsigned when the webhook has no row or no secret. `id` may carry a query string.
    pub async fn lead(&self, id: &str, lead: Value) -> (StatusCode, Value) {
        let body = serde_json::to_vec(&lead).expect("lead serialises");
        let mut request = self
            .client
            .post(self.url(&format!("/webhook/{id}")))
            .header("content-type", "application/json");
        let webhook_id = id.split('?').next().unwrap_or(id);
        if let Some(secret) = self.signing_secret(webhook_id) {
            request = request.header(SIGNATURE_HEADER, sign_lead(&secret, &body));
        }
        let response = request.body(body).send().await.expect("request failed");
        read_json(response, &format!("lead to {id}")).await
    }

    /// Reads a webhook's signing secret from the database file.
    pub fn signing_secret(&self, id: &str) -> Option<String> {
        let connection = rusqlite::Connection::open(self.db_path()).expect("open database");
        connection
            .query_row(
                "SELECT signing_secret FROM webhooks WHERE id = ?1",
                [id],
                |row| row.get::<_, Option<String>>(0),
            )
            .ok()
            .flatten()
    }

    /// Returns the per-webhook audit events, newest first.
    pub async fn audit(&self, id: &str) -> Vec<Value> {
        let (status, body) = self.get(&format!("/webhook/{id}/audit?limit=500")).await;
        assert_eq!(status, StatusCode::OK, "audit {id}: {body}");
        body["events"].as_array().expect("events array").clone()
    }

    /// Returns the event types of a webhook's audit trail, oldest first.
    pub async fn audit_types(&self, id: &str) -> Vec<String> {
        let mut types: Vec<String> = self
            .audit(id)
            .await
            .iter()
            .map(|event| event["event_type"].as_str().unwrap_or_default().to_owned())
            .collect();
        types.reverse();
        types
    }

    /// Returns the jobs in one state.
    pub async fn jobs(&self, state: &str) -> Vec<Value> {
        let (status, body) = self.get(&format!("/queue/jobs?state={state}")).await;
        assert_eq!(status, StatusCode::OK, "jobs {state}: {body}");
        body["jobs"].as_array().expect("jobs array").clone()
    }

    /// Counts the leads stored for a webhook by reading the database file directly.
    pub fn stored_leads(&self, id: &str) -> i64 {
        let connection = rusqlite::Connection::open(self.db_path()).expect("open database");
        connection
            .query_row(
                "SELECT COUNT(*) FROM leads WHERE webhook_id = ?1",
                [id],
                |row| row.get(0),
            )
            .expect("count leads")
    }
}

/// Creates a temporary directory, in memory (`/dev/shm`) where the system has one: SQLite's
/// fsyncs on a disk cost about 20 ms per server start, which adds up over hundreds of model
/// cases. A killed process loses nothing either way, because the page cache outlives it.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    };
    dir.expect("failed to create a temporary directory")
}

pub async fn read_json(response: reqwest::Response, what: &str) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("failed to read the body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{what}: body is not JSON ({error}): {text}"));
    (status, body)
}

pub fn timestamp(value: &Value) -> Timestamp {
    Timestamp::parse(
        value
            .as_str()
            .unwrap_or_else(|| panic!("not a string: {value}")),
    )
    .expect("valid timestamp")
}

pub fn hours(count: i64) -> Span {
    Span::hours(count)
}

pub fn millis(count: i64) -> Span {
    Span::milliseconds(count)
}
