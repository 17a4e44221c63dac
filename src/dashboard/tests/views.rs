//! Texts of views in edge states: empty tabs, an unreachable server, the purge deadline, and
//! audit events whose reason is not their own.

use super::*;
use crate::dashboard::views::active::CREATE_EXAMPLE;
use crate::dashboard::widgets::countdown::PURGE_PENDING;

fn with_lists(active: WebhookList, deleted: DeletedList) -> State {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    polled(
        &mut state,
        vec![
            FetchedData::Capabilities(response(full_capabilities())),
            FetchedData::Active(modified(active)),
            FetchedData::Deleted(modified(deleted)),
        ],
    );
    state
}

fn empty_active() -> WebhookList {
    let mut list = active_list();
    list.webhooks.clear();
    list.total_webhooks = 0;
    list
}

#[test]
fn empty_active_points_to_deleted_tab() {
    let state = with_lists(empty_active(), deleted_list());

    let screen = screen_text(&state, 80, 24);

    assert!(screen.contains("No active webhooks"), "{screen}");
    assert!(screen.contains("press 2"), "{screen}");
    assert!(!screen.contains("Deleted tab (2)"), "{screen}");
}

#[test]
fn empty_database_shows_how_to_create() {
    let mut deleted = deleted_list();
    deleted.webhooks.clear();
    let state = with_lists(empty_active(), deleted);

    let screen = screen_text(&state, 200, 24);

    assert!(screen.contains("No webhooks yet"), "{screen}");
    assert!(
        screen.contains(&format!("curl -X POST {URL}/webhook")),
        "{screen}"
    );
    assert!(screen.contains(CREATE_EXAMPLE), "{screen}");
}

#[test]
fn unreachable_server_explains_extension_tabs() {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    let refused = || ApiError::Unreachable {
        url: format!("{URL}/health"),
        detail: "Connection refused (os error 111)".to_owned(),
    };
    polled(
        &mut state,
        vec![
            FetchedData::Capabilities(Err(refused())),
            FetchedData::Active(Err(refused())),
        ],
    );

    for tab in ['3', '4'] {
        state.update(at(LOCAL_NOW), char_key(tab));
        let screen = screen_text(&state, 120, 24);
        assert!(screen.contains("unreachable"), "tab {tab}: {screen}");
        assert!(screen.contains("next try in 4s"), "tab {tab}: {screen}");
        assert!(!screen.contains("Checking what"), "tab {tab}: {screen}");
    }
}

/// Builds the deleted list with its first webhook purged at `scheduled`.
fn purging_at(scheduled: &str) -> DeletedList {
    let mut list = deleted_list();
    list.webhooks[0].deletion.scheduled_deletion_at = at(scheduled);
    list
}

#[test]
fn last_second_still_counts_down() {
    // The server's clock reads 10:00:00.000; the purge is half a second later.
    let mut state = with_lists(active_list(), purging_at("2026-03-01T10:00:00.500Z"));
    state.update(at(LOCAL_NOW), char_key('2'));

    let screen = screen_text(&state, 80, 24);

    let first_row = screen
        .lines()
        .find(|line| line.contains("Sunrise Solar"))
        .unwrap_or_default();
    assert!(first_row.ends_with(" !! 0:00:01│"), "{screen}");
    assert!(screen.contains("  restorable"), "{screen}");
    assert!(screen.contains("· 1 restorable"), "{screen}");
}

#[test]
fn purge_deadline_reads_pending_not_restorable() {
    let mut state = with_lists(active_list(), purging_at(SERVER_NOW));
    state.update(at(LOCAL_NOW), char_key('2'));

    let screen = screen_text(&state, 80, 24);

    let first_row = screen
        .lines()
        .find(|line| line.contains("Sunrise Solar"))
        .unwrap_or_default();
    assert!(first_row.contains(PURGE_PENDING), "{screen}");
    assert!(!first_row.contains("0:00:00"), "{screen}");
    assert!(screen.contains("not restorable"), "{screen}");
    assert!(!screen.contains("  restorable"), "{screen}");
    // Every row is at or past its purge time, though the server still allowed restores.
    assert!(screen.contains("· 0 restorable"), "{screen}");
}

#[test]
fn restored_event_shows_no_reason() {
    let mut page = audit_page();
    for event in &mut page.events {
        event.reason = Some(format!("reason of event {}", event.id));
    }
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Audit(response(page))]);
    state.update(at(LOCAL_NOW), char_key('4'));

    let screen = screen_text(&state, 200, 24);

    assert!(
        screen.contains("reason of event 5"),
        "soft_deleted: {screen}"
    );
    let restored = screen
        .lines()
        .find(|line| line.contains("restored"))
        .unwrap_or_default();
    assert!(!restored.contains("reason of"), "{restored}");
    for id in 1..=4 {
        assert!(
            !screen.contains(&format!("reason of event {id}")),
            "{screen}"
        );
    }
}

/// Fails a restore at local time `when`, which sets an action error.
fn failed_restore(state: &mut State, when: Timestamp, message: &str) {
    let body = crate::api::ErrorBody {
        error: "Restore failed".to_owned(),
        message: message.to_owned(),
        timestamp: None,
        context: serde_json::Map::new(),
    };
    state.update(
        when,
        Msg::Mutated {
            kind: crate::dashboard::app::MutationKind::Restore,
            id: "ws_tx_roof_005".to_owned(),
            name: "Roof Pros TX".to_owned(),
            received_at: when,
            result: Err(ApiError::Http {
                status: 409,
                body: Some(body),
                retry_after: None,
            }),
        },
    );
}

/// Fails a poll at local time `when` with a refused connection.
fn failed_poll(state: &mut State, when: Timestamp) {
    poll_at(state, when, vec![FetchedData::Active(Err(unreachable()))]);
}

/// Returns the status bar's message row of an 80x24 screen.
fn message_row(state: &State) -> String {
    screen_text(state, 80, 24)
        .lines()
        .nth(22)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn newer_poll_error_beats_old_action_error() {
    let mut state = loaded_state();
    failed_restore(&mut state, local_plus(1), "the purge job is processing");
    failed_poll(&mut state, local_plus(5));

    let row = message_row(&state);

    assert!(row.contains("Connection refused"), "{row}");
    assert!(row.contains("+1 more: e"), "{row}");
}

#[test]
fn newer_action_error_shows_first() {
    let mut state = loaded_state();
    failed_poll(&mut state, local_plus(1));
    failed_restore(&mut state, local_plus(5), "the purge job is processing");

    let row = message_row(&state);

    assert!(row.contains("purge job is processing"), "{row}");
    assert!(row.contains("+1 more: e"), "{row}");
}

#[test]
fn long_error_shown_whole_by_e() {
    let mut state = loaded_state();
    let long = format!(
        "{} END-OF-MESSAGE",
        "the server rejected the restore ".repeat(6)
    );
    failed_restore(&mut state, local_plus(1), &long);

    let row = message_row(&state);
    assert!(row.contains("… · e: full text"), "{row}");
    assert!(!row.contains("… …"), "{row}");
    assert!(!row.contains("END-OF-MESSAGE"), "{row}");

    state.update(local_plus(2), char_key('e'));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Action failed"), "{screen}");
    assert!(screen.contains("END-OF-MESSAGE"), "{screen}");

    state.update(local_plus(2), key(crossterm::event::KeyCode::Esc));
    assert!(!state.show_messages);
    assert!(state.error.is_some(), "closing the window keeps the error");
}

#[test]
fn e_with_nothing_to_show_says_so() {
    let mut state = loaded_state();

    state.update(at(LOCAL_NOW), char_key('e'));

    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("No errors or notices now"), "{screen}");
}

/// Builds the detail view of the first deleted webhook, with `change` applied to its
/// configuration.
fn detail_with(change: impl FnOnce(&mut crate::api::WebhookConfig)) -> State {
    let mut state = loaded_state();
    press_all(
        &mut state,
        &[char_key('2'), key(crossterm::event::KeyCode::Enter)],
    );
    let mut fetch = super::screens::detail_fetch();
    if let Ok(webhook) = &mut fetch.webhook {
        change(&mut webhook.body.config);
    }
    polled(&mut state, vec![FetchedData::Detail(Box::new(fetch))]);
    state
}

fn detail_with_description(description: &str) -> State {
    detail_with(|config| config.description = Some(description.to_owned()))
}

fn detail_with_name(name: &str) -> State {
    detail_with(|config| config.name = name.to_owned())
}

#[test]
fn detail_wraps_long_description() {
    let words: Vec<String> = (0..124).map(|n| format!("word{n:03}")).collect();
    let description = words.join(" ");
    let state = detail_with_description(&description);

    let tall = screen_text(&state, 100, 60);

    for word in ["word000", "word060", "word123"] {
        assert!(tall.contains(word), "{word}:\n{tall}");
    }
    assert!(tall.contains("310 preserved"), "{tall}");
    assert!(tall.contains("Audit timeline"), "{tall}");

    // A view too short for the whole description cuts it with an ellipsis and keeps the
    // other facts and the timeline.
    let short = screen_text(&state, 100, 24);
    assert!(short.contains("word000"), "{short}");
    assert!(!short.contains("word123"), "{short}");
    assert!(short.contains('…'), "{short}");
    assert!(short.contains("310 preserved"), "{short}");
    assert!(short.contains("Last error"), "{short}");
    assert!(short.contains("Audit timeline"), "{short}");
}

#[test]
fn detail_wraps_long_name() {
    let state = detail_with_name(&format!("{}z", "n".repeat(199)));

    let screen = screen_text(&state, 80, 40);

    assert!(screen.contains("nnnz"), "{screen}");
    assert!(screen.contains("soft_deleted"), "{screen}");
}
