//! Names with invisible, reordering, combining, look-alike and wide characters: every screen
//! draws them distinctly, and force delete accepts the name as drawn, pasted or in ASCII, and
//! no look-alike.

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
    ("\u{410}cme Solar", "\\u{410}cme Solar", "Acme Solar"),
    (ZALGO, ZALGO_SHOWN, "e zalgo"),
    ("line\u{2028}sep", "line\\u{2028}sep", "line sep"),
    (
        "Family \u{1f468}\u{1f3fd} Ins",
        "Family \u{1f468}\\u{1f3fd} Ins",
        "Family \u{1f468} Ins",
    ),
];

/// An `e` with 14 combining acute accents, then ` zalgo`.
const ZALGO: &str =
    "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\
                     \u{301}\u{301}\u{301} zalgo";
/// [`ZALGO`] as drawn: every accent escaped.
const ZALGO_SHOWN: &str =
    "e\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\\u{301}\
                           \\u{301}\\u{301}\\u{301} zalgo";

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
        let list = screen_text(&state, 200, 50);
        assert!(list.contains(shown), "{stored:?} listed as:\n{list}");
        state.update(at(LOCAL_NOW), char_key('D'));

        // The dialog wraps a name longer than its 70 inner columns.
        let screen = screen_text(&state, 80, 24);
        if shown.chars().count() <= 60 {
            assert!(screen.contains(shown), "{stored:?} drawn as:\n{screen}");
        }

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

#[test]
fn whole_script_look_alike_shows_ascii_form() {
    // Cyrillic А, с and е: the word draws as is and looks like the Latin "Ace".
    let mut state = with_names(&["\u{410}\u{441}\u{435} Solar"]);
    state.update(at(LOCAL_NOW), char_key('D'));
    let ascii = "\\u{410}\\u{441}\\u{435} Solar";
    let before = screen_text(&state, 80, 24);
    assert!(!before.contains(ascii), "{before}");

    type_text(&mut state, "Ace Solar");

    assert!(!force_delete_dialog(&state).name_matches());
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("does not match"), "{screen}");
    assert!(screen.contains("non-ASCII characters"), "{screen}");
    assert!(screen.contains(ascii), "{screen}");

    clear_name(&mut state, "Ace Solar");
    type_text(&mut state, ascii);
    assert!(force_delete_dialog(&state).name_matches());
    let matched = screen_text(&state, 80, 24);
    assert!(!matched.contains("non-ASCII characters"), "{matched}");
}

#[test]
fn ascii_name_shows_no_ascii_form() {
    let mut state = with_names(&["Solar CA"]);
    state.update(at(LOCAL_NOW), char_key('D'));

    type_text(&mut state, "Solar");

    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("does not match"), "{screen}");
    assert!(!screen.contains("non-ASCII characters"), "{screen}");
}

#[test]
fn malformed_escape_does_not_confirm() {
    let mut state = with_names(&["C:\\temp"]);
    state.update(at(LOCAL_NOW), char_key('D'));

    type_text(&mut state, "C:\\temp");

    assert!(!force_delete_dialog(&state).name_matches());
}

/// Builds a state on the Audit tab whose newest event has `actor`, `webhook_name` and
/// `reason`.
fn audit_with(actor: &str, webhook_name: &str, reason: &str) -> State {
    let mut page = audit_page();
    page.events[0].actor = actor.to_owned();
    page.events[0].webhook_name = webhook_name.to_owned();
    page.events[0].reason = Some(reason.to_owned());
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Audit(response(page))]);
    state.update(at(LOCAL_NOW), char_key('4'));
    state
}

#[test]
fn look_alike_actors_draw_escaped() {
    for (actor, drawn) in [
        ("system\u{fe0f}", "system\\u{fe0f}"),
        ("\u{455}ystem", "\\u{455}ystem"),
    ] {
        let state = audit_with(actor, "Sunrise Solar", "duplicate");

        let screen = screen_text(&state, 120, 24);

        assert!(screen.contains(drawn), "{actor:?}:\n{screen}");
    }
}

#[test]
fn look_alike_token_name_draws_escaped_in_header() {
    let mut state = loaded_state();
    state.identity = Some(crate::api::WhoAmI {
        name: "\u{455}ystem".to_owned(),
        role: crate::api::Role::Viewer,
        token_id: Some("tok_1".to_owned()),
        acting_user: "\u{455}ystem".to_owned(),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    });

    let screen = screen_text(&state, 100, 24);
    let header = screen.lines().next().unwrap_or_default();

    assert!(header.contains("as \\u{455}ystem (viewer)"), "{header}");
}

#[test]
fn skin_tone_names_keep_columns_aligned() {
    let state = audit_with(
        "alice",
        "Family \u{1f468}\u{1f3fd} Ins",
        "family \u{1f468}\u{1f3fd}",
    );

    let buffer = render_buffer(&state, 120, 24);

    let modifiers: Vec<char> = buffer
        .content
        .iter()
        .flat_map(|cell| cell.symbol().chars())
        .filter(|c| ('\u{1f3fb}'..='\u{1f3ff}').contains(c))
        .collect();
    assert!(modifiers.is_empty(), "{modifiers:?}");
    let rows = text_rows(&buffer);
    let screen = rows.join("\n");
    assert!(
        screen.contains("Family \u{1f468}\\u{1f3fd} Ins"),
        "{screen}"
    );
    // Every event row starts its actor cell at the same column.
    let actor_columns: Vec<usize> = rows
        .iter()
        .filter(|row| row.starts_with('│'))
        .filter_map(|row| {
            let index = ["alice", "queue", "dave"]
                .iter()
                .find_map(|actor| row.find(actor))?;
            Some(unicode_width::UnicodeWidthStr::width(&row[..index]))
        })
        .collect();
    assert_eq!(actor_columns.len(), 5, "{screen}");
    assert!(
        actor_columns.iter().all(|x| *x == actor_columns[0]),
        "{actor_columns:?}\n{screen}"
    );
}
