//! The key reference: it fits 80x24 on every tab and for every role, and scrolls with a
//! note in its border on a shorter screen.

use crossterm::event::KeyCode;

use super::screens::detail_fetch;
use super::*;
use crate::api::{Role, WhoAmI};

/// Returns the end of the last row of the reference for a token with `role`.
fn role_note_end(role: Role) -> &'static str {
    match role {
        Role::Admin => "every key works.",
        Role::Operator => "needs the admin role.",
        Role::Viewer => "force delete the admin role.",
    }
}

/// Builds a loaded state of a token named `vera` with `role`, on a screen of `size`.
fn as_role(role: Role, size: (u16, u16)) -> State {
    let mut state = loaded_state();
    let identity = WhoAmI {
        name: "vera".to_owned(),
        role,
        token_id: Some("tok_1".to_owned()),
        acting_user: "vera".to_owned(),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    };
    polled(&mut state, vec![FetchedData::Identity(response(identity))]);
    let (width, height) = size;
    press(&mut state, Msg::Resize { width, height });
    state
}

/// Opens the help on `view`: a tab key, or `Enter` for the detail of a deleted webhook.
fn help_on(mut state: State, view: char) -> State {
    if view == '\n' {
        press_all(&mut state, &[char_key('2'), key(KeyCode::Enter)]);
        polled(
            &mut state,
            vec![FetchedData::Detail(Box::new(detail_fetch()))],
        );
    } else {
        press(&mut state, char_key(view));
    }
    press(&mut state, char_key('?'));
    state
}

#[test]
fn help_fits_80x24_everywhere() {
    for role in [Role::Admin, Role::Operator, Role::Viewer] {
        for view in ['1', '2', '3', '4', '\n'] {
            let state = help_on(as_role(role, (80, 24)), view);

            let screen = screen_text(&state, 80, 24);

            let case = format!("{role:?} on {view:?}");
            assert!(screen.contains("Keys (Esc closes)"), "{case}:\n{screen}");
            assert!(screen.contains("Everywhere"), "{case}:\n{screen}");
            assert!(
                screen.contains(role_note_end(role)),
                "{case}: last row hidden:\n{screen}"
            );
            assert!(!screen.contains("more ─"), "{case}:\n{screen}");
        }
    }
}

#[test]
fn help_command_line_is_whole() {
    for width in [80, 130, 200] {
        let state = help_on(as_role(Role::Admin, (width, 24)), '1');

        let screen = screen_text(&state, width, 24);

        assert!(
            screen.contains(":  command line: :queue, :webhook <id>, :q; Tab completes"),
            "{width}:\n{screen}"
        );
    }
}

#[test]
fn help_scrolls_on_short_screen() {
    let mut state = help_on(as_role(Role::Viewer, (80, 14)), '2');
    let last_row = role_note_end(Role::Viewer);

    let top = screen_text(&state, 80, 14);
    assert!(top.contains("Deleted tab"), "{top}");
    assert!(!top.contains(last_row), "{top}");
    assert!(top.contains("PgDn ↓"), "no note on the hidden rows:\n{top}");
    assert!(!top.contains("PgUp ↑"), "{top}");

    press(&mut state, key(KeyCode::PageDown));
    let paged = screen_text(&state, 80, 14);
    assert!(!paged.contains("Deleted tab"), "{paged}");
    assert!(paged.contains("PgUp ↑"), "{paged}");

    for _ in 0..30 {
        press(&mut state, char_key('j'));
    }
    let bottom = screen_text(&state, 80, 14);
    assert!(bottom.contains(last_row), "{bottom}");
    assert!(!bottom.contains("PgDn ↓"), "{bottom}");
    assert!(state.show_help, "scrolling keeps the help open");

    press(&mut state, char_key('k'));
    let up_one = screen_text(&state, 80, 14);
    assert!(
        !up_one.contains(last_row),
        "k scrolls back past the end:\n{up_one}"
    );

    press(&mut state, char_key('G'));
    press(&mut state, key(KeyCode::PageUp));
    press(&mut state, key(KeyCode::Up));
    press(&mut state, char_key('g'));
    assert_eq!(state.help_scroll, 0);

    press(&mut state, key(KeyCode::End));
    press(&mut state, key(KeyCode::Esc));
    assert!(!state.show_help);
    press(&mut state, char_key('?'));
    assert_eq!(state.help_scroll, 0, "the help reopens at the top");
}

#[test]
fn help_wraps_on_narrow_screen() {
    let state = help_on(as_role(Role::Viewer, (40, 24)), '2');

    let screen = screen_text(&state, 40, 24);

    assert!(screen.contains("Ctrl-a Ctrl-\\"), "{screen}");
    assert!(
        screen.contains("  mark all shown; clear the marks"),
        "{screen}"
    );
    assert!(screen.contains("PgDn ↓"), "{screen}");
}
