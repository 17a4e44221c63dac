//! Key handling and message flow through `State::update`, without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::{BulkRestoreItem, BulkRestoreResponse};
use crate::dashboard::app::{Command, LoadState, MutationKind, Resource, Tab, MAX_BACKOFF};
use crate::dashboard::dialogs::{BulkPhase, Dialog, Focus};
use crate::dashboard::widgets::countdown::PurgeClock;

fn is_poll(command: &Command) -> bool {
    matches!(command, Command::Poll(_))
}

fn requests(commands: &[Command]) -> Vec<&Command> {
    commands
        .iter()
        .filter(|command| !is_poll(command))
        .collect()
}

fn failed_poll(received_at: Timestamp) -> Msg {
    poll_msg(
        received_at,
        vec![
            FetchedData::Active(Err(unreachable())),
            FetchedData::Deleted(Err(unreachable())),
        ],
    )
}

#[test]
fn number_keys_and_tab_switch_tabs() {
    let mut state = loaded_state();

    state.update(at(LOCAL_NOW), char_key('2'));
    assert_eq!(state.tab, Tab::Deleted);
    state.update(at(LOCAL_NOW), char_key('4'));
    assert_eq!(state.tab, Tab::Audit);
    state.update(at(LOCAL_NOW), key(KeyCode::Tab));
    assert_eq!(state.tab, Tab::Active);
    state.update(at(LOCAL_NOW), key(KeyCode::BackTab));
    assert_eq!(state.tab, Tab::Audit);
    state.update(at(LOCAL_NOW), char_key('1'));
    assert_eq!(state.tab, Tab::Active);
}

#[test]
fn switching_to_queue_fetches_it() {
    let mut state = loaded_state();

    let commands = state.update(at(LOCAL_NOW), char_key('3'));

    assert_eq!(
        commands,
        vec![Command::Poll(vec![
            Resource::Active,
            Resource::Deleted,
            Resource::Queue
        ])]
    );
}

#[test]
fn j_and_k_move_within_bounds() {
    let mut state = loaded_state();

    state.update(at(LOCAL_NOW), key(KeyCode::Up));
    assert_eq!(state.active.list.cursor, 0);
    for _ in 0..5 {
        state.update(at(LOCAL_NOW), char_key('j'));
    }
    assert_eq!(state.active.list.cursor, 2);
    state.update(at(LOCAL_NOW), char_key('k'));
    assert_eq!(state.active.list.cursor, 1);
    state.update(at(LOCAL_NOW), char_key('G'));
    assert_eq!(state.active.list.cursor, 2);
    state.update(at(LOCAL_NOW), char_key('g'));
    assert_eq!(state.active.list.cursor, 0);
}

#[test]
fn delete_key_alone_sends_no_request() {
    let mut state = loaded_state();

    let commands = state.update(at(LOCAL_NOW), char_key('d'));

    assert!(commands.is_empty(), "{commands:?}");
    assert!(matches!(state.dialog, Some(Dialog::SoftDelete(_))));
}

#[test]
fn soft_delete_opens_on_cancel() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));
    let Some(Dialog::SoftDelete(dialog)) = &state.dialog else {
        panic!("d opened no soft delete dialog");
    };
    assert_eq!(dialog.form.focus, Focus::Cancel);

    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert!(commands.is_empty(), "{commands:?}");
    assert!(state.dialog.is_none(), "Enter on Cancel closes the dialog");
    assert_eq!(state.pending_requests, 0);
}

#[test]
fn soft_delete_without_reason_stays_open() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));

    type_text(&mut state, "   ");
    let to_confirm = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    assert!(to_confirm.is_empty(), "{to_confirm:?}");
    let on_confirm = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    assert!(on_confirm.is_empty(), "{on_confirm:?}");

    let Some(Dialog::SoftDelete(dialog)) = &state.dialog else {
        panic!("the dialog closed without a reason");
    };
    assert!(!dialog.can_confirm());
    assert_eq!(dialog.form.focus, Focus::Confirm);
}

#[test]
fn confirmed_soft_delete_sends_one_command() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('j'));
    state.update(at(LOCAL_NOW), char_key('d'));

    let typed = type_text(&mut state, "  duplicate  ");
    assert!(typed.is_empty(), "typing sent {typed:?}");
    let leave_field = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    assert!(
        leave_field.is_empty(),
        "Enter in the reason sent {leave_field:?}"
    );
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert_eq!(
        commands,
        vec![Command::SoftDelete {
            id: "click-ventures_ws_tx_roof_002".to_owned(),
            name: "Roofing TX".to_owned(),
            reason: "duplicate".to_owned(),
        }]
    );
    assert!(state.dialog.is_none());
    assert_eq!(state.pending_requests, 1);
}

#[test]
fn typed_q_goes_to_the_reason_not_quit() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));

    let commands = type_text(&mut state, "quit 1234");

    assert!(commands.is_empty(), "{commands:?}");
    assert!(!state.should_quit);
    assert_eq!(state.tab, Tab::Active);
}

#[test]
fn esc_cancels_dialog_without_request() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));
    type_text(&mut state, "oops");

    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Esc));

    assert!(commands.is_empty(), "{commands:?}");
    assert!(state.dialog.is_none());
    assert!(!state.should_quit);
    assert_eq!(state.pending_requests, 0);
}

#[test]
fn force_delete_disabled_until_name_matches() {
    let mut state = loaded_state();
    let commands = state.update(at(LOCAL_NOW), char_key('D'));
    assert!(commands.is_empty(), "{commands:?}");

    type_text(&mut state, "Solar C");
    state.update(at(LOCAL_NOW), key(KeyCode::Tab));
    type_text(&mut state, "test data");
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    assert!(commands.is_empty(), "a partial name sent {commands:?}");

    // Focus is on Confirm now; typing goes back to the name field.
    type_text(&mut state, "a");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("the force delete dialog closed");
    };
    assert!(!dialog.name_matches(), "case must match exactly");
    assert!(!dialog.can_confirm());

    state.update(at(LOCAL_NOW), key(KeyCode::Backspace));
    type_text(&mut state, "A");
    state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert_eq!(
        commands,
        vec![Command::ForceDelete {
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            reason: "test data".to_owned(),
        }]
    );
}

#[test]
fn force_delete_needs_a_reason_too() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('D'));
    type_text(&mut state, "Solar CA");

    let first_enter = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    let second_enter = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert!(first_enter.is_empty(), "{first_enter:?}");
    assert!(second_enter.is_empty(), "{second_enter:?}");
    assert!(matches!(state.dialog, Some(Dialog::ForceDelete(_))));
}

#[test]
fn force_delete_matches_the_drawn_name() {
    let mut state = loaded_on('2');
    state.update(at(LOCAL_NOW), char_key('G'));
    state.update(at(LOCAL_NOW), char_key('D'));

    type_text(&mut state, "HVAC AZ");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("D opened no force delete dialog");
    };
    assert!(!dialog.name_matches(), "the escapes are part of the name");
    for _ in "HVAC AZ".chars() {
        state.update(at(LOCAL_NOW), key(KeyCode::Backspace));
    }
    type_text(&mut state, "\\u{1b}[31mHVAC\\u{1b}[0m AZ\\u{7}");
    state.update(at(LOCAL_NOW), key(KeyCode::Tab));
    type_text(&mut state, "stuck");
    state.update(at(LOCAL_NOW), key(KeyCode::Enter));
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    let [Command::ForceDelete { name, .. }] = commands.as_slice() else {
        panic!("expected one force delete: {commands:?}");
    };
    assert_eq!(
        name, "\u{1b}[31mHVAC\u{1b}[0m AZ\u{7}",
        "the stored name is sent"
    );
}

#[test]
fn restore_confirms_with_enter() {
    let mut state = loaded_on('2');

    let opened = state.update(at(LOCAL_NOW), char_key('r'));
    assert!(opened.is_empty(), "{opened:?}");
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert_eq!(
        commands,
        vec![Command::Restore {
            id: "sunrise_ws_cal_solar_004".to_owned(),
            name: "Sunrise Solar".to_owned(),
            enabled: true,
        }]
    );
}

#[test]
fn d_on_deleted_tab_does_nothing() {
    let mut state = loaded_on('2');

    let commands = state.update(at(LOCAL_NOW), char_key('d'));

    assert!(commands.is_empty());
    assert!(state.dialog.is_none());
}

#[test]
fn marks_lead_to_one_bulk_restore() {
    let mut state = loaded_on('2');
    polled(
        &mut state,
        vec![FetchedData::Deleted(modified(restorable_deleted_list()))],
    );
    state.update(at(LOCAL_NOW), key(KeyCode::Char(' ')));
    state.update(at(LOCAL_NOW), char_key('j'));
    state.update(at(LOCAL_NOW), key(KeyCode::Char(' ')));
    assert_eq!(state.deleted.list.marks.len(), 2);

    let opened = state.update(at(LOCAL_NOW), char_key('r'));
    assert!(opened.is_empty(), "{opened:?}");
    let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    assert_eq!(
        commands,
        vec![Command::BulkRestore {
            ids: vec![
                "sunrise_ws_cal_solar_004".to_owned(),
                "ws_az_hvac_006".to_owned()
            ],
        }]
    );
    let Some(Dialog::Bulk(dialog)) = &state.dialog else {
        panic!("the bulk dialog closed on submit");
    };
    assert!(matches!(dialog.phase, BulkPhase::Running));
}

#[test]
fn bulk_results_unmark_restored_ids() {
    let mut state = loaded_on('2');
    state.update(at(LOCAL_NOW), key(KeyCode::Char(' ')));
    state.update(at(LOCAL_NOW), key(KeyCode::Char(' ')));
    state.update(at(LOCAL_NOW), char_key('r'));
    state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    let item = |id: &str, restored: bool, status: u16, message: &str| BulkRestoreItem {
        webhook_id: id.to_owned(),
        status,
        restored,
        error: (!restored).then(|| "Restore window over".to_owned()),
        message: message.to_owned(),
    };
    let commands = state.update(
        at(LOCAL_NOW),
        Msg::BulkRestored {
            received_at: at(LOCAL_NOW),
            result: response(BulkRestoreResponse {
                results: vec![
                    item("sunrise_ws_cal_solar_004", true, 200, "restored"),
                    item("ws_tx_roof_005", false, 410, "the grace period ended"),
                ],
                restored: 1,
                failed: 1,
                timestamp: at(SERVER_NOW),
            }),
        },
    );

    assert_eq!(state.deleted.list.marks.len(), 1);
    assert!(state.deleted.list.marks.contains("ws_tx_roof_005"));
    assert_eq!(state.pending_requests, 0);
    assert!(commands.iter().any(is_poll), "results trigger a refresh");
    let Some(Dialog::Bulk(dialog)) = &state.dialog else {
        panic!("the bulk dialog closed before showing results");
    };
    assert!(matches!(dialog.phase, BulkPhase::Done(Ok(_))));
    let error = state.error.as_deref().unwrap_or_default();
    assert!(error.contains("1 failed"), "{error}");
}

#[test]
fn poll_failure_keeps_rows_and_marks_stale() {
    let mut state = loaded_state();
    let later = local_plus(3);

    state.update(later, Msg::Tick);
    state.update(later, failed_poll(later));

    assert_eq!(state.active_rows().len(), 3);
    assert_eq!(state.deleted_rows().len(), 3);
    assert!(state.active.is_stale());
    assert!(state.deleted.is_stale());
    assert_eq!(state.poll.failures, 1);
    assert_eq!(state.poll.last_success, Some(at(LOCAL_NOW)));
    let error = state.poll.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("Connection refused"), "{error}");
}

#[test]
fn failing_polls_back_off_to_the_cap() {
    let mut state = loaded_state();
    let mut now = local_plus(2);
    let mut waits = Vec::new();
    for _ in 0..6 {
        let commands = state.update(now, Msg::Tick);
        assert!(commands.iter().any(is_poll), "no poll at {now}");
        state.update(now, failed_poll(now));
        let wait = now.until(state.poll.next_at);
        waits.push(wait.num_seconds());
        let early = now
            .checked_add(wait - chrono::Duration::seconds(1))
            .unwrap();
        let commands = state.update(early, Msg::Tick);
        assert!(commands.is_empty(), "polled before the backoff ended");
        now = state.poll.next_at;
    }

    assert_eq!(waits, vec![4, 8, 16, 30, 30, 30]);
    assert_eq!(MAX_BACKOFF.as_secs(), 30);
}

#[test]
fn success_after_failure_resets_backoff() {
    let mut state = loaded_state();
    let later = local_plus(2);
    state.update(later, Msg::Tick);
    state.update(later, failed_poll(later));
    assert!(state.active.is_stale());

    let retry = state.poll.next_at;
    state.update(retry, Msg::Tick);
    state.update(retry, full_poll());

    assert!(!state.active.is_stale());
    assert_eq!(state.active.load, LoadState::Loaded);
    assert_eq!(state.poll.failures, 0);
    assert_eq!(state.poll.last_error, None);
}

#[test]
fn countdown_ticks_against_server_time() {
    let mut state = loaded_state();
    let row = state.deleted_rows()[0].clone();
    let clock_at = |state: &State| {
        PurgeClock::at(
            state.server_now(),
            Some(row.deletion.deleted_at),
            row.deletion.scheduled_deletion_at,
            row.job_status.status,
        )
        .text()
    };

    assert_eq!(state.server_now(), at(SERVER_NOW));
    assert_eq!(clock_at(&state), "18:00:00");
    state.update(local_plus(1), Msg::Tick);
    assert_eq!(clock_at(&state), "17:59:59");
    state.update(local_plus(61), Msg::Tick);
    assert_eq!(clock_at(&state), "17:58:59");
}

#[test]
fn new_server_time_moves_the_offset() {
    let mut state = loaded_state();
    let received_at = local_plus(10);
    let ahead = at("2026-03-01T10:00:20.000Z");

    let data = FetchedData::Active(Ok(ApiResponse {
        body: crate::client::Conditional::Modified(active_list()),
        server_time: Some(ahead),
    }));
    poll_at(&mut state, received_at, vec![data]);

    assert_eq!(state.clock.offset_millis, Some(15_000));
    assert_eq!(state.server_now(), ahead);
}

#[test]
fn mutation_result_refreshes_at_once() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));
    type_text(&mut state, "dup");
    state.update(at(LOCAL_NOW), key(KeyCode::Enter));

    let commands = solar_ca_deleted(&mut state);

    assert_eq!(commands.len(), 1);
    assert!(is_poll(&commands[0]));
    assert_eq!(state.pending_requests, 0);
    let notice = state.notice.as_ref().map(|notice| notice.text.clone());
    assert_eq!(
        notice.as_deref(),
        Some("Deleted Solar CA: purge at 2026-03-02 10:00:00Z unless restored; 120 leads kept")
    );
}

#[test]
fn failed_mutation_shows_server_message() {
    let mut state = loaded_state();
    let body = crate::api::ErrorBody {
        error: "Restore window over".to_owned(),
        message: "ws_tx_roof_005 was purged at 2026-03-01T09:59:00.000Z".to_owned(),
        timestamp: None,
        context: serde_json::Map::new(),
    };

    state.update(
        at(LOCAL_NOW),
        Msg::Mutated {
            kind: MutationKind::Restore,
            id: "ws_tx_roof_005".to_owned(),
            name: "Roof Pros TX".to_owned(),
            received_at: at(LOCAL_NOW),
            result: Err(ApiError::Http {
                status: 410,
                body: Some(body),
                retry_after: None,
            }),
        },
    );

    assert_eq!(
        state.error.as_deref(),
        Some(
            "Restore of Roof Pros TX failed: ws_tx_roof_005 was purged at \
             2026-03-01T09:59:00.000Z (HTTP 410)"
        )
    );
    state.update(at(LOCAL_NOW), key(KeyCode::Esc));
    assert_eq!(state.error, None);
}

#[test]
fn ctrl_r_polls_now_or_after_running_poll() {
    let mut state = loaded_state();
    let ctrl_r = Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));

    let commands = state.update(at(LOCAL_NOW), ctrl_r.clone());
    assert_eq!(commands.len(), 1);
    assert!(is_poll(&commands[0]));

    let while_running = state.update(at(LOCAL_NOW), ctrl_r);
    assert!(while_running.is_empty(), "{while_running:?}");
    let after = state.update(at(LOCAL_NOW), full_poll());
    assert_eq!(after.len(), 1, "the queued refresh starts: {after:?}");
}

#[test]
fn q_quits_at_once_while_requests_run() {
    let mut idle = loaded_state();
    assert_eq!(
        idle.update(at(LOCAL_NOW), char_key('q')),
        vec![Command::Quit]
    );

    let mut busy = loaded_on('2');
    busy.update(at(LOCAL_NOW), char_key('r'));
    let sent = busy.update(at(LOCAL_NOW), key(KeyCode::Enter));
    assert_eq!(requests(&sent).len(), 1, "{sent:?}");
    assert_eq!(busy.pending_requests, 1);

    let quit = busy.update(at(LOCAL_NOW), char_key('q'));

    assert_eq!(quit, vec![Command::Quit]);
    assert!(busy.should_quit);
}

#[test]
fn help_opens_and_closes() {
    let mut state = loaded_state();

    state.update(at(LOCAL_NOW), char_key('?'));
    assert!(state.show_help);
    let commands = state.update(at(LOCAL_NOW), char_key('d'));
    assert!(commands.is_empty());
    assert!(state.dialog.is_none(), "keys under the help do not act");
    state.update(at(LOCAL_NOW), key(KeyCode::Esc));
    assert!(!state.show_help);
}

#[test]
fn q_quits_from_popups() {
    for (opener, popup) in [('?', "help"), ('e', "messages")] {
        let mut state = loaded_state();
        state.update(at(LOCAL_NOW), char_key(opener));
        assert!(state.show_help || state.show_messages, "{popup} opens");

        let commands = state.update(at(LOCAL_NOW), char_key('q'));

        assert_eq!(commands, vec![Command::Quit], "q in {popup}");
        assert!(state.should_quit, "q in {popup}");

        let mut state = loaded_state();
        state.update(at(LOCAL_NOW), char_key(opener));
        let commands = state.update(at(LOCAL_NOW), ctrl('c'));
        assert_eq!(commands, vec![Command::Quit], "ctrl-c in {popup}");
    }
}

#[test]
fn core_only_server_marks_extension_tabs() {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    polled(
        &mut state,
        vec![FetchedData::Capabilities(response(
            Capabilities::core_only(),
        ))],
    );

    assert_eq!(state.queue.load, LoadState::NotProvided);
    assert_eq!(state.audit.load, LoadState::NotProvided);
    let commands = state.update(at(LOCAL_NOW), char_key('3'));
    assert!(commands.is_empty(), "no queue fetch: {commands:?}");
    assert_eq!(
        state.resources_to_poll(),
        vec![Resource::Active, Resource::Deleted]
    );
}

#[test]
fn vanished_marked_row_stays_as_gone() {
    let mut state = loaded_on('2');
    state.update(at(LOCAL_NOW), key(KeyCode::Char(' ')));
    let mut shorter = deleted_list();
    shorter.webhooks.remove(0);

    polled(&mut state, vec![FetchedData::Deleted(modified(shorter))]);

    assert!(state
        .deleted
        .list
        .marks
        .contains("sunrise_ws_cal_solar_004"));
    assert!(state.deleted.list.is_gone("sunrise_ws_cal_solar_004"));
    assert_eq!(state.deleted.rows().len(), 3);
    assert_eq!(state.deleted.listed_count(), 2);

    state.update(at(LOCAL_NOW), ctrl('\\'));

    assert!(state.deleted.list.marks.is_empty());
    assert_eq!(
        state.deleted.rows().len(),
        2,
        "clearing marks drops gone rows"
    );
}

#[test]
fn unmarked_vanished_rows_just_go() {
    let mut state = loaded_on('2');
    let mut shorter = deleted_list();
    shorter.webhooks.remove(2);

    polled(&mut state, vec![FetchedData::Deleted(modified(shorter))]);

    assert_eq!(state.deleted.rows().len(), 2);
    assert!(state.deleted.list.gone.is_empty());
}

#[test]
fn selection_follows_the_row_across_polls() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('j'));
    let mut reordered = active_list();
    reordered.webhooks.reverse();

    polled(&mut state, vec![FetchedData::Active(modified(reordered))]);

    let selected = state.selected_active().map(|row| row.name.as_str());
    assert_eq!(selected, Some("Roofing TX"));
}

#[test]
fn key_release_events_are_ignored() {
    let mut state = loaded_state();
    let mut release = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
    release.kind = crossterm::event::KeyEventKind::Release;

    state.update(at(LOCAL_NOW), Msg::Key(release));

    assert!(state.dialog.is_none());
}

#[test]
fn queue_tab_fetches_once_capabilities_arrive() {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    let first = state.update(at(LOCAL_NOW), char_key('3'));
    assert_eq!(
        first,
        vec![Command::Poll(vec![
            Resource::Capabilities,
            Resource::Active,
            Resource::Deleted
        ])]
    );

    let commands = polled(
        &mut state,
        vec![FetchedData::Capabilities(response(full_capabilities()))],
    );

    assert_eq!(
        commands,
        vec![Command::Poll(vec![
            Resource::Active,
            Resource::Deleted,
            Resource::Queue
        ])]
    );
}

#[test]
fn failed_queue_fetch_waits_for_schedule() {
    let mut state = loaded_on('3');
    let rejected = ApiError::Http {
        status: 400,
        body: None,
        retry_after: None,
    };

    let commands = polled(&mut state, vec![FetchedData::Queue(Err(rejected))]);

    assert!(commands.is_empty(), "re-polled at once: {commands:?}");
    assert!(state.queue.is_stale());
}

#[test]
fn signal_quits_with_a_dialog_open() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));
    type_text(&mut state, "half typed");

    let commands = state.update(at(LOCAL_NOW), Msg::Signal("SIGTERM"));

    assert_eq!(commands, vec![Command::Quit]);
    assert!(state.should_quit);
}
