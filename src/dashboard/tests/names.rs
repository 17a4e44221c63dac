//! Names with invisible, reordering, combining and wide characters: every screen draws them
//! distinctly, and force delete accepts only the name as drawn.

use crossterm::event::KeyCode;

use super::*;
use crate::dashboard::app::Command;
use crate::dashboard::dialogs::Dialog;

/// Each stored name, what the screen draws, and a look-alike that an operator could type
/// from what the name looks like. The look-alike must never confirm.
const CASES: &[(&str, &str, &str)] = &[
    ("zw\u{200b}test", "zw\\u{200b}test", "zwtest"),
    ("abc\u{202e}fed", "abc\\u{202e}fed", "abcfed"),
    ("cafe\u{301}", "cafe\\u{301}", "caf\u{e9}"),
    ("Solar\u{a0}CA", "Solar\\u{a0}CA", "Solar CA"),
    ("東京ソーラー", "東京ソーラー", "東京ソ-ラ-"),
    ("back\\slash", "back\\\\slash", "back\\slash"),
];

/// Builds a loaded state whose first active webhooks carry `names`.
fn with_names(names: &[&str]) -> State {
    let mut list = active_list();
    for (webhook, name) in list.webhooks.iter_mut().zip(names) {
        webhook.name = (*name).to_owned();
    }
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Active(modified(list))]);
    state
}

fn force_delete_dialog(state: &State) -> &crate::dashboard::dialogs::ForceDeleteDialog {
    match &state.dialog {
        Some(Dialog::ForceDelete(dialog)) => dialog,
        other => panic!("expected the force delete dialog, found {other:?}"),
    }
}

/// Deletes `typed` from the focused field with one Backspace per character, which is at
/// least one per grapheme.
fn clear_name(state: &mut State, typed: &str) {
    for _ in typed.chars() {
        state.update(at(LOCAL_NOW), key(KeyCode::Backspace));
    }
}

#[test]
fn force_delete_accepts_only_drawn_name() {
    for (stored, shown, look_alike) in CASES {
        let mut state = with_names(&[stored]);
        state.update(at(LOCAL_NOW), char_key('D'));

        let screen = screen_text(&state, 80, 24);
        assert!(screen.contains(shown), "{stored:?} drawn as:\n{screen}");

        type_text(&mut state, look_alike);
        assert!(
            !force_delete_dialog(&state).name_matches(),
            "{look_alike:?} confirmed {stored:?}"
        );
        clear_name(&mut state, look_alike);

        type_text(&mut state, shown);
        assert!(
            force_delete_dialog(&state).name_matches(),
            "{shown:?} did not confirm {stored:?}"
        );
        state.update(at(LOCAL_NOW), key(KeyCode::Tab));
        type_text(&mut state, "lookalike test");
        state.update(at(LOCAL_NOW), key(KeyCode::Enter));
        let commands = state.update(at(LOCAL_NOW), key(KeyCode::Enter));
        let [Command::ForceDelete { name, .. }] = commands.as_slice() else {
            panic!("{stored:?}: expected one force delete, got {commands:?}");
        };
        assert_eq!(name, stored, "the stored name is sent as confirm");
    }
}

#[test]
fn look_alike_rows_draw_differently() {
    let state = with_names(&["zwtest", "zw\u{200b}test"]);

    let screen = screen_text(&state, 80, 24);

    let plain_rows = screen
        .lines()
        .filter(|line| line.contains(" zwtest "))
        .count();
    assert_eq!(plain_rows, 1, "{screen}");
    assert!(screen.contains("zw\\u{200b}test"), "{screen}");
}

#[test]
fn look_alike_webhook_does_not_confirm() {
    let mut state = with_names(&["zwtest", "zw\u{200b}test"]);
    state.update(at(LOCAL_NOW), char_key('j'));
    state.update(at(LOCAL_NOW), char_key('D'));

    type_text(&mut state, "zwtest");

    let dialog = force_delete_dialog(&state);
    assert_eq!(dialog.name, "zw\u{200b}test");
    assert!(!dialog.name_matches());
    assert!(!dialog.can_confirm());
}

#[test]
fn pasted_stored_name_confirms() {
    let mut state = with_names(&["zw\u{200b}te\u{202e}st"]);
    state.update(at(LOCAL_NOW), char_key('D'));
    type_text(&mut state, "x");
    state.update(at(LOCAL_NOW), key(KeyCode::Backspace));

    state.update(
        at(LOCAL_NOW),
        Msg::Paste("zw\u{200b}te\u{202e}st\n".to_owned()),
    );

    let dialog = force_delete_dialog(&state);
    assert_eq!(
        dialog.form.value(crate::dashboard::dialogs::FieldKey::Name),
        "zw\\u{200b}te\\u{202e}st"
    );
    assert!(dialog.name_matches());
}
