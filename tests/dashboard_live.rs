//! The dashboard's state and screens driven against a live in-process server: keys go through
//! the update function, commands run through the real HTTP client, and each screen is rendered
//! into a `TestBackend` buffer and read back as text.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hookgrace::api::{CreateWebhookRequest, JobState, Role};
use hookgrace::client::ApiClient;
use hookgrace::client::Conditional;
use hookgrace::client::TokenFormat;
use hookgrace::clock::{Clock, ManualClock, SharedClock};
use hookgrace::dashboard::app::{
    ClipboardText, Command, FetchedData, Msg, Options, Resource, State, Tab, INTEGRITY_INTERVAL,
};
use hookgrace::dashboard::dialogs::{CreatePhase, Dialog};
use hookgrace::dashboard::{poller, views};
use hookgrace::server::{self, ConsumerMode, RunningServer, ServerConfig, ServerOptions};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

struct Live {
    running: RunningServer,
    clock: ManualClock,
    client: ApiClient,
    /// Remembers list pages and their ETags between polls, as the dashboard does.
    fetcher: poller::Fetcher,
    state: State,
    _dir: tempfile::TempDir,
}

impl Live {
    async fn start() -> Self {
        Self::start_with_options(ServerOptions::default()).await
    }

    /// Starts a server whose purges fail while `fault` says so.
    async fn start_with_fault(fault: Arc<dyn hookgrace::queue::PurgeFault>) -> Self {
        Self::start_with_options(ServerOptions {
            purge_fault: Some(fault),
            ..ServerOptions::default()
        })
        .await
    }

    async fn start_with_options(options: ServerOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at_fixed_start();
        let shared: SharedClock = Arc::new(clock.clone());
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            db_path: dir.path().join("live.db"),
            grace_period: Duration::from_secs(24 * 3600),
            max_attempts: 3,
            tls: None,
            trust_user_header: true,
        };
        let options = ServerOptions {
            consumer: ConsumerMode::Manual,
            session_tokens: vec![common::admin_session()],
            ..options
        };
        let running = server::start(config, shared, options).await.unwrap();
        let url = format!("http://{}", running.addr());
        let client = common::admin_api_client(&url, "alice");
        let state = State::new(&url, "alice", Duration::from_secs(2), poller::local_now());
        Self {
            running,
            clock,
            fetcher: poller::Fetcher::new(client.clone()),
            client,
            state,
            _dir: dir,
        }
    }

    /// Creates a webhook with prefix `acme` and sends it `leads` signed leads. Returns its id.
    async fn create(&self, name: &str, kind: &str, region: &str, leads: usize) -> String {
        let request = webhook_request(name, kind, region, "acme");
        let (id, secret) = self.create_signed(&request).await;
        for n in 0..leads {
            let lead = serde_json::json!({"first_name": "Lead", "n": n});
            self.client
                .send_signed_lead(&id, &secret, &lead)
                .await
                .unwrap();
        }
        id
    }

    /// Creates the webhook of `request` and returns its id and its lead signing secret.
    async fn create_signed(&self, request: &CreateWebhookRequest) -> (String, String) {
        let created = self.client.create_webhook(request).await.unwrap().body;
        (created.webhook.id, created.signing_secret.unwrap())
    }

    /// Creates the webhooks of `requests`, 30 requests at a time.
    async fn create_all(&self, requests: &[CreateWebhookRequest]) {
        for chunk in requests.chunks(30) {
            let created = futures::future::join_all(
                chunk
                    .iter()
                    .map(|request| self.client.create_webhook(request)),
            )
            .await;
            assert!(created.iter().all(Result::is_ok));
        }
    }

    /// Creates the webhooks North, South and West with `leads` leads each, and soft deletes
    /// them. Returns their ids in that order.
    async fn create_deleted(&self, leads: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for (name, region) in [("North", "ny"), ("South", "fl"), ("West", "wa")] {
            let id = self.create(name, "solar", region, leads).await;
            self.client.soft_delete(&id, "cleanup").await.unwrap();
            ids.push(id);
        }
        ids
    }

    /// Runs commands through the real client and feeds each result back, until none is left.
    async fn run(&mut self, mut commands: Vec<Command>) {
        let mut rounds = 0;
        while let Some(command) = commands.pop() {
            rounds += 1;
            assert!(rounds < 50, "the dashboard keeps issuing commands");
            if let Some(msg) = self.fetcher.run(command).await {
                commands.extend(self.state.update(poller::local_now(), msg));
            }
        }
    }

    async fn press(&mut self, code: KeyCode) {
        let msg = Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let commands = self.state.update(poller::local_now(), msg);
        self.run(commands).await;
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c)).await;
        }
    }

    /// Polls now, as ctrl-r does.
    async fn refresh(&mut self) {
        let msg = Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
        let commands = self.state.update(poller::local_now(), msg);
        assert!(!commands.is_empty(), "ctrl-r started no poll");
        self.run(commands).await;
    }

    fn screen(&self) -> String {
        let area = Rect::new(0, 0, 80, 24);
        let mut buffer = Buffer::empty(area);
        views::render(&self.state, area, &mut buffer);
        let mut text = String::new();
        for y in 0..area.height {
            for x in 0..area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    fn advance_server_clock(&self, hours: i64) {
        self.clock.advance(chrono::Duration::hours(hours));
    }

    /// Stores a token named `name` with `role` in the server's database and returns its text.
    async fn add_token(&self, name: &str, role: Role) -> String {
        let token = hookgrace::server::generate_token();
        let new = hookgrace::store::NewToken {
            name: name.to_owned(),
            role,
            token_sha256: hookgrace::server::hash_token(&token),
        };
        self.running
            .store()
            .create_token(new, "test", self.clock.now())
            .await
            .unwrap();
        token
    }

    /// Starts a new dashboard state with `options`, whose requests go through `log` and send
    /// `token` and the user `user`.
    fn connect_through(&mut self, log: &RequestLog, token: &str, user: &str, options: Options) {
        let auth = hookgrace::client::ClientAuth {
            token: Some(token.to_owned()),
            ca_cert_pem: None,
        };
        let client = ApiClient::with_auth(&log.url, user, &auth).unwrap();
        self.fetcher = poller::Fetcher::new(client);
        self.state = State::new(&log.url, user, Duration::from_secs(2), poller::local_now())
            .with_options(options);
    }

    /// Lets `seconds` of dashboard time pass in ticks of two seconds, running every request
    /// the dashboard starts.
    async fn let_time_pass(&mut self, seconds: i64) {
        let start = poller::local_now();
        for second in (2..=seconds).step_by(2) {
            let at = start
                .checked_add(chrono::Duration::seconds(second))
                .unwrap();
            let commands = self.state.update(at, Msg::Tick);
            self.run(commands).await;
        }
    }
}

/// Builds the request to create a webhook whose category is its type, `kind`.
fn webhook_request(name: &str, kind: &str, region: &str, prefix: &str) -> CreateWebhookRequest {
    CreateWebhookRequest {
        name: name.to_owned(),
        kind: kind.to_owned(),
        region: region.to_owned(),
        category: kind.to_owned(),
        description: None,
        id: None,
        prefix: Some(prefix.to_owned()),
    }
}

#[tokio::test]
async fn delete_countdown_restore_and_purge() {
    let mut live = Live::start().await;
    let solar = live.create("Sunny Solar", "solar", "cal", 3).await;
    let hvac = live.create("Cool HVAC", "hvac", "tx", 2).await;
    live.refresh().await;
    assert_eq!(live.state.active_rows().len(), 2);
    let screen = live.screen();
    assert!(screen.contains("Active (2)"), "{screen}");
    assert!(screen.contains("Sunny Solar"), "{screen}");

    // Soft delete the selected (first) webhook with a reason.
    let first = live.state.selected_active().unwrap().id.clone();
    live.press(KeyCode::Char('d')).await;
    assert!(live.screen().contains("Reason"), "{}", live.screen());
    live.type_text("duplicate endpoint").await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;
    live.refresh().await;
    assert_eq!(live.state.deleted_rows().len(), 1);
    assert_eq!(live.state.deleted_rows()[0].id, first);
    assert_eq!(
        live.state.deleted_rows()[0].job_status.status,
        JobState::Pending
    );

    // The countdown runs on the server's clock: 24 h now, 1 h after the server moves 23 h.
    live.press(KeyCode::Char('2')).await;
    assert_eq!(live.state.tab, Tab::Deleted);
    let screen = live.screen();
    assert!(
        screen.contains("24:00:00") || screen.contains("23:59:5"),
        "{screen}"
    );
    live.advance_server_clock(23);
    live.refresh().await;
    let screen = live.screen();
    assert!(
        screen.contains("1:00:00") || screen.contains("0:59:5"),
        "{screen}"
    );

    // Restore it from the dialog.
    live.press(KeyCode::Char('r')).await;
    assert!(live.screen().contains("Restore"), "{}", live.screen());
    live.press(KeyCode::Enter).await;
    live.refresh().await;
    assert!(live.state.deleted_rows().is_empty());
    assert_eq!(live.state.active_rows().len(), 2);

    // Delete the other one and let the queue purge it after the deadline.
    live.press(KeyCode::Char('1')).await;
    while live.state.selected_active().map(|w| w.id.as_str()) != Some(hvac.as_str()) {
        live.press(KeyCode::Char('j')).await;
    }
    live.press(KeyCode::Char('d')).await;
    live.type_text("campaign over").await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;
    live.advance_server_clock(24);
    live.refresh().await;
    live.press(KeyCode::Char('2')).await;
    let screen = live.screen();
    assert!(screen.contains("purge pending"), "{screen}");
    assert_eq!(live.running.run_queue_once().await.unwrap(), 1);
    live.refresh().await;
    assert!(live.state.deleted_rows().is_empty());
    assert_eq!(live.state.active_rows().len(), 1);
    assert_eq!(live.state.active_rows()[0].id, solar);

    // The audit tab shows the purge, newest first, and the queue tab the completed job.
    live.press(KeyCode::Char('4')).await;
    let events = &live.state.audit.data.as_ref().unwrap().events;
    assert_eq!(events[0].event_type, "purged");
    assert_eq!(events[0].webhook_id, hvac);
    assert!(live.screen().contains("purged"), "{}", live.screen());
    live.press(KeyCode::Char('3')).await;
    let screen = live.screen();
    assert!(screen.contains("completed 1"), "{screen}");

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn force_delete_needs_typed_name() {
    let mut live = Live::start().await;
    let id = live.create("Harbor Auto", "insurance", "wa", 4).await;
    live.refresh().await;

    live.press(KeyCode::Char('D')).await;
    live.type_text("Harbor Aut").await;
    live.press(KeyCode::Tab).await;
    live.type_text("closed").await;
    let commands = live.state.update(
        poller::local_now(),
        Msg::Key(KeyEvent::from(KeyCode::Enter)),
    );
    assert!(
        commands.is_empty(),
        "Enter with a wrong name sent {commands:?}"
    );
    assert!(live.client.get_webhook(&id).await.is_ok());

    // Back to the name field, complete it, and confirm: Enter moves through the reason to
    // the confirm button, which the last Enter presses.
    live.press(KeyCode::BackTab).await;
    live.press(KeyCode::BackTab).await;
    live.type_text("o").await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;
    live.refresh().await;
    assert!(live.state.active_rows().is_empty());
    let gone = live.client.get_webhook(&id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    assert!(
        live.screen().contains("Permanently deleted"),
        "{}",
        live.screen()
    );

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn marked_rows_restore_in_bulk() {
    let mut live = Live::start().await;
    live.create_deleted(1).await;
    live.refresh().await;
    live.press(KeyCode::Char('2')).await;
    assert_eq!(live.state.deleted_rows().len(), 3);

    // Mark the first and the third row, then restore both.
    live.press(KeyCode::Char(' ')).await;
    live.press(KeyCode::Char('j')).await;
    live.press(KeyCode::Char('j')).await;
    live.press(KeyCode::Char(' ')).await;
    live.press(KeyCode::Char('r')).await;
    let screen = live.screen();
    assert!(screen.contains("Restore 2 webhooks"), "{screen}");
    live.press(KeyCode::Enter).await;
    let screen = live.screen();
    assert!(screen.contains("2 restored, 0 failed"), "{screen}");
    live.press(KeyCode::Esc).await;
    live.refresh().await;
    assert_eq!(live.state.deleted_rows().len(), 1);
    assert_eq!(live.state.active_rows().len(), 2);

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn unchanged_poll_costs_304() {
    let mut live = Live::start().await;
    live.create("Sunny Solar", "solar", "cal", 1).await;
    let other = live.create("Cool HVAC", "hvac", "tx", 0).await;
    live.client.soft_delete(&other, "cleanup").await.unwrap();
    live.refresh().await;

    let resources = [Resource::Active, Resource::Deleted];
    let results = live.fetcher.fetch(&resources).await;

    for fetched in &results {
        match &fetched.data {
            FetchedData::Active(Ok(response)) => {
                assert_eq!(response.body, Conditional::NotModified);
                assert!(response.server_time.is_some(), "a 304 still carries Date");
            }
            FetchedData::Deleted(Ok(response)) => {
                assert_eq!(response.body, Conditional::NotModified);
            }
            other => panic!("unexpected fetch result: {other:?}"),
        }
    }
    live.state.update(poller::local_now(), Msg::Polled(results));
    assert_eq!(live.state.active_rows().len(), 1, "a 304 keeps the rows");
    assert_eq!(live.state.deleted_rows().len(), 1);

    // A change elsewhere shows up at the next poll.
    live.client.restore(&other).await.unwrap();
    live.refresh().await;
    assert_eq!(live.state.active_rows().len(), 2);
    assert!(live.state.deleted_rows().is_empty());

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn long_lists_arrive_in_pages() {
    let mut live = Live::start().await;
    let regions = ["ca", "tx", "ny"];
    let requests: Vec<CreateWebhookRequest> = (0..510)
        .map(|n| webhook_request(&format!("Webhook {n}"), "solar", regions[n % 3], "bulk"))
        .collect();
    live.create_all(&requests).await;
    live.refresh().await;

    assert_eq!(live.state.active_rows().len(), 510);
    let mut ids: Vec<&str> = live
        .state
        .active_rows()
        .iter()
        .map(|row| row.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 510, "no row twice across the page boundary");
    live.press(KeyCode::Char('G')).await;
    let last = live.state.active_rows().last().unwrap().id.clone();
    assert_eq!(live.state.selected_active().unwrap().id, last);
    assert!(live.screen().contains(&last), "{}", live.screen());

    live.running.shutdown().await.unwrap();
}

/// A TCP relay in front of the server that records the request line of every request the
/// client sends through it. Only bodiless requests pass through it in these tests, so every
/// line that starts with a method is a request line.
struct RequestLog {
    url: String,
    lines: Arc<std::sync::Mutex<Vec<String>>>,
}

impl RequestLog {
    async fn start(server: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&lines);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = tokio::net::TcpStream::connect(server).await.unwrap();
                tokio::spawn(relay(client, upstream, Arc::clone(&log)));
            }
        });
        Self { url, lines }
    }

    /// Returns the request lines seen since the last call, as "GET /path".
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap())
    }
}

async fn relay(
    client: tokio::net::TcpStream,
    upstream: tokio::net::TcpStream,
    log: Arc<std::sync::Mutex<Vec<String>>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut upstream_read, &mut client_write).await;
    });
    let mut pending = Vec::new();
    let mut chunk = [0_u8; 8192];
    loop {
        let read = match client_read.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        pending.extend_from_slice(&chunk[..read]);
        while let Some(end) = pending.windows(2).position(|pair| pair == b"\r\n") {
            let line = String::from_utf8_lossy(&pending[..end]).into_owned();
            pending.drain(..end + 2);
            let mut words = line.split(' ');
            if let (Some(method @ ("GET" | "HEAD" | "POST" | "DELETE" | "PATCH")), Some(target)) =
                (words.next(), words.next())
            {
                let path = target.split('?').next().unwrap_or(target);
                log.lock().unwrap().push(format!("{method} {path}"));
            }
        }
        if upstream_write.write_all(&chunk[..read]).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn idle_poll_sends_one_request() {
    let mut live = Live::start().await;
    let requests: Vec<CreateWebhookRequest> = (0..520)
        .map(|n| webhook_request(&format!("Webhook {n}"), "solar", "ca", "bulk"))
        .collect();
    live.create_all(&requests).await;
    let deleted = live.create("Cool HVAC", "hvac", "tx", 0).await;
    live.client.soft_delete(&deleted, "cleanup").await.unwrap();
    let log = RequestLog::start(live.running.addr()).await;
    live.fetcher = poller::Fetcher::new(common::admin_api_client(&log.url, "alice"));
    let lists = [Resource::Active, Resource::Deleted];

    // The first poll learns the capabilities and fetches every page; the second reads the
    // data revision and revalidates every page under it.
    live.refresh().await;
    live.refresh().await;
    assert_eq!(live.state.active_rows().len(), 520);
    let warm_up = log.take();
    assert!(
        warm_up
            .iter()
            .filter(|line| *line == "GET /webhook")
            .count()
            >= 4,
        "two pages fetched in each of two polls: {warm_up:?}"
    );

    live.clock.advance(chrono::Duration::seconds(30));
    let results = live.fetcher.fetch(&lists).await;
    assert_eq!(log.take(), ["GET /changes"]);
    for fetched in &results {
        let (unchanged, server_time) = match &fetched.data {
            FetchedData::Active(Ok(response)) => (
                response.body == Conditional::NotModified,
                response.server_time,
            ),
            FetchedData::Deleted(Ok(response)) => (
                response.body == Conditional::NotModified,
                response.server_time,
            ),
            other => panic!("unexpected fetch result: {other:?}"),
        };
        assert!(unchanged);
        assert_eq!(
            server_time,
            Some(live.clock.now()),
            "the 304's Date is the server's"
        );
    }

    // The Queue and Audit tabs add their resources: the first poll with them fetches them,
    // and from then on an idle poll is one request again, reusing their last copies.
    let all = [
        Resource::Active,
        Resource::Deleted,
        Resource::Queue,
        Resource::Audit,
    ];
    let first = live.fetcher.fetch(&all).await;
    let lines = log.take();
    assert_eq!(lines[0], "GET /changes", "{lines:?}");
    assert!(
        !lines.iter().any(|line| line.starts_with("GET /webhook")),
        "{lines:?}"
    );
    assert!(lines.contains(&"GET /queue".to_owned()), "{lines:?}");
    assert!(lines.contains(&"GET /audit".to_owned()), "{lines:?}");
    let again = live.fetcher.fetch(&all).await;
    assert_eq!(log.take(), ["GET /changes"]);
    let queue_and_audit = |results: &[hookgrace::dashboard::app::Fetched]| {
        results
            .iter()
            .filter_map(|fetched| match &fetched.data {
                FetchedData::Queue(Ok(response)) => Some(format!("{:?}", response.body)),
                FetchedData::Audit(Ok(response)) => Some(format!("{:?}", response.body)),
                _ => None,
            })
            .collect::<Vec<String>>()
    };
    assert_eq!(queue_and_audit(&first).len(), 2);
    assert_eq!(queue_and_audit(&again), queue_and_audit(&first));

    // One new webhook: both lists are revalidated, and the new row arrives.
    live.create("Sunny Solar", "solar", "cal", 0).await;
    log.take();
    live.refresh().await;
    assert_eq!(live.state.active_rows().len(), 521);
    let after_change = log.take();
    assert_eq!(after_change[0], "GET /changes", "{after_change:?}");
    assert!(
        after_change.contains(&"GET /webhook".to_owned())
            && after_change.contains(&"GET /webhook/deleted".to_owned()),
        "{after_change:?}"
    );
    live.refresh().await;
    assert_eq!(log.take(), ["GET /changes"]);

    // The deadline passing changes no row in the database, but ends the restore window,
    // so the Deleted list is fetched again and shows it.
    let restorable = |live: &Live| live.state.deleted_rows()[0].restoration.can_restore;
    assert!(restorable(&live));
    live.advance_server_clock(25);
    live.refresh().await;
    assert!(!restorable(&live), "the Deleted list was not fetched again");
    assert!(log.take().contains(&"GET /webhook/deleted".to_owned()));

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn undo_reverses_a_soft_delete() {
    let mut live = Live::start().await;
    let id = live.create("Sunny Solar", "solar", "cal", 2).await;
    live.refresh().await;

    live.press(KeyCode::Char('d')).await;
    live.type_text("wrong one").await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;
    assert_eq!(live.state.deleted_rows().len(), 1);
    assert!(live.screen().contains("u undoes"), "{}", live.screen());

    live.press(KeyCode::Char('u')).await;
    live.refresh().await;

    assert!(live.state.deleted_rows().is_empty());
    assert_eq!(live.state.active_rows().len(), 1);
    let detail = live.client.get_webhook(&id).await.unwrap().body;
    assert!(!detail.deletion_status.is_deleted);
    let audit = live
        .client
        .webhook_audit(&id, &hookgrace::client::AuditQuery::default())
        .await
        .unwrap()
        .body;
    // Newest first: the undo's restore comes after the soft delete it reverses.
    let types: Vec<&str> = audit
        .events
        .iter()
        .map(|event| event.event_type.as_str())
        .collect();
    let restored = types.iter().position(|kind| *kind == "restored");
    let deleted = types.iter().position(|kind| *kind == "soft_deleted");
    assert!(restored.is_some(), "{types:?}");
    assert!(deleted.is_some(), "{types:?}");
    assert!(restored < deleted, "{types:?}");

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn poll_while_marking_keeps_the_cursor() {
    let mut live = Live::start().await;
    let ids = live.create_deleted(0).await;
    live.refresh().await;
    live.press(KeyCode::Char('2')).await;
    live.press(KeyCode::Char(' ')).await;
    let cursor = live.state.selected_deleted().unwrap().id.clone();
    let marked = ids[0].clone();

    // Elsewhere, the marked webhook is restored and a new one deleted.
    live.client.restore(&marked).await.unwrap();
    let newcomer = live.create("East", "solar", "ma", 0).await;
    live.client.soft_delete(&newcomer, "cleanup").await.unwrap();
    live.refresh().await;

    assert_eq!(live.state.selected_deleted().unwrap().id, cursor);
    assert!(live.state.deleted.list.is_gone(&marked));
    assert!(
        live.screen().contains("gone from server"),
        "{}",
        live.screen()
    );

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn overflowing_revenue_is_rejected() {
    let mut live = Live::start().await;
    let request = webhook_request("Big Spender", "solar", "cal", "acme");
    let (id, secret) = live.create_signed(&request).await;

    // Two leads at 1e308 would sum past f64::MAX; the server rejects each one instead.
    for _ in 0..2 {
        let lead = serde_json::json!({"first_name": "Rich", "revenue": 1e308});
        let error = live
            .client
            .send_signed_lead(&id, &secret, &lead)
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(400));
    }

    live.refresh().await;
    assert_eq!(
        live.state.active.load,
        hookgrace::dashboard::app::LoadState::Loaded
    );
    assert!(!live.state.active.is_stale());
    assert_eq!(live.state.active_rows()[0].total_leads, 0);
    assert!(live.screen().contains("Big Spender"), "{}", live.screen());

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn empty_database_hint_creates_a_webhook() {
    let mut live = Live::start().await;
    live.refresh().await;
    let screen = live.screen();
    assert!(screen.contains("No webhooks yet"), "{screen}");

    // The same request as the hint's curl command.
    let url = format!("http://{}/webhook", live.running.addr());
    let screen_shows_token = screen.contains("$HOOKGRACE_TOKEN");
    assert!(screen_shows_token, "{screen}");
    let created = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/json")
        .header("Authorization", format!("Bearer {}", common::ADMIN_TOKEN))
        .body(hookgrace::dashboard::views::active::CREATE_EXAMPLE)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);

    live.refresh().await;
    assert_eq!(live.state.active_rows().len(), 1);
    assert!(live.screen().contains("Solar CA"), "{}", live.screen());

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn audit_tab_pages_to_older_events() {
    let mut live = Live::start().await;
    let page = hookgrace::dashboard::app::AUDIT_PAGE_SIZE as usize;
    let requests: Vec<CreateWebhookRequest> = (0..page + 10)
        .map(|n| webhook_request(&format!("Audit {n}"), "solar", "ca", "paged"))
        .collect();
    live.create_all(&requests).await;
    live.refresh().await;
    live.press(KeyCode::Char('4')).await;
    assert_eq!(live.state.audit.rows().len(), page);

    live.press(KeyCode::Char('G')).await;

    let events = live.state.audit.rows();
    assert_eq!(events.len(), page + 10);
    let mut ids: Vec<i64> = events.iter().map(|event| event.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), page + 10, "no event twice");
    assert!(ids.windows(2).all(|pair| pair[0] > pair[1]), "newest first");
    let title = format!("Audit trail · {} events", page + 10);
    assert!(live.screen().contains(&title), "{}", live.screen());

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn operator_token_hides_force_delete() {
    let mut live = Live::start().await;
    live.create("Sunny Solar", "solar", "cal", 0).await;
    let token = hookgrace::server::generate_token();
    let new = hookgrace::store::NewToken {
        name: "olga".to_owned(),
        role: hookgrace::api::Role::Operator,
        token_sha256: hookgrace::server::hash_token(&token),
    };
    live.running
        .store()
        .create_token(new, "test", live.clock.now())
        .await
        .unwrap();
    let url = format!("http://{}", live.running.addr());
    let auth = hookgrace::client::ClientAuth {
        token: Some(token),
        ca_cert_pem: None,
    };
    let client = ApiClient::with_auth(&url, "olga", &auth).unwrap();
    live.fetcher = poller::Fetcher::new(client);
    live.state = State::new(&url, "olga", Duration::from_secs(2), poller::local_now());
    live.refresh().await;
    // The first poll learns the capabilities, the second the token's role.
    live.refresh().await;
    let identity = live.state.identity.clone().unwrap();
    assert_eq!(identity.role, hookgrace::api::Role::Operator);

    live.press(KeyCode::Char('D')).await;
    assert!(live.state.dialog.is_none());
    let error = live.state.error.clone().unwrap();
    assert!(error.contains("needs the admin role"), "{error}");
    assert!(error.contains("operator role"), "{error}");

    // A soft delete is within the operator's role, so its dialog opens.
    live.press(KeyCode::Char('d')).await;
    assert!(live.state.dialog.is_some());
    live.press(KeyCode::Esc).await;
    live.press(KeyCode::Char('?')).await;
    let screen = live.screen();
    assert!(screen.contains("force delete needs the admin"), "{screen}");
}

/// Fails every purge while switched on, as a storage outage would.
#[derive(Default)]
struct PurgeOutage {
    on: std::sync::atomic::AtomicBool,
}

impl hookgrace::queue::PurgeFault for PurgeOutage {
    fn before_purge(&self, webhook_id: &str, attempt: u32) -> Option<String> {
        self.on
            .load(std::sync::atomic::Ordering::SeqCst)
            .then(|| format!("storage offline while purging {webhook_id}, attempt {attempt}"))
    }
}

#[tokio::test]
async fn queue_tab_retries_dead_letter() {
    let outage = Arc::new(PurgeOutage::default());
    let mut live = Live::start_with_fault(outage.clone()).await;
    let id = live.create("Flaky Purge", "hvac", "tx", 2).await;
    live.client.soft_delete(&id, "campaign over").await.unwrap();

    // Every attempt fails until the job is dead-lettered.
    outage.on.store(true, std::sync::atomic::Ordering::SeqCst);
    for _ in 0..3 {
        live.clock.advance(chrono::Duration::hours(25));
        live.running.run_queue_once().await.unwrap();
    }
    live.refresh().await;
    live.press(KeyCode::Char('3')).await;
    let screen = live.screen();
    assert!(screen.contains("dead_letter 1"), "{screen}");
    assert!(screen.contains("storage offline"), "{screen}");

    // The outage is over: retry the selected dead letter from the Queue tab.
    outage.on.store(false, std::sync::atomic::Ordering::SeqCst);
    live.press(KeyCode::Char('R')).await;
    let screen = live.screen();
    assert!(screen.contains("Retry"), "{screen}");
    live.press(KeyCode::Tab).await;
    live.press(KeyCode::Enter).await;
    let screen = live.screen();
    assert!(screen.contains("is pending again"), "{screen}");
    live.press(KeyCode::Esc).await;
    live.refresh().await;
    let jobs = live
        .client
        .jobs(JobState::Pending, Some(10))
        .await
        .unwrap()
        .body
        .jobs;
    assert_eq!(jobs.len(), 1, "the retried job is pending again");
    assert_eq!(live.running.run_queue_once().await.unwrap(), 1);
    let gone = live.client.get_webhook(&id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn restore_can_bring_webhook_back_disabled() {
    let mut live = Live::start().await;
    let id = live.create("Check First", "solar", "az", 1).await;
    live.client
        .soft_delete(&id, "endpoint moved")
        .await
        .unwrap();
    live.refresh().await;
    live.press(KeyCode::Char('2')).await;

    live.press(KeyCode::Char('r')).await;
    let screen = live.screen();
    assert!(screen.contains("bring it back disabled"), "{screen}");
    live.press(KeyCode::BackTab).await;
    live.press(KeyCode::Char(' ')).await;
    let screen = live.screen();
    assert!(screen.contains("Restore disabled"), "{screen}");
    live.press(KeyCode::Tab).await;
    live.press(KeyCode::Enter).await;

    let detail = live.client.get_webhook(&id).await.unwrap().body;
    assert_eq!(detail.status, "healthy");
    assert_eq!(detail.config.enabled, Some(false));

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn status_bar_counts_integrity_issues() {
    let mut live = Live::start().await;
    let id = live.create("Orphan Maker", "solar", "nv", 0).await;
    live.client.soft_delete(&id, "cleanup").await.unwrap();
    // The first poll learns the server's extensions; the second runs the integrity check.
    live.refresh().await;
    live.refresh().await;
    assert!(live.screen().contains("integrity ok"), "{}", live.screen());

    // Cancel the job behind the server's back: a soft-deleted webhook without a live job.
    let db = rusqlite::Connection::open(live._dir.path().join("live.db")).unwrap();
    db.execute("UPDATE deletion_jobs SET state = 'cancelled'", [])
        .unwrap();
    drop(db);
    let later = poller::local_now()
        .checked_add(chrono::Duration::from_std(INTEGRITY_INTERVAL).unwrap())
        .unwrap();
    let commands = live.state.update(later, Msg::Tick);
    live.run(commands).await;
    let issues = live.client.integrity().await.unwrap().body.issues;
    assert!(!issues.is_empty());
    let screen = live.screen();
    let expected = format!("{} integrity issue", issues.len());
    assert!(screen.contains(&expected), "{screen}");

    live.running.shutdown().await.unwrap();
}

/// A log writer into a buffer that the test reads afterwards.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn created_webhook_accepts_signed_lead() {
    // The test's runtime runs on this thread, so the subscriber records what the dashboard
    // and the server's request handlers log.
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("hookgrace=trace,tower_http=trace,info")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let mut live = Live::start().await;
    live.refresh().await;

    live.press(KeyCode::Char('n')).await;
    assert!(
        live.screen().contains("Create webhook"),
        "{}",
        live.screen()
    );
    let fields = [
        "Live Solar",
        "solar",
        "nv",
        "solar",
        "live",
        "made in the dialog",
    ];
    for (index, text) in fields.iter().enumerate() {
        if index > 0 {
            live.press(KeyCode::Tab).await;
        }
        live.type_text(text).await;
    }
    assert!(
        live.screen().contains("live_ws_nv_solar_NNN"),
        "{}",
        live.screen()
    );
    // Other test threads may have registered the server's log callsites while no subscriber
    // wanted them, and tracing caches that per callsite; rebuilding the cache now makes this
    // thread's subscriber record the create request.
    tracing::callsite::rebuild_interest_cache();
    // Enter moves from the description to Create, and the second Enter sends the request.
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;

    let Some(Dialog::Create(dialog)) = &live.state.dialog else {
        panic!("the result dialog is not open:\n{}", live.screen());
    };
    let CreatePhase::Created(created) = &dialog.phase else {
        panic!("no result: {:?}\n{}", dialog.phase, live.screen());
    };
    let id = created.id.clone();
    assert_eq!(id, "live_ws_nv_solar_001");
    let screen = live.screen();
    assert!(screen.contains(&id), "{screen}");
    assert!(screen.contains("shown only this once"), "{screen}");
    let start = screen.find("whsec_").expect("the secret is on screen");
    let secret: String = screen[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert!(secret.len() > "whsec_".len() + 30, "{secret}");

    let commands = live.state.update(
        poller::local_now(),
        Msg::Key(KeyEvent::from(KeyCode::Char('y'))),
    );
    assert!(
        commands.iter().any(|command| matches!(
            command,
            Command::Copy(clip @ ClipboardText::SigningSecret(_)) if clip.text() == secret
        )),
        "{commands:?}"
    );

    // A sender signs the lead with the secret read from the screen.
    let lead = serde_json::json!({"first_name": "Nia", "zip": "89501"});
    let accepted = live
        .client
        .send_signed_lead(&id, &secret, &lead)
        .await
        .unwrap();
    assert_eq!(accepted.body.webhook_id, id);
    let forged = live
        .client
        .send_signed_lead(&id, "whsec_not_the_secret", &lead)
        .await
        .unwrap_err();
    assert_eq!(forged.status(), Some(401), "{forged}");

    live.press(KeyCode::Esc).await;
    assert!(live.state.dialog.is_none());
    live.refresh().await;
    let row = live
        .state
        .active_rows()
        .iter()
        .find(|row| row.id == id)
        .expect("the new webhook is listed")
        .clone();
    assert_eq!(row.total_leads, 1);
    let screen = live.screen();
    assert!(screen.contains("Live Solar"), "{screen}");

    live.running.shutdown().await.unwrap();
    let log = logs.text();
    assert!(log.contains("webhook created"), "nothing was logged: {log}");
    assert!(!log.contains(&secret), "the secret was logged:\n{log}");
}

#[tokio::test]
async fn revoked_token_stops_polling() {
    let mut live = Live::start().await;
    live.create("Sunny Solar", "solar", "cal", 0).await;
    let token = live.add_token("olga", Role::Viewer).await;
    let log = RequestLog::start(live.running.addr()).await;
    live.connect_through(&log, &token, "alice", Options::default());
    // The first poll learns the capabilities, the second the token's name and role.
    live.refresh().await;
    live.refresh().await;
    let screen = live.screen();
    assert!(screen.contains("as alice (token olga, viewer)"), "{screen}");

    live.running
        .store()
        .revoke_token("olga", "test", live.clock.now())
        .await
        .unwrap();
    log.take();
    live.let_time_pass(120).await;

    assert_eq!(
        log.take(),
        ["GET /changes"],
        "one rejected request, and none after it"
    );
    assert!(live.state.poll.token_rejected.is_some());
    let message = live.state.poll.last_error.clone().unwrap();
    assert!(message.starts_with("API token rejected"), "{message}");
    assert!(message.contains("API token revoked"), "{message}");
    let screen = live.screen();
    assert!(screen.contains("TOKEN REJECTED"), "{screen}");
    assert!(screen.contains("WRITES OFF"), "{screen}");
    // Another client on this address, with a valid token, is not locked out.
    live.client.whoami().await.unwrap();

    // ctrl-r tries once more, and polling stays stopped.
    live.refresh().await;
    assert_eq!(log.take(), ["GET /changes"]);
    live.let_time_pass(30).await;
    assert!(log.take().is_empty());
    live.client.whoami().await.unwrap();

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn token_of_other_form_is_not_sent() {
    let mut live = Live::start().await;
    let log = RequestLog::start(live.running.addr()).await;
    let options = Options {
        token_format: TokenFormat::Other,
        ..Options::default()
    };
    live.connect_through(&log, "not-a-hookgrace-token", "alice", options);

    live.let_time_pass(60).await;

    assert_eq!(log.take(), ["GET /health"]);
    let rejection = live.state.poll.token_rejected.clone().unwrap();
    assert!(!rejection.sent);
    let screen = live.screen();
    assert!(screen.contains("TOKEN INVALID"), "{screen}");

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn detail_of_unknown_id_says_not_found() {
    let mut live = Live::start().await;
    live.refresh().await;

    live.press(KeyCode::Char(':')).await;
    live.type_text("webhook nonexist_ws_xx_yy_001").await;
    live.press(KeyCode::Enter).await;
    let screen = live.screen();
    assert!(
        screen.contains("webhook nonexist_ws_xx_yy_001 not found"),
        "{screen}"
    );
    assert!(!screen.contains("purged"), "{screen}");
    live.press(KeyCode::Esc).await;

    let id = live.create("Short Lived", "solar", "cal", 0).await;
    live.client
        .force_delete(&id, "Short Lived", "test data")
        .await
        .unwrap();
    live.press(KeyCode::Char(':')).await;
    live.type_text(&format!("webhook {id}")).await;
    live.press(KeyCode::Enter).await;
    let screen = live.screen();
    assert!(screen.contains("it was force deleted at"), "{screen}");

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn second_undo_sends_nothing() {
    let mut live = Live::start().await;
    let id = live.create("Sunny Solar", "solar", "cal", 0).await;
    live.refresh().await;
    live.press(KeyCode::Char('d')).await;
    live.type_text("wrong one").await;
    live.press(KeyCode::Enter).await;
    live.press(KeyCode::Enter).await;

    live.press(KeyCode::Char('u')).await;
    live.press(KeyCode::Char('u')).await;
    live.refresh().await;

    let detail = live.client.get_webhook(&id).await.unwrap().body;
    assert!(
        !detail.deletion_status.is_deleted,
        "the second u deleted again"
    );
    let audit = live
        .client
        .webhook_audit(&id, &hookgrace::client::AuditQuery::default())
        .await
        .unwrap()
        .body;
    let deletes = audit
        .events
        .iter()
        .filter(|event| event.event_type == "soft_deleted")
        .count();
    assert_eq!(deletes, 1);

    live.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn bulk_restore_skips_dead_letter() {
    let outage = Arc::new(PurgeOutage::default());
    let mut live = Live::start_with_fault(outage.clone()).await;
    let stuck = live.create("Stuck Purge", "hvac", "tx", 0).await;
    live.client
        .soft_delete(&stuck, "campaign over")
        .await
        .unwrap();
    outage.on.store(true, std::sync::atomic::Ordering::SeqCst);
    for _ in 0..3 {
        live.clock.advance(chrono::Duration::hours(25));
        live.running.run_queue_once().await.unwrap();
    }
    let mut restorable = Vec::new();
    for (name, region) in [("North", "ny"), ("South", "fl")] {
        let id = live.create(name, "solar", region, 0).await;
        live.client.soft_delete(&id, "cleanup").await.unwrap();
        restorable.push(id);
    }
    live.refresh().await;
    live.press(KeyCode::Char('2')).await;
    let marks = Msg::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL));
    let commands = live.state.update(poller::local_now(), marks);
    live.run(commands).await;

    live.press(KeyCode::Char('r')).await;
    let screen = live.screen();
    assert!(screen.contains("3 marked"), "{screen}");
    assert!(screen.contains("1 skipped"), "{screen}");
    assert!(screen.contains("skip: grace period over"), "{screen}");
    live.press(KeyCode::Enter).await;

    let screen = live.screen();
    assert!(screen.contains("2 restored, 0 failed"), "{screen}");
    for id in &restorable {
        let detail = live.client.get_webhook(id).await.unwrap().body;
        assert!(!detail.deletion_status.is_deleted, "{id}");
    }
    let detail = live.client.get_webhook(&stuck).await.unwrap().body;
    assert!(detail.deletion_status.is_deleted);

    live.running.shutdown().await.unwrap();
}
