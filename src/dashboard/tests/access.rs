//! The token and the server's limits. A 401 stops automatic polling, and a 429 pauses it for
//! the server's `Retry-After`. A token whose form a hookgrace server cannot accept is never
//! sent to it, and the header names the token's user and role.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use super::*;
use crate::api::{IntegrityReport, Role, WhoAmI};
use crate::client::{TokenFormat, TokenOrigin};
use crate::dashboard::app::{Command, Resource, Tab};
use crate::dashboard::widgets::status_bar;

/// Where the token file of these tests would be.
const TOKEN_FILE: &str = "/home/olga/.config/hookgrace/token";

/// Capabilities of a hookgrace server: the fixtures' extensions plus `auth` and
/// `integrity`.
fn hookgrace_capabilities() -> Capabilities {
    let mut capabilities = full_capabilities();
    for name in ["auth", "integrity"] {
        capabilities.extensions.insert(name.to_owned());
    }
    capabilities
}

fn viewer(name: &str) -> WhoAmI {
    WhoAmI {
        name: name.to_owned(),
        role: Role::Viewer,
        token_id: Some("tok_1".to_owned()),
        acting_user: name.to_owned(),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    }
}

/// Builds a state with `options`, whose user is alice, after a first poll of a hookgrace
/// server that accepted the token of viewer olga.
fn hookgrace_state(options: Options) -> State {
    let mut state =
        State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW)).with_options(options);
    state.update(at(LOCAL_NOW), Msg::Tick);
    polled(
        &mut state,
        vec![
            FetchedData::Capabilities(response(hookgrace_capabilities())),
            FetchedData::Identity(response(viewer("olga"))),
            FetchedData::Active(modified(active_list())),
            FetchedData::Deleted(modified(deleted_list())),
            FetchedData::Integrity(response(IntegrityReport {
                issues: Vec::new(),
                timestamp: at(SERVER_NOW),
            })),
        ],
    );
    state
}

fn token_file_options() -> Options {
    Options {
        token_origin: TokenOrigin::File(PathBuf::from(TOKEN_FILE)),
        ..Options::default()
    }
}

fn revoked() -> ApiError {
    api_error(
        401,
        "Unauthorized",
        "API token revoked: ask an admin for a new one (hookgrace token create)",
        json!({}),
        None,
    )
}

fn polls(commands: &[Command]) -> Vec<&Vec<Resource>> {
    commands
        .iter()
        .filter_map(|command| match command {
            Command::Poll(resources) => Some(resources),
            _ => None,
        })
        .collect()
}

/// Starts a poll at `local`, which must be due, and delivers `data` as its results.
fn poll_when_due(state: &mut State, local: Timestamp, data: Vec<FetchedData>) {
    let started = state.update(local, Msg::Tick);
    assert_eq!(polls(&started).len(), 1, "no poll was due: {started:?}");
    poll_at(state, local, data);
}

fn first_screen_line(state: &State, width: u16, height: u16) -> String {
    screen_text(state, width, height)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn unauthorized_poll_stops_polling() {
    let mut state = hookgrace_state(token_file_options());
    poll_when_due(
        &mut state,
        local_plus(2),
        vec![
            FetchedData::Active(Err(revoked())),
            FetchedData::Deleted(Err(revoked())),
        ],
    );

    let rejection = state.poll.token_rejected.clone().expect("polling stopped");
    assert!(rejection.sent);
    for seconds in [4, 30, 600] {
        let commands = state.update(local_plus(seconds), Msg::Tick);
        assert!(
            polls(&commands).is_empty(),
            "polled at +{seconds}s: {commands:?}"
        );
    }
    let switched = press(&mut state, char_key('4'));
    assert!(polls(&switched).is_empty(), "{switched:?}");
    assert_eq!(state.tab, Tab::Audit);
    press(&mut state, char_key('1'));

    let message = state.poll.last_error.clone().unwrap_or_default();
    assert!(
        message.starts_with("API token rejected (invalid or revoked)"),
        "{message}"
    );
    assert!(
        message.contains("API token revoked: ask an admin"),
        "{message}"
    );
    assert!(message.contains(TOKEN_FILE), "{message}");
    assert!(message.contains("HOOKGRACE_TOKEN"), "{message}");
    assert!(message.contains("ctrl-r"), "{message}");
    assert!(state.active.is_stale());
    assert!(state.deleted.is_stale());

    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("TOKEN REJECTED"), "{screen}");
    assert!(screen.contains("polling stopped"), "{screen}");
    assert!(screen.contains("WRITES OFF"), "{screen}");
    assert!(screen.contains("STALE"), "{screen}");
    assert!(!screen.contains("integrity ok"), "{screen}");
    assert!(!screen.contains("updated"), "{screen}");
    let first = status_bar::messages(&state);
    assert!(first[0].text.starts_with("API token rejected"), "{first:?}");

    press(&mut state, char_key('d'));
    assert!(state.dialog.is_none());
    let error = state.error.clone().unwrap_or_default();
    assert!(
        error.contains("the server rejected the API token"),
        "{error}"
    );
}

#[test]
fn ctrl_r_retries_a_rejected_token_once() {
    let mut state = hookgrace_state(token_file_options());
    poll_when_due(
        &mut state,
        local_plus(2),
        vec![FetchedData::Active(Err(revoked()))],
    );

    let again = press(&mut state, ctrl('r'));
    assert_eq!(polls(&again).len(), 1, "{again:?}");
    poll_at(
        &mut state,
        local_plus(5),
        vec![FetchedData::Active(Err(revoked()))],
    );
    assert!(state.poll.token_rejected.is_some());
    let later = state.update(local_plus(60), Msg::Tick);
    assert!(polls(&later).is_empty(), "{later:?}");

    // The token works again, say after an admin un-did a mistake: polling resumes.
    let retried = state.update(local_plus(61), ctrl('r'));
    assert_eq!(polls(&retried).len(), 1, "{retried:?}");
    poll_at(
        &mut state,
        local_plus(61),
        vec![
            FetchedData::Active(modified(active_list())),
            FetchedData::Deleted(modified(deleted_list())),
        ],
    );
    assert!(state.poll.token_rejected.is_none());
    assert!(state.poll.last_error.is_none());
    let resumed = state.update(local_plus(63), Msg::Tick);
    assert_eq!(polls(&resumed).len(), 1, "{resumed:?}");
}

#[test]
fn unauthorized_write_stops_polling() {
    let mut state = hookgrace_state(Options {
        token_origin: TokenOrigin::Environment,
        ..Options::default()
    });

    let commands = state.update(
        at(LOCAL_NOW),
        Msg::Mutated {
            kind: MutationKind::SoftDelete,
            id: "ws_az_hvac_003".to_owned(),
            name: "HVAC AZ".to_owned(),
            received_at: at(LOCAL_NOW),
            result: Err(revoked()),
        },
    );

    assert!(polls(&commands).is_empty(), "{commands:?}");
    assert!(state.poll.token_rejected.is_some());
    let message = state.poll.last_error.clone().unwrap_or_default();
    assert!(
        message.contains("set HOOKGRACE_TOKEN to a valid token"),
        "{message}"
    );
}

#[test]
fn rate_limit_pauses_for_retry_after() {
    let mut state = hookgrace_state(Options::default());
    let locked_out = api_error(
        429,
        "Too many failed authentications",
        "too many failed authentications from this address; retry after 64 s with a valid \
         token",
        json!({"retry_after_seconds": 64}),
        Some(Duration::from_secs(64)),
    );
    poll_when_due(
        &mut state,
        local_plus(2),
        vec![FetchedData::Active(Err(locked_out))],
    );

    for seconds in [4, 30, 65] {
        let commands = state.update(local_plus(seconds), Msg::Tick);
        assert!(
            polls(&commands).is_empty(),
            "polled at +{seconds}s: {commands:?}"
        );
    }
    let by_hand = state.update(local_plus(40), ctrl('r'));
    assert!(polls(&by_hand).is_empty(), "{by_hand:?}");
    let notice = state
        .notice
        .clone()
        .map(|notice| notice.text)
        .unwrap_or_default();
    assert!(notice.contains("26s"), "{notice}");
    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("HTTP 429"), "{screen}");
    assert!(screen.contains("WRITES OFF"), "{screen}");
    let message = state.poll.last_error.clone().unwrap_or_default();
    assert!(message.contains("polling paused for 64s"), "{message}");

    let resumed = state.update(local_plus(66), Msg::Tick);
    assert_eq!(polls(&resumed).len(), 1, "{resumed:?}");
}

#[test]
fn token_of_other_form_waits_for_capabilities() {
    let options = Options {
        token_format: TokenFormat::Other,
        token_origin: TokenOrigin::Environment,
        ..Options::default()
    };
    let mut state =
        State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW)).with_options(options);
    let first = state.update(at(LOCAL_NOW), Msg::Tick);
    assert_eq!(polls(&first), vec![&vec![Resource::Capabilities]]);

    // A hookgrace server rejects the form, so the token is never sent to it.
    let after = polled(
        &mut state,
        vec![FetchedData::Capabilities(
            response(hookgrace_capabilities()),
        )],
    );
    assert!(polls(&after).is_empty(), "{after:?}");
    let rejection = state.poll.token_rejected.clone().expect("token kept back");
    assert!(!rejection.sent);
    assert!(
        rejection.message.contains("hg_ and 64 hex digits"),
        "{rejection:?}"
    );
    let by_hand = press(&mut state, ctrl('r'));
    assert!(by_hand.is_empty(), "{by_hand:?}");
    let error = state.error.clone().unwrap_or_default();
    assert!(error.starts_with("Nothing sent"), "{error}");
    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("TOKEN INVALID"), "{screen}");
}

#[test]
fn token_of_other_form_goes_to_other_servers() {
    let options = Options {
        token_format: TokenFormat::Other,
        ..Options::default()
    };
    let mut state =
        State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW)).with_options(options);
    state.update(at(LOCAL_NOW), Msg::Tick);

    let after = polled(
        &mut state,
        vec![FetchedData::Capabilities(response(full_capabilities()))],
    );

    let resources = polls(&after);
    assert_eq!(
        resources.len(),
        1,
        "the lists are fetched at once: {after:?}"
    );
    assert!(resources[0].contains(&Resource::Active));
    assert!(state.poll.token_rejected.is_none());
    let notice = state
        .notice
        .clone()
        .map(|notice| notice.text)
        .unwrap_or_default();
    assert!(
        notice.contains("does not have the hookgrace form"),
        "{notice}"
    );
}

#[test]
fn missing_token_is_not_sent_to_hookgrace() {
    let options = Options {
        token_format: TokenFormat::Missing,
        token_origin: TokenOrigin::Missing {
            file: Some(PathBuf::from(TOKEN_FILE)),
        },
        ..Options::default()
    };
    let mut state =
        State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW)).with_options(options);
    state.update(at(LOCAL_NOW), Msg::Tick);

    let after = polled(
        &mut state,
        vec![FetchedData::Capabilities(
            response(hookgrace_capabilities()),
        )],
    );

    assert!(polls(&after).is_empty(), "{after:?}");
    let message = state.poll.last_error.clone().unwrap_or_default();
    assert!(message.starts_with("No API token is set"), "{message}");
    assert!(message.contains(TOKEN_FILE), "{message}");
}

#[test]
fn header_names_token_and_role() {
    let state = hookgrace_state(Options::default());
    let header = first_screen_line(&state, 100, 30);
    assert!(header.contains("as olga (viewer)"), "{header}");
    assert!(!header.contains("alice"), "{header}");

    // A server that records X-User-ID names the --user value first.
    let mut trusting = hookgrace_state(Options::default());
    let mut identity = viewer("olga");
    identity.trusts_user_header = true;
    identity.acting_user = "alice".to_owned();
    trusting.identity = Some(identity);
    let header = first_screen_line(&trusting, 100, 30);
    assert!(header.contains("as alice (token olga, viewer)"), "{header}");

    // Until GET /whoami returns, --user could name the wrong user, so the header names no user.
    let mut unknown = hookgrace_state(Options::default());
    unknown.identity = None;
    let header = first_screen_line(&unknown, 100, 30);
    assert!(!header.contains(" as "), "{header}");

    // A server without the auth extension records the --user value.
    let header = first_screen_line(&loaded_state(), 100, 30);
    assert!(header.contains("as alice"), "{header}");
}

#[test]
fn write_block_error_clears_when_server_returns() {
    let mut state = loaded_state();
    tick_and_poll(
        &mut state,
        local_plus(2),
        vec![FetchedData::Active(Err(unreachable()))],
    );
    state.update(local_plus(3), char_key('d'));
    let error = state.error.clone().unwrap_or_default();
    assert!(
        error.starts_with("Delete unavailable: the server is unreachable"),
        "{error}"
    );

    tick_and_poll(
        &mut state,
        local_plus(8),
        vec![
            FetchedData::Active(modified(active_list())),
            FetchedData::Deleted(modified(deleted_list())),
        ],
    );

    assert_eq!(state.error, None);
    let screen = screen_text(&state, 100, 30);
    assert!(!screen.contains("unreachable"), "{screen}");
}

#[test]
fn failed_request_replaces_progress_notice() {
    let mut state = loaded_state();
    press(&mut state, char_key('d'));
    type_text(&mut state, "duplicate");
    press(&mut state, key(KeyCode::Enter));
    let sent = press(&mut state, key(KeyCode::Enter));
    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
    let progress = state
        .notice
        .clone()
        .map(|notice| notice.text)
        .unwrap_or_default();
    assert!(progress.starts_with("Deleting Solar CA"), "{progress}");

    state.update(
        local_plus(1),
        Msg::Mutated {
            kind: MutationKind::SoftDelete,
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            received_at: local_plus(1),
            result: Err(api_error(
                503,
                "Service unavailable",
                "the database is unavailable; try again shortly",
                json!({}),
                None,
            )),
        },
    );

    assert_eq!(state.notice, None);
    let screen = screen_text(&state, 100, 30);
    assert!(!screen.contains("Deleting Solar CA"), "{screen}");
    assert!(screen.contains("Delete of Solar CA failed"), "{screen}");
}

#[test]
fn header_keeps_role_of_long_token_name() {
    let long_name = "a".repeat(100);
    let mut state = hookgrace_state(Options::default());
    state.identity = Some(viewer(&long_name));

    let header = first_screen_line(&state, 80, 30);

    assert!(header.contains("(viewer)"), "{header}");
    assert!(header.contains('…'), "{header}");

    let mut trusting = hookgrace_state(Options::default());
    let mut identity = viewer(&long_name);
    identity.trusts_user_header = true;
    identity.acting_user = "b".repeat(100);
    trusting.identity = Some(identity);
    let header = first_screen_line(&trusting, 80, 30);
    assert!(header.contains(", viewer)"), "{header}");
    assert!(header.contains("(token a"), "{header}");
}
