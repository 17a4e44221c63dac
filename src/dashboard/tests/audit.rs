//! Paging of the Audit tab: scrolling to the last event loads the next older page, and
//! later polls keep the older events under the newest page. Token events, which belong to
//! no webhook, name their token.

use crossterm::event::KeyCode;

use super::*;
use crate::api::AuditEvent;
use crate::dashboard::app::Command;

/// Builds `count` events with ids from `newest` down, newest first.
fn events(newest: i64, count: i64) -> Vec<AuditEvent> {
    (0..count)
        .map(|offset| {
            let id = newest - offset;
            serde_json::from_value(
                json!({"id": id, "webhook_id": format!("ws_cal_solar_{id:03}"),
                "webhook_name": format!("Webhook {id}"), "event_type": "created",
                "actor": "alice", "created_at": "2026-03-01T09:00:00.000Z"}),
            )
            .expect("event fixture matches the wire type")
        })
        .collect()
}

fn page(events: Vec<AuditEvent>, next_cursor: Option<&str>) -> AuditPage {
    AuditPage {
        events,
        next_cursor: next_cursor.map(str::to_owned),
        timestamp: at(SERVER_NOW),
    }
}

fn polled_audit(state: &mut State, page: AuditPage) {
    polled(state, vec![FetchedData::Audit(response(page))]);
}

fn older(state: &mut State, page: AuditPage) -> Vec<Command> {
    state.update(
        at(LOCAL_NOW),
        Msg::AuditOlder {
            received_at: at(LOCAL_NOW),
            result: response(page),
        },
    )
}

fn ids(state: &State) -> Vec<i64> {
    state.audit.rows().iter().map(|event| event.id).collect()
}

/// Builds a state on the Audit tab with events 20 to 11 loaded and more after cursor `c10`.
fn first_page_state() -> State {
    let mut state = loaded_on('4');
    polled_audit(&mut state, page(events(20, 10), Some("c10")));
    state
}

#[test]
fn end_of_list_loads_older_page() {
    let mut state = first_page_state();

    let early = state.update(at(LOCAL_NOW), key(KeyCode::Down));
    assert!(
        !early
            .iter()
            .any(|c| matches!(c, Command::LoadOlderAudit { .. })),
        "{early:?}"
    );
    let commands = state.update(at(LOCAL_NOW), char_key('G'));

    assert!(
        commands.contains(&Command::LoadOlderAudit {
            cursor: "c10".to_owned()
        }),
        "{commands:?}"
    );
    let again = state.update(at(LOCAL_NOW), key(KeyCode::Down));
    assert!(
        !again
            .iter()
            .any(|c| matches!(c, Command::LoadOlderAudit { .. })),
        "a second request while one runs: {again:?}"
    );
    let screen = screen_text(&state, 100, 24);
    assert!(screen.contains("loading older"), "{screen}");

    older(&mut state, page(events(10, 10), Some("c0")));

    assert_eq!(ids(&state), (1..=20).rev().collect::<Vec<_>>());
    assert_eq!(
        state.selected_webhook_id().as_deref(),
        Some("ws_cal_solar_011"),
        "the cursor stays on its event"
    );
    let next = state.update(at(LOCAL_NOW), char_key('G'));
    assert!(
        next.contains(&Command::LoadOlderAudit {
            cursor: "c0".to_owned()
        }),
        "{next:?}"
    );
}

#[test]
fn last_page_requests_nothing_more() {
    let mut state = first_page_state();
    state.update(at(LOCAL_NOW), char_key('G'));
    older(&mut state, page(events(10, 10), None));

    let commands = state.update(at(LOCAL_NOW), char_key('G'));

    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::LoadOlderAudit { .. })),
        "{commands:?}"
    );
    let screen = screen_text(&state, 100, 24);
    assert!(screen.contains("Audit trail · 20 events"), "{screen}");
}

#[test]
fn poll_keeps_loaded_older_events() {
    let mut state = first_page_state();
    state.update(at(LOCAL_NOW), char_key('G'));
    older(&mut state, page(events(10, 10), Some("c0")));

    // Two new events: the newest page now contains 22 to 13.
    polled_audit(&mut state, page(events(22, 10), Some("c12")));

    assert_eq!(ids(&state), (1..=22).rev().collect::<Vec<_>>());
    let cursor = state
        .audit
        .data
        .as_ref()
        .and_then(|page| page.next_cursor.clone());
    assert_eq!(
        cursor.as_deref(),
        Some("c0"),
        "paging continues after the oldest"
    );
}

#[test]
fn poll_after_a_gap_drops_older_events() {
    let mut state = first_page_state();
    state.update(at(LOCAL_NOW), char_key('G'));
    older(&mut state, page(events(10, 10), Some("c0")));

    // More new events than a page holds: 40 to 31 do not reach the loaded 20.
    polled_audit(&mut state, page(events(40, 10), Some("c30")));

    assert_eq!(ids(&state), (31..=40).rev().collect::<Vec<_>>());
    assert!(!state.audit_history.extended);
}

#[test]
fn failed_older_page_can_be_retried() {
    let mut state = first_page_state();
    state.update(at(LOCAL_NOW), char_key('G'));

    state.update(
        at(LOCAL_NOW),
        Msg::AuditOlder {
            received_at: at(LOCAL_NOW),
            result: Err(ApiError::Timeout {
                url: format!("{URL}/audit"),
            }),
        },
    );

    let error = state.error.clone().unwrap_or_default();
    assert!(error.contains("older audit events failed"), "{error}");
    assert_eq!(ids(&state).len(), 10);
    let retry = state.update(at(LOCAL_NOW), key(KeyCode::Down));
    assert!(
        retry.contains(&Command::LoadOlderAudit {
            cursor: "c10".to_owned()
        }),
        "{retry:?}"
    );
}

/// Builds a token event, which has an empty webhook id and name, with `details`.
fn token_event(id: i64, event_type: &str, details: serde_json::Value) -> AuditEvent {
    serde_json::from_value(json!({"id": id, "webhook_id": "", "webhook_name": "",
        "event_type": event_type, "actor": "admin", "details": details,
        "created_at": "2026-03-01T09:30:00.000Z"}))
    .expect("token event fixture matches the wire type")
}

/// Builds a state on the Audit tab with a `token_created` event for "olga", a
/// `token_revoked` event without details, and an event of webhook 1.
fn token_events_state() -> State {
    let mut state = loaded_on('4');
    let mut shown = vec![
        token_event(
            3,
            "token_created",
            json!({"token_id": "tok_9", "token_name": "olga", "role": "operator"}),
        ),
        token_event(2, "token_revoked", serde_json::Value::Null),
    ];
    shown.extend(events(1, 1));
    polled_audit(&mut state, page(shown, None));
    state
}

#[test]
fn token_events_name_their_token() {
    let state = token_events_state();

    let screen = screen_text(&state, 100, 24);

    assert!(screen.contains("token olga"), "{screen}");
    assert!(screen.contains("token -"), "{screen}");
    assert!(screen.contains("Webhook 1"), "{screen}");
}

#[test]
fn token_event_opens_no_detail() {
    let mut state = token_events_state();

    assert_eq!(state.selected_webhook_id(), None);
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    let copied = state.update(at(LOCAL_NOW), char_key('y'));

    assert!(state.detail.is_none());
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Poll(_))),
        "{commands:?}"
    );
    assert!(copied.is_empty(), "{copied:?}");
    let notice = state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("belongs to no webhook"), "{notice}");
}

#[test]
fn filter_finds_token_events_by_name() {
    let mut state = token_events_state();
    state.update(at(LOCAL_NOW), char_key('/'));

    for c in "olga".chars() {
        state.update(at(LOCAL_NOW), char_key(c));
    }

    assert_eq!(state.audit.list.order.len(), 1);
    let screen = screen_text(&state, 100, 24);
    assert!(screen.contains("token olga"), "{screen}");
}
