//! Dashboard tests without a terminal or a server: fixtures that stand in for server
//! responses, key handling through the update function, and renders into a `TestBackend`.

mod access;
mod audit;
mod columns;
mod create;
mod dialogs;
mod flows;
mod help;
mod integrity;
mod keys;
mod names;
mod render;
mod sanitise;
mod screens;
mod views;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::json;

use crate::api::{AuditPage, DeletedList, SoftDeleteResponse, Timestamp, WebhookList};
use crate::client::{ApiError, ApiResponse, Capabilities};
use crate::dashboard::app::{
    Command, Fetched, FetchedData, Msg, MutationKind, MutationResponse, Options, QueueData,
    SigningSecret, State, WebhookCreated,
};

/// The server's clock at the fixtures' poll.
const SERVER_NOW: &str = "2026-03-01T10:00:00.000Z";
/// Our clock at that poll: five seconds behind the server.
const LOCAL_NOW: &str = "2026-03-01T09:59:55.000Z";
const URL: &str = "http://127.0.0.1:8787";

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("fixture timestamps are valid")
}

/// Local time `seconds` after the fixtures' poll.
fn local_plus(seconds: i64) -> Timestamp {
    at(LOCAL_NOW)
        .checked_add(chrono::Duration::seconds(seconds))
        .expect("in range")
}

fn response<T>(body: T) -> Result<ApiResponse<T>, ApiError> {
    Ok(ApiResponse {
        body,
        server_time: Some(at(SERVER_NOW)),
    })
}

fn modified<T>(body: T) -> Result<ApiResponse<crate::client::Conditional<T>>, ApiError> {
    response(crate::client::Conditional::Modified(body))
}

fn full_capabilities() -> Capabilities {
    Capabilities {
        extensions: ["audit", "queue", "bulk_restore", "lead_rejection_count"]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        grace_period: Some(Duration::from_secs(24 * 3600)),
        version: Some("0.1.0".to_owned()),
    }
}

fn active_list() -> WebhookList {
    let webhook = |id: &str, name: &str, enabled: bool, leads: u64, last: Option<&str>| {
        json!({"id": id, "name": name, "type": "solar", "region": "cal", "category": "solar",
            "enabled": enabled, "endpoints": {"health": "/h", "receive": "/r"},
            "total_leads": leads, "created_at": "2026-02-01T00:00:00.000Z",
            "last_lead_at": last})
    };
    serde_json::from_value(json!({
        "service": "hookgrace", "total_webhooks": 3, "timestamp": SERVER_NOW,
        "webhooks": [
            webhook("click-ventures_ws_cal_solar_001", "Solar CA", true, 120,
                Some("2026-03-01T09:55:00.000Z")),
            webhook("click-ventures_ws_tx_roof_002", "Roofing TX", true, 48,
                Some("2026-03-01T07:00:00.000Z")),
            webhook("ws_az_hvac_003", "HVAC AZ", false, 0, None),
        ]
    }))
    .expect("active fixture matches the wire type")
}

fn deleted_list() -> DeletedList {
    let row = |id: &str,
               name: &str,
               deleted_at: &str,
               scheduled: &str,
               reason: &str,
               by: &str,
               job: serde_json::Value,
               leads: u64,
               rejected: u64| {
        json!({"id": id, "name": name, "type": "solar",
            "deletion": {"deleted_at": deleted_at, "deleted_by": by, "reason": reason,
                "scheduled_deletion_at": scheduled, "job_id": format!("job_{id}")},
            "job_status": job,
            "restoration": {"can_restore": true, "seconds_until_deletion": 0,
                "restore_endpoint": format!("/webhook/{id}/restore")},
            "stats": {"total_leads": leads, "rejected_leads_since_deletion": rejected}})
    };
    serde_json::from_value(json!({
        "service": "hookgrace", "total_deleted": 3, "restorable": 3, "timestamp": SERVER_NOW,
        "webhooks": [
            row("sunrise_ws_cal_solar_004", "Sunrise Solar", "2026-03-01T04:00:00.000Z",
                "2026-03-02T04:00:00.000Z", "duplicate of ws_cal_solar_001", "alice",
                json!({"status": "pending", "attempts": 0, "max_attempts": 5}), 310, 3),
            row("ws_tx_roof_005", "Roof Pros TX", "2026-02-28T09:59:00.000Z",
                "2026-03-01T09:59:00.000Z", "client churned", "bob",
                json!({"status": "failed", "attempts": 2, "max_attempts": 5,
                    "error_message": "database is locked"}), 52, 0),
            row("ws_az_hvac_006", "\u{1b}[31mHVAC\u{1b}[0m AZ\u{7}", "2026-02-27T10:00:00.000Z",
                "2026-02-28T10:00:00.000Z", "bad\nactor\u{1b}]0;pwned\u{7}", "carol",
                json!({"status": "dead_letter", "attempts": 5, "max_attempts": 5,
                    "error_message": "disk full"}), 7, 11),
        ]
    }))
    .expect("deleted fixture matches the wire type")
}

/// Builds the Deleted list with every webhook restorable: each purge two hours away and
/// each deletion job pending.
fn restorable_deleted_list() -> DeletedList {
    let mut list = deleted_list();
    for row in &mut list.webhooks {
        row.deletion.scheduled_deletion_at = at("2026-03-01T12:00:00.000Z");
        row.job_status.status = crate::api::JobState::Pending;
        row.restoration.can_restore = true;
    }
    list
}

fn queue_data() -> QueueData {
    let summary = serde_json::from_value(json!({"counts": {"pending": 1, "processing": 0,
        "completed": 12, "failed": 1, "cancelled": 4, "dead_letter": 1},
        "next_due_at": "2026-03-02T04:00:00.000Z", "overdue": 1, "timestamp": SERVER_NOW}))
    .expect("queue summary fixture matches the wire type");
    let jobs = serde_json::from_value(json!([
            {"id": "job_ws_az_hvac_006", "webhook_id": "ws_az_hvac_006",
             "webhook_name": "HVAC AZ", "state": "dead_letter", "attempts": 5,
             "max_attempts": 5, "execute_at": "2026-02-28T10:00:00.000Z",
             "last_error": "disk full", "created_at": "2026-02-27T10:00:00.000Z",
             "updated_at": "2026-02-28T11:00:00.000Z"},
            {"id": "job_ws_tx_roof_005", "webhook_id": "ws_tx_roof_005",
             "webhook_name": "Roof Pros TX", "state": "failed", "attempts": 2,
             "max_attempts": 5, "execute_at": "2026-03-01T09:59:00.000Z",
             "next_attempt_at": "2026-03-01T10:01:00.000Z", "last_error": "database is locked",
             "created_at": "2026-02-28T09:59:00.000Z", "updated_at": "2026-03-01T09:59:30.000Z"},
            {"id": "job_sunrise_ws_cal_solar_004", "webhook_id": "sunrise_ws_cal_solar_004",
             "webhook_name": "Sunrise Solar", "state": "pending", "attempts": 0,
             "max_attempts": 5, "execute_at": "2026-03-02T04:00:00.000Z",
             "created_at": "2026-03-01T04:00:00.000Z", "updated_at": "2026-03-01T04:00:00.000Z"}
    ]))
    .expect("job fixtures match the wire type");
    QueueData { summary, jobs }
}

fn audit_page() -> AuditPage {
    let event = |id: i64,
                 webhook: &str,
                 name: &str,
                 kind: &str,
                 actor: &str,
                 reason: Option<&str>,
                 when: &str| {
        json!({"id": id, "webhook_id": webhook, "webhook_name": name, "event_type": kind,
            "actor": actor, "reason": reason, "created_at": when})
    };
    serde_json::from_value(json!({
        "timestamp": SERVER_NOW, "next_cursor": null,
        "events": [
            event(5, "sunrise_ws_cal_solar_004", "Sunrise Solar", "soft_deleted", "alice",
                Some("duplicate of ws_cal_solar_001"), "2026-03-01T04:00:00.000Z"),
            event(4, "ws_tx_roof_005", "Roof Pros TX", "job_failed", "queue",
                None, "2026-03-01T09:59:30.000Z"),
            event(3, "ws_az_hvac_006", "HVAC AZ", "job_dead_lettered", "queue",
                None, "2026-02-28T11:00:00.000Z"),
            event(2, "ws_cal_old_007", "Old Solar", "purged", "queue",
                None, "2026-02-27T08:00:00.000Z"),
            event(1, "ws_cal_old_007", "Old Solar", "restored", "dave",
                None, "2026-02-26T08:00:00.000Z"),
        ]
    }))
    .expect("audit fixture matches the wire type")
}

/// Builds the server's response to soft deleting webhook `id`, which keeps `leads` leads.
fn soft_deleted_body(id: &str, leads: u64) -> SoftDeleteResponse {
    serde_json::from_value(json!({
        "status": "success", "message": "scheduled", "webhook_id": id,
        "job_id": "job_1", "leads_preserved": leads, "deletion_type": "scheduled",
        "scheduled_deletion_at": "2026-03-02T10:00:00.000Z",
        "restoration": {"available_until": "2026-03-02T10:00:00.000Z",
            "restore_endpoint": format!("/webhook/{id}/restore")},
        "timestamp": SERVER_NOW}))
    .expect("soft delete fixture matches the wire type")
}

/// Delivers at local time `when` the response to soft deleting webhook `id`, named `name`,
/// which keeps `leads` leads. Returns the commands that produced.
fn soft_deleted(
    state: &mut State,
    (id, name): (&str, &str),
    leads: u64,
    when: Timestamp,
) -> Vec<Command> {
    state.update(
        when,
        Msg::Mutated {
            kind: MutationKind::SoftDelete,
            id: id.to_owned(),
            name: name.to_owned(),
            received_at: when,
            result: response(MutationResponse::SoftDeleted(soft_deleted_body(id, leads))),
        },
    )
}

/// Delivers at the fixtures' local time the response to soft deleting Solar CA, the first
/// active webhook. Returns the commands that produced.
fn solar_ca_deleted(state: &mut State) -> Vec<Command> {
    soft_deleted(
        state,
        ("click-ventures_ws_cal_solar_001", "Solar CA"),
        120,
        at(LOCAL_NOW),
    )
}

/// Signing secret of the created-webhook fixture.
const SECRET: &str = "whsec_4f1c9a0e7b2d58c36a9e01f47b3c2d8e5a6f7091b2c3d4e5f60718293a4b5c6d";

/// Builds the server's response to creating "Solar NV", as the poller passes it on.
fn created_webhook() -> WebhookCreated {
    WebhookCreated {
        id: "acme_ws_nv_solar_001".to_owned(),
        name: "Solar NV".to_owned(),
        receive_path: "/webhook/acme_ws_nv_solar_001".to_owned(),
        signing_secret: Some(SigningSecret::new(SECRET.to_owned())),
    }
}

/// Builds the message that delivers `result` for a create request of "Solar NV".
fn created_msg(result: Result<ApiResponse<WebhookCreated>, ApiError>) -> Msg {
    Msg::Created {
        name: "Solar NV".to_owned(),
        received_at: at(LOCAL_NOW),
        result,
    }
}

/// Builds the results of one poll that arrived at local time `received_at` with `data`.
fn poll_msg(received_at: Timestamp, data: Vec<FetchedData>) -> Msg {
    Msg::Polled(
        data.into_iter()
            .map(|data| Fetched { received_at, data })
            .collect(),
    )
}

/// Delivers the results of a poll that arrived at local time `local` with `data`, and
/// returns the commands that produced.
fn poll_at(state: &mut State, local: Timestamp, data: Vec<FetchedData>) -> Vec<Command> {
    state.update(local, poll_msg(local, data))
}

/// Delivers the results of a poll that arrived at the fixtures' local time with `data`.
fn polled(state: &mut State, data: Vec<FetchedData>) -> Vec<Command> {
    poll_at(state, at(LOCAL_NOW), data)
}

/// Starts a poll at local time `local` and delivers its results, `data`, at once.
fn tick_and_poll(state: &mut State, local: Timestamp, data: Vec<FetchedData>) {
    state.update(local, Msg::Tick);
    poll_at(state, local, data);
}

/// Builds the results of one successful poll of every resource.
fn full_poll() -> Msg {
    poll_msg(
        at(LOCAL_NOW),
        vec![
            FetchedData::Capabilities(response(full_capabilities())),
            FetchedData::Active(modified(active_list())),
            FetchedData::Deleted(modified(deleted_list())),
            FetchedData::Queue(response(queue_data())),
            FetchedData::Audit(response(audit_page())),
        ],
    )
}

/// Builds the error of a request to `path` that timed out.
fn timed_out(path: &str) -> ApiError {
    ApiError::Timeout {
        url: format!("{URL}{path}"),
    }
}

/// Builds the error of a response with `status` and the API's JSON error body: `title`,
/// `message` and the extra `context` fields, which must be a JSON object.
fn api_error(
    status: u16,
    title: &str,
    message: &str,
    context: serde_json::Value,
    retry_after: Option<Duration>,
) -> ApiError {
    let serde_json::Value::Object(context) = context else {
        panic!("the context of an error body is a JSON object: {context}");
    };
    ApiError::Http {
        status,
        body: Some(crate::api::ErrorBody {
            error: title.to_owned(),
            message: message.to_owned(),
            timestamp: Some(at(SERVER_NOW)),
            context,
        }),
        retry_after,
    }
}

/// Builds the error of a request to a server that refuses the connection.
fn unreachable() -> ApiError {
    ApiError::Unreachable {
        url: format!("{URL}/webhook"),
        detail: "Connection refused (os error 111)".to_owned(),
    }
}

/// Builds a state after one successful poll, five seconds behind the server's clock.
fn loaded_state() -> State {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    let first = state.update(at(LOCAL_NOW), Msg::Tick);
    assert_eq!(first.len(), 1, "the first tick starts a poll: {first:?}");
    state.update(at(LOCAL_NOW), full_poll());
    state
}

/// Builds a state with `options` after one successful poll.
fn with_options(options: Options) -> State {
    let mut state =
        State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW)).with_options(options);
    state.update(at(LOCAL_NOW), Msg::Tick);
    state.update(at(LOCAL_NOW), full_poll());
    state
}

/// Builds a state on the Deleted tab whose poll three seconds after the first timed out on
/// the Deleted list, so the tab shows the rows of the first poll as stale.
fn stale_state() -> State {
    let mut state = loaded_on('2');
    let error = timed_out("/webhook/deleted");
    tick_and_poll(
        &mut state,
        local_plus(3),
        vec![FetchedData::Deleted(Err(error))],
    );
    state
}

/// Builds the options of `--confirm-env prod`.
fn confirm_env_options() -> Options {
    Options {
        confirm_env: Some("prod".to_owned()),
        ..Options::default()
    }
}

/// Adds the extension `name` to the state's server capabilities, when they are known.
fn add_extension(state: &mut State, name: &str) {
    if let Some(capabilities) = &mut state.capabilities {
        capabilities.extensions.insert(name.to_owned());
    }
}

/// Builds a loaded state on the tab that the key `tab` selects.
fn loaded_on(tab: char) -> State {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key(tab));
    state
}

/// Builds a state on the Queue tab of a server with the core API only, whose first poll
/// fetched its capabilities and the Active list.
fn core_only_state() -> State {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    polled(
        &mut state,
        vec![
            FetchedData::Capabilities(response(Capabilities::core_only())),
            FetchedData::Active(modified(active_list())),
        ],
    );
    state.update(at(LOCAL_NOW), char_key('3'));
    state
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn char_key(c: char) -> Msg {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

/// Delivers `msg` at the fixtures' local time and returns the commands that produced.
fn press(state: &mut State, msg: Msg) -> Vec<Command> {
    state.update(at(LOCAL_NOW), msg)
}

/// Delivers each of `msgs` in turn at the fixtures' local time.
fn press_all(state: &mut State, msgs: &[Msg]) {
    for msg in msgs {
        press(state, msg.clone());
    }
}

/// Types `text` into whatever has focus and returns every command that produced.
fn type_text(state: &mut State, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(at(LOCAL_NOW), char_key(c)))
        .collect()
}

/// Types `values` into consecutive fields, moving on with Tab between them.
fn fill(state: &mut State, values: &[&str]) {
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            press(state, key(KeyCode::Tab));
        }
        type_text(state, value);
    }
}

/// Returns the requests that the commands send, leaving out polls.
fn writes(commands: &[Command]) -> Vec<&Command> {
    commands
        .iter()
        .filter(|command| command.is_write())
        .collect()
}

/// Renders the screen at `width` x `height` into a new buffer.
fn render_buffer(state: &State, width: u16, height: u16) -> Buffer {
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    crate::dashboard::views::render(state, area, &mut buffer);
    buffer
}

/// Returns the rows of `buffer` as text, each cell's symbol in turn, including the blank
/// second cell of a wide character.
fn cell_rows(buffer: &Buffer) -> Vec<String> {
    buffer
        .content
        .chunks(usize::from(buffer.area.width.max(1)))
        .map(|row| row.iter().map(|cell| cell.symbol()).collect())
        .collect()
}

/// Returns the rows of `buffer` as text. A wide character is read once, without the blank
/// cell that its second column holds.
fn text_rows(buffer: &Buffer) -> Vec<String> {
    buffer
        .content
        .chunks(usize::from(buffer.area.width.max(1)))
        .map(|row| {
            let mut line = String::new();
            let mut skip = 0;
            for cell in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = cell.symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            line
        })
        .collect()
}

/// Renders the screen at `width` x `height` and returns its rows as text, read as
/// [`text_rows`] does.
fn screen_text(state: &State, width: u16, height: u16) -> String {
    text_rows(&render_buffer(state, width, height)).join("\n")
}
