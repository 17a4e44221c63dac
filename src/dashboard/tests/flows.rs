//! Key sequences through the update function: marks, filters, sorting, the command line,
//! bulk restore preflight, undo, read-only and confirm-env modes, pastes and held keys.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::api::{JobState, RestoreResponse};
use crate::client::ApiError;
use crate::dashboard::app::{ClipboardText, Command, MutationKind, MutationResponse, Options, Tab};
use crate::dashboard::dialogs::{Dialog, FieldKey, Focus};

fn now() -> Timestamp {
    at(LOCAL_NOW)
}

fn deleted_ids(state: &State) -> Vec<String> {
    state.deleted.shown().map(|row| row.id.clone()).collect()
}

fn selected_deleted_id(state: &State) -> Option<String> {
    state.selected_deleted().map(|row| row.id.clone())
}

fn deleted_poll(list: DeletedList) -> Msg {
    poll_msg(now(), vec![FetchedData::Deleted(modified(list))])
}

#[test]
fn space_marks_and_moves_down() {
    let mut state = loaded_on('2');

    press(&mut state, key(KeyCode::Char(' ')));

    assert!(state
        .deleted
        .list
        .marks
        .contains("sunrise_ws_cal_solar_004"));
    assert_eq!(state.deleted.list.cursor, 1);
    press(&mut state, char_key('k'));
    press(&mut state, key(KeyCode::Char(' ')));
    assert!(state.deleted.list.marks.is_empty(), "space again unmarks");
}

#[test]
fn ctrl_space_marks_a_range() {
    let mut state = loaded_on('2');
    press(&mut state, key(KeyCode::Char(' ')));
    press(&mut state, char_key('G'));

    press(&mut state, ctrl(' '));

    assert_eq!(state.deleted.list.marks.len(), 3);
}

#[test]
fn ctrl_a_marks_only_filtered_rows() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));
    type_text(&mut state, "roof");
    press(&mut state, key(KeyCode::Enter));

    press(&mut state, ctrl('a'));

    assert_eq!(state.deleted.list.marks.len(), 1);
    assert!(state.deleted.list.marks.contains("ws_tx_roof_005"));
    press(&mut state, ctrl('4'));
    assert!(
        state.deleted.list.marks.is_empty(),
        "ctrl-\\ in legacy encoding clears"
    );
}

#[test]
fn filter_narrows_as_typed_and_esc_restores() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));

    type_text(&mut state, "ali");
    assert_eq!(deleted_ids(&state), vec!["sunrise_ws_cal_solar_004"]);
    press(&mut state, key(KeyCode::Esc));
    assert_eq!(deleted_ids(&state).len(), 3, "Esc in the prompt restores");

    press(&mut state, char_key('/'));
    type_text(&mut state, "!ali");
    press(&mut state, key(KeyCode::Enter));
    assert_eq!(
        deleted_ids(&state),
        vec!["ws_tx_roof_005", "ws_az_hvac_006"],
        "/! inverts"
    );
    assert!(state.prompt.is_none());
    let tabs = screen_text(&state, 80, 24);
    assert!(tabs.contains("2 Deleted (2/3)"), "{tabs}");

    press(&mut state, key(KeyCode::Esc));
    assert_eq!(deleted_ids(&state).len(), 3, "Esc clears an applied filter");
}

#[test]
fn filter_matches_type_reason_and_user() {
    let mut state = loaded_on('2');
    for (filter, expected) in [
        ("churned", vec!["ws_tx_roof_005"]),
        ("carol", vec!["ws_az_hvac_006"]),
        (
            "solar",
            vec![
                "sunrise_ws_cal_solar_004",
                "ws_tx_roof_005",
                "ws_az_hvac_006",
            ],
        ),
        ("HVAC", vec!["ws_az_hvac_006"]),
    ] {
        press(&mut state, char_key('/'));
        press(&mut state, ctrl('u'));
        type_text(&mut state, filter);
        press(&mut state, key(KeyCode::Enter));
        assert_eq!(deleted_ids(&state), expected, "/{filter}");
    }
}

#[test]
fn filter_by_time_left() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));

    type_text(&mut state, "overdue");
    assert_eq!(
        deleted_ids(&state),
        vec!["ws_tx_roof_005", "ws_az_hvac_006"]
    );
    press(&mut state, ctrl('u'));
    type_text(&mut state, ">1h");
    assert_eq!(deleted_ids(&state), vec!["sunrise_ws_cal_solar_004"]);
    press(&mut state, ctrl('u'));
    type_text(&mut state, "<19h");
    assert_eq!(deleted_ids(&state).len(), 3);
}

#[test]
fn empty_filter_names_what_esc_does() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));
    type_text(&mut state, "<abc");
    press(&mut state, key(KeyCode::Enter));
    assert!(state.error.is_some());

    let screen = screen_text(&state, 120, 30);
    assert!(
        screen.contains("Esc dismisses the error, then a second Esc clears the filter."),
        "{screen}"
    );
    assert!(!screen.contains("Esc clears it."), "{screen}");

    press(&mut state, key(KeyCode::Esc));
    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("Esc clears it."), "{screen}");

    press(&mut state, key(KeyCode::Esc));
    assert!(state.deleted.list.filter.is_empty());
}

#[test]
fn time_filter_on_active_tab_hints() {
    let hint = "match rows of the Deleted and Queue tabs only";
    let mut state = loaded_on('1');
    press(&mut state, char_key('/'));
    type_text(&mut state, "<10m");
    press(&mut state, key(KeyCode::Enter));

    let screen = screen_text(&state, 200, 30);
    assert!(screen.contains("No row matches"), "{screen}");
    assert!(screen.contains(hint), "{screen}");

    // The Deleted tab's rows have due times, so a filter that hides them needs no hint.
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));
    type_text(&mut state, ">1000d");
    press(&mut state, key(KeyCode::Enter));
    let screen = screen_text(&state, 200, 30);
    assert!(screen.contains("No row matches"), "{screen}");
    assert!(!screen.contains(hint), "{screen}");
}

#[test]
fn invalid_time_filter_names_the_value() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));
    type_text(&mut state, "<abc");

    let screen = screen_text(&state, 120, 30);
    assert!(
        screen.contains("'<abc' is not a valid time-left filter"),
        "{screen}"
    );
    assert!(screen.contains("<10m"), "{screen}");
    press(&mut state, key(KeyCode::Enter));
    let error = state.error.clone().unwrap_or_default();
    assert!(
        error.starts_with("Filter: '<abc' is not a valid time-left filter"),
        "{error}"
    );
    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("'<abc' is not a valid"), "{screen}");

    // A valid time filter gets no hint.
    press(&mut state, key(KeyCode::Esc));
    press(&mut state, char_key('/'));
    press(&mut state, ctrl('u'));
    type_text(&mut state, "!>10m");
    assert_eq!(state.deleted.list.filter.problem(), None);
    press(&mut state, key(KeyCode::Enter));
    assert_eq!(state.error, None);
}

/// Number of rows named `Keep N` on the screen.
fn kept_rows_shown(screen: &str) -> usize {
    let names: std::collections::BTreeSet<&str> = screen
        .match_indices("Keep ")
        .map(|(start, _)| {
            let end = screen[start + 5..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(screen.len(), |len| start + 5 + len);
            &screen[start..end]
        })
        .collect();
    names.len()
}

/// Puts 313 rows into each of the four lists. Every 18th row, 18 in all, is named `Keep N`.
fn long_lists(state: &mut State) {
    let name = |n: usize| {
        if n % 18 == 0 {
            format!("Keep {n}")
        } else {
            format!("Other {n}")
        }
    };

    let mut active = active_list();
    let template = active.webhooks[0].clone();
    active.webhooks = (0..313)
        .map(|n| {
            let mut row = template.clone();
            row.id = format!("ws_cal_solar_{n:03}");
            row.name = name(n);
            row
        })
        .collect();

    let mut deleted = restorable_deleted_list();
    let template = deleted.webhooks[0].clone();
    deleted.webhooks = (0..313)
        .map(|n| {
            let mut row = template.clone();
            row.id = format!("ws_tx_roof_{n:03}");
            row.name = name(n);
            row
        })
        .collect();

    let mut queue = queue_data();
    let template = queue.jobs[2].clone();
    queue.jobs = (0..313)
        .map(|n| {
            let mut job = template.clone();
            job.id = format!("job_{n:03}");
            job.webhook_name = name(n);
            job
        })
        .collect();

    let mut audit = audit_page();
    let template = audit.events[0].clone();
    audit.events = (0..313)
        .map(|n| {
            let mut event = template.clone();
            event.id = 1000 - n as i64;
            event.webhook_name = name(n);
            event
        })
        .collect();

    polled(
        state,
        vec![
            FetchedData::Active(modified(active)),
            FetchedData::Deleted(modified(deleted)),
            FetchedData::Queue(response(queue)),
            FetchedData::Audit(response(audit)),
        ],
    );
}

#[test]
fn filter_after_scrolling_fills_the_screen() {
    let size = (120, 40);
    for tab in Tab::ALL {
        let mut state = loaded_state();
        long_lists(&mut state);
        press(
            &mut state,
            Msg::Resize {
                width: size.0,
                height: size.1,
            },
        );
        press(&mut state, char_key(char::from(b'1' + tab.index() as u8)));
        press(&mut state, char_key('G'));
        press(&mut state, char_key('/'));
        type_text(&mut state, "keep");
        press(&mut state, key(KeyCode::Enter));

        let capacity = crate::dashboard::views::list_capacity(tab, size);
        let expected = capacity.min(18);
        let screen = screen_text(&state, size.0, size.1);
        assert_eq!(
            kept_rows_shown(&screen),
            expected,
            "{tab:?} with room for {capacity} rows:\n{screen}"
        );
        let list = match tab {
            Tab::Active => &state.active.list,
            Tab::Deleted => &state.deleted.list,
            Tab::Queue => &state.queue.list,
            Tab::Audit => &state.audit.list,
        };
        assert_eq!(list.order.len(), 18, "{tab:?}");
        assert!(
            list.offset <= list.order.len().saturating_sub(capacity),
            "{tab:?}: offset {} leaves blank rows",
            list.offset
        );
    }
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('G'));

    press(&mut state, char_key('s'));
    assert_eq!(state.deleted.list.sort.column, Some(0), "time left first");
    assert_eq!(
        deleted_ids(&state),
        vec![
            "ws_az_hvac_006",
            "ws_tx_roof_005",
            "sunrise_ws_cal_solar_004"
        ]
    );
    assert_eq!(
        selected_deleted_id(&state).as_deref(),
        Some("ws_az_hvac_006"),
        "the cursor stays on its row"
    );
    press(&mut state, char_key('S'));
    assert_eq!(deleted_ids(&state)[0], "sunrise_ws_cal_solar_004");
    press(&mut state, char_key('s'));
    assert_eq!(state.deleted.list.sort.column, Some(1), "then name");
    let header = screen_text(&state, 80, 24);
    assert!(header.contains("Webhook▼"), "{header}");
}

#[test]
fn poll_during_marking_keeps_cursor_on_row() {
    let mut state = loaded_on('2');
    press(&mut state, key(KeyCode::Char(' ')));
    assert_eq!(
        selected_deleted_id(&state).as_deref(),
        Some("ws_tx_roof_005")
    );

    // The server now lists the rows in another order, one row is gone and one is new.
    let mut next = deleted_list();
    next.webhooks.reverse();
    next.webhooks
        .retain(|row| row.id != "sunrise_ws_cal_solar_004");
    let mut newcomer = next.webhooks[0].clone();
    newcomer.id = "ws_nv_solar_010".to_owned();
    next.webhooks.insert(0, newcomer);
    press(&mut state, deleted_poll(next));

    assert_eq!(
        selected_deleted_id(&state).as_deref(),
        Some("ws_tx_roof_005")
    );
    assert!(state.deleted.list.is_gone("sunrise_ws_cal_solar_004"));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("gone from server"), "{screen}");
    // The vanished row is the only one before its purge time, and the title counts only the
    // rows the server still lists.
    assert!(screen.contains("· 0 restorable"), "{screen}");
    assert!(state.deleted.list.changed.contains_key("ws_nv_solar_010"));
}

#[test]
fn vanished_row_stays_while_dialog_open() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('r'));
    let mut next = deleted_list();
    next.webhooks.remove(0);

    press(&mut state, deleted_poll(next));

    assert_eq!(
        selected_deleted_id(&state).as_deref(),
        Some("sunrise_ws_cal_solar_004"),
        "the cursor does not jump to another webhook"
    );
    assert!(state.deleted.list.is_gone("sunrise_ws_cal_solar_004"));
    press(&mut state, key(KeyCode::Esc));
    assert_eq!(state.deleted.rows().len(), 2, "closing the dialog drops it");
}

#[test]
fn bulk_preflight_counts_hidden_skipped_and_expiring() {
    let mut state = loaded_state();
    let mut list = deleted_list();
    list.webhooks[0].job_status.status = JobState::Processing;
    // Roof Pros TX purges three minutes after the server's now, and can still be restored.
    list.webhooks[1].deletion.scheduled_deletion_at = at("2026-03-01T10:03:00.000Z");
    list.webhooks[1].job_status.status = JobState::Pending;
    press(&mut state, deleted_poll(list));
    press(&mut state, char_key('2'));
    press(&mut state, ctrl('a'));
    press(&mut state, char_key('/'));
    type_text(&mut state, "carol");
    press(&mut state, key(KeyCode::Enter));

    press(&mut state, char_key('r'));

    let Some(Dialog::Bulk(dialog)) = &state.dialog else {
        panic!("r with marks opens the bulk preflight");
    };
    assert_eq!(dialog.items.len(), 3);
    assert_eq!(dialog.hidden_count(), 2);
    assert_eq!(
        dialog.ids(),
        vec!["ws_tx_roof_005".to_owned()],
        "the processing and the dead-lettered ones are skipped"
    );
    assert_eq!(
        dialog.expiring,
        vec!["ws_tx_roof_005".to_owned()],
        "the row purging within 5 minutes is called out"
    );
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("3 marked · 2 hidden by the current filter · 2 skipped"),
        "{screen}"
    );
    assert!(
        screen.contains("skip: purge already processing"),
        "{screen}"
    );

    let commands = press(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::BulkRestore {
            ids: vec!["ws_tx_roof_005".to_owned()]
        }]
    );
}

#[test]
fn bulk_preflight_skips_unrestorable_rows() {
    let mut state = loaded_state();
    // As the server reports them: both purges are past their time, one job failed and will
    // retry, and the other is dead-lettered.
    let mut list = deleted_list();
    list.webhooks[1].restoration.can_restore = false;
    list.webhooks[2].restoration.can_restore = false;
    press(&mut state, deleted_poll(list));
    press_all(&mut state, &[char_key('2'), ctrl('a'), char_key('r')]);

    let Some(Dialog::Bulk(dialog)) = &state.dialog else {
        panic!("r with marks opens the bulk preflight");
    };
    assert_eq!(dialog.ids(), vec!["sunrise_ws_cal_solar_004".to_owned()]);
    assert!(dialog.expiring.is_empty(), "{:?}", dialog.expiring);
    let screen = screen_text(&state, 100, 30);
    assert!(
        screen.contains("3 marked · 0 hidden by the current filter · 2 skipped"),
        "{screen}"
    );
    assert!(screen.contains("Roof Pros TX"), "{screen}");
    assert_eq!(
        screen.matches("skip: grace period over").count(),
        2,
        "{screen}"
    );
    assert!(!screen.contains("within 5 min"), "{screen}");
    assert!(screen.contains("[ Restore 1 ]"), "{screen}");

    let commands = press(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::BulkRestore {
            ids: vec!["sunrise_ws_cal_solar_004".to_owned()]
        }]
    );
}

#[test]
fn bulk_preflight_trusts_server_can_restore() {
    let mut state = loaded_state();
    // The purge time is still ahead, but the server already rejects the restore.
    let mut list = restorable_deleted_list();
    list.webhooks[0].restoration.can_restore = false;
    list.webhooks[0].job_status.status = JobState::DeadLetter;
    list.webhooks[1].restoration.can_restore = false;
    press(&mut state, deleted_poll(list));
    press_all(&mut state, &[char_key('2'), ctrl('a'), char_key('r')]);

    let Some(Dialog::Bulk(dialog)) = &state.dialog else {
        panic!("r with marks opens the bulk preflight");
    };
    assert_eq!(dialog.ids(), vec!["ws_az_hvac_006".to_owned()]);
    let reasons: Vec<Option<&str>> = dialog.items.iter().map(|item| item.skip_reason()).collect();
    assert_eq!(
        reasons,
        vec![
            Some("purge job dead-lettered"),
            Some("server refuses restore"),
            None
        ]
    );
}

#[test]
fn undo_restores_after_soft_delete() {
    let mut state = loaded_state();
    solar_ca_deleted(&mut state);
    assert!(state.undo.is_some());

    let commands = press(&mut state, char_key('u'));

    assert_eq!(
        writes(&commands),
        vec![&Command::Restore {
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            enabled: true,
        }]
    );
    assert!(state.undo.is_none(), "one undo per action");
}

#[test]
fn undo_soft_deletes_after_restore() {
    let mut state = loaded_state();
    let body: RestoreResponse = serde_json::from_value(json!({
        "status": "success", "message": "restored", "webhook_id": "ws_tx_roof_005",
        "restored_by": "alice", "restored_at": SERVER_NOW, "timestamp": SERVER_NOW}))
    .expect("restore fixture matches the wire type");
    state.update(
        now(),
        Msg::Mutated {
            kind: MutationKind::Restore,
            id: "ws_tx_roof_005".to_owned(),
            name: "Roof Pros TX".to_owned(),
            received_at: now(),
            result: response(MutationResponse::Restored(body)),
        },
    );

    let commands = press(&mut state, char_key('u'));

    let [Command::SoftDelete { id, reason, .. }] = writes(&commands)[..] else {
        panic!("u sent {commands:?}");
    };
    assert_eq!(id, "ws_tx_roof_005");
    assert!(reason.contains("undo"), "{reason}");
}

#[test]
fn undo_cannot_be_undone() {
    let mut state = loaded_state();
    solar_ca_deleted(&mut state);
    let undo = press(&mut state, char_key('u'));
    assert_eq!(writes(&undo).len(), 1, "{undo:?}");
    let body: RestoreResponse = serde_json::from_value(json!({
        "status": "success", "message": "restored",
        "webhook_id": "click-ventures_ws_cal_solar_001",
        "restored_by": "alice", "restored_at": SERVER_NOW, "timestamp": SERVER_NOW}))
    .expect("restore fixture matches the wire type");
    state.update(
        now(),
        Msg::Mutated {
            kind: MutationKind::Restore,
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            received_at: now(),
            result: response(MutationResponse::Restored(body)),
        },
    );
    assert!(state.undo.is_none(), "the undo's restore offers no undo");
    assert!(state.undo_in_flight.is_none());

    let again = press(&mut state, char_key('u'));

    assert!(writes(&again).is_empty(), "a second u sent {again:?}");
    let notice = state
        .notice
        .clone()
        .map(|notice| notice.text)
        .unwrap_or_default();
    assert!(notice.starts_with("Nothing to undo"), "{notice}");
    let screen = screen_text(&state, 100, 30);
    assert!(!screen.contains("u undoes"), "{screen}");
}

#[test]
fn undo_of_restore_names_token_user() {
    let mut state = loaded_state();
    state.identity = Some(crate::api::WhoAmI {
        name: "olga".to_owned(),
        role: crate::api::Role::Operator,
        token_id: Some("tok_1".to_owned()),
        acting_user: "olga".to_owned(),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    });
    let body: RestoreResponse = serde_json::from_value(json!({
        "status": "success", "message": "restored",
        "webhook_id": "click-ventures_ws_cal_solar_001",
        "restored_by": "olga", "restored_at": SERVER_NOW, "timestamp": SERVER_NOW}))
    .expect("restore fixture matches the wire type");
    state.update(
        now(),
        Msg::Mutated {
            kind: MutationKind::Restore,
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            received_at: now(),
            result: response(MutationResponse::Restored(body)),
        },
    );

    let undo = press(&mut state, char_key('u'));

    let reasons: Vec<&str> = undo
        .iter()
        .filter_map(|command| match command {
            Command::SoftDelete { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    // The server records the token's name, so the reason names it rather than --user.
    assert_eq!(reasons, ["undo of a restore by olga"]);
}

#[test]
fn undo_in_confirm_env_dialog_cannot_be_undone() {
    let mut state = with_options(confirm_env_options());
    solar_ca_deleted(&mut state);
    press(&mut state, char_key('u'));
    type_text(&mut state, "prod");
    press(&mut state, key(KeyCode::Enter));
    let sent = press(&mut state, key(KeyCode::Enter));
    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
    let body: RestoreResponse = serde_json::from_value(json!({
        "status": "success", "message": "restored",
        "webhook_id": "click-ventures_ws_cal_solar_001",
        "restored_by": "alice", "restored_at": SERVER_NOW, "timestamp": SERVER_NOW}))
    .expect("restore fixture matches the wire type");
    state.update(
        now(),
        Msg::Mutated {
            kind: MutationKind::Restore,
            id: "click-ventures_ws_cal_solar_001".to_owned(),
            name: "Solar CA".to_owned(),
            received_at: now(),
            result: response(MutationResponse::Restored(body)),
        },
    );

    assert!(state.undo.is_none());
    press(&mut state, char_key('u'));
    assert!(
        state.dialog.is_none(),
        "a second u opened {:?}",
        state.dialog
    );
}

#[test]
fn undo_expires_after_window() {
    let mut state = loaded_state();
    solar_ca_deleted(&mut state);

    state.update(local_plus(11), Msg::Tick);
    let commands = state.update(local_plus(11), char_key('u'));

    assert!(writes(&commands).is_empty(), "{commands:?}");
    assert!(state.undo.is_none());
}

#[test]
fn read_only_binds_no_write_key() {
    let mut state = with_options(Options {
        read_only: true,
        ..Options::default()
    });
    solar_ca_deleted(&mut state);

    for tab in ['1', '2', '3'] {
        press(&mut state, char_key(tab));
        for write_key in ['d', 'D', 'r', 'R', 'A', 'u'] {
            let commands = press(&mut state, char_key(write_key));
            assert!(writes(&commands).is_empty(), "{write_key} on {tab}");
            assert!(
                state.dialog.is_none(),
                "{write_key} on {tab} opened a dialog"
            );
        }
    }
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("READ-ONLY"), "{screen}");
    press(&mut state, char_key('?'));
    let help = screen_text(&state, 80, 24);
    assert!(!help.contains("soft delete"), "{help}");
}

#[test]
fn confirm_env_gates_every_write() {
    let mut state = with_options(confirm_env_options());
    press(&mut state, char_key('2'));
    press(&mut state, char_key('r'));

    let Some(Dialog::Restore(dialog)) = &state.dialog else {
        panic!("r opened no restore dialog");
    };
    assert!(dialog.form.is_focused(FieldKey::Environment));
    let early = press(&mut state, key(KeyCode::Enter));
    assert!(early.is_empty(), "{early:?}");
    let refused = press(&mut state, key(KeyCode::Enter));
    assert!(
        writes(&refused).is_empty(),
        "confirmed without the name: {refused:?}"
    );

    press(&mut state, key(KeyCode::BackTab));
    press(&mut state, key(KeyCode::BackTab));
    type_text(&mut state, "prod");
    press(&mut state, key(KeyCode::Enter));
    let sent = press(&mut state, key(KeyCode::Enter));
    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
}

#[test]
fn unreachable_server_disables_writes() {
    let mut state = loaded_state();
    let later = local_plus(3);
    tick_and_poll(
        &mut state,
        later,
        vec![FetchedData::Active(Err(unreachable()))],
    );

    let commands = state.update(later, char_key('d'));

    assert!(commands.is_empty());
    assert!(state.dialog.is_none());
    let error = state.error.clone().unwrap_or_default();
    assert!(error.contains("unreachable"), "{error}");
    let screen = screen_text(&state, 100, 24);
    assert!(screen.contains("WRITES OFF"), "{screen}");
    assert!(screen.contains("retry in"), "{screen}");
}

#[test]
fn paste_only_reaches_the_focused_input() {
    let mut state = loaded_state();

    let commands = press(&mut state, Msg::Paste("dq\r\n".to_owned()));
    assert!(commands.is_empty());
    assert!(state.dialog.is_none(), "a paste is not a key press");
    assert!(!state.should_quit);

    press(&mut state, char_key('D'));
    press(&mut state, Msg::Paste("Solar CA\n".to_owned()));
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("D opened no force delete dialog");
    };
    assert_eq!(dialog.form.focus, Focus::Cancel, "focus stays on Cancel");
    assert_eq!(dialog.form.value(FieldKey::Name), "", "no input had focus");

    press(&mut state, key(KeyCode::Tab));
    press(&mut state, Msg::Paste("Solar CA\n".to_owned()));
    press(&mut state, key(KeyCode::Tab));
    press(
        &mut state,
        Msg::Paste("\u{1b}[31mdup\u{1b}[0m\tentry".to_owned()),
    );
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("the paste closed the dialog");
    };
    assert!(
        dialog.name_matches(),
        "{:?}",
        dialog.form.value(FieldKey::Name)
    );
    assert_eq!(dialog.form.value(FieldKey::Reason), "dup entry");
}

#[test]
fn paste_goes_into_the_filter_prompt() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('/'));

    press(&mut state, Msg::Paste("roof\n".to_owned()));

    assert_eq!(deleted_ids(&state), vec!["ws_tx_roof_005"]);
}

#[test]
fn held_keys_never_act_twice() {
    let mut state = loaded_state();
    let held = |code: KeyCode| {
        let mut event = KeyEvent::new(code, KeyModifiers::NONE);
        event.kind = KeyEventKind::Repeat;
        Msg::Key(event)
    };

    press(&mut state, held(KeyCode::Char('d')));
    assert!(state.dialog.is_none(), "a repeat opened a dialog");
    press(&mut state, char_key('d'));
    type_text(&mut state, "dup");
    press(&mut state, key(KeyCode::Enter));
    let repeated = press(&mut state, held(KeyCode::Enter));
    assert!(repeated.is_empty(), "a held Enter confirmed: {repeated:?}");
    press(&mut state, held(KeyCode::Char('x')));
    press(&mut state, key(KeyCode::Esc));
    assert!(state.dialog.is_none());

    press(&mut state, held(KeyCode::Down));
    assert_eq!(state.active.list.cursor, 1, "moving may repeat");
}

/// Opens the detail view of `id` with `:webhook` and delivers `webhook` as its result, with
/// an empty audit timeline. Returns the screen.
fn detail_of_missing(id: &str, webhook: ApiError) -> String {
    let mut state = loaded_state();
    press(&mut state, char_key(':'));
    type_text(&mut state, &format!("webhook {id}"));
    press(&mut state, key(KeyCode::Enter));
    let audit: crate::api::AuditPage =
        serde_json::from_value(json!({"timestamp": SERVER_NOW, "events": []}))
            .expect("audit fixture matches the wire type");
    let fetch = crate::dashboard::app::DetailFetch {
        id: id.to_owned(),
        webhook: Err(webhook),
        audit: response(audit),
        job: None,
    };
    polled(&mut state, vec![FetchedData::Detail(Box::new(fetch))]);
    screen_text(&state, 120, 30)
}

#[test]
fn detail_tells_never_existed_from_purged() {
    let never = detail_of_missing(
        "nonexist_ws_xx_yy_001",
        api_error(
            404,
            "Webhook not found",
            "webhook 'nonexist_ws_xx_yy_001' not found",
            json!({"webhook_id": "nonexist_ws_xx_yy_001"}),
            None,
        ),
    );
    assert!(
        never.contains(
            "webhook nonexist_ws_xx_yy_001 not found: the server has no webhook with this id"
        ),
        "{never}"
    );
    assert!(!never.contains("purged"), "{never}");
    assert!(!never.contains("no longer exists"), "{never}");

    let purged = detail_of_missing(
        "ws_cal_old_007",
        api_error(
            404,
            "Webhook not found",
            "webhook 'ws_cal_old_007' was permanently deleted",
            json!({"webhook_id": "ws_cal_old_007", "deleted_at": "2026-02-27T08:00:00.000Z",
                "deleted_by": "dave", "deletion_type": "purged",
                "scheduled_deletion_at": "2026-02-27T08:00:00.000Z"}),
            None,
        ),
    );
    assert!(
        purged.contains(
            "this webhook no longer exists: it was purged by its deletion job at 2026-02-27 \
             08:00:00Z after a soft delete by dave"
        ),
        "{purged}"
    );

    let forced = detail_of_missing(
        "ws_cal_old_008",
        api_error(
            404,
            "Webhook not found",
            "webhook 'ws_cal_old_008' was permanently deleted",
            json!({"webhook_id": "ws_cal_old_008", "deleted_at": "2026-02-27T09:00:00.000Z",
                "deleted_by": "erin", "deletion_type": "force_deleted"}),
            None,
        ),
    );
    assert!(
        forced.contains("it was force deleted at 2026-02-27 09:00:00Z by erin"),
        "{forced}"
    );
}

#[test]
fn command_line_switches_and_opens_detail() {
    let mut state = loaded_state();

    press(&mut state, char_key(':'));
    type_text(&mut state, "del");
    press(&mut state, key(KeyCode::Enter));
    assert_eq!(state.tab, Tab::Deleted);

    press(&mut state, char_key(':'));
    type_text(&mut state, "webhook click-ventures_ws_t");
    press(&mut state, key(KeyCode::Tab));
    let commands = press(&mut state, key(KeyCode::Enter));
    assert_eq!(
        state.detail.as_ref().map(|detail| detail.id.as_str()),
        Some("click-ventures_ws_tx_roof_002"),
        "Tab completed the only matching id"
    );
    assert!(
        commands.iter().any(|command| matches!(command, Command::Poll(resources)
            if resources.iter().any(|resource| matches!(resource, crate::dashboard::app::Resource::Detail(_))))),
        "{commands:?}"
    );
    press(&mut state, key(KeyCode::Esc));
    assert!(state.detail.is_none());

    press(&mut state, char_key(':'));
    type_text(&mut state, "bogus");
    press(&mut state, key(KeyCode::Enter));
    assert!(state.error.as_deref().unwrap_or("").contains("':bogus'"));
    press(&mut state, char_key(':'));
    type_text(&mut state, "q");
    assert_eq!(press(&mut state, key(KeyCode::Enter)), vec![Command::Quit]);
}

#[test]
fn enter_opens_detail_of_selected_row() {
    let mut state = loaded_state();
    press(&mut state, char_key('j'));

    press(&mut state, key(KeyCode::Enter));

    assert_eq!(
        state.detail.as_ref().map(|detail| detail.id.as_str()),
        Some("click-ventures_ws_tx_roof_002")
    );
    let hints = screen_text(&state, 80, 24);
    assert!(hints.contains("Esc back"), "{hints}");
}

#[test]
fn y_copies_the_selected_id() {
    let mut state = loaded_on('2');

    let commands = press(&mut state, char_key('y'));

    assert_eq!(
        commands,
        vec![Command::Copy(ClipboardText::WebhookId(
            "sunrise_ws_cal_solar_004".to_owned()
        ))]
    );
    press(
        &mut state,
        Msg::Copied {
            label: "sunrise_ws_cal_solar_004".to_owned(),
            result: Ok(()),
        },
    );
    let notice = state.notice.as_ref().map(|notice| notice.text.clone());
    assert!(notice.unwrap_or_default().contains("Copied"));
}

#[test]
fn retry_needs_the_extension_and_a_typed_count() {
    let mut state = loaded_on('3');
    press(&mut state, char_key('R'));
    assert!(state.dialog.is_none());
    assert!(state.error.as_deref().unwrap_or("").contains("job_retry"));

    add_extension(&mut state, "job_retry");
    press(&mut state, key(KeyCode::Esc));
    press(&mut state, char_key('A'));
    press(&mut state, key(KeyCode::Enter));
    assert!(state.dialog.is_none(), "Enter on Cancel closes");

    press(&mut state, char_key('A'));
    type_text(&mut state, "2");
    press(&mut state, key(KeyCode::Enter));
    let wrong = press(&mut state, key(KeyCode::Enter));
    assert!(writes(&wrong).is_empty(), "a wrong count sent {wrong:?}");
    press(&mut state, key(KeyCode::BackTab));
    press(&mut state, key(KeyCode::Backspace));
    type_text(&mut state, "1");
    press(&mut state, key(KeyCode::Enter));
    let sent = press(&mut state, key(KeyCode::Enter));
    assert_eq!(writes(&sent), vec![&Command::RetryDeadLetters]);
}

#[test]
fn retry_of_marked_jobs_skips_live_ones() {
    let mut state = loaded_state();
    add_extension(&mut state, "job_retry");
    press(&mut state, char_key('3'));
    press(&mut state, ctrl('a'));
    press(&mut state, char_key('R'));
    press(&mut state, key(KeyCode::Left));

    let sent = press(&mut state, key(KeyCode::Enter));

    assert_eq!(
        writes(&sent),
        vec![&Command::RetryJobs {
            ids: vec!["job_ws_az_hvac_006".to_owned()]
        }]
    );
}

#[test]
fn restore_disabled_option_needs_the_extension() {
    let mut state = loaded_on('2');
    press(&mut state, char_key('r'));
    let Some(Dialog::Restore(dialog)) = &state.dialog else {
        panic!("r opened no restore dialog");
    };
    assert!(!dialog.form.has(FieldKey::RestoreDisabled));
    press(&mut state, key(KeyCode::Esc));

    add_extension(&mut state, "restore_disabled");
    press(&mut state, char_key('r'));
    press(&mut state, key(KeyCode::BackTab));
    press(&mut state, key(KeyCode::Char(' ')));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("[x] bring it back disabled"), "{screen}");
    press(&mut state, key(KeyCode::Enter));
    let sent = press(&mut state, key(KeyCode::Enter));

    assert_eq!(
        writes(&sent),
        vec![&Command::Restore {
            id: "sunrise_ws_cal_solar_004".to_owned(),
            name: "Sunrise Solar".to_owned(),
            enabled: false,
        }]
    );
}

#[test]
fn force_delete_matches_wide_and_combining_names() {
    let name = "東京🚀 caf\u{e9}";
    let mut list = active_list();
    list.webhooks[0].name = name.to_owned();
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Active(modified(list))]);
    press(&mut state, char_key('D'));

    type_text(&mut state, "東京🚀 cafe\u{301}");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("D opened no force delete dialog");
    };
    assert!(
        !dialog.name_matches(),
        "a decomposed accent is not the precomposed one"
    );
    // Backspace removes the whole grapheme: the letter with its accent.
    state.update(now(), key(KeyCode::Backspace));
    type_text(&mut state, "\u{e9}");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("typing closed the dialog");
    };
    assert_eq!(dialog.form.value(FieldKey::Name), name);
    assert!(dialog.name_matches());

    // The cursor cell sits right after the last glyph: 2 (prompt) + 9 columns of name.
    let buffer = render_buffer(&state, 80, 24);
    let area = buffer.area;
    let prompt = (0..area.height)
        .flat_map(|y| (0..area.width - 2).map(move |x| (x, y)))
        .find(|&(x, y)| buffer[(x, y)].symbol() == ">" && buffer[(x + 2, y)].symbol() == "東");
    let (prompt_x, y) = prompt.expect("the name input is drawn");
    let name_width = u16::try_from(unicode_width::UnicodeWidthStr::width(name)).unwrap();
    let cursor_x = prompt_x + 2 + name_width;
    let cursor = &buffer[(cursor_x, y)];
    assert_eq!(cursor.symbol(), " ");
    assert!(cursor.modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(buffer[(cursor_x - 1, y)].symbol(), "\u{e9}");
}

#[test]
fn wide_names_keep_columns_aligned() {
    let mut list = active_list();
    list.webhooks[0].name = "東京ソーラー株式会社の長い名前🚀🚀".to_owned();
    list.webhooks[1].name = "e\u{301}\u{301}\u{301} zalgo".to_owned();
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Active(modified(list))]);
    let buffer = render_buffer(&state, 80, 24);
    let area = buffer.area;

    // The type column ("solar") starts at the same x on every data row.
    let columns: Vec<u16> = (4..7)
        .filter_map(|y| {
            (0..area.width).find(|&x| {
                buffer[(x, y)].symbol() == "s"
                    && buffer[(x + 1, y)].symbol() == "o"
                    && buffer[(x + 2, y)].symbol() == "l"
            })
        })
        .collect();
    assert_eq!(columns.len(), 3, "{columns:?}");
    assert!(columns.iter().all(|x| *x == columns[0]), "{columns:?}");
}

#[test]
fn tiny_terminals_show_a_notice() {
    let state = loaded_state();
    for (width, height) in [(1, 1), (0, 0), (10, 3), (39, 9), (80, 1), (1, 80)] {
        render_buffer(&state, width, height);
    }
    let small = screen_text(&state, 39, 9);
    assert!(small.contains("at least 40x10"), "{small}");
    assert!(small.contains("q quits"), "{small}");

    // A terminal that reports no rows draws nothing, so keys other than q and Esc wait.
    let mut resized = loaded_state();
    resized.update(
        now(),
        Msg::Resize {
            width: 0,
            height: 0,
        },
    );
    press(&mut resized, char_key('2'));
    press(&mut resized, key(KeyCode::PageDown));
    assert_eq!(resized.tab, Tab::Active);
    assert_eq!(resized.deleted.list.cursor, 0);
    assert_eq!(press(&mut resized, char_key('q')), vec![Command::Quit]);

    // Before the first resize the size is unknown, and keys act with the default page.
    let mut unsized_state = loaded_on('2');
    press(&mut unsized_state, key(KeyCode::PageDown));
    assert_eq!(unsized_state.deleted.list.cursor, 2);
}

#[test]
fn page_keys_move_by_visible_rows() {
    let mut state = loaded_state();
    let mut list = active_list();
    let template = list.webhooks[0].clone();
    list.webhooks = (0..100)
        .map(|n| {
            let mut row = template.clone();
            row.id = format!("ws_cal_solar_{n:03}");
            row
        })
        .collect();
    polled(&mut state, vec![FetchedData::Active(modified(list))]);
    press(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );

    press(&mut state, key(KeyCode::PageDown));
    let page = crate::dashboard::views::list_capacity(Tab::Active, (80, 24));
    assert_eq!(state.active.list.cursor, page);
    assert_eq!(
        state.active.list.offset, 1,
        "scrolled just enough to show the cursor"
    );
    press(&mut state, char_key('G'));
    assert_eq!(state.active.list.cursor, 99);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("ws_cal_solar_099"), "{screen}");
    assert!(!screen.contains("ws_cal_solar_000"), "{screen}");
}
