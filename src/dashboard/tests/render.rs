//! Whole-screen renders at 80x24 into a `TestBackend`, with snapshots and checks of the cells
//! that matter. The fixtures fix the server's time, so countdowns are stable.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;

use super::*;
use crate::dashboard::views;
use crate::dashboard::widgets::countdown::{PURGE_FAILED, PURGE_PENDING};
use crate::dashboard::widgets::status_bar::STALE;

fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| views::draw(frame, state))
        .expect("drawing into a test backend cannot fail");
    terminal
}

fn screen(state: &State) -> String {
    draw(state, 80, 24).backend().to_string()
}

/// Renders the screen and returns the text of row `y`.
fn row_text(state: &State, y: u16) -> String {
    let terminal = draw(state, 80, 24);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

#[test]
fn deleted_tab_shows_countdown_and_overdue() {
    let state = loaded_on('2');
    let text = screen(&state);

    assert!(text.contains("18:00:00"), "{text}");
    assert!(text.contains(PURGE_PENDING), "{text}");
    assert!(text.contains(PURGE_FAILED), "{text}");
    assert!(
        !text.contains("-0:"),
        "a negative countdown is drawn: {text}"
    );
}

#[test]
fn countdown_moves_with_ticks() {
    let mut state = loaded_on('2');

    state.update(local_plus(1), Msg::Tick);
    let text = screen(&state);

    assert!(text.contains("17:59:59"), "{text}");
}

#[test]
fn server_strings_are_sanitised() {
    let state = loaded_on('2');
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();

    for cell in &buffer.content {
        let symbol = cell.symbol();
        assert!(
            !symbol.chars().any(|c| c.is_control()),
            "control character drawn: {symbol:?}"
        );
    }
    assert!(cell_rows(buffer).join("\n").contains("\\u{1b}[31mHVAC"));
}

#[test]
fn failed_poll_shows_stale_marker_and_rows() {
    let state = stale_state();

    let text = screen(&state);
    assert!(text.contains(STALE), "{text}");
    assert!(text.contains("Sunrise Solar"), "rows were wiped: {text}");
    let status = row_text(&state, 21);
    assert!(status.contains("STALE"), "{status}");
    assert!(status.contains("retry in 4s"), "{status}");
    let message = row_text(&state, 22);
    assert!(message.contains("/webhook/deleted timed out"), "{message}");
}

#[test]
fn soft_delete_confirm_disabled_while_blank() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));

    let blank = screen(&state);
    assert!(blank.contains("type a reason first"), "{blank}");
    type_text(&mut state, "duplicate");
    let typed = screen(&state);
    assert!(!typed.contains("type a reason first"), "{typed}");
    assert!(typed.contains("[ Delete ]"), "{typed}");
    assert!(
        typed.contains("2026-03-02 10:00:00Z (in 24:00:00)"),
        "{typed}"
    );
}

#[test]
fn force_delete_confirm_disabled_until_match() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('D'));
    type_text(&mut state, "Solar");

    let partial = screen(&state);
    assert!(partial.contains("does not match"), "{partial}");
    assert!(partial.contains("type the exact name first"), "{partial}");

    type_text(&mut state, " CA");
    let matched = screen(&state);
    assert!(matched.contains("matches"), "{matched}");
    assert!(matched.contains("type a reason first"), "{matched}");
}

#[test]
fn restore_dialog_shows_time_left() {
    let mut state = loaded_on('2');
    state.update(at(LOCAL_NOW), char_key('r'));

    let text = screen(&state);

    assert!(text.contains("Time left"), "{text}");
    assert!(text.contains("18:00:00"), "{text}");
    assert!(text.contains("2026-03-02 04:00:00Z"), "{text}");
}

#[test]
fn core_only_server_says_tabs_not_provided() {
    let mut state = core_only_state();

    let queue = screen(&state);
    assert!(queue.contains("does not provide the queue"), "{queue}");
    state.update(at(LOCAL_NOW), char_key('4'));
    let audit = screen(&state);
    assert!(audit.contains("does not provide the audit"), "{audit}");
}

#[test]
fn first_frame_says_loading() {
    let state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    let text = screen(&state);
    assert!(text.contains("Loading"), "{text}");
    assert!(text.contains("connecting"), "{text}");
}

#[test]
fn tiny_and_empty_areas_do_not_panic() {
    let mut state = loaded_on('2');
    state.update(at(LOCAL_NOW), char_key('r'));
    for (width, height) in [(1, 1), (0, 0), (0, 5), (5, 0), (2, 3), (39, 9), (40, 10)] {
        render_buffer(&state, width, height);
    }
    let terminal = draw(&state, 1, 1);
    assert_eq!(terminal.backend().buffer().area, Rect::new(0, 0, 1, 1));
}

#[test]
fn every_dialog_fits_small_screens() {
    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('D'));
    for (width, height) in [(40, 10), (60, 15), (80, 24)] {
        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
        views::render(&state, buffer.area, &mut buffer);
    }
}

/// Finds the position of the first cell where `needle` starts, scanning row by row.
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        let text: String = row.concat();
        if let Some(byte) = text.find(needle) {
            // Cells hold one character each in these screens, so the character index is the
            // column.
            let column = text[..byte].chars().count();
            return Some((u16::try_from(column).ok()?, y));
        }
    }
    None
}

#[test]
fn disabled_confirm_cell_is_crossed_out() {
    use ratatui::style::Modifier;

    let mut state = loaded_state();
    state.update(at(LOCAL_NOW), char_key('d'));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "[ Delete ]").expect("the confirm button is drawn");
    assert!(buffer[(x, y)].modifier.contains(Modifier::CROSSED_OUT));

    type_text(&mut state, "duplicate");
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "[ Delete ]").expect("the confirm button is drawn");
    assert!(!buffer[(x, y)].modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn stale_marker_cell_is_red() {
    use ratatui::style::Color;

    let mut state = loaded_state();
    let error = timed_out("/webhook");
    tick_and_poll(
        &mut state,
        local_plus(3),
        vec![FetchedData::Active(Err(error))],
    );

    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "STALE: showing").expect("the stale marker is drawn");
    assert_eq!(y, 2, "the marker sits in the view's title row");
    assert_eq!(buffer[(x, y)].bg, Color::Red);
}

#[test]
fn overdue_cell_reads_purge_pending() {
    let state = loaded_on('2');
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();

    let (x, y) = find(buffer, PURGE_PENDING).expect("the overdue row is drawn");
    assert_eq!(y, 6, "Roof Pros TX is the second row pair");
    assert_eq!(
        x + PURGE_PENDING.len() as u16,
        79,
        "right-aligned in the purge column"
    );
    let (_, countdown_y) = find(buffer, "18:00:00").expect("the countdown is drawn");
    assert_eq!(countdown_y, 4);
}
