//! Every dialog on small screens: its inputs and buttons stay on screen, or it shows a notice
//! and takes no key but Esc and q, so nothing is typed or confirmed blind.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use super::*;
use crate::dashboard::app::{Command, Options};
use crate::dashboard::dialogs::{Dialog, FieldKey};

/// Screen sizes each dialog must work at: two short terminals and the minimum.
const SIZES: [(u16, u16); 3] = [(60, 15), (80, 18), (40, 10)];

fn resize(state: &mut State, (width, height): (u16, u16)) {
    press(state, Msg::Resize { width, height });
}

/// A dialog to open: how, the text typed into each of its text fields in focus order, and
/// the label of its confirm button.
struct Case {
    name: &'static str,
    open: fn(&mut State),
    texts: &'static [&'static str],
    confirm: &'static str,
}

fn cases() -> Vec<(Case, Options)> {
    let plain = Options::default;
    vec![
        (
            Case {
                name: "create",
                open: |state| press_all(state, &[char_key('n')]),
                texts: &["Solar1", "solar2", "nv", "solarx", "acme3", "about4"],
                confirm: "[ Create ]",
            },
            plain(),
        ),
        (
            Case {
                name: "create, confirm-env",
                open: |state| press_all(state, &[char_key('n')]),
                texts: &["Solar1", "solar2", "nv", "solarx", "acme3", "about4", "pro"],
                confirm: "[ Create ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "soft delete",
                open: |state| press_all(state, &[char_key('d')]),
                texts: &["dup1"],
                confirm: "[ Delete ]",
            },
            plain(),
        ),
        (
            Case {
                name: "soft delete, confirm-env",
                open: |state| press_all(state, &[char_key('d')]),
                texts: &["dup1", "pro"],
                confirm: "[ Delete ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "force delete",
                open: |state| press_all(state, &[char_key('D')]),
                texts: &["Solar CA", "gone1"],
                confirm: "[ Delete now ]",
            },
            plain(),
        ),
        (
            Case {
                name: "force delete of a deleted webhook, confirm-env",
                open: |state| press_all(state, &[char_key('2'), char_key('D')]),
                texts: &["Sunrise Solar", "gone1", "pro"],
                confirm: "[ Delete now ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "restore",
                open: |state| press_all(state, &[char_key('2'), char_key('r')]),
                texts: &[],
                confirm: "[ Restore ]",
            },
            plain(),
        ),
        (
            Case {
                name: "restore disabled, confirm-env",
                open: |state| {
                    add_extension(state, "restore_disabled");
                    press_all(state, &[char_key('2'), char_key('r')]);
                },
                texts: &["pro"],
                confirm: "[ Restore ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "bulk restore",
                open: |state| {
                    let space = key(KeyCode::Char(' '));
                    press_all(state, &[char_key('2'), space.clone(), space, char_key('r')]);
                },
                texts: &[],
                confirm: "[ Restore 1 ]",
            },
            plain(),
        ),
        (
            Case {
                name: "bulk restore, confirm-env",
                open: |state| {
                    let space = key(KeyCode::Char(' '));
                    press_all(state, &[char_key('2'), space.clone(), space, char_key('r')]);
                },
                texts: &["pro"],
                confirm: "[ Restore 1 ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "retry selected jobs",
                open: |state| {
                    add_extension(state, "job_retry");
                    press_all(state, &[char_key('3'), char_key('R')]);
                },
                texts: &[],
                confirm: "[ Retry ]",
            },
            plain(),
        ),
        (
            Case {
                name: "retry every dead letter, confirm-env",
                open: |state| {
                    add_extension(state, "job_retry");
                    press_all(state, &[char_key('3'), char_key('A')]);
                },
                texts: &["1", "pro"],
                confirm: "[ Retry ]",
            },
            confirm_env_options(),
        ),
        (
            Case {
                name: "undo, confirm-env",
                open: |state| {
                    soft_deleted(state, ("ws_az_hvac_003", "HVAC AZ"), 0, at(LOCAL_NOW));
                    press_all(state, &[char_key('u')]);
                },
                texts: &["pro"],
                confirm: "[ Undo ]",
            },
            confirm_env_options(),
        ),
    ]
}

/// Checks that `text` is drawn inside an input field: on cells with the input's background.
fn input_shows(buffer: &Buffer, text: &str) -> bool {
    cell_rows(buffer).iter().enumerate().any(|(y, row)| {
        row.match_indices(text).any(|(byte, _)| {
            let x = row[..byte].chars().count();
            let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
                return false;
            };
            buffer[(x, y)].bg == Color::DarkGray
        })
    })
}

#[test]
fn inputs_and_buttons_fit_small_screens() {
    for (case, options) in cases() {
        for size in SIZES {
            let mut state = with_options(options.clone());
            resize(&mut state, size);
            (case.open)(&mut state);
            assert!(state.dialog.is_some(), "{}: no dialog opened", case.name);
            for (index, text) in case.texts.iter().enumerate() {
                if index > 0 {
                    press(&mut state, key(KeyCode::Tab));
                }
                type_text(&mut state, text);
            }

            let buffer = render_buffer(&state, size.0, size.1);
            let screen = cell_rows(&buffer).join("\n");
            let at = format!("{} at {}x{}", case.name, size.0, size.1);
            for text in case.texts {
                assert!(
                    input_shows(&buffer, text),
                    "{at}: input {text:?}:\n{screen}"
                );
            }
            assert!(screen.contains(case.confirm), "{at}: confirm:\n{screen}");
            assert!(screen.contains("[ Cancel ]"), "{at}: cancel:\n{screen}");
        }
    }
}

#[test]
fn soft_delete_works_at_60x15() {
    let mut state = loaded_state();
    resize(&mut state, (60, 15));
    press(&mut state, char_key('d'));

    type_text(&mut state, "duplicate");
    press(&mut state, key(KeyCode::Enter));
    let commands = press(&mut state, key(KeyCode::Enter));

    assert_eq!(writes(&commands).len(), 1, "{commands:?}");
}

#[test]
fn long_explanation_scrolls_with_page_keys() {
    let mut state = loaded_state();
    resize(&mut state, (40, 10));
    press(&mut state, char_key('d'));
    let top = cell_rows(&render_buffer(&state, 40, 10)).join("\n");
    assert!(top.contains("PgDn"), "{top}");

    press(&mut state, key(KeyCode::PageDown));
    assert!(state.dialog_scroll > 0);
    let scrolled = cell_rows(&render_buffer(&state, 40, 10)).join("\n");
    assert_ne!(top, scrolled);
    for _ in 0..20 {
        press(&mut state, key(KeyCode::PageDown));
    }
    let max = state
        .dialog_placement()
        .expect("the size is known")
        .max_scroll();
    assert_eq!(state.dialog_scroll, max, "scrolling stops at the end");
    press(&mut state, key(KeyCode::PageUp));
    assert!(state.dialog_scroll < max);
}

/// Keys that would type a reason, move to the confirm button and press it.
fn blind_keys() -> Vec<Msg> {
    let mut msgs: Vec<Msg> = "wrong one".chars().map(char_key).collect();
    msgs.extend([
        key(KeyCode::Enter),
        key(KeyCode::Enter),
        key(KeyCode::Tab),
        key(KeyCode::Enter),
        key(KeyCode::Left),
        key(KeyCode::Enter),
    ]);
    msgs
}

#[test]
fn tiny_screen_sends_no_write() {
    for open in ['d', 'D'] {
        let mut state = loaded_state();
        press(&mut state, char_key(open));
        resize(&mut state, (30, 8));

        let mut commands = Vec::new();
        for msg in blind_keys() {
            commands.extend(press(&mut state, msg));
        }
        press(&mut state, Msg::Paste("pasted".to_owned()));

        assert!(!commands.iter().any(Command::is_write), "{commands:?}");
        let dialog = state.dialog.as_ref().expect("the dialog stays open");
        let form = dialog.form().expect("the dialog takes input");
        assert_eq!(
            form.value(FieldKey::Reason),
            "",
            "typed into a hidden field"
        );
        let screen = cell_rows(&render_buffer(&state, 30, 8)).join("\n");
        assert!(screen.contains("40x10"), "{screen}");
        assert!(screen.contains("Esc closes"), "{screen}");
    }
}

#[test]
fn tiny_screen_q_quits_and_esc_closes() {
    let mut state = loaded_state();
    press(&mut state, char_key('d'));
    resize(&mut state, (30, 8));

    let escaped = press(&mut state, key(KeyCode::Esc));
    assert!(escaped.is_empty(), "{escaped:?}");
    assert!(state.dialog.is_none());

    press(&mut state, char_key('d'));
    assert!(state.dialog.is_none(), "d opened a dialog nobody can see");
    let quit = press(&mut state, char_key('q'));
    assert_eq!(quit, vec![Command::Quit]);
}

#[test]
fn hidden_prompt_does_not_take_q() {
    let mut state = loaded_state();
    press(&mut state, char_key(':'));
    resize(&mut state, (30, 8));

    let quit = press(&mut state, char_key('q'));

    assert_eq!(quit, vec![Command::Quit]);
}

#[test]
fn dialog_too_small_shows_notice_and_ignores_keys() {
    let long = "Sunrise Solar and Roofing Partners of Northern California ".repeat(4);
    let long = long.trim_end();
    let mut list = active_list();
    list.webhooks[0].name = long.to_owned();
    let mut state = loaded_state();
    polled(&mut state, vec![FetchedData::Active(modified(list))]);
    resize(&mut state, (40, 10));
    press(&mut state, char_key('D'));
    let placement = state.dialog_placement().expect("the size is known");
    assert!(!placement.is_shown(), "the long name needs more rows");

    let mut commands = Vec::new();
    for c in long.chars() {
        commands.extend(press(&mut state, char_key(c)));
    }
    for msg in blind_keys() {
        commands.extend(press(&mut state, msg));
    }

    assert!(!commands.iter().any(Command::is_write), "{commands:?}");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("the force delete dialog closed");
    };
    assert_eq!(dialog.form.value(FieldKey::Name), "");
    let screen = cell_rows(&render_buffer(&state, 40, 10)).join("\n");
    assert!(screen.contains("enlarge the terminal"), "{screen}");
    assert!(screen.contains("Esc closes"), "{screen}");

    // Enlarged, the same dialog shows its inputs and takes keys again.
    resize(&mut state, (80, 24));
    type_text(&mut state, "Sunrise");
    let Some(Dialog::ForceDelete(dialog)) = &state.dialog else {
        panic!("the force delete dialog closed");
    };
    assert_eq!(dialog.form.value(FieldKey::Name), "Sunrise");
    press(&mut state, key(KeyCode::Esc));
    assert!(state.dialog.is_none());
}

#[test]
fn hint_row_names_dialog_keys() {
    let mut state = loaded_state();
    press(&mut state, char_key('d'));

    let buffer = render_buffer(&state, 80, 24);
    let bottom = cell_rows(&buffer).pop().unwrap_or_default();

    assert!(bottom.contains("Esc cancels"), "{bottom}");
    assert!(
        !bottom.contains("q quit"),
        "q types into the reason here: {bottom}"
    );
}
